/**
 * Whether two Markdown texts say the same thing: their syntax trees are equal
 * once positions are dropped and whitespace inside text is normalised (a soft
 * line break and a space are the same to a reader). A fix must keep this.
 */
import type { Nodes } from "mdast";
import { parseDoc } from "../markdown/parse.js";

const WHITESPACE_VALUES = new Set(["text", "inlineCode", "html"]);

type Plain = { [key: string]: unknown };

function normalise(node: Nodes): Plain {
  const out: Plain = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "position" || k === "children" || k === "data") continue;
    if (k === "value" && typeof v === "string" && WHITESPACE_VALUES.has(node.type))
      out[k] = v.replace(/\s+/g, " ");
    // An image's alt text and a link's title are read as text, and a reference's label is
    // matched with its whitespace collapsed: a line break in them is a space.
    else if ((k === "alt" || k === "label" || k === "title") && typeof v === "string")
      out[k] = v.replace(/\s+/g, " ");
    else if (k === "spread")
      continue; // loose/tight lists are decided by blank lines, which fixes do not move
    else out[k] = v;
  }
  const data = (node.data ?? {}) as { id?: string };
  if (data.id) out.id = data.id;
  if ("children" in node) {
    const kids: Plain[] = [];
    for (const c of node.children as Nodes[]) {
      const n = normalise(c);
      const prev = kids[kids.length - 1];
      // Adjacent text nodes read as one.
      if (prev && prev.type === "text" && n.type === "text")
        prev.value = `${prev.value}${n.value}`.replace(/\s+/g, " ");
      else kids.push(n);
    }
    // Spaces next to a hard line break show nowhere (`kept.  \` and `kept.\` read the same).
    kids.forEach((k, i) => {
      if (k.type !== "text" || typeof k.value !== "string") return;
      if (kids[i + 1]?.type === "break") k.value = k.value.trimEnd();
      if (kids[i - 1]?.type === "break") k.value = (k.value as string).trimStart();
    });
    // Text that was only those spaces (`[link](url) \` and `[link](url)\`) is no text.
    out.children = kids.filter((k) => k.type !== "text" || k.value !== "");
  }
  return out;
}

/** A node of a syntax tree, without positions and with text whitespace normalised. */
export function normalizedNode(node: Nodes): { [key: string]: unknown } {
  return normalise(node);
}

/** The syntax tree of a text, without positions and with text whitespace normalised. */
export function normalizedTree(text: string): Plain {
  return normalise(parseDoc("doc.md", text).tree);
}

function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b)) return path;
  if (a === null || typeof a !== "object") return a === b ? null : path;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    for (let i = 0; i < Math.max(a.length, bb.length); i++) {
      const d = firstDifference(a[i], bb[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  const ao = a as Plain;
  const bo = b as Plain;
  for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
    const d = firstDifference(ao[k], bo[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

/** Where two texts first differ in meaning (a path into the tree), or null when they say the same thing. */
export function meaningDifference(a: string, b: string): string | null {
  return firstDifference(normalizedTree(a), normalizedTree(b), "root");
}
