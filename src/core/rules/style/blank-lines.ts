import { eachNode } from "../../markdown/nodes.js";
import type { Rule } from "../types.js";
import { codeLines, frontMatterEnd } from "./util.js";

const ID = "blank-lines";

/** More than one blank line in a row, outside code blocks. */
export const blankLines: Rule = {
  id: ID,
  scope: { on: "doc" },
  severity: "notice",
  docs: {
    summary: "Two or more blank lines in a row (outside code blocks).",
    description:
      "One blank line separates blocks; more add nothing to the rendered page " +
      "and make the source uneven. `g3doc-review fix` keeps one. Blank lines inside code blocks, HTML blocks and front matter are left alone.",
  },
  examples: [
    {
      doc: "# Title\n\nOne paragraph.\n\n\n\nAnother.\n",
      findings: [
        {
          line: 4,
          column: 1,
          endLine: 6,
          message: "3 blank lines in a row; one is enough (`g3doc-review fix` removes the others).",
        },
      ],
    },
    {
      doc: "# Title\n\nOne paragraph.\n\nAnother.\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const code = new Set(codeLines(doc));
    // An HTML block (a comment, `<pre>`) may hold blank lines of its own.
    eachNode(doc.tree, "html", (node) => {
      const p = node.position;
      if (p) for (let l = p.start.line; l <= p.end.line; l++) code.add(l);
    });
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
        report(
          `${run} blank lines in a row; one is enough (\`g3doc-review fix\` removes the others).`,
          {
            line: i + 1,
            column: 1,
            endLine: end + 1,
          },
        );
      }
      i = j;
    }
  },
};
