/**
 * The review queue on Redis, for more than one instance (REDIS_URL): reviews
 * are BullMQ jobs, so they survive a restart and any instance's worker takes
 * them.
 *
 * - One job per pull request: `latest:<key>` names the newest job of a pull
 *   request. Enqueuing removes the one waiting (or delayed) and publishes a
 *   cancel that every instance hears: the instance running the older job
 *   aborts it (SupersededError, its check run ends cancelled). A job whose
 *   pull request has a newer one by the time a worker takes it does nothing.
 * - A worker killed mid-review (SIGKILL) stops renewing its lock: BullMQ's
 *   stalled-job check gives the job to another worker, which adopts the
 *   check run (its `external_id` names the job) instead of making another.
 * - `close(grace)` (SIGTERM): the worker takes no more jobs; running ones
 *   have the grace period, then are handed back (moved to the front, their
 *   check run left for the next worker to adopt).
 * - Nothing is refused: jobs wait in Redis; a rate-limit wait is a delayed
 *   job; a job that throws is retried with BullMQ's exponential backoff.
 */
import { createHash, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import type { Queue, Worker, Job as BullJob } from "bullmq";
import type { Redis } from "ioredis";
import {
  HandedBackError,
  SupersededError,
  type EnqueueOptions,
  type Job,
  type JobQueue,
} from "./queue.js";

export const QUEUE_NAME = "g3doc-review";

/** What a job knows of its earlier runs. */
export interface JobRun {
  /** The BullMQ job id (stable across retries and hand-backs). */
  id: string;
  /** True when this job ran before (a crash, a hand-back, a retry): adopt its check run. */
  ranBefore: boolean;
}

/** Runs a job's data; "handed-back" when it stopped for a hand-back (it goes back to the queue). */
export type JobHandler = (data: unknown, signal: AbortSignal, run: JobRun) => Promise<unknown>;

export interface RedisQueueOptions {
  url: string;
  /** Key prefix (BullMQ's and this queue's own keys). */
  prefix?: string;
  /** Run jobs on this instance (the worker role). */
  work: boolean;
  /** Jobs this instance runs at once. */
  concurrency: number;
  /** A worker that has not renewed its lock for this long has stalled (default 15 s). */
  lockMs?: number;
  /** How often stalled jobs are looked for (default 5 s). */
  stalledIntervalMs?: number;
  onError?: (err: unknown, where: string) => void;
}

interface Payload {
  key: string;
  label: string;
  group?: string;
  data: unknown;
}

const DAY_S = 86_400;

/**
 * BullMQ and ioredis, loaded by the first RedisQueue: an app without
 * REDIS_URL (the embedded default) never loads them (about 30 MB).
 */
function redisLibraries(): {
  Queue: typeof import("bullmq").Queue;
  Worker: typeof import("bullmq").Worker;
  DelayedError: typeof import("bullmq").DelayedError;
  Redis: typeof import("ioredis").Redis;
} {
  const require = createRequire(import.meta.url);
  const bull = require("bullmq") as typeof import("bullmq");
  const { Redis } = require("ioredis") as typeof import("ioredis");
  return { Queue: bull.Queue, Worker: bull.Worker, DelayedError: bull.DelayedError, Redis };
}

export class RedisQueue implements JobQueue {
  readonly redis: Redis;
  private readonly sub?: Redis;
  private readonly workerConnection?: Redis;
  readonly queue: Queue;
  private worker?: Worker;
  private readonly lib: ReturnType<typeof redisLibraries>;
  private handler?: JobHandler;
  private readonly prefix: string;
  /** Jobs running on this instance, by job id. */
  private readonly running = new Map<string, { key: string; controller: AbortController }>();
  private idle: (() => void)[] = [];
  private closed = false;

  constructor(private readonly o: RedisQueueOptions) {
    this.prefix = o.prefix ?? "g3doc-review";
    const lib = (this.lib = redisLibraries());
    const connect = () => new lib.Redis(o.url, { maxRetriesPerRequest: null, lazyConnect: false });
    this.redis = connect();
    this.redis.on("error", (err) => o.onError?.(err, "redis"));
    this.queue = new lib.Queue(QUEUE_NAME, { connection: this.redis, prefix: this.prefix });
    this.queue.on("error", (err) => o.onError?.(err, "queue"));
    if (o.work) {
      this.sub = connect();
      this.sub.on("error", (err) => o.onError?.(err, "redis subscriber"));
      void this.sub.subscribe(this.channel).catch((err) => o.onError?.(err, "subscribe"));
      this.sub.on("message", (_channel: string, message: string) => this.onCancel(message));
      this.workerConnection = connect();
      this.workerConnection.on("error", (err) => o.onError?.(err, "redis worker"));
    }
  }

  private get channel(): string {
    return `${this.prefix}:${QUEUE_NAME}:cancel`;
  }

  private latestKey(key: string): string {
    return `${this.prefix}:${QUEUE_NAME}:latest:${key}`;
  }

  /** Starts the worker (the worker role) with what runs a job's data. */
  setHandler(handler: JobHandler): void {
    this.handler = handler;
    if (!this.o.work || this.worker) return;
    this.worker = new this.lib.Worker(QUEUE_NAME, (job, token) => this.process(job, token), {
      connection: this.workerConnection!,
      prefix: this.prefix,
      concurrency: Math.max(1, this.o.concurrency),
      lockDuration: this.o.lockMs ?? 15_000,
      stalledInterval: this.o.stalledIntervalMs ?? Math.min(5_000, this.o.lockMs ?? 15_000),
      maxStalledCount: 3,
    });
    this.worker.on("error", (err) => this.o.onError?.(err, "worker"));
  }

  get size(): number {
    return this.running.size;
  }

  /** Jobs by state, across all instances. */
  async counts(): Promise<Record<"waiting" | "active" | "delayed" | "failed", number>> {
    const c = await this.queue.getJobCounts(
      "waiting",
      "active",
      "delayed",
      "failed",
      "prioritized",
    );
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
    };
  }

  /** True when Redis answers, else why not. */
  async ready(): Promise<true | string> {
    try {
      return (await this.redis.ping()) === "PONG" ? true : "Redis did not answer PONG";
    } catch (err) {
      return `Redis does not answer (${(err as Error).message})`;
    }
  }

  async enqueue(key: string, job: Job, options: EnqueueOptions = {}): Promise<void> {
    const id = `${createHash("sha1").update(key).digest("hex").slice(0, 16)}-${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
    const previous = await this.redis.set(this.latestKey(key), id, "EX", 7 * DAY_S, "GET");
    if (previous) {
      // Waiting or delayed: gone. Running (locked, so not removed): its instance aborts it.
      await this.queue.remove(previous).catch(() => 0);
      await this.redis.publish(this.channel, JSON.stringify({ id: previous, by: job.label }));
    }
    const payload: Payload = { key, label: job.label, group: job.group, data: job.data };
    await this.queue.add("review", payload, {
      jobId: id,
      delay: options.delayMs && options.delayMs > 0 ? Math.round(options.delayMs) : undefined,
      attempts: 3,
      backoff: { type: "exponential", delay: 10_000 },
      removeOnComplete: { age: DAY_S, count: 10_000 },
      removeOnFail: { age: 7 * DAY_S },
    });
  }

  private onCancel(message: string): void {
    try {
      const { id, by } = JSON.parse(message) as { id: string; by: string };
      this.running.get(id)?.controller.abort(new SupersededError(by));
    } catch {
      // not ours
    }
  }

  private async process(job: BullJob, token?: string): Promise<void> {
    const p = job.data as Payload;
    const id = job.id!;
    const controller = new AbortController();
    let result: unknown;
    // Listed before the check below, so a cancel published meanwhile is heard.
    this.running.set(id, { key: p.key, controller });
    try {
      const latest = await this.redis.get(this.latestKey(p.key));
      if (latest && latest !== id) return; // a newer push replaced it before it started
      const first = await this.redis.set(
        `${this.prefix}:${QUEUE_NAME}:started:${id}`,
        "1",
        "EX",
        DAY_S,
        "NX",
      );
      if (!this.handler) throw new Error("no job handler");
      result = await this.handler(p.data, controller.signal, { id, ranBefore: first === null });
    } finally {
      this.running.delete(id);
      this.settle();
    }
    if (result === "handed-back") {
      // Back to the queue at once, for the next worker (its check run is adopted there).
      await job.moveToDelayed(Date.now(), token);
      throw new this.lib.DelayedError();
    }
  }

  onIdle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private settle(): void {
    if (this.running.size > 0) return;
    const w = this.idle;
    this.idle = [];
    w.forEach((f) => f());
  }

  async close(graceMs: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.worker) {
      // No new jobs; the running ones have the grace period, then go back to the queue.
      const closing = this.worker.close();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)));
      const over = await Promise.race([this.onIdle().then(() => false), late]);
      clearTimeout(timer);
      if (over) for (const r of this.running.values()) r.controller.abort(new HandedBackError());
      await closing;
    }
    await this.queue.close();
    for (const c of [this.sub, this.workerConnection, this.redis]) c?.disconnect();
  }
}
