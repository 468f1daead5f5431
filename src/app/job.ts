/**
 * One review job, in steps: config, pull request, change set, engine,
 * presentation, the review posted (publish/post.ts), check run. The whole
 * job sits in try/finally: whatever happens (GitHub errors, engine errors, a
 * bad config, a newer push), the check run ends completed.
 */
import { posix } from "node:path";
import { docMatcher } from "../core/docs-scope.js";
import { ConfigError } from "../config/load.js";
import type { Config } from "../config/defaults.js";
import {
  GitHubChangeSet,
  combinePiggyback,
  sendPiggyback,
  type PullInfo,
} from "./changeset-github.js";
import { ConfigReader, CONFIG_FILE, CONFIG_PATH, guessConfig } from "./config.js";
import { describeError, RateLimitWaitError, type Octokit } from "./octokit.js";
import { findPull } from "./pulls.js";
import { prefetchFor } from "./prefetch.js";
import type { BlobCache } from "./blob-cache.js";
import { inProcessReviewer, type Reviewed, type Reviewer } from "./review-pool.js";
import { presentReview, type Presentation, type PresentRequest } from "./publish/present.js";
import { ReviewBudgetError, budgetReport } from "./review-budget.js";
import type { ReviewResult } from "../core/engine.js";
import { HandedBackError, JobStoppedError, SupersededError } from "./queue.js";
import { CheckRun, conclusionFor, summaryFrom, titleOf } from "./publish/check-run.js";
import { rulesDocBase, type ReviewPlan } from "./publish/comments.js";
import { publishPlan, type Published } from "./publish/post.js";
import { ThreadLister, resolveThreads, type ReviewThread } from "./publish/threads.js";
import { codeSpan, escapeMarkdown } from "./publish/escape.js";

export { CONFIG_FILE, CONFIG_PATH };

export interface ReviewRequest {
  owner: string;
  repo: string;
  /** The commit to review (the check run goes on it). */
  headSha: string;
  /** The pull request, when the event carried it. */
  pull?: PullInfo;
  /** Its number, when known without the rest. */
  pullNumber?: number;
  /** The event that asked, e.g. "pull_request.synchronize". */
  trigger: string;
}

export interface Logger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface JobDeps {
  octokit: Octokit;
  log: Logger;
  /** Names the job's check run (`external_id`). */
  jobKey?: string;
  /** The check run's `external_id` (default: the job key, head and a random part). */
  externalId?: string;
  /** An earlier attempt of this job may have made its check run: adopt it (by `external_id`). */
  adopt?: boolean;
  /** Blobs per GraphQL query. */
  chunkSize?: number;
  /** Contents by blob SHA across the jobs of this app (default: none). */
  blobCache?: BlobCache;
  /** Where the engine runs (default: in process). */
  reviewer?: Reviewer;
  /**
   * Where the config comes from (default: the repository's default branch,
   * as Probot reads it). The GitHub Action passes its inputs through here.
   */
  loadConfig?: () => Promise<Config>;
  /**
   * The app's slug (its bot is `<slug>[bot]`): only threads whose first
   * comment that bot wrote are replied to or resolved. Undefined when unknown.
   */
  appSlug?: () => Promise<string | undefined>;
  /**
   * How long a review runs before its check run is posted in progress
   * (default IN_PROGRESS_AFTER_MS); a review done sooner posts it completed
   * in one request. 0 posts it in progress at once.
   */
  inProgressAfterMs?: number;
}

/**
 * A review that ends within this time posts its check run once, completed;
 * a longer one shows it in progress from then on. Each write of an
 * installation waits 1 s for the one before, so the in-progress post costs
 * every review of a busy installation a second.
 */
export const IN_PROGRESS_AFTER_MS = 10_000;

export interface JobOutcome {
  status:
    | "reviewed"
    | "no-docs"
    | "skipped-draft"
    | "no-pull"
    | "invalid-config"
    | "cancelled"
    | "too-costly"
    | "rate-limited"
    | "interrupted"
    | "handed-back"
    | "failed";
  conclusion?: string;
  checkRunId?: number;
  comments?: number;
  resolved?: number;
  error?: string;
  /** When a rate-limited review should run again (ms since the epoch). */
  retryAt?: number;
}

/** The rate-limit wait an error is, or was caused by. */
export function rateLimitWaitOf(err: unknown): RateLimitWaitError | undefined {
  for (let e = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++)
    if (e instanceof RateLimitWaitError) return e;
  return undefined;
}

/** Settles with `work`, or rejects with the signal's reason as soon as it fires. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** HH:MM UTC (and the date when it is not today). */
function whenText(at: number, now = Date.now()): string {
  const iso = new Date(at).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  return `${sameDay ? "" : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

function step(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason ?? new Error("aborted");
}

/** Whether the change can matter to the docs at all. */
export function touchesDocs(
  cs: { files: { path: string; status: string }[] },
  config: Config,
): boolean {
  const isDoc = docMatcher(config);
  const buildNames = new Set(config.build.files);
  return cs.files.some(
    (f) =>
      isDoc(f.path) ||
      f.status === "removed" ||
      f.status === "renamed" ||
      buildNames.has(posix.basename(f.path)),
  );
}

/** What the steps of one job share. */
interface Job {
  req: ReviewRequest;
  deps: JobDeps;
  signal: AbortSignal;
  check: CheckRun;
  configs: ConfigReader;
}

/** A step's way of ending the job early: the check run is completed and this is the outcome. */
class Ended {
  constructor(readonly outcome: JobOutcome) {}
}

function externalIdOf(req: ReviewRequest, deps: JobDeps): string {
  if (deps.externalId !== undefined) return deps.externalId;
  const random = Math.random().toString(36).slice(2, 10);
  return `${deps.jobKey ?? `${req.owner}/${req.repo}`}@${req.headSha}:${random}`;
}

/** The config (the caller's, or the repository's); an invalid one completes the check as a failure. */
async function loadConfig(job: Job): Promise<Config | Ended> {
  try {
    return await (job.deps.loadConfig ? job.deps.loadConfig() : job.configs.load());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const summary = [
      `The config file ${codeSpan(CONFIG_PATH)} is not valid, so nothing was reviewed.`,
      "",
      err.problems.map((p) => `> ${escapeMarkdown(p)}`).join("\n>\n"),
      "",
      "Fix the file on the default branch, then re-run this check.",
    ].join("\n");
    await job.check.complete(
      "failure",
      `Invalid config: ${err.message.replace(/^[^:]*:(\d+:)?\s*/, "")}`.slice(0, 200),
      summary,
    );
    return new Ended({
      status: "invalid-config",
      conclusion: "failure",
      checkRunId: job.check.id,
      error: err.message,
    });
  }
}

/** The pull request whose head is the commit, or the check completed as neutral when there is none. */
async function pullOf(job: Job): Promise<PullInfo | Ended> {
  const { req, check } = job;
  const pull =
    req.pull ??
    (await findPull(job.deps.octokit, req.owner, req.repo, req.headSha, req.pullNumber));
  if (pull) return pull;
  const sha = codeSpan(req.headSha.slice(0, 7));
  await check.complete(
    "neutral",
    "No open pull request",
    `No open pull request has ${sha} as its head, so there is nothing to review.`,
  );
  return new Ended({ status: "no-pull", conclusion: "neutral", checkRunId: check.id });
}

/**
 * The change set, and the config when it was not known yet: then the config
 * rides along with the first content query (built before the config is
 * known, with a guess of which files are docs), as do the first threads.
 */
async function loadChange(
  job: Job,
  pull: PullInfo,
  threads: ThreadLister,
  known: Config | undefined,
): Promise<{ cs: GitHubChangeSet; config: Config } | Ended> {
  const { deps, signal } = job;
  const guess = guessConfig();
  let isDoc = docMatcher(known ?? guess);
  const cs = await GitHubChangeSet.load(deps.octokit, pull, {
    isDoc: (p) => isDoc(p),
    piggyback: known
      ? threads.piggyback()
      : combinePiggyback(threads.piggyback(), job.configs.piggyback()),
    prefetch: prefetchFor(known ?? guess),
    blobCache: deps.blobCache,
    signal,
    chunkSize: deps.chunkSize,
  });
  step(signal);
  if (known) return { cs, config: known };
  if (touchesDocs(cs, guess)) await cs.read([], "head");
  const unsent = cs.takePiggyback();
  if (unsent) await sendPiggyback(deps.octokit, pull.owner, pull.repo, unsent);
  const config = await loadConfig(job);
  if (config instanceof Ended) return config;
  isDoc = docMatcher(config);
  return { cs, config };
}

async function completeNoDocs(job: Job, cs: GitHubChangeSet, config: Config): Promise<JobOutcome> {
  const paths = config.paths.map((p) => codeSpan(p)).join(", ");
  const notes = cs.notes.length
    ? `\n\n${cs.notes.map((n) => `- ${escapeMarkdown(n)}`).join("\n")}`
    : "";
  const summary = `This pull request changes no file under ${paths}, so there was nothing to review.${notes}`;
  await job.check.complete("success", "No g3doc changes", summary);
  return { status: "no-docs", conclusion: "success", checkRunId: job.check.id };
}

/** The engine's review; one over its budget fails the check (closed), naming the costly docs. */
async function runEngine(
  job: Job,
  cs: GitHubChangeSet,
  config: Config,
  request: PresentRequest,
): Promise<Reviewed | Ended> {
  const { deps, check } = job;
  try {
    // The engine does not watch the signal: a newer push or a stop ends the wait for it.
    return await untilAborted(
      (deps.reviewer ?? inProcessReviewer).review(cs, config, { mode: "change" }, request),
      job.signal,
    );
  } catch (err) {
    if (!(err instanceof ReviewBudgetError)) throw err;
    const { title, summary } = budgetReport(err);
    await check.complete("failure", title, summary);
    deps.log.warn({ docs: err.docs, resource: err.resource }, "review over its budget");
    return new Ended({
      status: "too-costly",
      conclusion: "failure",
      checkRunId: check.id,
      error: err.message,
    });
  }
}

/**
 * The review as it will look on the pull request (publish/present.ts): the
 * reviewer presents it beside the findings (in the review worker), asking
 * for the app's existing threads when it gets there; a reviewer that did not
 * present leaves it to this thread.
 */
async function present(
  job: Job,
  cs: GitHubChangeSet,
  result: Reviewed,
  request: PresentRequest,
): Promise<Presented> {
  const presented =
    result.presented ?? (await presentReview(cs, result, await request.threads(), request.input));
  return { ...presented, docsBase: request.input.docsBase };
}

type Presented = Presentation & { docsBase: string };

/** What presenting needs: the config's limits, the docs' base, and the threads (listed once, when first asked for). */
function presentRequest(job: Job, config: Config, threads: ThreadLister): PresentRequest {
  let listed: Promise<ReviewThread[]> | undefined;
  return {
    input: {
      maxComments: config.review.maxComments,
      lineLength: config.lineLength,
      docsBase: rulesDocBase(),
    },
    threads: () =>
      (listed ??= threads.list(job.deps.appSlug ?? (async () => undefined), job.signal)),
  };
}

const filesText = (n: number) => (n === 1 ? "a changed file" : `${n} changed files`);

/** The summary's notes: the engine's and the change set's, after what could not be read or posted. */
function reviewNotes(
  result: ReviewResult,
  cs: GitHubChangeSet,
  unreadable: string[],
  headMovedTo: string | undefined,
): string[] {
  const notes = [...result.notes, ...cs.notes];
  if (unreadable.length > 0) {
    const listed = unreadable.slice(0, 20).map((p) => codeSpan(p));
    const more = unreadable.length > 20 ? ", …" : "";
    notes.unshift(
      `GitHub answered no content for ${filesText(unreadable.length)} it lists (${listed.join(", ")}${more}), ` +
        `so the review could not read ${unreadable.length === 1 ? "it" : "them"} and this check fails. Re-run it.`,
    );
  }
  if (headMovedTo)
    notes.push(
      `The pull request's head moved to ${codeSpan(headMovedTo.slice(0, 7))} while this commit was reviewed, ` +
        "so no review was posted; the newer commit gets its own review.",
    );
  return notes;
}

/** Resolves the app's threads whose finding is gone; a failure becomes a note. */
async function resolveFixed(
  job: Job,
  pull: PullInfo,
  stale: ReviewPlan["stale"],
  notes: string[],
): Promise<number> {
  if (stale.length === 0) return 0;
  try {
    return await resolveThreads(job.deps.octokit, stale, pull.headSha);
  } catch (err) {
    job.deps.log.warn({ err }, "could not resolve fixed threads");
    notes.push(`Threads of fixed findings could not be resolved: ${describeError(err)}`);
    return 0;
  }
}

/** Completes the check run with the review: its summary, conclusion and annotations. */
async function completeReviewed(
  job: Job,
  pull: PullInfo,
  config: Config,
  result: ReviewResult,
  presented: Presented,
  published: Published,
  done: { notes: string[]; resolved: number; unreadable: number },
): Promise<JobOutcome> {
  const { plan, docsBase, digest } = presented;
  const { notes, resolved, unreadable } = done;
  const summary = summaryFrom(digest, {
    headSha: pull.headSha,
    docs: result.docs,
    refused: published.refused,
    alreadyCommented: plan.alreadyCommented.length,
    commented: published.posted,
    resolved,
    notes,
    reviewUrl: published.reviewUrl,
    unreadable,
    docsBase,
  });
  // A changed file GitHub would not give: what it says is unknown, so the check fails closed.
  const conclusion =
    unreadable > 0 ? "failure" : conclusionFor(digest.counts, config.review.failOn);
  await job.check.complete(
    conclusion,
    unreadable > 0
      ? `Could not read ${filesText(unreadable)}: re-run this check`
      : titleOf(digest, result.docs.length),
    summary,
    digest.annotations,
  );
  const { posted: comments } = published;
  return { status: "reviewed", conclusion, checkRunId: job.check.id, comments, resolved };
}

/** The steps of a review, each ending the job early when it must: config, change set, review, present, post, complete. */
async function reviewSteps(job: Job): Promise<JobOutcome> {
  const { deps, signal, check } = job;
  step(signal);
  if (deps.adopt && (await check.adopt()))
    deps.log.warn({ checkRunId: check.id }, "adopted the check run of an earlier attempt");
  const pull = await pullOf(job);
  if (pull instanceof Ended) return pull.outcome;
  let known: Config | undefined;
  if (pull.draft) {
    // Whether to review a draft is the config's to say: one small query for it alone.
    const loaded = await loadConfig(job);
    if (loaded instanceof Ended) return loaded.outcome;
    known = loaded;
    if (!known.review.drafts) {
      deps.log.info(
        { pull: pull.number },
        "draft pull request: not reviewed (review.drafts is off)",
      );
      return { status: "skipped-draft" };
    }
  }

  step(signal);
  await check.startAfter(deps.inProgressAfterMs ?? IN_PROGRESS_AFTER_MS, (err) =>
    deps.log.warn({ err }, "could not post the check run in progress; the result will make it"),
  );
  const threads = new ThreadLister(deps.octokit, pull);
  const change = await loadChange(job, pull, threads, known);
  if (change instanceof Ended) return change.outcome;
  const { cs, config } = change;
  step(signal);
  if (!touchesDocs(cs, config)) return completeNoDocs(job, cs, config);

  const request = presentRequest(job, config, threads);
  const result = await runEngine(job, cs, config, request);
  if (result instanceof Ended) return result.outcome;
  step(signal);
  const presented = await present(job, cs, result, request);
  step(signal);

  const published = await publishPlan(
    deps.octokit,
    pull,
    presented.digest,
    presented.plan,
    { requestChanges: config.review.requestChanges, checkUrl: check.htmlUrl },
    deps.log,
  );
  const unreadable = [...new Set(cs.unreadable)].sort();
  const notes = reviewNotes(result, cs, unreadable, published.headMovedTo);
  const resolved = await resolveFixed(job, pull, presented.plan.stale, notes);
  return completeReviewed(job, pull, config, result, presented, published, {
    notes,
    resolved,
    unreadable: unreadable.length,
  });
}

/** Why a job stopped before it was done, from its error and its signal. */
function interruption(
  failure: unknown,
  signal: AbortSignal,
):
  | { superseded: SupersededError }
  | { stopped: JobStoppedError }
  | { limited: RateLimitWaitError }
  | undefined {
  const reason = signal.aborted ? signal.reason : undefined;
  if (failure instanceof SupersededError) return { superseded: failure };
  if (reason instanceof SupersededError) return { superseded: reason };
  if (failure instanceof JobStoppedError) return { stopped: failure };
  if (reason instanceof JobStoppedError) return { stopped: reason };
  const limited = rateLimitWaitOf(failure);
  return limited ? { limited } : undefined;
}

/** Completes a check run that a job left open, saying why it stopped. */
async function completeStopped(
  check: CheckRun,
  failure: unknown,
  signal: AbortSignal,
  skippedDraft: boolean,
): Promise<void> {
  const why = interruption(failure, signal);
  if (why && "superseded" in why) {
    const by = why.superseded.by;
    await check.complete(
      "cancelled",
      `Superseded by ${by.slice(0, 7)}`,
      `A newer commit (${codeSpan(by)}) started a new review of this pull request, so this one stopped.`,
    );
  } else if (why && "stopped" in why) {
    await check.complete("neutral", why.stopped.title, why.stopped.summary);
  } else if (why) {
    const when = whenText(why.limited.retryAt);
    await check.complete(
      "neutral",
      `Rate limited: runs again after ${when}`,
      `GitHub's rate limit for this installation is used up until ${when}, so this review stopped instead of waiting. ` +
        "It will run again by itself after that time; a re-run before then would stop the same way." +
        `\n\n> ${escapeMarkdown(describeError(why.limited.cause))}`,
    );
  } else if (!skippedDraft) {
    const what = describeError(failure);
    await check.complete(
      "failure",
      "g3doc-review could not finish",
      `The review stopped before it was done, so its result is unknown:\n\n> ${escapeMarkdown(what)}\n\n` +
        "Re-run this check to try again.",
    );
  }
}

/**
 * Whatever ended the job, its check run ends completed. Handed back to the
 * shared queue, the run says so (nothing stays in progress while no worker
 * runs); the next worker adopts it by external_id and completes it again
 * with the result.
 */
async function completeUnfinished(
  job: Job,
  failure: unknown,
  outcome: JobOutcome | undefined,
): Promise<void> {
  const { check, signal } = job;
  if (check.completed) return;
  const handedBack = signal.aborted && signal.reason instanceof HandedBackError;
  if (handedBack && check.id === undefined) return;
  try {
    if (handedBack)
      await check.complete(
        "neutral",
        "Interrupted by a restart: runs again",
        "The instance reviewing this commit was stopping, so it handed the review back to the queue. " +
          "Another instance (or this one once it is back) reviews it and updates this check run with the result.",
      );
    else await completeStopped(check, failure, signal, outcome?.status === "skipped-draft");
  } catch (err) {
    job.deps.log.error({ err }, "could not complete the check run");
  }
}

/**
 * One review job. The whole job sits in try/finally: whatever happens
 * (GitHub errors, engine errors, a bad config, a newer push), the check run
 * ends completed.
 */
export async function runReview(
  req: ReviewRequest,
  deps: JobDeps,
  signal: AbortSignal,
): Promise<JobOutcome> {
  const { octokit } = deps;
  const check = new CheckRun(octokit, req.owner, req.repo, req.headSha, externalIdOf(req, deps));
  const job: Job = {
    req,
    deps,
    signal,
    check,
    configs: new ConfigReader(octokit, req.owner, req.repo),
  };
  let outcome: JobOutcome | undefined;
  let failure: unknown;
  try {
    outcome = await reviewSteps(job);
    return outcome;
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    await check.settle();
    await completeUnfinished(job, failure, outcome);
  }
}

/** Runs a job and never throws: what happened is in the outcome (and the check run). */
export async function runReviewSafely(
  req: ReviewRequest,
  deps: JobDeps,
  signal: AbortSignal,
): Promise<JobOutcome> {
  try {
    const outcome = await runReview(req, deps, signal);
    deps.log.info({ ...outcome, sha: req.headSha, trigger: req.trigger }, "review done");
    return outcome;
  } catch (err) {
    if (signal.aborted && signal.reason instanceof HandedBackError) {
      deps.log.info({ sha: req.headSha }, "review handed back to the queue");
      return { status: "handed-back" };
    }
    if (err instanceof SupersededError) {
      deps.log.info({ sha: req.headSha, by: err.by }, "review superseded");
      return { status: "cancelled", conclusion: "cancelled" };
    }
    if (
      err instanceof JobStoppedError ||
      (signal.aborted && signal.reason instanceof JobStoppedError)
    ) {
      const why = err instanceof JobStoppedError ? err : (signal.reason as JobStoppedError);
      deps.log.info({ sha: req.headSha, why: why.title }, "review stopped");
      return { status: "interrupted", conclusion: "neutral" };
    }
    const limited = rateLimitWaitOf(err);
    if (limited) {
      deps.log.warn(
        { sha: req.headSha, retryAt: new Date(limited.retryAt).toISOString() },
        "review rate limited; it runs again after the reset",
      );
      return { status: "rate-limited", conclusion: "neutral", retryAt: limited.retryAt };
    }
    deps.log.error({ err, sha: req.headSha }, "review failed");
    return { status: "failed", error: describeError(err) };
  }
}
