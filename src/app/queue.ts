/**
 * Where review jobs wait and run. The webhook handler only enqueues, so
 * GitHub gets its answer at once. `JobQueue` is the seam: this in-process
 * queue runs a bounded number of jobs at a time; a Redis-backed queue can
 * implement the same interface for several instances.
 *
 * Jobs have a key (one pull request): enqueuing a job under a key that
 * already has one waiting replaces it, and aborts one that is running (its
 * AbortSignal fires with the reason given), so a newer push wins.
 */

export interface Job {
  /** What the job is, for logs and abort reasons (e.g. the head SHA). */
  label: string;
  run(signal: AbortSignal): Promise<void>;
}

export interface JobQueue {
  /** Queues a job; supersedes the job of the same key. Throws QueueFullError when full. */
  enqueue(key: string, job: Job): void;
  /** Resolves when nothing is waiting or running. */
  onIdle(): Promise<void>;
  /** Jobs waiting plus running. */
  readonly size: number;
}

/** Why a job was aborted: a newer job for the same key. */
export class SupersededError extends Error {
  constructor(readonly by: string) {
    super(`superseded by ${by}`);
    this.name = "SupersededError";
  }
}

export class QueueFullError extends Error {
  readonly status = 503;
  constructor(limit: number) {
    super(`the review queue is full (${limit} jobs waiting); try again later`);
    this.name = "QueueFullError";
  }
}

export interface InProcessQueueOptions {
  /** Jobs running at once. */
  concurrency?: number;
  /** Jobs waiting at most. */
  maxWaiting?: number;
  /** Told about jobs that threw (jobs should handle their own errors). */
  onError?: (err: unknown, key: string) => void;
}

interface Entry {
  key: string;
  job: Job;
  controller: AbortController;
}

export class InProcessQueue implements JobQueue {
  private readonly waiting: Entry[] = [];
  private readonly running = new Map<string, Entry>();
  private idle: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly maxWaiting: number;

  constructor(private readonly options: InProcessQueueOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.maxWaiting = options.maxWaiting ?? 200;
  }

  get size(): number {
    return this.waiting.length + this.running.size;
  }

  enqueue(key: string, job: Job): void {
    const at = this.waiting.findIndex((e) => e.key === key);
    if (at >= 0) this.waiting.splice(at, 1);
    else if (this.waiting.length >= this.maxWaiting) throw new QueueFullError(this.maxWaiting);
    this.running.get(key)?.controller.abort(new SupersededError(job.label));
    this.waiting.push({ key, job, controller: new AbortController() });
    queueMicrotask(() => this.pump());
  }

  onIdle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.running.size < this.concurrency) {
      // A key runs one job at a time: the newer one waits for the aborted one to finish.
      const at = this.waiting.findIndex((e) => !this.running.has(e.key));
      if (at < 0) break;
      const [entry] = this.waiting.splice(at, 1);
      this.running.set(entry.key, entry);
      void entry.job
        .run(entry.controller.signal)
        .catch((err) => this.options.onError?.(err, entry.key))
        .finally(() => {
          if (this.running.get(entry.key) === entry) this.running.delete(entry.key);
          this.pump();
          if (this.size === 0) {
            const waiters = this.idle;
            this.idle = [];
            waiters.forEach((w) => w());
          }
        });
    }
  }
}
