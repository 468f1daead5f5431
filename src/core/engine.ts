/**
 * The review engine: (change set + config) -> findings.
 *
 * It gathers what the rules need through the change set (batched reads),
 * parses docs once, runs every enabled rule over each doc, and keeps the
 * findings that belong to the change (see `diff/filter.ts`). No I/O of its
 * own besides the change set, no clock, no environment.
 */
import type { ChangeSet, FileContent } from "./changeset.js";
import type { Finding, Severity } from "./finding.js";
import { compareFindings, numberOccurrences } from "./finding.js";
import type { Config } from "../config/defaults.js";
import { parseDoc, nestingProblem, memo, type Doc } from "./markdown/parse.js";
import { anchorSet, anchorsOf } from "./markdown/slug.js";
import { referencesOf } from "./markdown/refs.js";
import { resolveLocal, foldersOf } from "./markdown/paths.js";
import { docMatcher } from "./docs-scope.js";
import { parsePatch, touches, type FileDiff } from "./diff/patch.js";
import { applyDiffFilter } from "./diff/filter.js";
import { RULES, RULE_NAMES } from "./rules/index.js";
import { inlineControl } from "./markdown/inline-control.js";
import { suggestionAllowed } from "./fix/allowed.js";
import type { ChangeInfo, Report, ReviewContext, Rule } from "./rules/types.js";
import { loadPublishing, docsLinkedThroughPages } from "./g3doc/load.js";
import { mkdocsAutorefs } from "./g3doc/mkdocs.js";
import { modifiedDocs, reviewPaths, type ReviewMode } from "./plan/reads.js";
import { withPreset } from "../config/presets.js";
import type { Publishing } from "./g3doc/model.js";

export type { ReviewMode };

export interface ReviewOptions {
  mode?: ReviewMode;
  /** Docs larger than this are not parsed (a notice says so). */
  maxDocBytes?: number;
  /**
   * Told before each costly step: parsing a doc or BUILD file, checking one,
   * and the final sorting of findings (no path). The app's review worker uses
   * it to name the doc a review was busy with when its budget ran out.
   */
  onStep?: (step: ReviewStep, path?: string) => void;
}

export type ReviewStep = "parse" | "check" | "finish";

export interface ReviewResult {
  /** What the review reports. */
  findings: Finding[];
  /** Every finding, before the diff filter (for audits and debugging). */
  allFindings: Finding[];
  /** Docs reviewed (the change's docs, or all docs for an audit). */
  docs: string[];
  /** Docs read only to check what the change broke in them. */
  impactDocs: string[];
  /** Head-side diff of each changed file. */
  diffs: Map<string, FileDiff>;
  /** Things a reader of the review should know (skipped files, missing patches). */
  notes: string[];
  /**
   * Findings the review would report but that comments in the docs turn
   * off, counted per rule (the summary says how many).
   */
  suppressed: Record<string, number>;
}

export const DEFAULT_MAX_DOC_BYTES = 8 * 1024 * 1024;

const byteLength = (s: string) => Buffer.byteLength(s, "utf8");

function textOf(c: FileContent | undefined): string | null {
  return c && c.kind === "text" ? c.text : null;
}

export interface EnabledRule {
  rule: Rule;
  /** Its severity under the config. */
  severity: Severity;
}

/** The rules that are on, with their severity under the config. */
export function enabledRules(config: Config, rules: readonly Rule[] = RULES): EnabledRule[] {
  const out: EnabledRule[] = [];
  for (const rule of rules) {
    const severity = config.rules[rule.id] ?? rule.severity;
    if (severity !== "off") out.push({ rule, severity });
  }
  return out;
}

/**
 * Runs rules on one doc. A rule that throws gives a note naming the rule and
 * the doc, and none of its findings on that doc: what it reported before it
 * failed may be wrong. Findings that the doc's own comments turn off (see
 * markdown/inline-control.ts) are returned apart, as `suppressed`.
 */
export function checkDoc(
  doc: Doc,
  rules: readonly EnabledRule[],
  ctx: ReviewContext,
): { findings: Finding[]; suppressed: Finding[]; notes: string[] } {
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  const notes: string[] = [];
  const control = memo(doc, "inline-control", (d) => inlineControl(d, RULE_NAMES));
  // BUILD files come as docs with an empty tree: no Markdown protections apply to them.
  const isMarkdown = doc.tree.children.length > 0;
  for (const u of control.unknown)
    notes.push(
      `${doc.path}:${u.line}: a g3doc-review comment names ${JSON.stringify(u.name)}, which no rule has.`,
    );
  for (const { rule, severity } of rules) {
    const mine: Finding[] = [];
    const report: Report = (message, at) => {
      const line = at.line;
      mine.push({
        path: doc.path,
        line,
        endLine: Math.max(line, at.endLine ?? line),
        column: at.column ?? 1,
        rule: rule.id,
        severity: at.severity ?? severity,
        message,
        suggestion: at.suggestion ?? null,
        changed: false,
        causedByChange: at.causedByChange === true || undefined,
        lineText: doc.lines[line - 1] ?? "",
      });
    };
    try {
      rule.check(doc, ctx, report);
      for (const f of mine) {
        // A suggestion fix would refuse (over code, tables, HTML, front matter) is not offered.
        if (f.suggestion !== null && isMarkdown && !suggestionAllowed(doc, f)) f.suggestion = null;
        (control.isOff(f.rule, f.line) ? suppressed : findings).push(f);
      }
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      notes.push(`${doc.path}: rule ${rule.id} could not run (${why}).`);
    }
  }
  return { findings, suppressed, notes };
}

/**
 * Why a review saw no doc, and how to set `paths:`: for an audit, always; for
 * a change, when it touched Markdown in a `g3doc/` folder that `paths` misses.
 */
function noDocsNote(config: Config, headList: readonly string[], changed: string[] | null) {
  const inG3doc = (p: string) => /(^|\/)g3doc\/.+\.md$/i.test(p);
  if (changed !== null && !changed.some(inG3doc)) return null;
  const folders = new Map<string, number>();
  for (const p of changed ?? headList) {
    const m = /^(.*?(?:^|\/)g3doc\/)/i.exec(p);
    if (m && inG3doc(p)) folders.set(m[1], (folders.get(m[1]) ?? 0) + 1);
  }
  const globs = config.paths.map((g) => `\`${g}\``).join(", ");
  const where = [...folders].slice(0, 3).map(([f, n]) => `\`${f}\` (${n})`);
  return (
    `0 docs matched \`paths\` (${globs}), so nothing was reviewed. ` +
    (where.length > 0
      ? `Markdown files in g3doc folders: ${where.join(", ")}${folders.size > 3 ? ", ..." : ""}; ` +
        'to review them, set `paths: ["**/g3doc/**/*.md"]` in .github/g3doc-review.yml.'
      : "Set `paths:` in .github/g3doc-review.yml to the globs of your docs " +
        '(`paths: ["docs/**/*.md"]`, say).')
  );
}

/** What is at head: every path, as a list and a set, and every folder. */
interface Head {
  list: string[];
  paths: Set<string>;
  dirs: Set<string>;
}

/** The change's deletions, renames and additions, and the head-side diff of each changed file. */
function changeOf(
  cs: ChangeSet,
  mode: ReviewMode,
  isDoc: (path: string) => boolean,
  notes: string[],
): { change: ChangeInfo; diffs: Map<string, FileDiff> } {
  const change: ChangeInfo = { mode, deleted: new Set(), renamed: new Map(), added: new Set() };
  const diffs = new Map<string, FileDiff>();
  for (const f of cs.files) {
    if (f.status === "removed") change.deleted.add(f.path);
    if (f.status === "renamed" && f.previousPath) change.renamed.set(f.previousPath, f.path);
    if (f.status === "added" || f.status === "renamed") change.added.add(f.path);
    if (f.status === "removed") continue;
    const d = parsePatch(f.patch);
    diffs.set(f.path, d);
    if (d.wholeFile && isDoc(f.path) && mode === "change")
      notes.push(
        `${f.path}: no diff was available (binary or too large), so every line is treated as changed.`,
      );
  }
  return { change, diffs };
}

/**
 * Reads and parses docs at head, once each: a doc that is binary, over the
 * size limit, nested too deep to parse in linear time, or that the parser
 * fails on is skipped with a note.
 */
class DocReader {
  constructor(
    private readonly cs: ChangeSet,
    /** The docs under review: never read twice. */
    private readonly reviewed: ReadonlyMap<string, Doc>,
    readonly maxBytes: number,
    private readonly notes: string[],
    private readonly onStep: ReviewOptions["onStep"],
  ) {}

  /** Parses a doc, or notes why it is skipped (when `note`). */
  parse(p: string, text: string, note = true): Doc | null {
    this.onStep?.("parse", p);
    const problem = nestingProblem(text);
    if (problem) {
      if (note) this.notes.push(`${p}: skipped, ${problem}.`);
      return null;
    }
    try {
      return parseDoc(p, text);
    } catch (err) {
      if (note)
        this.notes.push(`${p}: skipped, it could not be parsed (${(err as Error).message}).`);
      return null;
    }
  }

  /** Reads the docs not read yet into `into`; `keep` may pass over a doc by its text before it is parsed. */
  async read(paths: string[], into: Map<string, Doc>, keep?: (text: string) => boolean) {
    const wanted = paths.filter((p) => !into.has(p) && !this.reviewed.has(p));
    if (wanted.length === 0) return;
    const contents = await this.cs.read(wanted, "head");
    for (const p of wanted) {
      const c = contents.get(p);
      if (!c || c.kind === "missing") continue;
      if (c.kind === "binary") {
        this.notes.push(`${p}: skipped, the file is binary or not valid UTF-8 text.`);
        continue;
      }
      if (c.kind === "too-large" || byteLength(c.text) > this.maxBytes) {
        const mb = (c.kind === "too-large" ? c.bytes : byteLength(c.text)) / 1048576;
        const limit = (this.maxBytes / 1048576).toFixed(0);
        this.notes.push(
          `${p}: skipped, ${mb.toFixed(1)} MB is over the ${limit} MB limit for one doc.`,
        );
        continue;
      }
      if (keep && !keep(c.text)) continue;
      const doc = this.parse(p, c.text);
      if (doc) into.set(p, doc);
    }
  }
}

/**
 * Docs linked from the reviewed ones (for cross-doc anchors), at head, by
 * path or through the site's pages. A change review needs only the links on
 * lines it touched: a broken anchor on an untouched line is reported only
 * when the change broke it, and then the target doc is part of the change
 * and read already.
 */
function linkedDocs(
  docs: ReadonlyMap<string, Doc>,
  head: Head,
  publishing: Publishing | undefined,
  wantedRef: (doc: Doc, ref: { line: number; endLine: number }) => boolean,
): Set<string> {
  const linked = new Set<string>();
  for (const doc of docs.values()) {
    for (const ref of referencesOf(doc)) {
      if (ref.kind !== "link" || !wantedRef(doc, ref)) continue;
      const t = resolveLocal(doc.path, ref.url);
      if (
        t &&
        t.fragment !== undefined &&
        t.path !== doc.path &&
        t.path.endsWith(".md") &&
        head.paths.has(t.path)
      )
        linked.add(t.path);
    }
  }
  if (publishing)
    for (const p of docsLinkedThroughPages(
      publishing,
      docs.values(),
      head.paths,
      (d) => head.dirs.has(d),
      wantedRef,
    ))
      if (!docs.has(p)) linked.add(p);
  return linked;
}

/** The heading anchors each modified doc had at the base. */
async function baseAnchorsOf(cs: ChangeSet, reader: DocReader): Promise<Map<string, Set<string>>> {
  const baseAnchors = new Map<string, Set<string>>();
  const modified = modifiedDocs(cs.files);
  if (modified.length === 0) return baseAnchors;
  const base = await cs.read(
    modified.map((f) => f.previousPath ?? f.path),
    "base",
  );
  for (const f of modified) {
    const text = textOf(base.get(f.previousPath ?? f.path));
    const before =
      text !== null && byteLength(text) <= reader.maxBytes
        ? reader.parse(f.path, text, false)
        : null;
    if (before) baseAnchors.set(f.path, anchorSet(before.tree));
  }
  return baseAnchors;
}

/**
 * Words a doc must contain to possibly point at what the change removed:
 * the names of deleted or renamed files, lost heading anchors, lost pages.
 */
function removedNeedles(
  baseAnchors: ReadonlyMap<string, Set<string>>,
  docs: ReadonlyMap<string, Doc>,
  change: ChangeInfo,
  publishing: Publishing | undefined,
): Set<string> {
  const needles = new Set<string>();
  for (const [p, before] of baseAnchors) {
    const now = docs.get(p);
    const after = now ? anchorsOf(now) : new Set<string>();
    for (const a of before) if (!after.has(a)) needles.add(`#${a}`.toLowerCase());
  }
  for (const p of [...change.deleted, ...change.renamed.keys()]) {
    const base = p.slice(p.lastIndexOf("/") + 1).toLowerCase();
    needles.add(base);
    if (base.endsWith(".md")) needles.add(base.slice(0, -3));
  }
  for (const page of publishing?.lostPages.keys() ?? []) {
    const last = page.replace(/\/$/, "").split("/").pop();
    if (last) needles.add(last.toLowerCase());
  }
  return needles;
}

/** A change's files that `paths` misses (a removed doc is no sign of a wrong `paths`). */
function missedDocs(cs: ChangeSet, isDoc: (path: string) => boolean): string[] {
  return cs.files.filter((f) => f.status !== "removed" && !isDoc(f.path)).map((f) => f.path);
}

/**
 * The docs the change may have broken, read into `extraDocs`: those that
 * contain one of the words of what it removed (the others are read but not
 * parsed); with the modified docs' anchors at the base.
 */
async function readImpact(
  cs: ChangeSet,
  reader: DocReader,
  at: {
    docs: ReadonlyMap<string, Doc>;
    extraDocs: Map<string, Doc>;
    change: ChangeInfo;
    publishing: Publishing | undefined;
    headList: readonly string[];
    isDoc: (path: string) => boolean;
  },
): Promise<{ baseAnchors: Map<string, Set<string>>; impactDocs: string[] }> {
  const baseAnchors = await baseAnchorsOf(cs, reader);
  const needles = removedNeedles(baseAnchors, at.docs, at.change, at.publishing);
  if (needles.size === 0) return { baseAnchors, impactDocs: [] };
  const others = at.headList.filter((p) => at.isDoc(p) && !at.docs.has(p));
  const mentions = (text: string) => {
    const lower = text.toLowerCase();
    for (const n of needles) if (lower.includes(n)) return true;
    return false;
  };
  await reader.read(others, at.extraDocs, mentions);
  return { baseAnchors, impactDocs: [...at.extraDocs.keys()].sort() };
}

/** Runs the enabled rules, each where its scope says: the reviewed docs, the docs the change may have broken, the BUILD files. */
function runRules(
  ctx: ReviewContext,
  docs: ReadonlyMap<string, Doc>,
  impact: readonly Doc[],
  notes: string[],
  onStep: ReviewOptions["onStep"],
): { all: Finding[]; off: Finding[] } {
  const { publishing } = ctx;
  const rules = enabledRules(ctx.config).filter((r) => !r.rule.scope.publishing || publishing);
  const onDocs = rules.filter((r) => r.rule.scope.on === "doc");
  const onBroken = onDocs.filter((r) => r.rule.scope.brokenByChange);
  const onBuildFiles = rules.filter((r) => r.rule.scope.on === "build-file");
  const all: Finding[] = [];
  const off: Finding[] = [];
  const run = (doc: Doc, which: readonly EnabledRule[]) => {
    onStep?.("check", doc.path);
    const r = checkDoc(doc, which, ctx);
    all.push(...r.findings);
    off.push(...r.suppressed);
    notes.push(...r.notes);
  };
  for (const doc of docs.values()) run(doc, onDocs);
  for (const doc of impact) run(doc, onBroken);
  // BUILD files: findings on their lines go through the diff filter like a doc's.
  if (publishing) for (const b of publishing.builds.values()) run(b.doc, onBuildFiles);
  return { all, off };
}

/** The findings the review reports, and those the docs' comments turned off counted per rule (with a note). */
function reported(
  all: Finding[],
  off: Finding[],
  diffs: ReadonlyMap<string, FileDiff>,
  mode: ReviewMode,
  impactDocs: readonly string[],
  notes: string[],
): { findings: Finding[]; suppressed: Record<string, number> } {
  all.sort(compareFindings);
  numberOccurrences(all);
  const findings = applyDiffFilter(all, diffs, mode, new Set(impactDocs));
  // Counted only where the review would have reported them.
  const suppressed: Record<string, number> = {};
  for (const f of applyDiffFilter(off, diffs, mode, new Set(impactDocs)))
    suppressed[f.rule] = (suppressed[f.rule] ?? 0) + 1;
  const offCount = Object.values(suppressed).reduce((a, b) => a + b, 0);
  if (offCount > 0) {
    const perRule = Object.entries(suppressed)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([rule, n]) => `${rule} ${n}`)
      .join(", ");
    const are = offCount === 1 ? "finding is" : "findings are";
    notes.push(`${offCount} ${are} turned off by comments in the docs (${perRule}).`);
  }
  return { findings, suppressed };
}

/**
 * The review, in rounds of reads: the change and its diffs, the publishing
 * model, the docs under review, what they link to and (for a change) the
 * docs that may point at what it removed; then the rules, then the diff
 * filter.
 */
export async function review(
  cs: ChangeSet,
  userConfig: Config,
  options: ReviewOptions = {},
): Promise<ReviewResult> {
  const mode = options.mode ?? "change";
  const maxBytes = options.maxDocBytes ?? DEFAULT_MAX_DOC_BYTES;
  const isDoc = docMatcher(userConfig);
  const notes: string[] = [];
  const headList = await cs.listPaths("head");
  const head: Head = { list: headList, paths: new Set(headList), dirs: foldersOf(headList) };
  const { change, diffs } = changeOf(cs, mode, isDoc, notes);

  // Publishing model (BUILD doc() rules and the site registry), when the docs have one.
  const publishing = await loadPublishing(cs, headList, userConfig, change, isDoc, options.onStep);
  if (publishing) notes.push(...publishing.notes);
  // The house style, when the config leaves it to what the repository contains.
  const config = withPreset(userConfig, {
    publishedByDocRules: publishing !== undefined,
    hasFile: (p) => head.paths.has(p),
    hasFolder: (p) => head.dirs.has(p),
  });
  const autorefs = await mkdocsAutorefs(cs, headList);

  // 1. The docs under review.
  const toReview = reviewPaths(cs.files, headList, mode, isDoc);
  const docs = new Map<string, Doc>();
  const reader = new DocReader(cs, docs, maxBytes, notes, options.onStep);
  await reader.read(toReview, docs);
  if (toReview.length === 0) {
    const note = noDocsNote(config, headList, mode === "all" ? null : missedDocs(cs, isDoc));
    if (note) notes.push(note);
  }

  // 2. Docs linked from them.
  const wantedRef = (doc: Doc, ref: { line: number; endLine: number }) =>
    mode === "all" || touches(diffs.get(doc.path), ref.line, ref.endLine);
  const linked = linkedDocs(docs, head, publishing, wantedRef);

  // 3. What the change removed that other docs may still point at.
  const extraDocs = new Map<string, Doc>();
  const { baseAnchors, impactDocs } =
    mode === "change"
      ? await readImpact(cs, reader, { docs, extraDocs, change, publishing, headList, isDoc })
      : { baseAnchors: new Map<string, Set<string>>(), impactDocs: [] };
  await reader.read(
    [...linked].filter((p) => !extraDocs.has(p)),
    extraDocs,
  );

  // 4. Run the rules, each where its scope says.
  const ctx: ReviewContext = {
    config,
    change,
    headPaths: head.paths,
    fileExists: (p) => head.paths.has(p),
    dirExists: (p) => head.dirs.has(p),
    docAt: (p) => docs.get(p) ?? extraDocs.get(p),
    baseAnchorsOf: (p) => baseAnchors.get(p),
    autorefs,
    repository: cs.repository,
    publishing,
  };
  const impact = impactDocs.map((p) => extraDocs.get(p)!);
  const { all, off } = runRules(ctx, docs, impact, notes, options.onStep);

  // 5. Keep what belongs to the change.
  options.onStep?.("finish");
  const { findings, suppressed } = reported(all, off, diffs, mode, impactDocs, notes);
  return {
    findings,
    allFindings: all,
    docs: [...docs.keys()].sort(),
    impactDocs,
    diffs,
    notes,
    suppressed,
  };
}
