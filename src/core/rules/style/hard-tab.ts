import { lintRule } from "unified-lint-rule";
import type { Root } from "mdast";
import type { VFile } from "vfile";
import type { RuleModule } from "../types.js";
import { docOf } from "../types.js";
import { report } from "../report.js";
import { docsUrl } from "../docs-url.js";
import { codeLines } from "./util.js";

const ID = "hard-tab";

/** A tab character outside code blocks (tabs in fenced or indented code are fine). */
export const hardTab: RuleModule = {
  id: ID,
  severity: "warning",
  fixable: false,
  docs: {
    summary: "A tab character outside code blocks.",
    description:
      "Tabs render at different widths in editors, diffs and review tools, and they change how Markdown reads list and code indentation. Indent with spaces (4 per nesting level). Tabs inside code blocks are left alone.",
    bad: "*\tFirst item.",
    good: "*   First item.",
  },
  plugin: lintRule(
    { origin: `g3doc-review:${ID}`, url: docsUrl(ID) },
    (_tree: Root, file: VFile) => {
      const doc = docOf(file);
      const code = codeLines(doc);
      doc.lines.forEach((text, i) => {
        const col = text.indexOf("\t");
        if (col < 0 || code.has(i + 1)) return;
        report(
          file,
          "This line has a tab character; use spaces (tabs are only fine inside code blocks).",
          { line: i + 1, column: col + 1 },
        );
      });
    },
  ) as RuleModule["plugin"],
};
