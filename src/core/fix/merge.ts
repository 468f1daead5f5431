/**
 * Merging the suggestions of one file so that no two touch the same line
 * (GitHub cannot apply two suggestions on one line, and a fix applied on top
 * of another must see the other's result).
 *
 * Suggestions whose line ranges overlap become one suggestion over the union
 * of their ranges. Its text is what applying each fix in turn gives:
 * 1. line-local fixes (trailing whitespace, terminology, any rule's plain
 *    replacement), as character edits of the original text; one that collides
 *    with an earlier one is dropped (it comes back on the next review);
 * 2. fixes their rule recomputes (`suggestion.recompute` of the rule) are
 *    redone on the edited text over their range: first those that re-indent
 *    blocks (list-marker pads the items again), then those that refill
 *    paragraphs (line-length; a term fixed inside a paragraph is wrapped with it).
 */
import type { Finding } from "../finding.js";
import { lineStartsOf, splitLines } from "../text.js";
import { replaceLines } from "../text.js";
import { ruleById } from "../rules/index.js";
import type { Recompute } from "../rules/types.js";
import { fileLayout, windowOf, type FileLayout } from "./window.js";

export interface MergeOptions {
  /** The line limit the rewrap fills to. */
  limit: number;
  /**
   * Characters the merge may parse again: a group with a recomputed fix
   * (rewrap, list-marker) is charged the whole file once per such fix, plus
   * once (what recomputing it on the whole file costs), windowed or not.
   * Groups past the bound are left out (their findings come back in
   * `dropped`). Default: no bound. Groups of line-local fixes parse nothing
   * and cost only their own lines.
   */
  maxReparseChars?: number;
  /**
   * Recompute a group on a window of the file (its top-level blocks that meet
   * the group, src/core/fix/window.ts) instead of the whole file, where the
   * window parses as the file does (default true). The file is parsed once
   * for its layout; each group then re-parses its window only. The merged
   * suggestions are the same either way, and so is the budget they are charged.
   */
  windowed?: boolean;
  /**
   * The file's layout for windows from a parse the caller already made (the
   * review's: window.ts layoutOfDoc), or null when none of its windows can
   * be trusted. Used only when it is the layout of this very text; the file
   * is then not parsed again for it. The budget is charged as without it, so
   * the same groups are merged either way.
   */
  layout?: FileLayout | null;
}

export interface MergedSuggestion {
  /** Lines line..endLine of the original text are replaced by `suggestion`. */
  line: number;
  endLine: number;
  /** Replacement text (lines joined with "\n", no final newline). */
  suggestion: string;
  /** The findings whose fixes it holds, in the order they were applied. */
  findings: Finding[];
}

export interface MergeResult {
  suggestions: MergedSuggestion[];
  /** Characters re-parsed (see MergeOptions.maxReparseChars). */
  reparsed: number;
  /** Groups recomputed on a window of the file (see MergeOptions.windowed), the others on the whole file. */
  windows: number;
  /** Whether the file was parsed for its layout (not when MergeOptions.layout served, or no group needed it). */
  layoutParsed: boolean;
  /** Findings whose suggestion could not be combined with an overlapping one (left for the next round). */
  dropped: Finding[];
}

const STAGES: Recompute["stage"][] = ["blocks", "paragraphs"];

/** How a finding's fix is redone on edited text, when its rule says (else it is replayed as an edit). */
function recomputeOf(f: Finding): Recompute | undefined {
  return ruleById(f.rule)?.suggestion?.recompute;
}

interface Edit {
  from: number;
  to: number;
  insert: string;
}

/** Offsets of the start of each line in `s` (index 0 is line 1), plus one past the end. */
function lineStarts(s: string): number[] {
  return [...lineStartsOf(s), s.length + 1];
}

function lineCount(s: string): number {
  return splitLines(s).length;
}

/** The smallest character edit that turns lines line..endLine of `s` into `text`. */
function editOf(
  s: string,
  starts: number[],
  line: number,
  endLine: number,
  text: string,
): Edit | null {
  if (line < 1 || endLine < line || endLine > starts.length - 2) return null;
  const from = starts[line - 1];
  const to = starts[endLine] - 1;
  const deleted = lineDeletion(s, starts, line, endLine, text);
  if (deleted) return deleted;
  const orig = s.slice(from, to);
  let p = 0;
  while (p < orig.length && p < text.length && orig[p] === text[p]) p++;
  let q = 0;
  while (
    q < orig.length - p &&
    q < text.length - p &&
    orig[orig.length - 1 - q] === text[text.length - 1 - q]
  )
    q++;
  return { from: from + p, to: to - q, insert: text.slice(p, text.length - q) };
}

/**
 * When the suggestion only takes whole lines out of lines line..endLine (an
 * unused definition's deletion keeps the line after it), the edit that takes
 * out exactly those lines, from the start of the first to the start of the
 * line after the last. The smallest character edit would run from inside one
 * line into the next wherever they share a beginning (`[wg-secure-code]`,
 * `[wg-security-response]`), and meet the deletion of that next line.
 */
function lineDeletion(
  s: string,
  starts: number[],
  line: number,
  endLine: number,
  text: string,
): Edit | null {
  const kept = text.split("\n");
  const own = endLine - line + 1;
  if (kept.length >= own) return null;
  const lineText = (l: number) => s.slice(starts[l - 1], starts[l] - 1);
  let head = 0;
  while (head < kept.length && kept[head] === lineText(line + head)) head++;
  let tail = 0;
  while (tail < kept.length - head && kept[kept.length - 1 - tail] === lineText(endLine - tail))
    tail++;
  const to = starts[endLine - tail];
  if (head + tail !== kept.length || to > s.length) return null;
  return { from: starts[line - 1 + head], to, insert: "" };
}

/** Applies disjoint edits in one pass. */
function applyEdits(s: string, edits: Edit[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.from - b.from || a.to - b.to)) {
    parts.push(s.slice(at, e.from), e.insert);
    at = e.to;
  }
  parts.push(s.slice(at));
  return parts.join("");
}

/**
 * Edits that overlap or touch (two fixes of one word) cannot both be applied
 * blindly; two deletions that only touch can (they take out one run).
 */
function collides(a: Edit, b: Edit): boolean {
  if (a.insert === "" && b.insert === "") return a.from < b.to && b.from < a.to;
  return a.from <= b.to && b.from <= a.to;
}

/**
 * Edits kept sorted by position. They never collide with each other, so a new
 * edit can only equal or collide with its neighbours: each check is a binary
 * search, not a scan of all the edits so far.
 */
class EditSet {
  readonly list: Edit[] = [];

  /** Where `e` would go: the first edit that starts after it (or at it and ends later). */
  private slot(e: Edit): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.list[mid];
      if (m.from < e.from || (m.from === e.from && m.to <= e.to)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private neighbours(e: Edit): Edit[] {
    const i = this.slot(e);
    return [this.list[i - 1], this.list[i]].filter((x): x is Edit => x !== undefined);
  }

  has(e: Edit): boolean {
    return this.neighbours(e).some(
      (x) => x.from === e.from && x.to === e.to && x.insert === e.insert,
    );
  }

  collidesWith(e: Edit): boolean {
    return this.neighbours(e).some((x) => collides(x, e));
  }

  add(e: Edit): void {
    this.list.splice(this.slot(e), 0, e);
  }
}

interface Cluster {
  findings: Finding[];
  line: number;
  endLine: number;
}

/** Applies the fixes of a group of findings to `s` in turn; returns the new text and the findings left out. */
function applyGroup(
  s: string,
  path: string,
  group: Finding[],
  opts: MergeOptions,
): { text: string; dropped: Finding[]; applied: Finding[] } {
  const starts = lineStarts(s);
  const kept = new EditSet();
  const dropped: Finding[] = [];
  const applied: Finding[] = [];
  for (const f of group) {
    if (recomputeOf(f)) continue;
    const e = editOf(s, starts, f.line, f.endLine, f.suggestion ?? "");
    if (!e) {
      dropped.push(f);
      continue;
    }
    if ((e.from === e.to && e.insert === "") || kept.has(e)) {
      applied.push(f);
      continue;
    }
    if (kept.collidesWith(e)) {
      dropped.push(f);
      continue;
    }
    kept.add(e);
    applied.push(f);
  }
  const edits = kept.list;
  let text = applyEdits(s, edits);
  // Where line `l` of `s` is now.
  const mapLine = (l: number) => {
    const at = starts[Math.min(l, starts.length - 1) - 1];
    let delta = 0;
    for (const e of edits) {
      if (e.to <= at && !(e.from === e.to && e.from === at))
        delta +=
          (e.insert.match(/\n/g)?.length ?? 0) - (s.slice(e.from, e.to).match(/\n/g)?.length ?? 0);
    }
    return l + delta;
  };
  for (const stage of STAGES) {
    // Each rule's fixes of the stage, redone in one call over all their ranges.
    const byRecompute = new Map<Recompute, Finding[]>();
    for (const f of group) {
      const recompute = recomputeOf(f);
      if (recompute?.stage !== stage) continue;
      const list = byRecompute.get(recompute);
      if (list) list.push(f);
      else byRecompute.set(recompute, [f]);
    }
    for (const [recompute, fs] of byRecompute) {
      const ranges = fs.map((f) => ({ start: mapLine(f.line), end: mapLine(f.endLine + 1) - 1 }));
      text = recompute.apply(text, path, ranges, { lineLength: opts.limit });
      applied.push(...fs);
    }
  }
  return { text, dropped, applied };
}

/** The suggestion that turns `s` into `t`, covering at least lines line..endLine of `s`. */
function suggestionBetween(
  s: string,
  t: string,
  line: number,
  endLine: number,
): { line: number; endLine: number; suggestion: string } | null {
  if (s === t) return null;
  const a = s.split("\n");
  const b = t.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const start = Math.min(line, head + 1);
  const end = Math.max(endLine, a.length - tail);
  const newEnd = end + (b.length - a.length);
  return { line: start, endLine: end, suggestion: b.slice(start - 1, newEnd).join("\n") };
}

/** What merging one file's groups shares: the file, the options, the re-parse budget and the file's layout for windows. */
interface FileContext {
  s: string;
  lines: readonly string[];
  path: string;
  opts: MergeOptions;
  budget: { left: number; used: number };
  /** Groups recomputed on a window so far. */
  windows: number;
  /** Undefined until a group needs it; null when no window of the file can be trusted. */
  layout?: FileLayout | null;
  layoutParsed: boolean;
}

type ClusterResult = { suggestion: ReturnType<typeof suggestionBetween>; dropped: Finding[] };

/** Takes `cost` characters from the budget; false (nothing taken) when it has not that many left. */
function charge(budget: FileContext["budget"], cost: number): boolean {
  if (cost > budget.left) return false;
  budget.left -= cost;
  budget.used += cost;
  return true;
}

/**
 * `suggestionBetween(s, t, line, endLine)` where `t` is the file with its
 * lines start..end replaced by `core`: the same answer, reading only the
 * lines around the window (those before and after it are the same in both).
 */
function suggestionAround(
  a: readonly string[],
  start: number,
  end: number,
  core: readonly string[],
  line: number,
  endLine: number,
): ReturnType<typeof suggestionBetween> {
  const own = end - start + 1;
  if (core.length === own && core.every((l, i) => l === a[start - 1 + i])) return null;
  const bLength = a.length - own + core.length;
  const b = (i: number) =>
    i < start - 1
      ? a[i]
      : i < start - 1 + core.length
        ? core[i - start + 1]
        : a[i - core.length + own];
  let head = start - 1;
  while (head < a.length && head < bLength && a[head] === b(head)) head++;
  let tail = Math.min(a.length - end, a.length - head, bLength - head);
  while (
    tail < a.length - head &&
    tail < bLength - head &&
    a[a.length - 1 - tail] === b(bLength - 1 - tail)
  )
    tail++;
  const from = Math.min(line, head + 1);
  const to = Math.max(endLine, a.length - tail);
  const out: string[] = [];
  for (let i = from - 1; i < to + (bLength - a.length); i++) out.push(b(i));
  return { line: from, endLine: to, suggestion: out.join("\n") };
}

/** The file's layout for windows, from one parse on first use; null when it cannot be used. */
function layoutOf(ctx: FileContext): FileLayout | null {
  if (ctx.layout === undefined) {
    ctx.layout = fileLayout(ctx.path, ctx.s);
    ctx.layoutParsed = true;
  }
  return ctx.layout;
}

/**
 * A group with a recomputed fix, redone on a window of the file: its
 * top-level blocks that meet the group (src/core/fix/window.ts). Null when
 * the file or the window cannot be trusted to parse as the whole file does:
 * then the group is recomputed on the whole file. The caller has charged the
 * budget what the whole file would cost, which covers the file's one parse
 * for its layout and the window's parses.
 */
function mergeInWindow(ctx: FileContext, c: Cluster): ClusterResult | null {
  const layout = layoutOf(ctx);
  if (!layout) return null;
  const window = windowOf(layout, c.line, c.endLine);
  if (!window) return null;
  const shift = window.start - 1;
  const moved = c.findings.map((f) => ({ ...f, line: f.line - shift, endLine: f.endLine - shift }));
  const back = new Map(moved.map((m, i) => [m, c.findings[i]] as const));
  const g = applyGroup(window.text, ctx.path, moved, ctx.opts);
  const tail = `\n${window.suffix}`;
  if (!g.text.endsWith(tail)) return null;
  const core = g.text.slice(0, g.text.length - tail.length).split("\n");
  ctx.windows++;
  return {
    suggestion: suggestionAround(ctx.lines, window.start, window.end, core, c.line, c.endLine),
    dropped: g.dropped.map((d) => back.get(d)!),
  };
}

/**
 * One group's merged suggestion. A group of line-local fixes is worked out on
 * its own lines only; a group with a recomputed fix (rewrap, list-marker)
 * needs its text parsed: a window of the file (see MergeOptions.windowed) or
 * the whole file, within the budget of characters to re-parse.
 */
function mergeCluster(ctx: FileContext, c: Cluster): ClusterResult {
  const { s, lines, path, opts } = ctx;
  const recomputed = c.findings.filter((f) => recomputeOf(f)).length;
  if (recomputed > 0) {
    // Charged as on the whole file, windowed or not, so that the same groups are merged within any budget.
    if (!charge(ctx.budget, s.length * (recomputed + 1)))
      return { suggestion: null, dropped: [...c.findings] };
    const w = opts.windowed === false ? null : mergeInWindow(ctx, c);
    if (w) return w;
    const g = applyGroup(s, path, c.findings, opts);
    return { suggestion: suggestionBetween(s, g.text, c.line, c.endLine), dropped: g.dropped };
  }
  const shift = c.line - 1;
  // Its own lines, each ending with a newline as in the file (lineStarts counts lines by them).
  const window = `${lines.slice(shift, c.endLine).join("\n")}\n`;
  const moved = c.findings.map((f) => ({ ...f, line: f.line - shift, endLine: f.endLine - shift }));
  const back = new Map(moved.map((m, i) => [m, c.findings[i]] as const));
  const g = applyGroup(window, path, moved, opts);
  const sug = suggestionBetween(window, g.text, 1, c.endLine - shift);
  return {
    suggestion: sug && { ...sug, line: sug.line + shift, endLine: sug.endLine + shift },
    dropped: g.dropped.map((d) => back.get(d)!),
  };
}

/** Findings sorted by line whose ranges overlap, as clusters. */
function clustersOf(sorted: readonly Finding[]): Cluster[] {
  const clusters: Cluster[] = [];
  for (const f of sorted) {
    const last = clusters[clusters.length - 1];
    if (last && f.line <= last.endLine) {
      last.findings.push(f);
      last.endLine = Math.max(last.endLine, f.endLine);
    } else {
      clusters.push({ findings: [f], line: f.line, endLine: f.endLine });
    }
  }
  return clusters;
}

/** The clusters over the ranges their merged suggestions reach; `merged` when two now overlap. */
function regroup(
  clusters: readonly Cluster[],
  results: readonly (MergedSuggestion | null)[],
): { next: Cluster[]; merged: boolean } {
  let merged = false;
  const next: Cluster[] = [];
  clusters.forEach((c, i) => {
    const r = results[i];
    const line = r ? Math.min(r.line, c.line) : c.line;
    const endLine = r ? Math.max(r.endLine, c.endLine) : c.endLine;
    const last = next[next.length - 1];
    if (last && line <= last.endLine) {
      last.findings.push(...c.findings);
      last.endLine = Math.max(last.endLine, endLine);
      merged = true;
    } else {
      next.push({ findings: [...c.findings], line, endLine });
    }
  });
  return { next, merged };
}

/**
 * Merges the suggestions of one file's findings (`text` is the file at head).
 * Findings without a suggestion are ignored. The result never has two
 * suggestions on the same line.
 */
export function mergeSuggestions(
  text: string,
  path: string,
  findings: readonly Finding[],
  opts: MergeOptions,
): MergeResult {
  const s = text.replace(/\r\n?/g, "\n");
  const total = lineCount(s);
  const withFix = findings
    .filter(
      (f) =>
        f.path === path &&
        f.suggestion !== null &&
        f.suggestion !== undefined &&
        f.line >= 1 &&
        f.endLine <= total,
    )
    .sort((x, y) => x.line - y.line || x.endLine - y.endLine);
  let clusters = clustersOf(withFix);
  const dropped: Finding[] = [];
  const droppedSet = new Set<Finding>();
  const drop = (fs: readonly Finding[]) => {
    for (const f of fs)
      if (!droppedSet.has(f)) {
        droppedSet.add(f);
        dropped.push(f);
      }
  };
  const budget = { left: opts.maxReparseChars ?? Infinity, used: 0 };
  const given = opts.layout;
  const ctx: FileContext = {
    s,
    lines: s.split("\n"),
    path,
    opts,
    budget,
    windows: 0,
    layout:
      given === null || (given && given.path === path && given.text === s) ? given : undefined,
    layoutParsed: false,
  };
  for (let round = 0; round < 20; round++) {
    const results: (MergedSuggestion | null)[] = clusters.map((c) => {
      if (c.findings.length === 0) return null;
      if (c.findings.length === 1) {
        const f = c.findings[0];
        return { line: f.line, endLine: f.endLine, suggestion: f.suggestion!, findings: [f] };
      }
      const g = mergeCluster(ctx, c);
      if (g.dropped.length > 0) {
        const out = new Set(g.dropped);
        c.findings = c.findings.filter((f) => !out.has(f));
        drop(g.dropped);
      }
      if (!g.suggestion) return null;
      return { ...g.suggestion, findings: c.findings };
    });
    // A recomputed fix may reach past its cluster: merge clusters that now overlap and redo them.
    const { next, merged } = regroup(clusters, results);
    if (!merged)
      return {
        suggestions: results.filter((r): r is MergedSuggestion => r !== null),
        dropped,
        reparsed: budget.used,
        windows: ctx.windows,
        layoutParsed: ctx.layoutParsed,
      };
    clusters = next;
  }
  return {
    suggestions: [],
    dropped: withFix,
    reparsed: budget.used,
    windows: ctx.windows,
    layoutParsed: ctx.layoutParsed,
  };
}

/**
 * The findings of one file with merged suggestions: in each group of
 * overlapping suggestions, the first finding carries the merged suggestion
 * (its line..endLine set to the suggestion's range) and the others carry
 * none. Findings without a suggestion pass through unchanged.
 */
export function mergeFindings(
  text: string,
  path: string,
  findings: readonly Finding[],
  opts: MergeOptions,
): Finding[] {
  const { suggestions } = mergeSuggestions(text, path, findings, opts);
  const carrier = new Map<Finding, MergedSuggestion>();
  const held = new Set<Finding>();
  for (const m of suggestions) {
    carrier.set(m.findings[0], m);
    for (const f of m.findings) held.add(f);
  }
  return findings.map((f) => {
    if (f.path !== path || f.suggestion === null || f.suggestion === undefined) return f;
    const m = carrier.get(f);
    if (m) return { ...f, line: m.line, endLine: m.endLine, suggestion: m.suggestion };
    return { ...f, suggestion: null };
  });
}

/** Applies non-overlapping suggestions to a text (the file at head); returns the new text. */
export function applySuggestions(
  text: string,
  suggestions: readonly Pick<MergedSuggestion, "line" | "endLine" | "suggestion">[],
): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  let s = text.replace(/\r\n?/g, "\n");
  for (const m of [...suggestions].sort((a, b) => b.line - a.line))
    s = replaceLines(s, m.line, m.endLine, m.suggestion.split("\n"));
  return eol === "\n" ? s : s.replace(/\n/g, eol);
}
