/**
 * Fixing docs: the one function `g3doc-review fix` and the fix benchmark use.
 *
 * A pass reviews the change (or every doc), takes the rules' suggestions and
 * the house formatting pass (`format.ts`) over the lines the change touched
 * (every line with mode "all"), merges overlapping ones (`merge.ts`), drops
 * any that would touch a code block, a table, an HTML block or an
 * `<!-- mdformat off -->` region, and applies the rest. Passes repeat until
 * nothing changes, so running it again on its own output changes nothing.
 */
import type { DocRunnerFactory } from "../audit.js";
import type { Nodes, Table } from "mdast";
import { toString } from "mdast-util-to-string";
import type { ChangeSet, ChangedFile, FileContent, Side } from "../changeset.js";
import type { Config } from "../../config/defaults.js";
import { review, type ReviewMode, type ReviewResult } from "../engine.js";
import { memo, parseDoc, type Doc } from "../markdown/parse.js";
import { touches } from "../diff/patch.js";
import { RULES, RULE_NAMES, ruleById } from "../rules/index.js";
import { inlineControl } from "../markdown/inline-control.js";
import { suggestionAllowed } from "./allowed.js";
import { FORMAT_RULES, formatFindings, withFinalNewline } from "./format.js";
import { mergeSuggestions, applySuggestions, type MergedSuggestion } from "./merge.js";
import { mdformatOffRanges } from "./regions.js";
import { unifiedDiff } from "./line-diff.js";

export interface FixOptions {
  mode: ReviewMode;
  /** Ids of the rules whose fixes to apply (default: every rule that is on). */
  rules?: readonly string[];
  /** Most review-and-fix passes (default 5). */
  maxPasses?: number;
  /**
   * Also do the house formatter's jobs (see format.ts: refill paragraphs, pad
   * list markers, strip trailing whitespace, collapse blank lines) where no
   * finding asked for them. Off by default: `fix` applies exactly the
   * suggestions `check` reports.
   */
  reformat?: boolean;
  /** Runs each pass's audit over the docs (worker threads, say; see core/audit.ts). */
  docRunner?: DocRunnerFactory;
}

export interface FileFix {
  path: string;
  before: string;
  after: string;
  /** Findings fixed, over all passes. */
  fixes: number;
  /** Findings fixed, by rule. */
  byRule: Record<string, number>;
}

export interface FixResult {
  /** Docs that changed. */
  files: FileFix[];
  /** Things the user should know (skipped docs, fixes left out). */
  notes: string[];
}

/** Rule ids `fix` knows: every rule, plus the house formatter's jobs. */
export function fixRuleIds(): string[] {
  return [...new Set([...RULES.map((r) => r.id), ...FORMAT_RULES])].sort();
}

/** What protected content a doc holds: code, tables, HTML blocks, front matter (a fix must leave it as it was). */
export function protectedSignature(doc: Doc): string {
  const parts: string[] = [];
  const visit = (node: Nodes, flow: boolean) => {
    if (node.type === "code")
      parts.push(`code\u0001${node.lang ?? ""}\u0001${node.meta ?? ""}\u0001${node.value}`);
    else if (node.type === "table") {
      const table = node as Table;
      const cells = table.children.map((r) => r.children.map((c) => toString(c)).join("\u0002"));
      parts.push(`table\u0001${table.align?.join(",") ?? ""}\u0001${cells.join("\u0003")}`);
    } else if (node.type === "html" && flow) parts.push(`html\u0001${node.value}`);
    else if (node.type === "yaml") parts.push(`yaml\u0001${node.value}`);
    if ("children" in node && node.type !== "table") {
      const childFlow =
        node.type === "root" ||
        node.type === "blockquote" ||
        node.type === "listItem" ||
        node.type === "footnoteDefinition" ||
        node.type === "list";
      for (const c of node.children as Nodes[]) visit(c, childFlow);
    }
  };
  visit(doc.tree, true);
  const off = mdformatOffRanges(doc.lines).map((r) =>
    doc.lines.slice(r.start - 1, r.end).join("\n"),
  );
  return [...parts, ...off.map((t) => `off\u0001${t}`)].join("\u0004");
}

const editsProtected = (m: MergedSuggestion) =>
  m.findings.every((f) => ruleById(f.rule)?.suggestion?.editsProtected);

/** Whether applying merged suggestions keeps every protected block as it was. */
function keepsProtected(doc: Doc, text: string, ms: MergedSuggestion[]): boolean {
  const after = parseDoc(doc.path, applySuggestions(text, ms));
  return protectedSignature(after) === memo(doc, "fix:protected-signature", protectedSignature);
}

/**
 * The merged suggestions that keep every protected block: all of them when
 * applied together they do (one parse of the doc, whatever their number),
 * else each one that does on its own.
 */
function protectedKept(doc: Doc, text: string, suggestions: MergedSuggestion[]) {
  const checked = suggestions.filter((m) => !editsProtected(m));
  if (checked.length === 0 || keepsProtected(doc, text, checked)) return suggestions;
  return suggestions.filter((m) => editsProtected(m) || keepsProtected(doc, text, [m]));
}

/** A change set whose head has some docs replaced (the fixed text) and their patches recomputed. */
export class FixedChangeSet implements ChangeSet {
  readonly files: ChangedFile[];
  readonly base: string | null;
  readonly head: string;
  readonly filesTruncated?: boolean;

  constructor(
    private readonly inner: ChangeSet,
    private readonly texts: ReadonlyMap<string, string>,
    patches: ReadonlyMap<string, string>,
  ) {
    this.base = inner.base;
    this.head = inner.head;
    this.filesTruncated = inner.filesTruncated;
    this.files = inner.files.map((f) =>
      patches.has(f.path) ? { ...f, patch: patches.get(f.path)! } : f,
    );
  }

  listPaths(side: Side): Promise<string[]> {
    return this.inner.listPaths(side);
  }

  async read(paths: readonly string[], side: Side): Promise<Map<string, FileContent>> {
    if (side === "base") return this.inner.read(paths, side);
    const rest = paths.filter((p) => !this.texts.has(p));
    const out = rest.length ? await this.inner.read(rest, side) : new Map<string, FileContent>();
    for (const p of paths)
      if (this.texts.has(p)) out.set(p, { kind: "text", text: this.texts.get(p)! });
    return new Map(paths.map((p) => [p, out.get(p) ?? { kind: "missing" }]));
  }
}

/** What every file of one pass is fixed by: the pass's review and the choices of the run. */
interface FixPass {
  r: ReviewResult;
  mode: ReviewMode;
  /** Whether a rule's fixes are applied. */
  isOn(id: string): boolean;
  formatRules: Set<string>;
  limit: number;
  reformat: boolean;
  first: boolean;
  last: boolean;
  notes: string[];
}

/** One file's text after the pass's fixes, and the merged suggestions it applied. */
function fixFile(
  path: string,
  text: string,
  notDoc: boolean,
  p: FixPass,
): { next: string; safe: MergedSuggestion[] } {
  const { r, mode, isOn, formatRules, limit } = p;
  const doc = parseDoc(path, text);
  // What the doc's comments turn off is not fixed either.
  const control = inlineControl(doc, RULE_NAMES);
  const diff = r.diffs.get(path);
  const wanted = mode === "all" ? () => true : (s: number, e: number) => touches(diff, s, e);
  const candidates = [
    ...r.findings.filter((f) => f.path === path && f.suggestion !== null && isOn(f.rule)),
    ...(formatRules.size > 0 && !notDoc
      ? formatFindings(doc, { limit, rules: formatRules, wanted })
      : []),
  ].filter((f) => (notDoc || suggestionAllowed(doc, f)) && !control.isOff(f.rule, f.line));
  const { suggestions, dropped } = mergeSuggestions(text, path, candidates, { limit });
  const safe = notDoc ? suggestions : protectedKept(doc, text, suggestions);
  if (p.first && safe.length < suggestions.length)
    p.notes.push(
      `${path}: ${suggestions.length - safe.length} fix(es) left out because they would change ` +
        "a code block, a table or an HTML block.",
    );
  let next = applySuggestions(text, safe);
  const lastLine = doc.lines.length - (text.endsWith("\n") ? 1 : 0);
  const finalNewline = notDoc
    ? false
    : p.reformat
      ? formatRules.has("final-newline")
      : isOn("final-newline") &&
        r.findings.some((f) => f.path === path && f.rule === "final-newline");
  if (finalNewline && (mode === "all" || touches(diff, lastLine, lastLine)))
    next = withFinalNewline(next);
  if (next !== text && dropped.length > 0 && p.last)
    p.notes.push(
      `${path}: ${dropped.length} fix(es) overlapped others and were left for another run.`,
    );
  return { next, safe };
}

/** Adds one pass's fixes of a file to its counts per rule. */
function countFixes(
  byRule: Record<string, number>,
  safe: readonly MergedSuggestion[],
  withNewline: boolean,
): Record<string, number> {
  // A rule's finding and the formatter's for the same lines are one fix.
  const seen = new Set<string>();
  for (const m of safe) {
    for (const f of m.findings) {
      const key = `${f.rule}:${f.line}:${f.endLine}`;
      if (seen.has(key)) continue;
      seen.add(key);
      byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
    }
  }
  if (withNewline) byRule["final-newline"] = (byRule["final-newline"] ?? 0) + 1;
  return byRule;
}

/** Patches of the fixed texts against the change's base (the base texts are read once into `baseTexts`). */
async function patchesAgainstBase(
  cs: ChangeSet,
  texts: ReadonlyMap<string, string>,
  baseTexts: Map<string, string>,
): Promise<Map<string, string>> {
  const patches = new Map<string, string>();
  const need = cs.files.filter(
    (f) => texts.has(f.path) && f.status !== "removed" && !baseTexts.has(f.path),
  );
  if (need.length > 0) {
    const base = await cs.read(
      need.map((f) => f.previousPath ?? f.path),
      "base",
    );
    for (const f of need) {
      const b = base.get(f.previousPath ?? f.path);
      baseTexts.set(f.path, f.status === "added" || !b || b.kind !== "text" ? "" : b.text);
    }
  }
  for (const f of cs.files)
    if (texts.has(f.path) && baseTexts.has(f.path))
      patches.set(f.path, unifiedDiff(baseTexts.get(f.path)!, texts.get(f.path)!, f.path, 0) || "");
  return patches;
}

/** Reviews a change (or every doc) and applies the fixes; writes nothing. */
export async function fixDocs(cs: ChangeSet, config: Config, opts: FixOptions): Promise<FixResult> {
  const mode = opts.mode;
  const maxPasses = opts.maxPasses ?? 5;
  const chosen = opts.rules && opts.rules.length > 0 ? new Set(opts.rules) : null;
  const isOn = (id: string) => config.rules[id] !== "off" && (chosen ? chosen.has(id) : true);
  const formatRules = new Set<string>(opts.reformat ? FORMAT_RULES.filter(isOn) : []);
  const originals = new Map<string, string>();
  const texts = new Map<string, string>();
  const counts = new Map<string, Record<string, number>>();
  const notes: string[] = [];
  const baseTexts = new Map<string, string>();
  let current: ChangeSet = cs;

  for (let pass = 0; pass < maxPasses; pass++) {
    const r = await review(current, config, { mode, docRunner: opts.docRunner });
    if (pass === 0) notes.push(...r.notes);
    const p: FixPass = {
      r,
      mode,
      isOn,
      formatRules,
      limit: config.lineLength,
      reformat: opts.reformat === true,
      first: pass === 0,
      last: pass === maxPasses - 1,
      notes,
    };
    // Docs, and other files with suggestions (BUILD files).
    const docSet = new Set(r.docs);
    const others = [
      ...new Set(
        r.findings.filter((f) => f.suggestion !== null && !docSet.has(f.path)).map((f) => f.path),
      ),
    ];
    const heads = await current.read([...r.docs, ...others], "head");
    let changed = false;
    for (const path of [...r.docs, ...others]) {
      const c = heads.get(path);
      if (!c || c.kind !== "text") continue;
      const text = c.text;
      if (!originals.has(path)) originals.set(path, text);
      const { next, safe } = fixFile(path, text, !docSet.has(path), p);
      if (next === text) continue;
      const withNewline = next !== applySuggestions(text, safe);
      counts.set(path, countFixes(counts.get(path) ?? {}, safe, withNewline));
      texts.set(path, next);
      changed = true;
    }
    if (!changed) break;
    // The next pass reviews the fixed text against the same base.
    const patches =
      mode === "change"
        ? await patchesAgainstBase(cs, texts, baseTexts)
        : new Map<string, string>();
    current = new FixedChangeSet(cs, texts, patches);
  }
  return { files: fileFixes(texts, originals, counts), notes };
}

/** The files whose text changed, by path, with their counts of fixes. */
function fileFixes(
  texts: ReadonlyMap<string, string>,
  originals: ReadonlyMap<string, string>,
  counts: ReadonlyMap<string, Record<string, number>>,
): FileFix[] {
  const files: FileFix[] = [];
  for (const [path, after] of [...texts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const before = originals.get(path)!;
    if (before === after) continue;
    const byRule = counts.get(path) ?? {};
    files.push({
      path,
      before,
      after,
      fixes: Object.values(byRule).reduce((a, b) => a + b, 0),
      byRule,
    });
  }
  return files;
}

/** An audit-mode change set over texts held in memory (for fixing one doc without a repository). */
export class TextChangeSet implements ChangeSet {
  readonly base = null;
  readonly head = "text";
  readonly files: ChangedFile[] = [];

  constructor(private readonly tree: ReadonlyMap<string, string>) {}

  async listPaths(): Promise<string[]> {
    return [...this.tree.keys()].sort();
  }

  async read(paths: readonly string[], side: Side): Promise<Map<string, FileContent>> {
    return new Map(
      paths.map((p) => [
        p,
        side === "head" && this.tree.has(p)
          ? { kind: "text", text: this.tree.get(p)! }
          : { kind: "missing" },
      ]),
    );
  }
}

/** Fixes one doc held in memory, as `g3doc-review fix --all` would. */
export async function fixText(
  path: string,
  text: string,
  config: Config,
  rules?: readonly string[],
  opts: { reformat?: boolean } = {},
): Promise<{ text: string; fixes: number; notes: string[] }> {
  const r = await fixDocs(new TextChangeSet(new Map([[path, text]])), config, {
    mode: "all",
    rules,
    reformat: opts.reformat,
  });
  const f = r.files.find((x) => x.path === path);
  return { text: f ? f.after : text, fixes: f ? f.fixes : 0, notes: r.notes };
}
