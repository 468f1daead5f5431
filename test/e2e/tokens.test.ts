/**
 * Through the app as users run it (`npm start`, built lib/) and the GitHub
 * stand-in: an installation token GitHub stops taking in the middle of a
 * review (revoked: 401 to every call that carries it), and a check-run
 * update GitHub refuses every time, never leave the check run in progress.
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
import { gitRepo } from "./harness/git-repo.js";

const dir = mkdtempSync(join(tmpdir(), "g3doc-review-tokens-"));
let standin: Standin;
let app: AppProcess;
const secret = randomBytes(16).toString("hex");
const { git, commitFiles } = gitRepo(dir);
let base: string;
let head: string;

beforeAll(async () => {
  if (!libBuilt()) throw new Error("lib/server/main.js is missing: `npm test` builds it first");
  git("init", "-q", "-b", "master");
  base = commitFiles({
    "runsc/main.go": "package main\n",
    "pkg/sentry/kernel/kernel.go": "package kernel\n",
    "g3doc/index.md": "# Index\n\nSee the [guide](guide.md).\n",
    "g3doc/guide.md": "# Guide\n\nText.\n",
  });
  head = commitFiles({ "g3doc/guide.md": "# Guide\n\nText.\n\nThe sandbox runs in user space.\n" });
  const keys = generateAppKeys();
  standin = await Standin.start({ appId: 79, publicKey: keys.publicKey });
  app = await AppProcess.start({
    appId: 79,
    privateKey: keys.privateKey,
    webhookSecret: secret,
    gheHost: standin.host,
  });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await standin?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function review(name: string): Promise<{ repo: Repo; run: CheckRun }> {
  const repo = standin.addRepo({ owner: "google", name, gitDir: dir, defaultSha: base });
  const pull = standin.openPull(repo, { number: 1, base, head });
  const payload = await pullRequestPayload(standin, repo, pull, "opened", 1);
  const r = await deliver(app.webhookUrl, "pull_request", payload, secret);
  expect(r.status).toBeLessThan(300);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const runs = standin.checkRunsFor(repo, head, "g3doc-review");
    // Settled: the run is completed and no request has come for a second.
    const last = standin.requests.at(-1);
    if (
      runs.length &&
      runs.every((x) => x.status === "completed") &&
      standin.now() - last!.at > 1000
    )
      return { repo, run: runs[runs.length - 1] };
    if (Date.now() > deadline)
      throw new Error(
        `check runs not completed in 60 s: ${JSON.stringify(runs.map((x) => [x.status, x.output.title]))}\n${app.logTail(20)}`,
      );
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** The request that completes the check run: an update, or its create when the review posts it once, completed. */
const completes = (rec: { operation: string }, body: any) =>
  rec.operation === "checks/update" ||
  (rec.operation === "checks/create" && body?.status === "completed");

describe("GitHub refusing the app's writes", () => {
  test("a token revoked during the review: the app asks for a fresh one once and completes the run with its result", async () => {
    let revokedAt: number | undefined;
    standin.intercept = (rec, body) => {
      // Revoked just before the completion: every request with the cached token now gets 401.
      if (completes(rec, body) && revokedAt === undefined) {
        revokedAt = rec.seq;
        standin.tokens.clear();
      }
      return undefined;
    };
    try {
      const { run } = await review("revoked-token");
      expect(revokedAt).toBeDefined();
      const after = standin.requests.filter((r) => r.seq >= revokedAt!);
      // 401s with the revoked token (the client library itself retries a young token's 401 twice),
      // then one fresh token, and none after it.
      const fresh = after.filter((r) => r.operation === "apps/create-installation-access-token");
      expect(fresh).toHaveLength(1);
      const refused = after.filter((r) => r.status === 401);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(refused.every((r) => r.seq < fresh[0].seq)).toBe(true);
      expect(run.status).toBe("completed");
      expect(run.output.title).toMatch(/^0 errors, 1 warning/);
      expect(app.stdoutLines.join("\n") + app.stderrLines.join("\n")).toContain(
        "GitHub refused the installation token (401)",
      );
    } finally {
      standin.intercept = undefined;
    }
  }, 120_000);

  test("a completion GitHub refuses every time (an annotation it will not take): completed without it, saying so", async () => {
    let refused = 0;
    standin.intercept = (rec, body) => {
      if (!completes(rec, body) || !body?.output?.annotations) return undefined;
      refused++;
      return {
        status: 422,
        body: {
          message: "Invalid request.\n\nOnly 50 annotations may be written per request.",
          documentation_url: "https://docs.github.com/rest/checks/runs#update-a-check-run",
        },
      };
    };
    try {
      const { repo, run } = await review("refused-update");
      expect(refused).toBeGreaterThan(0);
      expect(run.status).toBe("completed");
      expect(run.conclusion).toBe("success");
      expect(run.output.summary).toMatch(/^GitHub refused this check run's full result/);
      expect(run.output.summary).toContain("GitHub answered 422");
      expect(repo.checkRuns.filter((r) => r.status !== "completed")).toEqual([]);
    } finally {
      standin.intercept = undefined;
    }
  }, 120_000);
});
