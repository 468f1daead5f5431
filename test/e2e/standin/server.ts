/**
 * The stand-in: an HTTP server that plays GitHub (REST under `/api/v3`,
 * GraphQL at `/api/graphql`, as GitHub Enterprise Server serves them, and the
 * same without the prefix) for repositories backed by real git repositories.
 *
 * It answers the calls a pull-request review app makes, keeps state (check
 * runs, reviews, comments, threads), validates every request against GitHub's
 * OpenAPI description, enforces the rules GitHub enforces (review lines in the
 * diff, 50 annotations a request, summary length, 3,000 listed files), can
 * add latency and faults with a seeded RNG, and records every request.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import { createPublicKey, createVerify, randomBytes, type KeyObject } from "node:crypto";
import type { AddressInfo, Socket } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { GitStore, patchLines, type DiffEntry } from "./git.js";
import { OpenApi, type RouteMatch, type Problem } from "./openapi.js";
import { FaultInjector, type FaultKind, type FaultPlan, ALL_FAULTS } from "./faults.js";
import { execute, GraphQLFailure, type Schema } from "./graphql.js";
import {
  type Actor,
  type CheckRun,
  type Pull,
  type Repo,
  type Review,
  type ReviewComment,
  type Thread,
  type Urls,
  checkRunJson,
  isoNow,
  nodeId,
  pullJson,
  repoJson,
  reviewCommentJson,
  reviewJson,
  userJson,
} from "./model.js";

export interface StandinOptions {
  /** The GitHub App id the JWTs must name. */
  appId: number;
  /** The app's public key (PEM or KeyObject): JWT signatures are checked with it when given. */
  publicKey?: string | KeyObject;
  /** The app's slug (REST login `<slug>[bot]`, GraphQL login `<slug>`). */
  appSlug?: string;
  /** Installations 1..N exist (each covers every repository). */
  installations?: number;
  /** Added before every answer. */
  latencyMs?: number;
  /** Share of requests faulted (0..1). */
  faultRate?: number;
  faultSeed?: number;
  faultKinds?: FaultKind[];
  /** How late a `slow` fault answers. */
  slowMs?: number;
  /** `retry-after` seconds of a secondary rate limit. */
  retryAfterSeconds?: number;
  /** Largest blob whose `text` GraphQL returns whole. */
  graphqlTextLimit?: number;
  /** Keep request bodies in the log (off for long soaks to bound memory). */
  recordBodies?: boolean;
}

export interface RequestRecord {
  seq: number;
  /** Milliseconds since the stand-in started, when the request arrived. */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  status: number;
  /** Time to answer, including injected latency. */
  ms: number;
  /** OpenAPI operation id, or `graphql:query` / `graphql:mutation`. */
  operation: string;
  /** `owner/name` of the repository the request touched. */
  repo?: string;
  fault?: FaultKind;
  faultApplied?: boolean;
  /** Problems found by validation (against the OpenAPI description or the GraphQL schema) and GitHub's rules. */
  problems: string[];
  /** The error GitHub would have given (for 4xx answers). */
  error?: string;
  /** The installation whose token the request carried (when it was a known one). */
  installation?: number;
}

/** An answer a test gives in place of the stand-in's (see `Standin.intercept`). */
export interface InterceptedReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Violation {
  seq: number;
  operation: string;
  message: string;
  /** True when GitHub refuses the request; false for things it silently ignores. */
  rejects: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
    readonly docs = "https://docs.github.com/rest",
  ) {
    super(message);
  }
}

interface Ctx {
  rec: RequestRecord;
  match?: RouteMatch;
  query: URLSearchParams;
  body: any;
  headers: IncomingMessage["headers"];
  installationId?: number;
  /** The token may only read. */
  readOnly?: boolean;
  touched: Set<string>;
  mutated: boolean;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: string | Buffer;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An expression naming `HEAD` names the repository's default branch (repositories may share a git folder). */
const atDefault = (repo: Repo, expr: string): string =>
  typeof expr === "string" ? expr.replace(/^HEAD(?=:|$)/, repo.defaultSha) : expr;
const RAW_MEDIA = /application\/vnd\.github(\.v3)?\.raw/;

export class Standin {
  readonly requests: RequestRecord[] = [];
  readonly violations: Violation[] = [];
  readonly repos = new Map<string, Repo>();
  /**
   * Tokens: installation tokens, and workflow tokens set by a test. A
   * read-only token (a fork pull request's workflow token) may read but not
   * write: GitHub answers 403 "Resource not accessible by integration".
   */
  readonly tokens = new Map<
    string,
    { installationId: number; expires: number; readOnly?: boolean }
  >();
  private readonly gitStores = new Map<string, GitStore>();
  private readonly openapi = OpenApi.get();
  private readonly started = performance.now();
  private faults: FaultInjector;
  private readonly sockets = new Set<Socket>();
  private server!: Server;
  private seq = 0;
  private nextId = 1000;
  private readonly publicKey: KeyObject | null;
  readonly appSlug: string;
  readonly bot: Actor;
  readonly owner: Actor = { login: "google", id: 1342004, type: "User" };
  readonly author: Actor = { login: "gvisor-bot", id: 4040, type: "User" };
  latencyMs: number;
  urls: Urls = { web: "", api: "" };
  /**
   * Set by a test: sees every API request (with the installation its token
   * names) before the stand-in handles it, and may answer in its place (a
   * used-up rate limit, a write that always fails). Undefined: handled.
   */
  intercept?: (rec: RequestRecord, body: any) => InterceptedReply | undefined;

  private constructor(readonly options: StandinOptions) {
    this.appSlug = options.appSlug ?? "g3doc-review";
    this.bot = { login: `${this.appSlug}[bot]`, id: 41898282, type: "Bot" };
    this.publicKey = options.publicKey
      ? typeof options.publicKey === "string"
        ? createPublicKey(options.publicKey)
        : options.publicKey
      : null;
    this.faults = new FaultInjector(
      options.faultRate ?? 0,
      options.faultSeed ?? 1,
      options.faultKinds ?? ALL_FAULTS,
    );
    this.latencyMs = options.latencyMs ?? 0;
  }

  /**
   * How late the stand-in's event loop ran: a request's arrival is stamped
   * when its handler runs, so a gap between two requests is known to within
   * this much.
   */
  readonly loopDelay = monitorEventLoopDelay({ resolution: 5 });

  static async start(options: StandinOptions): Promise<Standin> {
    const s = new Standin(options);
    s.loopDelay.enable();
    s.server = createServer((req, res) => {
      s.handle(req, res).catch((err) => {
        try {
          if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ message: `stand-in error: ${(err as Error).message}` }));
        } catch {
          // socket gone
        }
      });
    });
    s.server.keepAliveTimeout = 5000;
    s.server.on("connection", (sock) => {
      s.sockets.add(sock);
      sock.on("close", () => s.sockets.delete(sock));
    });
    await new Promise<void>((resolve) => s.server.listen(0, "127.0.0.1", resolve));
    const port = (s.server.address() as AddressInfo).port;
    s.urls = { web: `http://127.0.0.1:${port}`, api: `http://127.0.0.1:${port}/api/v3` };
    return s;
  }

  /** Changes the fault plan (e.g. quiet during set-up, faulty during a soak). */
  setFaults(rate: number, seed = 1, kinds: FaultKind[] = ALL_FAULTS): void {
    this.faults = new FaultInjector(rate, seed, kinds);
  }

  /** `host:port`, for GHE_HOST. */
  get host(): string {
    return this.urls.web.replace(/^https?:\/\//, "");
  }

  now(): number {
    return performance.now() - this.started;
  }

  async stop(): Promise<void> {
    this.loopDelay.disable();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const g of this.gitStores.values()) g.close();
  }

  private id(): number {
    return this.nextId++;
  }

  // ------------------------------------------------------------ state set-up

  addRepo(spec: {
    owner: string;
    name: string;
    gitDir: string;
    defaultBranch?: string;
    defaultSha: string;
    contents?: Record<string, string>;
  }): Repo {
    let git = this.gitStores.get(spec.gitDir);
    if (!git) {
      git = new GitStore(spec.gitDir);
      this.gitStores.set(spec.gitDir, git);
    }
    const id = this.id();
    const repo: Repo = {
      id,
      nodeId: nodeId("R", id),
      owner: spec.owner,
      name: spec.name,
      git,
      defaultBranch: spec.defaultBranch ?? "master",
      defaultSha: spec.defaultSha,
      contents: new Map(Object.entries(spec.contents ?? {})),
      pulls: new Map(),
      checkRuns: [],
      issueComments: [],
    };
    this.repos.set(`${spec.owner}/${spec.name}`.toLowerCase(), repo);
    return repo;
  }

  repo(owner: string, name: string): Repo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  openPull(
    repo: Repo,
    spec: {
      number: number;
      base: string;
      head: string;
      title?: string;
      headRef?: string;
      baseRef?: string;
    },
  ): Pull {
    const id = this.id();
    const p: Pull = {
      number: spec.number,
      id,
      nodeId: nodeId("PR", id),
      title: spec.title ?? `Change ${spec.head.slice(0, 7)}`,
      body: "",
      baseRef: spec.baseRef ?? repo.defaultBranch,
      baseSha: spec.base,
      headRef: spec.headRef ?? `pr-${spec.number}`,
      headSha: spec.head,
      heads: [spec.head],
      state: "open",
      draft: false,
      createdAt: isoNow(),
      updatedAt: isoNow(),
      reviews: [],
      comments: [],
      threads: [],
    };
    repo.pulls.set(p.number, p);
    return p;
  }

  /** Moves a pull request's head (a push). */
  pushPull(repo: Repo, number: number, head: string): Pull {
    const p = repo.pulls.get(number)!;
    p.headSha = head;
    if (!p.heads.includes(head)) p.heads.push(head);
    p.updatedAt = isoNow();
    return p;
  }

  async pullPayload(repo: Repo, p: Pull): Promise<Record<string, unknown>> {
    const files = await this.pullFiles(repo, p);
    const adds = files.reduce((a, f) => a + f.additions, 0);
    const dels = files.reduce((a, f) => a + f.deletions, 0);
    return pullJson(repo, p, this.owner, this.author, this.urls, files.length, adds, dels);
  }

  repoPayload(repo: Repo): Record<string, unknown> {
    return repoJson(repo, this.owner, this.urls);
  }

  userPayload(u: Actor): Record<string, unknown> {
    return userJson(u, this.urls);
  }

  async pullFiles(repo: Repo, p: Pull, head = p.headSha): Promise<DiffEntry[]> {
    const base = await repo.git.mergeBase(p.baseSha, head);
    return repo.git.diff(base, head);
  }

  // ------------------------------------------------------------ HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    // When the request arrived (before its body is read: a large body would make it look later).
    const arrived = t0 - this.started;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://standin");
    const method = (req.method ?? "GET").toUpperCase();
    const rec: RequestRecord = {
      seq: ++this.seq,
      at: arrived,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      ms: 0,
      operation: "",
      problems: [],
    };
    this.requests.push(rec);
    let body: any;
    let badJson = false;
    if (rawBody.length) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        badJson = true;
      }
    }
    if (this.options.recordBodies !== false) rec.body = badJson ? rawBody : body;
    const ctx: Ctx = {
      rec,
      query: url.searchParams,
      body,
      headers: req.headers,
      touched: new Set(),
      mutated: false,
    };

    let path = url.pathname;
    let api: "rest" | "graphql" | "none" = "none";
    if (path === "/api/graphql" || path === "/graphql") api = "graphql";
    else if (path.startsWith("/api/v3/") || path === "/api/v3") {
      path = path.slice("/api/v3".length) || "/";
      api = "rest";
    } else if (
      path.startsWith("/repos/") ||
      path.startsWith("/app") ||
      path.startsWith("/repositories/")
    )
      api = "rest";
    // Pagination links name the repository by id.
    const byId = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
    if (byId) {
      const r = [...this.repos.values()].find((x) => x.id === Number(byId[1]));
      if (r) path = `/repos/${r.owner}/${r.name}${byId[2] ?? ""}`;
    }

    const isWrite =
      api === "graphql"
        ? /^\s*mutation\b/.test(String(body?.query ?? ""))
        : method !== "GET" && method !== "HEAD";
    // Named before any fault, so faulted requests count for their operation and repository.
    if (api === "graphql") {
      rec.operation = isWrite ? "graphql:mutation" : "graphql:query";
      const v = body?.variables ?? {};
      const r =
        typeof v.owner === "string" && typeof (v.name ?? v.repo) === "string"
          ? this.repo(v.owner, v.name ?? v.repo)
          : undefined;
      if (r) rec.repo = `${r.owner}/${r.name}`;
    } else if (api === "rest") {
      const m = this.openapi.match(method, path);
      if (m) {
        rec.operation = m.operationId;
        const r =
          m.params.owner && m.params.repo ? this.repo(m.params.owner, m.params.repo) : undefined;
        if (r) rec.repo = `${r.owner}/${r.name}`;
      }
    }
    const fault = api === "none" ? null : this.faults.next(isWrite);
    if (fault) {
      rec.fault = fault.kind;
      rec.faultApplied = fault.applied;
    }
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const bearer = /^(?:token|bearer)\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""));
    const token = bearer ? this.tokens.get(bearer[1]) : undefined;
    if (token) rec.installation = token.installationId;
    const intercepted = api === "none" ? undefined : this.intercept?.(rec, body);
    if (intercepted) {
      rec.error = (intercepted.body as { message?: string } | undefined)?.message;
      this.send(res, intercepted, rec, t0);
      return;
    }

    if (fault && !fault.applied) {
      await this.sendFault(res, fault, rec, t0, null);
      return;
    }

    let reply: Reply;
    try {
      if (badJson) throw new HttpError(400, "Problems parsing JSON");
      if (api === "graphql") {
        if (method !== "POST") throw new HttpError(404, "Not Found");
        rec.operation = "graphql:query";
        this.authInstallation(ctx);
        this.refuseReadOnly(ctx, /^\s*mutation\b/.test(String(ctx.body?.query ?? "")));
        reply = await this.graphql(ctx);
      } else if (api === "rest") {
        reply = await this.rest(ctx, method, path);
      } else {
        throw new HttpError(404, "Not Found");
      }
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      rec.error = err.message;
      reply = {
        status: err.status,
        body: {
          message: err.message,
          ...(err.errors ? { errors: err.errors } : {}),
          documentation_url: err.docs,
          status: String(err.status),
        },
      };
    }
    rec.repo = [...ctx.touched][0] ?? rec.repo;
    if (fault) {
      await this.sendFault(res, fault, rec, t0, reply);
      return;
    }
    this.send(res, reply, rec, t0);
  }

  private send(res: ServerResponse, reply: Reply, rec: RequestRecord, t0: number): void {
    rec.status = reply.status;
    rec.ms = performance.now() - t0;
    const headers: Record<string, string> = {
      "x-github-request-id": `SI${rec.seq.toString(16).toUpperCase()}`,
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-used": "1",
      "x-github-media-type": "github.v3; format=json",
      ...(reply.headers ?? {}),
    };
    if (reply.raw !== undefined) {
      res.writeHead(reply.status, { "content-type": "text/plain; charset=utf-8", ...headers });
      res.end(reply.raw);
      return;
    }
    if (reply.status === 204 || reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(reply.body));
  }

  private async sendFault(
    res: ServerResponse,
    fault: FaultPlan,
    rec: RequestRecord,
    t0: number,
    done: Reply | null,
  ): Promise<void> {
    switch (fault.kind) {
      case "500":
        this.send(res, { status: 500, body: { message: "Server Error" } }, rec, t0);
        return;
      case "502":
        rec.status = 502;
        rec.ms = performance.now() - t0;
        res.writeHead(502, { "content-type": "text/html" });
        res.end(
          "<html><body><h1>502 Bad Gateway</h1>\nThe server returned an invalid or incomplete response.\n</body></html>\n",
        );
        return;
      case "secondary-rate-limit":
        this.send(
          res,
          {
            status: 403,
            headers: { "retry-after": String(this.options.retryAfterSeconds ?? 1) },
            body: {
              message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID SI${rec.seq.toString(16).toUpperCase()}.`,
              documentation_url:
                "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
              status: "403",
            },
          },
          rec,
          t0,
        );
        return;
      case "reset":
        rec.status = -1;
        rec.ms = performance.now() - t0;
        res.socket?.destroy();
        return;
      case "slow":
        await sleep(this.options.slowMs ?? 15_000);
        try {
          this.send(res, done!, rec, t0);
        } catch {
          // the client gave up
        }
        return;
    }
  }

  private violation(ctx: Ctx, p: { message: string; rejects: boolean }): void {
    ctx.rec.problems.push(p.message);
    this.violations.push({
      seq: ctx.rec.seq,
      operation: ctx.rec.operation,
      message: p.message,
      rejects: p.rejects,
    });
  }

  // ------------------------------------------------------------ auth

  private verifyJwt(ctx: Ctx): void {
    const auth = String(ctx.headers.authorization ?? "");
    const m = /^bearer\s+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/i.exec(auth);
    if (!m) throw new HttpError(401, "A JSON web token could not be decoded");
    let header: any;
    let claims: any;
    try {
      header = JSON.parse(Buffer.from(m[1], "base64url").toString("utf8"));
      claims = JSON.parse(Buffer.from(m[2], "base64url").toString("utf8"));
    } catch {
      throw new HttpError(401, "A JSON web token could not be decoded");
    }
    if (header.alg !== "RS256") throw new HttpError(401, `'alg' must be RS256, got ${header.alg}`);
    const now = Math.floor(Date.now() / 1000);
    if (String(claims.iss) !== String(this.options.appId))
      throw new HttpError(401, `'Issuer' claim ('iss') must be the app id ${this.options.appId}`);
    if (typeof claims.iat !== "number" || claims.iat > now + 60)
      throw new HttpError(
        401,
        "'Issued at' claim ('iat') must be an Integer representing a time in the past",
      );
    if (typeof claims.exp !== "number" || claims.exp <= now)
      throw new HttpError(
        401,
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
      );
    if (claims.exp - claims.iat > 600 + 60)
      throw new HttpError(401, "'Expiration time' claim ('exp') is too far in the future");
    if (this.publicKey) {
      const v = createVerify("RSA-SHA256");
      v.update(`${m[1]}.${m[2]}`);
      if (!v.verify(this.publicKey, Buffer.from(m[3], "base64url")))
        throw new HttpError(401, "A JSON web token could not be decoded (bad signature)");
    }
  }

  private authInstallation(ctx: Ctx): void {
    const auth = String(ctx.headers.authorization ?? "");
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(auth);
    const t = m ? this.tokens.get(m[1]) : undefined;
    if (!t || t.expires < Date.now())
      throw new HttpError(401, "Bad credentials", undefined, "https://docs.github.com/rest");
    ctx.installationId = t.installationId;
    ctx.readOnly = t.readOnly === true;
  }

  private refuseReadOnly(ctx: Ctx, writing: boolean): void {
    if (ctx.readOnly && writing)
      throw new HttpError(
        403,
        "Resource not accessible by integration",
        undefined,
        "https://docs.github.com/rest",
      );
  }

  // ------------------------------------------------------------ REST

  private async rest(ctx: Ctx, method: string, path: string): Promise<Reply> {
    const match = this.openapi.match(method, path);
    if (!match) {
      ctx.rec.operation = `unknown ${method} ${path}`;
      this.violation(ctx, {
        message: `${method} ${path}: no such endpoint in GitHub's OpenAPI description`,
        rejects: true,
      });
      throw new HttpError(404, "Not Found");
    }
    ctx.match = match;
    ctx.rec.operation = match.operationId;
    const problems: Problem[] = [
      ...this.openapi.validateQuery(match, ctx.query),
      ...this.openapi.validateBody(match, ctx.body, ctx.body !== undefined),
    ];
    for (const p of problems) this.violation(ctx, p);
    const rejecting = problems.filter((p) => p.rejects);
    if (
      match.operationId === "apps/create-installation-access-token" ||
      match.operationId === "apps/get-authenticated" ||
      match.operationId === "apps/get-repo-installation"
    ) {
      this.verifyJwt(ctx);
    } else {
      this.authInstallation(ctx);
      this.refuseReadOnly(ctx, method !== "GET" && method !== "HEAD");
    }
    if (rejecting.length)
      throw new HttpError(
        422,
        `Invalid request.\n\n${rejecting.map((p) => p.message).join("\n")}`,
        undefined,
        "https://docs.github.com/rest",
      );
    const { owner, repo: repoName } = match.params;
    let repo: Repo | undefined;
    if (owner && repoName) {
      repo = this.repo(owner, repoName);
      if (!repo) throw new HttpError(404, "Not Found");
      ctx.touched.add(`${repo.owner}/${repo.name}`);
    }
    const h = this.restHandlers[match.operationId];
    if (!h) {
      this.violation(ctx, {
        message: `${match.operationId}: the stand-in does not serve this endpoint`,
        rejects: false,
      });
      throw new HttpError(404, "Not Found");
    }
    return h(ctx, match.params, repo!);
  }

  private pullOf(repo: Repo, n: string | number): Pull {
    const p = repo.pulls.get(Number(n));
    if (!p) throw new HttpError(404, "Not Found");
    return p;
  }

  private paginate<T>(ctx: Ctx, items: T[], basePath: string, cap = Infinity): Reply {
    const perPage = Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 30) || 30));
    const page = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
    const all = items.slice(0, cap);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const out = all.slice((page - 1) * perPage, page * perPage);
    const links: string[] = [];
    const link = (p: number, rel: string) => {
      const q = new URLSearchParams(ctx.query);
      q.set("per_page", String(perPage));
      q.set("page", String(p));
      links.push(`<${this.urls.api}${basePath}?${q}>; rel="${rel}"`);
    };
    if (page < last) {
      link(page + 1, "next");
      link(last, "last");
    }
    if (page > 1) {
      link(1, "first");
      link(page - 1, "prev");
    }
    return { status: 200, body: out, headers: links.length ? { link: links.join(", ") } : {} };
  }

  private threadOutdated(
    repo: Repo,
    p: Pull,
    t: Thread,
    currentPatch: string | undefined,
  ): boolean {
    if (t.commitId === p.headSha) return false;
    return currentPatch !== t.patchAtCreation;
  }

  private async commentJson(
    repo: Repo,
    p: Pull,
    c: ReviewComment,
  ): Promise<Record<string, unknown>> {
    const t = p.threads.find((x) => x.id === c.threadId);
    const files = await this.pullFiles(repo, p);
    const cur = files.find((f) => f.filename === c.path)?.patch;
    const outdated = t ? this.threadOutdated(repo, p, t, cur) : false;
    return reviewCommentJson(
      repo,
      p,
      c,
      this.urls,
      (t?.patchAtCreation ?? "").split("\n").slice(0, 4).join("\n"),
      outdated,
    );
  }

  private readonly restHandlers: Record<
    string,
    (ctx: Ctx, params: Record<string, string>, repo: Repo) => Promise<Reply> | Reply
  > = {
    "apps/create-installation-access-token": (ctx, params) => {
      const inst = Number(params.installation_id);
      if (!(inst >= 1 && inst <= (this.options.installations ?? 1)))
        throw new HttpError(404, "Not Found");
      const token = `ghs_${randomBytes(18).toString("base64url")}`;
      const expires = Date.now() + 3600_000;
      this.tokens.set(token, { installationId: inst, expires });
      return {
        status: 201,
        body: {
          token,
          expires_at: new Date(expires).toISOString().replace(/\.\d{3}Z$/, "Z"),
          permissions: {
            checks: "write",
            contents: "read",
            metadata: "read",
            pull_requests: "write",
          },
          repository_selection: "all",
        },
      };
    },

    "apps/get-authenticated": () => ({
      status: 200,
      body: {
        id: this.options.appId,
        slug: this.appSlug,
        node_id: nodeId("A", this.options.appId),
        name: this.appSlug,
        owner: userJson(this.owner, this.urls),
        description: "",
        external_url: this.urls.web,
        html_url: `${this.urls.web}/apps/${this.appSlug}`,
        created_at: "2024-01-01T00:00:00Z",
        updated_at: "2024-01-01T00:00:00Z",
        permissions: {},
        events: ["pull_request"],
      },
    }),

    "apps/get-repo-installation": (_ctx, _params, repo) => ({
      status: 200,
      body: {
        id: 1,
        account: userJson(this.owner, this.urls),
        app_id: this.options.appId,
        app_slug: this.appSlug,
        target_id: this.owner.id,
        target_type: "Organization",
        repository_selection: "all",
        permissions: {},
        events: [],
        created_at: "2024-01-01T00:00:00Z",
        updated_at: "2024-01-01T00:00:00Z",
        single_file_name: null,
        access_tokens_url: `${this.urls.api}/app/installations/${1}/access_tokens`,
        repositories_url: `${this.urls.api}/installation/repositories`,
        html_url: `${this.urls.web}/${repo.owner}`,
        suspended_at: null,
        suspended_by: null,
      },
    }),

    "repos/get": (_ctx, _params, repo) => ({ status: 200, body: this.repoPayload(repo) }),

    "pulls/get": async (_ctx, params, repo) => ({
      status: 200,
      body: await this.pullPayload(repo, this.pullOf(repo, params.pull_number)),
    }),

    "pulls/list": async (ctx, _params, repo) => {
      const state = ctx.query.get("state") ?? "open";
      const head = ctx.query.get("head");
      const base = ctx.query.get("base");
      const list = [...repo.pulls.values()].filter(
        (p) =>
          (state === "all" || p.state === state) &&
          (!head || `${repo.owner}:${p.headRef}` === head) &&
          (!base || p.baseRef === base),
      );
      const bodies = await Promise.all(list.map((p) => this.pullPayload(repo, p)));
      return this.paginate(ctx, bodies, `/repos/${repo.owner}/${repo.name}/pulls`);
    },

    "repos/list-pull-requests-associated-with-commit": async (ctx, params, repo) => {
      const list = [...repo.pulls.values()].filter((p) => p.heads.includes(params.commit_sha));
      const bodies = await Promise.all(list.map((p) => this.pullPayload(repo, p)));
      return this.paginate(
        ctx,
        bodies,
        `/repos/${repo.owner}/${repo.name}/commits/${params.commit_sha}/pulls`,
      );
    },

    "pulls/list-files": async (ctx, params, repo) => {
      const p = this.pullOf(repo, params.pull_number);
      const files = await this.pullFiles(repo, p);
      const full = `${repo.owner}/${repo.name}`;
      const shaped = files.map((f) => ({
        sha: f.sha,
        filename: f.filename,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        changes: f.changes,
        blob_url: `${this.urls.web}/${full}/blob/${p.headSha}/${encodeURI(f.filename)}`,
        raw_url: `${this.urls.web}/${full}/raw/${p.headSha}/${encodeURI(f.filename)}`,
        contents_url: `${this.urls.api}/repos/${full}/contents/${encodeURI(f.filename)}?ref=${p.headSha}`,
        ...(f.patch !== undefined ? { patch: f.patch } : {}),
        ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
      }));
      // GitHub lists at most 3,000 files; its links name the repository by id.
      return this.paginate(ctx, shaped, `/repositories/${repo.id}/pulls/${p.number}/files`, 3000);
    },

    "git/get-tree": async (ctx, params, repo) => {
      const recursive = ctx.query.has("recursive");
      const entries = await repo.git.tree(params.tree_sha, recursive);
      const sha = await repo.git.treeSha(params.tree_sha);
      if (!entries || !sha) throw new HttpError(404, "Not Found");
      const full = `${this.urls.api}/repos/${repo.owner}/${repo.name}`;
      const max = 100_000;
      return {
        status: 200,
        body: {
          sha,
          url: `${full}/git/trees/${sha}`,
          tree: entries.slice(0, max).map((e) => ({
            path: e.path,
            mode: e.mode,
            type: e.type,
            sha: e.sha,
            ...(e.size !== undefined ? { size: e.size } : {}),
            url: `${full}/git/${e.type === "blob" ? "blobs" : "trees"}/${e.sha}`,
          })),
          truncated: entries.length > max,
        },
      };
    },

    "git/get-blob": async (_ctx, params, repo) => {
      const b = await repo.git.read(params.file_sha);
      if (!b || b.type !== "blob") throw new HttpError(404, "Not Found");
      return {
        status: 200,
        body: {
          sha: b.oid,
          node_id: nodeId("B", b.oid),
          size: b.content.length,
          url: `${this.urls.api}/repos/${repo.owner}/${repo.name}/git/blobs/${b.oid}`,
          content: b.content.toString("base64"),
          encoding: "base64",
        },
      };
    },

    "repos/get-content": async (ctx, params, repo) => {
      const path = params.path.replace(/^\/+|\/+$/g, "");
      const ref = ctx.query.get("ref");
      let content: Buffer | null = null;
      let sha = "";
      if (!ref && repo.contents.has(path)) {
        content = Buffer.from(repo.contents.get(path)!, "utf8");
        sha = "0".repeat(40);
      } else {
        const b = await repo.git.read(`${ref ?? repo.defaultSha}:${path}`);
        if (b && b.type === "blob") {
          content = b.content;
          sha = b.oid;
        } else if (b && b.type === "tree") {
          const entries = (await repo.git.tree(`${ref ?? repo.defaultSha}:${path}`, false)) ?? [];
          return {
            status: 200,
            body: entries.map((e) => ({
              type: e.type === "tree" ? "dir" : "file",
              name: e.path,
              path: `${path}/${e.path}`,
              sha: e.sha,
              size: e.size ?? 0,
            })),
          };
        }
      }
      if (!content)
        throw new HttpError(
          404,
          "Not Found",
          undefined,
          "https://docs.github.com/rest/repos/contents#get-repository-content",
        );
      if (RAW_MEDIA.test(String(ctx.headers.accept ?? "")))
        return {
          status: 200,
          raw: content,
          headers: { "x-github-media-type": "github.v3; param=raw" },
        };
      const name = path.split("/").pop()!;
      return {
        status: 200,
        body: {
          type: "file",
          encoding: "base64",
          size: content.length,
          name,
          path,
          content: content.toString("base64"),
          sha,
          url: `${this.urls.api}/repos/${repo.owner}/${repo.name}/contents/${path}`,
          git_url: null,
          html_url: null,
          download_url: null,
          _links: { self: "", git: null, html: null },
        },
      };
    },

    "checks/create": async (ctx, _params, repo) => {
      const b = ctx.body;
      if (!(await repo.git.isCommit(b.head_sha)))
        throw new HttpError(
          422,
          `No commit found for SHA: ${b.head_sha}`,
          undefined,
          "https://docs.github.com/rest/checks/runs#create-a-check-run",
        );
      this.checkOutputRules(b);
      const id = this.id();
      const status = b.conclusion && !b.status ? "completed" : (b.status ?? "queued");
      if (status === "completed" && !b.conclusion)
        throw new HttpError(
          422,
          "Invalid request.\n\nNo conclusion given for a completed check run.",
        );
      const run: CheckRun = {
        id,
        nodeId: nodeId("CR", id),
        name: b.name,
        headSha: b.head_sha,
        status,
        conclusion: status === "completed" ? b.conclusion : null,
        startedAt: b.started_at ?? isoNow(),
        completedAt: status === "completed" ? (b.completed_at ?? isoNow()) : null,
        externalId: b.external_id ?? null,
        detailsUrl: b.details_url ?? null,
        output: {
          title: b.output?.title ?? null,
          summary: b.output?.summary ?? null,
          text: b.output?.text ?? null,
        },
        annotations: [...(b.output?.annotations ?? [])],
        actions: b.actions ?? [],
        history: [],
        createdAt: this.now(),
        completedAtMs: status === "completed" ? this.now() : null,
      };
      run.history.push({
        at: this.now(),
        status: run.status,
        conclusion: run.conclusion,
        annotations: run.annotations.length,
      });
      repo.checkRuns.push(run);
      ctx.mutated = true;
      return {
        status: 201,
        body: checkRunJson(
          repo,
          run,
          { id: this.options.appId, slug: this.appSlug, owner: this.owner },
          this.pullsForSha(repo, run.headSha),
          this.urls,
        ),
      };
    },

    "checks/update": (ctx, params, repo) => {
      const run = repo.checkRuns.find((c) => c.id === Number(params.check_run_id));
      if (!run) throw new HttpError(404, "Not Found");
      const b = ctx.body;
      this.checkOutputRules(b);
      const status = b.conclusion && !b.status ? "completed" : (b.status ?? run.status);
      if (status === "completed" && !b.conclusion && !run.conclusion)
        throw new HttpError(
          422,
          "Invalid request.\n\nNo conclusion given for a completed check run.",
        );
      if (b.name) run.name = b.name;
      if (b.details_url) run.detailsUrl = b.details_url;
      if (b.external_id) run.externalId = b.external_id;
      if (b.output) {
        run.output = {
          title: b.output.title ?? run.output.title,
          summary: b.output.summary ?? run.output.summary,
          text: b.output.text ?? run.output.text,
        };
        run.annotations.push(...(b.output.annotations ?? []));
      }
      if (b.actions) run.actions = b.actions;
      if (run.status === "completed" && status !== "completed")
        this.violation(ctx, {
          message: `checks/update: check run ${run.id} was completed and is set back to ${status}`,
          rejects: false,
        });
      run.status = status;
      if (status === "completed") {
        run.conclusion = b.conclusion ?? run.conclusion;
        run.completedAt = b.completed_at ?? isoNow();
        run.completedAtMs ??= this.now();
      }
      run.history.push({
        at: this.now(),
        status: run.status,
        conclusion: run.conclusion,
        annotations: run.annotations.length,
      });
      ctx.mutated = true;
      return {
        status: 200,
        body: checkRunJson(
          repo,
          run,
          { id: this.options.appId, slug: this.appSlug, owner: this.owner },
          this.pullsForSha(repo, run.headSha),
          this.urls,
        ),
      };
    },

    "checks/get": (_ctx, params, repo) => {
      const run = repo.checkRuns.find((c) => c.id === Number(params.check_run_id));
      if (!run) throw new HttpError(404, "Not Found");
      return {
        status: 200,
        body: checkRunJson(
          repo,
          run,
          { id: this.options.appId, slug: this.appSlug, owner: this.owner },
          this.pullsForSha(repo, run.headSha),
          this.urls,
        ),
      };
    },

    "checks/list-for-ref": (ctx, params, repo) => {
      const name = ctx.query.get("check_name");
      const status = ctx.query.get("status");
      let runs = repo.checkRuns.filter(
        (c) =>
          c.headSha === params.ref &&
          (!name || c.name === name) &&
          (!status || c.status === status),
      );
      if ((ctx.query.get("filter") ?? "latest") === "latest") {
        const latest = new Map<string, CheckRun>();
        for (const r of runs) latest.set(r.name, r);
        runs = [...latest.values()];
      }
      runs = [...runs].reverse();
      const perPage = Math.min(100, Number(ctx.query.get("per_page") ?? 30) || 30);
      const page = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
      return {
        status: 200,
        body: {
          total_count: runs.length,
          check_runs: runs
            .slice((page - 1) * perPage, page * perPage)
            .map((r) =>
              checkRunJson(
                repo,
                r,
                { id: this.options.appId, slug: this.appSlug, owner: this.owner },
                this.pullsForSha(repo, r.headSha),
                this.urls,
              ),
            ),
        },
      };
    },

    "checks/list-annotations": (ctx, params, repo) => {
      const run = repo.checkRuns.find((c) => c.id === Number(params.check_run_id));
      if (!run) throw new HttpError(404, "Not Found");
      return this.paginate(
        ctx,
        run.annotations,
        `/repos/${repo.owner}/${repo.name}/check-runs/${run.id}/annotations`,
      );
    },

    "pulls/create-review": async (ctx, params, repo) =>
      this.createReview(ctx, repo, this.pullOf(repo, params.pull_number)),

    "pulls/list-reviews": (ctx, params, repo) => {
      const p = this.pullOf(repo, params.pull_number);
      return this.paginate(
        ctx,
        p.reviews.map((v) => reviewJson(repo, p, v, this.urls)),
        `/repos/${repo.owner}/${repo.name}/pulls/${p.number}/reviews`,
      );
    },

    "pulls/list-review-comments": async (ctx, params, repo) => {
      const p = this.pullOf(repo, params.pull_number);
      const list = await Promise.all(p.comments.map((c) => this.commentJson(repo, p, c)));
      return this.paginate(
        ctx,
        list,
        `/repos/${repo.owner}/${repo.name}/pulls/${p.number}/comments`,
      );
    },

    "pulls/get-review-comment": async (_ctx, params, repo) => {
      for (const p of repo.pulls.values()) {
        const c = p.comments.find((x) => x.id === Number(params.comment_id));
        if (c) return { status: 200, body: await this.commentJson(repo, p, c) };
      }
      throw new HttpError(404, "Not Found");
    },

    "pulls/create-reply-for-review-comment": async (ctx, params, repo) => {
      const p = this.pullOf(repo, params.pull_number);
      const parent = p.comments.find((c) => c.id === Number(params.comment_id));
      if (!parent) throw new HttpError(404, "Not Found");
      const c = this.reply(p, parent, ctx.body.body);
      ctx.mutated = true;
      return { status: 201, body: await this.commentJson(repo, p, c) };
    },

    "pulls/create-review-comment": async (ctx, params, repo) => {
      const p = this.pullOf(repo, params.pull_number);
      const b = ctx.body;
      if (b.in_reply_to !== undefined) {
        const parent = p.comments.find((c) => c.id === Number(b.in_reply_to));
        if (!parent) throw new HttpError(404, "Not Found");
        const c = this.reply(p, parent, b.body);
        ctx.mutated = true;
        return { status: 201, body: await this.commentJson(repo, p, c) };
      }
      const review = await this.createReview(
        {
          ...ctx,
          body: {
            commit_id: b.commit_id,
            event: "COMMENT",
            body: "",
            comments: [
              {
                path: b.path,
                line: b.line,
                side: b.side,
                start_line: b.start_line,
                start_side: b.start_side,
                body: b.body,
                subject_type: b.subject_type,
                position: b.position,
              },
            ],
          },
        },
        repo,
        p,
        true,
      );
      const created = p.comments.filter((c) => c.reviewId === (review.body as { id: number }).id);
      return { status: 201, body: await this.commentJson(repo, p, created[0]) };
    },

    "issues/create-comment": (ctx, params, repo) => {
      const id = this.id();
      const c = {
        id,
        nodeId: nodeId("IC", id),
        issueNumber: Number(params.issue_number),
        body: ctx.body.body,
        user: this.bot,
        createdAt: isoNow(),
        at: this.now(),
      };
      if (c.body.length > 65536)
        throw new HttpError(422, "Validation Failed", [
          {
            resource: "IssueComment",
            code: "custom",
            field: "body",
            message: "body is too long (maximum is 65536 characters)",
          },
        ]);
      repo.issueComments.push(c);
      ctx.mutated = true;
      return {
        status: 201,
        body: {
          id,
          node_id: c.nodeId,
          body: c.body,
          user: userJson(this.bot, this.urls),
          created_at: c.createdAt,
          updated_at: c.createdAt,
          html_url: `${this.urls.web}/${repo.owner}/${repo.name}/pull/${c.issueNumber}#issuecomment-${id}`,
          issue_url: `${this.urls.api}/repos/${repo.owner}/${repo.name}/issues/${c.issueNumber}`,
          url: `${this.urls.api}/repos/${repo.owner}/${repo.name}/issues/comments/${id}`,
          author_association: "NONE",
        },
      };
    },

    "issues/list-comments": (ctx, params, repo) =>
      this.paginate(
        ctx,
        repo.issueComments
          .filter((c) => c.issueNumber === Number(params.issue_number))
          .map((c) => ({
            id: c.id,
            node_id: c.nodeId,
            body: c.body,
            user: userJson(c.user, this.urls),
            created_at: c.createdAt,
            updated_at: c.createdAt,
          })),
        `/repos/${repo.owner}/${repo.name}/issues/${params.issue_number}/comments`,
      ),
  };

  private pullsForSha(repo: Repo, sha: string): Pull[] {
    return [...repo.pulls.values()].filter((p) => p.headSha === sha && p.state === "open");
  }

  /** What GitHub enforces on a check run's output beyond the schema. */
  private checkOutputRules(b: any): void {
    const out = b.output;
    if (!out) return;
    if (Array.isArray(out.annotations) && out.annotations.length > 50)
      throw new HttpError(
        422,
        "Invalid request.\n\nOnly 50 annotations may be sent in one request.",
        undefined,
        "https://docs.github.com/rest/checks/runs#update-a-check-run",
      );
    for (const k of ["summary", "text"]) {
      if (typeof out[k] === "string" && out[k].length > 65535)
        throw new HttpError(
          422,
          `Invalid request.\n\nOnly 65535 characters are allowed; ${out[k].length} were supplied.`,
          undefined,
          "https://docs.github.com/rest/checks/runs#update-a-check-run",
        );
    }
    for (const a of out.annotations ?? []) {
      if (a.start_line > a.end_line)
        throw new HttpError(
          422,
          "Invalid request.\n\nAnnotation start_line must not be after end_line.",
        );
      if (
        (a.start_column !== undefined || a.end_column !== undefined) &&
        a.start_line !== a.end_line
      ) {
        throw new HttpError(
          422,
          "Invalid request.\n\nstart_column and end_column may only be given when start_line equals end_line.",
        );
      }
      if (typeof a.title === "string" && a.title.length > 255)
        throw new HttpError(
          422,
          "Invalid request.\n\nAnnotation title is too long (maximum is 255 characters).",
        );
    }
  }

  private reply(p: Pull, parent: ReviewComment, body: string): ReviewComment {
    if (parent.inReplyTo !== undefined)
      throw new HttpError(422, "Validation Failed", [
        {
          resource: "PullRequestReviewComment",
          code: "custom",
          field: "in_reply_to_id",
          message: "replies to replies are not supported",
        },
      ]);
    if (typeof body !== "string" || !body.length)
      throw new HttpError(422, "Validation Failed", [
        { resource: "PullRequestReviewComment", code: "missing_field", field: "body" },
      ]);
    if (body.length > 65536)
      throw new HttpError(422, "Validation Failed", [
        {
          resource: "PullRequestReviewComment",
          code: "custom",
          field: "body",
          message: "body is too long (maximum is 65536 characters)",
        },
      ]);
    const t = p.threads.find((x) => x.id === parent.threadId)!;
    const id = this.id();
    const c: ReviewComment = {
      ...parent,
      id,
      nodeId: nodeId("PRRC", id),
      body,
      inReplyTo: parent.id,
      user: this.bot,
      createdAt: isoNow(),
      at: this.now(),
      headAtCreation: p.headSha,
    };
    p.comments.push(c);
    t.commentIds.push(id);
    return c;
  }

  private async createReview(ctx: Ctx, repo: Repo, p: Pull, single = false): Promise<Reply> {
    const b = ctx.body ?? {};
    const docs = single
      ? "https://docs.github.com/rest/pulls/comments#create-a-review-comment-for-a-pull-request"
      : "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request";
    const commitId: string = b.commit_id ?? p.headSha;
    if (!p.heads.includes(commitId))
      throw new HttpError(
        422,
        "Unprocessable Entity",
        ["commit_id is not part of the pull request"],
        docs,
      );
    const event: string | undefined = b.event;
    const comments: any[] = Array.isArray(b.comments) ? b.comments : [];
    if ((event === "REQUEST_CHANGES" || event === "COMMENT") && !b.body && comments.length === 0) {
      throw new HttpError(
        422,
        "Unprocessable Entity",
        [`Review body is required when event is ${event}`],
        docs,
      );
    }
    if (typeof b.body === "string" && b.body.length > 65536)
      throw new HttpError(
        422,
        "Unprocessable Entity",
        ["Body is too long (maximum is 65536 characters)"],
        docs,
      );
    if (!event && p.reviews.some((r) => r.state === "PENDING" && r.user.login === this.bot.login)) {
      throw new HttpError(
        422,
        "Unprocessable Entity",
        ["User can only have one pending review per pull request"],
        docs,
      );
    }
    const files = await this.pullFiles(repo, p, commitId);
    const byPath = new Map(files.map((f) => [f.filename, f]));
    const errors = new Set<string>();
    for (const c of comments) {
      if (typeof c.body === "string" && c.body.length > 65536)
        errors.add("Body is too long (maximum is 65536 characters)");
      const f = byPath.get(c.path);
      if (!f) {
        errors.add("Path could not be resolved");
        continue;
      }
      if (c.subject_type === "file") continue;
      const lines = patchLines(f.patch);
      if (c.line === undefined && c.position === undefined) {
        errors.add("Pull request review thread line must be part of the diff");
        continue;
      }
      if (c.line === undefined) {
        if (!(Number.isInteger(c.position) && c.position >= 1 && c.position <= lines.positions))
          errors.add("Pull request review thread position is invalid");
        continue;
      }
      const side = c.side ?? "RIGHT";
      if (side !== "RIGHT" && side !== "LEFT") {
        errors.add("Pull request review thread side is invalid");
        continue;
      }
      const map = side === "LEFT" ? lines.left : lines.right;
      const hunk = map.get(Number(c.line));
      if (!f.patch) errors.add("Pull request review thread diff hunk can't be blank");
      if (hunk === undefined) {
        errors.add("Pull request review thread line must be part of the diff");
        continue;
      }
      if (c.start_line !== undefined && c.start_line !== null) {
        const startSide = c.start_side ?? side;
        const smap = startSide === "LEFT" ? lines.left : lines.right;
        const sh = smap.get(Number(c.start_line));
        if (Number(c.start_line) >= Number(c.line) && startSide === side)
          errors.add("Pull request review thread start line must precede the end line.");
        if (sh === undefined)
          errors.add("Pull request review thread start line must be part of the diff");
        else if (sh !== hunk)
          errors.add(
            "Pull request review thread start line must be part of the same hunk as the line.",
          );
      }
    }
    if (errors.size) {
      throw new HttpError(422, "Unprocessable Entity", [[...errors].join(", and ")], docs);
    }
    const id = this.id();
    const review: Review = {
      id,
      nodeId: nodeId("PRR", id),
      body: b.body ?? "",
      state:
        event === "APPROVE"
          ? "APPROVED"
          : event === "REQUEST_CHANGES"
            ? "CHANGES_REQUESTED"
            : event === "COMMENT"
              ? "COMMENTED"
              : "PENDING",
      commitId,
      user: this.bot,
      submittedAt: isoNow(),
      at: this.now(),
    };
    p.reviews.push(review);
    for (const c of comments) {
      const cid = this.id();
      const tid = nodeId("PRRT", cid);
      const side = (c.side ?? "RIGHT") as "LEFT" | "RIGHT";
      const comment: ReviewComment = {
        id: cid,
        nodeId: nodeId("PRRC", cid),
        reviewId: id,
        threadId: tid,
        path: c.path,
        line: c.subject_type === "file" ? null : (c.line ?? null),
        side,
        startLine: c.start_line ?? null,
        startSide:
          c.start_line !== undefined && c.start_line !== null ? (c.start_side ?? side) : null,
        subjectType: c.subject_type === "file" ? "file" : "line",
        body: c.body,
        commitId,
        user: this.bot,
        createdAt: isoNow(),
        at: this.now(),
        headAtCreation: p.headSha,
      };
      p.comments.push(comment);
      p.threads.push({
        id: tid,
        pullNumber: p.number,
        path: c.path,
        line: comment.line,
        side,
        startLine: comment.startLine,
        startSide: comment.startSide,
        subjectType: comment.subjectType,
        commitId,
        isResolved: false,
        resolvedBy: null,
        commentIds: [cid],
        patchAtCreation: byPath.get(c.path)?.patch,
      });
    }
    ctx.mutated = true;
    return { status: 200, body: reviewJson(repo, p, review, this.urls) };
  }

  // ------------------------------------------------------------ GraphQL

  private async graphql(ctx: Ctx): Promise<Reply> {
    const body = ctx.body ?? {};
    // Blobs are read from git before the (synchronous) executor runs.
    const { objects: prefetched, files } = await this.prefetch(body);
    const result = execute(this.schema, { query: "Query", mutation: "Mutation" }, body, {
      ctx,
      prefetched,
      files,
    });
    if (result.operation) ctx.rec.operation = `graphql:${result.operation.op}`;
    if (result.errors) {
      const validation = !result.data;
      for (const e of result.errors) {
        const known = e.type === "NOT_FOUND" || e.type === "FORBIDDEN";
        // A repository that does not exist, asked for next to others, is an ordinary partial answer on GitHub.
        if (
          !validation &&
          e.type === "NOT_FOUND" &&
          /^Could not resolve to a Repository\b/.test(e.message)
        )
          continue;
        this.violation(ctx, { message: `graphql: ${e.message}`, rejects: validation || !known });
      }
    }
    const out: Record<string, unknown> = {};
    if (result.data !== undefined) out.data = result.data;
    if (result.errors) out.errors = result.errors;
    return { status: 200, body: out };
  }

  /**
   * Reads what the (synchronous) executor will need: every `object(expression:)`
   * and `object(oid:)` the query asks for, and the files of the repository's
   * pull requests when it asks for review threads (to tell which are outdated).
   */
  private async prefetch(body: any): Promise<{
    objects: Map<string, Awaited<ReturnType<GitStore["read"]>>>;
    files: Map<Pull, DiffEntry[]>;
  }> {
    const out = new Map<string, Awaited<ReturnType<GitStore["read"]>>>();
    const files = new Map<Pull, DiffEntry[]>();
    if (typeof body.query !== "string") return { objects: out, files };
    const vars = (body.variables ?? {}) as Record<string, unknown>;
    const owner = vars.owner ?? /owner:\s*"([^"]+)"/.exec(body.query)?.[1];
    const name = vars.name ?? vars.repo ?? /name:\s*"([^"]+)"/.exec(body.query)?.[1];
    const repos = [...this.repos.values()];
    const repo =
      (typeof owner === "string" && typeof name === "string"
        ? this.repo(owner, name)
        : undefined) ?? repos[0];
    if (!repo) return { objects: out, files };
    if (/\breviewThreads\b/.test(body.query)) {
      await Promise.all(
        [...repo.pulls.values()].map(async (p) => files.set(p, await this.pullFiles(repo, p))),
      );
    }
    const exprs = new Set<string>();
    for (const m of body.query.matchAll(
      /object\s*\(\s*(?:expression|oid)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|\$(\w+))/g,
    )) {
      const v = m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : vars[m[2]];
      if (typeof v === "string") exprs.add(v);
    }
    await Promise.all(
      [...exprs].map(async (e) => {
        const at = atDefault(repo, e);
        out.set(`${repo.git.dir}\u0000${at}`, await repo.git.read(at));
      }),
    );
    return { objects: out, files };
  }

  private connection<T>(
    items: T[],
    args: { first?: number; last?: number; after?: string; before?: string },
    name: string,
  ): {
    totalCount: number;
    pageInfo: Record<string, unknown>;
    nodes: T[];
    edges: { cursor: string; node: T }[];
  } {
    if (args.first === undefined && args.last === undefined)
      throw new GraphQLFailure(
        `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
        { type: "MISSING_PAGINATION_BOUNDARIES" },
      );
    for (const k of ["first", "last"] as const) {
      const v = args[k];
      if (v !== undefined && v !== null && (v < 0 || v > 100))
        throw new GraphQLFailure(
          `Requesting ${v} records on the \`${name}\` connection exceeds the \`${k}\` limit of 100 records.`,
          { type: "EXCESSIVE_PAGINATION" },
        );
    }
    const cursor = (i: number) => Buffer.from(`cursor:v2:${i}`).toString("base64");
    const index = (c: string | undefined) =>
      c
        ? Number(/cursor:v2:(\d+)/.exec(Buffer.from(c, "base64").toString())?.[1] ?? -1)
        : undefined;
    let lo = 0;
    let hi = items.length;
    const a = index(args.after);
    const b = index(args.before);
    if (a !== undefined) lo = a + 1;
    if (b !== undefined) hi = b;
    if (args.first !== undefined && args.first !== null) hi = Math.min(hi, lo + args.first);
    if (args.last !== undefined && args.last !== null) lo = Math.max(lo, hi - args.last);
    const slice = items.slice(lo, hi);
    return {
      totalCount: items.length,
      pageInfo: {
        hasNextPage: hi < items.length,
        hasPreviousPage: lo > 0,
        startCursor: slice.length ? cursor(lo) : null,
        endCursor: slice.length ? cursor(hi - 1) : null,
      },
      nodes: slice,
      edges: slice.map((node, i) => ({ cursor: cursor(lo + i), node })),
    };
  }

  /** A GraphQL actor: the app's login is its slug, without `[bot]` (unlike REST). */
  private actor(a: Actor | null): Record<string, unknown> | null {
    if (!a) return null;
    return {
      __typename: a.type,
      login: a.type === "Bot" ? a.login.replace(/\[bot\]$/, "") : a.login,
      url: `${this.urls.web}/${a.login}`,
      avatarUrl: `${this.urls.web}/avatars/u/${a.id}`,
    };
  }

  private findThread(id: unknown, g: any): { repo: Repo; pull: Pull; thread: Thread } {
    for (const repo of this.repos.values()) {
      for (const pull of repo.pulls.values()) {
        const thread = pull.threads.find((t) => t.id === id);
        if (thread) {
          g.ctx.touched.add(`${repo.owner}/${repo.name}`);
          return { repo, pull, thread };
        }
      }
    }
    throw new GraphQLFailure(
      `Could not resolve to PullRequestReviewThread node with the global id of '${String(id)}'`,
      { type: "NOT_FOUND" },
    );
  }

  private threadNode(
    repo: Repo,
    pull: Pull,
    t: Thread,
    files: DiffEntry[] | null,
  ): Record<string, unknown> {
    const cur = files?.find((f) => f.filename === t.path)?.patch;
    const outdated = files ? this.threadOutdated(repo, pull, t, cur) : false;
    return {
      __typename: "PullRequestReviewThread",
      id: t.id,
      isResolved: t.isResolved,
      isOutdated: outdated,
      isCollapsed: t.isResolved,
      path: t.path,
      line: outdated ? null : t.line,
      originalLine: t.line,
      startLine: outdated ? null : t.startLine,
      originalStartLine: t.startLine,
      diffSide: t.side,
      startDiffSide: t.startSide,
      subjectType: t.subjectType.toUpperCase(),
      resolvedBy: this.actor(t.resolvedBy),
      viewerCanResolve: !t.isResolved,
      viewerCanUnresolve: t.isResolved,
      viewerCanReply: true,
      _comments: t.commentIds
        .map((cid) => pull.comments.find((c) => c.id === cid)!)
        .map((c) => this.commentNode(pull, c, outdated)),
    };
  }

  private commentNode(pull: Pull, c: ReviewComment, outdated: boolean): Record<string, unknown> {
    return {
      __typename: "PullRequestReviewComment",
      id: c.nodeId,
      databaseId: c.id,
      fullDatabaseId: String(c.id),
      body: c.body,
      bodyText: c.body,
      author: this.actor(c.user),
      createdAt: c.createdAt,
      updatedAt: c.createdAt,
      url: `${this.urls.web}/pull/${pull.number}#discussion_r${c.id}`,
      path: c.path,
      line: outdated ? null : c.line,
      originalLine: c.line,
      startLine: c.startLine,
      outdated,
      state: "SUBMITTED",
      isMinimized: false,
      minimizedReason: null,
      viewerDidAuthor: true,
      commit: { oid: c.commitId },
      originalCommit: { oid: c.commitId },
      diffHunk: "",
      replyTo:
        c.inReplyTo !== undefined
          ? {
              __typename: "PullRequestReviewComment",
              databaseId: c.inReplyTo,
              id: nodeId("PRRC", c.inReplyTo),
            }
          : null,
      pullRequestReview: {
        id: nodeId("PRR", c.reviewId),
        databaseId: c.reviewId,
        state: "COMMENTED",
      },
    };
  }

  private readonly schema: Schema = (() => {
    const conn = {
      first: { type: "Int" },
      last: { type: "Int" },
      after: { type: "String" },
      before: { type: "String" },
    };
    const s: Schema = {
      Query: {
        kind: "object",
        fields: {
          repository: {
            type: "Repository",
            args: {
              owner: { type: "String", required: true },
              name: { type: "String", required: true },
              followRenames: { type: "Boolean" },
            },
            resolve: (_p, a, g) => {
              const repo = this.repo(a.owner, a.name);
              if (!repo)
                throw new GraphQLFailure(
                  `Could not resolve to a Repository with the name '${a.owner}/${a.name}'.`,
                  { type: "NOT_FOUND" },
                );
              g.ctx.touched.add(`${repo.owner}/${repo.name}`);
              return { __typename: "Repository", _repo: repo };
            },
          },
          rateLimit: {
            type: "RateLimit",
            args: { dryRun: { type: "Boolean" } },
            resolve: () => ({
              cost: 1,
              limit: 5000,
              remaining: 4999,
              used: 1,
              nodeCount: 0,
              resetAt: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
            }),
          },
          viewer: {
            type: "User",
            resolve: () => {
              throw new GraphQLFailure("Resource not accessible by integration", {
                type: "FORBIDDEN",
              });
            },
          },
          node: {
            type: "Node",
            args: { id: { type: "ID", required: true } },
            resolve: (_p, a, g) => {
              const { repo, pull, thread } = this.findThread(a.id, g);
              return this.threadNode(repo, pull, thread, null);
            },
          },
        },
      },
      Mutation: {
        kind: "object",
        fields: {
          resolveReviewThread: {
            type: "ResolveReviewThreadPayload",
            args: { input: { type: "ResolveReviewThreadInput", required: true } },
            resolve: (_p, a, g) => {
              const { repo, pull, thread } = this.findThread(a.input.threadId, g);
              thread.isResolved = true;
              thread.resolvedBy = this.bot;
              g.ctx.mutated = true;
              return {
                clientMutationId: a.input.clientMutationId ?? null,
                thread: this.threadNode(repo, pull, thread, null),
              };
            },
          },
          unresolveReviewThread: {
            type: "UnresolveReviewThreadPayload",
            args: { input: { type: "UnresolveReviewThreadInput", required: true } },
            resolve: (_p, a, g) => {
              const { repo, pull, thread } = this.findThread(a.input.threadId, g);
              thread.isResolved = false;
              thread.resolvedBy = null;
              g.ctx.mutated = true;
              return {
                clientMutationId: a.input.clientMutationId ?? null,
                thread: this.threadNode(repo, pull, thread, null),
              };
            },
          },
          addPullRequestReviewThreadReply: {
            type: "AddPullRequestReviewThreadReplyPayload",
            args: { input: { type: "AddPullRequestReviewThreadReplyInput", required: true } },
            resolve: (_p, a, g) => {
              const { pull, thread } = this.findThread(a.input.pullRequestReviewThreadId, g);
              const first = pull.comments.find((c) => c.id === thread.commentIds[0])!;
              let c: ReviewComment;
              try {
                c = this.reply(pull, first, a.input.body);
              } catch (e) {
                throw new GraphQLFailure((e as Error).message, { type: "UNPROCESSABLE" });
              }
              g.ctx.mutated = true;
              return {
                clientMutationId: a.input.clientMutationId ?? null,
                comment: this.commentNode(pull, c, false),
              };
            },
          },
        },
      },
      ResolveReviewThreadInput: {
        kind: "input",
        fields: { threadId: { type: "ID", required: true }, clientMutationId: { type: "String" } },
      },
      UnresolveReviewThreadInput: {
        kind: "input",
        fields: { threadId: { type: "ID", required: true }, clientMutationId: { type: "String" } },
      },
      AddPullRequestReviewThreadReplyInput: {
        kind: "input",
        fields: {
          pullRequestReviewThreadId: { type: "ID", required: true },
          body: { type: "String", required: true },
          pullRequestReviewId: { type: "ID" },
          clientMutationId: { type: "String" },
        },
      },
      ResolveReviewThreadPayload: {
        kind: "object",
        fields: {
          clientMutationId: { type: "String" },
          thread: { type: "PullRequestReviewThread" },
        },
      },
      UnresolveReviewThreadPayload: {
        kind: "object",
        fields: {
          clientMutationId: { type: "String" },
          thread: { type: "PullRequestReviewThread" },
        },
      },
      AddPullRequestReviewThreadReplyPayload: {
        kind: "object",
        fields: {
          clientMutationId: { type: "String" },
          comment: { type: "PullRequestReviewComment" },
        },
      },
      RateLimit: {
        kind: "object",
        fields: {
          cost: { type: "Int" },
          limit: { type: "Int" },
          remaining: { type: "Int" },
          used: { type: "Int" },
          nodeCount: { type: "Int" },
          resetAt: { type: "DateTime" },
        },
      },
      DateTime: { kind: "scalar" },
      URI: { kind: "scalar" },
      GitObjectID: { kind: "scalar" },
      User: {
        kind: "object",
        interfaces: ["Actor"],
        fields: { login: { type: "String" }, url: { type: "URI" }, avatarUrl: { type: "URI" } },
      },
      Bot: {
        kind: "object",
        interfaces: ["Actor"],
        fields: { login: { type: "String" }, url: { type: "URI" }, avatarUrl: { type: "URI" } },
      },
      Actor: {
        kind: "interface",
        possible: ["User", "Bot"],
        fields: { login: { type: "String" }, url: { type: "URI" }, avatarUrl: { type: "URI" } },
      },
      Node: {
        kind: "interface",
        possible: ["PullRequestReviewThread", "PullRequestReviewComment", "Repository", "Blob"],
        fields: { id: { type: "ID" } },
      },
      Repository: {
        kind: "object",
        fields: {
          id: { type: "ID", resolve: (p) => p._repo.nodeId },
          databaseId: { type: "Int", resolve: (p) => p._repo.id },
          name: { type: "String", resolve: (p) => p._repo.name },
          nameWithOwner: { type: "String", resolve: (p) => `${p._repo.owner}/${p._repo.name}` },
          url: { type: "URI", resolve: (p) => `${this.urls.web}/${p._repo.owner}/${p._repo.name}` },
          isPrivate: { type: "Boolean", resolve: () => false },
          defaultBranchRef: {
            type: "Ref",
            resolve: (p) => ({
              name: p._repo.defaultBranch,
              target: { __typename: "Commit", oid: p._repo.defaultSha },
            }),
          },
          object: {
            type: "GitObject",
            args: { expression: { type: "String" }, oid: { type: "GitObjectID" } },
            resolve: (p, a, g) => {
              const key = `${p._repo.git.dir}\u0000${atDefault(p._repo, a.expression ?? a.oid)}`;
              const o = g.prefetched.get(key);
              if (!o) return null;
              if (o.type === "blob") {
                const limit = this.options.graphqlTextLimit ?? 512 * 1024;
                const binary = o.content.subarray(0, 8000).includes(0);
                const truncated = !binary && o.content.length > limit;
                return {
                  __typename: "Blob",
                  id: nodeId("B", o.oid),
                  oid: o.oid,
                  abbreviatedOid: o.oid.slice(0, 7),
                  byteSize: o.content.length,
                  isBinary: binary,
                  isTruncated: truncated,
                  text: binary
                    ? null
                    : truncated
                      ? o.content.subarray(0, limit).toString("utf8")
                      : o.content.toString("utf8"),
                };
              }
              if (o.type === "commit")
                return {
                  __typename: "Commit",
                  oid: o.oid,
                  abbreviatedOid: o.oid.slice(0, 7),
                  message: o.content.toString("utf8").split("\n\n").slice(1).join("\n\n"),
                  tree: {
                    __typename: "Tree",
                    oid: /^tree (\w+)/.exec(o.content.toString("utf8"))?.[1],
                  },
                };
              return { __typename: "Tree", oid: o.oid, abbreviatedOid: o.oid.slice(0, 7) };
            },
          },
          pullRequest: {
            type: "PullRequest",
            args: { number: { type: "Int", required: true } },
            resolve: (p, a) => {
              const pull = p._repo.pulls.get(a.number);
              if (!pull)
                throw new GraphQLFailure(
                  `Could not resolve to a PullRequest with the number of ${a.number}.`,
                  { type: "NOT_FOUND" },
                );
              return { __typename: "PullRequest", _repo: p._repo, _pull: pull };
            },
          },
        },
      },
      Ref: { kind: "object", fields: { name: { type: "String" }, target: { type: "GitObject" } } },
      GitObject: {
        kind: "interface",
        possible: ["Blob", "Tree", "Commit"],
        fields: {
          oid: { type: "GitObjectID" },
          abbreviatedOid: { type: "String" },
          id: { type: "ID" },
        },
      },
      Blob: {
        kind: "object",
        interfaces: ["GitObject", "Node"],
        fields: {
          id: { type: "ID" },
          oid: { type: "GitObjectID" },
          abbreviatedOid: { type: "String" },
          byteSize: { type: "Int" },
          isBinary: { type: "Boolean" },
          isTruncated: { type: "Boolean" },
          text: { type: "String" },
        },
      },
      Tree: {
        kind: "object",
        interfaces: ["GitObject"],
        fields: {
          id: { type: "ID" },
          oid: { type: "GitObjectID" },
          abbreviatedOid: { type: "String" },
        },
      },
      Commit: {
        kind: "object",
        interfaces: ["GitObject"],
        fields: {
          id: { type: "ID" },
          oid: { type: "GitObjectID" },
          abbreviatedOid: { type: "String" },
          message: { type: "String" },
          tree: { type: "Tree" },
        },
      },
      PullRequest: {
        kind: "object",
        fields: {
          id: { type: "ID", resolve: (p) => p._pull.nodeId },
          databaseId: { type: "Int", resolve: (p) => p._pull.id },
          number: { type: "Int", resolve: (p) => p._pull.number },
          title: { type: "String", resolve: (p) => p._pull.title },
          state: { type: "String", resolve: (p) => p._pull.state.toUpperCase() },
          isDraft: { type: "Boolean", resolve: (p) => p._pull.draft },
          headRefOid: { type: "GitObjectID", resolve: (p) => p._pull.headSha },
          baseRefOid: { type: "GitObjectID", resolve: (p) => p._pull.baseSha },
          headRefName: { type: "String", resolve: (p) => p._pull.headRef },
          baseRefName: { type: "String", resolve: (p) => p._pull.baseRef },
          reviewThreads: {
            type: "PullRequestReviewThreadConnection",
            args: conn,
            resolve: (p, a, g) => {
              const pull: Pull = p._pull;
              const files: DiffEntry[] | null = g.files?.get(pull) ?? null;
              return this.connection(
                pull.threads.map((t) => this.threadNode(p._repo, pull, t, files)),
                a,
                "reviewThreads",
              );
            },
          },
        },
      },
      PageInfo: {
        kind: "object",
        fields: {
          hasNextPage: { type: "Boolean" },
          hasPreviousPage: { type: "Boolean" },
          startCursor: { type: "String" },
          endCursor: { type: "String" },
        },
      },
      PullRequestReviewThreadConnection: {
        kind: "object",
        fields: {
          totalCount: { type: "Int" },
          pageInfo: { type: "PageInfo" },
          nodes: { type: "PullRequestReviewThread", list: true },
          edges: { type: "PullRequestReviewThreadEdge", list: true },
        },
      },
      PullRequestReviewThreadEdge: {
        kind: "object",
        fields: { cursor: { type: "String" }, node: { type: "PullRequestReviewThread" } },
      },
      PullRequestReviewThread: {
        kind: "object",
        interfaces: ["Node"],
        fields: {
          id: { type: "ID" },
          isResolved: { type: "Boolean" },
          isOutdated: { type: "Boolean" },
          isCollapsed: { type: "Boolean" },
          path: { type: "String" },
          line: { type: "Int" },
          originalLine: { type: "Int" },
          startLine: { type: "Int" },
          originalStartLine: { type: "Int" },
          diffSide: { type: "DiffSide" },
          startDiffSide: { type: "DiffSide" },
          subjectType: { type: "PullRequestReviewThreadSubjectType" },
          resolvedBy: { type: "User" },
          viewerCanResolve: { type: "Boolean" },
          viewerCanUnresolve: { type: "Boolean" },
          viewerCanReply: { type: "Boolean" },
          comments: {
            type: "PullRequestReviewCommentConnection",
            args: { ...conn, skip: { type: "Int" } },
            resolve: (t, a) => this.connection(t._comments, a, "comments"),
          },
        },
      },
      DiffSide: { kind: "enum", values: ["LEFT", "RIGHT"] },
      PullRequestReviewThreadSubjectType: { kind: "enum", values: ["LINE", "FILE"] },
      PullRequestReviewCommentConnection: {
        kind: "object",
        fields: {
          totalCount: { type: "Int" },
          pageInfo: { type: "PageInfo" },
          nodes: { type: "PullRequestReviewComment", list: true },
          edges: { type: "PullRequestReviewCommentEdge", list: true },
        },
      },
      PullRequestReviewCommentEdge: {
        kind: "object",
        fields: { cursor: { type: "String" }, node: { type: "PullRequestReviewComment" } },
      },
      PullRequestReviewComment: {
        kind: "object",
        interfaces: ["Node"],
        fields: {
          id: { type: "ID" },
          databaseId: { type: "Int" },
          fullDatabaseId: { type: "String" },
          body: { type: "String" },
          bodyText: { type: "String" },
          author: { type: "Actor" },
          createdAt: { type: "DateTime" },
          updatedAt: { type: "DateTime" },
          url: { type: "URI" },
          path: { type: "String" },
          line: { type: "Int" },
          originalLine: { type: "Int" },
          startLine: { type: "Int" },
          outdated: { type: "Boolean" },
          state: { type: "String" },
          isMinimized: { type: "Boolean" },
          minimizedReason: { type: "String" },
          viewerDidAuthor: { type: "Boolean" },
          diffHunk: { type: "String" },
          commit: { type: "Commit" },
          originalCommit: { type: "Commit" },
          replyTo: { type: "PullRequestReviewComment" },
          pullRequestReview: { type: "PullRequestReview" },
        },
      },
      PullRequestReview: {
        kind: "object",
        fields: { id: { type: "ID" }, databaseId: { type: "Int" }, state: { type: "String" } },
      },
    };
    return s;
  })();

  /**
   * A review thread someone else started on a pull request (another bot, a
   * person): one comment by `user` on `line` of `path` (RIGHT side), as if
   * posted at the pull request's current head.
   */
  seedThread(
    repo: Repo,
    p: Pull,
    spec: { user: Actor; path: string; line: number; body: string },
  ): Thread {
    const reviewId = this.id();
    p.reviews.push({
      id: reviewId,
      nodeId: nodeId("PRR", reviewId),
      body: "",
      state: "COMMENTED",
      commitId: p.headSha,
      user: spec.user,
      submittedAt: isoNow(),
      at: this.now(),
    });
    const cid = this.id();
    const tid = nodeId("PRRT", cid);
    p.comments.push({
      id: cid,
      nodeId: nodeId("PRRC", cid),
      reviewId,
      threadId: tid,
      path: spec.path,
      line: spec.line,
      side: "RIGHT",
      startLine: null,
      startSide: null,
      subjectType: "line",
      body: spec.body,
      commitId: p.headSha,
      user: spec.user,
      createdAt: isoNow(),
      at: this.now(),
      headAtCreation: p.headSha,
    });
    const thread: Thread = {
      id: tid,
      pullNumber: p.number,
      path: spec.path,
      line: spec.line,
      side: "RIGHT",
      startLine: null,
      startSide: null,
      subjectType: "line",
      commitId: p.headSha,
      isResolved: false,
      resolvedBy: null,
      commentIds: [cid],
      patchAtCreation: undefined,
    };
    p.threads.push(thread);
    return thread;
  }

  // ------------------------------------------------------------ reading the state

  /** All comments of a pull request (review comments and issue comments), oldest first. */
  commentsOf(
    repo: Repo,
    number: number,
  ): {
    id: number;
    body: string;
    at: number;
    headAtCreation?: string;
    inReplyTo?: number;
    kind: "review" | "issue";
    threadId?: string;
  }[] {
    const p = repo.pulls.get(number);
    const review = (p?.comments ?? []).map((c) => ({
      id: c.id,
      body: c.body,
      at: c.at,
      headAtCreation: c.headAtCreation,
      inReplyTo: c.inReplyTo,
      kind: "review" as const,
      threadId: c.threadId,
    }));
    const issue = repo.issueComments
      .filter((c) => c.issueNumber === number)
      .map((c) => ({ id: c.id, body: c.body, at: c.at, kind: "issue" as const }));
    return [...review, ...issue].sort((a, b) => a.at - b.at);
  }

  checkRunsFor(repo: Repo, headSha: string, name?: string): CheckRun[] {
    return repo.checkRuns.filter((c) => c.headSha === headSha && (!name || c.name === name));
  }
}
