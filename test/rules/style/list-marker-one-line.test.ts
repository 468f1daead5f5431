/**
 * list-marker does not re-parse a one-line item that only gets more spaces
 * after its marker (see `dropUnsafe`): such a padding cannot change what the
 * doc means. Checked on random lists around other blocks: every one-line
 * suggestion (more spaces or fewer), applied, parses to the same tree
 * (positions aside).
 */
import { describe, expect, test } from "@jest/globals";
import { lintDoc } from "../../helpers/lint.js";
import { parseOnly } from "../../../src/core/markdown/parse.js";
import { random } from "../../helpers/random.js";

const MARKERS = ["*", "-", "+", "1.", "2)", "10."];
const TEXTS = [
  "text",
  "`code`",
  "```",
  "> quote",
  "# heading",
  "<div>",
  "| a | b |",
  "---",
  "text",
];

function randomLine(next: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const indent = " ".repeat(pick([0, 0, 0, 1, 2, 3, 4, 5, 6, 8]));
  const r = next();
  if (r < 0.15) return "";
  if (r < 0.6) return `${indent}${pick(MARKERS)}${" ".repeat(pick([1, 1, 2, 3, 4]))}${pick(TEXTS)}`;
  return `${indent}${pick(TEXTS)}`;
}

const shape = (md: string) =>
  JSON.stringify(parseOnly(md), (k, v) => (k === "position" ? undefined : v));

describe("list-marker: a one-line item's suggestion keeps the doc's meaning", () => {
  test("3,000 random docs: every such suggestion, applied, parses the same", async () => {
    const next = random(20261201);
    let checked = 0;
    for (let n = 0; n < 3000; n++) {
      const lines = Array.from({ length: 3 + Math.floor(next() * 6) }, () => randomLine(next));
      const md = `# T\n\n${lines.join("\n")}\n`;
      const findings = await lintDoc(md, { rule: "list-marker", config: { preset: "gvisor" } });
      const all = md.split("\n");
      for (const f of findings) {
        if (f.suggestion === null || f.endLine !== f.line || f.suggestion.includes("\n")) continue;
        const fixed = [...all];
        fixed[f.line - 1] = f.suggestion;
        expect({ md, line: f.line, same: shape(fixed.join("\n")) === shape(md) }).toEqual({
          md,
          line: f.line,
          same: true,
        });
        checked++;
      }
    }
    // Enough of them to mean something.
    expect(checked).toBeGreaterThan(500);
  }, 120_000);
});
