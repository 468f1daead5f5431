/**
 * The budget of one review: CPU time and memory of the worker thread that runs
 * the engine. One app serves every installation, and a pull request's author
 * chooses what the engine reads: a review that goes over its budget is
 * stopped (its worker is ended), its check run says which docs cost too much,
 * and the other reviews go on.
 *
 * CPU time is the worker thread's own (Linux: /proc/self/task/TID/schedstat),
 * so waiting for GitHub and other work on the machine do not count; where it
 * cannot be read, the time the worker's event loop was busy stands in for it.
 * Memory is the worker's heap in use at each step of the review, and V8's
 * own heap limit for the worker as a backstop.
 */
import { readFileSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import type { ReviewStep } from "../core/engine.js";
import { codeSpan } from "./publish/escape.js";

export interface ReviewBudget {
  /** CPU time of one review, in ms. */
  cpuMs: number;
  /** Heap in use by one review's worker, in MB. */
  heapMb: number;
}

export const DEFAULT_BUDGET: ReviewBudget = { cpuMs: 60_000, heapMb: 2048 };

/**
 * The budget from G3DOC_REVIEW_CPU_SECONDS and G3DOC_REVIEW_WORKER_HEAP_MB
 * (defaults: 60 s, 2048 MB). A value that is not a positive number keeps the
 * default.
 */
export function budgetFromEnv(env: NodeJS.ProcessEnv = process.env): ReviewBudget {
  const positive = (v: string | undefined) => {
    const n = Number(v);
    return v !== undefined && v !== "" && Number.isFinite(n) && n > 0 ? n : undefined;
  };
  const cpuS = positive(env.G3DOC_REVIEW_CPU_SECONDS);
  return {
    cpuMs: cpuS !== undefined ? cpuS * 1000 : DEFAULT_BUDGET.cpuMs,
    heapMb: positive(env.G3DOC_REVIEW_WORKER_HEAP_MB) ?? DEFAULT_BUDGET.heapMb,
  };
}

/**
 * V8's heap limit for a worker with this budget: a quarter more than the
 * budget, so the budget's own check (between steps) normally stops the
 * review first, with its doc named, and V8 stops what grows within a step.
 */
export function heapLimitMb(budget: ReviewBudget): number {
  return Math.ceil(budget.heapMb * 1.25);
}

/** A function giving a worker thread's CPU time so far, in ms. */
export type ThreadClock = () => number;

/** The CPU time of thread `tid` of this process, from /proc; null when it cannot be read. */
export function procThreadClock(tid: number): ThreadClock | null {
  const schedstat = `/proc/self/task/${tid}/schedstat`;
  try {
    Number(readFileSync(schedstat, "utf8").split(" ")[0]);
  } catch {
    return null;
  }
  let last = 0;
  return () => {
    try {
      // On-CPU time in ns, the first field.
      last = Number(readFileSync(schedstat, "utf8").split(" ")[0]) / 1e6;
    } catch {
      // The thread is gone: its time stays what it was.
    }
    return last;
  };
}

/** The time the worker's event loop was busy, in ms (wall time: an upper bound of its CPU time). */
export function busyClock(worker: Worker): ThreadClock {
  return () => worker.performance.eventLoopUtilization().active;
}

/** One doc's share of a stopped review. */
export interface DocCost {
  path: string;
  cpuMs: number;
}

export type BudgetResource = "cpu" | "memory";

/** A review stopped because it went over its budget. */
export class ReviewBudgetError extends Error {
  constructor(
    readonly resource: BudgetResource,
    readonly budget: ReviewBudget,
    /** CPU time and heap when it was stopped. */
    readonly spent: { cpuMs: number; heapMb: number },
    /** The docs that cost the most, the one it was busy with first. */
    readonly docs: DocCost[],
    /** What it was doing when stopped. */
    readonly busyWith: { step: ReviewStep; path?: string } | undefined,
  ) {
    super(
      `the review went over its ${resource === "cpu" ? `CPU time budget (${seconds(budget.cpuMs)})` : `memory budget (${budget.heapMb} MB)`}${
        docs.length ? ` on ${docs.map((d) => d.path).join(", ")}` : ""
      }`,
    );
    this.name = "ReviewBudgetError";
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/**
 * What one review has cost so far: CPU time from its start, shared out to
 * the doc of each step (a step's time goes to its doc when the next step
 * begins, or when the review is stopped), and its heap at the last step.
 */
export class ReviewCost {
  private readonly start: number;
  private stepStart: number;
  private current: { step: ReviewStep; path?: string } | undefined;
  private readonly byDoc = new Map<string, number>();
  heapMb = 0;

  constructor(private readonly clock: ThreadClock) {
    this.start = this.stepStart = clock();
  }

  /** CPU time since the review started. */
  cpuMs(): number {
    return this.clock() - this.start;
  }

  /** A step begins. */
  step(step: ReviewStep, path: string | undefined, heapMb: number): void {
    this.settle();
    this.current = { step, path };
    this.heapMb = heapMb;
  }

  private settle(): void {
    const now = this.clock();
    const path = this.current?.path;
    if (path !== undefined)
      this.byDoc.set(path, (this.byDoc.get(path) ?? 0) + now - this.stepStart);
    this.stepStart = now;
  }

  /** The error that stops the review: the doc it was busy with, then any other that took a tenth of the budget. */
  overBudget(resource: BudgetResource, budget: ReviewBudget): ReviewBudgetError {
    this.settle();
    const busy = this.current?.path;
    const others = [...this.byDoc]
      .filter(([p, ms]) => p !== busy && ms >= budget.cpuMs / 10)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 9);
    const docs: DocCost[] = [
      ...(busy !== undefined ? [{ path: busy, cpuMs: this.byDoc.get(busy) ?? 0 }] : []),
      ...others.map(([path, cpuMs]) => ({ path, cpuMs })),
    ];
    return new ReviewBudgetError(
      resource,
      budget,
      { cpuMs: this.cpuMs(), heapMb: this.heapMb },
      docs,
      this.current,
    );
  }
}

const STEP_WORDS: Record<ReviewStep, string> = {
  parse: "parsing",
  check: "checking",
  finish: "sorting its findings",
};

/** A path as inert text for a summary: a code span, control characters replaced. */
function quotedPath(path: string): string {
  let clean = "";
  for (const ch of path) clean += ch < " " || ch === "\u007f" ? "\ufffd" : ch;
  return codeSpan(clean);
}

/** The check run of a review stopped over its budget: a title and a summary naming the costly docs. */
export function budgetReport(err: ReviewBudgetError): { title: string; summary: string } {
  const { budget, spent } = err;
  const over =
    err.resource === "cpu"
      ? `its CPU time budget of ${seconds(budget.cpuMs)} (it had used ${seconds(spent.cpuMs)})`
      : `its memory budget of ${budget.heapMb} MB (its heap held ${Math.round(spent.heapMb)} MB)`;
  const lines = [
    `The review of this pull request was stopped: it went over ${over}, so its result is unknown.`,
  ];
  const busy = err.busyWith;
  if (busy)
    lines.push(
      "",
      `It was ${STEP_WORDS[busy.step]}${busy.path !== undefined ? ` ${quotedPath(busy.path)}` : ""} when it was stopped.`,
    );
  if (err.docs.length > 0)
    lines.push(
      "",
      err.docs.length === 1 ? "The doc that cost too much:" : "The docs that cost the most:",
      "",
      ...err.docs.map((d) => `- ${quotedPath(d.path)}: ${seconds(d.cpuMs)} of CPU time`),
    );
  lines.push(
    "",
    "Docs like these (very large, or made of markup that is slow to parse) cannot be reviewed " +
      "within the budget: split or simplify them, then re-run this check. The budget of a review " +
      "is set by whoever runs the app (`G3DOC_REVIEW_CPU_SECONDS`, `G3DOC_REVIEW_WORKER_HEAP_MB`).",
  );
  const title = `Too costly to review: over the ${err.resource === "cpu" ? "CPU time" : "memory"} budget`;
  return { title, summary: lines.join("\n") };
}
