/**
 * Publishing a planned review on the pull request: the one review with its
 * line comments, then the file-level comments for what the change caused
 * outside its diff. What GitHub refuses, and what a moved head stops, is
 * handed back to go in the check summary.
 */
import type { Finding } from "../../core/finding.js";
import type { PullInfo } from "../changeset-github.js";
import type { Octokit } from "../octokit.js";
import { countsText, type Counts, type FindingsDigest } from "./check-run.js";
import type { NotCommented, PlannedComment, ReviewPlan } from "./comments.js";
import { HeadMovedError, postReview } from "./review.js";

export interface PostLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
}

export interface PostOptions {
  /** Ask for changes when an error is among the new findings. */
  requestChanges: boolean;
  /** The check run's page, linked from the review's body. */
  checkUrl: string | undefined;
}

export interface Published {
  /** Findings now on the pull request (line comments and file-level ones). */
  posted: number;
  /** Findings that were to be posted but were not, with why. */
  refused: NotCommented[];
  /** The review's page, when one was posted. */
  reviewUrl?: string;
  /** The head the pull request moved to during the review (nothing more was posted). */
  headMovedTo?: string;
}

export function reviewBody(
  findings: readonly Finding[] | Counts,
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
      `${inSummary} more ${inSummary === 1 ? "is" : "are"} listed in the ${where} summary ` +
        "(outside the diff, over the comment limit, or refused by GitHub).",
    );
  return lines.join(" ");
}

/** The pull request's current head, when it is no longer the one reviewed. */
async function movedHead(octokit: Octokit, pull: PullInfo): Promise<string | undefined> {
  const { data } = await octokit.rest.pulls.get({
    owner: pull.owner,
    repo: pull.repo,
    pull_number: pull.number,
  });
  return data.head.sha !== pull.headSha ? data.head.sha : undefined;
}

/** The one review with the plan's line comments; refused comments and a moved head go in `out`. */
async function postLineComments(
  octokit: Octokit,
  pull: PullInfo,
  digest: FindingsDigest,
  plan: ReviewPlan,
  options: PostOptions,
  log: PostLogger,
  out: Published,
): Promise<void> {
  const inSummary = (rejected: PlannedComment[]) => digest.notShown.total + rejected.length;
  const freshError =
    digest.notShown.errors > 0 || plan.comments.some((c) => c.finding.severity === "error");
  const event = options.requestChanges && freshError ? "REQUEST_CHANGES" : "COMMENT";
  const bodyFor = (rejected: PlannedComment[]) =>
    reviewBody(
      digest.counts,
      plan.comments.length - rejected.length,
      inSummary(rejected),
      options.checkUrl,
    );
  try {
    const res = await postReview(
      octokit,
      pull,
      { body: bodyFor([]), event, comments: plan.comments },
      { bodyFor, headMoved: () => movedHead(octokit, pull) },
    );
    out.posted = res.posted.length;
    out.reviewUrl = res.url;
    for (const c of res.rejected)
      out.refused.push({ finding: c.finding, reason: "GitHub refused the comment" });
    if (res.rejected.length > 0)
      log.warn(
        { rejected: res.rejected.map((c) => `${c.path}:${c.line}`) },
        "GitHub refused some review comments",
      );
  } catch (err) {
    if (!(err instanceof HeadMovedError)) throw err;
    // One refusal, then nothing more: the newer head gets its own review.
    log.info({ from: pull.headSha, to: err.to }, "head moved during the review: not posted");
    out.headMovedTo = err.to;
    const reason =
      `the pull request's head moved to ${err.to.slice(0, 7)} during the review, ` +
      "so no comment was posted";
    for (const c of plan.comments) out.refused.push({ finding: c.finding, reason });
  }
}

/** Findings the change caused outside its diff: a file-level comment on the pull request's file they belong to. */
async function postFileComments(
  octokit: Octokit,
  pull: PullInfo,
  plan: ReviewPlan,
  log: PostLogger,
  out: Published,
): Promise<void> {
  if (out.headMovedTo) {
    for (const fc of plan.fileComments)
      for (const f of fc.findings)
        out.refused.push({ finding: f, reason: "the pull request's head moved during the review" });
    return;
  }
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
      out.posted += fc.findings.length;
    } catch (err) {
      if ((err as { status?: number }).status !== 422) throw err;
      log.warn({ path: fc.path }, "GitHub refused a file-level comment");
      for (const f of fc.findings)
        out.refused.push({ finding: f, reason: "GitHub refused the file-level comment" });
    }
  }
}

/** Posts the plan: its review (when it has line comments), then its file-level comments. */
export async function publishPlan(
  octokit: Octokit,
  pull: PullInfo,
  digest: FindingsDigest,
  plan: ReviewPlan,
  options: PostOptions,
  log: PostLogger,
): Promise<Published> {
  const out: Published = { posted: 0, refused: [] };
  if (plan.comments.length > 0)
    await postLineComments(octokit, pull, digest, plan, options, log, out);
  await postFileComments(octokit, pull, plan, log, out);
  return out;
}
