/** Finding the pull request a job is about, when the event did not carry it. */
import type { Octokit } from "./octokit.js";
import type { PullInfo } from "./changeset-github.js";

interface PullLike {
  number: number;
  state?: string;
  draft?: boolean;
  changed_files?: number;
  head: { sha: string; repo?: { full_name?: string } | null };
  base: { sha: string; repo?: { full_name?: string } | null };
}

export function pullInfo(owner: string, repo: string, p: PullLike): PullInfo {
  const info: PullInfo = {
    owner,
    repo,
    number: p.number,
    headSha: p.head.sha,
    baseSha: p.base.sha,
    draft: p.draft === true,
  };
  if (typeof p.changed_files === "number") info.changedFiles = p.changed_files;
  if (p.head.repo?.full_name) info.headRepo = p.head.repo.full_name;
  return info;
}

/**
 * The open pull request whose head is `sha`: by number when known, else by
 * the commit's pull requests, else by scanning the open pull requests (a fork
 * pull request's check events carry no pull request list).
 */
export async function findPull(
  octokit: Octokit,
  owner: string,
  repo: string,
  sha: string,
  number?: number,
): Promise<PullInfo | undefined> {
  const fits = (p: PullLike) => (p.state === undefined || p.state === "open") && p.head.sha === sha;
  if (number !== undefined) {
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number });
    return fits(data) ? pullInfo(owner, repo, data) : undefined;
  }
  const { data: viaCommit } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner,
    repo,
    commit_sha: sha,
    per_page: 100,
  });
  const hit = viaCommit.find(
    (p) =>
      fits(p) &&
      (p.base.repo?.full_name ?? `${owner}/${repo}`).toLowerCase() ===
        `${owner}/${repo}`.toLowerCase(),
  );
  if (hit) return pullInfo(owner, repo, hit);
  let pages = 0;
  for await (const page of octokit.paginate.iterator(octokit.rest.pulls.list, {
    owner,
    repo,
    state: "open",
    per_page: 100,
  })) {
    const open = page.data.find(fits);
    // The list omits changed_files: the 3,000-file limit is then told by the count alone.
    if (open) return pullInfo(owner, repo, open);
    if (++pages >= 10) break;
  }
  return undefined;
}
