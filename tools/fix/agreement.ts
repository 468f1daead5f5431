/**
 * Whether `fix` agrees with `check` on a change set, in process, through the
 * engine and the fixer the command uses (nothing is written):
 *
 * - fix changes only lines that check reported (a finding's line..endLine);
 * - on the fixed text, check reports no finding that carries a suggestion;
 * - each fixed doc parses to the same Markdown as before (whitespace inside
 *   text aside, see core/fix/compare.ts), except at the findings whose fix is
 *   meant to change what the doc says: every rule's but the formatter's jobs
 *   (rewrap, list-marker padding, trailing whitespace, blank lines, final
 *   newline), whose fixes must keep the meaning wherever they are.
 */
import type { Nodes } from "mdast";
import type { ChangeSet } from "../../src/core/changeset.js";
import type { Config } from "../../src/config/defaults.js";
import type { Finding } from "../../src/core/finding.js";
import { review, type ReviewMode } from "../../src/core/engine.js";
import { fixDocs, FixedChangeSet } from "../../src/core/fix/apply.js";
import { normalizedNode } from "../../src/core/fix/compare.js";
import { FORMAT_RULES } from "../../src/core/fix/format.js";
import { diffLines, linesOf, unifiedDiff } from "../../src/core/fix/line-diff.js";
import { parseDoc } from "../../src/core/markdown/parse.js";

export interface Agreement {
  /** Docs fix changed. */
  fixedDocs: number;
  /** Findings check reported (with and without suggestions). */
  reported: number;
  /** `path:line` of lines fix changed that no finding covered. */
  unreported: string[];
  /** Findings with a suggestion that check still reports after fix. */
  leftWithSuggestion: Finding[];
  /** `path:line: what` of blocks that parse differently after fix, away from any finding meant to change them. */
  meaningDifferences: string[];
}

/** A stretch of the doc between two runs of lines fix kept: its old lines and the new lines that took their place. */
interface Gap {
  old: number[];
  new: number[];
}

const isBlank = (s: string) => s.trim() === "";
const span = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => from + k);

/** The runs of old lines no finding covers (blank lines aside: a fix may leave or take one beside what it fixed). */
function keptRuns(a: readonly string[], covered: ReadonlySet<number>): number[][] {
  const runs: number[][] = [];
  let cur: number[] = [];
  for (let i = 1; i <= a.length; i++) {
    if (isBlank(a[i - 1])) continue;
    if (covered.has(i)) {
      if (cur.length > 0) runs.push(cur);
      cur = [];
    } else cur.push(i);
  }
  if (cur.length > 0) runs.push(cur);
  return runs;
}

type Alignment = { unreported: number[][]; gaps: Gap[] };

/**
 * Lines fix changed that no finding covered, and the gaps between the lines
 * it kept. Every run of uncovered lines must come out unchanged and in order
 * (blank lines aside), and whatever fix wrote between two of them must stand
 * for covered lines. Runs are found greedily, the leftmost place first, and
 * again from the end, the rightmost place first; the way with fewer
 * unreported lines counts. Where identical lines repeat (`- []` three times,
 * the first fixed), one way can take a fixed line for a kept one.
 */
function align(before: string, after: string, covered: ReadonlySet<number>): Alignment {
  const a = linesOf(before);
  const b = linesOf(after);
  const forward = alignLines(a, b, covered);
  if (forward.unreported.length === 0) return forward;
  const n = a.length;
  const m = b.length;
  const back = alignLines(
    [...a].reverse(),
    [...b].reverse(),
    new Set([...covered].map((l) => n + 1 - l)),
  );
  if (back.unreported.length >= forward.unreported.length) return forward;
  const oldLine = (l: number) => n + 1 - l;
  const newLine = (l: number) => m + 1 - l;
  return {
    unreported: back.unreported.map((run) => run.map(oldLine).reverse()).reverse(),
    gaps: back.gaps
      .map((g) => ({ old: g.old.map(oldLine).reverse(), new: g.new.map(newLine).reverse() }))
      .reverse(),
  };
}

/** `align` on lines, one way: runs found greedily, the leftmost place first. */
function alignLines(
  a: readonly string[],
  b: readonly string[],
  covered: ReadonlySet<number>,
): Alignment {
  const nonBlank = span(1, b.length).filter((j) => !isBlank(b[j - 1]));
  const unreported: number[][] = [];
  const gaps: Gap[] = [];
  let p = 0;
  let oldEnd = 0;
  let newEnd = 0;
  for (const run of keptRuns(a, covered)) {
    let at = -1;
    for (let s = p; s + run.length <= nonBlank.length && at < 0; s++)
      if (run.every((i, k) => a[i - 1] === b[nonBlank[s + k] - 1])) at = s;
    if (at < 0) {
      unreported.push(run);
      continue;
    }
    gaps.push({ old: span(oldEnd + 1, run[0] - 1), new: span(newEnd + 1, nonBlank[at] - 1) });
    [oldEnd, newEnd, p] = [run[run.length - 1], nonBlank[at + run.length - 1], at + run.length];
  }
  gaps.push({ old: span(oldEnd + 1, a.length), new: span(newEnd + 1, b.length) });
  // New text where no covered line was: an insertion no finding asked for.
  for (const g of gaps)
    if (!g.old.some((l) => covered.has(l)) && g.new.some((j) => !isBlank(b[j - 1])))
      unreported.push(g.old.length > 0 ? g.old : [oldEndBefore(g, gaps)]);
  return { unreported, gaps };
}

/** The old line just before a gap that holds no old line (where its insertion sits). */
function oldEndBefore(g: Gap, gaps: readonly Gap[]): number {
  for (let k = gaps.indexOf(g) - 1; k >= 0; k--)
    if (gaps[k].old.length > 0) return gaps[k].old[gaps[k].old.length - 1] + 1;
  return 1;
}

/** A leaf block of a doc (paragraph, heading, code, table, ...), keyed by its containers and its content. */
interface Leaf {
  key: string;
  start: number;
  end: number;
}

const CONTAINERS = new Set(["root", "blockquote", "list", "listItem", "footnoteDefinition"]);

/**
 * The leaf blocks of a doc in order. A key names the containers (with their
 * own fields: ordered, start, checked...) and whether the block opens each of
 * them but the doc (an unused definition deleted before the first heading
 * makes the heading the doc's first block), not its index, so that a block a fix removed or added does not
 * change the keys of the blocks after it.
 */
function leaves(path: string, text: string): Leaf[] {
  const out: Leaf[] = [];
  const walk = (node: Nodes, within: string) => {
    const p = node.position;
    if (!CONTAINERS.has(node.type) || !("children" in node)) {
      out.push({
        key: `${within} ${JSON.stringify(normalizedNode(node))}`,
        start: p?.start.line ?? 0,
        end: p?.end.line ?? 0,
      });
      return;
    }
    const { children: _children, ...own } = normalizedNode(node);
    const here = `${within}/${JSON.stringify(own)}`;
    // Opening an item or a quote is part of a block's meaning; being the doc's first block is not.
    const opens = (i: number) => (i === 0 && node.type !== "root" ? "^" : "");
    (node.children as Nodes[]).forEach((c, i) => walk(c, `${here}${opens(i)}`));
  };
  walk(parseDoc(path, text).tree, "");
  return out;
}

/**
 * The blocks that parse differently after a fix although no line of theirs
 * was changed by a fix meant to change the meaning: `maskedOld` and
 * `maskedNew` are those lines, on each side.
 */
export function meaningOutside(
  path: string,
  before: string,
  after: string,
  maskedOld: ReadonlySet<number>,
  maskedNew: ReadonlySet<number>,
): string[] {
  const a = leaves(path, before);
  const b = leaves(path, after);
  const out: string[] = [];
  const hit = (l: Leaf, masked: ReadonlySet<number>) => {
    for (let n = l.start; n <= l.end; n++) if (masked.has(n)) return true;
    return false;
  };
  let i = 0;
  let j = 0;
  for (const op of diffLines(
    a.map((l) => l.key),
    b.map((l) => l.key),
  )) {
    if (op.t === " ") {
      i++;
      j++;
    } else if (op.t === "-") {
      const l = a[i++];
      if (!hit(l, maskedOld)) out.push(`${path}:${l.start}: ${l.key.slice(0, 160)} (before fix)`);
    } else {
      const l = b[j++];
      if (!hit(l, maskedNew))
        out.push(`${path}:${l.start}: ${l.key.slice(0, 160)} (after fix, new line)`);
    }
  }
  return out;
}

const KEEPS_MEANING: ReadonlySet<string> = new Set(FORMAT_RULES);

/** Lines (per path) of the findings, all of them or only those whose fix is meant to change the meaning. */
function linesOfFindings(
  findings: readonly Finding[],
  meaningOnly: boolean,
): Map<string, Set<number>> {
  const covered = new Map<string, Set<number>>();
  for (const f of findings) {
    if (meaningOnly && (f.suggestion === null || KEEPS_MEANING.has(f.rule))) continue;
    const set = covered.get(f.path) ?? new Set<number>();
    for (let l = f.line; l <= f.endLine; l++) set.add(l);
    covered.set(f.path, set);
  }
  return covered;
}

/** The unreported lines of one fixed doc, and its meaning differences away from meaning-changing fixes. */
function compareDoc(
  f: { path: string; before: string; after: string },
  covered: ReadonlySet<number>,
  meant: ReadonlySet<number>,
): { unreported: string[]; meaning: string[] } {
  const { unreported, gaps } = align(f.before, f.after, covered);
  const maskedOld = new Set<number>();
  const maskedNew = new Set<number>();
  for (const g of gaps)
    if (g.old.some((l) => meant.has(l))) {
      g.old.forEach((l) => maskedOld.add(l));
      g.new.forEach((l) => maskedNew.add(l));
    }
  return {
    unreported: unreported.map((run) => `${f.path}:${run.join(",")}`),
    meaning: meaningOutside(f.path, f.before, f.after, maskedOld, maskedNew),
  };
}

/** The patches of the fixed docs against the base, for checking a change again on the fixed text. */
async function patchesOf(
  cs: ChangeSet,
  texts: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const patches = new Map<string, string>();
  const changed = cs.files.filter((f) => texts.has(f.path) && f.status !== "removed");
  const base = await cs.read(
    changed.map((f) => f.previousPath ?? f.path),
    "base",
  );
  for (const f of changed) {
    const b = base.get(f.previousPath ?? f.path);
    const before = f.status === "added" || !b || b.kind !== "text" ? "" : b.text;
    patches.set(f.path, unifiedDiff(before, texts.get(f.path)!, f.path, 0) || "");
  }
  return patches;
}

export async function checkFixAgreement(
  cs: ChangeSet,
  config: Config,
  mode: ReviewMode,
): Promise<Agreement> {
  const checked = await review(cs, config, { mode });
  const covered = linesOfFindings(checked.findings, false);
  const meant = linesOfFindings(checked.findings, true);
  const fixed = await fixDocs(cs, config, { mode });
  const unreported: string[] = [];
  const meaningDifferences: string[] = [];
  for (const f of fixed.files) {
    const d = compareDoc(f, covered.get(f.path) ?? new Set(), meant.get(f.path) ?? new Set());
    unreported.push(...d.unreported);
    meaningDifferences.push(...d.meaning);
  }
  // Check again on the fixed text, against the same base.
  const texts = new Map(fixed.files.map((f) => [f.path, f.after]));
  const patches = mode === "change" ? await patchesOf(cs, texts) : new Map<string, string>();
  const again = await review(new FixedChangeSet(cs, texts, patches), config, { mode });
  return {
    fixedDocs: fixed.files.length,
    reported: checked.findings.length,
    unreported,
    leftWithSuggestion: again.findings.filter((f) => f.suggestion !== null),
    meaningDifferences,
  };
}
