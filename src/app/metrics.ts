/**
 * Prometheus metrics (prom-client), served at `/metrics`: jobs waiting,
 * active, delayed and failed (the in-process queue's, or the Redis queue's
 * across instances); reviews by status and conclusion; review duration;
 * GitHub requests by method and status; rate limit remaining per
 * installation.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { JobOutcome } from "./job.js";
import type { JobQueue } from "./queue.js";
import { InProcessQueue } from "./queue.js";
import { RedisQueue } from "./redis-queue.js";

interface Hookable {
  hook: {
    after(name: "request", fn: (res: any, options: any) => void): void;
    error(name: "request", fn: (err: any, options: any) => never | Promise<never>): void;
  };
}

export class AppMetrics {
  readonly registry = new Registry();
  private queue?: JobQueue;
  private readonly reviews = new Counter({
    name: "g3doc_review_reviews_total",
    help: "Reviews ended, by status and check run conclusion",
    labelNames: ["status", "conclusion"] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: "g3doc_review_review_duration_seconds",
    help: "Time from a review's start to its end",
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: "g3doc_review_github_requests_total",
    help: "GitHub API requests, by method and answer status",
    labelNames: ["method", "status"] as const,
    registers: [this.registry],
  });
  private readonly remaining = new Gauge({
    name: "g3doc_review_github_rate_limit_remaining",
    help: "GitHub's x-ratelimit-remaining at the installation's last answer",
    labelNames: ["installation"] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "g3doc_review_" });
    const jobs: Gauge<"state"> = new Gauge({
      name: "g3doc_review_jobs",
      help: "Review jobs by state (on Redis: across all instances)",
      labelNames: ["state"] as const,
      registers: [this.registry],
      collect: async () => {
        const q = this.queue;
        const c =
          q instanceof RedisQueue
            ? await q.counts().catch(() => undefined)
            : q instanceof InProcessQueue
              ? q.counts()
              : undefined;
        if (c) for (const [state, n] of Object.entries(c)) jobs.set({ state }, n);
      },
    });
  }

  watchQueue(queue: JobQueue): void {
    this.queue = queue;
  }

  reviewed(outcome: JobOutcome, seconds: number): void {
    this.reviews.inc({ status: outcome.status, conclusion: outcome.conclusion ?? "none" });
    this.duration.observe(seconds);
  }

  /** Counts the client's requests and notes its rate limit. Returns the same client. */
  instrument<T extends Hookable>(octokit: T, installation: number | undefined): T {
    const inst = installation === undefined ? "none" : String(installation);
    const note = (status: number | string, method: string, headers?: Record<string, unknown>) => {
      this.requests.inc({ method: method.toUpperCase(), status: String(status) });
      const left = Number(headers?.["x-ratelimit-remaining"]);
      if (headers?.["x-ratelimit-remaining"] !== undefined && Number.isFinite(left))
        this.remaining.set({ installation: inst }, left);
    };
    octokit.hook.after("request", (res, options) =>
      note(res?.status ?? 0, options?.method ?? "GET", res?.headers),
    );
    octokit.hook.error("request", (err, options) => {
      note(err?.status ?? "error", options?.method ?? "GET", err?.response?.headers);
      throw err;
    });
    return octokit;
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
