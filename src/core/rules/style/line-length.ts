import { lintRule } from "unified-lint-rule";
import remarkLintMaximumLineLength from "remark-lint-maximum-line-length";
import { VFile } from "vfile";
import type { Root } from "mdast";
import type { RuleModule, ReviewContext } from "../types.js";
import { report } from "../report.js";
import { docsUrl } from "../docs-url.js";
import { docOf } from "../types.js";
import { paragraphAt, refillOf } from "../../fix/paragraphs.js";

const ID = "line-length";

/**
 * remark-lint's maximum-line-length algorithm: code, tables, headings,
 * definitions and HTML are exempt, and so is a link, image or code span that
 * crosses the limit with nothing breakable after it on the line.
 */
export const lineLength: RuleModule = {
  id: ID,
  severity: "warning",
  fixable: true,
  docs: {
    summary: "Lines of prose longer than the limit (80 columns by default).",
    description:
      "Google's Markdown style wraps prose at 80 columns so that diffs stay readable. Code blocks, tables, headings, link definitions and lines whose overflow is an unbreakable link, URL or code span are exempt. Wrap the paragraph; put a long link on a line of its own.",
    bad: "This sentence goes on and on well past the eightieth column of the line, which makes diffs hard to read.",
    good: "This sentence goes on and on well past the eightieth column of the line, which\nmakes diffs hard to read.",
  },
  plugin: lintRule(
    { origin: `g3doc-review:${ID}`, url: docsUrl(ID) },
    (tree: Root, file: VFile, ctx: ReviewContext) => {
      const limit = ctx.config.lineLength;
      const scratch = new VFile({ path: file.path, value: file.value });
      const run = (remarkLintMaximumLineLength as any).call(undefined, limit);
      run(tree, scratch, () => {});
      const doc = docOf(file);
      const lines = doc ? doc.lines : String(file.value).split(/\r?\n/);
      // A paragraph's refill, computed once however many of its lines are long.
      const refills = new Map<number, string[] | null>();
      for (const m of scratch.messages) {
        const line = m.line ?? 1;
        const length = Array.from(lines[line - 1] ?? "").length;
        const message = `This line is ${length} characters long; wrap prose at ${limit} columns (only code, tables, headings and unbreakable links may be longer).`;
        // A long line of a paragraph: one finding per paragraph (at its first long line), with the paragraph rewrapped as the suggestion.
        const para = doc ? paragraphAt(doc, line) : undefined;
        if (para) {
          const seen = refills.has(para.start);
          if (!seen) refills.set(para.start, refillOf(doc, para, limit));
          const rewrapped = refills.get(para.start);
          if (rewrapped) {
            if (!seen) {
              const where = line === para.start ? "" : ` (line ${line})`;
              report(
                file,
                `This paragraph has a line ${length} characters long${where}; wrap prose at ${limit} columns (only code, tables, headings and unbreakable links may be longer). The suggestion rewraps the paragraph.`,
                {
                  line: para.start,
                  endLine: para.end,
                  column: limit + 1,
                  suggestion: rewrapped.join("\n"),
                },
              );
            }
            continue;
          }
        }
        report(file, message, { line, column: limit + 1 });
      }
    },
  ) as RuleModule["plugin"],
};
