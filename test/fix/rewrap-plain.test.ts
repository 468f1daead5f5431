/**
 * The rewrap skips the parse of plain prose (isPlainProse): such text must be
 * what the parser reads as one paragraph with nothing unbreakable and no line
 * break, on real paragraphs and on random text made of the characters it allows.
 */
import { describe, test, expect } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isPlainProse, paragraphText, parsedParagraph } from "../../src/core/fix/rewrap.js";
import { parseDoc } from "../../src/core/markdown/parse.js";
import { paragraphsOf } from "../../src/core/fix/paragraphs.js";
import { describeCorpus, G3DOC_HEAD } from "../helpers/corpus.js";
import { random } from "../helpers/random.js";

const NONE = { atomic: [], breaks: [] };

describe("isPlainProse", () => {
  test("text the parser gives a meaning to is not plain", () => {
    for (const t of [
      "1. item",
      "Text\n2) item",
      "- item",
      "Text\n* item",
      "See www.example.com for more",
      "Hard break  \nhere",
      "Hard break\\\nhere",
      "    indented code",
      "Title\n===",
      "Title\n---",
      "Some *emphasis*",
      "A `code` span",
      "A [link](x)",
      "<b>bold</b>",
      "a &amp; b",
      "# Heading",
      "> quote",
      "x ~~y~~",
      "Text\n\nMore",
      "a@b.c",
      "See http://example.com",
      "Text\n+ item",
      "Text\n> quote",
      "Text\n## Heading",
      "a | b\n--- | ---",
      "Text\n=== ",
    ])
      expect([t, isPlainProse(t)]).toEqual([t, false]);
    expect(
      isPlainProse('Plain words, with (some) punctuation: yes; "quoted" it\'s 2026?\nNext line!'),
    ).toBe(true);
  });

  test("random text of the allowed characters: where it is plain, the parser finds nothing to keep whole", () => {
    const next = random(20261201);
    const alphabet = "aZ09 ,.;:'\"?!()/+=#>|%$-é—\nhtw";
    let plain = 0;
    for (let n = 0; n < 3000; n++) {
      let t = "";
      const len = 1 + Math.floor(next() * 60);
      for (let i = 0; i < len; i++) t += alphabet[Math.floor(next() * alphabet.length)];
      if (!isPlainProse(t)) continue;
      plain++;
      expect([t, parsedParagraph(t, 80, false)]).toEqual([t, NONE]);
      expect([t, parsedParagraph(t, 80, true)]).toEqual([t, NONE]);
    }
    expect(plain).toBeGreaterThan(100);
  });
});

describeCorpus("isPlainProse on gVisor's g3doc", () => {
  test("every plain paragraph parses to nothing unbreakable", () => {
    const dir = join(G3DOC_HEAD, "g3doc");
    let plain = 0;
    for (const name of readdirSync(dir, { recursive: true }) as string[]) {
      if (!name.endsWith(".md")) continue;
      const doc = parseDoc(name, readFileSync(join(dir, name), "utf8"));
      for (const p of paragraphsOf(doc)) {
        const lines = doc.lines.slice(p.start - 1, p.end);
        const content = paragraphText(lines, p.contentStart);
        if (!isPlainProse(content)) continue;
        plain++;
        expect([name, p.start, parsedParagraph(content, 60, false)]).toEqual([name, p.start, NONE]);
      }
    }
    expect(plain).toBeGreaterThan(50);
  });
});
