import type { Heading, Paragraph } from "mdast";
import { eachNode } from "../../markdown/nodes.js";
import type { Report, Rule } from "../types.js";
import type { Doc } from "../../markdown/parse.js";
import { inFrontMatter } from "./util.js";

const ID = "heading-style";

const ID_SUFFIX = /[ \t]*\{#[^\s{}]+\}[ \t]*$/;
/**
 * A line that was meant as an ATX heading but has no space after the `#`s:
 * `##Title`, or `#Title` with a capital (a lowercase `#word` is a tag or a
 * chat channel).
 */
const NO_SPACE = /^( {0,3})(#{1,6}(?=\u00a0)|#{2,6}(?=[^#\s\d!])|#(?=\p{Lu}))/u;

type Position = NonNullable<Heading["position"]>;

/** An underlined (setext) heading: the ATX one, for top-level headings. */
function reportSetext(
  doc: Doc,
  node: Heading,
  p: Position,
  topLevel: boolean,
  report: Report,
): void {
  const hashes = "#".repeat(node.depth);
  const underline = node.depth === 1 ? "`===`" : "`---`";
  let suggestion: string | null = null;
  // Only rewrite top-level headings: inside lists and quotes the prefixes are not ours to guess.
  if (topLevel && p.start.column === 1 && p.end.line > p.start.line) {
    const text = doc.lines
      .slice(p.start.line - 1, p.end.line - 1)
      .map((l) => l.trim())
      .join(" ");
    suggestion = `${hashes} ${text}`;
  }
  report(
    `Use an ATX heading (\`${hashes} Title\`) instead of underlining the ` +
      `title with ${underline}; Google's style writes headings with \`#\`.`,
    {
      line: p.start.line,
      endLine: p.end.line,
      column: p.start.column,
      suggestion,
    },
  );
}

/** Closing `#`s of a one-line ATX heading, or ones glued to its title. */
function reportClosingHashes(doc: Doc, p: Position, report: Report): void {
  const full = doc.lines[p.start.line - 1];
  const from = p.start.column - 1;
  const own = full.slice(from);
  const idMatch = ID_SUFFIX.exec(own);
  const body = idMatch ? own.slice(0, idMatch.index) : own;
  const closing = /^(#{1,6}[ \t]+.*?\S)([ \t]+#+)[ \t]*$/.exec(body);
  // `## Title##`: closing `#`s with no space before them are part of the title.
  const glued = closing ? null : /^(#{1,6})([ \t]+.*?[^#\s\\])(#+)[ \t]*$/.exec(body);
  if (glued && glued[3] === glued[1]) {
    report(
      `Remove the \`${glued[3]}\` at the end of this heading: without a space before ` +
        "it, it shows as part of the title; Google's style writes `## Title` without closing `#`s.",
      {
        line: p.start.line,
        column: from + glued[1].length + glued[2].length + 1,
        suggestion:
          full.slice(0, from) + glued[1] + glued[2] + (idMatch ? ` ${idMatch[0].trim()}` : ""),
      },
    );
    return;
  }
  if (!closing) return;
  const idPart = idMatch ? ` ${idMatch[0].trim()}` : "";
  report(
    "Remove the closing `#`s from this heading; Google's style writes `## Title` without them.",
    {
      line: p.start.line,
      column: from + closing[1].length + 1 + (closing[2].length - closing[2].trimStart().length),
      suggestion: full.slice(0, from) + closing[1] + idPart,
    },
  );
}

/**
 * `key: value` lines between two lines of dashes at the top of a doc, where
 * the first is not exactly `---`: front matter as meant, a setext heading as
 * Markdown reads it.
 */
function brokenFrontMatter(doc: Doc, start: number, end: number): boolean {
  if (start !== 2 || !/^-{3,}\s*$/.test(doc.lines[0] ?? "")) return false;
  const lines = doc.lines.slice(start - 1, end - 1);
  // Nested keys (`info:` over `  employer: ...`) are indented; the first line is a top-level key.
  return (
    /^[\w-]+:(?:\s|$)/.test(lines[0] ?? "") && lines.every((l) => /^[ \t]*[\w-]+:(?:\s|$)/.test(l))
  );
}

/**
 * A setext heading underlined by a lone `-`: an empty list item meant to
 * follow the text (`- Marketing [Chris]` then `    - `), which cannot
 * interrupt a paragraph, so Markdown reads it as an underline.
 */
function emptyBulletUnderline(doc: Doc, p: Position): boolean {
  return p.end.line > p.start.line && /^[ \t>]*-[ \t]*$/.test(doc.lines[p.end.line - 1] ?? "");
}

/**
 * ATX headings only (`## Title`, not a `---` underline), a space after the
 * `#`s, and no closing `#`s. `## Title {#id}` is fine.
 */
export const headingStyle: Rule = {
  id: ID,
  scope: { on: "doc" },
  suggestion: {},
  severity: "warning",
  alsoKnownAs: {
    markdownlint: [
      "MD003",
      "heading-style",
      "MD018",
      "no-missing-space-atx",
      "MD019",
      "no-multiple-space-atx",
    ],
    remarkLint: ["heading-style", "no-heading-content-indent"],
  },
  docs: {
    summary:
      "Headings that are not plain ATX headings: underlined (setext), without a " +
      "space after `#`, or with closing `#`s.",
    description:
      "Google's Markdown style writes headings as `## Title`: underlined " +
      "headings (`===`, `---`) hide their level and are easy to mistake for a " +
      "rule; `##Title` without a space (or with a no-break space) is not a " +
      "heading at all in CommonMark, and closing `#`s are clutter (`## Title##`, " +
      "with no space before them, even shows them in the title). A custom " +
      "anchor (`## Title {#id}`) is fine. Two cases are named for what they " +
      "are rather than rewritten as `##`: `key: value` lines under a line of " +
      "dashes at the top of a doc (broken front matter), and text over an " +
      "empty `-` (an empty list item cannot follow text, so the dash underlines it).",
  },
  examples: [
    {
      doc: "# Title\n\nInstall\n-------\n\n##Configure\n\n## Run ##\n",
      findings: [
        {
          line: 3,
          column: 1,
          endLine: 4,
          message:
            "Use an ATX heading (`## Title`) instead of underlining the title with " +
            "`---`; Google's style writes headings with `#`.",
          suggestion: "## Install",
        },
        {
          line: 6,
          column: 1,
          message: "Put a space after `##`: without it this line is text, not a heading.",
          suggestion: "## Configure",
        },
        {
          line: 8,
          column: 8,
          message:
            "Remove the closing `#`s from this heading; Google's style writes `## " +
            "Title` without them.",
          suggestion: "## Run",
        },
      ],
    },
    {
      doc: "# Title\n\n## Install\n\n## Configure\n\n## Run\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    eachNode(doc.tree, "heading", (node: Heading, _i, parent) => {
      const p = node.position;
      if (!p || p.start.offset === undefined || inFrontMatter(doc, node)) return;
      if (doc.text[p.start.offset] !== "#" && brokenFrontMatter(doc, p.start.line, p.end.line)) {
        report(
          "This block looks like front matter, but front matter must open the doc with a " +
            "line of exactly `---` and close with another, so Markdown shows it as a heading " +
            "underlined with `---`: write both lines as `---`, or make it prose.",
          { line: p.start.line, endLine: p.end.line, column: p.start.column },
        );
        return;
      }
      if (doc.text[p.start.offset] !== "#" && emptyBulletUnderline(doc, p)) {
        report(
          "This line's text shows as a heading: the empty `-` under it cannot start a list item " +
            "after text, so Markdown reads it as an underline. Remove the empty `-` line, or write " +
            "the item's text after the dash.",
          {
            line: p.start.line,
            endLine: p.end.line,
            column: p.start.column,
            suggestion: doc.lines.slice(p.start.line - 1, p.end.line - 1).join("\n"),
          },
        );
        return;
      }
      if (doc.text[p.start.offset] !== "#")
        reportSetext(doc, node, p, parent?.type === "root", report);
      else if (p.end.line === p.start.line) reportClosingHashes(doc, p, report);
    });
    // A heading is one line: only a one-line paragraph can be a heading that lacks its space.
    eachNode(doc.tree, "paragraph", (node: Paragraph) => {
      const p = node.position;
      if (!p || p.end.line !== p.start.line || inFrontMatter(doc, node)) return;
      const line = p.start.line;
      const full = doc.lines[line - 1] ?? "";
      const from = p.start.column - 1;
      const m = NO_SPACE.exec(full.slice(from));
      if (!m) return;
      const at = from + m[1].length + m[2].length;
      // A no-break space after the `#`s is no space to Markdown: it becomes a plain one.
      const nbsp = full[at] === "\u00a0";
      report(
        nbsp
          ? `Replace the no-break space after \`${m[2]}\` with a plain space: with it this line is text, not a heading.`
          : `Put a space after \`${m[2]}\`: without it this line is text, not a heading.`,
        {
          line,
          column: from + m[1].length + 1,
          suggestion: `${full.slice(0, at)} ${full.slice(nbsp ? at + 1 : at)}`,
        },
      );
    });
  },
};
