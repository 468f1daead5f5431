/**
 * The app's review pool: the engine in worker threads (the compiled
 * lib/app/review-worker.js, which `npm test` builds first), reads answered by
 * the main thread's change set.
 */
import { afterAll, describe, expect, jest, test } from "@jest/globals";
import { Worker } from "node:worker_threads";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  PART_CHARS,
  WorkerReviewer,
  inParts,
  inProcessReviewer,
  poolSize,
  type Reviewer,
} from "../../src/app/review-pool.js";
import { defaultConfig } from "../../src/config/defaults.js";
import type { ChangeSet, FileContent, Side } from "../../src/core/changeset.js";
import { MemoryChangeSet } from "../helpers/memory-changeset.js";
import { denseMarkdown } from "../../tools/bench/dense.js";
import {
  ReviewBudgetError,
  budgetFromEnv,
  budgetReport,
  heapLimitMb,
  type ReviewBudget,
} from "../../src/app/review-budget.js";

const SCRIPT = join(process.cwd(), "lib", "app", "review-worker.js");
const pools: Reviewer[] = [];
const pool = (
  size: number,
  maxHeapMb?: number,
  more: { reviewsPerWorker?: number; idleMs?: number; budget?: ReviewBudget } = {},
) => {
  const p = new WorkerReviewer({ size, script: SCRIPT, maxHeapMb, ...more });
  pools.push(p);
  return p;
};
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

/** The longest gap between ticks of a 5 ms timer over `work` and a little after it: how long the main thread was held. */
async function longestTickGap<T>(work: () => Promise<T>): Promise<{ longest: number; value: T }> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  const value = await work();
  await new Promise((resolve) => setTimeout(resolve, 50));
  clearInterval(timer);
  return { longest, value };
}

// gVisor's source layout: the "user space" term is gVisor's house style.
const BASE = {
  "runsc/main.go": "package main\n",
  "pkg/sentry/kernel/kernel.go": "package kernel\n",
  "g3doc/index.md": "# Index\n\nSee the [guide](guide.md).\n",
  "g3doc/guide.md": "# Guide\n\nText.\n",
};
const HEAD = {
  ...BASE,
  "g3doc/guide.md":
    "# Guide\n\nText.\n\nThe sandbox runs in user space.\n\n![Request flow between the Sentry and the Gofer](diagram.png)\n",
};

describe("review pool (worker threads)", () => {
  test("the compiled worker exists (npm test builds it)", () => {
    expect(existsSync(SCRIPT)).toBe(true);
  });

  test("pool size: a core is left for the main thread but two workers at least, never more workers than reviews at once, G3DOC_REVIEW_WORKERS wins", () => {
    expect(poolSize(2, {}, 2)).toBe(2);
    expect(poolSize(8, {}, 2)).toBe(2);
    expect(poolSize(8, {}, 4)).toBe(3);
    expect(poolSize(8, {}, 16)).toBe(8);
    expect(poolSize(2, {}, 16)).toBe(2);
    expect(poolSize(2, {}, 1)).toBe(2);
    expect(poolSize(1, {}, 4)).toBe(1);
    expect(poolSize(8, { G3DOC_REVIEW_WORKERS: "4" }, 2)).toBe(4);
    expect(poolSize(8, { G3DOC_REVIEW_WORKERS: "0" }, 2)).toBe(0);
    expect(poolSize(2, { G3DOC_REVIEW_WORKERS: "many" }, 4)).toBe(2);
  });

  test("a worker lowers its own thread's priority (niceness 10), so the main thread answers first on busy cores", async () => {
    // Field 19 of /proc/self/task/TID/stat is the thread's niceness (the command name in field 2 has no spaces here).
    const niceThreads = (nice: number) =>
      readdirSync("/proc/self/task").filter((t) => {
        try {
          const stat = readFileSync(`/proc/self/task/${t}/stat`, "utf8");
          return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]) === nice;
        } catch {
          return false;
        }
      }).length;
    if (!existsSync("/proc/self/task")) {
      process.stdout.write("skipped: no /proc/self/task on this system\n");
      return;
    }
    const before = niceThreads(10);
    const p = pool(1);
    await p.review(new MemoryChangeSet(BASE, HEAD), defaultConfig(), { mode: "change" });
    expect(niceThreads(10)).toBe(before + 1);
    expect(niceThreads(0)).toBeGreaterThan(0);
  });

  test("a review in a worker finds what the same review in process finds", async () => {
    const cs = new MemoryChangeSet(BASE, HEAD);
    const inProcess = await inProcessReviewer.review(cs, defaultConfig(), { mode: "change" });
    const viaWorker = await pool(1).review(new MemoryChangeSet(BASE, HEAD), defaultConfig(), {
      mode: "change",
    });
    expect(viaWorker.findings.map((f) => f.rule).sort()).toEqual(["missing-asset", "terminology"]);
    expect(viaWorker).toEqual(inProcess);
    // The diff of the changed file crossed the thread boundary whole.
    expect(viaWorker.diffs.get("g3doc/guide.md")?.added).toEqual([4, 7]);
  });

  test("a large change goes to the worker in parts (its diffs, and the texts it reads), and the review is the same", async () => {
    // Eight docs of 20 K characters, parts of 50 K: three or four parts of diffs and of texts.
    const doc = (n: number) =>
      `# Doc ${n}\n\nIt runs in user space.\n\n` +
      Array.from({ length: 500 }, (_, i) => `Line ${i} of doc ${n}, a plain line of text.`).join(
        "\n\n",
      ) +
      "\n";
    const head: Record<string, string> = { ...BASE };
    for (let n = 0; n < 8; n++) head[`g3doc/big-${n}.md`] = doc(n);
    const sent: { type: string; chars: number }[] = [];
    const original = Worker.prototype.postMessage;
    const spy = jest.spyOn(Worker.prototype, "postMessage").mockImplementation(function (
      this: Worker,
      msg: any,
      ...rest: any[]
    ) {
      const chars =
        msg?.type === "files" || msg?.type === "review"
          ? (msg.files ?? msg.meta.files).reduce(
              (n: number, f: any) => n + (f.patch?.length ?? 0),
              0,
            )
          : msg?.type === "reply-part"
            ? msg.entries.reduce((n: number, [, c]: any) => n + (c.text?.length ?? 0), 0)
            : 0;
      sent.push({ type: msg?.type, chars });
      return original.call(this, msg, ...rest);
    });
    let viaWorker;
    try {
      const p = new WorkerReviewer({ size: 1, script: SCRIPT, partChars: 50_000 });
      pools.push(p);
      viaWorker = await p.review(new MemoryChangeSet(BASE, head), defaultConfig(), {
        mode: "change",
      });
    } finally {
      spy.mockRestore();
    }
    const inProcess = await inProcessReviewer.review(
      new MemoryChangeSet(BASE, head),
      defaultConfig(),
      {
        mode: "change",
      },
    );
    expect(viaWorker).toEqual(inProcess);
    expect(viaWorker.findings.filter((f) => f.rule === "terminology")).toHaveLength(8);
    const parts = (type: string) => sent.filter((m) => m.type === type);
    expect(parts("files").length).toBeGreaterThanOrEqual(2);
    expect(parts("reply-part").length).toBeGreaterThanOrEqual(2);
    // No part over the limit (a part ends before the doc that would take it over).
    for (const m of [...parts("files"), ...parts("reply-part"), ...parts("review")])
      expect(m.chars).toBeLessThanOrEqual(50_000);
  }, 120_000);

  test("parts: runs of about PART_CHARS, in order, one at least", () => {
    const size = (n: number) => n;
    expect(inParts([], size)).toEqual([[]]);
    expect(inParts([PART_CHARS * 3], size)).toEqual([[PART_CHARS * 3]]);
    const half = PART_CHARS / 2;
    expect(inParts([half, half, 1, half, 0, PART_CHARS], size)).toEqual([
      [half, half],
      [1, half, 0],
      [PART_CHARS],
    ]);
  });

  test("a read that fails on the main thread fails the review with that very error", async () => {
    const failure = Object.assign(new Error("Server Error"), {
      status: 502,
      request: { method: "POST", url: "https://api.github.com/graphql" },
    });
    const cs: ChangeSet = new MemoryChangeSet(BASE, HEAD);
    const broken: ChangeSet = {
      base: cs.base,
      head: cs.head,
      files: cs.files,
      listPaths: (side: Side) => cs.listPaths(side),
      read: async (_paths: readonly string[], _side: Side): Promise<Map<string, FileContent>> => {
        throw failure;
      },
    };
    const p = pool(1);
    await expect(p.review(broken, defaultConfig(), { mode: "change" })).rejects.toBe(failure);
    // The worker is still there and serves the next review.
    const next = await p.review(new MemoryChangeSet(BASE, HEAD), defaultConfig(), {
      mode: "change",
    });
    expect(next.findings).toHaveLength(2);
  });

  test("a worker that runs out of memory fails its review with a message, and the next review gets a new worker", async () => {
    const p = pool(1, 16);
    const huge = new MemoryChangeSet(BASE, {
      ...HEAD,
      "g3doc/huge.md": denseMarkdown(3 * 1024 * 1024),
    });
    await expect(p.review(huge, defaultConfig(), { mode: "change" })).rejects.toThrow(
      /ran out of memory/,
    );
    const next = await p.review(new MemoryChangeSet(BASE, HEAD), defaultConfig(), {
      mode: "change",
    });
    expect(next.findings.map((f) => f.rule).sort()).toEqual(["missing-asset", "terminology"]);
  }, 120_000);

  test("no more workers than the pool's size, and every review answered", async () => {
    const p = pool(2) as WorkerReviewer;
    const runs = Array.from({ length: 6 }, () =>
      p.review(new MemoryChangeSet(BASE, HEAD), defaultConfig(), { mode: "change" }),
    );
    expect(p.workers).toBeLessThanOrEqual(2);
    const results = await Promise.all(runs);
    expect(results.map((r) => r.findings.length)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(p.workers).toBeLessThanOrEqual(2);
  });

  test("a worker is replaced after its share of reviews, and stopped when idle", async () => {
    const p = pool(1, undefined, { reviewsPerWorker: 2, idleMs: 100 });
    for (let i = 0; i < 5; i++) {
      const r = await p.review(new MemoryChangeSet(BASE, HEAD), defaultConfig(), {
        mode: "change",
      });
      expect(r.findings).toHaveLength(2);
    }
    // Reviews 1-2, 3-4 and 5: three workers in turn, never two at once.
    expect(p.spawned).toBe(3);
    expect(p.workers).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(p.workers).toBe(0);
    const again = await p.review(new MemoryChangeSet(BASE, HEAD), defaultConfig(), {
      mode: "change",
    });
    expect(again.findings).toHaveLength(2);
    expect(p.spawned).toBe(4);
  });

  test("while a worker reviews a large doc, the main thread stays free (compared with the same review in process)", async () => {
    const head = { ...HEAD, "g3doc/big.md": denseMarkdown(400 * 1024) };
    const lagDuring = async (r: Reviewer) =>
      (
        await longestTickGap(() =>
          r.review(new MemoryChangeSet(BASE, head), defaultConfig(), { mode: "change" }),
        )
      ).longest;
    const p = pool(1);
    await p.review(new MemoryChangeSet(BASE, HEAD), defaultConfig(), { mode: "change" }); // worker started and warm
    const inProcessMs = await lagDuring(inProcessReviewer);
    const workerMs = await lagDuring(p);
    process.stdout.write(
      `longest main-thread stall during a 400 KB review: in process ${inProcessMs.toFixed(0)} ms, in a worker ${workerMs.toFixed(0)} ms\n`,
    );
    expect(inProcessMs).toBeGreaterThan(250);
    expect(workerMs * 5).toBeLessThan(inProcessMs);
  }, 120_000);
});

describe("presenting in the worker", () => {
  const input = { maxComments: 30, lineLength: 80, docsBase: "https://example.com/rules.md" };
  const manyFindings = () => {
    const parts = ["# Many\n\n"];
    for (let i = 0; i < 6000; i++) parts.push(`Line ${i} with user space.\n\n`);
    return { ...HEAD, "g3doc/many.md": parts.join("") };
  };

  test("a worker presents what the main thread would, asking for the app's threads once", async () => {
    const asked: string[] = [];
    const existing = await inProcessReviewer.review(
      new MemoryChangeSet(BASE, HEAD),
      defaultConfig(),
      {
        mode: "change",
      },
      { input, threads: async () => [] },
    );
    const fp = existing.presented!.plan.comments[0].fingerprint;
    const thread = {
      id: "T1",
      path: "g3doc/guide.md",
      isResolved: false,
      fingerprint: fp,
      othersReplied: false,
    };
    const request = (who: string) => ({
      input,
      threads: async () => {
        asked.push(who);
        return [thread];
      },
    });
    const here = await inProcessReviewer.review(
      new MemoryChangeSet(BASE, HEAD),
      defaultConfig(),
      {
        mode: "change",
      },
      request("here"),
    );
    const there = await pool(1).review(
      new MemoryChangeSet(BASE, HEAD),
      defaultConfig(),
      {
        mode: "change",
      },
      request("worker"),
    );
    expect(asked).toEqual(["here", "worker"]);
    expect(there.presented!.digest).toEqual(here.presented!.digest);
    expect(there.presented!.plan.comments).toEqual(here.presented!.plan.comments);
    // The thread's finding is not posted again, the other one is.
    expect(there.presented!.plan.alreadyCommented.map((f) => f.rule)).toEqual([
      existing.presented!.plan.comments[0].finding.rule,
    ]);
    expect(there.presented!.plan.comments).toHaveLength(1);
    // Only the digest crosses back: it counts the findings the main thread does not get.
    expect(there.findings).toEqual([]);
    expect(there.allFindings).toEqual([]);
    expect(there.presented!.digest.total).toBe(here.findings.length);
  });

  test("presenting 6,000 findings in a worker leaves the main thread free (compared with in process)", async () => {
    const head = manyFindings();
    const lagAfterReview = async (r: Reviewer) => {
      const { longest, value: done } = await longestTickGap(() =>
        r.review(
          new MemoryChangeSet(BASE, head),
          defaultConfig(),
          { mode: "change" },
          { input, threads: async () => [] },
        ),
      );
      return { longest, done };
    };
    const p = pool(1);
    await p.review(new MemoryChangeSet(BASE, HEAD), defaultConfig(), { mode: "change" });
    const here = await lagAfterReview(inProcessReviewer);
    const there = await lagAfterReview(p);
    process.stdout.write(
      `longest main-thread stall reviewing and presenting 6,000 findings: in process ${here.longest.toFixed(0)} ms, ` +
        `in a worker ${there.longest.toFixed(0)} ms\n`,
    );
    expect(there.done.presented!.digest).toEqual(here.done.presented!.digest);
    expect(there.done.presented!.digest.total).toBeGreaterThan(6000);
    expect(there.longest * 2).toBeLessThan(here.longest);
  }, 120_000);
});

describe("the budget of a review", () => {
  const SMALL = { ...HEAD, "g3doc/small.md": "# Small\n\nA short doc.\n" };
  /** Resolves with the error a review was stopped with (or fails the test when it was not stopped). */
  const stopped = async (p: Reviewer, head: Record<string, string>): Promise<ReviewBudgetError> => {
    try {
      await p.review(new MemoryChangeSet(BASE, head), defaultConfig(), { mode: "change" });
    } catch (err) {
      expect(err).toBeInstanceOf(ReviewBudgetError);
      return err as ReviewBudgetError;
    }
    throw new Error("the review was not stopped");
  };

  test("the budget from the environment: 60 s and 2048 MB by default, V8's limit a quarter above", () => {
    expect(budgetFromEnv({})).toEqual({ cpuMs: 60_000, heapMb: 2048 });
    expect(
      budgetFromEnv({ G3DOC_REVIEW_CPU_SECONDS: "2.5", G3DOC_REVIEW_WORKER_HEAP_MB: "512" }),
    ).toEqual({ cpuMs: 2500, heapMb: 512 });
    expect(
      budgetFromEnv({ G3DOC_REVIEW_CPU_SECONDS: "-1", G3DOC_REVIEW_WORKER_HEAP_MB: "lots" }),
    ).toEqual({ cpuMs: 60_000, heapMb: 2048 });
    expect(heapLimitMb({ cpuMs: 1, heapMb: 2048 })).toBe(2560);
  });

  test("a review over its CPU time is stopped naming the doc it was busy with, and the review waiting behind it goes on", async () => {
    const budget = { cpuMs: 1500, heapMb: 2048 };
    const p = pool(1, undefined, { budget }) as WorkerReviewer;
    const costly = { ...SMALL, "g3doc/big.md": denseMarkdown(2 * 1024 * 1024) };
    const first = stopped(p, costly);
    // Queued behind it on the one worker: an ordinary pull request.
    const second = p.review(new MemoryChangeSet(BASE, SMALL), defaultConfig(), { mode: "change" });
    const err = await first;
    expect(err.resource).toBe("cpu");
    expect(err.busyWith?.path).toBe("g3doc/big.md");
    expect(err.docs.map((d) => d.path)).toEqual(["g3doc/big.md"]);
    // The thread's own CPU time: at least the budget, and the watchdog stopped it soon after.
    expect(err.spent.cpuMs).toBeGreaterThanOrEqual(budget.cpuMs);
    expect(err.spent.cpuMs).toBeLessThan(budget.cpuMs * 3);
    expect(err.docs[0].cpuMs).toBeGreaterThan(budget.cpuMs / 2);
    const next = await second;
    expect(next.findings.map((f) => f.rule).sort()).toEqual(["missing-asset", "terminology"]);
    expect(p.spawned).toBe(2);

    const { title, summary } = budgetReport(err);
    expect(title).toBe("Too costly to review: over the CPU time budget");
    expect(summary).toContain("it went over its CPU time budget of 1.5 s");
    expect(summary).toContain("It was parsing `g3doc/big.md` when it was stopped.");
    expect(summary).toMatch(/^- `g3doc\/big\.md`: [\d.]+ s of CPU time$/m);
  }, 300_000);

  test("a review over its memory is stopped naming the doc, and the worker after it is new", async () => {
    const budget = { cpuMs: 600_000, heapMb: 48 };
    const p = pool(1, undefined, { budget }) as WorkerReviewer;
    const err = await stopped(p, { ...SMALL, "g3doc/huge.md": denseMarkdown(3 * 1024 * 1024) });
    expect(err.resource).toBe("memory");
    expect(err.docs[0].path).toBe("g3doc/huge.md");
    expect(budgetReport(err).summary).toContain("its memory budget of 48 MB");
    const next = await p.review(new MemoryChangeSet(BASE, SMALL), defaultConfig(), {
      mode: "change",
    });
    expect(next.findings).toHaveLength(2);
    expect(p.spawned).toBe(2);
  }, 300_000);

  test("a worker collects its garbage: a review of many docs stays within a small memory budget under a large V8 limit", async () => {
    // V8 alone would fill half its 2.5 GB limit with garbage before collecting; the
    // worker collects once its heap grew by COLLECT_AFTER_MB, so the heap in use the
    // budget reads stays near the review's live data.
    const budget = { cpuMs: 600_000, heapMb: 140 };
    const p = pool(1, 2560, { budget }) as WorkerReviewer;
    const head: Record<string, string> = { ...SMALL };
    for (let i = 0; i < 40; i++) head[`g3doc/many/doc-${i}.md`] = denseMarkdown(24 * 1024);
    const r = await p.review(new MemoryChangeSet(BASE, head), defaultConfig(), { mode: "change" });
    expect(r.docs.length).toBeGreaterThan(40);
    expect(r.findings.length).toBeGreaterThan(100);
  }, 300_000);

  test("quoted doc paths in the summary are inert", () => {
    const err = new ReviewBudgetError(
      "cpu",
      { cpuMs: 1000, heapMb: 64 },
      { cpuMs: 1200, heapMb: 10 },
      [{ path: "g3doc/`x`\n@team.md", cpuMs: 1100 }],
      { step: "check", path: "g3doc/`x`\n@team.md" },
    );
    const { summary } = budgetReport(err);
    expect(summary).toContain("``g3doc/`x`\ufffd@team.md``");
    expect(summary).not.toContain("\n@team");
  });
});
