/** Findings with suggestions, and texts, for the tests of merging overlapping suggestions (src/core/fix/merge.ts). */
import type { Finding } from "../../src/core/finding.js";

/** A warning of `rule` on lines line..endLine of `path` whose suggestion is `suggestion`. */
export function fixFinding(
  path: string,
  rule: string,
  line: number,
  endLine: number,
  suggestion: string | null,
  message = rule,
): Finding {
  return {
    path,
    line,
    endLine,
    column: 1,
    rule,
    severity: "warning",
    message,
    suggestion,
    changed: true,
  };
}

/** A list item's text past 80 columns. */
export const LONG_ITEM =
  "item one goes on and on and on and on and on and on and on and on and on past";

/** A doc with a list item to pad and rewrap at line 5 (`padAndWrap(path, 5)`), and a reference definition. */
export const LIST_IN_MIDDLE = [
  "# Title",
  "",
  "Intro [link][ref].",
  "",
  `* ${LONG_ITEM}`,
  "  the limit",
  "",
  "Outro.",
  "",
  "[ref]: https://example.com",
  "",
].join("\n");

/** A list item to pad and rewrap at `line` (its own line and the next), as list-marker and line-length report it. */
export function padAndWrap(path: string, line: number): Finding[] {
  return [
    fixFinding(path, "list-marker", line, line + 1, "x"),
    fixFinding(path, "line-length", line, line + 1, "y"),
  ];
}

/** The text with every list marker followed by one space (`*   item` becomes `* item`). */
export function unpadded(text: string): string {
  return text.replace(/^([ >]*(?:[-*+]|\d{1,9}[.)])) {2,4}(?=\S)/gm, "$1 ");
}
