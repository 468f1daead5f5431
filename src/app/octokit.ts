/**
 * The GitHub client the app uses, and a bounded retry layer on top of it.
 *
 * Probot's Octokit carries plugin-retry (5xx, three tries) and
 * plugin-throttling, but Probot's own throttle options only log a secondary
 * rate limit and do not retry it. The hook below makes both cases explicit
 * and bounded in time: a 5xx or a rate-limit answer is retried a few times
 * with backoff (honouring `retry-after`), and a wait longer than `maxWaitMs`
 * gives up, so a job always ends (and completes its check run) in bounded
 * time. It turns plugin-retry off for the requests it wraps, so the two
 * layers never multiply.
 */
import type { ProbotOctokit } from "probot";
import { dropAssetPatches, FILE_LIST_PATH } from "./asset-patches.js";

export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface RetryOptions {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff for a 5xx; doubles each retry. */
  baseDelayMs: number;
  /** Longest single wait; a rate limit asking for more gives up at once. */
  maxWaitMs: number;
  /** One attempt may take this long before it is abandoned (and retried when that is safe). */
  timeoutMs?: number;
  /** How to wait (tests pass a recorder). */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryOptions = {
  retries: 3,
  baseDelayMs: 1000,
  maxWaitMs: 60_000,
  timeoutMs: 30_000,
};

interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

interface RequestOptionsLike {
  method?: string;
  url?: string;
  query?: string;
  request?: Record<string, unknown>;
  [key: string]: unknown;
}

const header = (err: RequestErrorLike, name: string): string | undefined => {
  const v = err.response?.headers?.[name];
  return v === undefined ? undefined : String(v);
};

/** True for a GitHub rate-limit answer (primary or secondary). */
export function isRateLimit(err: RequestErrorLike): boolean {
  if (err.status !== 403 && err.status !== 429) return false;
  if (err.status === 429) return true;
  if (header(err, "retry-after") !== undefined) return true;
  if (header(err, "x-ratelimit-remaining") === "0") return true;
  const data = err.response?.data as { message?: string } | undefined;
  return /rate limit/i.test(`${err.message ?? ""} ${data?.message ?? ""}`);
}

/** Whether repeating the request after a 5xx could do a write twice. */
function writesContent(options: RequestOptionsLike): boolean {
  const method = (options.method ?? "GET").toUpperCase();
  if (options.url === "/graphql") return /^\s*mutation\b/.test(String(options.query ?? ""));
  // A review posted twice is visible noise; a check run created twice stays in progress (CheckRun looks it up
  // instead); every other write the app makes is safe to repeat.
  return method === "POST" && /\/(reviews|check-runs)$/.test(options.url ?? "");
}

/** The wait a rate-limit answer asks for (`retry-after`, or the reset of an exhausted quota), in ms; undefined when it names none. */
export function rateLimitWaitMs(err: RequestErrorLike, now = Date.now()): number | undefined {
  if (!isRateLimit(err)) return undefined;
  const after = header(err, "retry-after");
  const reset = header(err, "x-ratelimit-reset");
  if (after !== undefined && /^\d+$/.test(after)) return Number(after) * 1000;
  if (header(err, "x-ratelimit-remaining") === "0" && reset !== undefined && /^\d+$/.test(reset))
    return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}

/**
 * A rate limit that lifts later than the app waits (`maxWaitMs`): the job
 * ends instead of holding its slot, and runs again at `retryAt`.
 */
export class RateLimitWaitError extends Error {
  constructor(
    /** When GitHub takes requests again (ms since the epoch). */
    readonly retryAt: number,
    readonly cause: unknown,
  ) {
    super(`GitHub rate limit until ${new Date(retryAt).toISOString().replace(/\.\d+Z$/, "Z")}`);
    this.name = "RateLimitWaitError";
  }
}

/** Milliseconds to wait before retry `attempt` (0-based), or null to give up. */
export function retryDelay(
  err: RequestErrorLike,
  attempt: number,
  options: RequestOptionsLike,
  retry: RetryOptions,
  now = Date.now(),
): number | null {
  if (attempt >= retry.retries) return null;
  if (isRateLimit(err)) {
    const after = header(err, "retry-after");
    const reset = header(err, "x-ratelimit-reset");
    let wait: number;
    if (after !== undefined && /^\d+$/.test(after)) wait = Number(after) * 1000;
    else if (
      header(err, "x-ratelimit-remaining") === "0" &&
      reset !== undefined &&
      /^\d+$/.test(reset)
    )
      wait = Math.max(0, Number(reset) * 1000 - now);
    else wait = Math.max(60_000, retry.baseDelayMs * 2 ** attempt); // GitHub: wait at least a minute when no header says how long
    return wait <= retry.maxWaitMs ? wait : null;
  }
  if (err.status !== undefined && err.status >= 500 && !writesContent(options)) {
    return Math.min(retry.maxWaitMs, retry.baseDelayMs * 2 ** attempt);
  }
  return null;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Adds the bounded retry layer to one client. Returns the same client. */
export function withRetries<T extends { hook: Octokit["hook"] }>(
  octokit: T,
  retry: RetryOptions = DEFAULT_RETRY,
): T {
  const sleep = retry.sleep ?? defaultSleep;
  octokit.hook.wrap("request", async (request: (o: any) => any, options: any) => {
    const opts = options as RequestOptionsLike;
    for (let attempt = 0; ; attempt++) {
      // The hook chain hands every layer the same options object, so settings go in place:
      // plugin-retry reads `request.retries` (0 leaves retrying to this layer), fetch gets the timeout.
      const timeout = retry.timeoutMs ? { signal: AbortSignal.timeout(retry.timeoutMs) } : {};
      options.request = { ...(opts.request ?? {}), retries: 0, ...timeout };
      try {
        return await request(options);
      } catch (err) {
        const wait = retryDelay(err as RequestErrorLike, attempt, opts, retry);
        if (wait === null) {
          const asked = rateLimitWaitMs(err as RequestErrorLike);
          if (asked !== undefined && asked > retry.maxWaitMs)
            throw new RateLimitWaitError(Date.now() + asked, err);
          throw err;
        }
        await sleep(wait);
      }
    }
  });
  return octokit;
}

/**
 * The Octokit class with Probot's own throttle kept from waiting out rate
 * limits: Probot retries a rate-limited request after `retry-after` or the
 * quota's reset however far away (3,601 s), holding the job's slot all that
 * while. Here its handlers never retry; `withRetries` waits when the wait is
 * short and ends the job (RateLimitWaitError) when it is not. The write
 * spacing (and, with Redis, its clustering) stays Probot's. On GitHub
 * Enterprise Server, the token strategy's own requests go to its API too.
 */
export function withoutThrottleWaits<T extends typeof ProbotOctokit>(Octokit: T): T {
  return Octokit.defaults((o: any) => ({
    ...o,
    // Probot gives the token strategy a request without the Enterprise Server's baseUrl: a token asked
    // for outside a request (a refresh after a 401) would go to api.github.com.
    ...(o?.baseUrl && typeof o?.auth?.request?.defaults === "function"
      ? { auth: { ...o.auth, request: o.auth.request.defaults({ baseUrl: o.baseUrl }) } }
      : {}),
    throttle: {
      ...(o?.throttle ?? {}),
      onRateLimit: () => false,
      onSecondaryRateLimit: () => false,
    },
  })) as T;
}

/** A short description of a failed GitHub request, for a check run summary. */
export function describeError(err: unknown): string {
  const e = err as RequestErrorLike & {
    request?: { method?: string; url?: string };
    name?: string;
  };
  if (e && typeof e.status === "number") {
    const where =
      e.request?.method && e.request?.url
        ? ` (${e.request.method} ${e.request.url.replace(/^https?:\/\/[^/]+/, "").replace(/\?.*$/, "")})`
        : "";
    const kind = isRateLimit(e) ? "GitHub rate limit" : `GitHub answered ${e.status}`;
    const msg = (e.message ?? "").split("\n")[0].slice(0, 300);
    return `${kind}${where}: ${msg}`;
  }
  if (err instanceof Error)
    return `${err.name === "Error" ? "" : `${err.name}: `}${err.message.split("\n")[0].slice(0, 300)}`;
  return String(err);
}

/** Paths authenticated as the app (a JWT), not with an installation token. */
const APP_AUTH_PATH =
  /^\/app(\/|$)|^\/app\/installations\/|^\/orgs\/[^/]+\/installation|^\/repos\/[^/]+\/[^/]+\/installation|^\/users\/[^/]+\/installation/;

/**
 * An installation token GitHub no longer takes (revoked, or rotated away
 * before its hour was up) answers 401 to every call, while Probot's
 * client keeps handing out the cached one until it expires. On a 401 the
 * client gets a fresh installation token (bypassing the cache, which it then
 * refreshes for the later calls) and sends the request once more; a second
 * 401 is the answer. Requests made as the app (a JWT) are left alone.
 */
export function withFreshTokenOn401<T extends { hook: Octokit["hook"]; auth: Octokit["auth"] }>(
  octokit: T,
  onRefresh?: (err: unknown) => void,
): T {
  octokit.hook.wrap("request", async (request: (o: any) => any, options: any) => {
    try {
      return await request(options);
    } catch (err) {
      const base = String(options.baseUrl ?? "");
      const url = String((options as RequestOptionsLike).url ?? "");
      const path = (base && url.startsWith(base) ? url.slice(base.length) : url).replace(
        /^https?:\/\/[^/]+/,
        "",
      );
      if ((err as RequestErrorLike).status !== 401 || APP_AUTH_PATH.test(path)) throw err;
      onRefresh?.(err);
      await octokit.auth({ type: "installation", refresh: true });
      return request(options);
    }
  });
  return octokit;
}

const utf8Decoder = new TextDecoder("utf-8");

/** Bytes of a body read before the next turn of the event loop (see bytesOf). */
export const READ_TURN_BYTES = 1024 * 1024;

/**
 * A body's bytes. Read chunk by chunk into one buffer (its size from
 * `content-length` when given, doubled when outgrown), with a turn of the
 * event loop after each READ_TURN_BYTES: a body that arrived whole while the
 * thread was busy (a page of a pull request's file list is megabytes) would
 * otherwise be copied and joined in one go, holding the thread for 50-100 ms.
 */
async function bytesOf(stream: ReadableStream<Uint8Array>, length: number): Promise<Buffer> {
  // The announced length is a first guess only (a compressed body's, or a wrong one).
  const first = Number.isSafeInteger(length) && length > 0 ? Math.min(length, 16 << 20) : 65536;
  let out = Buffer.allocUnsafe(first);
  let used = 0;
  let sinceTurn = 0;
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    if (used + chunk.byteLength > out.length) {
      const grown = Buffer.allocUnsafe(Math.max(out.length * 2, used + chunk.byteLength));
      out.copy(grown, 0, 0, used);
      out = grown;
    }
    out.set(chunk, used);
    used += chunk.byteLength;
    sinceTurn += chunk.byteLength;
    if (sinceTurn >= READ_TURN_BYTES) {
      sinceTurn = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return out.subarray(0, used);
}

/**
 * A success body as Octokit would give it (JSON parsed natively; text; else
 * bytes). `trim` may rewrite a JSON body's bytes before they are decoded.
 */
async function bodyOf(
  stream: ReadableStream,
  headers: Record<string, string | undefined>,
  trim?: (bytes: Buffer) => Buffer,
): Promise<unknown> {
  const contentType = headers["content-type"];
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/json" || type === "application/scim+json") {
    const bytes = await bytesOf(stream, Number(headers["content-length"]));
    const text = utf8Decoder.decode(trim ? trim(bytes) : bytes);
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  const res = new Response(stream);
  if (!contentType) return res.text();
  const utf8 = /;\s*charset=("?)utf-8\1/i.test(contentType);
  if (type.startsWith("text/") || (utf8 && type !== "application/octet-stream")) return res.text();
  return res.arrayBuffer();
}

/**
 * Answers parsed with the engine's own `JSON.parse`. Octokit parses JSON
 * with a BigInt-preserving parser written in JavaScript, about 20 times
 * slower: a GraphQL answer holding a 1.5 MB doc's text, or a pull request's
 * file list with its patches, held the main thread for a quarter of a second.
 * No number the app reads from GitHub is past 2^53. Other bodies are what
 * Octokit makes of them (an answer that is not JSON stays text). A pull
 * request's file list loses its images' diffs before it is decoded
 * (asset-patches.ts).
 */
export function withNativeJson<T extends { hook: Octokit["hook"] }>(octokit: T): T {
  octokit.hook.wrap("request", async (request: (o: any) => any, options: any) => {
    if (options.request?.parseSuccessResponseBody === false) return request(options);
    options.request = { ...(options.request ?? {}), parseSuccessResponseBody: false };
    let response: { data: unknown; headers: Record<string, string | undefined> };
    try {
      response = await request(options);
    } finally {
      // The options object is shared with the layers around this one (a retry passes it in again).
      delete options.request.parseSuccessResponseBody;
    }
    const body = response.data;
    const url = String((options as RequestOptionsLike).url ?? "");
    const trim = FILE_LIST_PATH.test(url.replace(/^https?:\/\/[^/]+/, ""))
      ? dropAssetPatches
      : undefined;
    if (body && typeof body === "object" && "getReader" in body)
      response.data = await bodyOf(body as ReadableStream, response.headers, trim);
    return response;
  });
  return octokit;
}
