/**
 * The server's settings, read once at start-up from the environment. A value
 * that is present but wrong (a malformed private key, a port that is not a
 * number) and, in production, a missing credential stop the start-up with one
 * line naming the variable: an app that cannot verify deliveries or sign its
 * requests must not look healthy.
 */
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Limits on what one webhook delivery may cost before it is verified. */
export interface BodyLimits {
  /** Largest body accepted (GitHub caps payloads at 25 MB). */
  maxBodyBytes: number;
  /** Bytes all deliveries being received may hold at once; past it the largest is refused. */
  bodyBudgetBytes: number;
  /** Time a client has to send the whole body. */
  bodyTimeoutMs: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = {
  maxBodyBytes: 25 * 1024 * 1024,
  bodyBudgetBytes: 100 * 1024 * 1024,
  bodyTimeoutMs: 10_000,
};

export interface ServerSettings {
  mode: "serve";
  production: boolean;
  appId: number;
  privateKey: string;
  webhookSecret: string;
  /** True when no WEBHOOK_SECRET was given outside production ("development" is used). */
  defaultSecret: boolean;
  port: number;
  host: string | undefined;
  webhookPath: string;
  baseUrl: string;
  logLevel: LogLevel;
  logFormat: "json" | "pretty";
  logLevelInString: boolean;
  logMessageKey: string | undefined;
  sentryDsn: string | undefined;
  redisUrl: string | undefined;
  webhookProxyUrl: string | undefined;
  limits: BodyLimits;
  /** On SIGTERM, how long running reviews have to finish (G3DOC_REVIEW_SHUTDOWN_GRACE_MS, default 8 s). */
  shutdownGraceMs?: number;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 8000;

/** No credentials outside production: Probot's registration flow (setup mode) serves the manifest. */
export interface SetupSettings {
  mode: "setup";
}

/** A start-up problem, named by its variable. */
export class StartupError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = "StartupError";
  }
}

type Env = Record<string, string | undefined>;

const PKCS1 = ["-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----"] as const;
const PKCS8 = ["-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----"] as const;

/** The PEM text of a key given inline: base64 of the PEM, `\n` escapes and one-line PEM are accepted. */
function normalizePem(value: string): string {
  let text = value.trim();
  if (!text.includes("-----BEGIN") && /^[A-Za-z0-9+/=\s]+$/.test(text))
    text = Buffer.from(text, "base64").toString("utf8").trim();
  if (text.includes("\\n")) text = text.replace(/\\n/g, "\n");
  for (const [begin, end] of [PKCS1, PKCS8]) {
    const at = text.indexOf(begin);
    const stop = text.indexOf(end);
    if (at >= 0 && stop > at && !text.includes("\n")) {
      const body = text
        .slice(at + begin.length, stop)
        .trim()
        .replace(/\s+/g, "\n");
      return `${begin}\n${body}\n${end}\n`;
    }
  }
  return text;
}

/** Checks that the text is an RSA private key GitHub's RS256 JWTs can be signed with. */
function checkKey(variable: string, pem: string): string {
  let kind: string | undefined;
  try {
    kind = createPrivateKey(pem).asymmetricKeyType;
  } catch {
    throw new StartupError(
      variable,
      "is not a PEM private key (copy the whole .pem file GitHub gave you, BEGIN and END lines included)",
    );
  }
  if (kind !== "rsa")
    throw new StartupError(
      variable,
      `is a ${kind ?? "unknown"} key; GitHub Apps sign with RSA keys`,
    );
  return pem;
}

function readPrivateKey(env: Env, cwd: string): string | undefined {
  if (env.PRIVATE_KEY) return checkKey("PRIVATE_KEY", normalizePem(env.PRIVATE_KEY));
  if (env.PRIVATE_KEY_PATH) {
    let text: string;
    try {
      text = readFileSync(resolve(cwd, env.PRIVATE_KEY_PATH), "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
      throw new StartupError("PRIVATE_KEY_PATH", `cannot read ${env.PRIVATE_KEY_PATH} (${code})`);
    }
    return checkKey("PRIVATE_KEY_PATH", normalizePem(text));
  }
  return undefined;
}

function readAppId(env: Env): number | undefined {
  const raw = env.APP_ID?.trim();
  if (!raw) return undefined;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) <= 0)
    throw new StartupError("APP_ID", `must be the app's numeric id, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function readPort(env: Env): number {
  const raw = env.PORT?.trim();
  if (!raw) return 3000;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535)
    throw new StartupError("PORT", `must be a port number (0-65535), got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function readLogLevel(env: Env): LogLevel {
  const raw = env.LOG_LEVEL?.trim().toLowerCase();
  if (!raw) return "info";
  if (!(LOG_LEVELS as readonly string[]).includes(raw))
    throw new StartupError("LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")}`);
  return raw as LogLevel;
}

/** A positive size in MB (decimals allowed) from the environment. */
export function readMegabytes(env: Env, name: string, fallbackBytes: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallbackBytes;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb <= 0)
    throw new StartupError(
      name,
      `must be a positive number of megabytes, got ${JSON.stringify(raw)}`,
    );
  return Math.floor(mb * 1024 * 1024);
}

function readWebhookPath(env: Env): string {
  const raw = env.WEBHOOK_PATH?.trim();
  if (!raw) return "/api/github/webhooks";
  if (!/^\/[\w\-./~]*$/.test(raw))
    throw new StartupError(
      "WEBHOOK_PATH",
      `must be a URL path starting with /, got ${JSON.stringify(raw)}`,
    );
  return raw.length > 1 ? raw.replace(/\/+$/, "") : raw;
}

function readBaseUrl(env: Env): string {
  const host = env.GHE_HOST?.trim();
  if (!host) return "https://api.github.com";
  const protocol = (env.GHE_PROTOCOL ?? "https").trim() || "https";
  if (protocol !== "https" && protocol !== "http")
    throw new StartupError(
      "GHE_PROTOCOL",
      `must be https or http, got ${JSON.stringify(protocol)}`,
    );
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host))
    throw new StartupError(
      "GHE_HOST",
      `must be a host name (and port), got ${JSON.stringify(host)}`,
    );
  return `${protocol}://${host}/api/v3`;
}

function readLimits(env: Env): BodyLimits {
  const maxBodyBytes = readMegabytes(
    env,
    "G3DOC_REVIEW_MAX_BODY_MB",
    DEFAULT_BODY_LIMITS.maxBodyBytes,
  );
  const bodyBudgetBytes = readMegabytes(
    env,
    "G3DOC_REVIEW_BODY_BUDGET_MB",
    DEFAULT_BODY_LIMITS.bodyBudgetBytes,
  );
  if (bodyBudgetBytes < maxBodyBytes)
    throw new StartupError(
      "G3DOC_REVIEW_BODY_BUDGET_MB",
      "must be at least G3DOC_REVIEW_MAX_BODY_MB (one full-size delivery must fit)",
    );
  const raw = env.G3DOC_REVIEW_BODY_TIMEOUT_S?.trim();
  let bodyTimeoutMs = DEFAULT_BODY_LIMITS.bodyTimeoutMs;
  if (raw) {
    const s = Number(raw);
    if (!Number.isFinite(s) || s <= 0 || s > 600)
      throw new StartupError(
        "G3DOC_REVIEW_BODY_TIMEOUT_S",
        `must be a number of seconds (at most 600), got ${JSON.stringify(raw)}`,
      );
    bodyTimeoutMs = Math.round(s * 1000);
  }
  return { maxBodyBytes, bodyBudgetBytes, bodyTimeoutMs };
}

function readGrace(env: Env): number {
  const raw = env.G3DOC_REVIEW_SHUTDOWN_GRACE_MS?.trim();
  if (!raw) return DEFAULT_SHUTDOWN_GRACE_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > 3_600_000)
    throw new StartupError(
      "G3DOC_REVIEW_SHUTDOWN_GRACE_MS",
      `must be a whole number of milliseconds (at most 3600000), got ${JSON.stringify(raw)}`,
    );
  return ms;
}

/**
 * Reads the settings; throws a StartupError naming the first variable at
 * fault. Outside production, missing credentials mean setup mode.
 */
export function readSettings(env: Env, cwd = process.cwd()): ServerSettings | SetupSettings {
  const production = env.NODE_ENV === "production";
  const appId = readAppId(env);
  const privateKey = readPrivateKey(env, cwd);
  const port = readPort(env);
  const logLevel = readLogLevel(env);
  const limits = readLimits(env);
  const shutdownGraceMs = readGrace(env);
  const webhookPath = readWebhookPath(env);
  const baseUrl = readBaseUrl(env);
  if (appId === undefined || privateKey === undefined) {
    if (!production) return { mode: "setup" };
    if (appId === undefined)
      throw new StartupError(
        "APP_ID",
        "is missing; it is required in production (NODE_ENV=production)",
      );
    throw new StartupError(
      "PRIVATE_KEY",
      "is missing (set PRIVATE_KEY or PRIVATE_KEY_PATH); it is required in production",
    );
  }
  const secret = env.WEBHOOK_SECRET ?? "";
  if (production && secret.trim() === "")
    throw new StartupError(
      "WEBHOOK_SECRET",
      "is missing; without it no delivery can be verified (required in production)",
    );
  const format = env.LOG_FORMAT?.trim();
  return {
    mode: "serve",
    production,
    appId,
    privateKey,
    webhookSecret: secret === "" ? "development" : secret,
    defaultSecret: secret === "",
    port,
    host: env.HOST?.trim() || undefined,
    webhookPath,
    baseUrl,
    logLevel,
    logFormat: format ? (format === "pretty" ? "pretty" : "json") : production ? "json" : "pretty",
    logLevelInString: env.LOG_LEVEL_IN_STRING === "true",
    logMessageKey: env.LOG_MESSAGE_KEY || undefined,
    sentryDsn: env.SENTRY_DSN || undefined,
    redisUrl: env.REDIS_URL || undefined,
    webhookProxyUrl: env.WEBHOOK_PROXY_URL || undefined,
    limits,
    shutdownGraceMs,
  };
}
