/**
 * Merging on windows of a file (src/core/fix/window.ts): the merged
 * suggestions are those of the whole-file recompute, and every case where a
 * window would parse differently from the file falls back to the whole file.
 */
import { describe, test, expect } from "@jest/globals";
import type { Finding } from "../../src/core/finding.js";
import { mergeSuggestions } from "../../src/core/fix/merge.js";
import { fileLayout, windowOf } from "../../src/core/fix/window.js";
import {
  fixFinding,
  LIST_IN_MIDDLE,
  LONG_ITEM,
  padAndWrap as padAndWrapAt,
} from "../helpers/merge-findings.js";

const PATH = "docs/doc.md";

const f = (rule: string, line: number, endLine: number, suggestion: string) =>
  fixFinding(PATH, rule, line, endLine, suggestion);
const LONG = LONG_ITEM;
const padAndWrap = (line: number) => padAndWrapAt(PATH, line);

/** The merge windowed and on the whole file (which never parses the file for a layout), without that flag. */
function both(text: string, findings: Finding[]) {
  const { layoutParsed, ...windowed } = mergeSuggestions(text, PATH, findings, { limit: 80 });
  const { layoutParsed: wholeParsed, ...whole } = mergeSuggestions(text, PATH, findings, {
    limit: 80,
    windowed: false,
  });
  expect([layoutParsed, wholeParsed]).toEqual([findings.length > 1, false]);
  return { windowed, whole };
}

const PADDED = `*   ${LONG.replace(/ past$/, "")}\n    past the limit`;

describe("windowed merge", () => {
  test("a list in the middle of a file: recomputed on its window, the same suggestion as on the whole file", () => {
    const text = LIST_IN_MIDDLE;
    const { windowed, whole } = both(text, padAndWrap(5));
    expect(whole.windows).toBe(0);
    expect(windowed.windows).toBe(1);
    expect(windowed.suggestions).toEqual(whole.suggestions);
    expect(windowed.suggestions[0]).toMatchObject({ line: 5, endLine: 6, suggestion: PADDED });
    const layout = fileLayout(PATH, text)!;
    const w = windowOf(layout, 5, 6)!;
    // The list's block and the file's definitions, after a blank line.
    expect(w).toMatchObject({ start: 5, end: 6, suffix: "\n[ref]: https://example.com\n" });
    expect(w.text).toBe(`* ${LONG}\n  the limit\n\n[ref]: https://example.com\n`);
  });

  test("an mdformat-off region: the whole file, where the region keeps the list as it is", () => {
    const text = [
      "<!-- mdformat off(the list is laid out by hand) -->",
      "",
      `* ${LONG}`,
      "  the limit",
      "",
      "<!-- mdformat on -->",
      "",
    ].join("\n");
    expect(fileLayout(PATH, text)).toBeNull();
    const { windowed, whole } = both(text, padAndWrap(3));
    expect(windowed.windows).toBe(0);
    // Its window (the list alone) would have padded it.
    expect(windowed.suggestions).toEqual([]);
    expect(windowed).toEqual(whole);
  });

  test("a one-line definition nested in a list or a quote: appended to the window without its container's prefix", () => {
    for (const nested of [
      "* item\n\n  [ref]: https://example.com",
      "> [ref]: https://example.com",
    ]) {
      // The long item links by the nested definition: without it, `[link][ref]` is plain text.
      const text = `${nested}\n\nText.\n\n* ${LONG} [link][ref]\n  the limit\n`;
      const layout = fileLayout(PATH, text)!;
      expect(layout.definitions).toEqual(["[ref]: https://example.com"]);
      const line = nested.split("\n").length + 4;
      const { windowed, whole } = both(text, padAndWrap(line));
      expect(windowed.windows).toBe(1);
      expect(windowed.suggestions).toEqual(whole.suggestions);
      expect(windowed.suggestions).toHaveLength(1);
    }
  });

  test("a definition nested in a list over more than one line: the whole file", () => {
    const text = `* item\n\n  [ref]: https://example.com\n  "A title"\n\n* ${LONG}\n  the limit\n`;
    expect(fileLayout(PATH, text)).toBeNull();
    const { windowed, whole } = both(text, padAndWrap(6));
    expect(windowed.windows).toBe(0);
    expect(windowed.suggestions).toEqual(whole.suggestions);
    expect(windowed.suggestions).toHaveLength(1);
  });

  test("front matter: no window starts in it", () => {
    const text = ["---", "tags:", `- ${LONG}`, "  the limit", "---", "", "Text.", ""].join("\n");
    const layout = fileLayout(PATH, text)!;
    expect(layout.firstLine).toBe(6);
    expect(windowOf(layout, 3, 4)).toBeNull();
    expect(windowOf(layout, 7, 7)).not.toBeNull();
    const { windowed, whole } = both(text, padAndWrap(3));
    expect(windowed.windows).toBe(0);
    // The front matter is not Markdown: nothing to pad.
    expect(windowed.suggestions).toEqual([]);
    expect(windowed).toEqual(whole);
  });

  test("what the fixes protect as front matter (`---` on line 1 up to the next `---`): no window starts in it", () => {
    // The parser's front matter ends at `...`; the fixes protect up to the next `---` line.
    const text = [
      "---",
      "a: b",
      "...",
      "",
      `* ${LONG}`,
      "  the limit",
      "",
      "---",
      "",
      "Text.",
      "",
    ].join("\n");
    const layout = fileLayout(PATH, text)!;
    expect(layout.firstLine).toBe(9);
    expect(windowOf(layout, 5, 6)).toBeNull();
    const { windowed, whole } = both(text, padAndWrap(5));
    expect(windowed.windows).toBe(0);
    // Its window (the list alone) would have padded it.
    expect(windowed.suggestions).toEqual([]);
    expect(windowed).toEqual(whole);
  });

  test("a window that starts with a thematic break `---` (which would open front matter): the whole file", () => {
    const text = ["Intro.", "", "---", `* ${LONG}`, "  the limit", "---", "", "End.", ""].join(
      "\n",
    );
    const layout = fileLayout(PATH, text)!;
    expect(windowOf(layout, 3, 5)).toBeNull();
    const findings = [f("trailing-whitespace", 3, 4, `---\n* ${LONG}`), ...padAndWrap(4)];
    const { windowed, whole } = both(text, findings);
    expect(windowed.windows).toBe(0);
    expect(windowed.suggestions).toEqual(whole.suggestions);
    expect(windowed.suggestions[0].suggestion).toContain("*   item one");
  });

  test("a block that would run into the appended definitions (an unclosed fence): the whole file", () => {
    const text = [
      "[ref]: https://example.com",
      "",
      `* ${LONG}`,
      "  the limit",
      "```",
      "code",
      "",
    ].join("\n");
    const layout = fileLayout(PATH, text)!;
    // The fence runs to the end of the file: in the window the definitions would be code.
    expect(windowOf(layout, 5, 6)).toBeNull();
    const findings = [...padAndWrap(3), f("trailing-whitespace", 4, 5, "  the limit\n```")];
    const { windowed, whole } = both(text, findings);
    expect(windowed.windows).toBe(0);
    expect(windowed.suggestions).toEqual(whole.suggestions);
  });

  test("a budget too small for the whole file leaves the group out, windowed or not", () => {
    const text = `Intro.\n\n* ${LONG}\n  the limit\n`;
    const opts = { limit: 80, maxReparseChars: text.length };
    const windowed = mergeSuggestions(text, PATH, padAndWrap(3), opts);
    const whole = mergeSuggestions(text, PATH, padAndWrap(3), { ...opts, windowed: false });
    expect(windowed.suggestions).toEqual([]);
    expect(windowed).toEqual(whole);
  });
});
