/**
 * Times the app's answers from a worker thread of its own: the stand-in and
 * the attacks run on the harness's main thread, and a timer there would count
 * their work as the app's. The worker polls GET /ping and sends the webhook
 * deliveries it is handed, timing each on its own idle event loop.
 */
import { Worker } from "node:worker_threads";
import { createHmac, randomUUID } from "node:crypto";

const SOURCE = `
const { parentPort } = require("node:worker_threads");
const http = require("node:http");
let pinging = null;
const times = [];
const stamps = [];
function once(url, method, headers, body, timeoutMs) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request(url, { method, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, ms: performance.now() - t0, body: Buffer.concat(chunks).toString("utf8").slice(0, 2000) }));
      res.on("error", () => resolve({ status: 0, ms: performance.now() - t0, body: "" }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ status: 0, ms: performance.now() - t0, body: String(e.message) }));
    req.end(body);
  });
}
async function pingLoop(url, everyMs) {
  while (pinging) {
    const at = Date.now();
    const r = await once(url, "GET", {}, undefined, 5000);
    stamps.push(at);
    times.push(r.status === 200 && r.body.trim() === "PONG" ? r.ms : Math.max(5000, r.ms));
    await new Promise((res) => setTimeout(res, everyMs));
  }
}
parentPort.on("message", async (m) => {
  if (m.kind === "ping-start") { times.length = 0; stamps.length = 0; pinging = true; pinging = pingLoop(m.url, m.everyMs); }
  else if (m.kind === "ping-stop") { const p = pinging; pinging = null; await p; parentPort.postMessage({ id: m.id, times: times.slice(), stamps: stamps.slice() }); }
  else if (m.kind === "post") { const r = await once(m.url, "POST", m.headers, m.body, m.timeoutMs); parentPort.postMessage({ id: m.id, ...r }); }
});
`;

export interface ProbeAnswer {
  status: number;
  ms: number;
  body: string;
}

export class Prober {
  private readonly worker = new Worker(SOURCE, { eval: true });
  private seq = 0;
  private readonly waiting = new Map<number, (m: any) => void>();

  constructor() {
    this.worker.on("message", (m: { id: number }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      w?.(m);
    });
    this.worker.unref();
  }

  private ask<T>(m: Record<string, unknown>): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve) => {
      this.waiting.set(id, resolve as (m: any) => void);
      this.worker.postMessage({ ...m, id });
    });
  }

  /** Starts polling `url` (GET /ping) every `everyMs`; a ping without PONG counts as 5 s. */
  startPings(url: string, everyMs = 50): void {
    this.worker.postMessage({ kind: "ping-start", url, everyMs });
  }

  /** Stops polling; the times of every ping since the start. */
  async stopPings(): Promise<number[]> {
    return (await this.stopPingsTimed()).map((p) => p.ms);
  }

  /** Stops polling; every ping since the start: when it was sent (Date.now()) and how long it took. */
  async stopPingsTimed(): Promise<{ at: number; ms: number }[]> {
    const r = await this.ask<{ times: number[]; stamps: number[] }>({ kind: "ping-stop" });
    return r.times.map((ms, i) => ({ ms, at: r.stamps[i] }));
  }

  /** POSTs a signed webhook delivery (`signature: null` leaves it out); the answer, timed in the worker. */
  deliver(
    url: string,
    event: string,
    body: string,
    secret: string,
    o: { signature?: string | null; deliveryId?: string; timeoutMs?: number } = {},
  ): Promise<ProbeAnswer> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/e2e",
      "x-github-event": event,
      "x-github-delivery": o.deliveryId ?? randomUUID(),
      "x-github-hook-id": "1",
      "content-length": String(Buffer.byteLength(body)),
    };
    const sig =
      o.signature === undefined
        ? `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`
        : o.signature;
    if (sig !== null) headers["x-hub-signature-256"] = sig;
    return this.ask<ProbeAnswer>({
      kind: "post",
      url,
      headers,
      body,
      timeoutMs: o.timeoutMs ?? 30_000,
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
