/**
 * The review engine: (change set + config) -> findings.
 *
 * It gathers what the rules need through the change set (batched reads),
 * parses docs once (a large change: twice, see KEEP_PARSED_CHARS), runs
 * every enabled rule over each doc, and keeps the findings that belong to
 * the change (see `diff/filter.ts`). No I/O of its own besides the change
 * set, no clock, no environment.
 */
import type { ChangeSet, FileContent } from "./changeset.js";
import type { Finding } from "./finding.js";
import { compareFindings, numberOccurrences } from "./finding.js";
import type { Config } from "../config/defaults.js";
import type { Doc } from "./markdown/parse.js";
import { anchorSet, docAnchors, type DocAnchors } from "./markdown/slug.js";
import { referencesOf } from "./markdown/refs.js";
import { resolveLocal } from "./markdown/paths.js";
import { docText, fits, parseText } from "./markdown/read.js";
import { touches, type FileDiff } from "./diff/patch.js";
import { applyDiffFilter } from "./diff/filter.js";
import { checkDoc, type EnabledRule } from "./rules/run.js";
import type { ChangeInfo, ReviewContext } from "./rules/types.js";
import { docsLinkedThroughPages } from "./g3doc/load.js";
import { modifiedDocs, type ReviewMode } from "./plan/reads.js";
import type { Publishing } from "./g3doc/model.js";
import { contextOf, prepareReview, type Head, type Setup } from "./setup.js";
import { RecordingChangeSet } from "./recorded.js";
import { auditDocs, localRunner, type DocRunnerFactory } from "./audit.js";
import { layoutOfDoc, type FileLayout } from "./fix/window.js";

export { checkDoc, enabledRules, type EnabledRule } from "./rules/run.js";
export { DEFAULT_MAX_DOC_BYTES } from "./markdown/read.js";
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
  /**
   * Runs an audit's passes over the docs (see audit.ts): worker threads, say.
   * Default: in this thread.
   */
  docRunner?: DocRunnerFactory;
  /** A change review's doc text kept parsed between reading and rules (default KEEP_PARSED_CHARS). */
  keepParsedChars?: number;
  /**
   * Told once the setup is made: the change's diffs are parsed, and nothing
   * reads the files' `patch` after. A caller that owns the change's file list
   * may let the patches go (the app's review worker does: 13 MB for a
   * 3,000-file change).
   */
  onSetup?: () => void;
  /**
   * Filled, when given, by a change review: the layouts for windows
   * (fix/window.ts) of its docs with two suggestions or more, from the parse
   * their rules ran on, up to LAYOUT_CHARS of their text. A presentation
   * that merges their overlapping suggestions (present/merge-overlapping.ts)
   * then does not parse them again.
   */
  layouts?: Map<string, FileLayout | null>;
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

function textOf(c: FileContent | undefined): string | null {
  return c && c.kind === "text" ? c.text : null;
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

/**
 * Reads and parses docs at head, once each: a doc that is binary, over the
 * size limit, nested too deep to parse in linear time, or that the parser
 * fails on is skipped with a note (see markdown/read.ts).
 */
class DocReader {
  constructor(
    private readonly cs: ChangeSet,
    /** The docs under review: never read twice. */
    private readonly reviewed: { has(path: string): boolean },
    readonly maxBytes: number,
    private readonly notes: string[],
    private readonly onStep: ReviewOptions["onStep"],
  ) {}

  /** Parses a doc, or notes why it is skipped (when `note`). */
  parse(p: string, text: string, note = true): Doc | null {
    this.onStep?.("parse", p);
    const r = parseText(p, text);
    if ("doc" in r) return r.doc;
    if (note) this.notes.push(r.note);
    return null;
  }

  /**
   * Reads and parses docs, handing each to `each` as it is parsed (the
   * caller decides what of it to keep); `keep` may pass over a doc by its
   * text before it is parsed.
   */
  async stream(paths: string[], each: (doc: Doc) => void, keep?: (text: string) => boolean) {
    if (paths.length === 0) return;
    const contents = await this.cs.read(paths, "head");
    for (const p of paths) {
      const t = docText(p, contents.get(p), this.maxBytes);
      if (t === null) continue;
      if ("note" in t) {
        this.notes.push(t.note);
        continue;
      }
      if (keep && !keep(t.text)) continue;
      const doc = this.parse(p, t.text);
      if (doc) each(doc);
    }
  }

  /** Reads the docs not read yet into `into`; `keep` may pass over a doc by its text before it is parsed. */
  read(paths: string[], into: Map<string, Doc>, keep?: (text: string) => boolean) {
    const wanted = paths.filter((p) => !into.has(p) && !this.reviewed.has(p));
    return this.stream(wanted, (doc) => into.set(doc.path, doc), keep);
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
  doc: Doc,
  head: Head,
  publishing: Publishing | undefined,
  wantedRef: (doc: Doc, ref: { line: number; endLine: number }) => boolean,
  into: { byPath: Set<string>; byPage: Set<string> },
): void {
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
      into.byPath.add(t.path);
  }
  if (publishing)
    for (const p of docsLinkedThroughPages(
      publishing,
      [doc],
      head.paths,
      (d) => head.dirs.has(d),
      wantedRef,
    ))
      into.byPage.add(p);
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
      text !== null && fits(text, reader.maxBytes) ? reader.parse(f.path, text, false) : null;
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
  anchorsNow: (path: string) => ReadonlySet<string> | undefined,
  change: ChangeInfo,
  publishing: Publishing | undefined,
): Set<string> {
  const needles = new Set<string>();
  for (const [p, before] of baseAnchors) {
    const after = anchorsNow(p) ?? new Set<string>();
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
    docs: ReadonlyMap<string, DocAnchors>;
    extraDocs: Map<string, Doc>;
    change: ChangeInfo;
    publishing: Publishing | undefined;
    headList: readonly string[];
    isDoc: (path: string) => boolean;
  },
): Promise<{ baseAnchors: Map<string, Set<string>>; impactDocs: string[] }> {
  const baseAnchors = await baseAnchorsOf(cs, reader);
  const needles = removedNeedles(
    baseAnchors,
    (p) => at.docs.get(p)?.anchors,
    at.change,
    at.publishing,
  );
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

/** How many of `findings` carry a suggestion. */
function suggested(findings: readonly Finding[]): number {
  let n = 0;
  for (const f of findings) if (f.suggestion !== null && f.suggestion !== undefined) n++;
  return n;
}

/** Findings, findings turned off, and notes, as the rules give them. */
interface Gathered {
  all: Finding[];
  off: Finding[];
  notes: string[];
}

/** Runs rules on a doc into `into`; the findings it found. */
function runOn(
  doc: Doc,
  rules: readonly EnabledRule[],
  ctx: ReviewContext,
  into: Gathered,
): readonly Finding[] {
  const r = checkDoc(doc, rules, ctx);
  into.all.push(...r.findings);
  into.off.push(...r.suppressed);
  into.notes.push(...r.notes);
  return r.findings;
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
 * Doc text whose trees a change review keeps from its first look at the docs
 * to their rules. Past it, a doc's tree is dropped once its anchors and links
 * were taken, and the doc is parsed again when its rules run, so the memory of
 * a large change follows the docs in flight, not the size of the change.
 */
export const KEEP_PARSED_CHARS = 1 << 20;

/**
 * A doc this long keeps its tree whatever the budget: parsing it twice would
 * nearly double the review's cost, and its tree is as large as anything the
 * budget saves.
 */
export const KEEP_DOC_CHARS = 1 << 19;

/**
 * Doc text a change review keeps layouts for (ReviewOptions.layouts): as much
 * as a presentation may parse again to merge suggestions (1,000,000
 * characters, present/merge-overlapping.ts), so past it a layout would rarely
 * be used. A layout holds the doc's text and lines and its blocks' places.
 */
export const LAYOUT_CHARS = 1 << 20;

/**
 * A change's docs, in rounds of reads: the docs under review (their anchors
 * and the docs they link to taken as they are parsed), what they link to, and
 * the docs that may point at what the change removed; then their rules, each
 * where its scope says.
 */
async function reviewChange(
  cs: ChangeSet,
  setup: Setup,
  { onStep, keepParsedChars = KEEP_PARSED_CHARS, layouts }: ReviewOptions,
): Promise<Gathered & { docs: string[]; impactDocs: string[] }> {
  const { head, publishing, diffs, change, isDoc } = setup;
  const notes: string[] = [];
  // The docs under review, in the order they were read: anchors, and the tree or the text.
  const docs = new Map<string, DocAnchors>();
  const kept = new Map<string, Doc>();
  const dropped = new Map<string, string>();
  let keptChars = 0;
  const reader = new DocReader(cs, docs, setup.maxBytes, notes, onStep);
  const wantedRef = (doc: Doc, ref: { line: number; endLine: number }) =>
    touches(diffs.get(doc.path), ref.line, ref.endLine);
  const linked = { byPath: new Set<string>(), byPage: new Set<string>() };
  await reader.stream(setup.toReview, (doc) => {
    docs.set(doc.path, docAnchors(doc));
    linkedDocs(doc, head, publishing, wantedRef, linked);
    if (keptChars + doc.text.length <= keepParsedChars || doc.text.length >= KEEP_DOC_CHARS) {
      kept.set(doc.path, doc);
      keptChars += doc.text.length;
    } else dropped.set(doc.path, doc.text);
  });
  for (const p of linked.byPage) if (!docs.has(p)) linked.byPath.add(p);

  const extraDocs = new Map<string, Doc>();
  const { baseAnchors, impactDocs } = await readImpact(cs, reader, {
    docs,
    extraDocs,
    change,
    publishing,
    headList: head.list,
    isDoc,
  });
  await reader.read(
    [...linked.byPath].filter((p) => !extraDocs.has(p)),
    extraDocs,
  );

  const anchorsAt = (p: string) => {
    const known = docs.get(p);
    if (known) return known;
    const d = extraDocs.get(p);
    return d && docAnchors(d);
  };
  const ctx = contextOf(setup, anchorsAt, (p) => baseAnchors.get(p));
  const out: Gathered = { all: [], off: [], notes };
  const run = (doc: Doc, rules: readonly EnabledRule[]) => {
    onStep?.("check", doc.path);
    return runOn(doc, rules, ctx, out);
  };
  let layoutChars = 0;
  for (const p of docs.keys()) {
    const doc = kept.get(p) ?? reader.parse(p, dropped.get(p)!);
    dropped.delete(p);
    if (!doc) continue;
    const found = run(doc, setup.rules.onDocs);
    if (layouts && layoutChars + doc.text.length <= LAYOUT_CHARS && suggested(found) >= 2) {
      layouts.set(p, layoutOfDoc(doc));
      layoutChars += doc.text.length;
    }
  }
  for (const p of impactDocs) run(extraDocs.get(p)!, setup.rules.onBroken);
  return { ...out, docs: [...docs.keys()].sort(), impactDocs };
}

/**
 * The review: its setup (the change and its diffs, the publishing model, the
 * config's preset), the docs (a change's, in rounds of reads; an audit's, as a
 * stream: see audit.ts), the rules on the BUILD files, then the diff filter.
 */
export async function review(
  cs: ChangeSet,
  userConfig: Config,
  options: ReviewOptions = {},
): Promise<ReviewResult> {
  // An audit's runner may rebuild the setup elsewhere (worker threads) from its reads.
  const recording = options.mode === "all" ? new RecordingChangeSet(cs) : null;
  const setup = await prepareReview(recording ?? cs, userConfig, options);
  options.onSetup?.();
  const recorded = recording?.stop();
  const { mode, diffs, publishing } = setup;
  const notes = [...setup.notes];
  if (setup.toReview.length === 0) {
    const note = noDocsNote(
      setup.config,
      setup.head.list,
      mode === "all" ? null : missedDocs(cs, setup.isDoc),
    );
    if (note) notes.push(note);
  }
  const docs: Gathered & { docs: string[]; impactDocs?: string[] } =
    mode === "all"
      ? await auditDocs(
          setup,
          cs,
          await (options.docRunner ?? localRunner(options.onStep))({
            setup,
            cs,
            recorded: recorded!,
            userConfig,
          }),
        )
      : await reviewChange(cs, setup, options);
  const impactDocs = docs.impactDocs ?? [];
  notes.push(...docs.notes);
  // BUILD files: findings on their lines go through the diff filter like a doc's.
  if (publishing) {
    const ctx = contextOf(setup, () => undefined);
    const into: Gathered = { all: docs.all, off: docs.off, notes };
    for (const b of publishing.builds.values()) {
      options.onStep?.("check", b.doc.path);
      runOn(b.doc, setup.rules.onBuildFiles, ctx, into);
    }
  }

  options.onStep?.("finish");
  const { findings, suppressed } = reported(docs.all, docs.off, diffs, mode, impactDocs, notes);
  return {
    findings,
    allFindings: docs.all,
    docs: docs.docs,
    impactDocs,
    diffs,
    notes,
    suppressed,
  };
}
