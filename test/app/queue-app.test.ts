/**
 * The queue through the app: a rate limit that lifts later than the app
 * waits ends the review (neutral, saying when it runs again) and schedules
 * it for after the reset; Probot's own throttle never waits it out; past the
 * queue's bound a delivery is still answered 200 and its check run completes
 * as neutral.
 */
import { describe, test, expect, afterEach, afterAll } from "@jest/globals";
import http from "node:http";
import { createHmac } from "node:crypto";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import {
  setup,
  teardown,
  violations,
  pullRequestPayload,
  privateKey,
  releaseNock,
  BASE_SHA,
  HEAD_SHA,
} from "./harness.js";
import { FakeGitHub, type Files } from "./fake-github.js";
import { InProcessQueue } from "../../src/app/queue.js";
import { withoutThrottleWaits } from "../../src/app/octokit.js";
import { startServer, type StartedApp } from "../../src/server/start.js";
import { testSettings } from "../helpers/server-settings.js";
import { openApiValidatorPlugin } from "../helpers/github-openapi.js";

afterAll(releaseNock);
afterEach(teardown);

const base: Files = { "g3doc/a.md": "# A\n\nIntro.\n" };
const head: Files = { "g3doc/a.md": "# A\n\nIntro.\n\nOne user space.\n" };

const exhausted = (resetInS: number) => ({
  headers: {
    "x-ratelimit-remaining": "0",
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + resetInS),
  },
  body: { message: "API rate limit exceeded for installation ID 1." },
});

describe("a rate limit longer than the app waits", () => {
  test("the review ends at once: its check run completes neutral saying when it runs again, and it is scheduled for after the reset", async () => {
    const h = await setup();
    h.fake.addCommit(BASE_SHA, base);
    h.fake.addCommit(HEAD_SHA, head);
    h.fake.addPull({ number: 2, base: BASE_SHA, head: HEAD_SHA });
    h.fake.fail(/^POST \/graphql$/, 403, exhausted(3601));
    const t0 = Date.now();
    await h.receive("pull_request", pullRequestPayload("opened"));
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(violations()).toEqual([]);
    // No wait was asked for: the slot was given back at once.
    expect(h.sleeps).toEqual([]);
    expect(h.fake.checkRuns).toHaveLength(1);
    const run = h.fake.checkRuns[0];
    expect(run).toMatchObject({ status: "completed", conclusion: "neutral" });
    const when = new Date((Math.floor(t0 / 1000) + 3601) * 1000).toISOString().slice(11, 16);
    expect(run.output!.title).toMatch(
      /^Rate limited: runs again after (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC$/,
    );
    expect([when, new Date(Date.now() + 3601_000).toISOString().slice(11, 16)]).toContain(
      /(\d\d:\d\d) UTC$/.exec(run.output!.title!)![1],
    );
    expect(run.output!.summary).toMatch(/will run again by itself after that time/);
    expect(h.outcomes.map((o) => o.status)).toEqual(["rate-limited"]);
    expect(h.outcomes[0].retryAt).toBeGreaterThan(t0 + 3_590_000);
    expect(h.queue.delayedCount).toBe(1);
    // A newer push replaces the scheduled review and runs now.
    h.fake.addCommit("b".repeat(40), head);
    h.fake.addPull({ number: 2, base: BASE_SHA, head: "b".repeat(40) });
    await h.receive("pull_request", pullRequestPayload("synchronize", { head: "b".repeat(40) }));
    expect(h.queue.delayedCount).toBe(0);
    expect(h.outcomes.map((o) => o.status)).toEqual(["rate-limited", "reviewed"]);
    await h.queue.close(0);
  });

  test("a short rate limit is still waited out within the same review", async () => {
    const h = await setup();
    h.fake.addCommit(BASE_SHA, base);
    h.fake.addCommit(HEAD_SHA, head);
    h.fake.addPull({ number: 2, base: BASE_SHA, head: HEAD_SHA });
    h.fake.fail(/^POST \/graphql$/, 403, { ...exhausted(2), headers: { "retry-after": "2" } });
    await h.receive("pull_request", pullRequestPayload("opened"));
    expect(h.sleeps).toEqual([2000]);
    expect(h.outcomes.map((o) => o.status)).toEqual(["reviewed"]);
    expect(h.queue.delayedCount).toBe(0);
  });

  test("Probot's throttle hands a rate limit of an hour back at once instead of waiting it out", async () => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    const fake = new FakeGitHub();
    fake.install();
    fake.addCommit(BASE_SHA, base);
    fake.fail(/^GET .*\/git\/trees\//, 403, exhausted(3601));
    const probot = new Probot({
      appId: 123,
      privateKey,
      logLevel: "fatal",
      // Probot's defaults: throttling on, its handlers asking to retry after the reset.
      Octokit: withoutThrottleWaits(ProbotOctokit.plugin(openApiValidatorPlugin)),
    });
    const octokit = await probot.auth(1);
    const t0 = Date.now();
    const err = await octokit.rest.git
      .getTree({ owner: fake.owner, repo: fake.repo, tree_sha: BASE_SHA })
      .then(
        () => undefined,
        (e: unknown) => e as { status?: number },
      );
    expect(err?.status).toBe(403);
    expect(Date.now() - t0).toBeLessThan(5000);
    nock.cleanAll();
  });
});

describe("a full queue over HTTP", () => {
  let started: StartedApp | undefined;
  afterEach(async () => {
    await started?.shutdown(0);
    started = undefined;
  });

  test("past the bound a delivery is answered 200 and its check run completes neutral, saying the queue was full", async () => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    const fake = new FakeGitHub();
    fake.install();
    fake.latencyMs = 100;
    fake.addCommit(BASE_SHA, base);
    fake.addCommit(HEAD_SHA, head);
    for (const n of [2, 3, 4]) fake.addPull({ number: n, base: BASE_SHA, head: HEAD_SHA });
    const queue = new InProcessQueue({ concurrency: 1, maxWaiting: 1 });
    started = await startServer(testSettings(privateKey, "s3cret"), {
      app: { queue },
      Octokit: ProbotOctokit.plugin(openApiValidatorPlugin).defaults((o: any) => ({
        ...o,
        retry: { enabled: false },
        throttle: { ...o?.throttle, enabled: false },
      })),
    });
    const statuses: number[] = [];
    for (const n of [2, 3, 4]) {
      const body = JSON.stringify(pullRequestPayload("opened", { number: n }));
      statuses.push(await post(started.server.port, body, `d-${n}`));
    }
    expect(statuses).toEqual([200, 200, 200]);
    await queue.onIdle();
    expect(violations()).toEqual([]);
    expect(fake.checkRuns.filter((r) => r.status !== "completed")).toEqual([]);
    const full = fake.checkRuns.filter((r) => r.conclusion === "neutral");
    expect(full).toHaveLength(1);
    expect(full[0].output!.title).toBe("The review queue was full: re-run");
    expect(fake.checkRuns).toHaveLength(3);
  });
});

function post(port: number, body: string, id: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/api/github/webhooks",
        headers: {
          "content-type": "application/json",
          "x-github-event": "pull_request",
          "x-github-delivery": id,
          "x-hub-signature-256": `sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}`,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
