import remarkLintMaximumLineLength from "remark-lint-maximum-line-length";
import { remarkLintMessages } from "../remark-lint.js";
import type { Rule } from "../types.js";
import { paragraphAt, refillOf, refillRange } from "../../fix/paragraphs.js";

const ID = "line-length";

/**
 * remark-lint's maximum-line-length algorithm: code, tables, headings,
 * definitions and HTML are exempt, and so is a link, image or code span that
 * crosses the limit with nothing breakable after it on the line.
 */
export const lineLength: Rule = {
  id: ID,
  scope: { on: "doc" },
  suggestion: {
    recompute: {
      stage: "paragraphs",
      apply: (text, path, range, config) =>
        refillRange(text, path, range.start, range.end, config.lineLength),
    },
  },
  severity: "warning",
  alsoKnownAs: { markdownlint: ["MD013", "line-length"], remarkLint: ["maximum-line-length"] },
  docs: {
    summary: "Lines of prose longer than the limit (80 columns by default).",
    description:
      "Google's Markdown style wraps prose at 80 columns so that diffs stay " +
      "readable. Code blocks, tables, headings, link definitions and lines " +
      "whose overflow is an unbreakable link, URL or code span are exempt. Wrap " +
      "the paragraph; put a long link on a line of its own.",
  },
  examples: [
    {
      doc:
        "# Title\n\n" +
        "This sentence goes on and on well past the eightieth column of the " +
        "line, which makes diffs hard to read.\n",
      findings: [
        {
          line: 3,
          column: 81,
          message:
            "This paragraph has a line 104 characters long; wrap prose at 80 columns " +
            "(only code, tables, headings and unbreakable links may be longer). The " +
            "suggestion rewraps the paragraph.",
          suggestion:
            "This sentence goes on and on well past the eightieth column of the " +
            "line, which\nmakes diffs hard to read.",
        },
      ],
    },
    {
      doc:
        "# Title\n\n" +
        "This sentence goes on and on well past the eightieth column of the " +
        "line, which\nmakes diffs hard to read.\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const limit = ctx.config.lineLength;
    const why =
      `wrap prose at ${limit} columns ` +
      "(only code, tables, headings and unbreakable links may be longer)";
    // A paragraph's refill, computed once however many of its lines are long.
    const refills = new Map<number, string[] | null>();
    for (const m of remarkLintMessages(remarkLintMaximumLineLength, limit, doc)) {
      const line = m.line ?? 1;
      const length = Array.from(doc.lines[line - 1] ?? "").length;
      // A long line of a paragraph: one finding per paragraph (at its first
      // long line), with the paragraph rewrapped as the suggestion.
      const para = paragraphAt(doc, line);
      if (para) {
        const seen = refills.has(para.start);
        if (!seen) refills.set(para.start, refillOf(doc, para, limit));
        const rewrapped = refills.get(para.start);
        if (rewrapped) {
          if (seen) continue;
          const where = line === para.start ? "" : ` (line ${line})`;
          report(
            `This paragraph has a line ${length} characters long${where}; ${why}. ` +
              "The suggestion rewraps the paragraph.",
            {
              line: para.start,
              endLine: para.end,
              column: limit + 1,
              suggestion: rewrapped.join("\n"),
            },
          );
          continue;
        }
      }
      report(`This line is ${length} characters long; ${why}.`, { line, column: limit + 1 });
    }
  },
};
