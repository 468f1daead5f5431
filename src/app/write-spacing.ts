/**
 * One installation's writes (and GraphQL requests) at least 1 s apart
 * whichever instance sends them, as GitHub asks of content-creating requests.
 *
 * Probot's throttle (clustered in Redis when REDIS_URL is set) spaces the
 * moments its write limiter lets requests go, but a request can still wait
 * after that (its notification limiter, the installation token), so two
 * writes can reach GitHub milliseconds apart. This spacer sits where the
 * request is sent (the `fetch` Octokit calls): each spaced request reserves
 * the next slot of its installation in Redis (Redis's clock, one script, so
 * instances agree) and waits for it. A request can still be late for its
 * slot (a busy event loop, a paused process), and the next one's slot was
 * counted from the slot, not from when the late one went: so just before it
 * is sent, a request claims the moment (a second script) and waits more when
 * the installation's last request went less than the spacing ago. Between the
 * claim and the socket there is still the HTTP client (a new connection, its
 * first use compiling it, a busy event loop): so when the request's headers
 * are written (undici's `sendHeaders` diagnostics channel, matched to the
 * request by the async context of its `fetch`), that moment is recorded as
 * the installation's last send when it is later than the claim.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import diagnosticsChannel from "node:diagnostics_channel";
import type { Redis } from "ioredis";

/**
 * GitHub's 1 s, and a margin for the way from the claim to GitHub: a busy
 * event loop, a new connection, the network. Measured where the requests
 * arrive (the e2e stand-in, whose own clock can run 80 ms late under load),
 * 50 ms was not always enough.
 */
export const WRITE_SPACING_MS = 1100;

const RESERVE = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call("GET", KEYS[1]) or "0")
local at = math.max(now, last + tonumber(ARGV[1]))
redis.call("SET", KEYS[1], at, "PX", 60000)
return at - now`;

/**
 * {0, now} after recording now as the send time when the last request went at
 * least the spacing ago, else {how long to wait, 0}.
 */
const CLAIM = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local sent = tonumber(redis.call("GET", KEYS[1]) or "0")
local wait = sent + tonumber(ARGV[1]) - now
if wait > 0 then return {wait, 0} end
redis.call("SET", KEYS[1], now, "PX", 60000)
return {0, now}`;

/** Records the moment the installation's request went, when it is later than the one recorded. */
const SENT = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local sent = tonumber(redis.call("GET", KEYS[1]) or "0")
if now > sent then redis.call("SET", KEYS[1], now, "PX", 60000) end
return 0`;

export interface Spacer {
  /** Resolves when the installation may send its next spaced request (with the moment it claimed, when known). */
  wait(installation: string): Promise<number | void>;
  /** The installation's spaced request was written to the socket just now. */
  sent?(installation: string): void;
}

/** The spaced request a `fetch` runs for: its spacer and installation. */
const spacedRequest = new AsyncLocalStorage<{ spacer: Spacer; installation: string }>();
const requestOwners = new WeakMap<object, { spacer: Spacer; installation: string }>();
let watchingSends = false;

/** Subscribes (once per process) to undici's request and send events, to tell spacers when their requests went. */
function watchSends(): void {
  if (watchingSends) return;
  watchingSends = true;
  diagnosticsChannel.subscribe("undici:request:create", (message) => {
    const owner = spacedRequest.getStore();
    const request = (message as { request?: object }).request;
    if (owner && request) requestOwners.set(request, owner);
  });
  diagnosticsChannel.subscribe("undici:client:sendHeaders", (message) => {
    const request = (message as { request?: object }).request;
    const owner = request && requestOwners.get(request);
    if (!owner) return;
    requestOwners.delete(request);
    owner.spacer.sent?.(owner.installation);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RedisSpacer implements Spacer {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly spacingMs = WRITE_SPACING_MS,
  ) {}

  /** Moves the installation's last send to now (Redis's clock) when the claim was earlier; a failure only loses that. */
  sent(installation: string): void {
    const key = `${this.prefix}:space:${installation}:sent`;
    this.redis.eval(SENT, 1, key).catch(() => undefined);
  }

  /** Waits for the installation's slot and claims it; resolves with the claimed moment (Redis's clock, ms). */
  async wait(installation: string): Promise<number> {
    await this.reserve(installation);
    return this.claim(installation);
  }

  /** Waits for the installation's next slot (slots are the spacing apart, in the order asked for). */
  async reserve(installation: string): Promise<void> {
    const key = `${this.prefix}:space:${installation}`;
    const ms = Number(await this.redis.eval(RESERVE, 1, key, this.spacingMs));
    if (ms > 0) await sleep(ms);
  }

  /**
   * Waits until the installation's last request went the spacing ago, and
   * records this one as going now; resolves with that moment (Redis's clock, ms).
   */
  async claim(installation: string): Promise<number> {
    const key = `${this.prefix}:space:${installation}:sent`;
    for (;;) {
      const [more, at] = (await this.redis.eval(CLAIM, 1, key, this.spacingMs)) as number[];
      if (Number(more) <= 0) return Number(at);
      await sleep(Number(more));
    }
  }
}

/** Whether a request is spaced: a write or a GraphQL request, not an installation token. */
export function isSpaced(method: string | undefined, url: string): boolean {
  const path = url.replace(/^https?:\/\/[^/]+/, "").split("?", 1)[0];
  if (/\/app\/installations\/\d+\/access_tokens$/.test(path)) return false;
  const m = (method ?? "GET").toUpperCase();
  return (m !== "GET" && m !== "HEAD") || /\/graphql$/.test(path);
}

const SPACED = new WeakSet<object>();

interface Hookable {
  hook: { wrap(name: "request", fn: (request: (o: any) => any, options: any) => any): void };
}

/** Spaces the client's writes at the moment they are sent. Returns the same client. */
export function withSpacing<T extends Hookable>(
  octokit: T,
  spacer: Spacer,
  installation: string,
): T {
  octokit.hook.wrap("request", (request, options) => {
    const inner = (options.request?.fetch as typeof fetch | undefined) ?? undefined;
    // A retry hands the same options in again: its fetch is spaced already.
    if (inner && SPACED.has(inner)) return request(options);
    const spacedFetch = async (url: string | URL | Request, init?: RequestInit) => {
      const href = typeof url === "string" ? url : url instanceof URL ? url.href : url.url;
      const send = () => (inner ?? globalThis.fetch)(url, init);
      if (!isSpaced(init?.method, href)) return send();
      await spacer.wait(installation);
      if (!spacer.sent) return send();
      watchSends();
      return spacedRequest.run({ spacer, installation }, send);
    };
    SPACED.add(spacedFetch);
    options.request = { ...(options.request ?? {}), fetch: spacedFetch };
    return request(options);
  });
  return octokit;
}
