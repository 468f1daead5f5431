import type { Html } from "mdast";
import { eachNode } from "../../markdown/nodes.js";
import type { Rule } from "../types.js";
import type { Doc } from "../../markdown/parse.js";
import { codeLines } from "./util.js";

/** The lines of HTML blocks (not inline HTML): Markdown leaves their whitespace to HTML, which collapses a tab. */
function htmlBlockLines(doc: Doc): Set<number> {
  const lines = new Set<number>();
  eachNode(doc.tree, "html", (node: Html, _i, parent) => {
    const p = node.position;
    if (!p || (parent && "type" in parent && parent.type === "paragraph")) return;
    for (let l = p.start.line; l <= p.end.line; l++) lines.add(l);
  });
  return lines;
}

const ID = "hard-tab";

/** A tab character outside code blocks and HTML blocks (tabs in fenced or indented code are fine). */
export const hardTab: Rule = {
  id: ID,
  scope: { on: "doc" },
  severity: "warning",
  alsoKnownAs: { markdownlint: ["MD010", "no-hard-tabs"], remarkLint: ["no-tabs"] },
  docs: {
    summary: "A tab character outside code blocks.",
    description:
      "Tabs render at different widths in editors, diffs and review tools, and " +
      "they change how Markdown reads list and code indentation. Indent with " +
      "spaces (4 per nesting level). Tabs inside code blocks are left alone, " +
      "and so are tabs inside HTML blocks, which Markdown does not read.",
  },
  examples: [
    {
      doc: "# Title\n\n*\tFirst item.\n",
      findings: [
        {
          line: 3,
          column: 2,
          message:
            "This line has a tab character; use spaces (tabs are only fine inside " +
            "code blocks).",
        },
      ],
    },
    {
      doc: "# Title\n\n*   First item.\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const code = codeLines(doc);
    const html = htmlBlockLines(doc);
    doc.lines.forEach((text, i) => {
      const col = text.indexOf("\t");
      if (col < 0 || code.has(i + 1) || html.has(i + 1)) return;
      report("This line has a tab character; use spaces (tabs are only fine inside code blocks).", {
        line: i + 1,
        column: col + 1,
      });
    });
  },
};
