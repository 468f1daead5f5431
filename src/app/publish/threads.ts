/**
 * The app's earlier review threads on a pull request: which findings already
 * have a comment, and which threads to resolve because their finding is gone.
 * Read with GraphQL (thread ids, resolution state, authors); resolved with a
 * short reply and `resolveReviewThread`, never deleted.
 */
import type { Octokit } from "../octokit.js";
import type { PiggybackQuery, PullInfo } from "../changeset-github.js";

const MARKER = /<!-- g3doc-review:fp=([0-9a-f]{16}) -->/;

export function fingerprintMarker(fp: string): string {
  return `<!-- g3doc-review:fp=${fp} -->`;
}

export function fingerprintIn(body: string): string | undefined {
  return MARKER.exec(body)?.[1];
}

export interface ReviewThread {
  id: string;
  path: string;
  isResolved: boolean;
  fingerprint: string;
  /** Someone other than the app wrote in the thread. */
  othersReplied: boolean;
}

interface ThreadNode {
  id: string;
  isResolved: boolean;
  path: string;
  comments: {
    totalCount: number;
    nodes: { body: string; author: { login: string; __typename: string } | null }[];
  };
}

interface ThreadPage {
  reviewThreads: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: ThreadNode[];
  };
}

const COMMENTS_PER_THREAD = 20;

export const THREAD_FIELDS = `pullRequest(number: $prNumber) {
      reviewThreads(first: 100, after: $threadsAfter) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id
          isResolved
          path
          comments(first: ${COMMENTS_PER_THREAD}) { totalCount nodes { body author { login __typename } } }
        }
      }
    }`;

/** Threads the app opened (its marker in a first comment written by a bot). */
export function appThreads(nodes: ThreadNode[]): ReviewThread[] {
  const out: ReviewThread[] = [];
  for (const t of nodes) {
    const [first, ...rest] = t.comments.nodes;
    if (!first || first.author?.__typename !== "Bot") continue;
    const fp = fingerprintIn(first.body);
    if (!fp) continue;
    const othersReplied =
      t.comments.totalCount > t.comments.nodes.length ||
      rest.some((c) => c.author?.login !== first.author?.login);
    out.push({ id: t.id, path: t.path, isResolved: t.isResolved, fingerprint: fp, othersReplied });
  }
  return out;
}

/**
 * Lists the app's threads. `firstPage` is the page that came with the blob
 * query (when it did); further pages are fetched here.
 */
export class ThreadLister {
  private firstPage: ThreadPage | undefined;

  constructor(
    private readonly octokit: Octokit,
    private readonly pull: PullInfo,
  ) {}

  /** The first page, sent along with the change set's first GraphQL query. */
  piggyback(): PiggybackQuery {
    return {
      variableDefs: "$prNumber: Int!, $threadsAfter: String",
      variables: { prNumber: this.pull.number, threadsAfter: null },
      fields: THREAD_FIELDS,
      onData: (repository) => {
        this.firstPage = repository.pullRequest as ThreadPage | undefined;
      },
    };
  }

  async list(signal?: AbortSignal): Promise<ReviewThread[]> {
    const nodes: ThreadNode[] = [];
    let page = this.firstPage ?? (await this.fetch(null));
    for (;;) {
      nodes.push(...page.reviewThreads.nodes);
      if (!page.reviewThreads.pageInfo.hasNextPage) break;
      if (signal?.aborted) throw signal.reason;
      page = await this.fetch(page.reviewThreads.pageInfo.endCursor);
    }
    return appThreads(nodes);
  }

  private async fetch(after: string | null): Promise<ThreadPage> {
    const query = `query($owner: String!, $name: String!, $prNumber: Int!, $threadsAfter: String) {\n  repository(owner: $owner, name: $name) {\n    ${THREAD_FIELDS}\n  }\n}`;
    const data = await this.octokit.graphql<{ repository: { pullRequest: ThreadPage } }>(query, {
      owner: this.pull.owner,
      name: this.pull.repo,
      prNumber: this.pull.number,
      threadsAfter: after,
    });
    return data.repository.pullRequest;
  }
}

/** Replies "Fixed in <sha>." to each thread and resolves it: one mutation per 25 threads. */
export async function resolveThreads(
  octokit: Octokit,
  threads: ReviewThread[],
  headSha: string,
): Promise<number> {
  let done = 0;
  const body = `Fixed in ${headSha.slice(0, 7)}.`;
  for (let i = 0; i < threads.length; i += 25) {
    const chunk = threads.slice(i, i + 25);
    const defs = ["$body: String!"];
    const vars: Record<string, unknown> = { body };
    const fields: string[] = [];
    chunk.forEach((t, j) => {
      defs.push(`$t${j}: ID!`);
      vars[`t${j}`] = t.id;
      // Top-level mutation fields run in order: the reply lands before the thread closes.
      fields.push(
        `r${j}: addPullRequestReviewThreadReply(input: { pullRequestReviewThreadId: $t${j}, body: $body }) { comment { id } }`,
      );
      fields.push(
        `s${j}: resolveReviewThread(input: { threadId: $t${j} }) { thread { id isResolved } }`,
      );
    });
    await octokit.graphql(`mutation(${defs.join(", ")}) {\n  ${fields.join("\n  ")}\n}`, vars);
    done += chunk.length;
  }
  return done;
}
