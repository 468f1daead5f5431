/**
 * The app's HTTP server: the webhook route, `/ping` (Probot's), `/health`
 * (the process answers) and `/ready` (started, taking deliveries, and every
 * readiness check passes), plus handlers the app function adds. Timeouts
 * bound slow clients; a malformed request gets 400 and its connection closed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";

/** Probot's handler shape: true when it answered the request. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** A readiness check: true when ready, else a short reason. */
export type ReadinessCheck = () => Promise<true | string> | true | string;

export interface AppServerOptions {
  webhookPath: string;
  webhook: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  log: Logger;
  /** Time a client has to send its request headers. */
  headersTimeoutMs?: number;
  /** Time a client has to send its whole request. */
  requestTimeoutMs?: number;
}

const READY_CHECK_TIMEOUT_MS = 2000;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res
    .writeHead(status, {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(text)),
      "cache-control": "no-store",
    })
    .end(text);
}

async function runCheck(name: string, check: ReadinessCheck): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>(
    (r) => (timer = setTimeout(() => r("did not answer in time"), READY_CHECK_TIMEOUT_MS)),
  );
  try {
    const result = await Promise.race([Promise.resolve(check()), late]);
    return result === true ? undefined : `${name}: ${result}`;
  } catch (err) {
    return `${name}: ${(err as Error)?.message?.split("\n", 1)[0] ?? "failed"}`;
  } finally {
    clearTimeout(timer);
  }
}

export class AppServer {
  private readonly handlers: Handler[] = [];
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly server: Server;
  private started = false;
  private accepting = true;

  constructor(private readonly o: AppServerOptions) {
    this.server = createServer((req, res) => void this.route(req, res));
    this.server.headersTimeout = o.headersTimeoutMs ?? 10_000;
    this.server.requestTimeout = o.requestTimeoutMs ?? 20_000;
    // A request that is not HTTP: 400 and close, nothing of it logged.
    this.server.on("clientError", (_err, socket: Socket) => {
      if (socket.writable && !socket.destroyed)
        socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      else socket.destroy();
    });
  }

  /** A handler tried before the 404 (e.g. metrics), as Probot's `addHandler` gives apps. */
  addHandler(handler: Handler): void {
    this.handlers.push(handler);
  }

  /** A check `/ready` runs (e.g. the queue's store answers). */
  addReadinessCheck(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Whether deliveries are taken (false: they get 503 and `/ready` says not ready). */
  get isAccepting(): boolean {
    return this.accepting;
  }

  stopAccepting(): void {
    this.accepting = false;
  }

  get port(): number {
    const a = this.server.address();
    return a && typeof a === "object" ? a.port : 0;
  }

  listen(port: number, host?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once("error", onError);
      this.server.listen({ port, host }, () => {
        this.server.off("error", onError);
        this.started = true;
        resolve();
      });
    });
  }

  /** Stops listening; open connections end after their current request. */
  close(): Promise<void> {
    this.accepting = false;
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private async readiness(): Promise<string[]> {
    const reasons: string[] = [];
    if (!this.started) reasons.push("starting");
    if (!this.accepting) reasons.push("not taking deliveries (stopping)");
    const results = await Promise.all([...this.checks].map(([n, c]) => runCheck(n, c)));
    for (const r of results) if (r) reasons.push(r);
    return reasons;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? "/").split("?", 1)[0].replace(/(.)\/+$/, "$1");
      if (path === this.o.webhookPath) {
        if (req.method === "POST") return await this.o.webhook(req, res);
        res.writeHead(405, { allow: "POST", "content-length": "0" }).end();
        return;
      }
      if (req.method === "GET" || req.method === "HEAD") {
        if (path === "/ping") {
          res.writeHead(200, { "content-type": "text/plain" }).end("PONG");
          return;
        }
        if (path === "/health") return json(res, 200, { status: "ok" });
        if (path === "/ready") {
          const reasons = await this.readiness();
          return reasons.length === 0
            ? json(res, 200, { status: "ready" })
            : json(res, 503, { status: "not ready", reasons });
        }
      }
      for (const h of this.handlers) if (await h(req, res)) return;
      if (!res.headersSent) res.writeHead(404, { "content-length": "0" }).end();
    } catch (err) {
      this.o.log.error({ err, path: req.url?.slice(0, 200) }, "request failed");
      if (!res.headersSent) json(res, 500, { error: "internal error" });
      else res.destroy();
    }
  }
}
