/**
 * Windows of a file for recomputing merged fixes (src/core/fix/merge.ts):
 * a group of overlapping suggestions whose rule recomputes its fix (rewrap,
 * list-marker) re-parses the text it is given, and on a large file the
 * whole file once per group costs far more than the first parse. A window is
 * the file's top-level blocks (from its first parse) that meet the group's
 * lines, with the file's reference definitions appended so that
 * reference links still resolve. Its parse must be the file's parse at those
 * lines, block for block; where that cannot be promised the file has no
 * layout (or the window is refused) and the group is recomputed on the whole
 * file, as before.
 */
import type { Nodes } from "mdast";
import type { Position } from "unist";
import { parseDoc, findFrontMatter, type Doc } from "../markdown/parse.js";

/** Lines first..last, 1-based, inclusive. */
interface Lines {
  start: number;
  end: number;
}

/** A block of a file's parse as a layout keeps it: where it is, and its blocks inside (none for a leaf block). */
export interface Block {
  type: string;
  position?: Position;
  children?: Block[];
}

export interface FileLayout {
  /** The file's path, its text as parsed, and its lines. */
  path: string;
  text: string;
  lines: readonly string[];
  /** Its top-level blocks, in order. */
  blocks: Block[];
  /** The lines of its definitions (nested ones without their container's prefix), appended to every window. */
  definitions: string[];
  /** The first line a window may start at (after front matter, or what the fixes protect as such). */
  firstLine: number;
}

/** A region marker that changes what fixes may touch from where it stands to a later line. */
const REGION_MARKER = /<!--\s*mdformat\s+o(?:ff|n)\b/;

/** Blocks whose inline content does not change where blocks are (their children are not compared). */
const LEAF_BLOCKS = new Set(["paragraph", "heading", "tableCell", "code", "html", "definition"]);

/**
 * The file's definitions as lines to append to a window, in the file's order:
 * a top-level one as its lines, one inside a container (a list item, a quote;
 * it still defines its label for the whole file) as its own text without the
 * container's prefix. Null when a nested one spans more than one line (its
 * other lines carry the prefix), or a footnote definition is nested.
 */
function definitionLines(doc: Doc): string[] | null {
  const out: string[] = [];
  const walk = (node: Nodes, depth: number): boolean => {
    const p = node.position;
    if (node.type === "definition" && p) {
      if (depth <= 1) out.push(...doc.lines.slice(p.start.line - 1, p.end.line));
      else if (p.start.line === p.end.line)
        out.push(doc.lines[p.start.line - 1].slice(p.start.column - 1, p.end.column - 1));
      else return false;
      return true;
    }
    if (node.type === "footnoteDefinition" && depth > 1) return false;
    if (LEAF_BLOCKS.has(node.type) || !("children" in node)) return true;
    return (node.children as Nodes[]).every((c) => walk(c, depth + 1));
  };
  return walk(doc.tree, 0) ? out : null;
}

/** The last line of what the fixes treat as front matter (src/core/fix/regions.ts), or 0. */
function frontMatterEnd(text: string, lines: readonly string[]): number {
  const fm = findFrontMatter(text)?.endLine ?? 0;
  const dashes = lines[0] === "---" ? lines.indexOf("---", 1) + 1 : 0;
  return Math.max(fm, dashes);
}

/** A block without what a window does not look at: a leaf block's inline content. */
function blockOf(n: Nodes): Block {
  if (LEAF_BLOCKS.has(n.type) || !("children" in n)) return { type: n.type, position: n.position };
  return {
    type: n.type,
    position: n.position,
    children: (n.children as Nodes[]).map(blockOf),
  };
}

/**
 * The layout of a file for windows, from its parse (a review's, whose rules
 * have run on it: they read trees, never change them); null when no window of
 * it can be trusted (an mdformat region marker, a definition nested in a
 * container over more than one line). It keeps the blocks' places, not the
 * tree: a small part of the tree's memory.
 */
export function layoutOfDoc(doc: Doc): FileLayout | null {
  const { path, text, lines } = doc;
  if (REGION_MARKER.test(text)) return null;
  const definitions = definitionLines(doc);
  if (!definitions) return null;
  const blocks = (doc.tree.children as Nodes[]).map(blockOf);
  return { path, text, lines, blocks, definitions, firstLine: frontMatterEnd(text, lines) + 1 };
}

/** The layout of a file for windows, from one parse of it (see layoutOfDoc). */
export function fileLayout(path: string, text: string): FileLayout | null {
  if (REGION_MARKER.test(text)) return null;
  return layoutOfDoc(parseDoc(path, text));
}

/** The top-level blocks that meet lines start..end (binary search: blocks are in order). */
function blocksMeeting(layout: FileLayout, start: number, end: number): Block[] {
  const { blocks } = layout;
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((blocks[mid].position?.end.line ?? 0) < start) lo = mid + 1;
    else hi = mid;
  }
  const out: Block[] = [];
  for (let i = lo; i < blocks.length && (blocks[i].position?.start.line ?? Infinity) <= end; i++)
    out.push(blocks[i]);
  return out;
}

/** Where the blocks are, as text: type and start/end of every block node (not inside leaf blocks), lines shifted by `shift`. */
function shapeOf(nodes: readonly Block[], shift: number): string {
  const parts: string[] = [];
  const walk = (n: Block) => {
    const p = n.position;
    if (!p) return;
    parts.push(
      `${n.type}:${p.start.line - shift}.${p.start.column}-${p.end.line - shift}.${p.end.column}`,
    );
    if (LEAF_BLOCKS.has(n.type) || !n.children) return;
    for (const c of n.children) walk(c);
  };
  for (const n of nodes) walk(n);
  return parts.join(" ");
}

export interface FileWindow {
  /** The file's lines start..end are the window's first lines. */
  start: number;
  end: number;
  /** The window's text: lines start..end, a newline, then `suffix`. */
  text: string;
  /** What follows the file's lines in the window (a blank line and the definitions), or "". */
  suffix: string;
}

/** The lines of the window for lines start..end: whole top-level blocks, covering start..end. */
function windowLines(layout: FileLayout, start: number, end: number): Lines | null {
  const meeting = blocksMeeting(layout, start, end);
  const from = Math.min(start, meeting[0]?.position?.start.line ?? start);
  const to = Math.max(end, meeting[meeting.length - 1]?.position?.end.line ?? end);
  if (from < layout.firstLine) return null;
  return { start: from, end: to };
}

/**
 * The window over lines start..end of the file, or null when its parse would
 * not be the file's there (front matter, a block that runs on into the
 * appended definitions...). Costs one parse of the window.
 */
export function windowOf(layout: FileLayout, start: number, end: number): FileWindow | null {
  const at = windowLines(layout, start, end);
  if (!at) return null;
  const { lines } = layout;
  const own = lines.slice(at.start - 1, at.end);
  if (/^(?:---|\+\+\+)/.test(own[0] ?? "")) return null;
  const suffix = layout.definitions.length > 0 ? `\n${layout.definitions.join("\n")}\n` : "";
  const text = `${own.join("\n")}\n${suffix}`;
  const win = parseDoc(layout.path, text);
  const inside = (win.tree.children as Block[]).filter(
    (n) => (n.position?.start.line ?? Infinity) <= own.length,
  );
  const after = (win.tree.children as Block[]).slice(inside.length);
  if (after.some((n) => n.type !== "definition")) return null;
  const expected = layout.blocks.filter((b) => {
    const p = b.position;
    return p !== undefined && p.start.line >= at.start && p.end.line <= at.end;
  });
  if (shapeOf(inside, 0) !== shapeOf(expected, at.start - 1)) return null;
  return { start: at.start, end: at.end, text, suffix };
}
