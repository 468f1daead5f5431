import { lintRule } from "unified-lint-rule";
import type { Heading, Root } from "mdast";
import type { VFile } from "vfile";
import { visit } from "unist-util-visit";
import { toString } from "mdast-util-to-string";
import type { RuleModule } from "../types.js";
import { report } from "../report.js";
import { docsUrl } from "../docs-url.js";
import { docOf } from "../types.js";
import { inFrontMatter } from "./util.js";

const ID = "single-h1";

/**
 * One H1 (`# Title`), and it is the first heading. The site takes the first
 * `# ` line as the page title and strips it from the body, so a second H1
 * renders as an ordinary heading at the wrong level.
 */
export const singleH1: RuleModule = {
  id: ID,
  severity: "warning",
  fixable: false,
  docs: {
    summary: "A doc needs exactly one H1, and it must be the first heading.",
    description:
      "Google's style uses a single H1 as the doc's title; every other heading is H2 or deeper. gVisor's site takes the first `# ` line as the page title and strips it from the body, so a second H1 shows up as a stray top-level heading and a doc without one has no title. Make the title the first heading and demote the others.",
    bad: "# Install\n\nText.\n\n# Configure\n\nText.",
    good: "# Install\n\nText.\n\n## Configure\n\nText.",
  },
  plugin: lintRule(
    { origin: `g3doc-review:${ID}`, url: docsUrl(ID) },
    (tree: Root, file: VFile) => {
      const doc = docOf(file);
      const headings: Heading[] = [];
      visit(tree, "heading", (node: Heading) => {
        if (node.position && !inFrontMatter(doc, node)) headings.push(node);
      });
      const h1s = headings.filter((h) => h.depth === 1);
      if (h1s.length === 0) {
        report(
          file,
          "The doc has no H1 title; start it with a single `# Title` line (the site uses it as the page title).",
          { line: 1 },
        );
        return;
      }
      const first = headings[0];
      if (first.depth !== 1) {
        const line = h1s[0].position!.start.line;
        report(
          file,
          `This heading comes before the doc's H1 title (line ${line}); the title must be the first heading, and the site takes the first \`# \` line as the page title.`,
          { line: first.position!.start.line, column: first.position!.start.column },
        );
      }
      const title = h1s[0];
      for (const h of h1s.slice(1)) {
        report(
          file,
          `A doc has a single H1, its title (\`${toString(title)}\` on line ${title.position!.start.line}); make this heading an H2 (\`## ${toString(h)}\`) or deeper.`,
          { line: h.position!.start.line, column: h.position!.start.column },
        );
      }
    },
  ) as RuleModule["plugin"],
};
