/**
 * The Probot app: webhook events become queued review jobs. The handler
 * answers at once; the queue runs the review (see job.ts).
 */
import type { Probot, Context } from "probot";
import { InProcessQueue, type JobQueue } from "./queue.js";
import { LruDeliveryLog, type DeliveryLog } from "./deliveries.js";
import { CONFIG_FILE, runReviewSafely, type JobOutcome, type ReviewRequest } from "./job.js";
import { fromPullRequest, fromRerequest, jobKey, PULL_REQUEST_ACTIONS } from "./events.js";
import { DEFAULT_RETRY, withRetries, type Octokit, type RetryOptions } from "./octokit.js";

export interface AppOptions {
  queue?: JobQueue;
  deliveries?: DeliveryLog;
  retry?: Partial<RetryOptions>;
  /** Blobs per GraphQL query. */
  chunkSize?: number;
  /** Told when a job ends (tests, metrics). */
  onOutcome?: (outcome: JobOutcome, req: ReviewRequest) => void;
}

const envNumber = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

export function createApp(options: AppOptions = {}) {
  return (app: Probot): void => {
    const queue =
      options.queue ??
      new InProcessQueue({
        concurrency: envNumber("G3DOC_REVIEW_CONCURRENCY", 2),
        maxWaiting: envNumber("G3DOC_REVIEW_MAX_WAITING", 200),
        onError: (err, key) => app.log.error({ err, key }, "review job failed"),
      });
    const deliveries = options.deliveries ?? new LruDeliveryLog();
    const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };

    const schedule = (context: Context, req: ReviewRequest | undefined): void => {
      if (!req) return;
      if (deliveries.seen(context.id)) {
        context.log.info({ delivery: context.id }, "delivery already taken in; not reviewing twice");
        return;
      }
      const octokit = withRetries(context.octokit as unknown as Octokit, retry);
      queue.enqueue(jobKey(req), {
        label: req.headSha,
        run: async (signal) => {
          const outcome = await runReviewSafely(
            req,
            { octokit, log: context.log, readConfig: () => context.config(CONFIG_FILE), chunkSize: options.chunkSize },
            signal,
          );
          options.onOutcome?.(outcome, req);
        },
      });
      context.log.info({ key: jobKey(req), sha: req.headSha, trigger: req.trigger, queued: queue.size }, "review queued");
    };

    app.on(
      PULL_REQUEST_ACTIONS.map((a) => `pull_request.${a}` as const),
      async (context) => schedule(context as unknown as Context, fromPullRequest(context.payload as any)),
    );
    app.on("check_run.rerequested", async (context) => {
      const run = context.payload.check_run;
      schedule(context as unknown as Context, fromRerequest(context.payload as any, "check_run", run.head_sha, run.pull_requests as any, run.name));
    });
    app.on("check_suite.rerequested", async (context) => {
      const suite = context.payload.check_suite;
      schedule(context as unknown as Context, fromRerequest(context.payload as any, "check_suite", suite.head_sha, suite.pull_requests as any));
    });
  };
}
