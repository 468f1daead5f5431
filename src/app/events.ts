/**
 * Which webhook events start a review, and what each one asks for. Pure
 * functions of the payload, so the handler stays thin.
 */
import type { ReviewRequest } from "./job.js";
import { pullInfo } from "./pulls.js";
import { CHECK_NAME } from "./publish/check-run.js";

export const PULL_REQUEST_ACTIONS = [
  "opened",
  "synchronize",
  "reopened",
  "ready_for_review",
  "edited",
] as const;

interface RepoPayload {
  repository: { name: string; owner: { login: string } };
}

/** A pull_request event: reviewed on open, push, reopen, ready for review, and a changed base branch. */
export function fromPullRequest(
  payload: RepoPayload & { action: string; changes?: { base?: unknown }; pull_request: any },
): ReviewRequest | undefined {
  if (payload.action === "edited" && !payload.changes?.base) return undefined;
  if (payload.pull_request.state && payload.pull_request.state !== "open") return undefined;
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const pull = pullInfo(owner, repo, payload.pull_request);
  return {
    owner,
    repo,
    headSha: pull.headSha,
    pull,
    pullNumber: pull.number,
    trigger: `pull_request.${payload.action}`,
  };
}

interface CheckPull {
  number: number;
  head: { sha: string };
  base: { repo: { id: number } };
}

/** A re-run asked for from a check run or a check suite. Fork pull requests come with no pull request list. */
export function fromRerequest(
  payload: RepoPayload & { repository: { id: number } },
  kind: "check_run" | "check_suite",
  headSha: string,
  pulls: CheckPull[],
  name?: string,
): ReviewRequest | undefined {
  if (kind === "check_run" && name !== undefined && name !== CHECK_NAME) return undefined;
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const mine = pulls.filter((p) => p.base.repo.id === payload.repository.id);
  const current = mine.find((p) => p.head.sha === headSha);
  if (mine.length > 0 && !current) return undefined; // the pull request has moved on to a newer commit
  return {
    owner,
    repo,
    headSha,
    ...(current ? { pullNumber: current.number } : {}),
    trigger: `${kind}.rerequested`,
  };
}

/** The queue key: one job per pull request (or per commit, while its pull request is unknown). */
export function jobKey(req: ReviewRequest): string {
  const n = req.pull?.number ?? req.pullNumber;
  return n !== undefined
    ? `${req.owner}/${req.repo}#${n}`
    : `${req.owner}/${req.repo}@${req.headSha}`;
}
