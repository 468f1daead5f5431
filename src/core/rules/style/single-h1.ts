import type { Heading } from "mdast";
import { eachNode } from "../../markdown/nodes.js";
import { toString } from "mdast-util-to-string";
import type { Rule } from "../types.js";
import { inFrontMatter } from "./util.js";

const ID = "single-h1";

/**
 * One H1 (`# Title`), and it is the first heading. The site takes the first
 * `# ` line as the page title and strips it from the body, so a second H1
 * renders as an ordinary heading at the wrong level.
 */
export const singleH1: Rule = {
  id: ID,
  scope: { on: "doc" },
  severity: "warning",
  alsoKnownAs: {
    markdownlint: ["MD025", "single-title", "single-h1"],
    remarkLint: ["no-multiple-toplevel-headings"],
  },
  docs: {
    summary: "A doc needs exactly one H1, and it must be the first heading.",
    description:
      "Google's style uses a single H1 as the doc's title; every other heading " +
      "is H2 or deeper. gVisor's site takes the first `# ` line as the page " +
      "title and strips it from the body, so a second H1 shows up as a stray " +
      "top-level heading and a doc without one has no title. Make the title the " +
      "first heading and demote the others.",
  },
  examples: [
    {
      doc: "# Install\n\nText.\n\n# Configure\n\nText.\n",
      findings: [
        {
          line: 5,
          column: 1,
          message:
            "A doc has a single H1, its title (`Install` on line 1); make this " +
            "heading an H2 (`## Configure`) or deeper.",
        },
      ],
    },
    {
      doc: "# Install\n\nText.\n\n## Configure\n\nText.\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const headings: Heading[] = [];
    eachNode(doc.tree, "heading", (node: Heading) => {
      if (node.position && !inFrontMatter(doc, node)) headings.push(node);
    });
    const h1s = headings.filter((h) => h.depth === 1);
    if (h1s.length === 0) {
      report(
        "The doc has no H1 title; start it with a single `# Title` line (the site " +
          "uses it as the page title).",
        { line: 1 },
      );
      return;
    }
    const first = headings[0];
    if (first.depth !== 1) {
      const line = h1s[0].position!.start.line;
      report(
        `This heading comes before the doc's H1 title (line ${line}); the title ` +
          `must be the first heading, and the site takes the first \`# \` line as ` +
          `the page title.`,
        { line: first.position!.start.line, column: first.position!.start.column },
      );
    }
    const title = h1s[0];
    for (const h of h1s.slice(1)) {
      report(
        `A doc has a single H1, its title (\`${toString(title)}\` on line ` +
          `${title.position!.start.line}); make this heading an H2 (\`## ` +
          `${toString(h)}\`) or deeper.`,
        { line: h.position!.start.line, column: h.position!.start.column },
      );
    }
  },
};
