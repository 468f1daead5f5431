/**
 * The real gVisor data in ../shared (read at run time, never copied into the
 * project). Tests that need it call `describeCorpus`, which skips with a
 * visible message when the data is absent.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe } from "@jest/globals";

const here = dirname(fileURLToPath(import.meta.url));
/** `../shared` beside the project, or the folder named by G3DOC_REVIEW_SHARED. */
export const SHARED = process.env.G3DOC_REVIEW_SHARED || resolve(here, "..", "..", "..", "shared");
export const GVISOR = join(SHARED, "corpus", "gvisor");
export const BUNDLE = join(GVISOR, "history", "g3doc-history.bundle");
export const G3DOC_HEAD = join(GVISOR, "g3doc-head");
export const LARGE_TARBALL = join(SHARED, "corpus", "markdown-large", "markdown-large.tar.xz");

export const hasCorpus = existsSync(BUNDLE);

/** The paths of every `.md` file under G3DOC_HEAD (call it inside `describeCorpus`). */
export function g3docHeadDocs(): string[] {
  const docs: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".md")) docs.push(p);
    }
  };
  walk(G3DOC_HEAD);
  return docs;
}

/** A clone of the history bundle (made once per machine, in the temp folder). Null when absent. */
export function historyClone(): string | null {
  if (!hasCorpus) return null;
  const dir = join(tmpdir(), "g3doc-review-gvisor-history");
  if (existsSync(join(dir, ".git"))) return dir;
  const tmp = `${dir}.${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  execFileSync("git", ["clone", "-q", BUNDLE, tmp], { stdio: "ignore" });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** The filtered-history SHA of a commit, from its original gVisor SHA prefix. */
export function commitFor(clone: string, originalPrefix: string): string {
  const out = execFileSync(
    "git",
    ["log", "--all", "--format=%H", `--grep=Original-gVisor-Commit: ${originalPrefix}`],
    { cwd: clone, encoding: "utf8" },
  ).trim();
  if (!out) throw new Error(`no commit for ${originalPrefix}`);
  return out.split("\n")[0];
}

/** `describe` that runs only when ../shared/corpus/gvisor is present, and says so when it is not. */
export function describeCorpus(name: string, fn: () => void): void {
  if (hasCorpus) {
    describe(name, fn);
  } else {
    // Visible in jest's output: the suite is listed as skipped with the reason.
    describe.skip(`${name} [skipped: ../shared/corpus/gvisor is absent]`, fn);
    process.stderr.write(`note: skipping "${name}": ../shared/corpus/gvisor is absent\n`);
  }
}
