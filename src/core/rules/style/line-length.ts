import { lintRule } from "unified-lint-rule";
import remarkLintMaximumLineLength from "remark-lint-maximum-line-length";
import { VFile } from "vfile";
import type { Root } from "mdast";
import type { RuleModule, ReviewContext } from "../types.js";
import { report } from "../report.js";
import { docsUrl } from "../docs-url.js";

const ID = "line-length";

/**
 * remark-lint's maximum-line-length algorithm: code, tables, headings,
 * definitions and HTML are exempt, and so is a link, image or code span that
 * crosses the limit with nothing breakable after it on the line.
 */
export const lineLength: RuleModule = {
  id: ID,
  severity: "warning",
  fixable: false,
  docs: {
    summary: "Lines of prose longer than the limit (80 columns by default).",
    description:
      "Google's Markdown style wraps prose at 80 columns so that diffs stay readable. Code blocks, tables, headings, link definitions and lines whose overflow is an unbreakable link, URL or code span are exempt. Wrap the paragraph; put a long link on a line of its own.",
    bad: "This sentence goes on and on well past the eightieth column of the line, which makes diffs hard to read.",
    good: "This sentence goes on and on well past the eightieth column of the line, which\nmakes diffs hard to read.",
  },
  plugin: lintRule({ origin: `g3doc-review:${ID}`, url: docsUrl(ID) }, (tree: Root, file: VFile, ctx: ReviewContext) => {
    const limit = ctx.config.lineLength;
    const scratch = new VFile({ path: file.path, value: file.value });
    const run = (remarkLintMaximumLineLength as any).call(undefined, limit);
    run(tree, scratch, () => {});
    for (const m of scratch.messages) {
      const line = m.line ?? 1;
      const length = Array.from(String(file.value).split(/\r?\n/)[line - 1] ?? "").length;
      report(file, `This line is ${length} characters long; wrap prose at ${limit} columns (only code, tables, headings and unbreakable links may be longer).`, {
        line,
        column: limit + 1,
      });
    }
  }) as RuleModule["plugin"],
};
