/**
 * `g3doc-review fix` on real git repositories in temp folders, through the
 * built CLI (`node lib/cli/bin.js fix ...`).
 */
import { describe, test, expect, beforeAll, afterAll } from "@jest/globals";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(ROOT, "lib", "cli", "bin.js");

beforeAll(() => {
  // The CLI under test is the built one.
  spawnSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: ROOT, stdio: "ignore" });
  if (!existsSync(BIN)) throw new Error(`${BIN} was not built`);
}, 240_000);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "g3doc-review-fix-"));
  dirs.push(dir);
  const git = (...a: string[]) => execFileSync("git", a, { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("config", "user.email", "t@example.com");
  git("config", "user.name", "t");
  write(dir, files);
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  return dir;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
}

function run(dir: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync("node", [BIN, "fix", "--repo", dir, ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const read = (dir: string, p: string) => readFileSync(join(dir, p), "utf8");

const LONG =
  "This sentence goes on and on well past the eightieth column of the line, which makes diffs hard to read.";

const PROTECTED = [
  "```shell",
  `$ echo "${LONG}"   `,
  "```",
  "",
  "Name | Description",
  "--- | ---",
  `x | ${LONG}   `,
  "",
  "<!-- mdformat off(keep as is) -->",
  `* ${LONG}   `,
  "",
  `${LONG}   `,
  "<!-- mdformat on -->",
  "",
  "<div>",
  `${LONG}   `,
  "</div>",
  "",
].join("\n");

describe("g3doc-review fix", () => {
  test("--all --reformat fixes every doc the house way, never touches code, tables, HTML or mdformat-off regions, and a second run changes nothing", () => {
    const doc = [
      "# Title",
      "",
      `${LONG}   `,
      "",
      "* one",
      "* two that is long enough to go past the eighty column limit once the marker is padded",
      "",
      PROTECTED,
    ].join("\n");
    const dir = repo({ "g3doc/a.md": "# Title\n" });
    write(dir, { "g3doc/a.md": doc });
    const first = run(dir, "--all", "--reformat");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^g3doc\/a\.md: \d+ fixes \(.*line-length.*list-marker.*trailing-whitespace.*\)$/m,
    );
    const fixed = read(dir, "g3doc/a.md");
    expect(fixed).toContain(
      "# Title\n\nThis sentence goes on and on well past the eightieth column of the line, which\nmakes diffs hard to read.\n",
    );
    expect(fixed).toContain(
      "*   one\n*   two that is long enough to go past the eighty column limit once the marker\n    is padded\n",
    );
    // The protected regions are byte for byte what they were.
    expect(fixed.endsWith(PROTECTED)).toBe(true);
    const second = run(dir, "--all", "--reformat");
    expect(second).toMatchObject({ code: 0, stdout: "Nothing to fix.\n" });
    expect(read(dir, "g3doc/a.md")).toBe(fixed);
  });

  test("--base --reformat fixes only what the change touched (committed, uncommitted and untracked)", () => {
    const old = `# Old\n\n${LONG}\n\nShort line\nthat the formatter would join.\n`;
    const dir = repo({ "g3doc/old.md": old, "g3doc/b.md": "# B\n\nText.\n" });
    execFileSync("git", ["checkout", "-q", "-b", "topic"], { cwd: dir });
    write(dir, { "g3doc/b.md": `# B\n\nText.\n\n${LONG}\n` });
    execFileSync("git", ["commit", "-qam", "topic"], { cwd: dir });
    write(dir, {
      "g3doc/old.md": old.replace("# Old", "# Old title"),
      "g3doc/new.md": `# New\n\n* ${LONG}\n`,
    });
    const r = run(dir, "--base", "main", "--reformat");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("g3doc/b.md: 1 fix (line-length 1)");
    expect(r.stdout).toContain("g3doc/new.md:");
    expect(r.stdout).not.toContain("g3doc/old.md");
    // Untouched lines stay as they are, long or not.
    expect(read(dir, "g3doc/old.md")).toBe(old.replace("# Old", "# Old title"));
    expect(read(dir, "g3doc/b.md")).toBe(
      "# B\n\nText.\n\nThis sentence goes on and on well past the eightieth column of the line, which\nmakes diffs hard to read.\n",
    );
    expect(read(dir, "g3doc/new.md")).toBe(
      "# New\n\n*   This sentence goes on and on well past the eightieth column of the line,\n    which makes diffs hard to read.\n",
    );
    expect(run(dir, "--base", "main", "--reformat").stdout).toBe("Nothing to fix.\n");
  });

  test("--dry-run prints a unified diff and writes nothing", () => {
    const dir = repo({ "g3doc/a.md": "# A\n" });
    const text = `# A\n\n${LONG}\n`;
    write(dir, { "g3doc/a.md": text });
    const r = run(dir, "--all", "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "--- a/g3doc/a.md",
        "+++ b/g3doc/a.md",
        "@@ -1,3 +1,4 @@",
        " # A",
        " ",
        `-${LONG}`,
        "+This sentence goes on and on well past the eightieth column of the line, which",
        "+makes diffs hard to read.",
        "",
      ].join("\n"),
    );
    expect(read(dir, "g3doc/a.md")).toBe(text);
    // The diff applies cleanly.
    const patch = join(dir, "fix.patch");
    writeFileSync(patch, r.stdout);
    execFileSync("git", ["apply", "--check", patch], { cwd: dir });
  });

  test("--rule picks fixes; terminology applies inside a rewrapped paragraph", () => {
    // gVisor's source layout (runsc/, pkg/sentry/): "user space" is its house style's term.
    const dir = repo({
      "runsc/main.go": "package main\n",
      "pkg/sentry/kernel.go": "package kernel\n",
      "g3doc/a.md": "# A\n",
    });
    const text =
      "# A\n\nThe Sentry is a user space kernel that implements system calls for the sandboxed application.   \n";
    write(dir, { "g3doc/a.md": text });
    expect(run(dir, "--all", "--rule", "trailing-whitespace").code).toBe(0);
    expect(read(dir, "g3doc/a.md")).toBe(text.replace("   \n", "\n"));
    expect(run(dir, "--all").code).toBe(0);
    expect(read(dir, "g3doc/a.md")).toBe(
      "# A\n\nThe Sentry is a userspace kernel that implements system calls for the sandboxed\napplication.\n",
    );
  });

  test("bad usage exits with 2", () => {
    const dir = repo({ "g3doc/a.md": "# A\n" });
    expect(run(dir).code).toBe(2);
    expect(run(dir, "--all", "--base", "main").code).toBe(2);
    const r = run(dir, "--all", "--rule", "no-such-rule");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown rule "no-such-rule"');
  });
});
