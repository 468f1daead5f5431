/**
 * What a doc points at: images, links, reference definitions and HTML
 * `<img src>` / `<a href>`, each with the position to report on.
 */
import type { Definition, Root } from "mdast";
import { eachNode, eachNodeOf } from "./nodes.js";
import { normalizeIdentifier } from "micromark-util-normalize-identifier";
import { memo, type Doc } from "./parse.js";
import { lineAt, lineStartsOf } from "../text.js";

export type RefKind = "image" | "link";

export interface Reference {
  kind: RefKind;
  /** The destination as written (may be percent-encoded, may carry `#fragment`). */
  url: string;
  line: number;
  column: number;
  endLine: number;
  /** Where the destination came from: inline, a reference definition, or HTML. */
  via: "inline" | "definition" | "html";
  /** For `via: definition`, the label. */
  label?: string;
}

function definitionMap(tree: Root): Map<string, Definition> {
  const defs = new Map<string, Definition>();
  eachNode(tree, "definition", (node) => {
    const id = normalizeIdentifier(node.identifier);
    if (!defs.has(id)) defs.set(id, node);
  });
  return defs;
}

const HTML_ATTR = /<(img|a)\b[^>]*?\s(src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;

export function collectReferences(tree: Root): Reference[] {
  const out: Reference[] = [];
  const defs = definitionMap(tree);
  const usedDefs = new Map<Definition, RefKind>();
  eachNodeOf(tree, ["image", "link", "imageReference", "linkReference", "html"], (node) => {
    const pos = node.position;
    if (!pos) return;
    if (node.type === "image" || node.type === "link") {
      out.push({
        kind: node.type,
        url: node.url,
        line: pos.start.line,
        column: pos.start.column,
        endLine: pos.end.line,
        via: "inline",
      });
    } else if (node.type === "imageReference" || node.type === "linkReference") {
      const def = defs.get(normalizeIdentifier(node.identifier));
      if (def) {
        const kind: RefKind = node.type === "imageReference" ? "image" : "link";
        // An image use wins: the definition then names an asset.
        if (usedDefs.get(def) !== "image") usedDefs.set(def, kind);
      }
    } else if (node.type === "html") {
      const lineStarts = lineStartsOf(node.value);
      for (const m of node.value.matchAll(HTML_ATTR)) {
        const url = m[3] ?? m[4] ?? m[5] ?? "";
        const offset = m.index ?? 0;
        const l = lineAt(lineStarts, offset) - 1;
        const line = pos.start.line + l;
        const column = l === 0 ? pos.start.column + offset : offset - lineStarts[l] + 1;
        out.push({
          kind: m[1].toLowerCase() === "img" ? "image" : "link",
          url,
          line,
          column,
          endLine: line,
          via: "html",
        });
      }
    }
  });
  for (const [def, kind] of usedDefs) {
    const pos = def.position;
    if (!pos) continue;
    out.push({
      kind,
      url: def.url,
      line: pos.start.line,
      column: pos.start.column,
      endLine: pos.end.line,
      via: "definition",
      label: def.label ?? def.identifier,
    });
  }
  out.sort((a, b) => a.line - b.line || a.column - b.column);
  return out;
}

/** The references of a doc, computed once per doc. */
export function referencesOf(doc: Doc): Reference[] {
  return memo(doc, "references", (d) => collectReferences(d.tree));
}

/** The reference definitions of a doc by normalized label (the first wins, as in CommonMark), computed once per doc. */
export function definitionsOf(doc: Doc): Map<string, Definition> {
  return memo(doc, "definitions", (d) => definitionMap(d.tree));
}
