/**
 * The budget of a review through the app as users run it (`npm start`,
 * built lib/) and the GitHub stand-in: one installation's pull request adds a
 * doc too costly to review within the budget, another installation's pull
 * request is ordinary. The costly review is stopped, its check run completes
 * as a failure naming the doc, and the other review completes with its
 * findings. One review worker, so the ordinary review waits for the costly
 * one: it finishes only because that one was stopped.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Standin } from "./standin/server.js";
import type { CheckRun, Repo } from "./standin/model.js";
import { AppProcess, generateAppKeys, libBuilt } from "./harness/app-process.js";
import { deliver, pullRequestPayload } from "./harness/webhooks.js";
import { denseMarkdown } from "../../tools/bench/dense.js";
import { gitRepo } from "./harness/git-repo.js";

const CPU_SECONDS = 2;
const dir = mkdtempSync(join(tmpdir(), "g3doc-review-budget-"));
let standin: Standin;
let app: AppProcess;
const secret = randomBytes(16).toString("hex");

const { git, commitFiles } = gitRepo(dir);

async function completedRun(repo: Repo, head: string, timeoutMs: number): Promise<CheckRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = standin.checkRunsFor(repo, head, "g3doc-review");
    const last = runs[runs.length - 1];
    if (last?.status === "completed") return last;
    if (Date.now() > deadline)
      throw new Error(
        `no completed check run for ${head.slice(0, 7)} in ${timeoutMs} ms (runs: ${JSON.stringify(runs.map((r) => [r.status, r.output.title]))}); the app's last lines:\n${[...app.stdoutLines, ...app.stderrLines].slice(-20).join("\n")}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

let base: string;
let costlyHead: string;
let ordinaryHead: string;

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
  // Two branches from the base: a 3 MB doc dense in markup, and an ordinary change.
  costlyHead = commitFiles({ "g3doc/big.md": denseMarkdown(3 * 1024 * 1024) });
  git("checkout", "-q", base);
  ordinaryHead = commitFiles({
    "g3doc/guide.md": "# Guide\n\nText.\n\nThe sandbox runs in user space.\n",
  });
  const keys = generateAppKeys();
  standin = await Standin.start({ appId: 77, publicKey: keys.publicKey, installations: 2 });
  app = await AppProcess.start({
    appId: 77,
    privateKey: keys.privateKey,
    webhookSecret: secret,
    gheHost: standin.host,
    env: { G3DOC_REVIEW_CPU_SECONDS: String(CPU_SECONDS), G3DOC_REVIEW_WORKERS: "1" },
  });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await standin?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the budget of a review, through the app", () => {
  test("a review over its CPU budget completes as a failure naming the doc; another installation's review completes", async () => {
    const costlyRepo = standin.addRepo({
      owner: "google",
      name: "costly-docs",
      gitDir: dir,
      defaultSha: base,
    });
    const otherRepo = standin.addRepo({
      owner: "google",
      name: "ordinary-docs",
      gitDir: dir,
      defaultSha: base,
    });
    const costlyPull = standin.openPull(costlyRepo, { number: 1, base, head: costlyHead });
    const otherPull = standin.openPull(otherRepo, { number: 1, base, head: ordinaryHead });
    const send = async (repo: Repo, pull: typeof costlyPull, installation: number) => {
      const payload = await pullRequestPayload(standin, repo, pull, "opened", installation);
      const r = await deliver(app.webhookUrl, "pull_request", payload, secret);
      expect(r.status).toBeLessThan(300);
    };
    await send(costlyRepo, costlyPull, 1);
    await send(otherRepo, otherPull, 2);

    const costly = await completedRun(costlyRepo, costlyHead, 240_000);
    expect(costly.conclusion).toBe("failure");
    expect(costly.output.title).toBe("Too costly to review: over the CPU time budget");
    expect(costly.output.summary).toContain(
      `it went over its CPU time budget of ${CPU_SECONDS.toFixed(1)} s`,
    );
    expect(costly.output.summary).toMatch(/^- `g3doc\/big\.md`: [\d.]+ s of CPU time$/m);

    const other = await completedRun(otherRepo, ordinaryHead, 240_000);
    expect(other.conclusion).toBe("success");
    expect(other.output.title).toMatch(/^0 errors, 1 warning/);
    expect(app.unhandled).toEqual([]);
    expect(app.exited).toBeNull();
  }, 600_000);
});
