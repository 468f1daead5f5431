import type { Break } from "mdast";
import { visit } from "unist-util-visit";
import { eachNode } from "../../markdown/nodes.js";
import type { Rule } from "../types.js";
import { sourceOf } from "./util.js";
import { parseOnly } from "../../markdown/parse.js";

const ID = "trailing-whitespace";

/**
 * Spaces or tabs at the end of a line, everywhere (code blocks included, as
 * Google's presubmits strip them there too). Two spaces that make a Markdown
 * hard break are reported as well: the style guide wants a trailing `\`.
 */
export const trailingWhitespace: Rule = {
  id: ID,
  scope: { on: "doc" },
  suggestion: {},
  severity: "warning",
  alsoKnownAs: {
    markdownlint: ["MD009", "no-trailing-spaces"],
    remarkLint: ["no-trailing-spaces"],
  },
  docs: {
    summary: "Spaces or tabs at the end of a line.",
    description:
      "Google's Markdown style has no trailing whitespace, and its presubmits " +
      "strip it, code blocks included. A hard line break written as two " +
      "trailing spaces is invisible in review: end the line with a backslash " +
      "(`\\`) instead, and use hard breaks sparingly.",
  },
  examples: [
    {
      doc: "# Title\n\nRun the sandbox.   \nFirst line,  \nsecond line.\n",
      findings: [
        {
          line: 3,
          column: 17,
          message:
            "Trailing spaces make an invisible hard line break here; end the line " +
            "with a backslash (`\\`) instead.",
          suggestion: "Run the sandbox.\\",
        },
        {
          line: 4,
          column: 12,
          message:
            "Trailing spaces make an invisible hard line break here; end the line " +
            "with a backslash (`\\`) instead.",
          suggestion: "First line,\\",
        },
      ],
    },
    {
      doc: "# Title\n\nRun the sandbox.\nFirst line,\\\nsecond line.\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    // Lines that end in a whitespace hard break (not the paragraph's last line, by construction).
    const hardBreaks = new Set<number>();
    eachNode(doc.tree, "break", (node: Break) => {
      if (node.position && /^[ \t]/.test(sourceOf(doc, node)))
        hardBreaks.add(node.position.start.line);
    });
    doc.lines.forEach((text, i) => {
      const m = /[ \t]+$/.exec(text);
      if (!m) return;
      const line = i + 1;
      const kept = text.slice(0, m.index);
      if (hardBreaks.has(line)) {
        report(
          "Trailing spaces make an invisible hard line break here; end the line " +
            "with a backslash (`\\`) instead.",
          {
            line,
            column: m.index + 1,
            suggestion: backslashBreaks(kept) ? `${kept}\\` : null,
          },
        );
        return;
      }
      const what =
        kept === ""
          ? "This blank line has spaces or tabs in it"
          : "This line ends with spaces or tabs";
      report(`${what}; remove them (Google's style has no trailing whitespace).`, {
        line,
        column: m.index + 1,
        suggestion: kept,
      });
    });
  },
};

/**
 * Whether a backslash after `text` ends the line with a hard break, and
 * nothing else: not when it would escape a backslash (`C:\\`) or join a bare
 * URL (`https://x.dev/a)\\`), which a re-parse of the line tells, nor after a
 * run of `*`, `_` or `~` that follows a space, punctuation or the line's
 * start. Such a run, followed by the space, opens nothing; followed by the
 * backslash (punctuation), it may open emphasis that a later run closes
 * (`**\\` then `Open Discussion:**`).
 */
function backslashBreaks(text: string): boolean {
  const trimmed = text.trimEnd();
  const run = /[*_~]+$/.exec(trimmed);
  if (run && (run.index === 0 || /[\s\p{P}\p{S}]/u.test(trimmed[run.index - 1]))) return false;
  // Only a last word that ends in a backslash or may be a bare URL or address needs the parse.
  const last = /\S*$/.exec(text.trimEnd())![0];
  if (!/\\$|[:@]|www\./i.test(last)) return true;
  let found = false;
  visit(parseOnly(`${text.trim()}\\\nx`), "break", () => {
    found = true;
  });
  return found;
}
