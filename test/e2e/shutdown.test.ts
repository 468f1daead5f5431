/**
 * SIGTERM through the app as users run it (`npm start`, built lib/) and the
 * GitHub stand-in: the server stops taking deliveries, a running review has
 * the grace period (G3DOC_REVIEW_SHUTDOWN_GRACE_MS) to finish, and every
 * other review ends at once as neutral, "interrupted by a restart"; no check
 * run is left in progress and the process exits 0. One review at a time and
 * slow GitHub answers, so reviews are still waiting when the signal comes.
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
import { gitRepo } from "./harness/git-repo.js";

const dir = mkdtempSync(join(tmpdir(), "g3doc-review-shutdown-"));
let standin: Standin;
let keys: AppKeys;
const secret = randomBytes(16).toString("hex");
const apps: AppProcess[] = [];

const { git, commitFiles } = gitRepo(dir);

let base: string;
let head: string;

beforeAll(async () => {
  if (!libBuilt()) throw new Error("lib/server/main.js is missing: `npm test` builds it first");
  git("init", "-q", "-b", "master");
  // gVisor's source layout (runsc/, pkg/sentry/): the "user space" term is its house style.
  base = commitFiles({
    "runsc/main.go": "package main\n",
    "pkg/sentry/kernel/kernel.go": "package kernel\n",
    "g3doc/index.md": "# Index\n\nSee the [guide](guide.md).\n",
    "g3doc/guide.md": "# Guide\n\nText.\n",
  });
  head = commitFiles({ "g3doc/guide.md": "# Guide\n\nText.\n\nThe sandbox runs in user space.\n" });
  keys = generateAppKeys();
  // Every answer 250 ms late: a review takes a few seconds.
  standin = await Standin.start({ appId: 78, publicKey: keys.publicKey, latencyMs: 250 });
}, 120_000);

afterAll(async () => {
  for (const a of apps) await a.stop();
  await standin?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const lastRun = (repo: Repo): CheckRun | undefined => {
  const runs = standin.checkRunsFor(repo, head, "g3doc-review");
  return runs[runs.length - 1];
};

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts the app, opens three pull requests, and sends SIGTERM once the first review runs. */
async function stopDuringReview(graceMs: number, tag: string) {
  const app = await AppProcess.start({
    appId: 78,
    privateKey: keys.privateKey,
    webhookSecret: secret,
    gheHost: standin.host,
    env: {
      G3DOC_REVIEW_CONCURRENCY: "1",
      G3DOC_REVIEW_SHUTDOWN_GRACE_MS: String(graceMs),
      // The check run in progress at once: the tests see a review running by it.
      G3DOC_REVIEW_IN_PROGRESS_AFTER_MS: "0",
    },
  });
  apps.push(app);
  const repos = [1, 2, 3].map((i) =>
    standin.addRepo({ owner: "google", name: `${tag}-${i}`, gitDir: dir, defaultSha: base }),
  );
  for (const repo of repos) {
    const pull = standin.openPull(repo, { number: 1, base, head });
    const r = await deliver(
      app.webhookUrl,
      "pull_request",
      await pullRequestPayload(standin, repo, pull, "opened", 1),
      secret,
    );
    expect(r.status).toBe(200);
  }
  await until("the first review runs", () => lastRun(repos[0])?.status === "in_progress", 30_000);
  expect(lastRun(repos[1])).toBeUndefined();
  const t0 = Date.now();
  const pid = app.serverPid();
  expect(pid).not.toBeNull();
  process.kill(pid!, "SIGTERM");
  await app.waitExit(graceMs + 15_000);
  return { app, repos, stopMs: Date.now() - t0 };
}

describe("SIGTERM through npm start", () => {
  test("a running review that finishes within the grace period completes; the waiting ones end neutral, interrupted by a restart", async () => {
    const { app, repos, stopMs } = await stopDuringReview(30_000, "graceful");
    expect(app.exited).toEqual({ code: 0, signal: null });
    expect(stopMs).toBeLessThan(30_000);
    const [first, ...rest] = repos.map(lastRun);
    expect(first).toMatchObject({ status: "completed", conclusion: "success" });
    expect(first!.output.title).toMatch(/^0 errors, 1 warning/);
    for (const run of rest) {
      expect(run).toMatchObject({ status: "completed", conclusion: "neutral" });
      expect(run!.output.title).toBe("Interrupted by a restart: re-run");
    }
    expect(app.unhandled).toEqual([]);
  }, 120_000);

  test("a review still running when the grace period ends is completed as interrupted; nothing is left in progress", async () => {
    const { app, repos, stopMs } = await stopDuringReview(300, "impatient");
    expect(app.exited).toEqual({ code: 0, signal: null });
    // The grace period and the completing writes, well within Docker's 10 s.
    expect(stopMs).toBeLessThan(8000);
    for (const repo of repos) {
      const run = lastRun(repo);
      expect(run).toMatchObject({ status: "completed", conclusion: "neutral" });
      expect(run!.output.title).toBe("Interrupted by a restart: re-run");
    }
    expect(standin.checkRunsFor(repos[0], head).filter((r) => r.status !== "completed")).toEqual(
      [],
    );
    expect(app.unhandled).toEqual([]);
  }, 120_000);
});
