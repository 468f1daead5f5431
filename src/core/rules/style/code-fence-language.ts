import type { Code } from "mdast";
import { eachNode } from "../../markdown/nodes.js";
import type { Rule } from "../types.js";
import { isFenced } from "./util.js";

const ID = "code-fence-language";

/** A GFM table delimiter row (`--- | ---`, `|:--|--:|`). */
const DELIMITER_ROW = /^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*$/;

/** Fenced code blocks without a language, and indented code blocks. */
export const codeFenceLanguage: Rule = {
  id: ID,
  scope: { on: "doc" },
  severity: "notice",
  alsoKnownAs: {
    markdownlint: ["MD040", "fenced-code-language"],
    remarkLint: ["fenced-code-flag"],
  },
  docs: {
    summary: "A code block without a declared language (or an indented code block).",
    description:
      "Google's Markdown style uses fenced code blocks and declares their " +
      "language (```` ```shell ````, ```` ```go ````, ```` ```yaml ````), so " +
      "that the site highlights them and readers know what they are looking at; " +
      "use `text` for plain output. Indented code blocks cannot carry a " +
      "language and are easy to break: fence them.",
  },
  examples: [
    {
      doc: "# Title\n\n```\n$ docker run --runtime=runsc hello-world\n```\n",
      findings: [
        {
          line: 3,
          column: 1,
          message:
            "Declare this code block's language after the opening fence (```` " +
            "```shell ````, ```` ```go ````, ```` ```text ```` for plain output...).",
        },
      ],
    },
    {
      doc: "# Title\n\n```shell\n$ docker run --runtime=runsc hello-world\n```\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    eachNode(doc.tree, "code", (node: Code) => {
      const p = node.position;
      if (!p) return;
      if (!isFenced(doc, node)) {
        const next = doc.lines[p.end.line] ?? "";
        const message =
          DELIMITER_ROW.test(next) && node.value.includes("|")
            ? "This table's header row is indented by 4 or more spaces, so Markdown " +
              "shows it as a code block and the table is lost; start the row at the " +
              "margin (an empty first cell can be written `| | A | B`)."
            : /^ {0,3}\t/.test(doc.lines[p.start.line - 1] ?? "")
              ? "This block is indented with a tab, so Markdown shows it as code: if " +
                "it is prose, remove the indent; if it is code, use a fenced code block " +
                "with a language (```` ```shell ````, ```` ```text ````...)."
              : "Use a fenced code block with a language (```` ```shell ````, ```` " +
                "```text ````...) instead of an indented one.";
        report(message, { line: p.start.line, column: p.start.column });
        return;
      }
      if (node.lang) return;
      report(
        "Declare this code block's language after the opening fence (```` " +
          "```shell ````, ```` ```go ````, ```` ```text ```` for plain output...).",
        {
          line: p.start.line,
          column: p.start.column,
        },
      );
    });
  },
};
