import { lintRule } from "unified-lint-rule";
import type { Code, Root } from "mdast";
import type { VFile } from "vfile";
import { visit } from "unist-util-visit";
import type { RuleModule } from "../types.js";
import { docOf } from "../types.js";
import { report } from "../report.js";
import { docsUrl } from "../docs-url.js";
import { isFenced } from "./util.js";

const ID = "code-fence-language";

/** A GFM table delimiter row (`--- | ---`, `|:--|--:|`). */
const DELIMITER_ROW = /^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*$/;

/** Fenced code blocks without a language, and indented code blocks. */
export const codeFenceLanguage: RuleModule = {
  id: ID,
  severity: "notice",
  fixable: false,
  docs: {
    summary: "A code block without a declared language (or an indented code block).",
    description:
      "Google's Markdown style uses fenced code blocks and declares their language (```` ```shell ````, ```` ```go ````, ```` ```yaml ````), so that the site highlights them and readers know what they are looking at; use `text` for plain output. Indented code blocks cannot carry a language and are easy to break: fence them.",
    bad: "```\n$ docker run --runtime=runsc hello-world\n```",
    good: "```shell\n$ docker run --runtime=runsc hello-world\n```",
  },
  plugin: lintRule(
    { origin: `g3doc-review:${ID}`, url: docsUrl(ID) },
    (tree: Root, file: VFile) => {
      const doc = docOf(file);
      visit(tree, "code", (node: Code) => {
        const p = node.position;
        if (!p) return;
        if (!isFenced(doc, node)) {
          const next = doc.lines[p.end.line] ?? "";
          const message =
            DELIMITER_ROW.test(next) && node.value.includes("|")
              ? "This table's header row is indented by 4 or more spaces, so Markdown shows it as a code block and the table is lost; start the row at the margin (an empty first cell can be written `| | A | B`)."
              : "Use a fenced code block with a language (```` ```shell ````, ```` ```text ````...) instead of an indented one.";
          report(file, message, { line: p.start.line, column: p.start.column });
          return;
        }
        if (node.lang) return;
        report(
          file,
          "Declare this code block's language after the opening fence (```` ```shell ````, ```` ```go ````, ```` ```text ```` for plain output...).",
          {
            line: p.start.line,
            column: p.start.column,
          },
        );
      });
    },
  ) as RuleModule["plugin"],
};
