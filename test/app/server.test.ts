import { describe, test, expect, afterEach, beforeAll, afterAll } from "@jest/globals";
import http from "node:http";
import { createHmac } from "node:crypto";
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ProbotOctokit } from "probot";
import { InProcessQueue } from "../../src/app/queue.js";
import { startServer, type StartedApp } from "../../src/server/start.js";
import { testSettings } from "../helpers/server-settings.js";
import { openApiValidatorPlugin } from "../helpers/github-openapi.js";
import { FakeGitHub } from "./fake-github.js";
import {
  privateKey,
  pullRequestPayload,
  seedTrees,
  teardown,
  violations,
  BASE_SHA,
  HEAD_SHA,
  releaseNock,
} from "./harness.js";
import nock from "nock";

afterAll(releaseNock);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SECRET = "s3cret";
const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

/** A plain node:http request (nock's fetch interception is on for the GitHub fake). */
function httpRequest(
  port: number,
  method: string,
  urlPath: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: urlPath, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function post(
  port: number,
  body: string,
  signature: string,
  id = "d-1",
): Promise<{ status: number; text: string; ms: number }> {
  const t0 = Date.now();
  const res = await httpRequest(
    port,
    "POST",
    "/api/github/webhooks",
    {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": id,
      "x-hub-signature-256": signature,
    },
    body,
  );
  return { ...res, ms: Date.now() - t0 };
}

describe("the webhook over HTTP (the app's server, in process)", () => {
  let started: StartedApp | undefined;
  afterEach(async () => {
    await started?.server.close();
    started = undefined;
    teardown();
  });

  async function start(): Promise<{ port: number; fake: FakeGitHub; queue: InProcessQueue }> {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    const fake = new FakeGitHub();
    fake.install();
    const queue = new InProcessQueue();
    started = await startServer(testSettings(privateKey, SECRET), {
      app: { queue },
      Octokit: ProbotOctokit.plugin(openApiValidatorPlugin).defaults((o: any) => ({
        ...o,
        retry: { enabled: false },
        throttle: { ...o?.throttle, enabled: false },
      })),
    });
    return { port: started.server.port, fake, queue };
  }

  test("a forged signature is rejected and nothing reaches GitHub", async () => {
    const { port, fake, queue } = await start();
    const body = JSON.stringify(pullRequestPayload("opened"));
    const res = await post(port, body, sign(body, "not-the-secret"));
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/signature does not match/);
    expect(res.text).not.toMatch(/Error|at .*\.js/);
    await queue.onIdle();
    expect(fake.log).toEqual([]);
  });

  test("a correctly signed delivery is answered in under 1 s while the review takes longer", async () => {
    const { port, fake, queue } = await start();
    const { base, head } = seedTrees(false);
    fake.addCommit(BASE_SHA, base);
    fake.addCommit(HEAD_SHA, head);
    fake.addPull({ number: 2, base: BASE_SHA, head: HEAD_SHA });
    fake.latencyMs = 200; // every GitHub request is slow: the review takes ~2 s
    const body = JSON.stringify(pullRequestPayload("opened"));
    const t0 = Date.now();
    const res = await post(port, body, sign(body));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1000);
    expect(fake.checkRuns.filter((r) => r.status === "completed")).toHaveLength(0);
    await queue.onIdle();
    expect(Date.now() - t0).toBeGreaterThan(1000);
    expect(violations()).toEqual([]);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
  });
});

describe("the server as a user starts it (npm start, built lib/)", () => {
  let child: ChildProcess | undefined;
  beforeAll(() => {
    if (!fs.existsSync(path.join(root, "lib/server/main.js"))) {
      // `npm test` builds first; a lone jest run builds here (tsc emits even if someone else's file has type errors).
      try {
        execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: root, stdio: "ignore" });
      } catch {
        /* emitted anyway */
      }
    }
  });
  afterEach(() => {
    if (child?.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
  });

  test("npm start with APP_ID, PRIVATE_KEY, WEBHOOK_SECRET and PORT answers /ping, and rejects a forged delivery", async () => {
    const port = 39000 + Math.floor(Math.random() * 1000);
    child = spawn("npm", ["start"], {
      cwd: root,
      detached: true,
      env: {
        ...process.env,
        NODE_OPTIONS: "",
        APP_ID: "123",
        PRIVATE_KEY: privateKey,
        WEBHOOK_SECRET: SECRET,
        PORT: String(port),
        LOG_LEVEL: "warn",
        NODE_ENV: "production",
      },
      stdio: "ignore",
    });
    let ping: { status: number; text: string } | undefined;
    for (let i = 0; i < 200 && !ping; i++) {
      await new Promise((r) => setTimeout(r, 200));
      ping = await httpRequest(port, "GET", "/ping").catch(() => undefined);
    }
    expect(ping).toEqual({ status: 200, text: "PONG" });
    const body = JSON.stringify(pullRequestPayload("opened"));
    const res = await post(port, body, sign(body, "wrong"));
    expect(res.status).toBe(400);
  }, 60_000);
});
