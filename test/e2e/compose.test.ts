/**
 * compose.yaml (two app instances and Redis, docs/app.md "Running more than
 * one instance"), its steps carried out without Docker: the file's services
 * are read, Redis is the test's own (REDIS_URL, 127.0.0.1:6379 or
 * redis-server from PATH; skipped visibly without one), and each app service
 * is started as its image would start it (`npm start`, the Dockerfile's CMD,
 * tested by test:docker-steps) with the service's environment, the name
 * `redis` standing for the test's Redis. Both instances answer /ready, a
 * delivery sent to either is reviewed, and both stop within the file's
 * stop_grace_period.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { get } from "node:http";
import { parse } from "yaml";
import { Standin } from "./standin/server.js";
import type { Repo } from "./standin/model.js";
import { AppProcess, generateAppKeys, libBuilt } from "./harness/app-process.js";
import { projectRoot } from "./harness/paths.js";
import { deliver, pullRequestPayload } from "./harness/webhooks.js";
import { cleanPrefix, stopTestRedis, testPrefix, testRedis } from "../helpers/redis.js";

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  ports?: string[];
}

const compose = parse(readFileSync(join(projectRoot(), "compose.yaml"), "utf8"), {
  merge: true,
}) as { services: Record<string, Service> };
const apps = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

const seconds = (d: string) => {
  const m = /^(\d+)(s|m)$/.exec(d);
  if (!m) throw new Error(`stop_grace_period ${d} is not a number of seconds or minutes`);
  return Number(m[1]) * (m[2] === "m" ? 60 : 1);
};

function getJson(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let t = "";
      res.on("data", (c: Buffer) => (t += c.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(t || "null") }));
    }).on("error", reject);
  });
}

describe("compose.yaml", () => {
  test("two app instances built from the Dockerfile, on Redis, with a stop grace period beyond the app's", () => {
    expect(apps.map(([name]) => name)).toEqual(["app1", "app2"]);
    const redis = compose.services.redis;
    expect(redis.image).toMatch(/^redis:/);
    expect(redis.healthcheck?.test).toEqual(["CMD", "redis-cli", "ping"]);
    for (const [, s] of apps) {
      expect(s.build).toBe(".");
      expect(s.environment?.REDIS_URL).toBe("redis://redis:6379");
      expect(s.depends_on?.redis.condition).toBe("service_healthy");
      const grace = Number(s.environment?.G3DOC_REVIEW_SHUTDOWN_GRACE_MS ?? 8000) / 1000;
      expect(seconds(s.stop_grace_period ?? "10s")).toBeGreaterThanOrEqual(grace + 2);
      expect(s.ports?.[0]).toMatch(new RegExp(`:${s.environment?.PORT ?? 3000}$`));
    }
  });

  describe("its steps, without Docker", () => {
    const dir = mkdtempSync(join(tmpdir(), "g3doc-review-compose-"));
    const secret = randomBytes(16).toString("hex");
    const running: AppProcess[] = [];
    let url: string | undefined;
    let prefix = "";
    let standin: Standin;
    let keys: ReturnType<typeof generateAppKeys>;
    let base = "";
    let head = "";
    const git = (...a: string[]) =>
      execFileSync("git", a, {
        cwd: dir,
        encoding: "utf8",
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: "t",
          GIT_AUTHOR_EMAIL: "t@example.com",
          GIT_COMMITTER_NAME: "t",
          GIT_COMMITTER_EMAIL: "t@example.com",
        },
      }).trim();
    const commit = (files: Record<string, string>) => {
      for (const [p, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), text);
      }
      git("add", "-A");
      git("commit", "-q", "-m", "change");
      return git("rev-parse", "HEAD");
    };

    beforeAll(async () => {
      const r = await testRedis();
      if ("skip" in r) {
        process.stdout.write(`\n[skip] compose.yaml's steps: ${r.skip}\n`);
        return;
      }
      url = r.url;
      prefix = testPrefix();
      if (!libBuilt()) throw new Error("lib/server/main.js is missing: `npm test` builds it first");
      git("init", "-q", "-b", "master");
      base = commit({ "g3doc/index.md": "# Index\n\nText.\n" });
      head = commit({ "g3doc/index.md": "# Index\n\nText.\n\nMore text.\n" });
      keys = generateAppKeys();
      standin = await Standin.start({ appId: 80, publicKey: keys.publicKey });
    }, 60_000);

    afterAll(async () => {
      for (const a of running) await a.stop();
      await standin?.stop();
      if (url) await cleanPrefix(url, prefix);
      stopTestRedis();
      rmSync(dir, { recursive: true, force: true });
    });

    test("both instances start, are ready with Redis, review a delivery each, and stop within the grace period", async () => {
      if (!url) return;
      for (const [, s] of apps) {
        const env = { ...s.environment };
        // The service name `redis` is the test's Redis; each instance gets a free port (the mapping's host side).
        env.REDIS_URL = env.REDIS_URL!.replace(/^redis:\/\/redis:6379/, url);
        delete env.PORT;
        env.G3DOC_REVIEW_REDIS_PREFIX = prefix;
        running.push(
          await AppProcess.start({
            appId: 80,
            privateKey: keys.privateKey,
            webhookSecret: secret,
            gheHost: standin.host,
            env,
          }),
        );
      }
      for (const a of running)
        expect(await getJson(`${a.url}/ready`)).toEqual({ status: 200, body: { status: "ready" } });
      const repos: Repo[] = running.map((_, i) =>
        standin.addRepo({ owner: "google", name: `compose-${i}`, gitDir: dir, defaultSha: base }),
      );
      for (const [i, a] of running.entries()) {
        const pull = standin.openPull(repos[i], { number: 1, base, head });
        const payload = await pullRequestPayload(standin, repos[i], pull, "opened", 1);
        expect((await deliver(a.webhookUrl, "pull_request", payload, secret)).status).toBe(200);
      }
      const deadline = Date.now() + 60_000;
      while (
        !repos.every(
          (r) => standin.checkRunsFor(r, head, "g3doc-review")[0]?.status === "completed",
        )
      ) {
        if (Date.now() > deadline) throw new Error(running.map((a) => a.logTail(10)).join("\n"));
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const r of repos)
        expect(standin.checkRunsFor(r, head, "g3doc-review")[0].conclusion).toBe("success");
      for (const [i, a] of running.entries()) {
        const t0 = Date.now();
        // What docker compose stop does: SIGTERM to the app (tini hands it to node), SIGKILL after the grace period.
        process.kill(a.serverPid()!, "SIGTERM");
        await a.waitExit(seconds(apps[i][1].stop_grace_period!) * 1000);
        expect(a.exited).toEqual({ code: 0, signal: null });
        expect(Date.now() - t0).toBeLessThan(seconds(apps[i][1].stop_grace_period!) * 1000);
      }
    }, 120_000);
  });
});
