/**
 * core/markdown/from-markdown.js: mdast-util-from-markdown with one context
 * object for every handler. It must give the trees the published module
 * gives, and stay the installed version's text with that one change.
 */
import { describe, expect, test } from "@jest/globals";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromMarkdown as published } from "mdast-util-from-markdown";
import { gfm } from "micromark-extension-gfm";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { fromMarkdown as vendored } from "../../src/core/markdown/from-markdown.js";
import { parseOnly } from "../../src/core/markdown/parse.js";
import { describeCorpus, g3docHeadDocs } from "../helpers/corpus.js";

const here = dirname(fileURLToPath(import.meta.url));
const VENDORED = join(here, "..", "..", "src", "core", "markdown", "from-markdown.js");

const options = () => ({ extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
const both = (text: string) => ({
  ours: JSON.stringify(vendored(text, options())),
  theirs: JSON.stringify(published(text, options())),
});

/** Markdown with every construct the compiler has a handler for. */
const SAMPLE = [
  "---",
  "title: front matter",
  "---",
  "",
  "# Heading {#id}",
  "",
  "Setext",
  "======",
  "",
  "Text with *emphasis*, **strong**, `code`, ~~strike~~, a\\",
  "hard break, a <span>tag</span>, &amp; &#65; &#x42; entities,",
  "[a link](https://example.com 'title'), ![an image](a.png \"t\"),",
  "[a ref][id], [collapsed][], [shortcut], ![img ref][id], a footnote[^1],",
  "<https://auto.example>, https://literal.example and name@example.com.",
  "",
  "[id]: https://example.com/ref  'Ref title'",
  "[^1]: The note,",
  "    on two lines.",
  "",
  "1. ordered",
  "2. list",
  "",
  "   spread item",
  "",
  "- [ ] task",
  "- [x] done",
  "  - nested",
  "",
  "> quote",
  "> > nested quote",
  "",
  "```go title",
  "func main() {}",
  "```",
  "",
  "    indented code",
  "",
  "| a | b |",
  "| :- | -: |",
  "| 1 | 2 |",
  "",
  "<div>",
  "html flow",
  "</div>",
  "",
  "***",
  "",
  "[TOC]",
  "",
].join("\n");

describe("from-markdown (one context for every handler)", () => {
  test("gives the published module's tree, positions included", () => {
    const { ours, theirs } = both(SAMPLE);
    expect(ours).toBe(theirs);
    // The sample reaches the handlers it is there for.
    for (const type of ["footnoteDefinition", "table", "delete", "imageReference", "html", "code"])
      expect(ours).toContain(`"type":"${type}"`);
  });

  test("malformed and unclosed input: the same tree, no throw", () => {
    for (const text of [
      "[",
      "*a **b",
      "```\nunclosed",
      "| a |\n| - |\n| b",
      "[^x]:",
      "<a <a",
      "\u0000\ud800",
    ]) {
      const { ours, theirs } = both(text);
      expect(ours).toBe(theirs);
    }
  });

  test("the product's parse goes through it (remark-gfm's extensions applied)", () => {
    const tree = parseOnly("| a |\n| - |\n| b |\n\nwww.example.com\n");
    expect(tree.children.map((c) => c.type)).toEqual(["table", "paragraph"]);
    expect(JSON.stringify(tree)).toContain('"type":"link"');
  });

  test("is the installed mdast-util-from-markdown's text with the one change", () => {
    const require = createRequire(import.meta.url);
    const pkgDir = dirname(require.resolve("mdast-util-from-markdown"));
    const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as {
      version: string;
    };
    const upstream = readFileSync(join(pkgDir, "lib", "index.js"), "utf8");
    const ours = readFileSync(VENDORED, "utf8");
    expect(ours).toContain(`mdast-util-from-markdown ${pkg.version}, lib/index.js`);
    const body = ours.slice(ours.indexOf("/**\n * @import"));
    const undone = body
      .replace(
        "      data,\n      // g3doc-review: set before each handler is called.\n      sliceSerialize: undefined\n    };",
        "      data\n    };",
      )
      .replace(
        "        // g3doc-review: one context for every event, its `sliceSerialize` set per event.\n" +
          "        context.sliceSerialize = events[index][2].sliceSerialize;\n" +
          "        handler[events[index][1].type].call(context, events[index][1]);",
        "        handler[events[index][1].type].call({\n" +
          "          ...context,\n" +
          "          sliceSerialize: events[index][2].sliceSerialize\n" +
          "        }, events[index][1]);",
      );
    expect(undone).not.toBe(body);
    expect(undone).toBe(upstream);
  });
});

describeCorpus("from-markdown on gVisor's docs", () => {
  test("every doc of g3doc/ gives the published module's tree", () => {
    const docs = g3docHeadDocs();
    expect(docs.length).toBeGreaterThan(40);
    for (const p of docs) {
      const { ours, theirs } = both(readFileSync(p, "utf8"));
      expect({ p, same: ours === theirs }).toEqual({ p, same: true });
    }
  });
});
