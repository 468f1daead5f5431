import type { Rule } from "../types.js";

const ID = "final-newline";

/** The file must end with exactly one newline: not none, and no blank lines after the last line of text. */
export const finalNewline: Rule = {
  id: ID,
  scope: { on: "doc" },
  suggestion: {},
  severity: "warning",
  alsoKnownAs: {
    markdownlint: ["MD047", "single-trailing-newline"],
    remarkLint: ["final-newline"],
  },
  docs: {
    summary: "The file does not end with exactly one newline.",
    description:
      "A text file ends with one newline: without it, diffs show `\\ No newline " +
      "at end of file` and tools that append to the file glue lines together; " +
      "blank lines after the last line of text are noise that formatters " +
      "remove.",
  },
  examples: [
    {
      doc: "# Title\n\nLast paragraph.\n\n\n",
      findings: [
        {
          line: 3,
          column: 16,
          endLine: 5,
          message:
            "The file ends with 2 blank lines; end it with exactly one newline after " +
            "the last line of text.",
          suggestion: "Last paragraph.",
        },
      ],
    },
    {
      doc: "# Title\n\nLast paragraph.\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const text = doc.text;
    if (text === "") return;
    // doc.lines ends with "" when the text ends with a line break.
    const endsWithBreak = /(\r\n|\r|\n)$/.test(text);
    const lines = endsWithBreak ? doc.lines.slice(0, -1) : doc.lines;
    if (!endsWithBreak) {
      const line = lines.length;
      report("The file does not end with a newline; add one.", {
        line,
        column: lines[line - 1].length + 1,
        suggestion: lines[line - 1],
      });
      return;
    }
    let last = lines.length;
    while (last > 0 && lines[last - 1].trim() === "") last--;
    const blanks = lines.length - last;
    if (blanks === 0) return;
    const message =
      `The file ends with ` +
      `${blanks === 1 ? "a blank line" : `${blanks} blank lines`}; end it with ` +
      `exactly one newline after the last line of text.`;
    if (last === 0) {
      report(message, { line: lines.length });
      return;
    }
    // The suggestion replaces the last line of text and the blank lines after it by that line alone.
    report(message, {
      line: last,
      endLine: lines.length,
      column: lines[last - 1].length + 1,
      suggestion: lines[last - 1],
    });
  },
};
