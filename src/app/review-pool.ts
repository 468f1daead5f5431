/**
 * Where the app runs the engine. Parsing Markdown and running the rules are
 * CPU-bound and synchronous: on the main thread, a review of a large pull
 * request would hold up every webhook answer (GitHub waits for one within
 * 10 s, and the queue's promise of an answer "at once" would not hold). So
 * the engine runs in worker threads, one review per worker at a time, while
 * the change set (the GitHub client, its batching and blob cache) stays on
 * the main thread and answers the worker's reads.
 *
 * Each review has a budget of CPU time and memory (review-budget.ts): a
 * watchdog reads the busy workers' CPU time every WATCH_MS, the worker reports
 * its heap at each step, and a review over either is stopped by ending its
 * worker; it fails with a ReviewBudgetError naming the docs that cost the
 * most, and the next review gets a new worker.
 *
 * A worker that dies (out of memory on a huge doc, a crash) fails only the
 * review it was running, with a message; the next review gets a new worker.
 * Where the compiled worker is not present (the TypeScript sources run under
 * jest), or G3DOC_REVIEW_WORKERS=0, reviews run in process, without a budget.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { review, type ReviewOptions, type ReviewResult } from "../core/engine.js";
import { diffMatters } from "../core/docs-scope.js";
import type { ChangeSet, FileContent } from "../core/changeset.js";
import type { Config } from "../config/defaults.js";
import type { FromWorker, ToWorker } from "./review-worker.js";
import { presentReview, type Presentation, type PresentRequest } from "./publish/present.js";
import type { FileLayout } from "../core/fix/window.js";
import {
  ReviewCost,
  budgetFromEnv,
  busyClock,
  heapLimitMb,
  procThreadClock,
  type BudgetResource,
  type ReviewBudget,
  type ThreadClock,
} from "./review-budget.js";

/** How often the watchdog reads the CPU time of busy workers. */
export const WATCH_MS = 100;

/**
 * A worker's young generation, in MB. V8 sizes it from the old generation's
 * limit: 32 MB under the review budget's, held for the whole review; half of
 * it costs a few more scavenges.
 */
export const YOUNG_GENERATION_MB = 16;

/** Characters of diff or text in one message to a worker (see WorkerReviewer.send). */
export const PART_CHARS = 512 * 1024;

/** `items` in runs of at most `limit` characters by `size` (or one item), one run at least. */
export function inParts<T>(
  items: readonly T[],
  size: (item: T) => number,
  limit = PART_CHARS,
): T[][] {
  const parts: T[][] = [[]];
  let chars = 0;
  for (const item of items) {
    const n = size(item);
    if (chars > 0 && chars + n > limit) {
      parts.push([]);
      chars = 0;
    }
    parts.at(-1)!.push(item);
    chars += n;
  }
  return parts;
}

const textLength = (c: FileContent) => (c.kind === "text" ? c.text.length : 0);

/** A turn of the event loop (what is waiting for the main thread runs first). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The engine's result, and its presentation when one was asked for. */
export type Reviewed = ReviewResult & { presented?: Presentation };

export interface Reviewer {
  /** Reviews `cs`; with `present`, presents the result too, where the review ran. */
  review(
    cs: ChangeSet,
    config: Config,
    options: ReviewOptions,
    present?: PresentRequest,
  ): Promise<Reviewed>;
  close(): Promise<void>;
}

/** Reviews, then presents when asked to, on the calling thread. */
async function reviewHere(
  cs: ChangeSet,
  config: Config,
  options: ReviewOptions,
  present?: PresentRequest,
): Promise<Reviewed> {
  const layouts = present ? new Map<string, FileLayout | null>() : undefined;
  const result = await review(cs, config, { ...options, layouts });
  if (!present) return result;
  return {
    ...result,
    presented: await presentReview(cs, result, await present.threads(), present.input, layouts),
  };
}

/** Runs the engine on the calling thread. */
export const inProcessReviewer: Reviewer = {
  review: reviewHere,
  close: async () => {},
};

interface Task {
  job: number;
  cs: ChangeSet;
  config: Config;
  options: ReviewOptions;
  present?: PresentRequest;
  resolve(r: Reviewed): void;
  reject(e: unknown): void;
  /** The first error a read of this task hit on the main thread (kept whole: status, request). */
  readError?: unknown;
  /** What it has cost so far (from when a worker took it). */
  cost?: ReviewCost;
}

interface Slot {
  worker: Worker;
  task?: Task;
  /** Reviews this worker has finished. */
  done: number;
  idleTimer?: NodeJS.Timeout;
  /** The worker thread's CPU time (its busy time until it tells its thread id, or where /proc is absent). */
  clock: ThreadClock;
}

export interface PoolOptions {
  /** Workers at most (each runs one review at a time). */
  size: number;
  /** The compiled worker script. */
  script: string;
  /** Heap limit of one worker, in MB (V8's; default: heapLimitMb of the budget, when there is one). */
  maxHeapMb?: number;
  /** The budget of each review; none when absent. */
  budget?: ReviewBudget;
  /**
   * A worker is replaced after this many reviews (default 20): V8 keeps a
   * heap at its high-water mark, so a long-lived worker holds the memory of
   * the largest review it ever ran.
   */
  reviewsPerWorker?: number;
  /** A worker idle this long is stopped (default 30 s): a quiet app holds no worker heaps. */
  idleMs?: number;
  /** Characters of diff or text in one message to a worker (default PART_CHARS). */
  partChars?: number;
}

export class WorkerReviewer implements Reviewer {
  private readonly slots = new Set<Slot>();
  private readonly waiting: Task[] = [];
  private nextJob = 1;
  private closed = false;
  private watchdog?: NodeJS.Timeout;

  constructor(private readonly opts: PoolOptions) {}

  /** Workers at most. */
  get size(): number {
    return this.opts.size;
  }

  /** Workers alive now (tests). */
  get workers(): number {
    return this.slots.size;
  }

  /** Workers started so far (tests). */
  spawned = 0;

  review(
    cs: ChangeSet,
    config: Config,
    options: ReviewOptions,
    present?: PresentRequest,
  ): Promise<Reviewed> {
    if (this.closed) return Promise.reject(new Error("the review pool is closed"));
    return new Promise<Reviewed>((resolve, reject) => {
      this.waiting.push({ job: this.nextJob++, cs, config, options, present, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      let slot = [...this.slots].find((s) => !s.task);
      if (!slot) {
        if (this.slots.size >= this.opts.size) return;
        slot = this.spawn();
      }
      const task = this.waiting.shift()!;
      clearTimeout(slot.idleTimer);
      slot.task = task;
      task.cost = new ReviewCost(slot.clock);
      this.watch();
      slot.worker.ref();
      void this.send(slot, task);
    }
  }

  /**
   * Sends a review to its worker: the changed files in parts of about
   * PART_CHARS characters of diff (a turn of the event loop between parts,
   * so that webhooks and /ping are answered meanwhile: one message of a
   * 3,000-file change's 13 MB of diffs held the main thread for 120 ms),
   * then the review with the last part.
   */
  private async send(slot: Slot, task: Task): Promise<void> {
    const { base, head, filesTruncated } = task.cs;
    // Diffs the engine does not read stay here (an image's can be megabytes).
    const matters = diffMatters(task.config);
    const files = task.cs.files.map((f) =>
      f.patch === null || matters(f.path) ? f : { ...f, patch: null },
    );
    const parts = inParts(files, (f) => f.patch?.length ?? 0, this.opts.partChars);
    try {
      for (const part of parts.slice(0, -1)) {
        slot.worker.postMessage({ type: "files", job: task.job, files: part } as ToWorker);
        await nextTurn();
        if (slot.task !== task) return;
      }
      const msg: ToWorker = {
        type: "review",
        job: task.job,
        meta: { base, head, files: parts.at(-1) ?? [], filesTruncated },
        config: task.config,
        options: task.options,
        present: task.present?.input,
      };
      slot.worker.postMessage(msg);
    } catch {
      // Something in the request cannot cross threads: run this one in process.
      slot.task = undefined;
      slot.worker.unref();
      reviewHere(task.cs, task.config, task.options, task.present).then(task.resolve, task.reject);
    }
  }

  /** Answers a read, its texts in parts as the files are sent (see send). */
  private async answer(slot: Slot, task: Task, call: number, value: unknown): Promise<void> {
    const post = (msg: ToWorker) => slot.task === task && (slot.worker.postMessage(msg), true);
    try {
      if (value instanceof Map) {
        const parts = inParts([...value], ([, c]) => textLength(c), this.opts.partChars);
        for (const entries of parts.slice(0, -1)) {
          if (!post({ type: "reply-part", call, entries })) return;
          await nextTurn();
        }
        value = new Map(parts.at(-1));
      }
      post({ type: "reply", call, ok: true, value });
    } catch (err) {
      post({
        type: "reply",
        call,
        ok: false,
        message: `the answer could not be sent (${String(err)})`,
      });
    }
  }

  private spawn(): Slot {
    const heapMb = this.opts.maxHeapMb ?? (this.opts.budget && heapLimitMb(this.opts.budget));
    const resourceLimits = {
      maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
      ...(heapMb ? { maxOldGenerationSizeMb: heapMb } : {}),
    };
    const worker = new Worker(this.opts.script, { resourceLimits });
    const slot: Slot = { worker, done: 0, clock: busyClock(worker) };
    this.spawned++;
    this.slots.add(slot);
    worker.unref();
    worker.on("message", (msg: FromWorker) => this.onMessage(slot, msg));
    let failure: Error | undefined;
    worker.on("error", (err) => {
      failure = err;
    });
    worker.on("exit", (code) => {
      clearTimeout(slot.idleTimer);
      this.slots.delete(slot);
      const task = slot.task;
      slot.task = undefined;
      if (task) {
        const why = failure?.message ?? `exit code ${code}`;
        const oom =
          /heap|memory/i.test(why) ||
          (failure as { code?: string } | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY";
        if (oom && this.opts.budget && task.cost)
          task.reject(task.cost.overBudget("memory", this.opts.budget));
        else
          task.reject(
            new Error(
              oom
                ? `the review ran out of memory (${why}); the docs in this change may be too large to review`
                : `the review worker stopped (${why})`,
            ),
          );
      }
      if (!this.closed) this.dispatch();
    });
    return slot;
  }

  /** Runs the watchdog while some review runs, when there is a budget. */
  private watch(): void {
    if (!this.opts.budget || this.watchdog) return;
    this.watchdog = setInterval(() => {
      let busy = false;
      for (const slot of this.slots) {
        if (!slot.task?.cost) continue;
        busy = true;
        if (slot.task.cost.cpuMs() > this.opts.budget!.cpuMs) this.stop(slot, "cpu");
      }
      if (!busy) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
      }
    }, WATCH_MS).unref();
  }

  /** Ends the review of a slot that went over its budget, and its worker. */
  private stop(slot: Slot, resource: BudgetResource): void {
    const task = slot.task;
    if (!task?.cost || !this.opts.budget) return;
    slot.task = undefined;
    clearTimeout(slot.idleTimer);
    this.slots.delete(slot);
    void slot.worker.terminate();
    task.reject(task.cost.overBudget(resource, this.opts.budget));
    this.dispatch();
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    if (msg.type === "ready") {
      const clock = msg.tid !== null ? procThreadClock(msg.tid) : null;
      if (clock) {
        slot.clock = clock;
        // The worker says so before it reads any request: a review it took has not cost anything yet.
        if (slot.task) slot.task.cost = new ReviewCost(clock);
      }
      return;
    }
    const task = slot.task;
    if (!task || task.job !== msg.job) return;
    if (msg.type === "step") {
      task.cost?.step(msg.step, msg.path, msg.heapMb);
      if (this.opts.budget && msg.heapMb > this.opts.budget.heapMb) this.stop(slot, "memory");
      return;
    }
    if (msg.type === "call") {
      const reply = (r: ToWorker) => {
        if (slot.task === task) slot.worker.postMessage(r);
      };
      const work: Promise<unknown> =
        msg.method === "listPaths"
          ? task.cs.listPaths(msg.args[0])
          : msg.method === "threads"
            ? (task.present?.threads() ?? Promise.resolve([]))
            : task.cs.read(msg.args[0], msg.args[1]);
      work.then(
        (value) => void this.answer(slot, task, msg.call, value),
        (err: unknown) => {
          task.readError ??= err;
          reply({
            type: "reply",
            call: msg.call,
            ok: false,
            message: err instanceof Error ? err.message : String(err),
          });
        },
      );
      return;
    }
    slot.task = undefined;
    slot.worker.unref();
    slot.done++;
    if (slot.done >= (this.opts.reviewsPerWorker ?? 20)) this.retire(slot);
    else slot.idleTimer = setTimeout(() => this.retire(slot), this.opts.idleMs ?? 30_000).unref();
    if (msg.type === "done") task.resolve(msg.result as Reviewed);
    // A read that failed on this side is the cause: hand it on whole (its status and request name the fault).
    else task.reject(task.readError ?? new Error(msg.message));
    this.dispatch();
  }

  /** Stops an idle worker; the next review that needs one starts a new one. */
  private retire(slot: Slot): void {
    if (slot.task || !this.slots.has(slot)) return;
    clearTimeout(slot.idleTimer);
    this.slots.delete(slot);
    void slot.worker.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    for (const t of this.waiting.splice(0)) t.reject(new Error("the review pool is closed"));
    await Promise.all([...this.slots].map((s) => s.worker.terminate()));
  }
}

/** The compiled worker beside this module, when there is one. */
export function workerScript(): string | undefined {
  const path = fileURLToPath(new URL("./review-worker.js", import.meta.url));
  return existsSync(path) ? path : undefined;
}

/**
 * How many workers: G3DOC_REVIEW_WORKERS when set (0: in process), else one
 * per core but one, at least two, and never more than the reviews that run
 * at once. A job spends most of its time waiting on GitHub, so few workers
 * serve many jobs; but with a single worker one costly review (up to its CPU
 * budget) would hold up the engine work of every other installation's
 * review, so there are two even on a two-core machine.
 */
export function poolSize(
  concurrency: number,
  env: NodeJS.ProcessEnv = process.env,
  cores = availableParallelism(),
): number {
  const set = env.G3DOC_REVIEW_WORKERS;
  if (set !== undefined && set !== "" && Number.isInteger(Number(set)) && Number(set) >= 0)
    return Number(set);
  return Math.max(1, Math.min(concurrency, Math.max(2, cores - 1)));
}

/** The reviewer the app uses: a pool of workers when the compiled worker exists and the pool size is not 0, else in process. */
export function defaultReviewer(
  concurrency: number,
  env: NodeJS.ProcessEnv = process.env,
): Reviewer {
  const script = workerScript();
  const size = poolSize(concurrency, env);
  if (!script || size === 0) return inProcessReviewer;
  return new WorkerReviewer({ size, script, budget: budgetFromEnv(env) });
}
