import type { Nodes, Root } from "mdast";
import type { Rule } from "../types.js";
import type { Doc } from "../../markdown/parse.js";
import { paragraphAt, refillOf, refillRanges } from "../../fix/paragraphs.js";

const ID = "line-length";

/** Blocks whose lines may be long: they cannot be wrapped, or wrapping changes them. */
const EXEMPT_BLOCKS = new Set(["code", "definition", "heading", "table", "yaml", "toml", "math"]);

/** Inline nodes a line may end with past the limit: links (inline or reference), images, code spans. */
const UNBREAKABLE = new Set(["image", "imageReference", "inlineCode", "link", "linkReference"]);

/**
 * The long lines of a doc, as remark-lint's maximum-line-length finds them,
 * with only the documented exemptions: code blocks, tables, headings, link
 * definitions, front matter, HTML blocks, and a link, image or code span that
 * crosses the limit with nothing breakable after it on the line. Inline HTML
 * (`<b>Note:</b>` in a paragraph) exempts nothing.
 */
export function longLines(doc: Doc, limit: number): number[] {
  const exempt = new Set<number>();
  const span = (node: Nodes) => {
    const p = node.position;
    if (p) for (let l = p.start.line; l <= p.end.line; l++) exempt.add(l);
  };
  const go = (node: Nodes, parent: Nodes | null) => {
    if (EXEMPT_BLOCKS.has(node.type)) return span(node);
    // An HTML block, not inline HTML inside a paragraph or heading.
    if (node.type === "html" && parent !== null && !PHRASING_PARENTS.has(parent.type))
      return span(node);
    if (!("children" in node)) return;
    const kids = node.children as Nodes[];
    kids.forEach((child, i) => {
      if (UNBREAKABLE.has(child.type)) {
        const p = child.position;
        if (p && p.start.column <= limit && p.end.column >= limit) {
          const next = kids[i + 1];
          const np = next?.position;
          const breakable =
            next &&
            np &&
            np.start.line === p.end.line &&
            (!("value" in next) || /^([^\r\n]*)[ \t]/.test(String(next.value)));
          if (!breakable) span(child);
        }
      }
      go(child, node);
    });
  };
  go(doc.tree as Root, null);
  const out: number[] = [];
  doc.lines.forEach((text, i) => {
    if (!exempt.has(i + 1) && Array.from(text).length > limit) out.push(i + 1);
  });
  return out;
}

const PHRASING_PARENTS = new Set([
  "paragraph",
  "heading",
  "tableCell",
  "emphasis",
  "strong",
  "delete",
  "link",
  "linkReference",
]);

/** Long lines of prose, each paragraph's rewrapped as the suggestion. */
export const lineLength: Rule = {
  id: ID,
  scope: { on: "doc" },
  suggestion: {
    recompute: {
      stage: "paragraphs",
      apply: (text, path, ranges, config) => refillRanges(text, path, ranges, config.lineLength),
    },
  },
  severity: "warning",
  alsoKnownAs: { markdownlint: ["MD013", "line-length"], remarkLint: ["maximum-line-length"] },
  docs: {
    summary: "Lines of prose longer than the limit (80 columns by default).",
    description:
      "Google's Markdown style wraps prose at 80 columns so that diffs stay " +
      "readable. Code blocks, tables, headings, link definitions, front matter, " +
      "HTML blocks and lines whose overflow is an unbreakable link, URL or code " +
      "span are exempt; inline HTML in prose (`<b>Note:</b> ...`) is not. Wrap " +
      "the paragraph; put a long link on a line of its own.",
  },
  examples: [
    {
      doc:
        "# Title\n\n" +
        "This sentence goes on and on well past the eightieth column of the " +
        "line, which makes diffs hard to read.\n",
      findings: [
        {
          line: 3,
          column: 81,
          message:
            "This paragraph has a line 104 characters long; wrap prose at 80 columns " +
            "(only code, tables, headings and unbreakable links may be longer). The " +
            "suggestion rewraps the paragraph.",
          suggestion:
            "This sentence goes on and on well past the eightieth column of the " +
            "line, which\nmakes diffs hard to read.",
        },
      ],
    },
    {
      doc:
        "# Title\n\n" +
        "This sentence goes on and on well past the eightieth column of the " +
        "line, which\nmakes diffs hard to read.\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const limit = ctx.config.lineLength;
    const why =
      `wrap prose at ${limit} columns ` +
      "(only code, tables, headings and unbreakable links may be longer)";
    // A paragraph's refill, computed once however many of its lines are long.
    const refills = new Map<number, string[] | null>();
    for (const line of longLines(doc, limit)) {
      const length = Array.from(doc.lines[line - 1] ?? "").length;
      // A long line of a paragraph: one finding per paragraph (at its first
      // long line), with the paragraph rewrapped as the suggestion.
      const para = paragraphAt(doc, line);
      if (para) {
        const seen = refills.has(para.start);
        if (!seen) refills.set(para.start, refillOf(doc, para, limit));
        const rewrapped = refills.get(para.start);
        if (rewrapped) {
          if (seen) continue;
          const where = line === para.start ? "" : ` (line ${line})`;
          report(
            `This paragraph has a line ${length} characters long${where}; ${why}. ` +
              "The suggestion rewraps the paragraph.",
            {
              line: para.start,
              endLine: para.end,
              column: limit + 1,
              suggestion: rewrapped.join("\n"),
            },
          );
          continue;
        }
      }
      report(`This line is ${length} characters long; ${why}.`, { line, column: limit + 1 });
    }
  },
};
