import type { Link } from "mdast";
import { eachNode } from "../../markdown/nodes.js";
import type { Rule } from "../types.js";

const ID = "empty-link";

/** A link with no destination: `[text]()` or `[text](<>)`, which goes nowhere. */
export const emptyLink: Rule = {
  id: ID,
  scope: { on: "doc" },
  severity: "warning",
  docs: {
    summary: "A link with no destination (`[text]()`).",
    description:
      "`[text]()` renders as a link that goes nowhere (or reloads the page): " +
      "it is usually a link whose URL was never filled in. Add the destination, " +
      "or drop the brackets if the text should not be a link. `#` alone is an " +
      "empty destination too.",
  },
  examples: [
    {
      doc: "# Title\n\nRead the [install guide]() first.\n",
      findings: [
        {
          line: 3,
          column: 10,
          message:
            "This link has no destination, so it goes nowhere; add the URL or path " +
            "it should point at, or drop the brackets.",
        },
      ],
    },
    {
      doc: "# Title\n\nRead the [install guide](install.md) first.\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    eachNode(doc.tree, "link", (node: Link) => {
      const p = node.position;
      if (!p || p.start.offset === undefined || doc.text[p.start.offset] !== "[") return;
      const url = node.url.trim();
      if (url !== "" && url !== "#") return;
      report(
        "This link has no destination, so it goes nowhere; add the URL or path it " +
          "should point at, or drop the brackets.",
        { line: p.start.line, column: p.start.column },
      );
    });
  },
};
