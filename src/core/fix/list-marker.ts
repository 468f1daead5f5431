/**
 * List markers the house way: the marker and the spaces after it take four
 * columns (`*   `, `-   `, `1.  `; a longer marker gets one space, `10. `),
 * and the item's other lines (continuation lines, nested lists, code blocks
 * inside the item) move with the text so the item keeps its content.
 */
import type { List, ListItem, Nodes } from "mdast";
import { memo, parseDoc, type Doc } from "../markdown/parse.js";
import { protectedRanges, mdformatOffRanges, overlapsProtected } from "./regions.js";

export interface PadListItemOptions {
  /**
   * Offset of the marker in `lines[0]` (what comes before it is the prefix
   * of the containers around the item: indentation, `> `). Derived from the
   * line when absent: the first list marker after indentation and `>`s.
   */
  markerOffset?: number;
  /** Columns the marker and its spaces should take (default 4). */
  width?: number;
}

const MARKER = /^([-*+]|\d{1,9}[.)])([ ]*)/;

/** Where the marker of an item starts on its first line, from the line alone. */
export function derivedMarkerOffset(line: string): number {
  return /^(?:[ ]*>[ ]?)*[ ]*/.exec(line)![0].length;
}

/** The number of columns a marker should take with its spaces. */
export function paddedWidth(marker: string, width = 4): number {
  return Math.max(width, marker.length + 1);
}

/**
 * Pads the marker of one list item and re-indents the item's other lines.
 *
 * `lines` are the item's lines, from its marker line to its last line (nested
 * lists included). Lines indented as the item's content move by the change in
 * marker width; lazy continuation lines (less indented) are indented to the
 * item's new content column; blank lines stay as they are. Items whose
 * first line is empty, or whose text starts five or more spaces after the
 * marker (an indented code block), are returned unchanged, as are items
 * already padded.
 */
export function padListItem(lines: readonly string[], opts: PadListItemOptions = {}): string[] {
  if (lines.length === 0) return [];
  const first = lines[0];
  const at = opts.markerOffset ?? derivedMarkerOffset(first);
  const m = MARKER.exec(first.slice(at));
  if (!m) return [...lines];
  const [whole, marker, spaces] = m;
  const rest = first.slice(at + whole.length);
  if (rest === "" || spaces.length === 0 || spaces.length > 4 || /^\t/.test(rest))
    return [...lines];
  const oldWidth = marker.length + spaces.length;
  const newWidth = paddedWidth(marker, opts.width);
  if (oldWidth === newWidth) return [...lines];
  const delta = newWidth - oldWidth;

  const containerPrefix = first.slice(0, at);
  if (/\t/.test(containerPrefix)) return [...lines];
  const quotes = (containerPrefix.match(/>/g) ?? []).length;
  // Columns of the container's indentation once its `>` markers are taken off.
  const baseIndent = containerPrefix.replace(/^(?:[ ]*>[ ]?)*/, "").length;
  const quotePrefix = containerPrefix.slice(0, containerPrefix.length - baseIndent);

  const out = [containerPrefix + marker + " ".repeat(newWidth - marker.length) + rest];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    // Take off as many `>` markers as the item sits in (fewer on a lazy line).
    let pos = 0;
    for (let q = 0; q < quotes; q++) {
      const qm = /^[ ]{0,3}>[ ]?/.exec(line.slice(pos));
      if (!qm) break;
      pos += qm[0].length;
    }
    const body = line.slice(pos);
    if (body.trim() === "") {
      out.push(line);
      continue;
    }
    const lead = /^[ ]*/.exec(body)![0].length;
    if (/^[ ]*\t/.test(body)) {
      out.push(line);
      continue;
    }
    const prefix = pos > 0 ? line.slice(0, pos) : quotePrefix;
    const content = baseIndent + oldWidth;
    const indent = lead >= content ? lead + delta : baseIndent + newWidth;
    out.push(prefix + " ".repeat(indent) + body.slice(lead));
  }
  return out;
}

export interface ListItemLayout {
  /** First and last line, 1-based. */
  start: number;
  end: number;
  /** Offset of the marker in the first line. */
  markerOffset: number;
}

function computeItems(doc: Doc): ListItemLayout[] {
  const out: ListItemLayout[] = [];
  const off = mdformatOffRanges(doc.lines);
  const walk = (node: Nodes) => {
    if (node.type === "list") {
      for (const item of (node as List).children as ListItem[]) {
        const p = item.position;
        if (p && !overlapsProtected(off, p.start.line, p.end.line))
          out.push({ start: p.start.line, end: p.end.line, markerOffset: p.start.column - 1 });
      }
    }
    if (node.type === "code" || node.type === "table" || node.type === "html") return;
    if ("children" in node) for (const c of node.children as Nodes[]) walk(c);
  };
  walk(doc.tree);
  return out;
}

/** Every list item of a doc outside `<!-- mdformat off -->` regions (computed once per doc). */
export function listItemsOf(doc: Doc): ListItemLayout[] {
  return memo(doc, "fix:list-items", computeItems);
}

/** The padded lines of an item, or null when nothing would change. */
export function padOf(doc: Doc, item: ListItemLayout, width = 4): string[] | null {
  const lines = doc.lines.slice(item.start - 1, item.end);
  const out = padListItem(lines, { markerOffset: item.markerOffset, width });
  return out.every((l, i) => l === lines[i]) ? null : out;
}

/** Whether an item's marker line itself is protected (then the item is left alone). */
export function itemProtected(doc: Doc, item: ListItemLayout): boolean {
  return overlapsProtected(protectedRanges(doc), item.start, item.start);
}

/** Where the items are, as text: padding keeps every line where it is, so it keeps this unless it changed what is an item. */
const itemRanges = (doc: Doc) =>
  listItemsOf(doc)
    .map((it) => `${it.start}-${it.end}`)
    .join(" ");

/**
 * Pads, again, the list items of `text` that start in any of `ranges`, one
 * item per parse in the order of their first lines (outermost first), as if
 * each were padded on the text the ones before it left.
 *
 * Faster where it may: each parse pads the outermost items that still need it
 * (they do not overlap, and padding keeps every line where it is), and the
 * items inside them on the next parse, from where their container moved
 * them. So a long list costs one parse per level of nesting, not one per
 * item. Where that changed what is an item (a fence an item opens, say) the
 * round is redone padding its first item only.
 */
export function repadRanges(
  text: string,
  path: string,
  ranges: readonly { start: number; end: number }[],
): string {
  let cur = text;
  let doc = parseDoc(path, cur);
  let one = false;
  const inRange = (line: number) => ranges.some((r) => line >= r.start && line <= r.end);
  for (let guard = 0; guard < 1000; guard++) {
    const items = listItemsOf(doc)
      .filter((it) => inRange(it.start) && !itemProtected(doc, it))
      .sort((a, b) => a.start - b.start || a.markerOffset - b.markerOffset);
    const lines = cur.split("\n");
    let reached = 0;
    let padded = 0;
    for (const item of items) {
      if (item.start <= reached) continue;
      const pad = padOf(doc, item);
      if (!pad) continue;
      lines.splice(item.start - 1, pad.length, ...pad);
      reached = item.end;
      if (++padded === 1 && one) break;
    }
    if (padded === 0) break;
    const next = lines.join("\n");
    const nextDoc = parseDoc(path, next);
    // Redone one item at a time when padding several at once changed what is an item.
    one = padded > 1 && itemRanges(nextDoc) !== itemRanges(doc);
    if (one) continue;
    cur = next;
    doc = nextDoc;
  }
  return cur;
}
