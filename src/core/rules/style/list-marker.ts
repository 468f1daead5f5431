import type { List, ListItem, Nodes } from "mdast";
import { longLines } from "./line-length.js";
import type { Rule } from "../types.js";
import { parseBlocks, type Doc } from "../../markdown/parse.js";
import { inFrontMatter, walk } from "./util.js";
import { repadRanges } from "../../fix/list-marker.js";

const ID = "list-marker";

/** The columns from a marker's start to its item's text, in house style: `*   `, `1.  `, `10. `. */
export const CONTENT_OFFSET = 4;

interface Item {
  node: ListItem;
  parent: Item | null;
  first: number;
  last: number;
  /** 1-based column of the marker. */
  col: number;
  marker: string;
  pad: number;
  expected: number;
  /** Spaces to add after the marker (negative: to remove), and to every continuation line. */
  delta: number;
  /** 1-based column where the item's text starts. */
  contentCol: number;
  reported: boolean;
  /** The suggestion can be computed mechanically. */
  fixable: boolean;
  /** The list the item belongs to. */
  list?: List;
}

/** At most this many items make a small list. */
const SMALL_LIST_ITEMS = 10;

/**
 * A tight list of one-line items with nothing nested: Google's guide lets it
 * use one space after the marker. An item over the line limit (`long`) is not
 * one line: wrapping it, as line-length asks, gives it a continuation line.
 */
function isSmallFlatList(list: List, long: Set<number>): boolean {
  if (list.spread || list.children.length > SMALL_LIST_ITEMS) return false;
  return list.children.every(
    (li) =>
      !li.spread &&
      li.position !== undefined &&
      li.position.start.line === li.position.end.line &&
      !long.has(li.position.start.line) &&
      li.children.every((c) => c.type === "paragraph"),
  );
}

const leadingWs = (s: string) => /^[ \t]*/.exec(s)![0];
const isBlank = (s: string) => s.trim() === "";

function collect(doc: Doc): Item[] {
  const items: Item[] = [];
  const byNode = new Map<ListItem, Item>();
  walk(doc.tree, (node: Nodes, ancestors) => {
    if (node.type !== "listItem" || !node.position || inFrontMatter(doc, node)) return;
    const p = node.position;
    const full = doc.lines[p.start.line - 1] ?? "";
    const from = p.start.column - 1;
    const m = /^([*+-]|\d{1,9}[.)])/.exec(full.slice(from));
    let parent: Item | null = null;
    for (let i = ancestors.length - 1; i >= 0 && !parent; i--) {
      const a = ancestors[i];
      if (a.type === "listItem") parent = byNode.get(a) ?? null;
    }
    if (!m) return;
    const marker = m[1];
    const padText = leadingWs(full.slice(from + marker.length));
    // An item whose text starts on a later line has no padding to check.
    if (from + marker.length + padText.length >= full.length) return;
    const pad = padText.length;
    const expected = Math.max(1, CONTENT_OFFSET - marker.length);
    const inQuote = ancestors.some((a) => a.type === "blockquote");
    const markerAtLineStart = /^ *$/.test(full.slice(0, from));
    const item: Item = {
      node,
      parent,
      first: p.start.line,
      last: p.end.line,
      col: p.start.column,
      marker,
      pad,
      expected,
      delta: expected - pad,
      contentCol: p.start.column + marker.length + pad,
      reported: pad !== expected,
      fixable: false,
      list:
        ancestors[ancestors.length - 1]?.type === "list"
          ? (ancestors[ancestors.length - 1] as List)
          : undefined,
    };
    // Mechanical only with spaces (no tabs), no quote markers in the way, and text that is not indented code (5+ spaces).
    item.fixable =
      item.reported &&
      !inQuote &&
      markerAtLineStart &&
      !padText.includes("\t") &&
      pad <= CONTENT_OFFSET &&
      doc.lines
        .slice(item.first - 1, item.last)
        .every((l) => isBlank(l) || !leadingWs(l).includes("\t"));
    items.push(item);
    byNode.set(node, item);
  });
  return items;
}

/** The items on `root`'s lines, `root` among them, in document order. */
function itemsWithin(root: Item, all: readonly Item[]): Item[] {
  return all.filter((j) => root.first <= j.first && j.last <= root.last);
}

/** The innermost of `inside` that holds `line` below its marker's line. */
function innermostAt(inside: readonly Item[], line: number): Item | undefined {
  let innermost: Item | undefined;
  for (const j of inside) if (j.first < line && line <= j.last) innermost = j;
  return innermost;
}

/** The nearest ancestor whose fix also rewrites this item's lines. */
function coveringRoot(item: Item): Item | null {
  let root: Item | null = null;
  for (let a = item.parent; a; a = a.parent) if (a.fixable) root = a;
  return root;
}

/**
 * The lines of `root`, with its marker padded and every fixed item inside it
 * shifted to match. Lazy continuation lines (a wrapped line written at the
 * margin) move to the text column of their item.
 */
function rewrite(doc: Doc, root: Item, fixed: Item[], all: Item[]): string | null {
  const out: string[] = [];
  const inside = itemsWithin(root, all);
  for (let line = root.first; line <= root.last; line++) {
    const text = doc.lines[line - 1] ?? "";
    const ws = leadingWs(text).length;
    // Empty lines stay empty; a line of spaces inside the item (in a code block, say) moves like the others.
    if (text === "" || (isBlank(text) && ws < root.contentCol - 1)) {
      out.push(text);
      continue;
    }
    let shift = 0;
    let markerOf: Item | undefined;
    for (const j of fixed) {
      if (j.first === line) markerOf = j;
      else if (j.first < line && line <= j.last && ws >= j.contentCol - 1) shift += j.delta;
    }
    if (ws + shift < 0) return null;
    if (isBlank(text)) {
      out.push(" ".repeat(ws + shift));
      continue;
    }
    if (!markerOf) {
      const innermost = innermostAt(inside, line);
      if (innermost && ws < innermost.contentCol - 1) {
        let col = innermost.contentCol - 1;
        for (const j of fixed)
          if (j.first <= innermost.first && innermost.last <= j.last) col += j.delta;
        out.push(" ".repeat(col) + text.slice(ws));
        continue;
      }
    }
    let rest = text.slice(ws);
    if (markerOf) {
      if (markerOf.col - 1 !== ws) return null;
      rest =
        markerOf.marker +
        " ".repeat(markerOf.expected) +
        rest.slice(markerOf.marker.length + markerOf.pad);
    }
    out.push(" ".repeat(ws + shift) + rest);
  }
  return out.join("\n");
}

/** The tree without positions. */
function shape(node: unknown): string {
  return JSON.stringify(node, (key, value) => (key === "position" ? undefined : value));
}

function applied(doc: Doc, edits: [Item, string][]): string[] {
  const lines = [...doc.lines];
  for (const [item, text] of [...edits].sort((a, b) => b[0].first - a[0].first)) {
    lines.splice(item.first - 1, item.last - item.first + 1, ...text.split("\n"));
  }
  return lines;
}

/**
 * Keeps only suggestions that leave the document as it was, bar the
 * indentation: re-parses with those of items not in `shiftsAll` applied (all
 * at once, then one by one when that differs). Lazy continuation lines are
 * what can change meaning.
 * Only the top-level block holding the edits (and the first line of the
 * block after it) is re-parsed, so the cost stays linear in the size of the doc.
 */
function dropUnsafe(
  doc: Doc,
  suggestions: Map<Item, string | null>,
  shiftsAll: ReadonlySet<Item>,
): void {
  // An item that gets more spaces after its marker, as does every item its fix pads, and whose
  // other lines each move right with the text of the innermost item holding them (shiftsAll):
  // every line keeps its place relative to its item's text, a line after an item that was not
  // in it cannot join it (the item's text now starts further right), and the text keeps its
  // meaning (a pad never reaches the 5 spaces that would start code). One-line items are such
  // items. The others (lazy lines, spaces taken away) are re-parsed.
  const edits = [...suggestions].filter(
    (e): e is [Item, string] => e[1] !== null && !shiftsAll.has(e[0]),
  );
  if (edits.length === 0) return;
  const blocks = doc.tree.children;
  const groups = new Map<number, [Item, string][]>();
  for (const e of edits) {
    // The last block that holds the item's lines: two blocks may share a line (a list item's
    // unclosed fence ends on the line where the next list starts), and the item is in the later.
    let idx = -1;
    blocks.forEach((b, i) => {
      if (b.position && b.position.start.line <= e[0].first && e[0].last <= b.position.end.line)
        idx = i;
    });
    const list = groups.get(idx) ?? [];
    list.push(e);
    groups.set(idx, list);
  }
  for (const [idx, es] of groups) {
    // Lines from..to (1-based, inclusive): the block and the first line of the one after it, or
    // the whole doc. An edit changes the next block only by taking its first line into the list
    // (a lazy line); when it does not, the list is closed there and the rest parses as before.
    const from = idx >= 0 ? blocks[idx].position!.start.line : 1;
    const next = idx >= 0 ? blocks[idx + 1] : undefined;
    const to =
      idx < 0 ? doc.lines.length : (next?.position?.start.line ?? blocks[idx].position!.end.line);
    const region = (lines: string[]) => lines.slice(from - 1, to).join("\n");
    // Block trees compare: indentation only moves blocks (lazy lines, nesting, code), never inline syntax.
    const before = shape(parseBlocks(region(doc.lines)));
    const same = (sub: [Item, string][]) =>
      shape(parseBlocks(region(applied(doc, sub)))) === before;
    if (same(es)) continue;
    for (const e of es) if (!same([e])) suggestions.set(e[0], null);
  }
}

/**
 * Whether a line of `root` does not simply move right with the text of the
 * innermost item holding it: one written left of that text (a lazy
 * continuation line, which the fix moves to the text), one blank only to
 * `trim` (an em space is text to CommonMark, and the fix keeps only the
 * line's spaces), one with a tab, or one with two markers.
 */
function movesUnevenly(doc: Doc, root: Item, all: readonly Item[]): boolean {
  const inside = itemsWithin(root, all);
  // Two markers on one line (`* - item`): the fix pads one of them.
  if (new Set(inside.map((j) => j.first)).size < inside.length) return true;
  for (let line = root.first; line <= root.last; line++) {
    const text = doc.lines[line - 1] ?? "";
    // A tab's width depends on its column, and a moved line changes it (`* \t- item`).
    if (text.includes("\t")) return true;
    if (line === root.first || /^ *$/.test(text)) continue;
    if (isBlank(text)) return true;
    const innermost = innermostAt(inside, line) ?? root;
    if (leadingWs(text).length < innermost.contentCol - 1) return true;
  }
  return false;
}

function example(marker: string, expected: number): string {
  return `\`${marker}${" ".repeat(expected)}item\``;
}

/** List markers padded to 4 columns (`*   item`, `1.  item`), the house style of gVisor's docs. */
export const listMarker: Rule = {
  id: ID,
  scope: { on: "doc" },
  suggestion: {
    reindentsBlocks: true,
    recompute: {
      stage: "blocks",
      apply: (text, path, ranges) => repadRanges(text, path, ranges),
    },
  },
  severity: "notice",
  alsoKnownAs: { markdownlint: ["MD030", "list-marker-space"], remarkLint: ["list-item-indent"] },
  docs: {
    summary:
      "A list item whose text does not start 4 columns after its marker (`*   item`, `1.  item`).",
    description:
      "Google's Markdown style indents list content by 4 spaces, for bulleted " +
      "and numbered lists alike: `*` and `-` are followed by 3 spaces, `1.` by " +
      "2, `10.` by 1. Wrapped lines and nested lists then sit at a multiple of " +
      "4, which keeps nesting unambiguous. The guide lets a small list of " +
      "one-line items with nothing nested use 1 space; gVisor's house style (the " +
      "gvisor preset) pads those too. The suggestion re-indents the item's " +
      "wrapped lines (lazy ones included), nested lists and code blocks by the " +
      "same amount, and is left out when it would push a line past the limit.",
  },
  examples: [
    {
      doc: "# Title\n\n* Item with\n  a second line.\n\n1. First step.\n",
      findings: [
        {
          line: 3,
          column: 1,
          endLine: 4,
          message:
            "Pad the list marker to 4 columns, `*   item` (3 spaces after `*`, not 1 " +
            "space): Google's Markdown style indents list text by 4 so wrapped lines " +
            "and nested lists line up.",
          suggestion: "*   Item with\n    a second line.",
        },
      ],
    },
    {
      config: { preset: "gvisor" },
      doc: "# Title\n\n* Item with\n  a second line.\n\n1. First step.\n",
      findings: [
        {
          line: 3,
          column: 1,
          endLine: 4,
          message:
            "Pad the list marker to 4 columns, `*   item` (3 spaces after `*`, not 1 " +
            "space): gVisor's docs indent list text by 4 so wrapped lines and nested " +
            "lists line up.",
          suggestion: "*   Item with\n    a second line.",
        },
        {
          line: 6,
          column: 1,
          message:
            "Pad the list marker to 4 columns, `1.  item` (2 spaces after `1.`, not " +
            "1 space): gVisor's docs indent list text by 4 so wrapped lines and " +
            "nested lists line up.",
          suggestion: "1.  First step.",
        },
      ],
    },
    {
      config: { preset: "gvisor" },
      doc: "# Title\n\n*   Item with\n    a second line.\n\n1.  First step.\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const house = ctx.config.preset === "gvisor";
    const items = collect(doc);
    // Google's guide: a small list whose items are one line each, with no nesting, may use one space.
    let long: Set<number> | undefined;
    if (!house)
      for (const item of items) {
        if (item.pad !== 1 || !item.list) continue;
        long ??= new Set(longLines(doc, ctx.config.lineLength));
        if (isSmallFlatList(item.list, long)) {
          item.reported = false;
          item.fixable = false;
        }
      }
    const suggestions = new Map<Item, string | null>();
    const shiftsAll = new Set<Item>();
    for (const item of items) {
      if (!item.fixable || coveringRoot(item)) continue;
      const fixed = items.filter((j) => j.fixable && (j === item || coveringRoot(j) === item));
      if (fixed.every((j) => j.delta > 0) && !movesUnevenly(doc, item, items)) shiftsAll.add(item);
      const text = rewrite(doc, item, fixed, items);
      // A suggestion that pushes a line within the limit past it trades one finding for another
      // (a line already too long is line-length's, whose rewrap merges with this one).
      const limit = ctx.config.lineLength;
      const width = (l: string) => Array.from(l).length;
      const longer =
        text !== null &&
        text
          .split("\n")
          .some((l, i) => width(l) > limit && width(doc.lines[item.first - 1 + i] ?? "") <= limit);
      suggestions.set(item, longer ? null : text);
    }
    dropUnsafe(doc, suggestions, shiftsAll);
    for (const item of items) {
      if (!item.reported) continue;
      const spaces = (n: number) => `${n} space${n === 1 ? "" : "s"}`;
      let message =
        `Pad the list marker to 4 columns, ${example(item.marker, item.expected)} ` +
        `(${spaces(item.expected)} after \`${item.marker}\`, not ` +
        `${spaces(item.pad)}): ${house ? "gVisor's docs indent" : "Google's Markdown style indents"} list text by 4 so wrapped ` +
        `lines and nested lists line up.`;
      const root = item.fixable ? coveringRoot(item) : null;
      if (root && suggestions.get(root))
        message += ` The suggestion on line ${root.first} fixes this item too.`;
      report(message, {
        line: item.first,
        endLine: item.last,
        column: item.col,
        suggestion: suggestions.get(item) ?? null,
      });
    }
  },
};
