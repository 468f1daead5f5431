/** The stand-in's state (repositories, pull requests, reviews, threads, check runs) and its JSON shapes. */
import type { GitStore } from "./git.js";

export interface Repo {
  id: number;
  nodeId: string;
  owner: string;
  name: string;
  git: GitStore;
  defaultBranch: string;
  /** Commit the default branch points at (content reads without `ref`). */
  defaultSha: string;
  /** Files served by the contents API on the default branch, over the git tree (e.g. `.github/g3doc-review.yml`). */
  contents: Map<string, string>;
  pulls: Map<number, Pull>;
  checkRuns: CheckRun[];
  issueComments: IssueComment[];
}

export interface Pull {
  number: number;
  id: number;
  nodeId: string;
  title: string;
  body: string;
  baseRef: string;
  baseSha: string;
  headRef: string;
  headSha: string;
  /** Every head the pull request had, oldest first. */
  heads: string[];
  state: "open" | "closed";
  draft: boolean;
  createdAt: string;
  updatedAt: string;
  reviews: Review[];
  comments: ReviewComment[];
  threads: Thread[];
}

export interface Actor {
  login: string;
  id: number;
  type: "Bot" | "User";
}

export interface Review {
  id: number;
  nodeId: string;
  body: string;
  state: "COMMENTED" | "APPROVED" | "CHANGES_REQUESTED" | "PENDING";
  commitId: string;
  user: Actor;
  submittedAt: string;
  at: number;
}

export interface ReviewComment {
  id: number;
  nodeId: string;
  reviewId: number;
  threadId: string;
  path: string;
  line: number | null;
  side: "LEFT" | "RIGHT";
  startLine: number | null;
  startSide: "LEFT" | "RIGHT" | null;
  subjectType: "line" | "file";
  body: string;
  commitId: string;
  inReplyTo?: number;
  user: Actor;
  createdAt: string;
  /** Stand-in clock (ms since start) when it was created. */
  at: number;
  /** The pull request's head when it was created. */
  headAtCreation: string;
}

export interface Thread {
  id: string;
  pullNumber: number;
  path: string;
  line: number | null;
  side: "LEFT" | "RIGHT";
  startLine: number | null;
  startSide: "LEFT" | "RIGHT" | null;
  subjectType: "line" | "file";
  commitId: string;
  isResolved: boolean;
  resolvedBy: Actor | null;
  commentIds: number[];
  /** Patch of the file when the thread was made (to tell whether it is outdated later). */
  patchAtCreation: string | undefined;
}

export interface CheckRun {
  id: number;
  nodeId: string;
  name: string;
  headSha: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: unknown[];
  actions: unknown[];
  /** Every create/update, with the stand-in clock. */
  history: { at: number; status: string; conclusion: string | null; annotations: number }[];
  createdAt: number;
  completedAtMs: number | null;
}

export interface IssueComment {
  id: number;
  nodeId: string;
  issueNumber: number;
  body: string;
  user: Actor;
  createdAt: string;
  at: number;
}

export function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** GitHub-like global node ids (opaque base64 strings with a type prefix). */
export function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(`0:${prefix}:${id}`).toString("base64url")}`;
}

export interface Urls {
  /** `http://host:port` */
  web: string;
  /** `http://host:port/api/v3` */
  api: string;
}

export function userJson(u: Actor, urls: Urls): Record<string, unknown> {
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId(u.type === "Bot" ? "BOT" : "U", u.id),
    avatar_url: `${urls.web}/avatars/u/${u.id}?v=4`,
    gravatar_id: "",
    url: `${urls.api}/users/${encodeURIComponent(u.login)}`,
    html_url: `${urls.web}/${u.type === "Bot" ? "apps/" + u.login.replace(/\[bot\]$/, "") : u.login}`,
    followers_url: `${urls.api}/users/${u.login}/followers`,
    following_url: `${urls.api}/users/${u.login}/following{/other_user}`,
    gists_url: `${urls.api}/users/${u.login}/gists{/gist_id}`,
    starred_url: `${urls.api}/users/${u.login}/starred{/owner}{/repo}`,
    subscriptions_url: `${urls.api}/users/${u.login}/subscriptions`,
    organizations_url: `${urls.api}/users/${u.login}/orgs`,
    repos_url: `${urls.api}/users/${u.login}/repos`,
    events_url: `${urls.api}/users/${u.login}/events{/privacy}`,
    received_events_url: `${urls.api}/users/${u.login}/received_events`,
    type: u.type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function repoJson(r: Repo, owner: Actor, urls: Urls): Record<string, unknown> {
  const full = `${r.owner}/${r.name}`;
  const api = `${urls.api}/repos/${full}`;
  return {
    id: r.id,
    node_id: r.nodeId,
    name: r.name,
    full_name: full,
    private: false,
    owner: userJson(owner, urls),
    html_url: `${urls.web}/${full}`,
    description: null,
    fork: false,
    url: api,
    pulls_url: `${api}/pulls{/number}`,
    contents_url: `${api}/contents/{+path}`,
    trees_url: `${api}/git/trees{/sha}`,
    git_url: `git://${urls.web.replace(/^https?:\/\//, "")}/${full}.git`,
    clone_url: `${urls.web}/${full}.git`,
    created_at: "2018-04-27T00:00:00Z",
    updated_at: isoNow(),
    pushed_at: isoNow(),
    default_branch: r.defaultBranch,
    visibility: "public",
    archived: false,
    disabled: false,
    has_issues: true,
    is_template: false,
    allow_forking: true,
    web_commit_signoff_required: false,
    topics: [],
    forks: 0,
    open_issues: 0,
    watchers: 0,
    size: 0,
    language: null,
    license: null,
    stargazers_count: 0,
    watchers_count: 0,
    forks_count: 0,
    open_issues_count: 0,
  };
}

export function pullJson(
  r: Repo,
  p: Pull,
  owner: Actor,
  author: Actor,
  urls: Urls,
  changedFiles: number,
  additions: number,
  deletions: number,
): Record<string, unknown> {
  const full = `${r.owner}/${r.name}`;
  const api = `${urls.api}/repos/${full}`;
  const repo = repoJson(r, owner, urls);
  return {
    url: `${api}/pulls/${p.number}`,
    id: p.id,
    node_id: p.nodeId,
    html_url: `${urls.web}/${full}/pull/${p.number}`,
    diff_url: `${urls.web}/${full}/pull/${p.number}.diff`,
    patch_url: `${urls.web}/${full}/pull/${p.number}.patch`,
    issue_url: `${api}/issues/${p.number}`,
    commits_url: `${api}/pulls/${p.number}/commits`,
    review_comments_url: `${api}/pulls/${p.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${p.number}/comments`,
    statuses_url: `${api}/statuses/${p.headSha}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: userJson(author, urls),
    body: p.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: null,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${r.owner}:${p.headRef}`,
      ref: p.headRef,
      sha: p.headSha,
      user: userJson(owner, urls),
      repo,
    },
    base: {
      label: `${r.owner}:${p.baseRef}`,
      ref: p.baseRef,
      sha: p.baseSha,
      user: userJson(owner, urls),
      repo,
    },
    _links: {
      self: { href: `${api}/pulls/${p.number}` },
      html: { href: `${urls.web}/${full}/pull/${p.number}` },
      issue: { href: `${api}/issues/${p.number}` },
      comments: { href: `${api}/issues/${p.number}/comments` },
      review_comments: { href: `${api}/pulls/${p.number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${p.number}/commits` },
      statuses: { href: `${api}/statuses/${p.headSha}` },
    },
    author_association: "MEMBER",
    auto_merge: null,
    draft: p.draft,
    merged: false,
    mergeable: null,
    rebaseable: null,
    mergeable_state: "unknown",
    merged_by: null,
    comments: 0,
    review_comments: p.comments.length,
    maintainer_can_modify: false,
    commits: p.heads.length,
    additions,
    deletions,
    changed_files: changedFiles,
  };
}

export function reviewCommentJson(
  r: Repo,
  p: Pull,
  c: ReviewComment,
  urls: Urls,
  diffHunk: string,
  outdated: boolean,
): Record<string, unknown> {
  const full = `${r.owner}/${r.name}`;
  const api = `${urls.api}/repos/${full}`;
  const out: Record<string, unknown> = {
    url: `${api}/pulls/comments/${c.id}`,
    pull_request_review_id: c.reviewId,
    id: c.id,
    node_id: c.nodeId,
    diff_hunk: diffHunk,
    path: c.path,
    position: outdated ? null : 1,
    original_position: 1,
    commit_id: outdated ? p.headSha : c.commitId,
    original_commit_id: c.commitId,
    user: userJson(c.user, urls),
    body: c.body,
    created_at: c.createdAt,
    updated_at: c.createdAt,
    html_url: `${urls.web}/${full}/pull/${p.number}#discussion_r${c.id}`,
    pull_request_url: `${api}/pulls/${p.number}`,
    author_association: "NONE",
    _links: {
      self: { href: `${api}/pulls/comments/${c.id}` },
      html: { href: `${urls.web}/${full}/pull/${p.number}#discussion_r${c.id}` },
      pull_request: { href: `${api}/pulls/${p.number}` },
    },
    reactions: {
      url: `${api}/pulls/comments/${c.id}/reactions`,
      total_count: 0,
      "+1": 0,
      "-1": 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
    start_line: c.startLine,
    original_start_line: c.startLine,
    start_side: c.startSide,
    line: outdated ? null : c.line,
    original_line: c.line,
    side: c.side,
    subject_type: c.subjectType,
  };
  if (c.inReplyTo !== undefined) out.in_reply_to_id = c.inReplyTo;
  return out;
}

export function reviewJson(r: Repo, p: Pull, v: Review, urls: Urls): Record<string, unknown> {
  const full = `${r.owner}/${r.name}`;
  return {
    id: v.id,
    node_id: v.nodeId,
    user: userJson(v.user, urls),
    body: v.body,
    state: v.state,
    html_url: `${urls.web}/${full}/pull/${p.number}#pullrequestreview-${v.id}`,
    pull_request_url: `${urls.api}/repos/${full}/pulls/${p.number}`,
    _links: {
      html: { href: `${urls.web}/${full}/pull/${p.number}#pullrequestreview-${v.id}` },
      pull_request: { href: `${urls.api}/repos/${full}/pulls/${p.number}` },
    },
    submitted_at: v.state === "PENDING" ? undefined : v.submittedAt,
    commit_id: v.commitId,
    author_association: "NONE",
  };
}

export function checkRunJson(
  r: Repo,
  c: CheckRun,
  app: { id: number; slug: string; owner: Actor },
  pulls: Pull[],
  urls: Urls,
): Record<string, unknown> {
  const full = `${r.owner}/${r.name}`;
  return {
    id: c.id,
    head_sha: c.headSha,
    node_id: c.nodeId,
    external_id: c.externalId ?? "",
    url: `${urls.api}/repos/${full}/check-runs/${c.id}`,
    html_url: `${urls.web}/${full}/runs/${c.id}`,
    details_url: c.detailsUrl ?? `${urls.web}/${full}/runs/${c.id}`,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.startedAt,
    completed_at: c.completedAt,
    output: {
      ...c.output,
      annotations_count: c.annotations.length,
      annotations_url: `${urls.api}/repos/${full}/check-runs/${c.id}/annotations`,
    },
    name: c.name,
    check_suite: { id: c.id + 1_000_000 },
    app: {
      id: app.id,
      slug: app.slug,
      node_id: nodeId("A", app.id),
      owner: userJson(app.owner, urls),
      name: app.slug,
      description: "",
      external_url: urls.web,
      html_url: `${urls.web}/apps/${app.slug}`,
      created_at: "2024-01-01T00:00:00Z",
      updated_at: "2024-01-01T00:00:00Z",
      permissions: {},
      events: [],
    },
    pull_requests: pulls.map((p) => ({
      url: `${urls.api}/repos/${full}/pulls/${p.number}`,
      id: p.id,
      number: p.number,
      head: {
        ref: p.headRef,
        sha: p.headSha,
        repo: { id: r.id, url: `${urls.api}/repos/${full}`, name: r.name },
      },
      base: {
        ref: p.baseRef,
        sha: p.baseSha,
        repo: { id: r.id, url: `${urls.api}/repos/${full}`, name: r.name },
      },
    })),
  };
}
