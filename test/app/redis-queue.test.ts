/**
 * The review queue on Redis (BullMQ) with more than one instance: each
 * instance is a Probot app in this process with its own Redis connections,
 * all on one key prefix of the test's own, against a real Redis (REDIS_URL,
 * else 127.0.0.1:6379, else redis-server from PATH; skipped visibly when
 * there is none) and the fake GitHub.
 */
import { describe, test, expect, afterEach, afterAll, beforeAll } from "@jest/globals";
import { randomUUID } from "node:crypto";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { createApp, type AppFunction } from "../../src/app/app.js";
import { RedisQueue } from "../../src/app/redis-queue.js";
import { RedisDeliveryLog, RedisReviewMemo } from "../../src/app/deliveries.js";
import { openApiValidatorPlugin, openApiViolations } from "../helpers/github-openapi.js";
import { FakeGitHub, type Files } from "./fake-github.js";
import {
  privateKey,
  pullRequestPayload,
  releaseNock,
  BASE_SHA,
  HEAD_SHA,
  HEAD2_SHA,
} from "./harness.js";
import { cleanPrefix, stopTestRedis, testPrefix, testRedis } from "../helpers/redis.js";
import { Redis } from "ioredis";
import http from "node:http";
import { startServer } from "../../src/server/start.js";
import { testSettings } from "../helpers/server-settings.js";

function get(port: number, path: string): Promise<{ status: number; text: string; type?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text, type: res.headers["content-type"] }),
        );
      })
      .on("error", reject);
  });
}

afterAll(releaseNock);

let url: string | undefined;
beforeAll(async () => {
  const r = await testRedis();
  if ("skip" in r) process.stdout.write(`\n[skip] the Redis queue tests: ${r.skip}\n`);
  else url = r.url;
}, 30_000);
afterAll(stopTestRedis);

// gVisor's source layout: its house style (the "user space" term) applies.
const layout: Files = {
  "runsc/main.go": "package main\n",
  "pkg/sentry/kernel/kernel.go": "package kernel\n",
};
const base: Files = { ...layout, "g3doc/a.md": "# A\n\nIntro.\n" };
const head: Files = { ...layout, "g3doc/a.md": "# A\n\nIntro.\n\nOne user space.\n" };

interface Instance {
  probot: Probot;
  app: AppFunction;
  receive(name: string, payload: unknown, id?: string): Promise<void>;
}

let prefix = "";
let fake: FakeGitHub;
const instances: Instance[] = [];

async function instance(role: "web" | "worker" | "both"): Promise<Instance> {
  const probot = new Probot({
    appId: 123,
    privateKey,
    logLevel: "fatal",
    Octokit: ProbotOctokit.plugin(openApiValidatorPlugin).defaults((o: any) => ({
      ...o,
      retry: { enabled: false },
      throttle: { ...o?.throttle, enabled: false },
    })),
  });
  const app = createApp({
    redisUrl: url,
    redisPrefix: prefix,
    role,
    retry: { retries: 3, baseDelayMs: 5, maxWaitMs: 5000, sleep: async () => {} },
    // The check run in progress at once: these tests see a review running (and adopt its run) by it.
    inProgressAfterMs: 0,
  });
  await probot.load(app);
  const i: Instance = {
    probot,
    app,
    receive: (name, payload, id = randomUUID()) =>
      probot.receive({ id, name: name as any, payload: payload as any }),
  };
  instances.push(i);
  return i;
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline)
      throw new Error(
        `not within ${ms} ms: ${what}; check runs: ${JSON.stringify(fake.checkRuns.map((r) => [r.head_sha.slice(0, 7), r.status, r.conclusion, r.output?.title]))}`,
      );
    await new Promise((r) => setTimeout(r, 25));
  }
}

const runsOf = (sha: string) => fake.checkRuns.filter((r) => r.head_sha === sha);

function setupFake(): void {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  openApiViolations.length = 0;
  fake = new FakeGitHub();
  fake.install();
  fake.addCommit(BASE_SHA, base);
  fake.addCommit(HEAD_SHA, head);
  fake.addCommit(HEAD2_SHA, { ...layout, "g3doc/a.md": "# A\n\nIntro.\n\nTwo user space.\n" });
}

const describeRedis = (name: string, fn: () => void) => describe(name, fn);

describeRedis("the review queue on Redis, two instances", () => {
  afterEach(async () => {
    for (const i of instances.splice(0)) await i.app.close(0);
    if (url) await cleanPrefix(url, prefix);
    nock.cleanAll();
  });

  const skipped = () => {
    if (url) return false;
    process.stdout.write("[skip] no Redis for this test\n");
    return true;
  };

  test("a push during a review running on the other instance: the older check run ends cancelled, the newer completes", async () => {
    if (skipped()) return;
    prefix = testPrefix();
    setupFake();
    fake.latencyMs = 120;
    const worker = await instance("worker");
    const web = await instance("web");
    fake.addPull({ number: 2, base: BASE_SHA, head: HEAD_SHA });
    await web.receive("pull_request", pullRequestPayload("opened"));
    await until(
      "the first review runs on the worker",
      () => runsOf(HEAD_SHA)[0]?.status === "in_progress",
    );
    fake.addPull({ number: 2, base: BASE_SHA, head: HEAD2_SHA });
    await web.receive("pull_request", pullRequestPayload("synchronize", { head: HEAD2_SHA }));
    await until(
      "both check runs complete",
      () =>
        [...runsOf(HEAD_SHA), ...runsOf(HEAD2_SHA)].every((r) => r.status === "completed") &&
        runsOf(HEAD2_SHA).length === 1,
    );
    expect(runsOf(HEAD_SHA)).toHaveLength(1);
    expect(runsOf(HEAD_SHA)[0]).toMatchObject({ conclusion: "cancelled" });
    expect(runsOf(HEAD_SHA)[0].output!.title).toBe(`Superseded by ${HEAD2_SHA.slice(0, 7)}`);
    expect(runsOf(HEAD2_SHA)[0]).toMatchObject({ conclusion: "success" });
    expect(openApiViolations).toEqual([]);
    expect(worker.app.metrics).toBeDefined();
    // The outcome is counted just after the check run completes.
    let text = "";
    for (let i = 0; i < 100 && !/status="reviewed"/.test(text); i++) {
      if (i) await new Promise((r) => setTimeout(r, 20));
      text = (await worker.app.metrics.text()).body;
    }
    expect(text).toMatch(
      /g3doc_review_reviews_total\{status="cancelled",conclusion="cancelled"\} 1/,
    );
    expect(text).toMatch(/g3doc_review_reviews_total\{status="reviewed",conclusion="success"\} 1/);
    expect(text).toMatch(/g3doc_review_jobs\{state="waiting"\} 0/);
    expect(text).toMatch(/g3doc_review_github_requests_total\{method="POST",status="201"\} \d+/);
  }, 60_000);

  test("every instance stopped with reviews waiting in Redis, then one started again: every waiting review is done", async () => {
    if (skipped()) return;
    prefix = testPrefix();
    setupFake();
    const web = await instance("web");
    for (const n of [2, 3, 4]) {
      fake.addPull({ number: n, base: BASE_SHA, head: HEAD_SHA });
      await web.receive("pull_request", pullRequestPayload("opened", { number: n }));
    }
    expect(fake.checkRuns).toHaveLength(0);
    await web.app.close(0);
    instances.splice(instances.indexOf(web), 1);
    const counter = new RedisQueue({ url: url!, prefix, work: false, concurrency: 1 });
    expect((await counter.counts()).waiting).toBe(3);
    await counter.close(0);

    await instance("both");
    await until(
      "three reviews complete",
      () => fake.checkRuns.filter((r) => r.status === "completed").length === 3,
    );
    expect(fake.checkRuns.map((r) => r.conclusion)).toEqual(["success", "success", "success"]);
    expect(fake.reviews.length).toBeGreaterThan(0);
  }, 60_000);

  test("SIGTERM's close during a review hands it back; another instance adopts its check run: one run, completed, nothing posted twice", async () => {
    if (skipped()) return;
    prefix = testPrefix();
    setupFake();
    fake.latencyMs = 150;
    const first = await instance("both");
    fake.addPull({ number: 2, base: BASE_SHA, head: HEAD_SHA });
    await first.receive("pull_request", pullRequestPayload("opened"));
    await until("the review runs", () => runsOf(HEAD_SHA)[0]?.status === "in_progress");
    await first.app.close(50);
    instances.splice(instances.indexOf(first), 1);
    // Handed back: nothing left in progress while no worker runs; the next worker updates the same run.
    expect(runsOf(HEAD_SHA)).toHaveLength(1);
    expect(runsOf(HEAD_SHA)[0]).toMatchObject({ status: "completed", conclusion: "neutral" });
    expect(runsOf(HEAD_SHA)[0].output!.title).toBe("Interrupted by a restart: runs again");
    fake.latencyMs = 0;
    await instance("worker");
    await until("the review completes", () => runsOf(HEAD_SHA)[0]?.conclusion === "success");
    await new Promise((r) => setTimeout(r, 300));
    expect(runsOf(HEAD_SHA)).toHaveLength(1);
    expect(runsOf(HEAD_SHA)[0]).toMatchObject({ conclusion: "success" });
    expect(fake.reviews).toHaveLength(1);
  }, 60_000);

  test("a delivery redelivered to the other instance is not reviewed twice; the review memo is shared", async () => {
    if (skipped()) return;
    prefix = testPrefix();
    setupFake();
    const a = await instance("both");
    const b = await instance("both");
    fake.addPull({ number: 2, base: BASE_SHA, head: HEAD_SHA });
    const id = randomUUID();
    await a.receive("pull_request", pullRequestPayload("opened"), id);
    await b.receive("pull_request", pullRequestPayload("opened"), id);
    await until("the review completes", () => runsOf(HEAD_SHA)[0]?.status === "completed");
    // Same head and base, another delivery, the other instance: nothing new to say.
    await b.receive("pull_request", pullRequestPayload("synchronize"));
    await new Promise((r) => setTimeout(r, 500));
    expect(runsOf(HEAD_SHA)).toHaveLength(1);
    const redis = new Redis(url!);
    try {
      const log = new RedisDeliveryLog(redis, `${prefix}-x`, 60);
      expect([await log.seen("d1"), await log.seen("d1"), await log.seen("d2")]).toEqual([
        false,
        true,
        false,
      ]);
      expect(await redis.ttl(`${prefix}-x:delivery:d1`)).toBeGreaterThan(50);
      const memo = new RedisReviewMemo(redis, `${prefix}-x`, 60);
      await memo.started("pr", "k1");
      expect(await memo.done("pr", "k1")).toBe(true);
      await memo.started("pr", "k2");
      await memo.finished("pr", "k1", true); // superseded: does not count
      expect(await memo.done("pr", "k1")).toBe(false);
      await memo.finished("pr", "k2", true);
      expect(await memo.done("pr", "k2")).toBe(true);
    } finally {
      await cleanPrefix(url!, `${prefix}-x`);
      redis.disconnect();
    }
  }, 60_000);

  test("/ready says whether Redis answers; /metrics is Prometheus text", async () => {
    if (skipped()) return;
    prefix = testPrefix();
    setupFake();
    const up = await startServer(testSettings(privateKey, "s"), {
      app: { redisUrl: url, redisPrefix: prefix, role: "web" },
    });
    const down = await startServer(testSettings(privateKey, "s"), {
      app: { redisUrl: "redis://127.0.0.1:1", redisPrefix: prefix, role: "web" },
    });
    try {
      expect(await get(up.server.port, "/ready")).toMatchObject({ status: 200 });
      const notReady = await get(down.server.port, "/ready");
      expect(notReady.status).toBe(503);
      expect(JSON.parse(notReady.text).reasons).toEqual([expect.stringMatching(/^redis: /)]);
      const m = await get(up.server.port, "/metrics");
      expect(m.status).toBe(200);
      expect(m.type).toMatch(/^text\/plain/);
      expect(m.text).toMatch(/^g3doc_review_jobs\{state="waiting"\} 0$/m);
      expect(m.text).toMatch(/^# TYPE g3doc_review_review_duration_seconds histogram$/m);
    } finally {
      await up.shutdown(0);
      await down.shutdown(0);
    }
  }, 30_000);
});
