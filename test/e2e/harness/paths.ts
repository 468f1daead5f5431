/** Where things are: the project root, the gVisor history bundle, and a clone of it. */
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { projectRoot, sharedDir } from "../../../tools/paths.js";

export { projectRoot };

export function bundlePath(): string {
  return resolve(sharedDir(), "corpus", "gvisor", "history", "g3doc-history.bundle");
}

/** A clone of the history bundle (the same folder the tests' corpus helper uses). Null when the bundle is absent. */
export function historyClone(): string | null {
  const bundle = bundlePath();
  if (!existsSync(bundle)) return null;
  const dir = join(tmpdir(), "g3doc-review-gvisor-history");
  if (existsSync(join(dir, ".git"))) return dir;
  const tmp = `${dir}.${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  execFileSync("git", ["clone", "-q", bundle, tmp], { stdio: "ignore" });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

export interface ReplayCommit {
  sha: string;
  parent: string;
  subject: string;
}

/** Non-merge commits that touch Markdown, oldest first, with their first parent. */
export function markdownCommits(clone: string): ReplayCommit[] {
  const out = execFileSync(
    "git",
    ["log", "--reverse", "--no-merges", "--format=%H %P%x09%s", "--", "*.md"],
    { cwd: clone, encoding: "utf8", maxBuffer: 64 << 20 },
  );
  const commits: ReplayCommit[] = [];
  for (const line of out.split("\n")) {
    if (!line) continue;
    const [ids, subject] = line.split("\t");
    const [sha, parent] = ids.split(" ");
    if (!parent) continue;
    commits.push({ sha, parent, subject: subject ?? "" });
  }
  return commits;
}

export function headOf(clone: string): string {
  return execFileSync("git", ["rev-parse", "HEAD"], { cwd: clone, encoding: "utf8" }).trim();
}
