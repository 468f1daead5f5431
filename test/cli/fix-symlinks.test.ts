/**
 * `fix` never leaves the repository: symbolic links a pull request commits
 * (to a file or a folder outside the repository) are never followed, by the
 * built CLI on real git repositories. The files outside are compared byte
 * for byte before and after, and nothing of theirs may reach the output.
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { commit, git, runCli, type Files } from "./run-cli.js";
import { WorktreeFs } from "../../src/cli/worktree-fs.js";

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const LONG_PROSE =
  "The sandbox runs untrusted code in user space and intercepts every system call it makes before the host kernel sees it.";
/** Outside the repository: what an attacker would like `fix` to change or show. */
const BASHRC = `# ~/.bashrc\nalias ll='ls -l'\n# ${LONG_PROSE}\nexport SECRET_TOKEN=do-not-print-me\n`;
const AUTHORIZED_KEYS =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@host with a comment long enough\n" +
  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 deploy key for the build machine, also long enough to be rewrapped by fix\n";
const OUTSIDE_DOC = `# Outside\n\n${LONG_PROSE} ${LONG_PROSE}\n`;
/** Strings of the outside files that must never appear in what the command prints. */
const SECRETS = ["SECRET_TOKEN", "alias ll", "AAAAC3NzaC1lZDI1NTE5", "# Outside"];

interface Sandbox {
  repo: string;
  outside: Record<string, string>;
  /** Every outside file's bytes, for comparison afterwards. */
  snapshot(): Record<string, Buffer>;
}

/** A folder holding the repository and, beside it, the files a link may point at. */
function sandbox(): Sandbox {
  const top = mkdtempSync(join(tmpdir(), "g3doc-review-links-"));
  temps.push(top);
  const outside: Record<string, string> = {
    "victim/.bashrc": BASHRC,
    "victim/.ssh/authorized_keys": AUTHORIZED_KEYS,
    "victim/docs/guide.md": OUTSIDE_DOC,
  };
  for (const [p, text] of Object.entries(outside)) {
    mkdirSync(dirname(join(top, p)), { recursive: true });
    writeFileSync(join(top, p), text);
  }
  const repo = join(top, "repo");
  mkdirSync(repo);
  git(repo, ["init", "-q", "-b", "main"]);
  git(repo, ["config", "core.autocrlf", "false"]);
  commit(repo, {
    "g3doc/index.md": "# Index\n\nSee the [guide](guide.md).\n",
    "g3doc/guide.md": "# Guide\n\nText.\n",
  });
  const snapshot = () =>
    Object.fromEntries(Object.keys(outside).map((p) => [p, readFileSync(join(top, p))]));
  return { repo, outside, snapshot };
}

/** Commits files and symbolic links (`link` maps a path in the repository to its target). */
function commitWithLinks(repo: string, files: Files, links: Record<string, string>): void {
  for (const [p, target] of Object.entries(links)) {
    mkdirSync(dirname(join(repo, p)), { recursive: true });
    symlinkSync(target, join(repo, p));
  }
  commit(repo, files, "a pull request");
}

const CONFIG = `terms:\n  - use: userspace\n    avoid: ["user space"]\n`;

function expectNothingOutside(box: Sandbox, before: Record<string, Buffer>, printed: string): void {
  const after = box.snapshot();
  for (const p of Object.keys(before)) expect(after[p].equals(before[p])).toBe(true);
  for (const s of SECRETS) expect(printed).not.toContain(s);
}

describe("fix never follows a symbolic link", () => {
  test("fix --base: a doc committed as a link to ~/.bashrc, with a terms entry in the pull request's config, is skipped with a note; the real doc is fixed", () => {
    const box = sandbox();
    git(box.repo, ["checkout", "-q", "-b", "pr"]);
    commitWithLinks(
      box.repo,
      { ".github/g3doc-review.yml": CONFIG, "g3doc/real.md": `# Real\n\n${LONG_PROSE}\n` },
      { "g3doc/shell.md": "../../victim/.bashrc" },
    );
    const before = box.snapshot();
    const r = runCli(["fix", "--base", "main"], box.repo);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "note: g3doc/shell.md: skipped, it is a symbolic link (links are never followed, so nothing outside the repository is read or written).",
    );
    expect(r.stdout).toContain("g3doc/real.md: ");
    expect(r.stdout).not.toContain("shell.md");
    expect(readFileSync(join(box.repo, "g3doc/real.md"), "utf8")).toContain("userspace");
    expectNothingOutside(box, before, r.stdout + r.stderr);

    // --dry-run prints the diff of the real doc and nothing of the outside file.
    git(box.repo, ["checkout", "-q", "--", "."]);
    const dry = runCli(["fix", "--base", "main", "--dry-run"], box.repo);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("+++ b/g3doc/real.md");
    expect(dry.stdout).not.toContain("shell.md");
    expectNothingOutside(box, before, dry.stdout + dry.stderr);
  });

  test("fix --all: a doc linked to ~/.ssh/authorized_keys is neither rewrapped nor printed", () => {
    const box = sandbox();
    commitWithLinks(
      box.repo,
      { "g3doc/long.md": `# Long\n\n${LONG_PROSE}\n` },
      { "g3doc/keys.md": "../../victim/.ssh/authorized_keys" },
    );
    const before = box.snapshot();
    const dry = runCli(["fix", "--all", "--dry-run"], box.repo);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("+++ b/g3doc/long.md");
    expect(dry.stderr).toContain("note: g3doc/keys.md: skipped, it is a symbolic link");
    expectNothingOutside(box, before, dry.stdout + dry.stderr);
    const r = runCli(["fix", "--all"], box.repo);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Fixed 1 doc");
    expect(r.stderr).toContain("note: g3doc/keys.md: skipped, it is a symbolic link");
    expectNothingOutside(box, before, r.stdout + r.stderr);
  });

  test("a folder that is a link: a committed one, and a tracked folder replaced by a link in the working tree", () => {
    const box = sandbox();
    commitWithLinks(box.repo, { "g3doc/ext/guide.md": "# Ext\n\nShort.\n" }, {});
    commitWithLinks(box.repo, {}, { "g3doc/linked": "../../victim/docs" });
    // The working tree's folder becomes a link to a folder outside (git still lists its file as tracked).
    rmSync(join(box.repo, "g3doc/ext"), { recursive: true });
    symlinkSync("../../victim/docs", join(box.repo, "g3doc/ext"));
    expect(git(box.repo, ["ls-files", "--cached"])).toContain("g3doc/ext/guide.md");
    const before = box.snapshot();
    const cases: [string[], string][] = [
      [["--all"], "note: g3doc/ext/guide.md: skipped, g3doc/ext is a symbolic link"],
      [["--all", "--dry-run"], "note: g3doc/ext/guide.md: skipped, g3doc/ext is a symbolic link"],
      // Against a base, git sees the link as an untracked file, read (and skipped) as one.
      [["--base", "HEAD~2"], "note: g3doc/ext: skipped, it is a symbolic link"],
    ];
    for (const [args, note] of cases) {
      const r = runCli(["fix", ...args], box.repo);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(note);
      expectNothingOutside(box, before, r.stdout + r.stderr);
    }
  });

  test("check --worktree names a linked doc in its notes and shows nothing of it", () => {
    const box = sandbox();
    commitWithLinks(
      box.repo,
      { "g3doc/real.md": `# Real\n\n${LONG_PROSE}\n` },
      { "g3doc/shell.md": "../../victim/.bashrc" },
    );
    const before = box.snapshot();
    const r = runCli(["check", "--worktree", "--base", "HEAD~1", "--format", "json"], box.repo);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { findings: { path: string }[]; notes: string[] };
    expect(report.notes).toContain(
      "g3doc/shell.md: skipped, it is a symbolic link (links are never followed, so nothing outside the repository is read or written).",
    );
    expect(report.findings.map((f) => f.path)).not.toContain("g3doc/shell.md");
    expect(report.findings.map((f) => f.path)).toContain("g3doc/real.md");
    expectNothingOutside(box, before, r.stdout + r.stderr);
  });

  test("a config file that is a link is not read", () => {
    const box = sandbox();
    writeFileSync(join(box.repo, "..", "victim", "config.yml"), "lineLength: 20\n");
    commitWithLinks(
      box.repo,
      { "g3doc/real.md": "# Real\n\nA line of forty characters, or close.\n" },
      { ".github/g3doc-review.yml": "../../victim/config.yml" },
    );
    const r = runCli(["fix", "--all", "--dry-run"], box.repo);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("note: .github/g3doc-review.yml: skipped, it is a symbolic link");
    // The defaults apply (80 columns): nothing to rewrap.
    expect(r.stdout).toBe("");
  });
});

describe("WorktreeFs", () => {
  function tree(): { root: string; outside: string } {
    const top = mkdtempSync(join(tmpdir(), "g3doc-review-wtfs-"));
    temps.push(top);
    const root = join(top, "repo");
    const outside = join(top, "outside");
    mkdirSync(join(root, "g3doc"), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(root, "g3doc", "a.md"), "inside\n");
    writeFileSync(join(outside, "a.md"), "outside\n");
    return { root, outside };
  }

  test("reads plain files; links (to outside or inside), folders, FIFOs and escaping paths are not read", async () => {
    const { root, outside } = tree();
    symlinkSync(join(outside, "a.md"), join(root, "g3doc", "out.md"));
    symlinkSync("a.md", join(root, "g3doc", "in.md"));
    symlinkSync(outside, join(root, "dir"));
    execFileSync("mkfifo", [join(root, "g3doc", "fifo.md")]);
    const fs = new WorktreeFs(root);
    const r = await fs.read("g3doc/a.md");
    expect(r.kind === "file" && r.data.toString()).toBe("inside\n");
    expect(await fs.read("g3doc/out.md")).toEqual({ kind: "link", at: "g3doc/out.md" });
    expect(await fs.read("g3doc/in.md")).toEqual({ kind: "link", at: "g3doc/in.md" });
    expect(await fs.read("dir/a.md")).toEqual({ kind: "link", at: "dir" });
    expect(await fs.read("g3doc")).toEqual({ kind: "special" });
    expect(await fs.read("g3doc/fifo.md")).toEqual({ kind: "special" });
    for (const p of ["../outside/a.md", "g3doc/../../outside/a.md", "/etc/passwd", "g3doc//a.md"])
      expect(await fs.read(p)).toEqual({ kind: "missing" });
    expect(await fs.read("g3doc/none.md")).toEqual({ kind: "missing" });
  });

  test("a folder swapped for a link after it was checked is caught when the file is opened", async () => {
    const { root, outside } = tree();
    const fs = new WorktreeFs(root);
    expect((await fs.read("g3doc/a.md")).kind).toBe("file"); // g3doc is now known to be a folder
    rmSync(join(root, "g3doc"), { recursive: true });
    symlinkSync(outside, join(root, "g3doc"));
    expect(await fs.read("g3doc/a.md")).toEqual({ kind: "link", at: "g3doc/a.md" });
    expect(await fs.replace("g3doc/a.md", "outside\n", "changed\n")).toBe("it is a symbolic link");
    expect(readFileSync(join(outside, "a.md"), "utf8")).toBe("outside\n");
  });

  test("replace writes only a plain file that still holds what the fix was computed from", async () => {
    const { root, outside } = tree();
    symlinkSync(join(outside, "a.md"), join(root, "g3doc", "out.md"));
    const fs = new WorktreeFs(root);
    expect(await fs.replace("g3doc/out.md", "outside\n", "changed\n")).toBe(
      "it is a symbolic link",
    );
    expect(await fs.replace("g3doc/a.md", "something else\n", "changed\n")).toBe(
      "it changed while it was being fixed",
    );
    expect(readFileSync(join(root, "g3doc", "a.md"), "utf8")).toBe("inside\n");
    expect(await fs.replace("g3doc/a.md", "inside\n", "fixed, and longer than before\n")).toBe(
      null,
    );
    expect(readFileSync(join(root, "g3doc", "a.md"), "utf8")).toBe(
      "fixed, and longer than before\n",
    );
    expect(await fs.replace("g3doc/a.md", "fixed, and longer than before\n", "short\n")).toBe(null);
    expect(readFileSync(join(root, "g3doc", "a.md"), "utf8")).toBe("short\n");
    expect(readFileSync(join(outside, "a.md"), "utf8")).toBe("outside\n");
  });
});
