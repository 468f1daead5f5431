/**
 * The one remark setup of the product: remark-parse + remark-gfm, plus the
 * g3doc syntax that plain CommonMark does not know:
 * - `## Heading {#id}` sets the anchor `id` (kramdown/g3doc), and the `{#id}`
 *   is taken out of the heading's text;
 * - `[TOC]` alone on a line is a directive: it stays a text node, and the
 *   reference rules are told to allow it.
 */
import { unified, type Processor } from "unified";
import remarkParse from "remark-parse";
import remarkGfm from "remark-gfm";
import { VFile } from "vfile";
import type { Heading, Root, Text } from "mdast";
import { visit, SKIP } from "unist-util-visit";

export interface Doc {
  /** Repository-relative path at head. */
  path: string;
  /** The text as read (line endings kept, so offsets match the source). */
  text: string;
  /** The lines, without their line endings. */
  lines: string[];
  tree: Root;
  /** The vfile that rules report their messages to. */
  file: VFile;
  /** Per-doc memo for derived data (references, anchors), so rules share one computation. */
  memo: Map<string, unknown>;
}

/** Computes derived data of a doc once and shares it between rules. */
export function memo<T>(doc: Doc, key: string, compute: (doc: Doc) => T): T {
  if (doc.memo.has(key)) return doc.memo.get(key) as T;
  const value = compute(doc);
  doc.memo.set(key, value);
  return value;
}

let processor: Processor<Root> | undefined;

function getProcessor(): Processor<Root> {
  if (!processor) processor = unified().use(remarkParse).use(remarkGfm).freeze() as unknown as Processor<Root>;
  return processor;
}

const HEADING_ID = /[ \t]*\{#([^\s{}]+)\}[ \t]*$/;

/** Takes `{#id}` off the end of a heading and stores it as the heading's id. */
function applyHeadingIds(tree: Root): void {
  visit(tree, "heading", (node: Heading) => {
    const last = node.children[node.children.length - 1];
    if (last && last.type === "text") {
      const m = HEADING_ID.exec(last.value);
      if (m) {
        last.value = last.value.slice(0, m.index);
        const data = (node.data ??= {}) as { id?: string; hProperties?: Record<string, unknown> };
        data.id = m[1];
        data.hProperties = { ...(data.hProperties ?? {}), id: m[1] };
        if (last.value === "") node.children.pop();
      }
    }
    return SKIP;
  });
}

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function parseDoc(path: string, text: string): Doc {
  const file = new VFile({ path, value: text });
  const tree = getProcessor().parse(file) as Root;
  applyHeadingIds(tree);
  return { path, text, lines: splitLines(text), tree, file, memo: new Map() };
}

/** Parse only (no g3doc post-processing): the yardstick the benchmark compares the engine with. */
export function parseOnly(text: string): Root {
  return getProcessor().parse(text) as Root;
}

/** The id a heading carries through `{#id}`, if any. */
export function headingId(node: Heading): string | undefined {
  return (node.data as { id?: string } | undefined)?.id;
}

export function isTocDirective(node: Text, lineText: string): boolean {
  return node.value === "[TOC]" && lineText.trim() === "[TOC]";
}
