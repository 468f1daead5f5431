/**
 * The Probot app: webhook events become queued review jobs. The handler
 * answers at once; the queue runs the review (see job.ts). The queue is in
 * process by default; with REDIS_URL it is on Redis (redis-queue.ts), and so
 * are the delivery log and the review memo, so several instances share them.
 */
import { BlobCache } from "./blob-cache.js";
import { defaultReviewer, WorkerReviewer, type Reviewer } from "./review-pool.js";
import type { Probot } from "probot";
import { InProcessQueue, type Job, type JobQueue } from "./queue.js";
import { RedisQueue, type JobRun } from "./redis-queue.js";
import {
  LruDeliveryLog,
  LruReviewMemo,
  RedisDeliveryLog,
  RedisReviewMemo,
  type DeliveryLog,
  type ReviewMemo,
} from "./deliveries.js";
import {
  IN_PROGRESS_AFTER_MS,
  runReviewSafely,
  type JobOutcome,
  type ReviewRequest,
} from "./job.js";
import { fromPullRequest, fromRerequest, jobKey, PULL_REQUEST_ACTIONS } from "./events.js";
import {
  DEFAULT_RETRY,
  withFreshTokenOn401,
  withNativeJson,
  withRetries,
  type Octokit,
  type RetryOptions,
} from "./octokit.js";
import { AppMetrics } from "./metrics.js";
import { RedisSpacer, withSpacing } from "./write-spacing.js";

export interface AppOptions {
  queue?: JobQueue;
  deliveries?: DeliveryLog;
  /** Reviews done (a repeated pull_request event for the same head and base is skipped). */
  memo?: ReviewMemo;
  retry?: Partial<RetryOptions>;
  /** Blobs per GraphQL query. */
  chunkSize?: number;
  /**
   * How long a review runs before its check run is posted in progress
   * (default: G3DOC_REVIEW_IN_PROGRESS_AFTER_MS, else 10 s); 0 posts it at once.
   */
  inProgressAfterMs?: number;
  /** Where the engine runs (default: worker threads when built, see review-pool.ts). */
  reviewer?: Reviewer;
  /** The app's slug (default: asked of GitHub with GET /app, once per process). */
  appSlug?: () => Promise<string | undefined>;
  /** Told when a job ends (tests, metrics). */
  onOutcome?: (outcome: JobOutcome, req: ReviewRequest) => void;
  /** The queue on Redis at this URL (default: REDIS_URL; "" for none). */
  redisUrl?: string;
  /** Key prefix in Redis (default: G3DOC_REVIEW_REDIS_PREFIX or "g3doc-review"). */
  redisPrefix?: string;
  /** "web" (take deliveries only), "worker" (run reviews only) or both (default: G3DOC_REVIEW_ROLE). */
  role?: "web" | "worker" | "both";
}

const envNumber = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

/** G3DOC_REVIEW_IN_PROGRESS_AFTER_MS (milliseconds, 0 allowed), else the default. */
function inProgressAfterMs(): number {
  const raw = process.env.G3DOC_REVIEW_IN_PROGRESS_AFTER_MS?.trim();
  const v = raw ? Number(raw) : NaN;
  return Number.isFinite(v) && v >= 0 ? v : IN_PROGRESS_AFTER_MS;
}

/** What a queued review carries (plain data: on Redis it is stored as JSON). */
interface ReviewJobData {
  req: ReviewRequest;
  key: string;
  memoKey: string;
  installationId?: number;
}

/** The app function Probot loads, and how to stop it. */
export interface AppFunction {
  (app: Probot): void;
  /**
   * Stops taking jobs: waiting reviews end as neutral ("interrupted by a
   * restart"), running ones have `graceMs` to finish, then end the same way
   * (on Redis: waiting ones stay there, running ones are handed back).
   */
  close(graceMs: number): Promise<void>;
  /** Whether what the app needs answers (Redis), for `/ready`. */
  ready(): Promise<true | string>;
  /** Prometheus metrics. */
  readonly metrics: AppMetrics;
}

export function readRole(value: string | undefined): "web" | "worker" | "both" {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "web" || v === "worker") return v;
  return "both";
}

/**
 * The app's slug from GET /app (as the app, not an installation), asked once
 * and kept; a failed ask is logged and asked again by the next review that
 * needs it.
 */
export function appSlugOf(app: Probot): () => Promise<string | undefined> {
  let known: Promise<string | undefined> | undefined;
  return () =>
    (known ??= (async () => {
      try {
        const octokit = (await app.auth()) as unknown as Octokit;
        const { data } = await octokit.rest.apps.getAuthenticated();
        const slug = (data as { slug?: string } | null)?.slug;
        if (!slug) throw new Error("GET /app answered no slug");
        return slug;
      } catch (err) {
        app.log.warn(
          { err },
          "could not learn the app's slug: no thread is replied to or resolved this time",
        );
        known = undefined;
        return undefined;
      }
    })());
}

/** What the app's reviews run on, made once when Probot loads the app. */
interface Services {
  role: "web" | "worker" | "both";
  concurrency: number;
  queue: JobQueue;
  /** The queue when it is on Redis (the delivery log, the memo and the write spacing are then there too). */
  redisQueue?: RedisQueue;
  deliveries: DeliveryLog;
  memo: ReviewMemo;
  retry: RetryOptions;
  spacer?: RedisSpacer;
  blobCache: BlobCache;
  /** Where the engine runs; none for a web-only instance on Redis. */
  reviewer: Reviewer | null | undefined;
  appSlug: () => Promise<string | undefined>;
}

/** The queue (in process, or on Redis with REDIS_URL) and what goes with it, from the options and the environment. */
function makeServices(app: Probot, options: AppOptions): Services {
  const concurrency = envNumber("G3DOC_REVIEW_CONCURRENCY", 2);
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? "";
  const role = options.role ?? readRole(process.env.G3DOC_REVIEW_ROLE);
  const prefix = options.redisPrefix ?? (process.env.G3DOC_REVIEW_REDIS_PREFIX || "g3doc-review");
  let redisQueue: RedisQueue | undefined;
  const queue: JobQueue =
    options.queue ??
    (redisUrl
      ? (redisQueue = new RedisQueue({
          url: redisUrl,
          prefix,
          work: role !== "web",
          concurrency,
          // How long a worker that stopped renewing its lock (killed) holds its jobs.
          lockMs: envNumber("G3DOC_REVIEW_LOCK_MS", 15_000),
          onError: (err, where) => app.log.error({ err, where }, "review queue error"),
        }))
      : new InProcessQueue({
          concurrency,
          maxWaiting: envNumber("G3DOC_REVIEW_MAX_WAITING", 10_000),
          maxShare: envNumber("G3DOC_REVIEW_MAX_SHARE", 0.5),
          onError: (err, key) => app.log.error({ err, key }, "review job failed"),
        }));
  if (options.queue instanceof RedisQueue) redisQueue = options.queue;
  return {
    role,
    concurrency,
    queue,
    redisQueue,
    deliveries:
      options.deliveries ??
      (redisQueue ? new RedisDeliveryLog(redisQueue.redis, prefix) : new LruDeliveryLog()),
    memo:
      options.memo ??
      (redisQueue ? new RedisReviewMemo(redisQueue.redis, prefix) : new LruReviewMemo()),
    retry: { ...DEFAULT_RETRY, ...options.retry },
    spacer: redisQueue ? new RedisSpacer(redisQueue.redis, prefix) : undefined,
    blobCache: new BlobCache(),
    reviewer:
      options.reviewer ?? (role === "web" && redisQueue ? undefined : defaultReviewer(concurrency)),
    appSlug: options.appSlug ?? appSlugOf(app),
  };
}

function startMessage(s: Services): string {
  const queue = s.redisQueue ? `review queue on Redis (role ${s.role})` : "review queue in process";
  const reviews =
    s.reviewer instanceof WorkerReviewer
      ? `${s.concurrency} reviews at once; their engine work runs in up to ${s.reviewer.size} worker thread(s)`
      : s.reviewer
        ? "reviews run in process"
        : "no reviews run here";
  return `${queue}; ${reviews}`;
}

type EventContext = { id: string; payload: unknown; log: Probot["log"] };

/** Deliveries become queued reviews; a queued review runs with a client of its installation. */
class Reviews {
  constructor(
    private readonly app: Probot,
    private readonly s: Services,
    private readonly options: AppOptions,
    private readonly metrics: AppMetrics,
  ) {}

  /** A queued review as the queue takes it. */
  job(data: ReviewJobData): Job {
    return {
      label: data.req.headSha,
      group: data.installationId === undefined ? undefined : String(data.installationId),
      data,
      run: async (signal) => void (await this.run(data, signal)),
    };
  }

  /**
   * The installation's client (from app.auth(id)) ready for a review.
   * Probot's context.octokit shares one write throttle ("no-id") across all
   * installations; app.auth(id) gives each installation its own (shared
   * across instances with Redis), and with Redis, writes are also spaced
   * where they are sent, across instances (write-spacing.ts).
   */
  private client(base: Octokit, installationId: number | undefined): Octokit {
    const { spacer } = this.s;
    const spaced =
      spacer && installationId !== undefined
        ? withSpacing(base, spacer, String(installationId))
        : base;
    return withNativeJson(
      withRetries(this.metrics.instrument(spaced, installationId), this.s.retry),
    );
  }

  /** Runs one queued review: a client of the installation's own, the review, what follows from its outcome. */
  run = async (raw: unknown, signal: AbortSignal, run?: JobRun): Promise<string> => {
    const data = raw as ReviewJobData;
    const { req, key, memoKey, installationId } = data;
    const { memo, queue } = this.s;
    const log = this.app.log.child({ key, sha: req.headSha });
    let base: Octokit;
    try {
      base = withFreshTokenOn401((await this.app.auth(installationId)) as unknown as Octokit, () =>
        log.warn(
          { installationId },
          "GitHub refused the installation token (401): asking for a fresh one",
        ),
      );
    } catch (err) {
      // No token, no check run to write: the installation is gone or its key refused.
      log.error({ err, installationId }, "could not make an installation client; not reviewed");
      await memo.finished(key, memoKey, false);
      return "failed";
    }
    const octokit = this.client(base, installationId);
    const t0 = Date.now();
    const outcome = await runReviewSafely(
      req,
      {
        octokit,
        log,
        chunkSize: this.options.chunkSize,
        inProgressAfterMs: this.options.inProgressAfterMs ?? inProgressAfterMs(),
        jobKey: key,
        externalId: run ? `${key}@${req.headSha}:${run.id}` : undefined,
        adopt: run?.ranBefore,
        blobCache: this.s.blobCache,
        reviewer: this.s.reviewer ?? undefined,
        appSlug: this.s.appSlug,
      },
      signal,
    );
    this.metrics.reviewed(outcome, (Date.now() - t0) / 1000);
    if (outcome.status === "handed-back") return outcome.status;
    const done = outcome.status === "reviewed" || outcome.status === "no-docs";
    await memo.finished(key, memoKey, done);
    if (outcome.status === "rate-limited" && outcome.retryAt !== undefined) {
      // Scheduled for after the reset (a second to spare), unless a newer push replaces it.
      await memo.started(key, memoKey);
      await queue.enqueue(key, this.job(data), { delayMs: outcome.retryAt - Date.now() + 1000 });
    }
    this.options.onOutcome?.(outcome, req);
    return outcome.status;
  };

  /** Queues the review an event asks for, unless its delivery or its head and base were seen already. */
  schedule = async (context: EventContext, req: ReviewRequest | undefined): Promise<void> => {
    if (!req) return;
    const { deliveries, memo, queue } = this.s;
    if (await deliveries.seen(context.id)) {
      context.log.info({ delivery: context.id }, "delivery already taken in; not reviewing twice");
      return;
    }
    const key = jobKey(req);
    const reviewKey = `${req.headSha}..${req.pull?.baseSha ?? "?"}`;
    const fromPullEvent = !!req.pull && req.trigger.startsWith("pull_request.");
    // A pull_request event for a head and base reviewed already: nothing new to say.
    if (fromPullEvent && (await memo.done(key, reviewKey))) {
      context.log.info(
        { key, sha: req.headSha, base: req.pull?.baseSha, trigger: req.trigger },
        "this head and base were reviewed already; not reviewing again",
      );
      return;
    }
    // Re-runs asked for by a person are not identical events: they always run and never make one skipped.
    const memoKey = fromPullEvent ? reviewKey : `rerun:${req.headSha}`;
    await memo.started(key, memoKey);
    const installationId = (context.payload as { installation?: { id?: number } }).installation?.id;
    await queue.enqueue(key, this.job({ req, key, memoKey, installationId }));
    context.log.info(
      { key, sha: req.headSha, trigger: req.trigger, queued: queue.size },
      "review queued",
    );
  };
}

/** The events that ask for a review: pull request activity and re-runs of the check. */
function onReviewEvents(
  app: Probot,
  schedule: (context: EventContext, req: ReviewRequest | undefined) => Promise<void>,
): void {
  app.on(
    PULL_REQUEST_ACTIONS.map((a) => `pull_request.${a}` as const),
    async (context) => schedule(context, fromPullRequest(context.payload as any)),
  );
  app.on("check_run.rerequested", async (context) => {
    const run = context.payload.check_run;
    const { head_sha, pull_requests, name } = run;
    const req = fromRerequest(
      context.payload as any,
      "check_run",
      head_sha,
      pull_requests as any,
      name,
    );
    await schedule(context, req);
  });
  app.on("check_suite.rerequested", async (context) => {
    const suite = context.payload.check_suite;
    const req = fromRerequest(
      context.payload as any,
      "check_suite",
      suite.head_sha,
      suite.pull_requests as any,
    );
    await schedule(context, req);
  });
}

export function createApp(options: AppOptions = {}): AppFunction {
  let stop: (graceMs: number) => Promise<void> = async () => {};
  let ready: () => Promise<true | string> = async () => true;
  const metrics = new AppMetrics();
  const fn = (app: Probot): void => {
    const s = makeServices(app, options);
    const { queue, redisQueue, reviewer } = s;
    metrics.watchQueue(queue);
    stop = async (graceMs) => {
      await queue.close(graceMs);
      if (!options.reviewer) await reviewer?.close();
    };
    ready = () => (redisQueue ? redisQueue.ready() : Promise.resolve(true));
    app.log.info(startMessage(s));
    const reviews = new Reviews(app, s, options, metrics);
    redisQueue?.setHandler(reviews.run);
    onReviewEvents(app, reviews.schedule);
  };
  return Object.assign(fn, {
    close: (graceMs: number) => stop(graceMs),
    ready: () => ready(),
    metrics,
  });
}
