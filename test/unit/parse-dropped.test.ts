/**
 * The parse leaves out GFM's email literal autolink on texts without an `@`,
 * and its table on texts without what a table's delimiter row needs
 * (core/markdown/parse.ts `parseMarkdown`): its trees must be those of the
 * full parse (`parseOnly`, remark-gfm's), positions included.
 */
import { describe, test, expect } from "@jest/globals";
import { readFileSync } from "node:fs";
import type { Root } from "mdast";
import { droppedConstructs, parseMarkdown, parseOnly } from "../../src/core/markdown/parse.js";
import { describeCorpus, g3docHeadDocs } from "../helpers/corpus.js";
import { random, randomPieces } from "../helpers/random.js";

const same = (a: Root, b: Root) => JSON.stringify(a) === JSON.stringify(b);

/** The constructs `parseMarkdown` leaves out of `text`'s parse. */
const dropped = (text: string) => {
  const names = droppedConstructs(text);
  return { email: names.includes("emailAutolink"), table: names.includes("table") };
};

describe("parse without the constructs a text cannot hold", () => {
  test("texts where a dropped construct would have made a node: the full parse's trees", () => {
    const texts = [
      "a@b.co",
      "mailto:a@b.co",
      "x a@b.co y",
      "a\n:-",
      "a\n-:",
      "a\n :-: ",
      "| a |\n| - |\nb",
      "a | b\n- | -",
      "> | a |\n> | - |",
      "- a\n  :--\n",
      "www.a.b and https://a.b",
    ];
    for (const t of texts) {
      const full = parseOnly(t);
      expect([t, same(parseMarkdown(t), full)]).toEqual([t, true]);
    }
    // Each holds a table or an email link: leaving the construct out would show.
    const kinds = texts.map((t) => JSON.stringify(parseOnly(t)));
    expect(kinds.filter((k) => k.includes('"type":"table"')).length).toBeGreaterThanOrEqual(6);
    expect(kinds.filter((k) => k.includes('"url":"mailto:')).length).toBe(3);
  });

  test("random text: the full parse's trees, many texts with a construct left out", () => {
    const next = random(20261203);
    const pieces = [
      "a",
      "word ",
      " ",
      "\n",
      "\n\n",
      "@",
      "b.co",
      "mailto:",
      "www.",
      "http://",
      "|",
      "-",
      ":",
      "---",
      ":-",
      "-:",
      "> ",
      "- ",
      "1. ",
      "    ",
      "`",
      "*",
      "_",
      "[x](y)",
      "[x]",
      "<a@b.co>",
      "&#64;",
      "\\",
      "#",
      "```\n",
    ];
    let emailLeftOut = 0;
    let tableLeftOut = 0;
    for (let n = 0; n < 4000; n++) {
      const t = randomPieces(next, pieces, 1, 30);
      expect([t, same(parseMarkdown(t), parseOnly(t))]).toEqual([t, true]);
      const d = dropped(t);
      if (d.email) emailLeftOut++;
      if (d.table) tableLeftOut++;
    }
    // The comparison is not idle: both shortcuts are taken often.
    expect(emailLeftOut).toBeGreaterThan(1000);
    expect(tableLeftOut).toBeGreaterThan(300);
  });
});

describeCorpus("parse without the constructs a text cannot hold, on gVisor's g3doc", () => {
  test("every doc parses to the full parse's tree", () => {
    let docs = 0;
    let shortcut = 0;
    for (const path of g3docHeadDocs()) {
      const text = readFileSync(path, "utf8");
      expect([path, same(parseMarkdown(text), parseOnly(text))]).toEqual([path, true]);
      const d = dropped(text);
      if (d.email || d.table) shortcut++;
      docs++;
    }
    expect(docs).toBeGreaterThan(40);
    expect(shortcut).toBeGreaterThan(40);
  });
});
