import { lintRule } from "unified-lint-rule";
import type { Root } from "mdast";
import type { VFile } from "vfile";
import type { RuleModule } from "../types.js";
import { docOf } from "../types.js";
import { report } from "../report.js";
import { docsUrl } from "../docs-url.js";

const ID = "final-newline";

/** The file must end with exactly one newline: not none, and no blank lines after the last line of text. */
export const finalNewline: RuleModule = {
  id: ID,
  severity: "warning",
  fixable: true,
  docs: {
    summary: "The file does not end with exactly one newline.",
    description:
      "A text file ends with one newline: without it, diffs show `\\ No newline at end of file` and tools that append to the file glue lines together; blank lines after the last line of text are noise that formatters remove.",
    bad: "# Title\n\nLast paragraph.\n\n\n",
    good: "# Title\n\nLast paragraph.\n",
  },
  plugin: lintRule(
    { origin: `g3doc-review:${ID}`, url: docsUrl(ID) },
    (_tree: Root, file: VFile) => {
      const doc = docOf(file);
      const text = doc.text;
      if (text === "") return;
      // doc.lines ends with "" when the text ends with a line break.
      const endsWithBreak = /(\r\n|\r|\n)$/.test(text);
      const lines = endsWithBreak ? doc.lines.slice(0, -1) : doc.lines;
      if (!endsWithBreak) {
        const line = lines.length;
        report(file, "The file does not end with a newline; add one.", {
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
      const message = `The file ends with ${blanks === 1 ? "a blank line" : `${blanks} blank lines`}; end it with exactly one newline after the last line of text.`;
      if (last === 0) {
        report(file, message, { line: lines.length });
        return;
      }
      // The suggestion replaces the last line of text and the blank lines after it by that line alone.
      report(file, message, {
        line: last,
        endLine: lines.length,
        column: lines[last - 1].length + 1,
        suggestion: lines[last - 1],
      });
    },
  ) as RuleModule["plugin"],
};
