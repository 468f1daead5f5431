/**
 * Starting the app's own HTTP server around Probot: the logger, Probot with
 * the app loaded, the webhook route with its limits, and the listening server.
 */
import { Probot, ProbotOctokit } from "probot";
import type { Logger } from "pino";
import { createApp, type AppOptions } from "../app/app.js";
import { withoutThrottleWaits } from "../app/octokit.js";
import { DEFAULT_SHUTDOWN_GRACE_MS } from "./settings.js";
import { BodyBudget } from "./body.js";
import { AppServer } from "./http.js";
import { createLogger } from "./log.js";
import type { ServerSettings } from "./settings.js";
import { webhookRoute } from "./webhook.js";

export interface StartedApp {
  server: AppServer;
  probot: Probot;
  log: Logger;
  settings: ServerSettings;
  /**
   * Stops as SIGTERM asks: no more deliveries (503, `/ready` not ready), the
   * reviews running have the grace period to finish, the rest end as neutral
   * ("interrupted by a restart"), then the server closes.
   */
  shutdown(graceMs?: number): Promise<void>;
}

/** Forwards deliveries from a smee.io channel (development; needs `smee-client` installed). */
async function startWebhookProxy(settings: ServerSettings, port: number, log: Logger) {
  const name = "smee-client";
  try {
    const { SmeeClient } = (await import(name)) as { SmeeClient: new (o: object) => any };
    const host = settings.host ?? "localhost";
    await new SmeeClient({
      logger: log,
      source: settings.webhookProxyUrl,
      target: `http://${host}:${port}${settings.webhookPath}`,
    }).start();
  } catch {
    log.warn("WEBHOOK_PROXY_URL is set but smee-client is not installed: npm install smee-client");
  }
}

export interface StartOptions {
  /** Options of the app (tests pass their queue or reviewer). */
  app?: AppOptions;
  /** The Octokit class (tests pass one with a request validator). */
  Octokit?: typeof ProbotOctokit;
}

/** Starts the server with the given settings. */
export async function startServer(
  settings: ServerSettings,
  options: StartOptions = {},
): Promise<StartedApp> {
  const log = await createLogger({
    level: settings.logLevel,
    logFormat: settings.logFormat,
    logLevelInString: settings.logLevelInString,
    logMessageKey: settings.logMessageKey,
    sentryDsn: settings.sentryDsn,
  });
  if (settings.defaultSecret)
    log.warn(
      'WEBHOOK_SECRET is not set: deliveries are checked against the secret "development" (allowed outside production only)',
    );
  const probot = new Probot({
    appId: settings.appId,
    privateKey: settings.privateKey,
    secret: settings.webhookSecret,
    baseUrl: settings.baseUrl,
    redisConfig: settings.redisUrl,
    log,
    // Probot's throttle would wait out any rate limit holding the review's slot; the app's retry layer decides.
    Octokit: withoutThrottleWaits(options.Octokit ?? ProbotOctokit),
  });
  await probot.ready();
  const budget = new BodyBudget(settings.limits.bodyBudgetBytes);
  const server = new AppServer({
    webhookPath: settings.webhookPath,
    webhook: (req, res) => route(req, res),
    log,
    requestTimeoutMs: settings.limits.bodyTimeoutMs + 10_000,
  });
  const route = webhookRoute({
    secret: settings.webhookSecret,
    limits: settings.limits,
    budget,
    receive: (event) => probot.receive(event as Parameters<Probot["receive"]>[0]),
    log: log.child({ name: "webhook" }),
    accepting: () => server.isAccepting,
  });
  const appFn = createApp(options.app);
  await probot.load(appFn, {
    cwd: process.cwd(),
    addHandler: (h: (req: any, res: any) => any) => server.addHandler(h),
  });
  // /ready also asks whether Redis answers (with REDIS_URL); /metrics is Prometheus text.
  server.addReadinessCheck("redis", () => appFn.ready());
  server.addHandler(async (req, res) => {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) return false;
    const { contentType, body } = await appFn.metrics.text();
    res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(body);
    return true;
  });
  await server.listen(settings.port, settings.host);
  log.info(
    `Listening on http://${settings.host ?? "localhost"}:${server.port} ` +
      `(webhooks at ${settings.webhookPath}; bodies up to ${Math.round(settings.limits.maxBodyBytes / 1048576)} MB)`,
  );
  if (settings.webhookProxyUrl) await startWebhookProxy(settings, server.port, log);
  let stopping: Promise<void> | undefined;
  const shutdown = (graceMs = settings.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS) =>
    (stopping ??= (async () => {
      server.stopAccepting();
      log.info(`stopping: running reviews have ${graceMs} ms to finish`);
      await appFn.close(graceMs);
      await server.close();
      log.info("stopped");
    })());
  return { server, probot, log, settings, shutdown };
}
