import { describe, test, expect } from "@jest/globals";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateAppKeys } from "../e2e/harness/app-process.js";
import { readSettings, StartupError } from "../../src/server/settings.js";

const { privateKey } = generateAppKeys();
const prod = { NODE_ENV: "production", APP_ID: "12", PRIVATE_KEY: privateKey, WEBHOOK_SECRET: "s" };

function failure(env: Record<string, string | undefined>): StartupError {
  try {
    readSettings(env);
  } catch (err) {
    if (err instanceof StartupError) return err;
    throw err;
  }
  throw new Error("readSettings accepted the environment");
}

describe("start-up settings", () => {
  test("the shutdown grace period: 8 s by default, G3DOC_REVIEW_SHUTDOWN_GRACE_MS in ms, a bad value named", () => {
    expect(readSettings(prod)).toMatchObject({ shutdownGraceMs: 8000 });
    expect(readSettings({ ...prod, G3DOC_REVIEW_SHUTDOWN_GRACE_MS: "30000" })).toMatchObject({
      shutdownGraceMs: 30_000,
    });
    expect(failure({ ...prod, G3DOC_REVIEW_SHUTDOWN_GRACE_MS: "8s" }).message).toMatch(
      /^G3DOC_REVIEW_SHUTDOWN_GRACE_MS: must be a whole number of milliseconds/,
    );
  });

  test("a complete production environment is read with the documented defaults", () => {
    const s = readSettings(prod);
    expect(s).toMatchObject({
      mode: "serve",
      appId: 12,
      webhookSecret: "s",
      port: 3000,
      webhookPath: "/api/github/webhooks",
      baseUrl: "https://api.github.com",
      logLevel: "info",
      logFormat: "json",
      limits: {
        maxBodyBytes: 25 * 1024 * 1024,
        bodyBudgetBytes: 100 * 1024 * 1024,
        bodyTimeoutMs: 10_000,
      },
    });
  });

  test("the key may be given with \\n escapes, base64-encoded, or by path", () => {
    const escaped = privateKey.replace(/\n/g, "\\n");
    expect(readSettings({ ...prod, PRIVATE_KEY: escaped })).toMatchObject({ mode: "serve" });
    const b64 = Buffer.from(privateKey).toString("base64");
    expect(readSettings({ ...prod, PRIVATE_KEY: b64 })).toMatchObject({ mode: "serve" });
    const dir = mkdtempSync(join(tmpdir(), "g3doc-key-"));
    writeFileSync(join(dir, "app.pem"), privateKey);
    const s = readSettings({ ...prod, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: "app.pem" }, dir);
    expect(s).toMatchObject({ mode: "serve", privateKey: privateKey.trim() });
  });

  test.each([
    [
      "a PEM that holds no key",
      { PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" },
      "PRIVATE_KEY",
    ],
    ["text that is no PEM", { PRIVATE_KEY: "my key" }, "PRIVATE_KEY"],
    [
      "a key file that is not there",
      { PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: "/nonexistent/app.pem" },
      "PRIVATE_KEY_PATH",
    ],
    ["no secret in production", { WEBHOOK_SECRET: undefined }, "WEBHOOK_SECRET"],
    ["a blank secret in production", { WEBHOOK_SECRET: "  " }, "WEBHOOK_SECRET"],
    ["no key in production", { PRIVATE_KEY: undefined }, "PRIVATE_KEY"],
    ["no app id in production", { APP_ID: undefined }, "APP_ID"],
    ["an app id that is not a number", { APP_ID: "12abc" }, "APP_ID"],
    ["a port out of range", { PORT: "70000" }, "PORT"],
    ["an unknown log level", { LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [
      "a body cap that is not a size",
      { G3DOC_REVIEW_MAX_BODY_MB: "lots" },
      "G3DOC_REVIEW_MAX_BODY_MB",
    ],
    [
      "a budget under the cap",
      { G3DOC_REVIEW_BODY_BUDGET_MB: "10" },
      "G3DOC_REVIEW_BODY_BUDGET_MB",
    ],
    ["a body timeout of 0", { G3DOC_REVIEW_BODY_TIMEOUT_S: "0" }, "G3DOC_REVIEW_BODY_TIMEOUT_S"],
  ])("%s is refused, naming the variable", (_name, over, variable) => {
    const err = failure({ ...prod, ...over });
    expect(err.variable).toBe(variable);
    expect(err.message.startsWith(`${variable}: `)).toBe(true);
    expect(err.message).not.toContain("\n");
    expect(err.message).not.toContain(privateKey.slice(40, 80));
  });

  test("a malformed key is refused outside production too (no silent setup mode)", () => {
    expect(failure({ APP_ID: "12", PRIVATE_KEY: "oops" }).variable).toBe("PRIVATE_KEY");
  });

  test("outside production, no credentials means setup mode and no secret means the development one", () => {
    expect(readSettings({})).toEqual({ mode: "setup" });
    const s = readSettings({ APP_ID: "12", PRIVATE_KEY: privateKey });
    expect(s).toMatchObject({ mode: "serve", webhookSecret: "development", defaultSecret: true });
  });
});
