import remarkLintNoUndefinedReferences from "remark-lint-no-undefined-references";
import { visit } from "unist-util-visit";
import { remarkLintMessages } from "../remark-lint.js";
import type { Rule } from "../types.js";

const ID = "undefined-reference";

/** `> [!NOTE]` opens a GitHub alert: the marker comes first in the quote (alone on its line, or followed by text as gVisor writes it). */
const ALERT_MARKER = /^\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]$/i;
const QUOTE_BEFORE = /^\s*(?:>\s*)+$/;
/** Editorial brackets in a quotation: `"[The] API ..."`, `[sic]`, `[...]`. */
const OPENING_QUOTE = /["'\u201c\u2018\u00ab]$/;
const EDITORIAL = /^(?:sic|\.\.\.|\u2026|emphasis (?:added|mine|original))$/i;
/** A list item that starts with a task box GFM did not take (`* [x]` with nothing after it). */
const LIST_MARKER_BEFORE = /^\s*(?:>\s*)*(?:[*+-]|\d{1,9}[.)])\s+$/;
const TASK_BOX = /^\[[ xX]\]$/;

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();
/**
 * Just before a bracket, what makes it a subscript, an array or an extra of
 * a package rather than a reference: `a[i]`, `apache-beam[gcp]`,
 * `f(columns=['country'])`, `x = [1, 2]`.
 */
const LITERAL_BEFORE = /[\p{L}\p{N}_)\]=,:'"`-]$/u;
/** Code spans, links, quoted strings: what leaves no words of a label behind. */
const NOT_WORDS = /`[^`]*`|\[[^\]]*\]\([^)]*\)|'[^']*'|"[^"]*"/g;
/** An MkDocs autorefs identifier (`pkg.mod.Foo`, `my-heading`): no spaces. */
const AUTOREF = /^[^\s[\]]+$/;
const looseKey = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
/** Before a bracket that opens a paragraph's or list item's text (after its marker, a quote or a task box). */
const TEXT_START_BEFORE = /^\s*(?:>\s*)*(?:(?:[*+-]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)?$/;

/**
 * Whether a lone `[label]` with no definition is more likely literal text
 * than a link: in a doc that defines no reference at all (its writer does not
 * use reference links: meeting notes' `[Bob]`, `## July 3 [Open Meeting]`,
 * `[Optional]`), or as a tag that opens a paragraph or list item and is
 * followed by its text (`* [Bob] Proposal ...`). markdownlint's MD052 leaves
 * every lone label alone by default; these are the cases where real docs
 * showed it literal.
 */
function literalShortcut(definitions: number, before: string, after: string): boolean {
  if (definitions === 0) return true;
  return TEXT_START_BEFORE.test(before) && /^[ \t]+\S/.test(after);
}

/**
 * remark-lint-no-undefined-references over the doc (with `[TOC]` allowed),
 * minus what is not a reference on GitHub or the site: GitHub alert markers,
 * task boxes, empty brackets, editorial brackets in quotations. Its message is rewritten for writers.
 */
export const undefinedReference: Rule = {
  id: ID,
  scope: { on: "doc" },
  severity: "error",
  alsoKnownAs: {
    markdownlint: ["MD052", "reference-links-images"],
    remarkLint: ["no-undefined-references"],
  },
  docs: {
    summary:
      "A reference-style link (`[text][label]`, `[label][]`, `[label]`) whose " +
      "label has no definition.",
    description:
      "A reference link needs a definition `[label]: url` somewhere in the same " +
      "doc; without one, readers see the brackets as plain text and no link. " +
      "Add the definition (Google style puts them at the end of the section), " +
      "fix the label so it matches an existing definition (labels ignore case), " +
      "or escape the bracket (`\\[`) when the brackets are meant literally. " +
      "`[TOC]`, footnotes, GitHub alerts (`> [!NOTE]`), task boxes (`* [ ]`), " +
      'editorial brackets in a quotation (`"[The] API ..."`, `[sic]`) and literal ' +
      "brackets are not references: a subscript or a package extra " +
      "(`a[i]`, `apache-beam[gcp]`), or brackets holding no words once code " +
      "spans, links and quoted strings are set aside (`[0.0, 1.0]`, " +
      "``[`A`, `B`]``). `[text][label]` and `[label][]` are errors; a lone " +
      "`[label]` may be meant literally, so it is a warning, and it is not " +
      "reported in a doc that defines no reference at all, nor as a tag that " +
      "opens a paragraph or list item (`* [Bob] Proposal`), where real docs " +
      "write literal brackets. A link whose `]` " +
      "and `(` a line break split is an error. Where a `mkdocs.yml` enables " +
      "MkDocs' autorefs plugin (or mkdocstrings), `[text][pkg.mod.Name]` and " +
      "`[pkg.mod.Name][]` are left to it.",
  },
  examples: [
    {
      doc: "# Title\n\nRead the [security model][security] first.\n",
      findings: [
        {
          line: 3,
          column: 10,
          message:
            "Undefined reference `[security]`: no definition `[security]: …` in this " +
            "doc, so readers see the brackets as text and no link. Add `[security]: " +
            "url` (at the end of the section), fix the label to match a definition, " +
            "or write `\\[` if the brackets are meant literally.",
        },
      ],
    },
    {
      doc:
        "# Title\n\nRead the [security model][security] first.\n\n" +
        "[security]: https://gvisor.dev/docs/architecture_guide/security/\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const source = doc.text;
    const messages = remarkLintMessages(remarkLintNoUndefinedReferences, { allow: ["TOC"] }, doc);
    if (messages.length === 0) return;

    const labels: string[] = [];
    visit(doc.tree, "definition", (node) => {
      labels.push(node.label ?? node.identifier);
    });

    for (const m of messages) {
      const place = m.place && "start" in m.place ? m.place : undefined;
      const start = place?.start;
      const end = place?.end;
      if (!start || !end || start.offset === undefined || end.offset === undefined) continue;
      const text = source.slice(start.offset, end.offset);
      const line = start.line;
      const lineText = doc.lines[line - 1] ?? "";
      const before = lineText.slice(0, start.column - 1);
      if (ALERT_MARKER.test(text) && QUOTE_BEFORE.test(before)) continue;
      if (TASK_BOX.test(text) && LIST_MARKER_BEFORE.test(before)) continue;
      const parts = /^\[([\s\S]*?)\](?:\[([\s\S]*)\])?$/.exec(text);
      if (!parts) continue;
      const shortcut = parts[2] === undefined;
      if (shortcut && (OPENING_QUOTE.test(before) || EDITORIAL.test(collapse(parts[1])))) continue;
      const label = collapse(
        parts[2] !== undefined && collapse(parts[2]) !== "" ? parts[2] : parts[1],
      );
      if (label === "") continue; // `[ ]` is no reference: a label needs a character.
      const image = start.offset > 0 && source[start.offset - 1] === "!";
      // Literal brackets: a subscript or a package extra, or no words once code, links and quotes are out.
      if (!image && LITERAL_BEFORE.test(before)) continue;
      if (!/[\p{L}]/u.test(label.replace(NOT_WORDS, "")) && !label.startsWith("^")) continue;
      // MkDocs autorefs resolves `[text][pkg.Foo]` and `[pkg.Foo][]` against the site's headings and objects.
      if (!shortcut && AUTOREF.test(label) && ctx.autorefs?.(doc.path)) continue;
      const after = source.slice(end.offset, end.offset + 3);
      // `[text]` then `(url)` on the next line: a link a line break split, the likeliest mistake of all.
      const split = shortcut && /^(?:\r?\n|\r)[ \t>]*\(/.test(after);
      const rest = lineText.slice(end.line === line ? end.column - 1 : lineText.length);
      const footnote = label.startsWith("^") && !/\s/.test(label);
      if (shortcut && !split && !footnote && literalShortcut(labels.length, before, rest)) continue;
      if (split) {
        report(
          `This link is broken by a line break between \`]\` and \`(\`: readers see ` +
            `\`[${label}]\` and the URL as text. Keep \`](\` together on one line.`,
          { line, column: start.column, endLine: end.line },
        );
        continue;
      }

      let reason: string;
      if (footnote) {
        reason =
          `Undefined footnote \`[${label}]\`: no \`[${label}]: …\` in this doc ` +
          `defines it, so readers see the brackets as text. Add the footnote ` +
          `(\`[${label}]: the note\`), or fix the label.`;
      } else {
        const near = labels.filter((l) => looseKey(l) === looseKey(label) && looseKey(l) !== "");
        const hint =
          near.length > 0 ? ` A definition \`[${near[0]}]\` exists: did you mean it?` : "";
        const what = image ? "image reference" : "reference";
        reason =
          `Undefined ${what} \`[${label}]\`: no definition \`[${label}]: …\` in ` +
          `this doc, so readers see the brackets as ` +
          `text${image ? " and no image" : " and no link"}. Add \`[${label}]: url\` ` +
          `(at the end of the section), fix the label to match a definition, or ` +
          `write \`\\[\` if the brackets are meant literally.${hint}`;
      }
      // `[text][label]` and `[label][]` are surely meant as links (markdownlint's MD052 reports
      // only those); a lone `[label]` may be literal text, so it is only a warning.
      report(reason, {
        line,
        column: start.column,
        endLine: end.line,
        severity: shortcut && !label.startsWith("^") ? "warning" : undefined,
      });
    }
  },
};
