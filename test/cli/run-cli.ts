/**
 * Runs the built CLI (`node lib/cli/bin.js`) as a user would, and builds
 * small git repositories in temporary folders for it to review.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, "..", "..");
export const BIN = join(ROOT, "lib", "cli", "bin.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time, in ms. */
  ms: number;
  /** CPU time (user + system) of the CLI and the git it ran, in ms. */
  cpuMs: number;
}

function requireBuild(): void {
  if (!existsSync(BIN))
    throw new Error(`${BIN} is missing: run "npx tsc -p tsconfig.json" (npm test builds it first)`);
}

/**
 * Runs `node lib/cli/bin.js ARGS` in `cwd`. The CPU time comes from the
 * shell's `times` (children's user and system time), so that a busy machine
 * does not count against the CLI.
 */
export function runCli(args: string[], cwd: string, opts: { timeoutMs?: number } = {}): CliResult {
  requireBuild();
  const script = `node "$0" "$@" >"$G3R_OUT" 2>"$G3R_ERR"; code=$?; times >&2; exit $code`;
  const dir = mkdtempSync(join(tmpdir(), "g3doc-review-cli-"));
  const out = join(dir, "out");
  const err = join(dir, "err");
  const t0 = performance.now();
  const r = spawnSync("bash", ["-c", script, BIN, ...args], {
    cwd,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 120_000,
    env: { ...process.env, G3R_OUT: out, G3R_ERR: err, NODE_OPTIONS: "" },
  });
  const ms = performance.now() - t0;
  const read = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : "");
  const stdout = read(out);
  const stderr = read(err);
  rmSync(dir, { recursive: true, force: true });
  // `times` prints the shell's times, then its children's: "0m1.234s 0m0.056s".
  const lines = r.stderr.trim().split("\n");
  const children = lines[lines.length - 1] ?? "";
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(
    (m) => Number(m[1]) * 60 + Number(m[2]),
  );
  const cpuMs = secs.length === 2 ? (secs[0] + secs[1]) * 1000 : ms;
  return { code: r.status, stdout, stderr, ms, cpuMs };
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_AUTHOR_DATE: "2024-01-01T00:00:00Z",
  GIT_COMMITTER_DATE: "2024-01-01T00:00:00Z",
};

export function git(repo: string, args: string[]): string {
  return execFileSync("git", args, {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, ...GIT_ENV },
    maxBuffer: 1 << 30,
  });
}

export type Files = Record<string, string | Buffer | null>;

/** Writes files (null deletes) and commits them; returns the commit SHA. */
export function commit(repo: string, files: Files, message = "change"): string {
  for (const [p, content] of Object.entries(files)) {
    const target = join(repo, p);
    if (content === null) {
      rmSync(target, { force: true });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  git(repo, ["add", "-A"]);
  git(repo, ["commit", "-q", "--allow-empty", "-m", message]);
  return git(repo, ["rev-parse", "HEAD"]).trim();
}

/** A new repository with one commit per entry of `commits`. */
export function makeRepo(...commits: Files[]): string {
  const repo = mkdtempSync(join(tmpdir(), "g3doc-review-repo-"));
  git(repo, ["init", "-q", "-b", "main"]);
  git(repo, ["config", "core.autocrlf", "false"]);
  commits.forEach((files, i) => commit(repo, files, `commit ${i + 1}`));
  return repo;
}

export function removeAll(paths: string[]): void {
  for (const p of paths) rmSync(p, { recursive: true, force: true });
}

/** True when `stderr` is one line that names the tool, with no stack trace. */
export function isOneCleanLine(stderr: string): boolean {
  const lines = stderr.split("\n").filter((l) => l !== "");
  return (
    lines.length === 1 &&
    lines[0].startsWith("g3doc-review: ") &&
    !/\bat .*:\d+:\d+\)?$/.test(stderr) &&
    !/internal error/.test(stderr)
  );
}
