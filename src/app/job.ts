/**
 * One review job: config, pull request, change set, engine, review, check
 * run. The whole job sits in try/finally: whatever happens (GitHub errors,
 * engine errors, a bad config, a newer push), the check run ends completed.
 */
import { posix } from "node:path";
import { docMatcher } from "../core/docs-scope.js";
import type { Finding } from "../core/finding.js";
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
import { inProcessReviewer, type Reviewer } from "./review-pool.js";
import { ReviewBudgetError, budgetReport } from "./review-budget.js";
import type { ReviewResult } from "../core/engine.js";
import { HandedBackError, JobStoppedError, SupersededError } from "./queue.js";
import {
  CheckRun,
  annotationsFor,
  conclusionFor,
  countsText,
  renderSummary,
  titleFor,
} from "./publish/check-run.js";
import {
  mergeOverlapping,
  planReview,
  rulesDocBase,
  type NotCommented,
  type PlannedComment,
} from "./publish/comments.js";
import { HeadMovedError, postReview } from "./publish/review.js";
import { ThreadLister, resolveThreads } from "./publish/threads.js";
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
}

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

function reviewBody(
  findings: Finding[],
  posted: number,
  inSummary: number,
  checkUrl: string | undefined,
): string {
  const where = checkUrl ? `[check run](${checkUrl})` : "check run";
  const lines = [
    `**g3doc-review** found ${countsText(findings)} in the docs this pull request changes.`,
  ];
  if (posted > 0) lines.push(`${posted} ${posted === 1 ? "is a comment" : "are comments"} below.`);
  if (inSummary > 0)
    lines.push(
      `${inSummary} more ${inSummary === 1 ? "is" : "are"} listed in the ${where} summary (outside the diff, over the comment limit, or refused by GitHub).`,
    );
  return lines.join(" ");
}

export async function runReview(
  req: ReviewRequest,
  deps: JobDeps,
  signal: AbortSignal,
): Promise<JobOutcome> {
  const { octokit, log } = deps;
  const externalId =
    deps.externalId ??
    `${deps.jobKey ?? `${req.owner}/${req.repo}`}@${req.headSha}:${Math.random().toString(36).slice(2, 10)}`;
  const check = new CheckRun(octokit, req.owner, req.repo, req.headSha, externalId);
  let outcome: JobOutcome = { status: "failed" };
  let failure: unknown;
  try {
    step(signal);
    if (deps.adopt && (await check.adopt()))
      log.warn({ checkRunId: check.id }, "adopted the check run of an earlier attempt");
    const configs = new ConfigReader(octokit, req.owner, req.repo);
    const invalidConfig = async (err: ConfigError): Promise<JobOutcome> => {
      const summary = [
        `The config file ${codeSpan(CONFIG_PATH)} is not valid, so nothing was reviewed.`,
        "",
        err.problems.map((p) => `> ${escapeMarkdown(p)}`).join("\n>\n"),
        "",
        "Fix the file on the default branch, then re-run this check.",
      ].join("\n");
      await check.complete(
        "failure",
        `Invalid config: ${err.message.replace(/^[^:]*:(\d+:)?\s*/, "")}`.slice(0, 200),
        summary,
      );
      return {
        status: "invalid-config",
        conclusion: "failure",
        checkRunId: check.id,
        error: err.message,
      };
    };
    const loadConfig = async (): Promise<Config | JobOutcome> => {
      try {
        return await (deps.loadConfig ? deps.loadConfig() : configs.load());
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        return invalidConfig(err);
      }
    };
    const isOutcome = (x: Config | JobOutcome): x is JobOutcome => "status" in x;

    const pull =
      req.pull ?? (await findPull(octokit, req.owner, req.repo, req.headSha, req.pullNumber));
    if (!pull) {
      await check.complete(
        "neutral",
        "No open pull request",
        `No open pull request has ${codeSpan(req.headSha.slice(0, 7))} as its head, so there is nothing to review.`,
      );
      return (outcome = { status: "no-pull", conclusion: "neutral", checkRunId: check.id });
    }
    let config: Config | undefined;
    if (pull.draft) {
      // Whether to review a draft is the config's to say: one small query for it alone.
      const loaded = await loadConfig();
      if (isOutcome(loaded)) return (outcome = loaded);
      config = loaded;
      if (!config.review.drafts) {
        log.info({ pull: pull.number }, "draft pull request: not reviewed (review.drafts is off)");
        return (outcome = { status: "skipped-draft" });
      }
    }

    step(signal);
    if (check.id === undefined) await check.start();
    const guess = guessConfig();
    let isDoc = docMatcher(config ?? guess);
    const threads = new ThreadLister(octokit, pull);
    const cs = await GitHubChangeSet.load(octokit, pull, {
      isDoc: (p) => isDoc(p),
      // The config rides along with the first content query (built before the config is known).
      piggyback: config
        ? threads.piggyback()
        : combinePiggyback(threads.piggyback(), configs.piggyback()),
      prefetch: prefetchFor(config ?? guess),
      blobCache: deps.blobCache,
      signal,
      chunkSize: deps.chunkSize,
    });
    step(signal);
    if (!config) {
      if (touchesDocs(cs, guess)) await cs.read([], "head");
      const unsent = cs.takePiggyback();
      if (unsent) await sendPiggyback(octokit, pull.owner, pull.repo, unsent);
      const loaded = await loadConfig();
      if (isOutcome(loaded)) return (outcome = loaded);
      config = loaded;
      isDoc = docMatcher(config);
    }
    step(signal);
    if (!touchesDocs(cs, config)) {
      const summary = `This pull request changes no file under ${config.paths.map((p) => codeSpan(p)).join(", ")}, so there was nothing to review.${
        cs.notes.length ? `\n\n${cs.notes.map((n) => `- ${escapeMarkdown(n)}`).join("\n")}` : ""
      }`;
      await check.complete("success", "No g3doc changes", summary);
      return (outcome = { status: "no-docs", conclusion: "success", checkRunId: check.id });
    }

    let result: ReviewResult;
    try {
      // The engine does not watch the signal: a newer push or a stop ends the wait for it.
      result = await untilAborted(
        (deps.reviewer ?? inProcessReviewer).review(cs, config, { mode: "change" }),
        signal,
      );
    } catch (err) {
      if (!(err instanceof ReviewBudgetError)) throw err;
      // Over its budget: the result is unknown, so the check fails (closed), naming the costly docs.
      const { title, summary } = budgetReport(err);
      await check.complete("failure", title, summary);
      log.warn({ docs: err.docs, resource: err.resource }, "review over its budget");
      return (outcome = {
        status: "too-costly",
        conclusion: "failure",
        checkRunId: check.id,
        error: err.message,
      });
    }
    step(signal);
    const existing = await threads.list(deps.appSlug ?? (async () => undefined), signal);
    const listed = new Set(cs.files.map((f) => f.path));
    // Overlapping suggestions of a file become one (GitHub applies each over its own lines); the texts are cached.
    const suggested = [
      ...new Set(result.findings.filter((f) => f.suggestion !== null).map((f) => f.path)),
    ];
    const texts = new Map<string, string>();
    for (const [path, c] of suggested.length ? await cs.read(suggested, "head") : new Map())
      if (c.kind === "text") texts.set(path, c.text);
    const docsBase = rulesDocBase();
    const merged = mergeOverlapping(result.findings, texts, config.lineLength);
    const plan = planReview(merged.findings, result.diffs, existing, {
      maxComments: config.review.maxComments,
      riders: merged.riders,
      reviewed: (p) => !cs.filesTruncated || listed.has(p),
      docsBase,
      prFiles: cs.files.map((f) => f.path),
    });
    step(signal);

    const inSummary = (rejected: PlannedComment[]) =>
      plan.notCommented.filter((n) => !n.commentedWithoutSuggestion).length + rejected.length;
    const refused: NotCommented[] = [];
    let reviewUrl: string | undefined;
    let posted = 0;
    let headMovedTo: string | undefined;
    if (plan.comments.length > 0) {
      const fresh = [
        ...plan.comments.map((c) => c.finding),
        ...plan.notCommented.filter((n) => !n.commentedWithoutSuggestion).map((n) => n.finding),
      ];
      const event =
        config.review.requestChanges && fresh.some((f) => f.severity === "error")
          ? "REQUEST_CHANGES"
          : "COMMENT";
      const headMoved = async (): Promise<string | undefined> => {
        const { data } = await octokit.rest.pulls.get({
          owner: pull.owner,
          repo: pull.repo,
          pull_number: pull.number,
        });
        return data.head.sha !== pull.headSha ? data.head.sha : undefined;
      };
      try {
        const res = await postReview(
          octokit,
          pull,
          {
            body: reviewBody(result.findings, plan.comments.length, inSummary([]), check.htmlUrl),
            event,
            comments: plan.comments,
          },
          {
            bodyFor: (rejected) =>
              reviewBody(
                result.findings,
                plan.comments.length - rejected.length,
                inSummary(rejected),
                check.htmlUrl,
              ),
            headMoved,
          },
        );
        posted = res.posted.length;
        reviewUrl = res.url;
        for (const c of res.rejected)
          refused.push({ finding: c.finding, reason: "GitHub refused the comment" });
        if (res.rejected.length > 0)
          log.warn(
            { rejected: res.rejected.map((c) => `${c.path}:${c.line}`) },
            "GitHub refused some review comments",
          );
      } catch (err) {
        if (!(err instanceof HeadMovedError)) throw err;
        // One refusal, then nothing more: the newer head gets its own review.
        log.info({ from: pull.headSha, to: err.to }, "head moved during the review: not posted");
        headMovedTo = err.to;
        for (const c of plan.comments)
          refused.push({
            finding: c.finding,
            reason: `the pull request's head moved to ${err.to.slice(0, 7)} during the review, so no comment was posted`,
          });
      }
    }

    // Findings the change caused outside its diff: a file-level comment on the pull request's file they belong to.
    if (!headMovedTo)
      for (const fc of plan.fileComments) {
        try {
          await octokit.rest.pulls.createReviewComment({
            owner: pull.owner,
            repo: pull.repo,
            pull_number: pull.number,
            commit_id: pull.headSha,
            path: fc.path,
            body: fc.body,
            subject_type: "file",
          });
          posted += fc.findings.length;
        } catch (err) {
          if ((err as { status?: number }).status !== 422) throw err;
          log.warn({ path: fc.path }, "GitHub refused a file-level comment");
          for (const f of fc.findings)
            refused.push({ finding: f, reason: "GitHub refused the file-level comment" });
        }
      }
    else
      for (const fc of plan.fileComments)
        for (const f of fc.findings)
          refused.push({ finding: f, reason: "the pull request's head moved during the review" });

    let resolved = 0;
    const notes = [...result.notes, ...cs.notes];
    const unreadable = [...new Set(cs.unreadable)].sort();
    if (unreadable.length > 0)
      notes.unshift(
        `GitHub answered no content for ${unreadable.length === 1 ? "a changed file" : `${unreadable.length} changed files`} it lists (${unreadable
          .slice(0, 20)
          .map((p) => codeSpan(p))
          .join(
            ", ",
          )}${unreadable.length > 20 ? ", …" : ""}), so the review could not read ${unreadable.length === 1 ? "it" : "them"} and this check fails. Re-run it.`,
      );
    if (headMovedTo)
      notes.push(
        `The pull request's head moved to ${codeSpan(headMovedTo.slice(0, 7))} while this commit was reviewed, so no review was posted; the newer commit gets its own review.`,
      );
    if (plan.stale.length > 0) {
      try {
        resolved = await resolveThreads(octokit, plan.stale, pull.headSha);
      } catch (err) {
        log.warn({ err }, "could not resolve fixed threads");
        notes.push(`Threads of fixed findings could not be resolved: ${describeError(err)}`);
      }
    }

    const summary = renderSummary({
      findings: result.findings,
      headSha: pull.headSha,
      docs: result.docs,
      notCommented: [...refused, ...plan.notCommented],
      alreadyCommented: plan.alreadyCommented.length,
      commented: posted,
      resolved,
      notes,
      reviewUrl,
      unreadable: unreadable.length,
      docsBase,
    });
    // A changed file GitHub would not give: what it says is unknown, so the check fails closed.
    const conclusion =
      unreadable.length > 0 ? "failure" : conclusionFor(result.findings, config.review.failOn);
    await check.complete(
      conclusion,
      unreadable.length > 0
        ? `Could not read ${unreadable.length === 1 ? "a changed file" : `${unreadable.length} changed files`}: re-run this check`
        : titleFor(result.findings, result.docs.length),
      summary,
      annotationsFor(result.findings),
    );
    outcome = { status: "reviewed", conclusion, checkRunId: check.id, comments: posted, resolved };
    return outcome;
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    // Handed back to the shared queue: the run says so (nothing stays in progress while no worker
    // runs); the next worker adopts it by external_id and completes it again with the result.
    const handedBack = signal.aborted && signal.reason instanceof HandedBackError;
    if (!check.completed && handedBack && check.id !== undefined) {
      try {
        await check.complete(
          "neutral",
          "Interrupted by a restart: runs again",
          "The instance reviewing this commit was stopping, so it handed the review back to the queue. Another instance (or this one once it is back) reviews it and updates this check run with the result.",
        );
      } catch (err) {
        log.error({ err }, "could not complete the check run");
      }
    }
    if (!check.completed && !handedBack) {
      const superseded =
        failure instanceof SupersededError
          ? failure
          : signal.reason instanceof SupersededError && signal.aborted
            ? signal.reason
            : undefined;
      const stopped =
        failure instanceof JobStoppedError
          ? failure
          : signal.aborted && signal.reason instanceof JobStoppedError
            ? signal.reason
            : undefined;
      const limited = superseded || stopped ? undefined : rateLimitWaitOf(failure);
      try {
        if (superseded) {
          await check.complete(
            "cancelled",
            `Superseded by ${superseded.by.slice(0, 7)}`,
            `A newer commit (${codeSpan(superseded.by)}) started a new review of this pull request, so this one stopped.`,
          );
          outcome = { status: "cancelled", conclusion: "cancelled", checkRunId: check.id };
        } else if (stopped) {
          await check.complete("neutral", stopped.title, stopped.summary);
          outcome = { status: "interrupted", conclusion: "neutral", checkRunId: check.id };
        } else if (limited) {
          const when = whenText(limited.retryAt);
          // The retry is scheduled first: a completion refused by the same rate limit must not lose it.
          outcome = { status: "rate-limited", retryAt: limited.retryAt, error: limited.message };
          await check.complete(
            "neutral",
            `Rate limited: runs again after ${when}`,
            `GitHub's rate limit for this installation is used up until ${when}, so this review stopped instead of waiting. It will run again by itself after that time; a re-run before then would stop the same way.\n\n> ${escapeMarkdown(describeError(limited.cause))}`,
          );
          outcome = { ...outcome, conclusion: "neutral", checkRunId: check.id };
        } else if (outcome.status !== "skipped-draft") {
          const what = describeError(failure);
          await check.complete(
            "failure",
            "g3doc-review could not finish",
            `The review stopped before it was done, so its result is unknown:\n\n> ${escapeMarkdown(what)}\n\nRe-run this check to try again.`,
          );
          outcome = { status: "failed", conclusion: "failure", checkRunId: check.id, error: what };
        }
      } catch (err) {
        log.error({ err }, "could not complete the check run");
      }
    }
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
