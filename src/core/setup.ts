/**
 * What a review knows before it reads its docs: the paths at head, the
 * change and its diffs, the publishing model, the config with its preset,
 * MkDocs' autorefs, the docs to review and the rules to run. Built from the
 * change set's reads alone, so the same reads give the same setup (an
 * audit's worker threads rebuild it from the reads the main thread made).
 */
import type { ChangeSet } from "./changeset.js";
import type { Config } from "../config/defaults.js";
import { foldersOf } from "./markdown/paths.js";
import type { DocAnchors } from "./markdown/slug.js";
import { diffMatters, docMatcher } from "./docs-scope.js";
import { parsePatch, type FileDiff } from "./diff/patch.js";
import { enabledRules, type EnabledRule } from "./rules/run.js";
import type { ChangeInfo, ReviewContext } from "./rules/types.js";
import { loadPublishing } from "./g3doc/load.js";
import { mkdocsAutorefs } from "./g3doc/mkdocs.js";
import { reviewPaths, type ReviewMode } from "./plan/reads.js";
import { withPreset } from "../config/presets.js";
import type { Publishing } from "./g3doc/model.js";
import { DEFAULT_MAX_DOC_BYTES } from "./markdown/read.js";

/** What is at head: every path, as a list and a set, and every folder. */
export interface Head {
  list: string[];
  paths: Set<string>;
  dirs: Set<string>;
}

/** The rules to run, by where they run. */
export interface RuleSets {
  /** On each reviewed doc. */
  onDocs: EnabledRule[];
  /** On docs the change may have broken. */
  onBroken: EnabledRule[];
  /** On the publishing model's BUILD files. */
  onBuildFiles: EnabledRule[];
}

export interface Setup {
  mode: ReviewMode;
  maxBytes: number;
  isDoc: (path: string) => boolean;
  head: Head;
  change: ChangeInfo;
  /** Head-side diff of each changed file. */
  diffs: Map<string, FileDiff>;
  publishing: Publishing | undefined;
  /** The config with the preset the repository gets. */
  config: Config;
  autorefs: (docPath: string) => boolean;
  repository: string | undefined;
  /** The docs to review, in order. */
  toReview: string[];
  rules: RuleSets;
  /** What a reader of the review should know so far (publishing model, missing patches). */
  notes: string[];
}

export interface SetupOptions {
  mode?: ReviewMode;
  /** Docs larger than this are not parsed (a notice says so). */
  maxDocBytes?: number;
  onStep?: (step: "parse", path: string) => void;
}

/** The change's deletions, renames and additions, and the head-side diff of each changed file. */
function changeOf(
  cs: ChangeSet,
  mode: ReviewMode,
  config: Config,
  notes: string[],
): { change: ChangeInfo; diffs: Map<string, FileDiff> } {
  const isDoc = docMatcher(config);
  const matters = diffMatters(config);
  const change: ChangeInfo = { mode, deleted: new Set(), renamed: new Map(), added: new Set() };
  const diffs = new Map<string, FileDiff>();
  for (const f of cs.files) {
    if (f.status === "removed") change.deleted.add(f.path);
    if (f.status === "renamed" && f.previousPath) change.renamed.set(f.previousPath, f.path);
    if (f.status === "added" || f.status === "renamed") change.added.add(f.path);
    if (f.status === "removed" || !matters(f.path)) continue;
    const d = parsePatch(f.patch);
    diffs.set(f.path, d);
    if (d.wholeFile && isDoc(f.path) && mode === "change")
      notes.push(
        `${f.path}: no diff was available (binary or too large), so every line is treated as changed.`,
      );
  }
  return { change, diffs };
}

function ruleSets(config: Config, publishing: Publishing | undefined): RuleSets {
  const rules = enabledRules(config).filter((r) => !r.rule.scope.publishing || publishing);
  const onDocs = rules.filter((r) => r.rule.scope.on === "doc");
  return {
    onDocs,
    onBroken: onDocs.filter((r) => r.rule.scope.brokenByChange),
    onBuildFiles: rules.filter((r) => r.rule.scope.on === "build-file"),
  };
}

/** The setup of a review: the first rounds of reads (paths, publishing model, mkdocs configs). */
export async function prepareReview(
  cs: ChangeSet,
  userConfig: Config,
  options: SetupOptions = {},
): Promise<Setup> {
  const mode = options.mode ?? "change";
  const isDoc = docMatcher(userConfig);
  const notes: string[] = [];
  const headList = await cs.listPaths("head");
  const head: Head = { list: headList, paths: new Set(headList), dirs: foldersOf(headList) };
  const { change, diffs } = changeOf(cs, mode, userConfig, notes);

  // Publishing model (BUILD doc() rules and the site registry), when the docs have one.
  const publishing = await loadPublishing(cs, headList, userConfig, change, isDoc, options.onStep);
  if (publishing) notes.push(...publishing.notes);
  // The house style, when the config leaves it to what the repository contains.
  const config = withPreset(userConfig, {
    publishedByDocRules: publishing !== undefined,
    hasFile: (p) => head.paths.has(p),
    hasFolder: (p) => head.dirs.has(p),
  });
  return {
    mode,
    maxBytes: options.maxDocBytes ?? DEFAULT_MAX_DOC_BYTES,
    isDoc,
    head,
    change,
    diffs,
    publishing,
    config,
    autorefs: await mkdocsAutorefs(cs, headList),
    repository: cs.repository,
    toReview: reviewPaths(cs.files, headList, mode, isDoc),
    rules: ruleSets(config, publishing),
    notes,
  };
}

/** The rules' view of the review, with where other docs' anchors come from. */
export function contextOf(
  setup: Setup,
  anchorsAt: (path: string) => DocAnchors | undefined,
  baseAnchorsOf: (path: string) => ReadonlySet<string> | undefined = () => undefined,
): ReviewContext {
  const { head } = setup;
  return {
    config: setup.config,
    change: setup.change,
    headPaths: head.paths,
    fileExists: (p) => head.paths.has(p),
    dirExists: (p) => head.dirs.has(p),
    anchorsAt,
    baseAnchorsOf,
    autorefs: setup.autorefs,
    repository: setup.repository,
    publishing: setup.publishing,
  };
}
