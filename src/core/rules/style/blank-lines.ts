import type { Rule } from "../types.js";
import { codeLines, frontMatterEnd } from "./util.js";

const ID = "blank-lines";

/** More than one blank line in a row, outside code blocks. */
export const blankLines: Rule = {
  id: ID,
  scope: { on: "doc" },
  suggestion: {},
  severity: "notice",
  docs: {
    summary: "Two or more blank lines in a row (outside code blocks).",
    description:
      "One blank line separates blocks; more add nothing to the rendered page " +
      "and make the source uneven. The suggestion deletes the extra lines " +
      "(`fix` does the same). Blank lines inside code blocks are left alone.",
  },
  examples: [
    {
      doc: "# Title\n\nOne paragraph.\n\n\n\nAnother.\n",
      findings: [
        {
          line: 5,
          column: 1,
          endLine: 6,
          message: "3 blank lines in a row; one is enough. The suggestion deletes the others.",
          suggestion: "",
        },
      ],
    },
    {
      doc: "# Title\n\nOne paragraph.\n\nAnother.\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const code = codeLines(doc);
    const fm = frontMatterEnd(doc);
    const blank = (i: number) =>
      i < doc.lines.length && i >= fm && doc.lines[i].trim() === "" && !code.has(i + 1);
    for (let i = 0; i < doc.lines.length; i++) {
      if (!blank(i)) continue;
      let j = i;
      while (blank(j + 1)) j++;
      // A final empty "line" after the last newline is no line of the doc.
      const end = j === doc.lines.length - 1 && doc.lines[j] === "" ? j - 1 : j;
      if (end > i && !(i === 0 && end === doc.lines.length - 1)) {
        const run = end - i + 1;
        report(`${run} blank lines in a row; one is enough. The suggestion deletes the others.`, {
          line: i + 2,
          column: 1,
          endLine: end + 1,
          suggestion: "",
        });
      }
      i = j;
    }
  },
};
