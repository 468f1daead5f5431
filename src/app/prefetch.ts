/**
 * Guessing what the engine will read, so that one GraphQL query can carry it
 * all: the engine reads in rounds (BUILD files, changed docs, the base side,
 * docs they link to), each round depending on the one before.
 */
import { posix } from "node:path";
import { folderOf, SCHEME } from "../core/markdown/paths.js";
import type { ChangedFile, Side } from "../core/changeset.js";
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

export function prefetchFor(config: Config) {
  const isDoc = docMatcher(config);
  const buildNames = config.build.files;
  return (
    headPaths: readonly string[],
    files: readonly ChangedFile[],
  ): { side: Side; path: string }[] => {
    const out: { side: Side; path: string }[] = [];
    const head = (path: string) => out.push({ side: "head", path });
    const base = (path: string) => out.push({ side: "base", path });
    const isBuild = (p: string) => buildNames.includes(posix.basename(p));
    const live = files.filter((f) => f.status !== "removed");
    // 1. The changed docs and BUILD files, both sides.
    for (const f of live) if (isDoc(f.path) || isBuild(f.path)) head(f.path);
    for (const f of files)
      if ((f.status === "modified" || f.status === "renamed") && (isDoc(f.path) || isBuild(f.path)))
        base(f.previousPath ?? f.path);
    // 2. The BUILD files above the changed docs, and the registry.
    const present = new Set(headPaths);
    for (const f of live.filter((x) => isDoc(x.path))) {
      for (let dir = folderOf(f.path); ; dir = folderOf(dir)) {
        for (const n of buildNames) {
          const p = dir === "" ? n : `${dir}/${n}`;
          if (present.has(p)) head(p);
        }
        if (dir === "") break;
      }
    }
    if (config.build.registry) head(config.build.registry);
    // 2b. Every BUILD file of a folder that holds docs: the permalink map needs them all.
    const docFolders = new Set(headPaths.filter(isDoc).map(folderOf));
    for (const p of headPaths) if (isBuild(p) && docFolders.has(folderOf(p))) head(p);
    // 2c. When the change removes a file or a heading, the engine reads the
    // other docs to find what still points at it: all docs, at head.
    const removesHeading = (patch: string | null) =>
      patch !== null && /^-[ \t]{0,3}#{1,6}[ \t]/m.test(patch);
    // A BUILD file that loses lines may lose a page (a permalink or a rule).
    const removesLines = (patch: string | null) => patch === null || /^-(?!--)/m.test(patch);
    if (
      files.some(
        (f) =>
          f.status === "removed" ||
          f.status === "renamed" ||
          (isDoc(f.path) && removesHeading(f.patch)) ||
          (isBuild(f.path) && removesLines(f.patch)),
      )
    ) {
      for (const p of headPaths) if (isDoc(p)) head(p);
    }
    // 2d. Docs that added lines link to with a #fragment (their headings are checked). A guess:
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
    // 3. The other docs next to the changed docs (links and published siblings are mostly local).
    const folders = new Set(live.filter((x) => isDoc(x.path)).map((x) => folderOf(x.path)));
    for (const p of headPaths) if (isDoc(p) && folders.has(folderOf(p))) head(p);
    return out;
  };
}
