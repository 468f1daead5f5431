/**
 * The Probot app: webhook events become queued review jobs. The handler
 * answers at once; the queue runs the review (see job.ts).
 */
import { BlobCache } from "./blob-cache.js";
import { defaultReviewer, WorkerReviewer, type Reviewer } from "./review-pool.js";
import type { Probot, Context } from "probot";
import { InProcessQueue, type Job, type JobQueue } from "./queue.js";
import { LruDeliveryLog, LruReviewMemo, type DeliveryLog, type ReviewMemo } from "./deliveries.js";
import { runReviewSafely, type JobOutcome, type ReviewRequest } from "./job.js";
import { fromPullRequest, fromRerequest, jobKey, PULL_REQUEST_ACTIONS } from "./events.js";
import { DEFAULT_RETRY, withRetries, type Octokit, type RetryOptions } from "./octokit.js";

export interface AppOptions {
  queue?: JobQueue;
  deliveries?: DeliveryLog;
  /** Reviews done in this process (a repeated pull_request event for the same head and base is skipped). */
  memo?: ReviewMemo;
  retry?: Partial<RetryOptions>;
  /** Blobs per GraphQL query. */
  chunkSize?: number;
  /** Where the engine runs (default: worker threads when built, see review-pool.ts). */
  reviewer?: Reviewer;
  /** The app's slug (default: asked of GitHub with GET /app, once per process). */
  appSlug?: () => Promise<string | undefined>;
  /** Told when a job ends (tests, metrics). */
  onOutcome?: (outcome: JobOutcome, req: ReviewRequest) => void;
}

const envNumber = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

/** The app function Probot loads, and how to stop it. */
export interface AppFunction {
  (app: Probot): void;
  /**
   * Stops taking jobs: waiting reviews end as neutral ("interrupted by a
   * restart"), running ones have `graceMs` to finish, then end the same way.
   */
  close(graceMs: number): Promise<void>;
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

export function createApp(options: AppOptions = {}): AppFunction {
  let stop: (graceMs: number) => Promise<void> = async () => {};
  const fn = (app: Probot): void => {
    const concurrency = envNumber("G3DOC_REVIEW_CONCURRENCY", 2);
    const queue =
      options.queue ??
      new InProcessQueue({
        concurrency,
        maxWaiting: envNumber("G3DOC_REVIEW_MAX_WAITING", 10_000),
        maxShare: envNumber("G3DOC_REVIEW_MAX_SHARE", 0.5),
        onError: (err, key) => app.log.error({ err, key }, "review job failed"),
      });
    const deliveries = options.deliveries ?? new LruDeliveryLog();
    const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
    const memo = options.memo ?? new LruReviewMemo();
    const blobCache = new BlobCache();
    const reviewer = options.reviewer ?? defaultReviewer(concurrency);
    stop = async (graceMs) => {
      await queue.close(graceMs);
      if (!options.reviewer) await reviewer.close();
    };
    const appSlug = options.appSlug ?? appSlugOf(app);
    app.log.info(
      reviewer instanceof WorkerReviewer
        ? `${concurrency} reviews at once; their engine work runs in up to ${reviewer.size} worker thread(s)`
        : "reviews run in process",
    );

    const schedule = (context: Context, req: ReviewRequest | undefined): void => {
      if (!req) return;
      if (deliveries.seen(context.id)) {
        context.log.info(
          { delivery: context.id },
          "delivery already taken in; not reviewing twice",
        );
        return;
      }
      const key = jobKey(req);
      const reviewKey = `${req.headSha}..${req.pull?.baseSha ?? "?"}`;
      // A pull_request event for a head and base reviewed already: nothing new to say. Re-runs asked for by a person always run.
      if (req.pull && req.trigger.startsWith("pull_request.") && memo.done(key, reviewKey)) {
        context.log.info(
          { key, sha: req.headSha, base: req.pull.baseSha, trigger: req.trigger },
          "this head and base were reviewed already; not reviewing again",
        );
        return;
      }
      // Re-runs asked for by a person are not identical events: they never make one skipped.
      const memoKey =
        req.pull && req.trigger.startsWith("pull_request.") ? reviewKey : `rerun:${req.headSha}`;
      memo.started(key, memoKey);
      const installationId = (context.payload as { installation?: { id?: number } }).installation
        ?.id;
      const job = (): Job => ({
        label: req.headSha,
        group: installationId === undefined ? undefined : String(installationId),
        run: async (signal) => {
          // A client of the installation's own: Probot's context.octokit shares one write throttle
          // ("no-id") across all installations; app.auth(id) gives each installation its own.
          let base = context.octokit as unknown as Octokit;
          if (installationId !== undefined) {
            try {
              base = (await app.auth(installationId)) as unknown as Octokit;
            } catch (err) {
              context.log.warn({ err }, "could not make an installation client; using the event's");
            }
          }
          const octokit = withRetries(base, retry);
          const outcome = await runReviewSafely(
            req,
            {
              octokit,
              log: context.log,
              chunkSize: options.chunkSize,
              jobKey: key,
              blobCache,
              reviewer,
              appSlug,
            },
            signal,
          );
          memo.finished(
            key,
            memoKey,
            outcome.status === "reviewed" || outcome.status === "no-docs",
          );
          if (outcome.status === "rate-limited" && outcome.retryAt !== undefined) {
            // Scheduled for after the reset (a second to spare), unless a newer push replaces it.
            memo.started(key, memoKey);
            void queue.enqueue(key, job(), { delayMs: outcome.retryAt - Date.now() + 1000 });
          }
          options.onOutcome?.(outcome, req);
        },
      });
      void queue.enqueue(key, job());
      context.log.info(
        { key, sha: req.headSha, trigger: req.trigger, queued: queue.size },
        "review queued",
      );
    };

    app.on(
      PULL_REQUEST_ACTIONS.map((a) => `pull_request.${a}` as const),
      async (context) =>
        schedule(context as unknown as Context, fromPullRequest(context.payload as any)),
    );
    app.on("check_run.rerequested", async (context) => {
      const run = context.payload.check_run;
      schedule(
        context as unknown as Context,
        fromRerequest(
          context.payload as any,
          "check_run",
          run.head_sha,
          run.pull_requests as any,
          run.name,
        ),
      );
    });
    app.on("check_suite.rerequested", async (context) => {
      const suite = context.payload.check_suite;
      schedule(
        context as unknown as Context,
        fromRerequest(
          context.payload as any,
          "check_suite",
          suite.head_sha,
          suite.pull_requests as any,
        ),
      );
    });
  };
  return Object.assign(fn, { close: (graceMs: number) => stop(graceMs) });
}
