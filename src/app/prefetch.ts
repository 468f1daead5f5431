/**
 * What the first GraphQL query reads, so that it can carry a whole review:
 * the read plan's first round (core/plan/reads.ts), which the engine reads
 * by, and guesses of the rounds that depend on texts.
 */
import { posix } from "node:path";
import { folderOf, SCHEME } from "../core/markdown/paths.js";
import type { ChangedFile } from "../core/changeset.js";
import { firstReads, planReads, type PlannedRead } from "../core/plan/reads.js";
import type { Config } from "../config/defaults.js";
import { docMatcher } from "../core/docs-scope.js";

/** Characters a link target may hold here (the class `[^\s)#>]`). */
const isTargetChar = (c: string) => !/[\s)#>]/.test(c);

/**
 * The `.md` targets of links with a #fragment on one line: what
 * `/(?:\]\(|\]:[ \t]*)<?([^\s)#>]+\.md)#/g` matches, found in one pass (that
 * regular expression backtracks over the whole line from every `](` or `]:`,
 * quadratic on a long line). A target ends at its `#`, so each `#` is looked
 * at once, with the run of target characters before it.
 */
export function mdFragmentTargets(line: string, meter?: { steps: number }): string[] {
  const out: string[] = [];
  let from = 0;
  for (let hash = line.indexOf("#"); hash >= 0; hash = line.indexOf("#", hash + 1)) {
    let runStart = hash;
    while (runStart > from && isTargetChar(line[runStart - 1])) runStart--;
    if (meter) meter.steps += hash - from + 1;
    const target = targetBefore(line, from, runStart, hash);
    if (target !== undefined) out.push(target);
    from = hash + 1;
  }
  return out;
}

/** The leftmost link target that ends at `hash`, within the run runStart..hash. */
function targetBefore(line: string, from: number, runStart: number, hash: number) {
  if (hash - runStart < 4 || line.slice(hash - 3, hash) !== ".md") return undefined;
  const fits = (start: number): string | undefined => {
    // `<?` is greedy: with a "<" the target starts after it, unless that leaves too little.
    for (const t of line[start] === "<" ? [start + 1, start] : [start])
      if (hash - t >= 4) return line.slice(t, hash);
    return undefined;
  };
  // `]:` followed by spaces or tabs just before the run.
  let k = runStart;
  while (k > from && (line[k - 1] === " " || line[k - 1] === "\t")) k--;
  if (k < runStart && k - 2 >= from && line[k - 2] === "]" && line[k - 1] === ":") {
    const t = fits(runStart);
    if (t !== undefined) return t;
  }
  // `](` or `]:` inside the run, leftmost first.
  for (let i = runStart; i < hash - 1; i++) {
    if (line[i] !== "]" || (line[i + 1] !== "(" && line[i + 1] !== ":")) continue;
    const t = fits(i + 2);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** Characters of patches scanned for link targets, in all: the scan runs on the main thread. */
export const PREFETCH_SCAN_CHARS = 256 * 1024;

/**
 * What to read in the first query: the read plan's first round
 * (core/plan/reads.ts), and guesses of the rounds that depend on texts: every
 * doc at head when the change may have broken others, the docs that added
 * lines link to with a #fragment, and the docs next to the changed ones.
 */
export function prefetchFor(config: Config) {
  const isDoc = docMatcher(config);
  return (headPaths: readonly string[], files: readonly ChangedFile[]): PlannedRead[] => {
    const plan = planReads({ config, headList: headPaths, files, mode: "change" });
    const out = firstReads(plan);
    const head = (path: string) => out.push({ side: "head", path });
    const present = new Set(headPaths);
    const live = files.filter((f) => f.status !== "removed");
    if (plan.maySweep) for (const p of headPaths) if (isDoc(p)) head(p);
    // Docs that added lines link to with a #fragment (their headings are checked). A guess:
    // past PREFETCH_SCAN_CHARS of patch it stops (what it misses is read in a later round).
    let budget = PREFETCH_SCAN_CHARS;
    for (const f of live.filter((x) => isDoc(x.path) && x.patch)) {
      if (budget <= 0) break;
      const patch = f.patch!.slice(0, budget);
      budget -= patch.length;
      for (const line of patch.split("\n")) {
        if (!line.startsWith("+")) continue;
        for (const link of mdFragmentTargets(line)) {
          if (SCHEME.test(link)) continue;
          const target = link.startsWith("/")
            ? link.slice(1)
            : posix.normalize(posix.join(folderOf(f.path), link));
          if (present.has(target)) head(target);
        }
      }
    }
    // The other docs next to the changed docs (links and published siblings are mostly local).
    const folders = new Set(plan.review.map(folderOf));
    for (const p of headPaths) if (isDoc(p) && folders.has(folderOf(p))) head(p);
    return out;
  };
}
