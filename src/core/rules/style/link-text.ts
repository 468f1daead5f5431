import type { Link, LinkReference } from "mdast";
import { eachNodeOf } from "../../markdown/nodes.js";
import { toString } from "mdast-util-to-string";
import { normalizeIdentifier } from "micromark-util-normalize-identifier";
import type { Rule } from "../types.js";
import { definitionsOf } from "../../markdown/refs.js";

const ID = "link-text";

const VAGUE = new Set(["here", "click here", "link", "this", "this link", "more"]);

/** A URL without its scheme, `www.` and trailing slash, to compare a link's text with its destination. */
function bareUrl(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, "")
    .replace(/^mailto:/, "")
    .replace(/^www\./, "")
    .replace(/\/+$/, "");
}

/** Link text must say where the link goes: not "here", not the URL repeated. */
export const linkText: Rule = {
  id: ID,
  scope: { on: "doc" },
  severity: "notice",
  alsoKnownAs: { markdownlint: ["MD059", "descriptive-link-text"] },
  docs: {
    summary:
      'Link text that does not say where the link goes ("here", "link", or the URL repeated).',
    description:
      "Google's style asks for informative link text: readers scan links, and " +
      'screen readers list them out of context, so "click here" says nothing. ' +
      "Write what the target is. A URL written as its own link text " +
      "(`[https://x](https://x)`) is noise: use an autolink (`<https://x>`) or " +
      "describe the page. Text that is all code (``[`more`](more.md)``) names " +
      "a command or a field and is fine; text wrapped over lines is read as one " +
      "line.",
  },
  examples: [
    {
      doc: "# Title\n\nTo install gVisor, click [here](install.md).\n",
      findings: [
        {
          line: 3,
          column: 26,
          message:
            'Link text "here" does not say where the link goes; use the name of the ' +
            "page or what the reader finds there.",
        },
      ],
    },
    {
      doc: "# Title\n\nSee [Installation](install.md).\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const defs = definitionsOf(doc);
    eachNodeOf(doc.tree, ["link", "linkReference"], (node) => {
      if (node.type !== "link" && node.type !== "linkReference") return;
      const p = node.position;
      if (!p || p.start.offset === undefined) return;
      // Autolinks (`<https://x>`) and bare URLs are fine: only `[text](dest)` and `[text][ref]` have written text.
      if (doc.text[p.start.offset] !== "[") return;
      const url =
        node.type === "link"
          ? (node as Link).url
          : defs.get(normalizeIdentifier((node as LinkReference).identifier))?.url;
      // Text that is all code names a command or a field (`[\`more\`](more.md)`), not "more".
      const kids = (node as Link | LinkReference).children;
      if (kids.length > 0 && kids.every((k) => k.type === "inlineCode")) return;
      // Text wrapped over lines reads as one line.
      const text = toString(node).replace(/\s+/g, " ");
      const norm = text
        .trim()
        .toLowerCase()
        .replace(/[\s.,:;!?…]+$/, "");
      if (VAGUE.has(norm)) {
        report(
          `Link text "${text.trim()}" does not say where the link goes; use the ` +
            `name of the page or what the reader finds there.`,
          {
            line: p.start.line,
            column: p.start.column,
          },
        );
      } else if (url && norm !== "" && bareUrl(text) === bareUrl(url) && /[./]/.test(norm)) {
        report(
          "This link's text repeats its URL; describe the target instead, or write " +
            "the URL as an autolink (`<https://...>`).",
          {
            line: p.start.line,
            column: p.start.column,
          },
        );
      }
    });
  },
};
