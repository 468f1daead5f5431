/**
 * Posting the one review of a run. GitHub rejects a whole review (422) when
 * one comment is out of place, and the error does not say which: the bad
 * comments are then found by halving, with pending (draft) reviews that only
 * the app sees and deletes at once, and the review is posted without them.
 * The review itself is never lost: the last resort is the body alone.
 */
import type { Octokit } from "../octokit.js";
import type { PullInfo } from "../changeset-github.js";
import { COMMENT_LIMIT, fitBody, type PlannedComment } from "./comments.js";

export const BODY_LIMIT = COMMENT_LIMIT;

/** The pull request's head moved during the review (a push or force-push): its comments no longer fit. */
export class HeadMovedError extends Error {
  constructor(readonly to: string) {
    super(`the pull request's head moved to ${to}`);
    this.name = "HeadMovedError";
  }
}

export interface ReviewToPost {
  body: string;
  event: "COMMENT" | "REQUEST_CHANGES";
  comments: PlannedComment[];
}

export interface PostedReview {
  id?: number;
  url?: string;
  posted: PlannedComment[];
  /** Comments GitHub refused (they go to the check summary). */
  rejected: PlannedComment[];
  /** Draft reviews created to find the refused comments (each accepted one is also deleted). */
  probes: number;
}

function apiComment(c: PlannedComment) {
  const body = fitBody(c.body, c.fingerprint);
  return c.startLine !== undefined && c.startLine < c.line
    ? {
        path: c.path,
        body,
        line: c.line,
        side: "RIGHT",
        start_line: c.startLine,
        start_side: "RIGHT",
      }
    : { path: c.path, body, line: c.line, side: "RIGHT" };
}

const is422 = (err: unknown) => (err as { status?: number })?.status === 422;

type CreateReview = (
  comments: PlannedComment[],
  event: ReviewToPost["event"] | undefined,
  body: string,
) => Promise<{ data: { id: number; html_url: string } }>;

/** Creates a review on the pull request's head (a draft without an event), its body cut to the limit. */
function reviewCreator(octokit: Octokit, pull: PullInfo): CreateReview {
  const base = {
    owner: pull.owner,
    repo: pull.repo,
    pull_number: pull.number,
    commit_id: pull.headSha,
  };
  return (comments, event, body) =>
    octokit.rest.pulls.createReview({
      ...base,
      body: body.length > BODY_LIMIT ? body.slice(0, BODY_LIMIT - 20) + "\n\n(truncated)" : body,
      ...(event ? { event } : {}),
      comments: comments.map(apiComment) as any,
    });
}

/**
 * The comments GitHub refuses, found by halving with draft reviews (each
 * accepted one deleted at once); past `maxProbes` drafts, the comments not
 * yet cleared count as refused.
 */
async function refusedComments(
  octokit: Octokit,
  pull: PullInfo,
  create: CreateReview,
  comments: PlannedComment[],
  maxProbes: number,
): Promise<{ bad: Set<PlannedComment>; probes: number }> {
  let probes = 0;
  // A draft review with these comments: accepted (then deleted) or refused.
  const accepts = async (set: PlannedComment[]): Promise<boolean> => {
    probes++;
    try {
      const { data } = await create(set, undefined, "");
      await octokit.rest.pulls.deletePendingReview({
        owner: pull.owner,
        repo: pull.repo,
        pull_number: pull.number,
        review_id: data.id,
      });
      return true;
    } catch (err) {
      if (is422(err)) return false;
      throw err;
    }
  };
  const bad = new Set<PlannedComment>();
  const search = async (set: PlannedComment[], knownBad: boolean): Promise<void> => {
    if (set.length === 0) return;
    if (!knownBad) {
      if (probes >= maxProbes) {
        set.forEach((c) => bad.add(c));
        return;
      }
      if (await accepts(set)) return;
    }
    if (set.length === 1) {
      bad.add(set[0]);
      return;
    }
    const mid = Math.ceil(set.length / 2);
    await search(set.slice(0, mid), false);
    await search(set.slice(mid), false);
  };
  await search(comments, true);
  return { bad, probes };
}

export async function postReview(
  octokit: Octokit,
  pull: PullInfo,
  review: ReviewToPost,
  options: {
    maxProbes?: number;
    bodyFor?: (rejected: PlannedComment[]) => string;
    /** After a refusal: the pull request's new head if it moved since the review began (then nothing more is posted). */
    headMoved?: () => Promise<string | undefined>;
  } = {},
): Promise<PostedReview> {
  const create = reviewCreator(octokit, pull);
  try {
    const { data } = await create(review.comments, review.event, review.body);
    return { id: data.id, url: data.html_url, posted: review.comments, rejected: [], probes: 0 };
  } catch (err) {
    if (!is422(err)) throw err;
    // Refused because the head moved (a force-push drops the reviewed commit): every further post would be refused too.
    const moved = await options.headMoved?.().catch(() => undefined);
    if (moved !== undefined) throw new HeadMovedError(moved);
  }
  const { bad, probes } = await refusedComments(
    octokit,
    pull,
    create,
    review.comments,
    options.maxProbes ?? 16,
  );
  // Without the refused comments; then without comments; then, asking for changes, as a comment.
  const good = review.comments.filter((c) => !bad.has(c));
  const attempts: [PlannedComment[], ReviewToPost["event"]][] = [];
  if (good.length < review.comments.length) attempts.push([good, review.event]);
  if (good.length > 0) attempts.push([[], review.event]);
  if (review.event !== "COMMENT") attempts.push([[], "COMMENT"]);
  let lastErr: unknown = new Error("GitHub refused the review");
  for (const [comments, event] of attempts) {
    const rejected = review.comments.filter((c) => !comments.includes(c));
    try {
      const body = options.bodyFor ? options.bodyFor(rejected) : review.body;
      const { data } = await create(comments, event, body);
      return { id: data.id, url: data.html_url, posted: comments, rejected, probes };
    } catch (err) {
      if (!is422(err)) throw err;
      lastErr = err;
    }
  }
  throw lastErr;
}
