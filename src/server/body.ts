/**
 * Receiving a webhook body within bounds. The size is known to be within the
 * cap before a byte is kept (`content-length`), or the body is cut off at the
 * cap as it streams in; all bodies being received share one budget of bytes,
 * and when a new chunk would pass it, the largest body is refused (a flood of
 * big unsigned bodies loses against an ordinary delivery of a few kilobytes).
 * The signature's HMAC is computed as the bytes arrive, so a forged body is
 * never joined into one buffer.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { BodyLimits } from "./settings.js";

export interface Refusal {
  status: number;
  /** Short public reason (the response body and the log line say it). */
  reason: string;
  headers?: Record<string, string>;
}

export type Received =
  { ok: true; body: Buffer; signatureMatches: boolean } | ({ ok: false } & Refusal);

interface Holder {
  bytes: number;
  evict(): void;
}

/** Bytes held by all bodies being received, with the largest evicted past the limit. */
export class BodyBudget {
  private readonly holders = new Set<Holder>();
  private total = 0;

  constructor(readonly limit: number) {}

  get held(): number {
    return this.total;
  }

  /** Adds `n` bytes to `holder`; false when the holder had to be evicted for them. */
  take(holder: Holder, n: number): boolean {
    this.holders.add(holder);
    holder.bytes += n;
    this.total += n;
    while (this.total > this.limit) {
      let largest = holder;
      for (const h of this.holders) if (h.bytes > largest.bytes) largest = h;
      this.release(largest);
      largest.evict();
      if (largest === holder) return false;
    }
    return true;
  }

  release(holder: Holder): void {
    if (!this.holders.delete(holder)) return;
    this.total -= holder.bytes;
    holder.bytes = 0;
  }
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/;

/** Whether `header` is a well-formed `X-Hub-Signature-256` value. */
export function signatureShapeOk(header: string | undefined): boolean {
  return header !== undefined && SIGNATURE.test(header);
}

function matches(header: string, digest: Buffer): boolean {
  const m = SIGNATURE.exec(header);
  if (!m) return false;
  return timingSafeEqual(Buffer.from(m[1], "hex"), digest);
}

/** The declared length: a number, "none" when absent, or "bad" when malformed. */
export function declaredLength(req: IncomingMessage): number | "none" | "bad" {
  const raw = req.headers["content-length"];
  if (raw === undefined) return "none";
  return /^\d{1,15}$/.test(raw) ? Number(raw) : "bad";
}

export interface ReceiveOptions {
  limits: BodyLimits;
  budget: BodyBudget;
  secret: string;
  /** The `X-Hub-Signature-256` header (already checked for shape). */
  signature: string;
}

/** Reads the body within the limits and checks its signature on the way. */
export function receiveBody(req: IncomingMessage, o: ReceiveOptions): Promise<Received> {
  const { limits, budget } = o;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const hmac = createHmac("sha256", o.secret);
    let settled = false;
    const holder: Holder = { bytes: 0, evict: () => finish(busy) };
    const busy: Received = {
      ok: false,
      status: 503,
      reason: "too many large deliveries are being received at once; try again later",
      headers: { "retry-after": "10" },
    };
    const timer = setTimeout(
      () => finish({ ok: false, status: 408, reason: "the body did not arrive in time" }),
      limits.bodyTimeoutMs,
    );
    function finish(result: Received | null): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      budget.release(holder);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      chunks.length = 0;
      if (result) resolve(result);
      else resolve({ ok: false, status: 400, reason: "the client went away" });
    }
    function onData(chunk: Buffer): void {
      if (settled) return;
      if (holder.bytes + chunk.length > limits.maxBodyBytes) {
        finish({ ok: false, status: 413, reason: tooLarge(limits) });
        return;
      }
      if (!budget.take(holder, chunk.length)) return;
      hmac.update(chunk);
      chunks.push(chunk);
    }
    function onEnd(): void {
      if (settled) return;
      const signatureMatches = matches(o.signature, hmac.digest());
      // A forged body is dropped as it is: never joined, never parsed.
      const body = signatureMatches ? Buffer.concat(chunks) : Buffer.alloc(0);
      finish({ ok: true, body, signatureMatches });
    }
    function onClose(): void {
      if (!req.complete) finish(null);
    }
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("close", onClose);
  });
}

export function tooLarge(limits: BodyLimits): string {
  const mb = limits.maxBodyBytes / (1024 * 1024);
  return `the body is larger than ${Number.isInteger(mb) ? mb : mb.toFixed(2)} MB`;
}
