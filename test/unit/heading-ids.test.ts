/**
 * `## Heading {#id}` (core/markdown/parse.ts): the id is taken off every
 * heading, wherever it sits (in lists, quotes and footnotes too), as a walk
 * of the whole tree would; the parse walks only the containers that can hold
 * a heading.
 */
import { describe, expect, test } from "@jest/globals";
import { readFileSync } from "node:fs";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkGfm from "remark-gfm";
import type { Heading, Root } from "mdast";
import { toString } from "mdast-util-to-string";
import { visit } from "unist-util-visit";
import { headingId, parseDoc } from "../../src/core/markdown/parse.js";
import { describeCorpus, g3docHeadDocs } from "../helpers/corpus.js";

/** Each heading's line, id and text after the parse. */
function headings(tree: Root): string[] {
  const out: string[] = [];
  visit(tree, "heading", (h: Heading) => {
    out.push(`${h.position?.start.line} ${headingId(h) ?? "-"} ${toString(h)}`);
  });
  return out;
}

/** The same, by a walk of every node of remark's own tree. */
function expected(text: string): string[] {
  const tree = unified().use(remarkParse).use(remarkGfm).parse(text) as Root;
  const out: string[] = [];
  visit(tree, "heading", (h: Heading) => {
    const last = h.children[h.children.length - 1];
    const m = last?.type === "text" ? /[ \t]*\{#([^\s{}]+)\}[ \t]*$/.exec(last.value) : null;
    const id = m ? m[1] : "-";
    const rest = m ? toString(h).slice(0, toString(h).length - m[0].length) : toString(h);
    out.push(`${h.position?.start.line} ${id} ${rest}`);
  });
  return out;
}

describe("heading ids", () => {
  test("in every container that can hold a heading", () => {
    const text = [
      "# Top {#top}",
      "",
      "- item",
      "",
      "  ## In a list {#in-list}",
      "",
      "> ### In a quote {#in-quote}",
      ">",
      "> 1. > #### Deeper {#deeper}",
      "",
      "Setext {#setext}",
      "------",
      "",
      "Text[^1].",
      "",
      "[^1]: note",
      "",
      "    ##### In a footnote {#in-footnote}",
      "",
      "| a {#not} |",
      "| - |",
      "",
      "## {#only-id}",
      "",
      "## Not an id {#a b}",
    ].join("\n");
    const got = headings(parseDoc("a.md", text).tree);
    expect(got).toEqual([
      "1 top Top",
      "5 in-list In a list",
      "7 in-quote In a quote",
      "9 deeper Deeper",
      "11 setext Setext",
      "18 in-footnote In a footnote",
      "23 only-id ",
      "25 - Not an id {#a b}",
    ]);
    expect(got).toEqual(expected(text));
  });
});

describeCorpus("heading ids on gVisor's g3doc", () => {
  test("every doc: the same ids and texts as a walk of every node", () => {
    const docs = g3docHeadDocs();
    expect(docs.length).toBeGreaterThanOrEqual(40);
    let ids = 0;
    for (const p of docs) {
      const text = readFileSync(p, "utf8");
      const got = headings(parseDoc(p, text).tree);
      expect(got).toEqual(expected(text));
      ids += got.filter((h) => !/^\d+ - /.test(h)).length;
    }
    expect(ids).toBeGreaterThan(20);
  });
});
