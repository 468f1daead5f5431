/**
 * The webhook route: headers first (a delivery without a well-formed
 * signature is refused before its body is read), then the body within the
 * size and time limits with its HMAC computed on the way, then the payload's
 * shape, then Probot's handlers. Every refusal is one log line with the
 * delivery id, the event, the status and why; never the payload. Answers
 * carry no internal error text.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { payloadProblem } from "../app/payloads.js";
import {
  declaredLength,
  receiveBody,
  signatureShapeOk,
  tooLarge,
  type BodyBudget,
  type Refusal,
} from "./body.js";
import type { BodyLimits } from "./settings.js";

/** What the route hands a verified delivery to (Probot's `receive`). */
export type Receive = (event: { id: string; name: string; payload: any }) => Promise<void>;

export interface WebhookRouteOptions {
  secret: string;
  limits: BodyLimits;
  budget: BodyBudget;
  receive: Receive;
  log: Logger;
  /** False while the server stops taking deliveries (the answer is 503). */
  accepting?: () => boolean;
  /** Longest wait for the handlers before answering 202 (they only queue work). */
  handlerTimeoutMs?: number;
}

const JSON_TYPE = /^\s*application\/json\s*(?:;|$)/i;

/** A header value fit for a log line: bounded, printable, one line. */
export function logSafe(value: unknown, max = 100): string | undefined {
  if (typeof value !== "string") return undefined;
  const s = value.replace(/[^\x20-\x7e]/g, "?");
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = typeof body === "string" ? body : `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    "content-type": typeof body === "string" ? "text/plain" : "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/**
 * Answers a refusal while the body may still be arriving: the connection is
 * closed after the answer, and what the client still sends is discarded (not
 * kept) for a moment so it can read the answer.
 */
function refuseUnread(req: IncomingMessage, res: ServerResponse, r: Refusal): void {
  if (!req.complete) {
    // Node closes such a connection as soon as the answer is written; with the client's bytes
    // unread, that sends a reset, which can reach the client before it read the answer. Only
    // our side is closed then, and the socket is destroyed after the linger below.
    const socket = req.socket as typeof req.socket & { destroySoon?: () => void };
    socket.destroySoon = () => {
      if (socket.writable) socket.end();
    };
  }
  send(res, r.status, { error: r.reason }, { ...r.headers, connection: "close" });
  if (req.complete) return;
  req.resume();
  const linger = setTimeout(() => req.socket.destroy(), 1000);
  linger.unref();
  req.socket.once("close", () => clearTimeout(linger));
}

interface Delivery {
  id: string | undefined;
  event: string | undefined;
}

function headerChecks(req: IncomingMessage, limits: BodyLimits): Refusal | undefined {
  const type = req.headers["content-type"];
  if (typeof type !== "string" || !JSON_TYPE.test(type))
    return { status: 415, reason: 'the content type must be "application/json"' };
  const missing = ["x-github-event", "x-github-delivery", "x-hub-signature-256"].filter(
    (h) => typeof req.headers[h] !== "string" || req.headers[h] === "",
  );
  if (missing.length > 0)
    return { status: 400, reason: `required headers missing: ${missing.join(", ")}` };
  if (!/^[a-z_]{1,64}$/.test(req.headers["x-github-event"] as string))
    return { status: 400, reason: "x-github-event is not an event name" };
  if (!/^[\w.-]{1,100}$/.test(req.headers["x-github-delivery"] as string))
    return { status: 400, reason: "x-github-delivery is not a delivery id" };
  if (!signatureShapeOk(req.headers["x-hub-signature-256"] as string))
    return { status: 400, reason: "x-hub-signature-256 is not a sha256 signature" };
  const length = declaredLength(req);
  if (length === "bad") return { status: 400, reason: "content-length is not a number" };
  if (length !== "none" && length > limits.maxBodyBytes)
    return { status: 413, reason: tooLarge(limits) };
  return undefined;
}

function parsePayload(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** Status and public reason for an error thrown by the handlers. */
function errorAnswer(err: unknown): Refusal {
  const errors = err instanceof AggregateError ? err.errors : [err];
  for (const e of errors as { status?: unknown; expose?: unknown; message?: unknown }[]) {
    // Errors of the app's own that are meant to be told (e.g. a full queue) keep their status and message.
    if (e && e.expose === true && typeof e.status === "number" && typeof e.message === "string")
      return { status: e.status, reason: e.message.split("\n", 1)[0].slice(0, 200) };
    if (e && typeof e.status === "number" && e.status === 503)
      return { status: 503, reason: "the app cannot take this delivery now; try again later" };
  }
  return { status: 500, reason: "internal error" };
}

export function webhookRoute(o: WebhookRouteOptions) {
  const timeoutMs = o.handlerTimeoutMs ?? 9000;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const t0 = performance.now();
    const delivery: Delivery = {
      id: logSafe(req.headers["x-github-delivery"]),
      event: logSafe(req.headers["x-github-event"], 64),
    };
    const line = (status: number, extra: Record<string, unknown> = {}) => ({
      delivery: delivery.id,
      event: delivery.event,
      status,
      ms: Math.round(performance.now() - t0),
      ...extra,
    });
    const refuse = (r: Refusal, bytes?: number) => {
      refuseUnread(req, res, r);
      o.log.warn(line(r.status, { reason: r.reason, bytes }), "webhook refused");
    };
    if (o.accepting && !o.accepting())
      return refuse({
        status: 503,
        reason: "the app is shutting down; deliver again later",
        headers: { "retry-after": "30" },
      });
    const early = headerChecks(req, o.limits);
    if (early) return refuse(early);
    const got = await receiveBody(req, {
      limits: o.limits,
      budget: o.budget,
      secret: o.secret,
      signature: req.headers["x-hub-signature-256"] as string,
    });
    if (!got.ok) return refuse(got);
    const bytes = got.body.length;
    if (!got.signatureMatches)
      return refuse({ status: 400, reason: "signature does not match the body and secret" }, bytes);
    const payload = parsePayload(got.body);
    if (payload === undefined)
      return refuse({ status: 400, reason: "the body is not JSON" }, bytes);
    const problem = payloadProblem(delivery.event!, payload);
    if (problem)
      return refuse(
        { status: 400, reason: `not a valid ${delivery.event} payload: ${problem}` },
        bytes,
      );
    await dispatch(
      req,
      res,
      o,
      { id: delivery.id!, name: delivery.event!, payload },
      timeoutMs,
      (status, extra) => line(status, { bytes, ...extra }),
    );
  };
}

async function dispatch(
  _req: IncomingMessage,
  res: ServerResponse,
  o: WebhookRouteOptions,
  event: { id: string; name: string; payload: any },
  timeoutMs: number,
  line: (status: number, extra?: Record<string, unknown>) => Record<string, unknown>,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<"slow">((r) => (timer = setTimeout(() => r("slow"), timeoutMs)));
  const handled = o.receive(event).then(
    () => "ok" as const,
    (err: unknown) => err,
  );
  const outcome = await Promise.race([handled, slow]);
  clearTimeout(timer);
  if (outcome === "ok") {
    send(res, 200, "ok\n");
    o.log.info(line(200, { action: logSafe(event.payload?.action, 64) }), "webhook received");
    return;
  }
  if (outcome === "slow") {
    send(res, 202, "still processing\n");
    o.log.warn(line(202), "webhook handlers still running; answered 202");
    void handled.then((late) => {
      if (late !== "ok") o.log.error({ ...line(500), err: late }, "webhook handler failed");
    });
    return;
  }
  const answer = errorAnswer(outcome);
  send(res, answer.status, { error: answer.reason }, answer.headers);
  const level = answer.status >= 500 && answer.status !== 503 ? "error" : "warn";
  o.log[level]({ ...line(answer.status), err: outcome }, "webhook not taken");
}
