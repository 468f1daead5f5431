/**
 * The paragraphs of a doc as the rewrap sees them: their lines, where their
 * text starts, and the prefix their lines take (list indentation, `> `).
 */
import type { Nodes, Paragraph } from "mdast";
import { memo, parseDoc, type Doc } from "../markdown/parse.js";
import { replaceLines } from "../text.js";
import { rewrapParagraph, isWrapped, textWidth, type RewrapOptions } from "./rewrap.js";
import { protectedRanges, overlapsProtected } from "./regions.js";

export interface ParagraphLayout {
  /** First and last line, 1-based. */
  start: number;
  end: number;
  /** Offset of the text in the first line. */
  contentStart: number;
  /** What the first line starts with after a rewrap. */
  firstPrefix: string;
  /** What the other lines start with after a rewrap. */
  indent: string;
  /** Columns for the text of the other lines, when not the limit minus the indent (footnotes). */
  restWidthDelta?: number;
  /** The paragraph in the doc's tree: a rewrap of the doc's own lines reads its spans there. */
  node?: Paragraph;
}

const LIST_MARKER = /^([-*+]|\d{1,9}[.)])([ ]*)/;

/** The prefix the lines inside a container take, or null when it cannot be told (tabs). */
function containerIndent(doc: Doc, node: Nodes): string | null {
  const p = node.position;
  if (!p) return null;
  const line = doc.lines[p.start.line - 1] ?? "";
  const col = p.start.column - 1;
  let end: number;
  if (node.type === "listItem") {
    const m = LIST_MARKER.exec(line.slice(col));
    if (!m) return null;
    const spaces = m[2].length;
    const rest = line.slice(col + m[0].length);
    end = col + m[1].length + (spaces >= 1 && spaces <= 4 && rest !== "" ? spaces : 1);
  } else if (node.type === "blockquote") {
    end = col + 1 + (line[col + 1] === " " ? 1 : 0);
  } else if (node.type === "footnoteDefinition") {
    const before = line.slice(0, col);
    if (/\t/.test(before)) return null;
    return before.replace(/[^> ]/g, " ") + "    ";
  } else {
    return "";
  }
  const prefix = line.slice(0, end).padEnd(end, " ");
  if (/\t/.test(prefix)) return null;
  return prefix.replace(/[^> ]/g, " ");
}

const CONTAINERS = new Set(["listItem", "blockquote", "footnoteDefinition"]);

function computeParagraphs(doc: Doc): ParagraphLayout[] {
  const out: ParagraphLayout[] = [];
  const prot = protectedRanges(doc);
  const walk = (node: Nodes, container: Nodes | undefined) => {
    if (node.type === "paragraph") {
      const p = node.position;
      if (!p || overlapsProtected(prot, p.start.line, p.end.line)) return;
      const first = doc.lines[p.start.line - 1] ?? "";
      const contentStart = p.start.column - 1;
      const before = first.slice(0, contentStart);
      if (/\t/.test(before)) return;
      const indent = container ? containerIndent(doc, container) : "";
      if (indent === null) return;
      const sharesLine = container?.position && container.position.start.line === p.start.line;
      const layout: ParagraphLayout = {
        start: p.start.line,
        end: p.end.line,
        contentStart,
        firstPrefix: sharesLine ? before : indent,
        indent,
        node,
      };
      // The formatter wraps a footnote's text to the width left after its label, on every line.
      if (sharesLine && container?.type === "footnoteDefinition")
        layout.restWidthDelta = textWidth(before) - textWidth(indent);
      out.push(layout);
      return;
    }
    if (
      node.type === "table" ||
      node.type === "code" ||
      node.type === "html" ||
      node.type === "heading"
    )
      return;
    if ("children" in node) {
      const next = CONTAINERS.has(node.type) ? node : container;
      for (const c of node.children as Nodes[]) walk(c, next);
    }
  };
  walk(doc.tree, undefined);
  return out;
}

/** Every paragraph of a doc outside protected regions (computed once per doc). */
export function paragraphsOf(doc: Doc): ParagraphLayout[] {
  return memo(doc, "fix:paragraphs", (d) => computeParagraphs(d).sort((a, b) => a.start - b.start));
}

/** The paragraph that holds a line, if any (binary search: paragraphs do not overlap). */
export function paragraphAt(doc: Doc, line: number): ParagraphLayout | undefined {
  const ps = paragraphsOf(doc);
  let lo = 0;
  let hi = ps.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = ps[mid];
    if (line < p.start) hi = mid - 1;
    else if (line > p.end) lo = mid + 1;
    else return p;
  }
  return undefined;
}

/** The options that rewrap a paragraph's lines; with `text`, the doc's text, the lines must be the doc's own. */
export function rewrapOptions(p: ParagraphLayout, limit: number, text?: string): RewrapOptions {
  const o: RewrapOptions = {
    limit,
    contentStart: p.contentStart,
    firstPrefix: p.firstPrefix,
    indent: p.indent,
  };
  if (p.restWidthDelta) o.restWidth = Math.max(1, limit - textWidth(p.indent) - p.restWidthDelta);
  if (text !== undefined && p.node) o.source = { node: p.node, text };
  return o;
}

const sameLines = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((l, i) => l === b[i]);

/** The rewrapped lines of a paragraph, or null when they would not change. */
export function rewrapOf(doc: Doc, p: ParagraphLayout, limit: number): string[] | null {
  const lines = doc.lines.slice(p.start - 1, p.end);
  const out = rewrapParagraph(lines, rewrapOptions(p, limit, doc.text));
  return sameLines(out, lines) ? null : out;
}

/** Like `rewrapOf`, but null also when the paragraph is already laid out as the maintainers' formatter would. */
export function refillOf(doc: Doc, p: ParagraphLayout, limit: number): string[] | null {
  const lines = doc.lines.slice(p.start - 1, p.end);
  const opts = rewrapOptions(p, limit, doc.text);
  // The plain fill serves both the layout check and the answer.
  const fill = rewrapParagraph(lines, opts);
  if (isWrapped(lines, opts, fill)) return null;
  return sameLines(fill, lines) ? null : fill;
}

/** Refills, again, the paragraphs of `text` that meet any of `ranges` (one parse). */
export function refillRanges(
  text: string,
  path: string,
  ranges: readonly { start: number; end: number }[],
  limit: number,
): string {
  const doc = parseDoc(path, text);
  let cur = text;
  const paras = paragraphsOf(doc)
    .filter((p) => ranges.some((r) => p.start <= r.end && r.start <= p.end))
    .sort((a, b) => b.start - a.start);
  for (const p of paras) {
    const lines = refillOf(doc, p, limit);
    if (lines) cur = replaceLines(cur, p.start, p.end, lines);
  }
  return cur;
}
