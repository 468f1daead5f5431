/**
 * The read plan: which files a review reads, decided from what is known
 * before any file is read (the changed files, the paths at head, the
 * config). Pure. The engine reads by it, round by round; the app's GitHub
 * change set asks for its first round, and its guesses of the next, in the
 * first query (src/app/prefetch.ts), so that most reviews read everything
 * in one request.
 *
 * Rounds the plan cannot know without texts (docs linked from the reviewed
 * docs, the docs that mention what the change removed) are decided by the
 * engine once it has them; the plan says whether the second may happen.
 */
import { posix } from "node:path";
import type { ChangedFile, Side } from "../changeset.js";
import type { Config } from "../../config/defaults.js";
import { folderOf } from "../markdown/paths.js";
import { packageFolderOf } from "../g3doc/model.js";
import { mkdocsConfigs } from "../g3doc/mkdocs.js";
import { docMatcher } from "../docs-scope.js";

export type ReviewMode = "change" | "all";

export interface PlannedRead {
  side: Side;
  path: string;
}

export interface ReadPlan {
  /** The BUILD files that govern the docs at head (the nearest one above each doc), and the site registry. */
  publishing: { builds: string[]; registry: string | null; buildPaths: Set<string> };
  /** The mkdocs.yml files (whether autorefs serves a doc). */
  mkdocs: string[];
  /** The docs under review: the change's docs at head, or every doc for an audit. */
  review: string[];
  /** At the base: the modified docs (their anchors before), the changed BUILD files (pages lost). */
  base: { docs: string[]; builds: string[] };
  /**
   * Whether the change may have broken docs it does not touch: it removes or
   * renames a file, a heading line, or lines of a BUILD file. Then the
   * engine may read every doc at head to find what still points there.
   */
  maySweep: boolean;
}

export interface PlanInput {
  config: Config;
  headList: readonly string[];
  files: readonly ChangedFile[];
  mode: ReviewMode;
}

/** The BUILD file of a folder (BUILD.bazel wins over BUILD, as in Bazel). */
export function buildFileIn(
  folder: string,
  names: readonly string[],
  paths: ReadonlySet<string>,
): string | undefined {
  const candidates = names
    .map((n) => (folder === "" ? n : `${folder}/${n}`))
    .filter((p) => paths.has(p));
  return candidates.find((p) => p.endsWith(".bazel")) ?? candidates[0];
}

/** The publishing model's reads: the BUILD file of each doc's package at head, and the registry. */
export function publishingReads(
  headList: readonly string[],
  config: Config,
  isDoc: (path: string) => boolean,
): ReadPlan["publishing"] {
  const names = config.build.files;
  const buildPaths = new Set(headList.filter((p) => names.includes(posix.basename(p))));
  const none = { builds: [], registry: null, buildPaths };
  if (buildPaths.size === 0) return none;
  const buildFolders = new Set([...buildPaths].map(folderOf));
  const builds = new Set<string>();
  for (const p of headList) {
    if (!isDoc(p)) continue;
    const pkg = packageFolderOf(p, buildFolders);
    if (pkg === null) continue;
    const b = buildFileIn(pkg, names, buildPaths);
    if (b) builds.add(b);
  }
  if (builds.size === 0) return none;
  const registry =
    config.build.registry && headList.includes(config.build.registry)
      ? config.build.registry
      : null;
  return { builds: [...builds].sort(), registry, buildPaths };
}

/** The changed BUILD files that existed at the base (their base side tells which pages were lost). */
export function changedBuildsAtBase(
  files: readonly ChangedFile[],
  config: Config,
  registry: string | null,
): ChangedFile[] {
  return files.filter(
    (f) =>
      config.build.files.includes(posix.basename(f.path)) &&
      f.status !== "added" &&
      f.path !== registry,
  );
}

/** The modified (or renamed) docs, whose base side gives the anchors they had. */
export function modifiedDocs(files: readonly ChangedFile[]): ChangedFile[] {
  return files.filter(
    (f) => (f.status === "modified" || f.status === "renamed") && f.path.endsWith(".md"),
  );
}

/** The docs a review reviews: the change's docs at head, or every doc for an audit. */
export function reviewPaths(
  files: readonly ChangedFile[],
  headList: readonly string[],
  mode: ReviewMode,
  isDoc: (path: string) => boolean,
): string[] {
  if (mode === "all") return headList.filter(isDoc).sort();
  return files
    .filter((f) => f.status !== "removed" && isDoc(f.path))
    .map((f) => f.path)
    .sort();
}

/**
 * Whether a line of the patch that starts with "-" matches `line` (a sticky
 * regular expression) there. Only those lines are looked at: a 3,000-file
 * change's added docs are megabytes of "+" lines.
 */
function removedLineMatches(patch: string, line: RegExp): boolean {
  for (let at = 0; ;) {
    if (patch.charCodeAt(at) === 0x2d) {
      line.lastIndex = at;
      if (line.test(patch)) return true;
    }
    const next = patch.indexOf("\n-", at);
    if (next < 0) return false;
    at = next + 1;
  }
}

/** Whether the change may have broken docs it does not touch (see ReadPlan.maySweep). */
export function maySweep(
  files: readonly ChangedFile[],
  isDoc: (path: string) => boolean,
  isBuild: (path: string) => boolean,
): boolean {
  const removesHeading = (patch: string | null) =>
    patch !== null && removedLineMatches(patch, /-[ \t]{0,3}#{1,6}[ \t]/y);
  // A BUILD file that loses lines may lose a page (a permalink or a rule).
  const removesLines = (patch: string | null) =>
    patch === null || removedLineMatches(patch, /-(?!--)/y);
  return files.some(
    (f) =>
      f.status === "removed" ||
      f.status === "renamed" ||
      // An added file has no removed lines.
      (f.status !== "added" && isDoc(f.path) && removesHeading(f.patch)) ||
      (isBuild(f.path) && removesLines(f.patch)),
  );
}

/** The plan for a review. */
export function planReads(input: PlanInput): ReadPlan {
  const { config, headList, files, mode } = input;
  const isDoc = docMatcher(config);
  const isBuild = (p: string) => config.build.files.includes(posix.basename(p));
  const publishing = publishingReads(headList, config, isDoc);
  const change = mode === "change";
  return {
    publishing,
    mkdocs: mkdocsConfigs(headList),
    review: reviewPaths(files, headList, mode, isDoc),
    base: {
      docs: change ? modifiedDocs(files).map((f) => f.previousPath ?? f.path) : [],
      builds:
        change && publishing.builds.length > 0
          ? changedBuildsAtBase(files, config, publishing.registry).map(
              (f) => f.previousPath ?? f.path,
            )
          : [],
    },
    maySweep: change && maySweep(files, isDoc, isBuild),
  };
}

/** The plan's reads that need no text: publishing, mkdocs, the reviewed docs, the base side. */
export function firstReads(plan: ReadPlan): PlannedRead[] {
  const head = (path: string): PlannedRead => ({ side: "head", path });
  const base = (path: string): PlannedRead => ({ side: "base", path });
  const { publishing } = plan;
  return [
    ...publishing.builds.map(head),
    ...(publishing.registry ? [head(publishing.registry)] : []),
    ...plan.mkdocs.map(head),
    ...plan.review.map(head),
    ...plan.base.docs.map(base),
    ...plan.base.builds.map(base),
  ];
}
