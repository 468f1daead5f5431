/**
 * Where review jobs wait and run. The webhook handler only enqueues, so
 * GitHub gets its answer at once. `JobQueue` is the seam: this in-process
 * queue runs a bounded number of jobs at a time; the Redis queue
 * (redis-queue.ts) implements the same interface for several instances.
 *
 * Jobs have a key (one pull request): enqueuing a job under a key that
 * already has one waiting replaces it, and aborts one that is running (its
 * AbortSignal fires with the reason given), so a newer push wins.
 *
 * Jobs have a group (the installation): while another group has work
 * waiting, one group never starts a job that would make it hold more than
 * `maxShare` of the slots (at least one slot each). A group alone takes the
 * free slots but one (with `maxShare` under 1), so another installation's
 * review that comes later starts at once instead of waiting for a long one.
 *
 * The queue never refuses a job. Past `maxWaiting` jobs waiting, a job is
 * run at once with its signal already aborted (`QueueFullError`), which ends
 * its check run at once as neutral, saying so; on `close`, jobs still waiting
 * or delayed are run the same way (`InterruptedError`), and running ones get
 * a grace period before their signal fires.
 */

export interface Job {
  /** What the job is, for logs and abort reasons (e.g. the head SHA). */
  label: string;
  /** Who it is for (the installation): the slots are shared fairly between groups. */
  group?: string;
  /** The job as plain data (what the Redis queue stores; its worker runs it). */
  data?: unknown;
  run(signal: AbortSignal): Promise<void>;
}

export interface EnqueueOptions {
  /** Start no sooner than this (a rate-limit reset). */
  delayMs?: number;
}

export interface JobQueue {
  /** Queues a job; supersedes the job of the same key. Never throws. */
  enqueue(key: string, job: Job, options?: EnqueueOptions): void | Promise<void>;
  /** Resolves when nothing is waiting or running (delayed jobs are not waited for). */
  onIdle(): Promise<void>;
  /** Jobs waiting plus running. */
  readonly size: number;
  /**
   * Stops taking jobs: waiting and delayed jobs are ended (InterruptedError),
   * running ones have `graceMs` to finish before their signal fires.
   */
  close(graceMs: number): Promise<void>;
}

/** Why a job was aborted: a newer job for the same key. */
export class SupersededError extends Error {
  constructor(readonly by: string) {
    super(`superseded by ${by}`);
    this.name = "SupersededError";
  }
}

/**
 * A job ended by the queue rather than by its own failure: its check run
 * completes as neutral with this title and summary (the author re-runs it).
 */
export class JobStoppedError extends Error {
  readonly conclusion = "neutral" as const;
  constructor(
    readonly title: string,
    readonly summary: string,
  ) {
    super(title);
    this.name = "JobStoppedError";
  }
}

/** Why a running job stopped on this instance: it goes back to the shared queue for another worker. */
export class HandedBackError extends Error {
  constructor() {
    super("handed back to the queue (this instance is stopping)");
    this.name = "HandedBackError";
  }
}

/** The app was stopping (a deploy, `docker stop`): the review did not run, or did not finish. */
export class InterruptedError extends JobStoppedError {
  constructor() {
    super(
      "Interrupted by a restart: re-run",
      "g3doc-review was restarting (a deploy or a stop) before this review could finish, so it has no result. Re-run this check to review the commit.",
    );
    this.name = "InterruptedError";
  }
}

/** More jobs were waiting than the queue holds. */
export class QueueFullError extends JobStoppedError {
  constructor(readonly limit: number) {
    super(
      "The review queue was full: re-run",
      `g3doc-review had ${limit} reviews waiting already, so this one was not queued. Re-run this check when the app is less busy.`,
    );
    this.name = "QueueFullError";
  }
}

export interface InProcessQueueOptions {
  /** Jobs running at once. */
  concurrency?: number;
  /** Jobs waiting at most; past it a job ends at once (QueueFullError). */
  maxWaiting?: number;
  /** Share of the slots one group may hold while another group has work waiting (0..1]. */
  maxShare?: number;
  /** Told about jobs that threw (jobs should handle their own errors). */
  onError?: (err: unknown, key: string) => void;
}

interface Entry {
  key: string;
  job: Job;
  controller: AbortController;
}

/** Slots one group may hold while another waits: the share of the slots, at least one. */
export function shareLimit(concurrency: number, maxShare: number): number {
  return Math.max(1, Math.floor(concurrency * maxShare + 1e-9));
}

export class InProcessQueue implements JobQueue {
  private readonly waiting: Entry[] = [];
  private readonly running = new Map<string, Entry>();
  private readonly delayed = new Map<string, { entry: Entry; timer: NodeJS.Timeout }>();
  /** Jobs ended at once (queue full, closed): they only complete their check run. */
  private readonly ending = new Set<Promise<void>>();
  private idle: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly maxWaiting: number;
  private readonly perGroup: number;
  /** Slots one group may hold when no other waits: all but one, unless the share is 1. */
  private readonly alone: number;
  private closed = false;

  constructor(private readonly options: InProcessQueueOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.maxWaiting = options.maxWaiting ?? 10_000;
    const share = options.maxShare ?? 0.5;
    this.perGroup = shareLimit(this.concurrency, share > 0 && share <= 1 ? share : 0.5);
    this.alone =
      share > 0 && share < 1 ? Math.max(this.perGroup, this.concurrency - 1) : this.concurrency;
  }

  get size(): number {
    return this.waiting.length + this.running.size + this.ending.size;
  }

  /** Jobs waiting for their time (rate-limit resets). */
  get delayedCount(): number {
    return this.delayed.size;
  }

  /** Jobs by state (metrics). */
  counts(): Record<"waiting" | "active" | "delayed" | "failed", number> {
    return {
      waiting: this.waiting.length,
      active: this.running.size + this.ending.size,
      delayed: this.delayed.size,
      failed: 0,
    };
  }

  /** Running jobs by group (tests, metrics). */
  runningByGroup(): Map<string, number> {
    const m = new Map<string, number>();
    for (const e of this.running.values()) m.set(groupOf(e), (m.get(groupOf(e)) ?? 0) + 1);
    return m;
  }

  enqueue(key: string, job: Job, options: EnqueueOptions = {}): void {
    const entry: Entry = { key, job, controller: new AbortController() };
    if (this.closed) return this.end(entry, new InterruptedError());
    const at = this.waiting.findIndex((e) => e.key === key);
    if (at >= 0) this.waiting.splice(at, 1);
    const later = this.delayed.get(key);
    if (later) {
      clearTimeout(later.timer);
      this.delayed.delete(key);
    }
    this.running.get(key)?.controller.abort(new SupersededError(job.label));
    if (options.delayMs && options.delayMs > 0) {
      const timer = setTimeout(() => {
        this.delayed.delete(key);
        this.enqueue(key, job);
      }, options.delayMs);
      timer.unref();
      this.delayed.set(key, { entry, timer });
      return;
    }
    if (at < 0 && this.waiting.length >= this.maxWaiting)
      return this.end(entry, new QueueFullError(this.maxWaiting));
    this.waiting.push(entry);
    queueMicrotask(() => this.pump());
  }

  onIdle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async close(graceMs: number): Promise<void> {
    this.closed = true;
    for (const e of this.waiting.splice(0)) this.end(e, new InterruptedError());
    for (const [key, d] of this.delayed) {
      clearTimeout(d.timer);
      this.delayed.delete(key);
      this.end(d.entry, new InterruptedError());
    }
    if (this.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)));
      const over = await Promise.race([this.onIdle().then(() => false), late]);
      clearTimeout(timer);
      if (over) for (const e of this.running.values()) e.controller.abort(new InterruptedError());
    }
    await this.onIdle();
  }

  /** Runs a job with its signal aborted: it ends at once, completing its check run with the reason. */
  private end(entry: Entry, reason: Error): void {
    entry.controller.abort(reason);
    const p: Promise<void> = entry.job
      .run(entry.controller.signal)
      .catch((err) => this.options.onError?.(err, entry.key))
      .finally(() => {
        this.ending.delete(p);
        this.settle();
      });
    this.ending.add(p);
  }

  /** The next waiting job to start, or -1. */
  private pick(): number {
    const counts = this.runningByGroup();
    let fallback = -1;
    let fallbackCount = Infinity;
    const groups = new Set<string>();
    for (let i = 0; i < this.waiting.length; i++) {
      const e = this.waiting[i];
      // A key runs one job at a time: the newer one waits for the aborted one to finish.
      if (this.running.has(e.key)) continue;
      const g = groupOf(e);
      groups.add(g);
      const n = counts.get(g) ?? 0;
      if (n < this.perGroup) return i;
      if (n < this.alone && n < fallbackCount) {
        fallback = i;
        fallbackCount = n;
      }
    }
    // Every group with work waiting holds its share already: a lone group takes the free slot (one
    // stays free for a group that comes later); among several, the one holding fewest.
    return fallback;
  }

  private pump(): void {
    while (this.running.size < this.concurrency) {
      const at = this.pick();
      if (at < 0) break;
      const [entry] = this.waiting.splice(at, 1);
      this.running.set(entry.key, entry);
      void entry.job
        .run(entry.controller.signal)
        .catch((err) => this.options.onError?.(err, entry.key))
        .finally(() => {
          if (this.running.get(entry.key) === entry) this.running.delete(entry.key);
          this.pump();
          this.settle();
        });
    }
  }

  private settle(): void {
    if (this.size !== 0) return;
    const waiters = this.idle;
    this.idle = [];
    waiters.forEach((w) => w());
  }
}

function groupOf(e: Entry): string {
  return e.job.group ?? "";
}
