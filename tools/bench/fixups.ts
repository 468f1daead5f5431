/**
 * `npm run bench:fixups`: do our fixes produce what gVisor's maintainers'
 * formatter produced?
 *
 * In the g3doc history, each merge of an outside pull request (parents P1 =
 * mainline, P2 = the pull request's tip) shows, in `git diff P2 M -- doc`,
 * what the import formatter changed in a doc mainline did not touch since the
 * merge base. For each such doc this applies the same fix function the CLI
 * uses (`g3doc-review fix --all` with the formatting rules) to P2's version
 * and compares the result with M's version byte for byte, and line by line.
 *
 * A few merged docs are not the formatter's work alone: the formatter made a
 * mistake that changed the doc's meaning (a fence turned into inline code),
 * or a maintainer edited the text on import. Those are marked, with a
 * reason, and the identical share is given with and without them.
 *
 * `--json FILE` writes the results; `--verbose` prints the diff of each miss.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { resolveConfig } from "../../src/config/load.js";
import { fixText } from "../../src/core/fix/apply.js";
import { diffLines, linesOf, unifiedDiff } from "../../src/core/fix/line-diff.js";
import { meaningDifference } from "../../src/core/fix/compare.js";
import { sharedDir } from "../paths.js";

const BUNDLE = resolve(sharedDir(), "corpus", "gvisor", "history", "g3doc-history.bundle");

/** The rules whose fixes the maintainers' formatter also makes. */
export const FORMATTER_RULES = [
  "line-length",
  "list-marker",
  "trailing-whitespace",
  "blank-lines",
  "final-newline",
];

export type Kind = "identical" | "miss" | "formatter-mistake" | "editorial";

/**
 * Why a doc's merged text is not what a formatter would produce, or why ours
 * differs on purpose (keyed by the first 8 hex digits of the merge in the
 * history bundle, and the path).
 */
export const KNOWN: Record<string, { kind: Exclude<Kind, "identical">; reason: string }> = {
  "c9336f53 g3doc/user_guide/fuse.md": {
    kind: "formatter-mistake",
    reason:
      "the formatter turned the reference link `[FUSE] (Filesystem in Userspace)` into `[FUSE](Filesystem in Userspace)`, which is no link at all; every other line is identical",
  },
  "4f167d0e g3doc/user_guide/tutorials/docker-in-gke-sandbox.md": {
    kind: "formatter-mistake",
    reason:
      "a ```shell fence right after a paragraph line was wrapped into the paragraph as inline code",
  },
  "250d00bf g3doc/user_guide/tutorials/cni.md": {
    kind: "formatter-mistake",
    reason:
      "a ``` fence right after a paragraph line was wrapped into the paragraph as inline code",
  },
  "250d00bf g3doc/user_guide/tutorials/kubernetes.md": {
    kind: "formatter-mistake",
    reason:
      "two ```yaml fences right after paragraph lines were wrapped into paragraphs, and YAML `---` lines became headings",
  },
  "3a6dbe16 g3doc/user_guide/runtimeclass.md": {
    kind: "editorial",
    reason:
      "a maintainer linked RuntimeClass, capitalised Kubernetes and added a link definition on import",
  },
  "250d00bf g3doc/user_guide/compatibility.md": {
    kind: "editorial",
    reason:
      "the tools table was rewritten by hand on import (periods, centred columns, an mdformat-off block); the formatter also moved the paragraph after the list into the last list item",
  },
  "daa7d59f g3doc/architecture_guide/resources.md": {
    kind: "miss",
    reason:
      "the formatter broke the code span `runsc usage <container id>` across two lines; fix keeps code spans whole and moves it to the next line",
  },
  "30dfbd7a g3doc/user_guide/tutorials/docker-in-gvisor.md": {
    kind: "miss",
    reason:
      "the formatter broke the code spans `--iptables=false --ip6tables=false` and `docker run --network=host` across lines; fix keeps code spans whole",
  },
  "b167073a g3doc/user_guide/FAQ.md": {
    kind: "miss",
    reason:
      "the formatter broke the code span `--security-opt label=type:container_engine_t` across two lines; fix keeps code spans whole",
  },
  "250d00bf g3doc/user_guide/filesystem.md": {
    kind: "miss",
    reason:
      "the formatter broke the code span `docker cp` across two lines; fix keeps code spans whole",
  },
  "a0c132e9 g3doc/user_guide/gpu.md": {
    kind: "miss",
    reason:
      "the formatter escaped the parentheses in four link destinations (`Turing_\\(microarchitecture\\)`): the same URLs, and not a house-style fix; the list-marker padding around them matches",
  },
  "250d00bf g3doc/architecture_guide/resources.md": {
    kind: "miss",
    reason:
      "the formatter removed the blank line between the link definitions and the footnote definition `[^1]:`; no rule asks for that",
  },
};

export interface DocResult {
  merge: string;
  path: string;
  identical: boolean;
  /** Share of the lines the formatter changed (added or removed) that our fix changed the same way. */
  line_match: number;
  kind: Kind;
  reason?: string;
  /** The merged text says something else than the pull request's text (the formatter or a person changed the meaning). */
  merged_changes_meaning: boolean;
  /** Our fix changed the meaning of the pull request's text (must never happen). */
  fix_changes_meaning: boolean;
  fixes: number;
}

function historyClone(): string | null {
  if (!existsSync(BUNDLE)) return null;
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

/** The share of the lines that changed from `tip` to `merged` that changed the same way from `tip` to `ours`. */
export function lineMatch(tip: string, merged: string, ours: string): number {
  const t = linesOf(tip);
  const m = linesOf(merged);
  const o = linesOf(ours);
  // Lines of `merged` that the formatter added, and lines of `tip` it removed.
  const added = new Set<number>();
  const removed = new Set<number>();
  let ti = 0;
  let mi = 0;
  for (const op of diffLines(t, m)) {
    if (op.t === " ") {
      ti++;
      mi++;
    } else if (op.t === "+") added.add(mi++);
    else removed.add(ti++);
  }
  if (added.size + removed.size === 0) return 1;
  // Lines of `merged` that `ours` has in the same place.
  const kept = new Set<number>();
  mi = 0;
  for (const op of diffLines(o, m)) {
    if (op.t === " ") kept.add(mi++);
    else if (op.t === "+") mi++;
  }
  // Lines of `tip` that `ours` removed too.
  const gone = new Set<number>();
  ti = 0;
  for (const op of diffLines(t, o)) {
    if (op.t === " ") ti++;
    else if (op.t === "-") gone.add(ti++);
  }
  let hit = 0;
  for (const i of added) if (kept.has(i)) hit++;
  for (const i of removed) if (gone.has(i)) hit++;
  return hit / (added.size + removed.size);
}

export interface Merge {
  merge: string;
  tip: string;
  paths: string[];
}

/** Merges of outside pull requests, and the docs each changed that mainline left alone since the merge base. */
export function formatterMerges(clone: string): Merge[] {
  const git = (...a: string[]) =>
    execFileSync("git", a, { cwd: clone, encoding: "utf8", maxBuffer: 256 << 20 });
  const out: Merge[] = [];
  for (const m of git("log", "--merges", "--format=%H").trim().split("\n").filter(Boolean)) {
    const [p1, p2] = git("rev-parse", `${m}^1`, `${m}^2`).trim().split("\n");
    const base = git("merge-base", p1, p2).trim();
    const mainline = new Set(git("diff", "--name-only", base, p1).split("\n").filter(Boolean));
    const paths = git("diff", "--name-only", p2, m, "--", "*.md")
      .split("\n")
      .filter((p) => p && !mainline.has(p));
    if (paths.length > 0) out.push({ merge: m, tip: p2, paths });
  }
  return out;
}

function pct(n: number, d: number): string {
  return d === 0 ? "n/a" : `${((100 * n) / d).toFixed(1)}%`;
}

async function main(): Promise<void> {
  const clone = historyClone();
  if (!clone) {
    console.log(`skipped: ${BUNDLE} is absent`);
    return;
  }
  const jsonAt = process.argv.indexOf("--json");
  const jsonFile = jsonAt >= 0 ? process.argv[jsonAt + 1] : undefined;
  const verbose = process.argv.includes("--verbose");
  const git = (...a: string[]) =>
    execFileSync("git", a, { cwd: clone, encoding: "utf8", maxBuffer: 256 << 20 });
  // One doc at a time, without the tree that marks gVisor's: its house style is named.
  const config = resolveConfig({ preset: "gvisor" });
  const merges = formatterMerges(clone);
  const results: DocResult[] = [];
  const t0 = performance.now();
  for (const { merge, tip, paths } of merges) {
    for (const path of paths) {
      const before = git("show", `${tip}:${path}`);
      const merged = git("show", `${merge}:${path}`);
      const fixed = await fixText(path, before, config, FORMATTER_RULES, { reformat: true });
      const identical = fixed.text === merged;
      const known = KNOWN[`${merge.slice(0, 8)} ${path}`];
      const mergedChanges = meaningDifference(before, merged) !== null;
      const ours = meaningDifference(before, fixed.text);
      let kind: Kind = "identical";
      let reason: string | undefined;
      if (!identical) {
        if (known) {
          kind = known.kind;
          reason = known.reason;
        } else if (mergedChanges) {
          kind = "formatter-mistake";
          reason = `the merged text parses differently from the pull request's (first at ${meaningDifference(before, merged)})`;
        } else {
          kind = "miss";
          const d = diffLines(linesOf(merged), linesOf(fixed.text)).find((o) => o.t !== " ");
          reason = `not explained yet; first difference: ${d ? `${d.t === "-" ? "merged has" : "fix gives"} ${JSON.stringify(d.s)}` : "line endings"}`;
        }
      }
      results.push({
        merge,
        path,
        identical,
        line_match: Number(lineMatch(before, merged, fixed.text).toFixed(4)),
        kind,
        reason,
        merged_changes_meaning: mergedChanges,
        fix_changes_meaning: ours !== null,
        fixes: fixed.fixes,
      });
      if (verbose && !identical)
        process.stdout.write(unifiedDiff(merged, fixed.text, `${merge.slice(0, 8)}/${path}`));
    }
  }
  const ms = performance.now() - t0;
  const docs = results.length;
  const identical = results.filter((r) => r.identical).length;
  const mistakes = results.filter((r) => r.kind === "formatter-mistake").length;
  const editorial = results.filter((r) => r.kind === "editorial").length;
  const meanLine = results.reduce((a, r) => a + r.line_match, 0) / Math.max(1, docs);
  const unsafe = results.filter((r) => r.fix_changes_meaning);

  console.log(
    `fix --all (${FORMATTER_RULES.join(", ")}) on the pull-request tips of ${merges.length} merges, ${docs} docs, compared with the merged text:`,
  );
  console.log(
    `  identical:                                           ${identical}/${docs} (${pct(identical, docs)})`,
  );
  console.log(
    `  identical, formatter mistakes left out:              ${identical}/${docs - mistakes} (${pct(identical, docs - mistakes)})`,
  );
  console.log(
    `  identical, formatter mistakes and human edits out:   ${identical}/${docs - mistakes - editorial} (${pct(identical, docs - mistakes - editorial)})`,
  );
  console.log(
    `  changed lines matched (mean over docs):              ${(100 * meanLine).toFixed(1)}%`,
  );
  console.log(`  fixes that changed a doc's meaning:                  ${unsafe.length}`);
  console.log(`  time: ${(ms / 1000).toFixed(1)} s`);
  const misses = results.filter((r) => !r.identical);
  if (misses.length > 0) {
    console.log("\nNot identical:");
    for (const r of misses)
      console.log(
        `  ${r.kind.padEnd(17)} ${r.merge.slice(0, 8)} ${r.path} (lines matched ${(100 * r.line_match).toFixed(0)}%): ${r.reason}`,
      );
  }
  for (const r of unsafe)
    console.log(`ERROR: the fix changed the meaning of ${r.merge.slice(0, 8)} ${r.path}`);
  if (jsonFile) {
    writeFileSync(
      jsonFile,
      JSON.stringify(
        {
          docs,
          identical,
          formatter_mistakes: mistakes,
          editorial,
          identical_share: identical / docs,
          identical_share_without_formatter_mistakes: identical / (docs - mistakes),
          rules: FORMATTER_RULES,
          results,
        },
        null,
        2,
      ) + "\n",
    );
  }
  if (unsafe.length > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await main();
