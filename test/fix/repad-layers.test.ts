/**
 * `repadRanges` pads the outermost items that need it on each parse, then
 * the items inside them on the next (one parse per level of nesting). On
 * random nested lists it gives what padding one item per parse, outermost
 * and first first, gives.
 */
import { describe, expect, test } from "@jest/globals";
import { itemProtected, listItemsOf, padOf, repadRanges } from "../../src/core/fix/list-marker.js";
import { parseDoc } from "../../src/core/markdown/parse.js";
import { replaceLines } from "../../src/core/text.js";
import { random } from "../helpers/random.js";

/** One item per parse: the first item in the ranges that needs padding. */
function oneByOne(text: string, ranges: readonly { start: number; end: number }[]): string {
  let cur = text;
  for (let guard = 0; guard < 1000; guard++) {
    const doc = parseDoc("a.md", cur);
    const item = listItemsOf(doc)
      .filter((it) => ranges.some((r) => it.start >= r.start && it.start <= r.end))
      .filter((it) => !itemProtected(doc, it))
      .sort((a, b) => a.start - b.start || a.markerOffset - b.markerOffset)
      .find((it) => padOf(doc, it) !== null);
    if (!item) return cur;
    cur = replaceLines(cur, item.start, item.end, padOf(doc, item)!);
  }
  return cur;
}

const MARKERS = ["*", "-", "1.", "10."];
const TEXTS = ["text", "more text", "`code`", "[ref]: https://x", "```", "> quote"];

function randomList(next: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const lines: string[] = [];
  let depth = 0;
  const count = 4 + Math.floor(next() * 14);
  for (let i = 0; i < count; i++) {
    const r = next();
    if (r < 0.1) lines.push("");
    else if (r < 0.25) lines.push(`${" ".repeat(depth * 2 + pick([0, 2, 4]))}${pick(TEXTS)}`);
    else {
      depth = Math.max(0, Math.min(4, depth + pick([-1, 0, 0, 1])));
      const indent = " ".repeat(depth * pick([2, 4]));
      lines.push(`${indent}${pick(MARKERS)}${" ".repeat(pick([1, 1, 2, 3]))}${pick(TEXTS)}`);
    }
  }
  return `# T\n\n${lines.join("\n")}\n`;
}

describe("repadRanges", () => {
  test("1,000 random nested lists: the same text as padding one item per parse", () => {
    const next = random(20261130);
    let changed = 0;
    for (let n = 0; n < 1000; n++) {
      const md = randomList(next);
      const total = md.split("\n").length;
      const a = 3 + Math.floor(next() * (total - 3));
      const ranges = [
        { start: a, end: Math.min(total, a + Math.floor(next() * 6)) },
        { start: 3, end: 3 + Math.floor(next() * 3) },
      ];
      const expected = oneByOne(md, ranges);
      expect({ md, ranges, text: repadRanges(md, "a.md", ranges) }).toEqual({
        md,
        ranges,
        text: expected,
      });
      if (expected !== md) changed++;
    }
    // Most lists had something to pad.
    expect(changed).toBeGreaterThan(500);
  });

  test("a list nested four deep is padded level by level", () => {
    const md = ["* a", "  * b", "    * c", "      * d", "        text", ""].join("\n");
    expect(repadRanges(md, "a.md", [{ start: 1, end: 5 }])).toBe(
      ["*   a", "    *   b", "        *   c", "            *   d", "                text", ""].join(
        "\n",
      ),
    );
  });
});
