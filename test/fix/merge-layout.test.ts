/**
 * Merging with the review's own layout of a file (MergeOptions.layout, the
 * engine's ReviewOptions.layouts): the file is not parsed again for it, and
 * the merged suggestions are those of a merge that parses it. A layout of
 * another text is not used.
 */
import { describe, test, expect } from "@jest/globals";
import { relative } from "node:path";
import { mergeSuggestions } from "../../src/core/fix/merge.js";
import { fileLayout, layoutOfDoc, type FileLayout } from "../../src/core/fix/window.js";
import { parseDoc } from "../../src/core/markdown/parse.js";
import { mergeOverlapping } from "../../src/core/present/merge-overlapping.js";
import { review } from "../../src/core/engine.js";
import { resolveConfig } from "../../src/config/load.js";
import { MemoryChangeSet } from "../helpers/memory-changeset.js";
import { LIST_IN_MIDDLE, padAndWrap, unpadded } from "../helpers/merge-findings.js";
import { describeCorpus, G3DOC_HEAD, g3docHeadDocs } from "../helpers/corpus.js";
import { readFileSync } from "node:fs";

const PATH = "docs/doc.md";
const TEXT = LIST_IN_MIDDLE;

/** The list item to pad and rewrap at line 5. */
const GROUP = padAndWrap(PATH, 5);

describe("a given layout", () => {
  const parsed = mergeSuggestions(TEXT, PATH, GROUP, { limit: 80 });

  test("without one, the file is parsed for its layout and the group merged on a window", () => {
    expect(parsed.layoutParsed).toBe(true);
    expect(parsed.windows).toBe(1);
    expect(parsed.suggestions).toHaveLength(1);
  });

  test("the layout of this text from its parse: used, the same suggestions, the same budget", () => {
    const layout = layoutOfDoc(parseDoc(PATH, TEXT));
    const given = mergeSuggestions(TEXT, PATH, GROUP, { limit: 80, layout });
    expect(given.layoutParsed).toBe(false);
    expect(given.windows).toBe(1);
    expect(given.suggestions).toEqual(parsed.suggestions);
    expect(given.reparsed).toBe(parsed.reparsed);
  });

  test("a layout of another text, or of another path, is not used", () => {
    const other = fileLayout(PATH, TEXT.replace("Outro.", "Outro, longer."))!;
    const moved = fileLayout("docs/other.md", TEXT)!;
    for (const layout of [other, moved]) {
      const r = mergeSuggestions(TEXT, PATH, GROUP, { limit: 80, layout });
      expect(r.layoutParsed).toBe(true);
      expect(r.suggestions).toEqual(parsed.suggestions);
    }
  });

  test("null (no window can be trusted): the whole file, not parsed for a layout", () => {
    const r = mergeSuggestions(TEXT, PATH, GROUP, { limit: 80, layout: null });
    expect(r.layoutParsed).toBe(false);
    expect(r.windows).toBe(0);
    expect(r.suggestions).toEqual(parsed.suggestions);
  });

  test("a CRLF file's layout (from its text as read) is not used for its text with \\n", () => {
    const crlf = TEXT.replace(/\n/g, "\r\n");
    const layout = layoutOfDoc(parseDoc(PATH, crlf));
    const r = mergeSuggestions(crlf, PATH, GROUP, { limit: 80, layout });
    expect(r.layoutParsed).toBe(true);
    expect(r.suggestions).toEqual(parsed.suggestions);
  });
});

describeCorpus("layouts from a change review of gVisor's g3doc", () => {
  test("each is the layout of the doc as parsed alone, and merging with them gives the same review", async () => {
    const tree: Record<string, string> = {};
    for (const file of g3docHeadDocs())
      tree[relative(G3DOC_HEAD, file)] = unpadded(readFileSync(file, "utf8"));
    const config = resolveConfig({ preset: "gvisor", lineLength: 60 });
    const layouts = new Map<string, FileLayout | null>();
    const r = await review(new MemoryChangeSet({}, tree), config, { mode: "change", layouts });
    // Kept for docs with two suggestions or more, within LAYOUT_CHARS of text.
    expect(layouts.size).toBeGreaterThan(20);
    for (const [path, layout] of layouts) {
      // The rules ran on the tree the layout is taken from: they must not have changed it.
      expect({ path, layout }).toEqual({ path, layout: fileLayout(path, tree[path]) });
    }
    // Used wherever a group needs a window: no doc is parsed again for its layout.
    let windows = 0;
    for (const [path, layout] of layouts) {
      const fs = r.findings.filter((x) => x.path === path && x.suggestion !== null);
      const m = mergeSuggestions(tree[path], path, fs, { limit: 60, layout });
      expect({ path, parsed: m.layoutParsed }).toEqual({ path, parsed: false });
      windows += m.windows;
    }
    expect(windows).toBeGreaterThan(100);
    const texts = new Map(Object.entries(tree));
    const plain = mergeOverlapping(r.findings, texts, 60);
    const given = mergeOverlapping(r.findings, texts, 60, undefined, layouts);
    expect(given.findings).toEqual(plain.findings);
    expect([...given.riders]).toEqual([...plain.riders]);
    expect(given.reparsed).toBe(plain.reparsed);
  }, 300_000);
});
