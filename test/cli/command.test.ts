/** The command line itself: help, version, typos, every config problem at once, --worktree, _extends, progress. */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, openSync, closeSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { buildSeedRepo } from "../../tools/demo/seed.js";
import { startProgress } from "../../src/cli/progress.js";
import { OPTIONS, commandUsage } from "../../src/cli/options.js";
import { BIN, isOneCleanLine, makeRepo, removeAll, ROOT, runCli } from "./run-cli.js";

const DOC = "g3doc/architecture_guide/security.md";
const temps: string[] = [];
afterAll(() => removeAll(temps));

let seed: string;
beforeAll(async () => {
  seed = await buildSeedRepo();
  temps.push(seed);
});

describe("help and version", () => {
  test.each([
    [["--help"], /^Usage:\n {2}g3doc-review check .*\n {2}g3doc-review fix /s],
    [["-h"], /^Usage:/],
    [["help", "fix"], /^Usage:\n {2}g3doc-review fix/],
    [["check", "--help"], /^Usage:\n {2}g3doc-review check/],
    [["check", "-h"], /^Usage:\n {2}g3doc-review check/],
    [["fix", "--help"], /^Usage:\n {2}g3doc-review fix/],
    [["check", "--base", "HEAD~1", "--help"], /^Usage:\n {2}g3doc-review check/],
  ])("%j prints the usage and exits 0", (args, usage) => {
    const r = runCli(args, seed);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(usage);
  });

  test("each command's help lists exactly its options from the one table", () => {
    for (const command of ["check", "fix"] as const) {
      const text = commandUsage(command);
      for (const [name, o] of Object.entries(OPTIONS))
        expect(text.includes(`--${name}`)).toBe(o.commands.includes(command));
      for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    }
  });

  test("--version prints the package's version", () => {
    const r = runCli(["--version"], seed);
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });
});

describe("typos get a suggestion, on one line, exit 2", () => {
  test.each([
    [["check", "--bsae", "HEAD~1"], 'unknown option "--bsae"; did you mean --base?'],
    [["check", "--all", "--formt=json"], 'unknown option "--formt"; did you mean --format?'],
    [["fix", "--dryrun", "--all"], 'unknown option "--dryrun"; did you mean --dry-run?'],
    [["chekc", "--all"], 'unknown command "chekc"; did you mean check?'],
    [["check", "--all", "--dry-run"], "--dry-run is an option of fix, not check"],
    [["fix", "--all", "--format", "json"], "--format is an option of check, not fix"],
    [["check", "--all=yes"], "--all does not take a value"],
    [["check", "--base", "--all"], "--base needs a value"],
    [["check", "--all", "HEAD"], 'unexpected argument "HEAD"'],
    [["check", "--all", "--worktree", "--head", "HEAD"], "give either --head REV or --worktree"],
  ])("%j", (args, message) => {
    const r = runCli(args, seed);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(isOneCleanLine(r.stderr)).toBe(true);
    expect(r.stderr).toContain(message);
  });
});

describe("a config with three problems reports all three, each with its line", () => {
  test("at head", async () => {
    const yaml = "lineLength: 10\nreview:\n  maxComent: 3\nrules:\n  broken-links: warning\n";
    const repo = await buildSeedRepo({ extraHead: { ".github/g3doc-review.yml": yaml } });
    temps.push(repo);
    const r = runCli(["check", "--base", "HEAD~1"], repo);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe("g3doc-review: .github/g3doc-review.yml:1: lineLength must be >= 20");
    expect(lines[1]).toBe(
      'g3doc-review: .github/g3doc-review.yml:3: unknown key "maxComent" in review',
    );
    expect(lines[2]).toMatch(
      /^g3doc-review: \.github\/g3doc-review\.yml:5: rules\.broken-links: no rule has this id \(did you mean broken-link\?\)/,
    );
    expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+\)?$/m);
  });
});

describe("_extends in the command", () => {
  test("is refused with a message that names it, its line and what to do instead", async () => {
    const repo = await buildSeedRepo({
      extraHead: { ".github/g3doc-review.yml": "lineLength: 100\n_extends: .github\n" },
    });
    temps.push(repo);
    const r = runCli(["check", "--base", "HEAD~1"], repo);
    expect(r.code).toBe(2);
    expect(isOneCleanLine(r.stderr)).toBe(true);
    expect(r.stderr).toBe(
      `g3doc-review: .github/g3doc-review.yml:2: _extends: ".github" names another repository's config, which the command does not read; give the settings with --config FILE (a config without _extends)\n`,
    );
    // --config FILE replaces the file, so the same change can be checked.
    const dir = mkdtempSync(join(tmpdir(), "g3doc-review-extends-"));
    temps.push(dir);
    writeFileSync(join(dir, "merged.yml"), "lineLength: 100\n");
    expect(
      runCli(["check", "--base", "HEAD~1", "--config", join(dir, "merged.yml")], repo).code,
    ).toBe(1);
  });
});

describe("check --worktree reads uncommitted changes, as fix does", () => {
  test("a finding fixed in the working tree is gone; one added there is reported", () => {
    // gVisor's source layout (runsc/, pkg/sentry/): "user space" is its house style's term.
    const layout = {
      "runsc/main.go": "package main\n",
      "pkg/sentry/kernel.go": "package kernel\n",
    };
    const repo = makeRepo(
      { ...layout, "g3doc/a.md": "# A\n\nIntro.\n" },
      { ...layout, "g3doc/a.md": "# A\n\nIntro.\n\nThis runs in user space.\n" },
    );
    temps.push(repo);
    const json = (args: string[]) =>
      JSON.parse(runCli([...args, "--format", "json"], repo).stdout) as {
        head: string;
        findings: { rule: string; path: string }[];
      };
    expect(json(["check", "--base", "HEAD~1"]).findings.map((f) => f.rule)).toContain(
      "terminology",
    );
    // Fix it in the working tree, and add a new doc that is not committed.
    writeFileSync(join(repo, "g3doc/a.md"), "# A\n\nIntro.\n\nThis runs in userspace.\n");
    writeFileSync(join(repo, "g3doc/b.md"), "# B\n\n![Diagram](missing.png)\n");
    // Without --worktree the commits are what is reviewed: the finding stays.
    expect(json(["check", "--base", "HEAD~1"]).findings.map((f) => f.rule)).toContain(
      "terminology",
    );
    const r = json(["check", "--base", "HEAD~1", "--worktree"]);
    expect(r.head).toBe("WORKTREE");
    expect(r.findings.some((f) => f.rule === "terminology")).toBe(false);
    expect(r.findings.filter((f) => f.rule === "missing-asset").map((f) => f.path)).toEqual([
      "g3doc/b.md",
    ]);
    expect(runCli(["check", "--all", "--worktree"], repo).stdout).toContain(
      "g3doc/b.md:3:1: error missing-asset",
    );
  });
});

describe("the command's processes", () => {
  test.each([
    ["check --all", ["check", "--all", "--format", "json"], 1],
    ["check --base", ["check", "--base", "HEAD~1", "--format", "json"], 1],
    ["fix --base --dry-run", ["fix", "--base", "HEAD~1", "--dry-run"], 0],
  ] as const)("%s leaves no git running once it exited", (_name, args, exit) => {
    // The command and what it started share a new process group; once the
    // command exited, the group holds the shell and its ps alone.
    const script = `node "$0" "$@" >/dev/null 2>&1; echo "exit $?"; ps -o comm= -g $$`;
    const r = spawnSync("setsid", ["-w", "sh", "-c", script, BIN, ...args], {
      cwd: seed,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect(r.status).toBe(0);
    const [code, ...group] = r.stdout.trim().split("\n");
    // It ran (the seed's findings), and read through git.
    expect(code).toBe(`exit ${exit}`);
    expect(group.sort()).toEqual(["ps", "sh"]);
  });
});

describe("progress on a terminal", () => {
  test("runs that keep the main thread busy still show progress, and the line is erased at the end", async () => {
    const dir = mkdtempSync(join(tmpdir(), "g3doc-review-progress-"));
    temps.push(dir);
    const file = join(dir, "tty");
    const fd = openSync(file, "w");
    const progress = startProgress(fd, "g3doc-review: reviewing", {
      delayMs: 100,
      intervalMs: 100,
    });
    // The main thread stays busy, as during a review, until two ticks are written (at most 20 s).
    const until = Date.now() + 20_000;
    const ticksSoFar = () => readFileSync(file, "utf8").split("g3doc-review").length - 1;
    while (Date.now() < until && ticksSoFar() < 2) {
      /* busy: no turn of the event loop */
    }
    await progress.stop();
    closeSync(fd);
    const written = readFileSync(file, "utf8");
    const ticks = written.split("\r\x1b[K").filter(Boolean);
    expect(written.startsWith("\r\x1b[K")).toBe(true);
    for (const t of ticks) expect(t).toMatch(/^g3doc-review: reviewing \(\d+ s\)$/);
    expect(
      written.split("\r\x1b[K").filter((s) => s.startsWith("g3doc-review")).length,
    ).toBeGreaterThanOrEqual(2);
    expect(written.endsWith("\r\x1b[K")).toBe(true);
  });

  test("no terminal, no progress: piped stderr stays clean on a long run", () => {
    const r = runCli(["check", "--all"], seed);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(`${DOC}:`);
  });

  test("a short run on a terminal writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "g3doc-review-progress-"));
    temps.push(dir);
    const file = join(dir, "tty");
    const fd = openSync(file, "w");
    const progress = startProgress(fd, "g3doc-review: reviewing", { delayMs: 5000 });
    await progress.stop();
    closeSync(fd);
    expect(readFileSync(file, "utf8")).toBe("");
  });
});
