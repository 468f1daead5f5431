/**
 * The rewrap reads a paragraph's unbreakable spans and line breaks from the
 * doc's own tree (spansFromTree) instead of parsing the paragraph again: where
 * it does, they must be what the parse of the text alone (parsedParagraph)
 * gives; where they might not be, it must decline (undefined) so the caller
 * parses. Checked on chosen cases, on every paragraph of gVisor's g3doc, and on
 * random docs made of Markdown's punctuation.
 */
import { describe, test, expect } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  isPlainProse,
  paragraphText,
  parsedParagraph,
  rewrapParagraph,
  spansFromTree,
} from "../../src/core/fix/rewrap.js";
import { parseDoc } from "../../src/core/markdown/parse.js";
import {
  paragraphsOf,
  rewrapOptions,
  type ParagraphLayout,
} from "../../src/core/fix/paragraphs.js";
import { describeCorpus, G3DOC_HEAD } from "../helpers/corpus.js";
import { random, randomPieces } from "../helpers/random.js";

interface Compared {
  /** Paragraphs whose spans came from the tree (and equalled the parse's). */
  fromTree: number;
  /** Paragraphs the tree declined. */
  declined: number;
  /** Differences: [doc, line, formatterBreaks, parse, tree]. */
  differ: unknown[];
}

function compare(path: string, text: string, limit = 80, out?: Compared): Compared {
  const doc = parseDoc(path, text);
  const got: Compared = out ?? { fromTree: 0, declined: 0, differ: [] };
  for (const p of paragraphsOf(doc)) {
    const lines = doc.lines.slice(p.start - 1, p.end);
    const content = paragraphText(lines, p.contentStart);
    if (isPlainProse(content) || content.trim() === "") continue;
    for (const formatterBreaks of [false, true]) {
      const tree = spansFromTree(
        lines,
        p.contentStart,
        p.indent,
        { node: p.node!, text: doc.text },
        content,
        limit,
        formatterBreaks,
      );
      if (tree === undefined) {
        got.declined++;
        continue;
      }
      const parsed = parsedParagraph(content, limit, formatterBreaks);
      if (JSON.stringify(parsed) === JSON.stringify(tree)) got.fromTree++;
      else got.differ.push([path, p.start, formatterBreaks, parsed, tree]);
    }
  }
  return got;
}

/** "Start " and 2 to 31 of `pieces`, picked by `next`. */
function randomText(next: () => number, pieces: readonly string[]): string {
  return `Start ${randomPieces(next, pieces, 2, 30)}`;
}

/** The one paragraph of `text` that starts on `line`. */
function layoutAt(text: string, line: number): { p: ParagraphLayout; lines: string[] } {
  const doc = parseDoc("a.md", text);
  const p = paragraphsOf(doc).find((q) => q.start === line)!;
  return { p, lines: doc.lines.slice(p.start - 1, p.end) };
}

function fromTree(text: string, line: number): unknown {
  const { p, lines } = layoutAt(text, line);
  return spansFromTree(
    lines,
    p.contentStart,
    p.indent,
    { node: p.node!, text },
    paragraphText(lines, p.contentStart),
    80,
    false,
  );
}

describe("spansFromTree", () => {
  test("links, references, images, code, HTML and breaks: the spans of the parse alone", () => {
    const docs = [
      "See [a link](x) and [ref] and ![an image](y) with `code` and <b>bold</b>.\n\n[ref]: z\n",
      "- An item with *emphasis*,\n  a [full][ref] reference and a [collapsed][] one.\n\n[ref]: z\n[collapsed]: y\n",
      "Hard  \r\nbreaks\\\r\nin a [CRLF](doc) with `code`\r\n",
      '1.  A numbered item\n    with `code [x]` and <a href="[y]">tag</a> across\n    lines.\n',
      'Text with an <img alt="a\n b"> tag over lines.\n',
      "A code span `\nthat opens` at a line break.\n",
      "* [ ] A task's text with `code`\n",
      "Text with `code`\n   indented three more.\n",
    ];
    const got: Compared = { fromTree: 0, declined: 0, differ: [] };
    for (const [i, d] of docs.entries()) compare(`${i}.md`, d, 80, got);
    expect(got.differ).toEqual([]);
    expect(got.fromTree).toBeGreaterThanOrEqual(12);
  });

  test("a long paragraph of `[` in code spans: placed in one pass, the parse's spans", () => {
    // 9,000 code spans holding a `[` each (a pass per `[` over all spans was quadratic).
    const got = compare("long.md", "# T\n\n" + "`[` x ".repeat(9000).trimEnd() + "\n");
    expect(got.differ).toEqual([]);
    expect(got.fromTree).toBe(2);
  });

  test("a `[label]` with no definition: text in the doc, the parse alone's made-up reference", () => {
    const docs = [
      "See [README.md] and [no definition] and `code` here.\n",
      "- An item: [x] and [a/b#c] and `code`,\n  then [1.2] on the next line.\n",
      "*Emphasis around [README.md]* and `code`.\n",
      "A [link](x) then [README.md] then ![img](y) and `c`.\n",
      "Long [abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz] `c` x.\n",
      "A [label][] collapsed, [this link][a-label] in full and `c`.\n",
      "There are related [Kubernetes GitHub organizations], such as [kubernetes-sigs].\nWe are `here`.\n",
      "- A [label over\n  two lines] in an item and `c`.\n",
      "- [ ] A task with [a label] and `c`.\n",
      "Long [abcdefghijklmnopqrstuvwxyz 0123456789 abcdefghijklmnopqrstuvwxyz][r] `c` x.\n",
    ];
    for (const [i, d] of docs.entries()) {
      const got = compare(`l${i}.md`, d, 40);
      expect([d, got.differ, got.declined]).toEqual([d, [], 0]);
      expect(got.fromTree).toBe(2);
    }
  });

  test("declines where the parse alone may read the text otherwise", () => {
    const cases: [string, number][] = [
      ["Text with [no *definition*] and `code`.\n", 1],
      ["A footnote call[^1] and `code`.\n\n[^1]: note\n", 1],
      ["> Quoted text with `code`\n> on two lines.\n", 1],
      ["- An item with `code`\nand a lazy line.\n", 1],
      ["Text with `code`\n    # indented four: text, not a heading\n", 1],
      ["- [ ] 2. Are there tasks with `code`?\n", 1],
      [
        "A [label ending in a backslash\\][x] `c`.\n\n[label ending in a backslash\\]: y\n[x]: z\n",
        1,
      ],
      ["A link [with [brackets] inside](x) `c`.\n", 1],
      ["A link [with [label] inside](x) `c`.\n", 1],
      ["An image ![alt [label] here](x) `c`.\n", 1],
      ["A [label]  [x] and `c`, then [a](b)[c] and [ ] x.\n", 1],
      ["See [www.example.com] and `c`.\n", 1],
      ["A [label]: colon and `c`.\n", 1],
      ["An escaped \\[label] and `c`.\n", 1],
      ["An email [a@b.c] and `c`.\n", 1],
      ["A [label*with*stars] and `c`.\n", 1],
    ];
    for (const [text, line] of cases)
      expect([text, fromTree(text, line)]).toEqual([text, undefined]);
  });

  test("the rewrap gives the same lines with the tree as without it", () => {
    const text =
      "Here is a paragraph with [a link to somewhere](https://example.com/a/long/path) and " +
      "`a code span` and ![an image](img.png) and more words to wrap around the limit.\n";
    const { p, lines } = layoutAt(text, 1);
    const withTree = rewrapParagraph(lines, rewrapOptions(p, 40, text));
    const without = rewrapParagraph(lines, rewrapOptions(p, 40));
    expect(rewrapOptions(p, 40, text).source).toBeDefined();
    expect(withTree).toEqual(without);
    expect(withTree.length).toBeGreaterThan(3);
  });

  test("random docs of Markdown punctuation: where the tree answers, it answers as the parse", () => {
    const next = random(20261202);
    const pieces = [
      "word",
      "two words",
      " ",
      " ",
      "\n",
      "\n",
      "\n  ",
      "\n    ",
      "[",
      "]",
      "(x)",
      "[r]",
      "![",
      "`",
      "*",
      "_",
      "<b>",
      "</b>",
      "<",
      ">",
      "\\",
      "  \n",
      "- ",
      "1. ",
      "> ",
      "#",
      "[^1]",
      "[r]: y\n",
      "\n\n",
      "http://a.b",
      "&amp;",
      "~~",
      "|",
      "---",
    ];
    const got: Compared = { fromTree: 0, declined: 0, differ: [] };
    for (let n = 0; n < 1500; n++)
      compare(`r${n}.md`, `${randomText(next, pieces)}\n\n[r]: y\n`, 20, got);
    expect(got.differ.slice(0, 5)).toEqual([]);
    expect(got.fromTree).toBeGreaterThan(500);
    expect(got.declined).toBeGreaterThan(100);
  });
});

test("random docs with labels no definition defines: where the tree answers, it answers as the parse", () => {
  const next = random(20261203);
  const pieces = [
    "word",
    "two words",
    " ",
    " ",
    "\n",
    "\n  ",
    "[",
    "]",
    "[u]",
    "[a.md]",
    "[r]",
    "[x]",
    "u]",
    "![",
    "!",
    "\\",
    "](x)",
    "(x)",
    "[]",
    ":",
    "`",
    "*",
    "_",
    "<b>",
    "www.a.b",
    "a@b.c",
    "- [ ] ",
    "- ",
  ];
  const got: Compared = { fromTree: 0, declined: 0, differ: [] };
  let labels = 0;
  for (let n = 0; n < 1500; n++) {
    const t = randomText(next, pieces);
    const before = got.fromTree;
    compare(`u${n}.md`, `${t}\n\n[r]: y\n`, 20, got);
    if (got.fromTree > before && /\[(?:u|a\.md|x)\]/.test(t)) labels++;
  }
  expect(got.differ.slice(0, 5)).toEqual([]);
  expect(got.fromTree).toBeGreaterThan(300);
  // Docs with a label no definition defines, answered from the tree.
  expect(labels).toBeGreaterThan(50);
});

describeCorpus("spansFromTree on gVisor's g3doc", () => {
  test("every paragraph the tree answers for gets the parse's spans", () => {
    const dir = join(G3DOC_HEAD, "g3doc");
    const got: Compared = { fromTree: 0, declined: 0, differ: [] };
    for (const name of readdirSync(dir, { recursive: true }) as string[])
      if (name.endsWith(".md")) compare(name, readFileSync(join(dir, name), "utf8"), 80, got);
    expect(got.differ).toEqual([]);
    expect(got.fromTree).toBeGreaterThan(500);
  });
});
