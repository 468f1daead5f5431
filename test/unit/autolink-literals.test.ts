/**
 * The parse runs GFM's literal-autolink transform only on trees with a text
 * node that could hold one (core/markdown/parse.ts `literalAutolinks`): its
 * trees must be remark-gfm's own, on text where the transform changes the
 * tree and on text where it does not.
 */
import { describe, test, expect } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkGfm from "remark-gfm";
import type { Root } from "mdast";
import { MAY_AUTOLINK, parseOnly } from "../../src/core/markdown/parse.js";
import { describeCorpus, G3DOC_HEAD } from "../helpers/corpus.js";
import { random, randomPieces } from "../helpers/random.js";

const remarkGfmParse = (() => {
  const p = unified().use(remarkParse).use(remarkGfm).freeze();
  return (text: string) => p.parse(text) as Root;
})();

/** remark-gfm without any transform: shows which texts the transform changes. */
const noTransformParse = (() => {
  const p = unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(function noTransforms(this: { data: () => { fromMarkdownExtensions?: unknown[] } }) {
      const strip = (e: unknown): void => {
        if (Array.isArray(e)) e.forEach(strip);
        else if (e && typeof e === "object" && "transforms" in e)
          (e as { transforms: unknown[] }).transforms = [];
      };
      strip(this.data().fromMarkdownExtensions);
    })
    .freeze();
  return (text: string) => p.parse(text) as Root;
})();

const same = (a: Root, b: Root) => JSON.stringify(a) === JSON.stringify(b);

describe("literal autolinks", () => {
  test("random text: the trees of remark-gfm, including where only its transform finds the link", () => {
    const next = random(20261202);
    const pieces = [
      "a",
      "word ",
      " ",
      "\n",
      "www",
      ".",
      "http",
      "https",
      "://",
      "@",
      "b.c",
      "mailto:",
      "xmpp:",
      "/",
      "_",
      "*",
      "(",
      ")",
      "[x](y)",
      "[x]",
      "`c`",
      "<",
      ">",
      "-",
      "WWW.",
      "&#64;",
      "\\",
      "~",
      ":",
      "\n\n",
      "> ",
      "- ",
    ];
    let changedByTransform = 0;
    let gated = 0;
    for (let n = 0; n < 3000; n++) {
      const t = randomPieces(next, pieces, 1, 25);
      const theirs = remarkGfmParse(t);
      expect([t, same(parseOnly(t), theirs)]).toEqual([t, true]);
      if (!same(noTransformParse(t), theirs)) changedByTransform++;
      if (!MAY_AUTOLINK.test(t)) gated++;
    }
    // The comparison is not idle: the transform makes links here, and many texts skip it.
    expect(changedByTransform).toBeGreaterThan(50);
    expect(gated).toBeGreaterThan(300);
  });

  test("links the transform alone finds are still made, character references included", () => {
    // Text micromark does not see as an autolink: a character reference
    // (`&#64;` is `@`), an escape before it, a link just before it.
    const texts = ["a&#64;b.co", "&#119;ww.x.y", "http&#58;//a.b", "x\\_a@b.co", "[x](y)www.a.b"];
    for (const t of texts) {
      expect([t, same(noTransformParse(t), remarkGfmParse(t))]).toEqual([t, false]);
      expect([t, same(parseOnly(t), remarkGfmParse(t))]).toEqual([t, true]);
    }
  });
});

describeCorpus("literal autolinks on gVisor's g3doc", () => {
  test("every doc parses to remark-gfm's tree", () => {
    const dir = join(G3DOC_HEAD, "g3doc");
    let docs = 0;
    for (const name of readdirSync(dir, { recursive: true }) as string[]) {
      if (!name.endsWith(".md")) continue;
      const text = readFileSync(join(dir, name), "utf8");
      expect([name, same(parseOnly(text), remarkGfmParse(text))]).toEqual([name, true]);
      docs++;
    }
    expect(docs).toBeGreaterThan(40);
  });
});
