/** Server settings for tests: what `npm start` would read, for a silent server on a free port of loopback. */
import { DEFAULT_BODY_LIMITS, type ServerSettings } from "../../src/server/settings.js";

/** Settings as `npm start` would read them, for a server on a free port of loopback. */
export function testSettings(
  privateKey: string,
  secret: string,
  over: Partial<ServerSettings> = {},
): ServerSettings {
  return {
    mode: "serve",
    production: true,
    appId: 123,
    privateKey,
    webhookSecret: secret,
    defaultSecret: false,
    port: 0,
    host: "127.0.0.1",
    webhookPath: "/api/github/webhooks",
    baseUrl: "https://api.github.com",
    logLevel: "silent",
    logFormat: "json",
    logLevelInString: false,
    logMessageKey: undefined,
    sentryDsn: undefined,
    redisUrl: undefined,
    webhookProxyUrl: undefined,
    limits: DEFAULT_BODY_LIMITS,
    ...over,
  };
}
