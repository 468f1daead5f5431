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

/** Every fingerprint a comment carries (a file-level comment carries one per finding). */
export function fingerprintsIn(body: string): string[] {
  return [...body.matchAll(new RegExp(MARKER.source, "g"))].map((m) => m[1]);
}

export interface ReviewThread {
  id: string;
  path: string;
  isResolved: boolean;
  fingerprint: string;
  /** Someone other than the app wrote in the thread. */
  othersReplied: boolean;
  /**
   * False when the app's login could not be learnt: the thread still keeps
   * its finding from being posted again, but it is never replied to or resolved.
   */
  known?: false;
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

/**
 * Whether a comment's author is the app's bot. GraphQL names a bot by its
 * app's slug, REST by `<slug>[bot]`: both are taken.
 */
export function isAppBot(
  author: { login: string; __typename: string } | null,
  slug: string,
): boolean {
  return author?.__typename === "Bot" && (author.login === slug || author.login === `${slug}[bot]`);
}

/**
 * Threads the app opened: its marker in a first comment written by the
 * app's own bot (`slug`). Another bot quoting the marker (a secret scanner
 * quoting the doc line) does not make a thread the app's.
 */
export function appThreads(nodes: ThreadNode[], slug: string | null): ReviewThread[] {
  const out: ReviewThread[] = [];
  for (const t of nodes) {
    const [first, ...rest] = t.comments.nodes;
    if (
      !first ||
      (slug === null ? first.author?.__typename !== "Bot" : !isAppBot(first.author, slug))
    )
      continue;
    const fp = fingerprintIn(first.body);
    if (!fp) continue;
    const othersReplied =
      t.comments.totalCount > t.comments.nodes.length ||
      rest.some((c) => c.author?.login !== first.author?.login);
    for (const f of new Set([fp, ...fingerprintsIn(first.body)]))
      out.push({ id: t.id, path: t.path, isResolved: t.isResolved, fingerprint: f, othersReplied });
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

  /**
   * The app's threads. The app's slug is asked for (`slug()`, once per
   * process) only when a bot's thread carries a marker; when it cannot be
   * learnt, the marked bot threads only keep their findings from being
   * posted again (none is replied to or resolved).
   */
  async list(
    slug: () => Promise<string | undefined>,
    signal?: AbortSignal,
  ): Promise<ReviewThread[]> {
    const nodes: ThreadNode[] = [];
    let page = this.firstPage ?? (await this.fetch(null));
    for (;;) {
      nodes.push(...page.reviewThreads.nodes);
      if (!page.reviewThreads.pageInfo.hasNextPage) break;
      if (signal?.aborted) throw signal.reason;
      page = await this.fetch(page.reviewThreads.pageInfo.endCursor);
    }
    const marked = nodes.filter((t) => {
      const first = t.comments.nodes[0];
      return first?.author?.__typename === "Bot" && fingerprintIn(first.body) !== undefined;
    });
    if (marked.length === 0) return [];
    const login = await slug();
    if (login !== undefined) return appThreads(marked, login);
    return appThreads(marked, null).map((t) => ({ ...t, known: false as const }));
  }

  private async fetch(after: string | null): Promise<ThreadPage> {
    const query =
      "query($owner: String!, $name: String!, $prNumber: Int!, $threadsAfter: String) {\n" +
      `  repository(owner: $owner, name: $name) {\n    ${THREAD_FIELDS}\n  }\n}`;
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
