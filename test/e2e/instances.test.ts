/**
 * Two instances of the app as users run them (`npm start`, built lib/) with
 * one Redis (REDIS_URL; skipped visibly without one) and the GitHub stand-in:
 * one installation's writes stay at least 1 s apart whichever instance sends
 * them (Probot's throttle, clustered in Redis), and a worker SIGKILLed during
 * a review has its job taken by the other, which adopts the check run: one
 * run, completed, no comment posted twice.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Standin } from "./standin/server.js";
import type { CheckRun, Repo } from "./standin/model.js";
import { AppProcess, generateAppKeys, libBuilt, type AppKeys } from "./harness/app-process.js";
import { deliver, pullRequestPayload } from "./harness/webhooks.js";
import { cleanPrefix, stopTestRedis, testPrefix, testRedis } from "../helpers/redis.js";
import { gitRepo } from "./harness/git-repo.js";

const dir = mkdtempSync(join(tmpdir(), "g3doc-review-instances-"));
let standin: Standin;
let keys: AppKeys;
let url: string | undefined;
const secret = randomBytes(16).toString("hex");
const apps: AppProcess[] = [];
const prefixes: string[] = [];

const { git, commitFiles } = gitRepo(dir);

let base: string;
let head: string;

beforeAll(async () => {
  const r = await testRedis();
  if ("skip" in r) {
    process.stdout.write(`\n[skip] two instances on Redis: ${r.skip}\n`);
    return;
  }
  url = r.url;
  if (!libBuilt()) throw new Error("lib/server/main.js is missing: `npm test` builds it first");
  git("init", "-q", "-b", "master");
  // gVisor's source layout: its house style (the "user space" term) applies.
  base = commitFiles({
    "runsc/main.go": "package main\n",
    "pkg/sentry/kernel/kernel.go": "package kernel\n",
    "g3doc/index.md": "# Index\n\nSee the [guide](guide.md).\n",
    "g3doc/guide.md": "# Guide\n\nText.\n",
  });
  head = commitFiles({
    "g3doc/guide.md":
      "# Guide\n\nText.\n\nThe sandbox runs in user space.\n\nThe Sentry runs in user space too.\n",
  });
  keys = generateAppKeys();
  standin = await Standin.start({ appId: 79, publicKey: keys.publicKey, latencyMs: 100 });
}, 120_000);

afterAll(async () => {
  for (const a of apps) await a.stop();
  await standin?.stop();
  if (url) for (const p of prefixes) await cleanPrefix(url, p);
  stopTestRedis();
  rmSync(dir, { recursive: true, force: true });
});

const lastRun = (repo: Repo): CheckRun | undefined => {
  const runs = standin.checkRunsFor(repo, head, "g3doc-review");
  return runs[runs.length - 1];
};

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline)
      throw new Error(`not within ${ms} ms: ${what}\n${apps.map((a) => a.logTail(10)).join("\n")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function start(prefix: string, extra: Record<string, string> = {}): Promise<AppProcess> {
  return AppProcess.start({
    appId: 79,
    privateKey: keys.privateKey,
    webhookSecret: secret,
    gheHost: standin.host,
    env: {
      REDIS_URL: url!,
      G3DOC_REVIEW_REDIS_PREFIX: prefix,
      G3DOC_REVIEW_LOCK_MS: "3000",
      // The check run in progress at once: the tests see a review running (and adopt its run) by it.
      G3DOC_REVIEW_IN_PROGRESS_AFTER_MS: "0",
      ...extra,
    },
  }).then((a) => {
    apps.push(a);
    return a;
  });
}

describe("two instances on Redis, through npm start", () => {
  test("one installation's writes stay at least 1 s apart across both instances", async () => {
    if (!url) return;
    const prefix = testPrefix();
    prefixes.push(prefix);
    const pair = [await start(prefix), await start(prefix)];
    const repos = [1, 2, 3, 4].map((i) =>
      standin.addRepo({ owner: "google", name: `spaced-${i}`, gitDir: dir, defaultSha: base }),
    );
    const from = standin.requests.length;
    await Promise.all(
      repos.map(async (repo, i) => {
        const pull = standin.openPull(repo, { number: 1, base, head });
        const payload = await pullRequestPayload(standin, repo, pull, "opened", 1);
        const r = await deliver(pair[i % 2].webhookUrl, "pull_request", payload, secret);
        expect(r.status).toBe(200);
      }),
    );
    await until(
      "four reviews complete",
      () => repos.every((r) => lastRun(r)?.status === "completed"),
      120_000,
    );
    for (const r of repos) expect(lastRun(r)).toMatchObject({ conclusion: "success" });
    if (process.env.G3DOC_DEBUG_SPACING)
      for (const r of standin.requests.slice(from))
        process.stdout.write(`${r.at.toFixed(0)} ${r.method} ${r.operation} ${r.repo ?? ""}\n`);
    const writes = standin.requests
      .slice(from)
      .filter(
        (r) =>
          r.operation !== "apps/create-installation-access-token" &&
          (r.method !== "GET" || r.operation.startsWith("graphql")),
      )
      .map((r) => r.at)
      .sort((a, b) => a - b);
    const gaps = writes.slice(1).map((t, i) => t - writes[i]);
    const shortest = Math.min(...gaps);
    process.stdout.write(
      `\n[spacing] ${writes.length} writes of one installation from 2 instances: shortest gap ${shortest.toFixed(0)} ms\n`,
    );
    expect(writes.length).toBeGreaterThan(8);
    expect(shortest).toBeGreaterThanOrEqual(1000);
  }, 240_000);

  test("a worker SIGKILLed during a review: the other instance takes the job and adopts its check run", async () => {
    if (!url) return;
    const prefix = testPrefix();
    prefixes.push(prefix);
    standin.latencyMs = 400;
    const doomed = await start(prefix);
    const repo = standin.addRepo({
      owner: "google",
      name: "killed",
      gitDir: dir,
      defaultSha: base,
    });
    const pull = standin.openPull(repo, { number: 1, base, head });
    const payload = await pullRequestPayload(standin, repo, pull, "opened", 1);
    expect((await deliver(doomed.webhookUrl, "pull_request", payload, secret)).status).toBe(200);
    await until("the review runs", () => lastRun(repo)?.status === "in_progress", 60_000);
    doomed.killNow();
    await doomed.waitExit(5000);
    expect(lastRun(repo)?.status).toBe("in_progress");
    standin.latencyMs = 0;
    await start(prefix);
    await until("the review completes", () => lastRun(repo)?.status === "completed", 60_000);
    const runs = standin.checkRunsFor(repo, head, "g3doc-review");
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "completed", conclusion: "success" });
    const marks = standin
      .commentsOf(repo, 1)
      .filter((c) => c.inReplyTo === undefined)
      .map((c) => /g3doc-review:fp=([0-9a-f]+)/.exec(c.body)?.[1])
      .filter(Boolean);
    expect(marks.length).toBeGreaterThan(0);
    expect(new Set(marks).size).toBe(marks.length);
  }, 240_000);

  test("SIGTERM during a review: the process exits 0, nothing is left in progress, and the next instance finishes the same check run", async () => {
    if (!url) return;
    const prefix = testPrefix();
    prefixes.push(prefix);
    standin.latencyMs = 400;
    const stopping = await start(prefix, { G3DOC_REVIEW_SHUTDOWN_GRACE_MS: "300" });
    const repo = standin.addRepo({
      owner: "google",
      name: "stopped",
      gitDir: dir,
      defaultSha: base,
    });
    const pull = standin.openPull(repo, { number: 1, base, head });
    const payload = await pullRequestPayload(standin, repo, pull, "opened", 1);
    expect((await deliver(stopping.webhookUrl, "pull_request", payload, secret)).status).toBe(200);
    await until("the review runs", () => lastRun(repo)?.status === "in_progress", 60_000);
    process.kill(stopping.serverPid()!, "SIGTERM");
    await stopping.waitExit(10_000);
    expect(stopping.exited).toEqual({ code: 0, signal: null });
    expect(lastRun(repo)).toMatchObject({ status: "completed", conclusion: "neutral" });
    expect(lastRun(repo)!.output.title).toBe("Interrupted by a restart: runs again");
    standin.latencyMs = 0;
    await start(prefix);
    await until("the review completes", () => lastRun(repo)?.conclusion === "success", 60_000);
    expect(standin.checkRunsFor(repo, head, "g3doc-review")).toHaveLength(1);
    expect(standin.violations).toEqual([]);
  }, 240_000);
});
