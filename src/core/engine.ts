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
import { parseDoc, nestingProblem, type Doc } from "./markdown/parse.js";
import { anchorSet, anchorsOf } from "./markdown/slug.js";
import { referencesOf } from "./markdown/refs.js";
import { resolveLocal, foldersOf } from "./markdown/paths.js";
import { docMatcher } from "./docs-scope.js";
import { parsePatch, touches, type FileDiff } from "./diff/patch.js";
import { applyDiffFilter } from "./diff/filter.js";
import { RULES, ruleById } from "./rules/index.js";
import type { ChangeInfo, ReviewContext } from "./rules/types.js";
import type { FindingFields } from "./rules/report.js";
import { loadPublishing, docsLinkedThroughPages } from "./g3doc/load.js";
import { BUILD_FILE_RULES } from "./rules/publishing/index.js";

export type ReviewMode = "change" | "all";

export interface ReviewOptions {
  mode?: ReviewMode;
  /** Docs larger than this are not parsed (a notice says so). */
  maxDocBytes?: number;
}

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
}

export const DEFAULT_MAX_DOC_BYTES = 8 * 1024 * 1024;

const byteLength = (s: string) => Buffer.byteLength(s, "utf8");

function textOf(c: FileContent | undefined): string | null {
  return c && c.kind === "text" ? c.text : null;
}

/** The rules that are on, with their severity under the config. */
export function enabledRules(config: Config) {
  return RULES.map((r) => ({
    rule: r,
    severity: (config.rules[r.id] ?? r.severity) as Severity | "off",
  })).filter((x): x is { rule: typeof x.rule; severity: Severity } => x.severity !== "off");
}

export async function review(
  cs: ChangeSet,
  config: Config,
  options: ReviewOptions = {},
): Promise<ReviewResult> {
  const mode = options.mode ?? "change";
  const maxBytes = options.maxDocBytes ?? DEFAULT_MAX_DOC_BYTES;
  const isDoc = docMatcher(config);
  const notes: string[] = [];

  const headList = await cs.listPaths("head");
  const headPaths = new Set(headList);
  const headDirs = foldersOf(headList);

  const change: ChangeInfo = { mode, deleted: new Set(), renamed: new Map(), added: new Set() };
  const diffs = new Map<string, FileDiff>();
  for (const f of cs.files) {
    if (f.status === "removed") change.deleted.add(f.path);
    if (f.status === "renamed" && f.previousPath) change.renamed.set(f.previousPath, f.path);
    if (f.status === "added" || f.status === "renamed") change.added.add(f.path);
    if (f.status !== "removed") {
      const d = parsePatch(f.patch);
      diffs.set(f.path, d);
      if (d.wholeFile && isDoc(f.path) && mode === "change") {
        notes.push(
          `${f.path}: no diff was available (binary or too large), so every line is treated as changed.`,
        );
      }
    }
  }

  // Publishing model (BUILD doc() rules and the site registry), when the docs have one.
  const publishing = await loadPublishing(cs, headList, config, change, isDoc);

  // 1. The docs under review.
  const reviewPaths =
    mode === "all"
      ? headList.filter(isDoc).sort()
      : cs.files
          .filter((f) => f.status !== "removed" && isDoc(f.path))
          .map((f) => f.path)
          .sort();

  /** Parses a doc, or notes why it is skipped: nesting too deep to parse in linear time, or a parser failure. */
  const safeParse = (p: string, text: string, note = true): Doc | null => {
    const problem = nestingProblem(text);
    if (problem) {
      if (note) notes.push(`${p}: skipped, ${problem}.`);
      return null;
    }
    try {
      return parseDoc(p, text);
    } catch (err) {
      if (note) notes.push(`${p}: skipped, it could not be parsed (${(err as Error).message}).`);
      return null;
    }
  };

  const docs = new Map<string, Doc>();
  const readDocs = async (
    paths: string[],
    into: Map<string, Doc>,
    keep?: (text: string) => boolean,
  ) => {
    const wanted = paths.filter((p) => !into.has(p) && !docs.has(p));
    if (wanted.length === 0) return;
    const contents = await cs.read(wanted, "head");
    for (const p of wanted) {
      const c = contents.get(p);
      if (!c || c.kind === "missing") continue;
      if (c.kind === "binary") {
        notes.push(`${p}: skipped, the file is binary or not valid UTF-8 text.`);
        continue;
      }
      if (c.kind === "too-large" || byteLength(c.text) > maxBytes) {
        const bytes = c.kind === "too-large" ? c.bytes : byteLength(c.text);
        notes.push(
          `${p}: skipped, ${(bytes / 1048576).toFixed(1)} MB is over the ${(maxBytes / 1048576).toFixed(0)} MB limit for one doc.`,
        );
        continue;
      }
      if (keep && !keep(c.text)) continue;
      const doc = safeParse(p, c.text);
      if (doc) into.set(p, doc);
    }
  };
  await readDocs(reviewPaths, docs);

  // 2. Docs linked from them (for cross-doc anchors), at head. A change
  // review needs only the links on lines it touched: a broken anchor on an
  // untouched line is reported only when the change broke it, and then the
  // target doc is part of the change and read already.
  const linked = new Set<string>();
  const wantedRef = (doc: Doc, ref: { line: number; endLine: number }) =>
    mode === "all" || touches(diffs.get(doc.path), ref.line, ref.endLine);
  for (const doc of docs.values()) {
    for (const ref of referencesOf(doc)) {
      if (ref.kind !== "link" || !wantedRef(doc, ref)) continue;
      const t = resolveLocal(doc.path, ref.url);
      if (
        t &&
        t.fragment !== undefined &&
        t.path !== doc.path &&
        t.path.endsWith(".md") &&
        headPaths.has(t.path)
      )
        linked.add(t.path);
    }
  }
  if (publishing)
    for (const p of docsLinkedThroughPages(
      publishing,
      docs.values(),
      headPaths,
      (d) => headDirs.has(d),
      wantedRef,
    ))
      if (!docs.has(p)) linked.add(p);
  const extraDocs = new Map<string, Doc>();

  // 3. What the change removed that other docs may still point at.
  const baseAnchors = new Map<string, Set<string>>();
  const impactDocs: string[] = [];
  if (mode === "change") {
    const modifiedDocs = cs.files.filter(
      (f) => (f.status === "modified" || f.status === "renamed") && f.path.endsWith(".md"),
    );
    if (modifiedDocs.length > 0) {
      const basePaths = modifiedDocs.map((f) => f.previousPath ?? f.path);
      const base = await cs.read(basePaths, "base");
      for (const f of modifiedDocs) {
        const text = textOf(base.get(f.previousPath ?? f.path));
        const before =
          text !== null && byteLength(text) <= maxBytes ? safeParse(f.path, text, false) : null;
        if (before) baseAnchors.set(f.path, anchorSet(before.tree));
      }
    }
    // Words a doc must contain to possibly point at what the change removed:
    // the names of deleted or renamed files, lost heading anchors, lost pages.
    // Docs without any of them are read but not parsed.
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
    if (needles.size > 0) {
      const others = headList.filter((p) => isDoc(p) && !docs.has(p));
      const mentions = (text: string) => {
        const lower = text.toLowerCase();
        for (const n of needles) if (lower.includes(n)) return true;
        return false;
      };
      await readDocs(others, extraDocs, mentions);
      impactDocs.push(...[...extraDocs.keys()].sort());
    }
  }
  await readDocs(
    [...linked].filter((p) => !extraDocs.has(p)),
    extraDocs,
  );

  const ctx: ReviewContext = {
    config,
    change,
    headPaths,
    fileExists: (p) => headPaths.has(p),
    dirExists: (p) => headDirs.has(p),
    docAt: (p) => docs.get(p) ?? extraDocs.get(p),
    baseAnchorsOf: (p) => baseAnchors.get(p),
    publishing,
  };

  // 4. Run the rules.
  const rules = enabledRules(config);
  const transformers = rules.map(({ rule, severity }) => ({
    rule,
    severity,
    run: (rule.plugin as any).call(undefined, ctx),
  }));
  const all: Finding[] = [];
  const runOn = (doc: Doc, ruleFilter: (id: string) => boolean) => {
    doc.file.messages.length = 0;
    (doc.file.data as { doc?: Doc }).doc = doc;
    for (const t of transformers) {
      if (!ruleFilter(t.rule.id) || !t.run) continue;
      try {
        t.run(doc.tree, doc.file, () => {});
      } catch (err) {
        notes.push(`${doc.path}: rule ${t.rule.id} could not run (${(err as Error).message}).`);
      }
    }
    for (const m of doc.file.messages) {
      const rule = ruleById(m.ruleId ?? "");
      if (!rule) continue;
      const severity =
        (m as unknown as FindingFields).severityOverride ??
        rules.find((r) => r.rule.id === rule.id)!.severity;
      const start = m.place && "start" in m.place ? m.place.start : m.place;
      const end = m.place && "end" in m.place ? m.place.end : undefined;
      const line = start?.line ?? 1;
      all.push({
        path: doc.path,
        line,
        endLine: Math.max(line, end?.line ?? line),
        column: start?.column ?? 1,
        rule: rule.id,
        severity,
        message: m.reason,
        suggestion: m.expected && m.expected.length > 0 ? m.expected[0] : null,
        changed: false,
        causedByChange: (m as unknown as FindingFields).causedByChange === true || undefined,
        lineText: doc.lines[line - 1] ?? "",
      });
    }
    doc.file.messages.length = 0;
  };
  for (const doc of docs.values()) runOn(doc, () => true);
  const IMPACT_RULES = new Set(["missing-asset", "broken-link", "broken-anchor", "permalink-link"]);
  for (const p of impactDocs) runOn(extraDocs.get(p)!, (id) => IMPACT_RULES.has(id));
  // BUILD files: findings on their lines go through the diff filter like a doc's.
  if (publishing)
    for (const b of publishing.builds.values()) runOn(b.doc, (id) => BUILD_FILE_RULES.has(id));

  all.sort(compareFindings);
  numberOccurrences(all);
  const findings = applyDiffFilter(all, diffs, mode, new Set(impactDocs));
  return { findings, allFindings: all, docs: [...docs.keys()].sort(), impactDocs, diffs, notes };
}
