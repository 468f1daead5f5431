// A stateful fake of the GitHub API behind nock: repositories as commits
// (sha -> files), pull requests, check runs, reviews and review threads, the
// GraphQL queries and mutations the app uses (evaluated over the same state),
// and injectable faults. It answers like GitHub does where the app depends on
// it: listFiles pages and its 3,000-file cap, review comments outside a hunk
// refused with 422 for the whole review, pending reviews, 50 annotations per
// request (the OpenAPI validator enforces the request shapes).
import nock from "nock";
import { createHash } from "node:crypto";
import { unifiedDiff } from "../helpers/memory-changeset.js";
import { parseGraphQL, SCHEMA, checkGraphQL } from "../helpers/graphql-check.js";
import { parsePatch, hunkHolding } from "../../src/core/diff/patch.js";
import { createRequire } from "node:module";
import { validateGitHubResponse } from "../helpers/github-openapi.js";

const require = createRequire(import.meta.url);
/** GitHub's own example of GET /app's answer (an `integration`), from its OpenAPI description. */
const APP_EXAMPLE = (
  require("@octokit/openapi/generated/api.github.com.json") as {
    components: { examples: Record<string, { value: Record<string, unknown> }> };
  }
).components.examples.integration.value;

export type Files = Record<string, string | Buffer>;

export interface FakePull {
  number: number;
  head: string;
  base: string;
  draft?: boolean;
  /** `owner/repo` of the head branch (a fork when it differs). */
  headRepo?: string;
  state?: "open" | "closed";
}

export interface CheckRunState {
  id: number;
  external_id?: string;
  head_sha: string;
  name: string;
  status: string;
  conclusion?: string;
  output?: { title: string; summary: string };
  annotations: any[];
  updates: number;
}

export interface ThreadComment {
  id: string;
  databaseId: number;
  body: string;
  author: { login: string; __typename: "Bot" | "User" };
}

export interface ThreadState {
  id: string;
  path: string;
  line: number;
  isResolved: boolean;
  comments: ThreadComment[];
  commitId: string;
}

export interface ReviewState {
  id: number;
  event?: string;
  body: string;
  commit_id?: string;
  comments: any[];
}

export interface Fault {
  /** Matches "METHOD /path" (path without query). */
  match: RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  times: number;
  /** Answer only after this long. */
  delayMs?: number;
  /** Do the request, then answer with the fault (the answer is lost, the write is not). */
  after?: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  status?: number;
}

export const BOT = { login: "g3doc-review", __typename: "Bot" as const };

function isBinary(v: string | Buffer): boolean {
  return Buffer.isBuffer(v) && v.includes(0);
}

/** The blob SHA git gives these bytes, as GitHub's trees list it. */
const gitBlobSha = (v: string | Buffer | undefined) => {
  const bytes = v === undefined ? Buffer.alloc(0) : typeof v === "string" ? Buffer.from(v) : v;
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
};
const text = (v: string | Buffer | undefined) =>
  v === undefined ? "" : typeof v === "string" ? v : v.toString("utf8");

export class FakeGitHub {
  owner = "Codertocat";
  repo = "Hello-World";
  repoId = 186853002;
  readonly commits = new Map<string, Files>();
  readonly pulls = new Map<number, FakePull>();
  config: string | null = null;
  /** The owner's `.github` repository's config; null: no such repository. */
  orgConfig: string | null = null;
  /** Default-branch files of other repositories the installation can read, by "owner/repo" (for `_extends`). */
  readonly otherRepos = new Map<string, Files>();
  readonly checkRuns: CheckRunState[] = [];
  readonly reviews: ReviewState[] = [];
  /** File-level comments posted (POST /pulls/{n}/comments with subject_type "file"). */
  readonly fileComments: any[] = [];
  readonly pending = new Map<number, ReviewState>();
  readonly threads: ThreadState[] = [];
  readonly log: LoggedRequest[] = [];
  readonly faults: Fault[] = [];
  treeTruncated = false;
  /** Comments GitHub refuses for reasons of its own (the whole review gets a 422). */
  rejectComment?: (c: any) => boolean;
  /** Paths whose listFiles entry has no `patch` (as for very large diffs). */
  noPatch = new Set<string>();
  /** "sha:path" objects the GraphQL content query answers null for although they exist (GitHub failing). */
  readonly nullContent = new Set<string>();
  /** Commits a force-push dropped from the pull request: reviews on them are refused. */
  readonly gone = new Set<string>();
  /** Called with each request before it is answered (to change state mid-review). */
  onRequest?: (method: string, path: string) => void;
  /** The app's slug, as GET /app answers it (its bot's GraphQL login; REST adds `[bot]`). */
  appSlug = "g3doc-review";
  /** Each request waits this long (to show the webhook answer does not wait for the review). */
  latencyMs = 0;
  private nextId = 1000;

  get repoPath(): string {
    return `/repos/${this.owner}/${this.repo}`;
  }

  addCommit(sha: string, files: Files): void {
    this.commits.set(sha, files);
  }

  addPull(p: FakePull): void {
    this.pulls.set(p.number, { state: "open", ...p });
  }

  fail(
    match: RegExp,
    status: number,
    opts: {
      body?: unknown;
      headers?: Record<string, string>;
      times?: number;
      delayMs?: number;
      after?: boolean;
    } = {},
  ): void {
    this.faults.push({
      match,
      status,
      body: opts.body ?? { message: `fake ${status}` },
      headers: opts.headers,
      times: opts.times ?? 1,
      delayMs: opts.delayMs,
      after: opts.after,
    });
  }

  /** Requests to the API, without the installation token request. */
  apiRequests(): LoggedRequest[] {
    return this.log.filter(
      (r) =>
        !r.path.startsWith("/app/installations/") &&
        !r.path.includes("/contents/.github%2F") &&
        !r.path.includes("/contents/.github/"),
    );
  }

  /** "METHOD /route" lines of the API requests, e.g. "POST /graphql". */
  shapes(): string[] {
    return this.apiRequests().map(
      (r) => `${r.method} ${r.path.replace(this.repoPath, "/repos/{o}/{r}")}`,
    );
  }

  install(): void {
    // nock 15.0.0 (fetch interception) calls a one-parameter reply function with the Request itself
    // (a two-parameter one is taken as callback style).
    const handler =
      (method: string) =>
      async (req: Request): Promise<[number, any, Record<string, string>]> => {
        const u = new URL(req.url);
        const raw = method === "GET" || method === "DELETE" ? "" : await req.text();
        return this.handle(method, u.pathname + u.search, raw);
      };
    const scope = nock("https://api.github.com").persist();
    for (const m of ["get", "post", "patch", "put", "delete"] as const) {
      (scope as any)[m](/.*/).reply(handler(m.toUpperCase()));
    }
  }

  listFiles(p: FakePull): any[] {
    const base = this.commits.get(p.base)!;
    const head = this.commits.get(p.head)!;
    const out: any[] = [];
    const paths = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
    for (const path of paths) {
      const a = base[path];
      const b = head[path];
      if (a !== undefined && b !== undefined && text(a) === text(b) && isBinary(a) === isBinary(b))
        continue;
      const status = a === undefined ? "added" : b === undefined ? "removed" : "modified";
      const entry: any = {
        sha: "0".repeat(40),
        filename: path,
        status,
        additions: 1,
        deletions: 0,
        changes: 1,
        blob_url: "",
        raw_url: "",
        contents_url: "",
      };
      if (
        !(a !== undefined && isBinary(a)) &&
        !(b !== undefined && isBinary(b)) &&
        !this.noPatch.has(path)
      )
        entry.patch = unifiedDiff(text(a), text(b)).replace(/\n$/, "");
      out.push(entry);
    }
    return out.slice(0, 3000);
  }

  async handle(
    method: string,
    uri: string,
    body: any,
  ): Promise<[number, any, Record<string, string>]> {
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    const url = new URL(uri, "https://api.github.com");
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    const parsed = typeof body === "string" && body.startsWith("{") ? JSON.parse(body) : body;
    const entry: LoggedRequest = { method, path, query, body: parsed };
    this.log.push(entry);
    this.onRequest?.(method, path);
    const fault = this.faults.find((f) => f.times > 0 && f.match.test(`${method} ${path}`));
    if (fault) {
      fault.times--;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.after) this.route(method, path, query, parsed);
      entry.status = fault.status;
      return [fault.status, fault.body, fault.headers ?? {}];
    }
    const [status, data, headers] = this.route(method, path, query, parsed);
    entry.status = status;
    return [status, data, headers ?? {}];
  }

  private route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: any,
  ): [number, any, Record<string, string>?] {
    const R = this.repoPath;
    let m: RegExpMatchArray | null;
    if (method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
      return [
        201,
        {
          token: "ghs_test",
          expires_at: "2099-01-01T00:00:00Z",
          permissions: {
            checks: "write",
            pull_requests: "write",
            contents: "read",
            metadata: "read",
          },
        },
      ];
    }
    if (method === "GET" && path === "/app") {
      const app = { ...APP_EXAMPLE, slug: this.appSlug, name: this.appSlug };
      validateGitHubResponse("GET", "/app", 200, app);
      return [200, app];
    }
    if (
      method === "GET" &&
      (m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/)) &&
      this.otherRepos.has(`${m[1]}/${m[2]}`)
    ) {
      // The contents API's JSON answer for a file (the default media type), on the default branch.
      const file = this.otherRepos.get(`${m[1]}/${m[2]}`)![decodeURIComponent(m[3])];
      if (file === undefined) return [404, { message: "Not Found" }];
      const bytes = typeof file === "string" ? Buffer.from(file) : file;
      return [
        200,
        {
          type: "file",
          encoding: "base64",
          size: bytes.length,
          name: decodeURIComponent(m[3]).split("/").pop(),
          path: decodeURIComponent(m[3]),
          sha: gitBlobSha(file),
          content: bytes.length > 1024 * 1024 ? "" : bytes.toString("base64"),
        },
      ];
    }
    if (
      method === "GET" &&
      path.startsWith(`/repos/${this.owner}/`) &&
      /\/contents\/\.github(%2F|\/)g3doc-review\.yml$/.test(path)
    ) {
      if (path.startsWith(`${R}/`) && this.config !== null)
        return [200, this.config, { "content-type": "text/plain" }];
      return [404, { message: "Not Found" }];
    }
    if (method === "POST" && path === "/graphql") return this.graphql(body);
    if (method === "POST" && path === `${R}/check-runs`) {
      const run: CheckRunState = {
        id: this.nextId++,
        external_id: body.external_id,
        head_sha: body.head_sha,
        name: body.name,
        status: body.status ?? "queued",
        conclusion: body.conclusion,
        output: body.output,
        annotations: [...(body.output?.annotations ?? [])],
        updates: 0,
      };
      this.checkRuns.push(run);
      return [
        201,
        {
          id: run.id,
          head_sha: run.head_sha,
          html_url: `https://github.com/${this.owner}/${this.repo}/runs/${run.id}`,
          status: run.status,
        },
      ];
    }
    if (method === "GET" && (m = path.match(new RegExp(`^${R}/commits/([0-9a-f]+)/check-runs$`)))) {
      const runs = this.checkRuns
        .filter((r) => r.head_sha === m![1] && (!query.check_name || r.name === query.check_name))
        .reverse();
      return [
        200,
        {
          total_count: runs.length,
          check_runs: runs.map((r) => ({
            id: r.id,
            name: r.name,
            head_sha: r.head_sha,
            external_id: r.external_id ?? "",
            status: r.status,
            conclusion: r.conclusion ?? null,
            html_url: `https://github.com/${this.owner}/${this.repo}/runs/${r.id}`,
          })),
        },
      ];
    }
    if (method === "PATCH" && (m = path.match(new RegExp(`^${R}/check-runs/(\\d+)$`)))) {
      const run = this.checkRuns.find((r) => r.id === Number(m![1]));
      if (!run) return [404, { message: "Not Found" }];
      run.updates++;
      if (body.status) run.status = body.status;
      if (body.conclusion) {
        run.conclusion = body.conclusion;
        run.status = "completed";
      }
      if (body.output) {
        run.output = { title: body.output.title, summary: body.output.summary };
        run.annotations.push(...(body.output.annotations ?? []));
      }
      return [200, { id: run.id, status: run.status, conclusion: run.conclusion }];
    }
    if (method === "GET" && (m = path.match(new RegExp(`^${R}/pulls/(\\d+)/files$`)))) {
      const p = this.pulls.get(Number(m[1]));
      if (!p) return [404, { message: "Not Found" }];
      const all = this.listFiles(p);
      const per = Number(query.per_page ?? 30);
      const page = Number(query.page ?? 1);
      const slice = all.slice((page - 1) * per, page * per);
      const headers: Record<string, string> = {};
      if (page * per < all.length)
        headers.link = `<https://api.github.com${R}/pulls/${p.number}/files?per_page=${per}&page=${page + 1}>; rel="next"`;
      return [200, slice, headers];
    }
    if (method === "GET" && (m = path.match(new RegExp(`^${R}/pulls/(\\d+)$`)))) {
      const p = this.pulls.get(Number(m[1]));
      return p ? [200, this.pullJson(p)] : [404, { message: "Not Found" }];
    }
    if (method === "GET" && path === `${R}/pulls`) {
      return [
        200,
        [...this.pulls.values()].filter((p) => p.state === "open").map((p) => this.pullJson(p)),
      ];
    }
    if (method === "GET" && (m = path.match(new RegExp(`^${R}/commits/([0-9a-f]+)/pulls$`)))) {
      // Like GitHub for a commit that only a fork has: no pull request listed.
      return [
        200,
        [...this.pulls.values()]
          .filter((p) => p.head === m![1] && !this.isFork(p))
          .map((p) => this.pullJson(p)),
      ];
    }
    if (method === "GET" && (m = path.match(new RegExp(`^${R}/git/trees/([0-9a-f]+)$`)))) {
      const files = this.commits.get(m[1]);
      if (!files) return [404, { message: "Not Found" }];
      const tree = Object.keys(files)
        .sort()
        .map((p) => ({
          path: p,
          mode: "100644",
          type: "blob",
          sha: gitBlobSha(files[p]),
          size: text(files[p]).length,
        }));
      const shown = this.treeTruncated ? tree.slice(0, Math.ceil(tree.length / 3)) : tree;
      return [200, { sha: m[1], url: "", tree: shown, truncated: this.treeTruncated }];
    }
    if (method === "GET" && (m = path.match(new RegExp(`^${R}/contents/(.+)$`)))) {
      const files = this.commits.get(query.ref);
      const v = files?.[decodeURIComponent(m[1])];
      return v === undefined
        ? [404, { message: "Not Found" }]
        : [200, text(v), { "content-type": "text/plain" }];
    }
    if (method === "POST" && (m = path.match(new RegExp(`^${R}/pulls/(\\d+)/comments$`))))
      return this.createComment(Number(m[1]), body);
    if (method === "POST" && (m = path.match(new RegExp(`^${R}/pulls/(\\d+)/reviews$`))))
      return this.createReview(Number(m[1]), body);
    if (method === "DELETE" && (m = path.match(new RegExp(`^${R}/pulls/(\\d+)/reviews/(\\d+)$`)))) {
      const id = Number(m[2]);
      if (!this.pending.has(id))
        return [422, { message: "Can not delete a non-pending pull request review" }];
      this.pending.delete(id);
      return [200, { id }];
    }
    return [404, { message: `fake GitHub has no route for ${method} ${path}` }];
  }

  isFork(p: FakePull): boolean {
    return p.headRepo !== undefined && p.headRepo !== `${this.owner}/${this.repo}`;
  }

  pullJson(p: FakePull) {
    const repo = { id: this.repoId, name: this.repo, full_name: `${this.owner}/${this.repo}` };
    const headRepo = this.isFork(p)
      ? { id: 999, name: p.headRepo!.split("/")[1], full_name: p.headRepo }
      : repo;
    return {
      number: p.number,
      state: p.state,
      draft: p.draft ?? false,
      changed_files:
        this.commits.has(p.base) && this.commits.has(p.head) ? this.listFiles(p).length : 0,
      head: { sha: p.head, ref: "changes", repo: headRepo },
      base: { sha: p.base, ref: "master", repo },
    };
  }

  /** GitHub's checks: every comment on a RIGHT line inside one hunk of its file. */
  private commentProblem(p: FakePull, c: any): string | undefined {
    const file = this.listFiles(p).find((f) => f.filename === c.path);
    if (!file) return "Path could not be resolved";
    if (this.rejectComment?.(c)) return "Pull request review thread diff hunk can't be blank";
    const diff = parsePatch(file.patch ?? null);
    if (c.side !== undefined && c.side !== "RIGHT") return "side must be RIGHT";
    if (!hunkHolding(diff, c.line, c.line))
      return "Pull request review thread line must be part of the diff";
    if (c.start_line !== undefined) {
      if (c.start_line >= c.line)
        return "Pull request review thread start line must precede the end line.";
      if (!hunkHolding(diff, c.start_line, c.line))
        return "Pull request review thread start line must be part of the same hunk as the line.";
    }
    return undefined;
  }

  /** A single review comment; only file-level ones (`subject_type: "file"`) are modelled: on a file of the pull request. */
  private createComment(number: number, body: any): [number, any] {
    const p = this.pulls.get(number);
    if (!p) return [404, { message: "Not Found" }];
    if (body.subject_type !== "file")
      return [422, { message: "the fake takes only file-level comments" }];
    if (body.commit_id && this.gone.has(body.commit_id))
      return [
        422,
        { message: "Unprocessable Entity", errors: ["Commit is not part of the pull request"] },
      ];
    if (!this.listFiles(p).some((f) => f.filename === body.path))
      return [422, { message: "Unprocessable Entity", errors: ["Path could not be resolved"] }];
    this.fileComments.push(body);
    this.threads.push({
      id: `PRRT_${this.nextId++}`,
      path: body.path,
      line: 0,
      isResolved: false,
      commitId: body.commit_id,
      comments: [
        { id: `PRRC_${this.nextId}`, databaseId: this.nextId++, body: body.body, author: BOT },
      ],
    });
    return [201, { id: this.nextId++, path: body.path, body: body.body, subject_type: "file" }];
  }

  private createReview(number: number, body: any): [number, any] {
    const p = this.pulls.get(number);
    if (!p) return [404, { message: "Not Found" }];
    if (body.commit_id && this.gone.has(body.commit_id))
      return [
        422,
        {
          message: "Unprocessable Entity",
          errors: ["Commit is not part of the pull request"],
          documentation_url:
            "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request",
        },
      ];
    const problems = (body.comments ?? [])
      .map((c: any) => this.commentProblem(p, c))
      .filter(Boolean);
    if (problems.length > 0)
      return [
        422,
        {
          message: "Unprocessable Entity",
          errors: [problems.join(", ")],
          documentation_url:
            "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request",
        },
      ];
    if ((body.event === "COMMENT" || body.event === "REQUEST_CHANGES") && !body.body)
      return [422, { message: "Unprocessable Entity", errors: ["Body is required"] }];
    const review: ReviewState = {
      id: this.nextId++,
      event: body.event,
      body: body.body ?? "",
      commit_id: body.commit_id,
      comments: body.comments ?? [],
    };
    if (!body.event) {
      if (this.pending.size > 0)
        return [
          422,
          {
            message: "Unprocessable Entity",
            errors: ["User can only have one pending review per pull request"],
          },
        ];
      this.pending.set(review.id, review);
      return [200, { id: review.id, state: "PENDING" }];
    }
    this.reviews.push(review);
    for (const c of review.comments) {
      this.threads.push({
        id: `PRRT_${this.nextId++}`,
        path: c.path,
        line: c.line,
        isResolved: false,
        commitId: body.commit_id,
        comments: [
          { id: `PRRC_${this.nextId}`, databaseId: this.nextId++, body: c.body, author: BOT },
        ],
      });
    }
    return [
      200,
      {
        id: review.id,
        html_url: `https://github.com/${this.owner}/${this.repo}/pull/${number}#pullrequestreview-${review.id}`,
        state: "COMMENTED",
      },
    ];
  }

  private graphql(body: { query: string; variables?: Record<string, unknown> }): [number, any] {
    const vars = body.variables ?? {};
    checkGraphQL(body.query, vars);
    const op = parseGraphQL(body.query);
    const root = op.operation === "query" ? { __typename: "Query" } : { __typename: "Mutation" };
    this.gqlErrors = [];
    const data = this.evaluate(
      op.operation === "query" ? "Query" : "Mutation",
      root,
      op.selections,
      vars,
    );
    return [200, this.gqlErrors.length ? { data, errors: this.gqlErrors } : { data }];
  }

  private gqlErrors: any[] = [];
  private currentAlias = "";

  private arg(v: any, vars: Record<string, unknown>): any {
    if (!v) return undefined;
    if (v.kind === "var") return vars[v.name];
    if (v.kind === "int") return Number(v.value);
    if (v.kind === "object")
      return Object.fromEntries(Object.entries(v.fields).map(([k, x]) => [k, this.arg(x, vars)]));
    if (v.kind === "list") return v.items.map((x: any) => this.arg(x, vars));
    return v.value;
  }

  private resolveField(type: string, obj: any, name: string, args: Record<string, any>): any {
    switch (`${type}.${name}`) {
      case "Query.repository":
        if (args.owner === this.owner && args.name === this.repo)
          return { __typename: "Repository" };
        if (args.owner === this.owner && args.name === ".github" && this.orgConfig !== null)
          return { __typename: "Repository", org: true };
        this.gqlErrors.push({
          type: "NOT_FOUND",
          path: [this.currentAlias],
          locations: [],
          message: `Could not resolve to a Repository with the name '${args.owner}/${args.name}'.`,
        });
        return null;
      case "Repository.object": {
        const [sha, ...rest] = String(args.expression).split(":");
        const path = rest.join(":");
        if (sha === "HEAD" && path === ".github/g3doc-review.yml") {
          const t = obj.org ? this.orgConfig : this.config;
          return t === null
            ? null
            : {
                __typename: "Blob",
                byteSize: t.length,
                isBinary: false,
                isTruncated: false,
                text: t,
                oid: "3".repeat(40),
              };
        }
        const files = this.commits.get(sha);
        if (!files || this.nullContent.has(`${sha}:${path}`)) return null;
        const v = files[path];
        if (v === undefined)
          return Object.keys(files).some((p) => p.startsWith(`${path}/`))
            ? { __typename: "Tree" }
            : null;
        const bin = isBinary(v);
        return {
          __typename: "Blob",
          byteSize: Buffer.byteLength(text(v)),
          isBinary: bin,
          isTruncated: false,
          text: bin ? null : text(v),
          oid: "2".repeat(40),
        };
      }
      case "Repository.pullRequest":
        return this.pulls.has(args.number)
          ? { __typename: "PullRequest", number: args.number }
          : null;
      case "PullRequest.reviewThreads": {
        const start = args.after ? Number(args.after) : 0;
        const first = args.first ?? 100;
        const nodes = this.threads
          .slice(start, start + first)
          .map((t) => ({ ...t, __typename: "PullRequestReviewThread" }));
        const end = start + nodes.length;
        return {
          pageInfo: { hasNextPage: end < this.threads.length, endCursor: String(end) },
          nodes,
          totalCount: this.threads.length,
        };
      }
      case "PullRequestReviewThread.comments": {
        const first = args.first ?? 100;
        return { totalCount: obj.comments.length, nodes: obj.comments.slice(0, first) };
      }
      case "Mutation.addPullRequestReviewThreadReply": {
        const t = this.threads.find((x) => x.id === args.input.pullRequestReviewThreadId);
        if (!t) throw new Error(`no thread ${args.input.pullRequestReviewThreadId}`);
        const c: ThreadComment = {
          id: `PRRC_${this.nextId}`,
          databaseId: this.nextId++,
          body: args.input.body,
          author: BOT,
        };
        t.comments.push(c);
        return { comment: c };
      }
      case "Mutation.resolveReviewThread": {
        const t = this.threads.find((x) => x.id === args.input.threadId);
        if (!t) throw new Error(`no thread ${args.input.threadId}`);
        t.isResolved = true;
        return { thread: t };
      }
      default:
        return obj?.[name];
    }
  }

  private evaluate(type: string, obj: any, selections: any[], vars: Record<string, unknown>): any {
    const out: Record<string, unknown> = {};
    for (const s of selections) {
      if (s.kind === "fragment") {
        if (obj.__typename === s.on)
          Object.assign(out, this.evaluate(s.on, obj, s.selections, vars));
        continue;
      }
      const f = s.field;
      const key = f.alias ?? f.name;
      if (f.name === "__typename") {
        out[key] = obj.__typename ?? type;
        continue;
      }
      const args = Object.fromEntries(
        Object.entries(f.args).map(([k, v]) => [k, this.arg(v, vars)]),
      );
      this.currentAlias = key;
      const value = this.resolveField(type, obj, f.name, args);
      const childType = SCHEMA[type]?.[f.name]?.type ?? "Unknown";
      if (value === null || value === undefined || !f.selections) out[key] = value ?? null;
      else if (Array.isArray(value))
        out[key] = value.map((v) => this.evaluate(childType, v, f.selections, vars));
      else out[key] = this.evaluate(childType, value, f.selections, vars);
    }
    return out;
  }
}
