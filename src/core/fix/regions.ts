/**
 * Regions of a doc that fixes never touch: code blocks, tables, HTML blocks,
 * front matter and `<!-- mdformat off -->` ... `<!-- mdformat on -->`
 * regions (the maintainers' formatter leaves them alone too).
 */
import type { Nodes, Parents } from "mdast";
import { memo, type Doc } from "../markdown/parse.js";

/** Lines first..last, 1-based, inclusive. */
export interface LineRange {
  start: number;
  end: number;
}

const FLOW_PARENTS = new Set(["root", "blockquote", "listItem", "footnoteDefinition"]);
const PROTECTED_NODES = new Set(["code", "table", "yaml", "toml", "math"]);

export const MDFORMAT_OFF = /<!--\s*mdformat\s+off\b[\s\S]*?-->/;
export const MDFORMAT_ON = /<!--\s*mdformat\s+on\b[\s\S]*?-->/;

/** `<!-- mdformat off -->` ... `<!-- mdformat on -->` regions (to the end of the doc when not turned back on). */
export function mdformatOffRanges(lines: readonly string[]): LineRange[] {
  const out: LineRange[] = [];
  let start = 0;
  lines.forEach((line, i) => {
    if (start === 0 && MDFORMAT_OFF.test(line)) start = i + 1;
    else if (start !== 0 && MDFORMAT_ON.test(line)) {
      out.push({ start, end: i + 1 });
      start = 0;
    }
  });
  if (start !== 0) out.push({ start, end: lines.length });
  return out;
}

function computeProtected(doc: Doc): LineRange[] {
  const out: LineRange[] = [];
  const visit = (node: Nodes, parent: Parents | undefined) => {
    const p = node.position;
    if (
      p &&
      (PROTECTED_NODES.has(node.type) ||
        (node.type === "html" && (!parent || FLOW_PARENTS.has(parent.type))))
    ) {
      out.push({ start: p.start.line, end: p.end.line });
      return;
    }
    if ("children" in node) for (const c of node.children as Nodes[]) visit(c, node as Parents);
  };
  visit(doc.tree, undefined);
  out.push(...mdformatOffRanges(doc.lines));
  // Front matter the parser does not know about.
  if (doc.lines[0] === "---") {
    const end = doc.lines.indexOf("---", 1);
    if (end > 0) out.push({ start: 1, end: end + 1 });
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** The protected line ranges of a doc (computed once per doc). */
export function protectedRanges(doc: Doc): LineRange[] {
  return memo(doc, "fix:protected", computeProtected);
}

/** Whether any line of start..end is protected. */
export function overlapsProtected(
  ranges: readonly LineRange[],
  start: number,
  end: number,
): boolean {
  return ranges.some((r) => r.start <= end && start <= r.end);
}
