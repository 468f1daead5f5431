import type { Code, List, RootContent } from "mdast";
import type { Rule } from "../types.js";
import { isFenced, walk } from "./util.js";

const ID = "code-fence-indent";

/**
 * A fenced code block at the margin between two parts of a list: it ends the
 * list, so a numbered list starts over, and the block does not belong to the
 * step it explains.
 */
export const codeFenceIndent: Rule = {
  id: ID,
  scope: { on: "doc" },
  severity: "warning",
  docs: {
    summary: "A code block at the margin in the middle of a list, which ends the list.",
    description:
      "Google's Markdown style nests a code block that belongs to a list item " +
      "inside the item: indent the fence and its lines to the item's text (4 " +
      "spaces for `1.  Step`). A fence at column 1 ends the list, so the block " +
      "no longer belongs to the step, and a numbered list after it starts again " +
      "from 1 on GitHub.",
  },
  examples: [
    {
      doc: "# Title\n\n1.  Install:\n\n```shell\nmake install\n```\n\n1.  Run.\n",
      findings: [
        {
          line: 5,
          column: 1,
          endLine: 7,
          message:
            "This code block sits at the margin between two parts of a list, so it " +
            "ends the list: indent it (fence and lines) to the item's text, 4 spaces, " +
            "to keep it in the item.",
        },
      ],
    },
    {
      doc: "# Title\n\n1.  Install:\n\n    ```shell\n    make install\n    ```\n\n1.  Run.\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    walk(doc.tree, (node) => {
      if (!("children" in node) || node.type === "list") return;
      const kids = node.children as RootContent[];
      kids.forEach((kid, i) => {
        if (kid.type !== "code" || !isFenced(doc, kid as Code)) return;
        const before = kids[i - 1];
        const after = kids[i + 1];
        if (before?.type !== "list" || after?.type !== "list") return;
        if ((before as List).ordered !== (after as List).ordered) return;
        const p = kid.position;
        const lp = before.position;
        if (!p || !lp || p.start.column > lp.start.column) return;
        const first = (before as List).children[0];
        const indent = first?.children[0]?.position
          ? first.children[0].position.start.column - lp.start.column
          : 4;
        report(
          "This code block sits at the margin between two parts of a list, so it ends " +
            `the list: indent it (fence and lines) to the item's text, ${indent} ` +
            `space${indent === 1 ? "" : "s"}, to keep it in the item.`,
          { line: p.start.line, column: p.start.column, endLine: p.end.line },
        );
      });
    });
  },
};
