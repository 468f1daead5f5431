/** Small helpers the style rules share: which lines are code, source slices, fenced or not. */
import type { Code, Nodes, Root } from "mdast";
import { nodesOf } from "../../markdown/nodes.js";
import { frontMatterEndLine, memo, type Doc } from "../../markdown/parse.js";
import { lineAt } from "../../text.js";

/** Line numbers (1-based) covered by code blocks, fences included. */
export function codeLines(doc: Doc): ReadonlySet<number> {
  return memo(doc, "style:codeLines", (d) => {
    const lines = new Set<number>();
    for (const { node } of nodesOf(d.tree, "code")) {
      const p = node.position;
      if (!p) continue;
      for (let l = p.start.line; l <= p.end.line; l++) lines.add(l);
    }
    return lines;
  });
}

/** The source text of a node. */
export function sourceOf(doc: Doc, node: Nodes): string {
  const p = node.position;
  if (!p || p.start.offset === undefined || p.end.offset === undefined) return "";
  return doc.text.slice(p.start.offset, p.end.offset);
}

/** Whether a code node is fenced (``` or ~~~) rather than indented. */
export function isFenced(doc: Doc, node: Code): boolean {
  return /^(`{3,}|~{3,})/.test(sourceOf(doc, node));
}

/** Offset of the start of each line in `text` (line 1 at index 0). */
export function lineStarts(doc: Doc): number[] {
  return memo(doc, "style:lineStarts", (d) => {
    const starts = [0];
    const t = d.text;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (t.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    return starts;
  });
}

/** 1-based line and column of an offset. */
export function pointAt(doc: Doc, offset: number): { line: number; column: number } {
  const starts = lineStarts(doc);
  const line = lineAt(starts, offset);
  return { line, column: offset - starts[line - 1] + 1 };
}

/** The nodes of the tree with their ancestors, in document order. */
export function walk(
  tree: Root,
  fn: (node: Nodes, ancestors: readonly Nodes[]) => void | "skip",
): void {
  const stack: Nodes[] = [];
  const go = (node: Nodes) => {
    if (fn(node, stack) === "skip") return;
    if ("children" in node) {
      stack.push(node);
      for (const child of node.children as Nodes[]) go(child);
      stack.pop();
    }
  };
  go(tree);
}

/** The last line of the front matter (YAML or TOML), or 0 when the doc has none. */
export function frontMatterEnd(doc: Doc): number {
  return frontMatterEndLine(doc);
}

/** Whether a node starts inside the front matter. */
export function inFrontMatter(doc: Doc, node: Nodes): boolean {
  const end = frontMatterEnd(doc);
  return end > 0 && (node.position?.start.line ?? Infinity) <= end;
}
