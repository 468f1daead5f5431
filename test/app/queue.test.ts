/**
 * The in-process queue: fair share of the slots between installations, a
 * bound past which jobs end at once (never a refused delivery), delayed jobs,
 * and closing with a grace period.
 */
import { describe, expect, test } from "@jest/globals";
import {
  InProcessQueue,
  InterruptedError,
  JobStoppedError,
  QueueFullError,
  shareLimit,
  type Job,
} from "../../src/app/queue.js";

/** A job that runs until released (or aborted), recording what happened. */
class Gated {
  readonly events: string[] = [];
  private readonly gates = new Map<string, () => void>();
  /** Running jobs by group when each started, and whether another group had work waiting. */
  readonly starts: { label: string; group: string; held: number; othersWaiting: boolean }[] = [];

  constructor(private readonly q: InProcessQueue) {}

  job(label: string, group: string, pending: () => { label: string; group: string }[]): Job {
    return {
      label,
      group,
      run: (signal) =>
        new Promise<void>((resolve) => {
          if (signal.aborted) {
            this.events.push(`${label}:${(signal.reason as Error).name}`);
            return resolve();
          }
          const held = (this.q.runningByGroup().get(group) ?? 1) - 1;
          this.starts.push({
            label,
            group,
            held,
            othersWaiting: pending().some((p) => p.group !== group && p.label !== label),
          });
          this.events.push(`${label}:start`);
          this.gates.set(label, () => {
            this.events.push(`${label}:done`);
            resolve();
          });
          signal.addEventListener("abort", () => {
            this.events.push(`${label}:${(signal.reason as Error).name}`);
            resolve();
          });
        }),
    };
  }

  release(label: string): void {
    const g = this.gates.get(label);
    if (!g) throw new Error(`${label} is not running`);
    this.gates.delete(label);
    g();
  }

  get runningLabels(): string[] {
    return [...this.gates.keys()];
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("fair share of the review slots", () => {
  test("the share is a floor of the slots, at least one", () => {
    expect(shareLimit(2, 0.5)).toBe(1);
    expect(shareLimit(4, 0.5)).toBe(2);
    expect(shareLimit(3, 0.5)).toBe(1);
    expect(shareLimit(1, 0.5)).toBe(1);
    expect(shareLimit(10, 0.3)).toBe(3);
  });

  test("an installation that queued many reviews first holds no more than its share while another waits", async () => {
    const q = new InProcessQueue({ concurrency: 4, maxShare: 0.5 });
    const pending: { label: string; group: string }[] = [];
    const g = new Gated(q);
    const add = (label: string, group: string) => {
      pending.push({ label, group });
      q.enqueue(
        label,
        g.job(label, group, () => pending),
      );
    };
    const started = (label: string) =>
      pending.splice(
        pending.findIndex((p) => p.label === label),
        1,
      );
    // Installation 1 floods the queue, installation 2 opens two pull requests just after (same tick).
    for (let i = 1; i <= 8; i++) add(`a${i}`, "1");
    add("b1", "2");
    add("b2", "2");
    await tick();
    expect(g.runningLabels).toEqual(["a1", "a2", "b1", "b2"]);
    for (const l of g.runningLabels) started(l);
    // Installation 2 has nothing left waiting: its slots go to installation 1 as they free.
    g.release("b1");
    await tick();
    expect(g.runningLabels.sort()).toEqual(["a1", "a2", "a3", "b2"]);
    started("a3");
    // Installation 2 opens another: it takes the next free slot although a4..a8 queued first.
    add("b3", "2");
    g.release("a1");
    await tick();
    expect(g.runningLabels.sort()).toEqual(["a2", "a3", "b2", "b3"]);
    started("b3");
    for (const s of g.starts) if (s.othersWaiting) expect(s.held).toBeLessThan(2);
    while (q.size > 0) {
      for (const l of g.runningLabels) g.release(l);
      await tick();
    }
    await q.onIdle();
    expect(g.events.filter((e) => e.endsWith(":done"))).toHaveLength(11);
  });

  test("without the share, the first installation would have taken every slot (the test can fail)", async () => {
    const q = new InProcessQueue({ concurrency: 4, maxShare: 1 });
    const g = new Gated(q);
    for (let i = 1; i <= 8; i++)
      q.enqueue(
        `a${i}`,
        g.job(`a${i}`, "1", () => []),
      );
    q.enqueue(
      "b1",
      g.job("b1", "2", () => []),
    );
    await tick();
    expect(g.runningLabels).toEqual(["a1", "a2", "a3", "a4"]);
    await q.close(0);
  });
});

describe("the queue's bound, delays and closing", () => {
  test("past the bound a job ends at once with QueueFullError (nothing is thrown at the delivery)", async () => {
    const q = new InProcessQueue({ concurrency: 1, maxWaiting: 1 });
    const g = new Gated(q);
    q.enqueue(
      "pr#1",
      g.job("one", "1", () => []),
    );
    await tick();
    q.enqueue(
      "pr#2",
      g.job("two", "1", () => []),
    );
    expect(() =>
      q.enqueue(
        "pr#3",
        g.job("three", "1", () => []),
      ),
    ).not.toThrow();
    // A newer head of a waiting pull request replaces it, within the bound.
    q.enqueue(
      "pr#2",
      g.job("two-b", "1", () => []),
    );
    await tick();
    expect(g.events).toEqual(["one:start", "three:QueueFullError"]);
    g.release("one");
    await tick();
    g.release("two-b");
    await q.onIdle();
    expect(g.events).toEqual([
      "one:start",
      "three:QueueFullError",
      "one:done",
      "two-b:start",
      "two-b:done",
    ]);
    const err = new QueueFullError(1);
    expect(err).toBeInstanceOf(JobStoppedError);
    expect(err.title).toBe("The review queue was full: re-run");
  });

  test("a delayed job starts after its delay; a newer job of its key replaces it", async () => {
    const q = new InProcessQueue({ concurrency: 1 });
    const g = new Gated(q);
    q.enqueue(
      "pr#1",
      g.job("later", "1", () => []),
      { delayMs: 30 },
    );
    q.enqueue(
      "pr#2",
      g.job("replaced", "1", () => []),
      { delayMs: 30 },
    );
    q.enqueue(
      "pr#2",
      g.job("newer", "1", () => []),
      { delayMs: 60 },
    );
    expect(q.delayedCount).toBe(2);
    expect(q.size).toBe(0);
    await new Promise((r) => setTimeout(r, 45));
    expect(g.events).toEqual(["later:start"]);
    g.release("later");
    await new Promise((r) => setTimeout(r, 40));
    expect(g.events).toEqual(["later:start", "later:done", "newer:start"]);
    g.release("newer");
    await q.onIdle();
    expect(q.delayedCount).toBe(0);
  });

  test("close: waiting and delayed jobs end as interrupted at once; a running job finishes within the grace period", async () => {
    const q = new InProcessQueue({ concurrency: 1 });
    const g = new Gated(q);
    q.enqueue(
      "pr#1",
      g.job("running", "1", () => []),
    );
    q.enqueue(
      "pr#2",
      g.job("waiting", "1", () => []),
    );
    q.enqueue(
      "pr#3",
      g.job("delayed", "1", () => []),
      { delayMs: 60_000 },
    );
    await tick();
    const closing = q.close(5000);
    await tick();
    expect(g.events).toEqual([
      "running:start",
      "waiting:InterruptedError",
      "delayed:InterruptedError",
    ]);
    g.release("running");
    await closing;
    expect(g.events.at(-1)).toBe("running:done");
    q.enqueue(
      "pr#4",
      g.job("after", "1", () => []),
    );
    await q.onIdle();
    expect(g.events.at(-1)).toBe("after:InterruptedError");
  });

  test("close: a job still running at the end of the grace period is aborted with InterruptedError", async () => {
    const q = new InProcessQueue({ concurrency: 2 });
    const g = new Gated(q);
    q.enqueue(
      "pr#1",
      g.job("slow", "1", () => []),
    );
    await tick();
    const t0 = Date.now();
    await q.close(50);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(g.events).toEqual(["slow:start", "slow:InterruptedError"]);
    expect(new InterruptedError().title).toBe("Interrupted by a restart: re-run");
  });
});
