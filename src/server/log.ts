/**
 * The app's logger: pino with Probot's formatting (pretty or JSON), and
 * serializers that keep webhook payloads and request headers out of the log.
 * Probot and @octokit/webhooks attach the whole event to the errors they log
 * (`error.event`); a rejected 5 MB body must cost one short line, not 5 MB.
 */
import pino, { type Logger } from "pino";
import { getTransformStream } from "@probot/pino";
import type { LogLevel } from "./settings.js";

export interface LogOptions {
  level: LogLevel;
  logFormat: "json" | "pretty";
  logLevelInString?: boolean;
  logMessageKey?: string;
  sentryDsn?: string;
}

const MAX_MESSAGE = 500;

/** One line of an error's message, bounded. */
export function shortMessage(message: unknown): string {
  const text = typeof message === "string" ? message : String(message ?? "");
  const line = text.split("\n", 1)[0];
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  status?: unknown;
  code?: unknown;
  errors?: unknown;
  request?: { method?: unknown; url?: unknown };
}

/** An error as a small object: name, first line of the message, status, a bounded stack; never `event`, `headers` or bodies. */
export function serializeError(err: unknown, depth = 0): Record<string, unknown> {
  if (err === null || typeof err !== "object") return { message: shortMessage(err) };
  const e = err as ErrorLike;
  const out: Record<string, unknown> = {
    type: typeof e.name === "string" ? e.name : "Error",
    message: shortMessage(e.message),
  };
  if (typeof e.status === "number") out.status = e.status;
  if (typeof e.code === "string" || typeof e.code === "number") out.code = e.code;
  if (e.request && typeof e.request.method === "string" && typeof e.request.url === "string")
    out.request = `${e.request.method} ${e.request.url.replace(/\?.*$/, "")}`.slice(0, 300);
  if (typeof e.stack === "string") out.stack = e.stack.split("\n").slice(0, 12).join("\n");
  if (Array.isArray(e.errors) && depth < 2)
    out.errors = e.errors.slice(0, 5).map((x) => serializeError(x, depth + 1));
  return out;
}

/** A webhook event as its id, name and action (an event name stays as it is, bounded). */
export function serializeEvent(event: unknown): Record<string, unknown> | string | undefined {
  if (typeof event === "string") return event.slice(0, 100);
  if (event === null || typeof event !== "object") return undefined;
  const e = event as { id?: unknown; name?: unknown; payload?: { action?: unknown } };
  const action = e.payload?.action;
  return {
    id: typeof e.id === "string" ? e.id.slice(0, 100) : undefined,
    name: typeof e.name === "string" ? e.name.slice(0, 100) : undefined,
    ...(typeof action === "string" ? { action: action.slice(0, 100) } : {}),
  };
}

export const SERIALIZERS = {
  err: (e: unknown) => serializeError(e),
  error: (e: unknown) => serializeError(e),
  event: serializeEvent,
  payload: () => "[payload left out]",
  headers: () => "[headers left out]",
};

/** Secrets that may sit in logged objects (Octokit request options at trace level). */
const REDACT = [
  "headers.authorization",
  "*.headers.authorization",
  "request.headers.authorization",
  "options.headers.authorization",
  "privateKey",
  "*.privateKey",
  "secret",
  "*.secret",
  "token",
  "*.token",
];

export async function createLogger(o: LogOptions): Promise<Logger> {
  const transform = await getTransformStream({
    logFormat: o.logFormat,
    logLevelInString: o.logLevelInString,
    sentryDsn: o.sentryDsn,
  });
  transform.pipe(pino.destination(1) as unknown as NodeJS.WritableStream);
  return pino(
    {
      level: o.level,
      name: "probot",
      messageKey: o.logMessageKey ?? "msg",
      serializers: SERIALIZERS,
      redact: { paths: REDACT, censor: "[redacted]" },
    },
    transform,
  );
}
