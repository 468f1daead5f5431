/**
 * The GitHub Action as the runner starts it: its bundle (built here into a
 * folder with no node_modules, so it needs no install) run by node with the
 * runner's environment: a real pull_request event file (from
 * @octokit/webhooks-examples), GITHUB_STEP_SUMMARY, a workflow token and
 * GITHUB_API_URL pointing at the GitHub stand-in, which checks every request
 * against GitHub's OpenAPI description.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Standin } from "../e2e/standin/server.js";
import type { Pull, Repo } from "../e2e/standin/model.js";
import { pullRequestPayload } from "../e2e/harness/webhooks.js";
import { buildSeedRepo } from "../../tools/demo/seed.js";
import { buildAction } from "../../tools/action/build.js";

const WRITE_TOKEN = "ghs_workflow_write";
const READ_TOKEN = "ghs_workflow_read";
const dirs: string[] = [];
const temp = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `g3doc-review-action-${name}-`));
  dirs.push(d);
  return d;
};

// A doc with more findings of each level than one step may annotate.
const MANY = [
  "# Many findings",
  "",
  ...Array.from({ length: 14 }, (_, i) => `Line ${i + 1} ends with spaces.   `),
  "",
  ...Array.from({ length: 12 }, () => ["```", "code", "```", ""]).flat(),
].join("\n");

let bundle: string;
let repoDir: string;
let standin: Standin;
let repo: Repo;
let pull: Pull;
let base: string;
let head: string;

const git = (cwd: string, ...a: string[]) =>
  execFileSync("git", a, { cwd, encoding: "utf8" }).trim();

beforeAll(async () => {
  const out = temp("bundle");
  bundle = join(out, "index.mjs");
  await buildAction(bundle);
  repoDir = await buildSeedRepo({ withImage: false, extraHead: { "g3doc/many.md": MANY } });
  dirs.push(repoDir);
  base = git(repoDir, "rev-parse", "HEAD~1");
  head = git(repoDir, "rev-parse", "HEAD");
  standin = await Standin.start({ appId: 1 });
  standin.tokens.set(WRITE_TOKEN, { installationId: 1, expires: Date.now() + 3600_000 });
  standin.tokens.set(READ_TOKEN, {
    installationId: 1,
    expires: Date.now() + 3600_000,
    readOnly: true,
  });
  repo = standin.addRepo({ owner: "google", name: "gvisor", gitDir: repoDir, defaultSha: base });
  pull = standin.openPull(repo, { number: 7, base, head });
}, 60_000);

afterAll(async () => {
  await standin?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
}

/** Runs the bundle as the runner does, in a checkout of the pull request's head. */
async function runAction(opts: {
  token: string;
  fork?: boolean;
  inputs?: Record<string, string>;
}): Promise<Run> {
  const work = temp("run");
  const checkout = join(work, "checkout");
  git(work, "clone", "-q", repoDir, checkout);
  git(checkout, "checkout", "-q", head);
  const payload = JSON.parse(await pullRequestPayload(standin, repo, pull, "opened", 1));
  if (opts.fork) payload.pull_request.head.repo.full_name = "someone/gvisor";
  const eventPath = join(work, "event.json");
  writeFileSync(eventPath, JSON.stringify(payload));
  const summary = join(work, "summary.md");
  writeFileSync(summary, "");
  const inputs = Object.fromEntries(
    Object.entries({ token: opts.token, ...opts.inputs }).map(([k, v]) => [
      `INPUT_${k.toUpperCase()}`,
      v,
    ]),
  );
  // Asynchronously: the stand-in answers from this process.
  const child = spawn(process.execPath, [bundle], {
    cwd: checkout,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_API_URL: standin.urls.api,
      GITHUB_WORKSPACE: checkout,
      ...inputs,
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearTimeout(timer);
  return { code, stdout, stderr, summary: readFileSync(summary, "utf8") };
}

const annotations = (stdout: string, level: string) =>
  stdout.split("\n").filter((l) => l.startsWith(`::${level} `));

describe("the action's bundle", () => {
  test("is one file that runs without node_modules beside it", () => {
    expect(existsSync(join(bundle, "..", "node_modules"))).toBe(false);
    expect(readFileSync(bundle, "utf8")).not.toMatch(/from ["']\.\.?\//);
  });
});

describe("with a token that may write", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runAction({ token: WRITE_TOKEN });
  }, 90_000);

  test("posts one completed check run with annotations, and one review with comments", () => {
    expect(run.stderr).not.toMatch(/error/i);
    const checks = repo.checkRuns.filter((c) => c.headSha === head);
    expect(checks).toHaveLength(1);
    expect(checks[0]!.status).toBe("completed");
    expect(checks[0]!.conclusion).toBe("failure"); // the seed's missing image is an error
    expect(checks[0]!.output.title).toMatch(/error/);
    expect(checks[0]!.annotations.length).toBeGreaterThan(20);
    expect(pull.reviews).toHaveLength(1);
    expect(pull.comments.length).toBeGreaterThan(0);
    expect(pull.comments.some((c) => c.path === "g3doc/architecture_guide/security.md")).toBe(true);
    expect(run.code).toBe(1);
    expect(run.summary).toMatch(/Reviewed: failure/);
  });

  test("every request it sent was valid for GitHub's OpenAPI description", () => {
    expect(standin.violations).toEqual([]);
    expect(standin.requests.some((r) => r.operation === "checks/create")).toBe(true);
  });
});

describe("a fork's pull request, with a read-only token", () => {
  let run: Run;
  let writesBefore: number;
  beforeAll(async () => {
    writesBefore = standin.requests.filter((r) => r.method !== "GET").length;
    run = await runAction({ token: READ_TOKEN, fork: true });
  }, 90_000);

  test("writes at most 10 annotations of each level, and every finding into the job summary", () => {
    const errors = annotations(run.stdout, "error");
    const warnings = annotations(run.stdout, "warning");
    const notices = annotations(run.stdout, "notice");
    expect(errors.length).toBeGreaterThan(0);
    expect(warnings).toHaveLength(10);
    expect(notices.length).toBeLessThanOrEqual(10);
    expect(notices.some((n) => /not shown as annotations/.test(n))).toBe(true);
    // Every finding is in the summary: 14 trailing spaces and 12 bare fences at least.
    const listed = run.summary.split("\n").filter((l) => l.startsWith("- line "));
    expect(listed.filter((l) => l.includes("`trailing-whitespace`"))).toHaveLength(14);
    expect(listed.filter((l) => l.includes("`code-fence-language`"))).toHaveLength(12);
    expect(run.summary).toMatch(/all are listed here/);
    expect(run.code).toBe(1);
  });

  test("sends no write to GitHub", () => {
    const writes = standin.requests.filter((r) => r.method !== "GET");
    // Only GraphQL queries (reads) after the write run.
    expect(writes.slice(writesBefore).filter((r) => !/^graphql:query/.test(r.operation))).toEqual(
      [],
    );
  });

  test("fail-on never: the step passes, the findings are still there", async () => {
    const r = await runAction({ token: READ_TOKEN, fork: true, inputs: { "fail-on": "never" } });
    expect(r.code).toBe(0);
    expect(annotations(r.stdout, "warning")).toHaveLength(10);
  });

  test("a bad input is one error line and exit code 2", async () => {
    const r = await runAction({
      token: READ_TOKEN,
      fork: true,
      inputs: { "fail-on": "sometimes" },
    });
    expect(r.code).toBe(2);
    expect(r.stdout.trim()).toBe(
      '::error title=g3doc-review::input fail-on: "sometimes" is not one of error, warning, notice, never',
    );
    expect(r.stderr).toBe("");
  });
});

describe("a branch of the same repository, but a token without checks: write", () => {
  test("falls back to annotations and the job summary, and leaves no check run behind", async () => {
    const checksBefore = repo.checkRuns.length;
    const r = await runAction({ token: READ_TOKEN });
    expect(repo.checkRuns.length).toBe(checksBefore);
    expect(annotations(r.stdout, "warning")).toHaveLength(10);
    expect(r.stdout).toMatch(/may not write check runs/);
    expect(r.summary).toMatch(/all are listed here/);
    expect(r.code).toBe(1);
  });
});
