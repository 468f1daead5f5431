import remarkLintNoUndefinedReferences from "remark-lint-no-undefined-references";
import type { Root } from "mdast";
import { eachNode, eachNodeOf } from "../../markdown/nodes.js";
import { remarkLintMessages } from "../remark-lint.js";
import type { Rule } from "../types.js";

const ID = "undefined-reference";

/** `> [!NOTE]` opens a GitHub alert: the marker comes first in the quote (alone on its line, or followed by text as gVisor writes it). */
const ALERT_MARKER = /^\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]$/i;
const QUOTE_BEFORE = /^\s*(?:>\s*)+$/;
/** Editorial brackets in a quotation: `"[The] API ..."`, `[sic]`, `[...]`. */
const OPENING_QUOTE = /["'\u201c\u2018\u00ab]$/;
const EDITORIAL = /^(?:sic|\.\.\.|\u2026|emphasis (?:added|mine|original))$/i;
/** A status tag on a title or item (`## Drawbacks [optional]`, `In-tree plugin [deprecated]`, `[WIP]`). */
const STATUS_TAG =
  /^(?:optional|required|deprecated|experimental|alpha|beta|stable|ga|wip|draft|new|done|todo|tbd|obsolete|removed|legacy)$/i;
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
/** Before a bracket that opens a paragraph's or list item's text (after its marker, a quote, a task box, emphasis or strikethrough). */
const TEXT_START_BEFORE = /^\s*(?:>\s*)*(?:(?:[*+-]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)?[*_~]{0,4}$/;

/** Whether the text around a bracket is a quotation that holds it: `“[ko], [ja], [zh]”` (quoted text is shown as written). */
function insideQuotation(before: string, after: string): boolean {
  if (/\u201c[^\u201d]*$/.test(before) && /^[^\u201c]*\u201d/.test(after)) return true;
  return (before.match(/"/g) ?? []).length % 2 === 1 && after.includes('"');
}

/**
 * Whether a lone `[label]` with no definition is more likely literal text
 * than a link: in a doc that defines no reference at all (its writer does not
 * use reference links: meeting notes' `[Bob]`, `## July 3 [Open Meeting]`,
 * `[Optional]`), or as a tag that opens a paragraph or list item and is
 * followed by its text (`* [Bob] Proposal ...`, `* **[Selected] Option 1**`),
 * or inside a quotation on its line (`“[ko], [ja], [zh]”`), or in a run of
 * tags (`[It] [sig-node]`). markdownlint's MD052 leaves
 * every lone label alone by default; these are the cases where real docs
 * showed it literal.
 */
function literalShortcut(labels: readonly string[], before: string, after: string): boolean {
  if (labels.length === 0 || insideQuotation(before, after)) return true;
  if (inTagRun(before, after, new Set(labels.map(labelKey)))) return true;
  return TEXT_START_BEFORE.test(before) && /^[ \t]+\S/.test(after);
}

/**
 * Whether a lone label is one of a run of tags: next to another bracketed
 * label a space apart, or on a line with two more (`[It] [sig-node] DRA
 * [Feature:X]`, a test's name), none of them a defined reference (then the
 * line lists references, one of which lost its definition). CommonMark makes
 * no link of `[a] [b]` (only old Markdown read it as `[text] [id]`).
 */
function inTagRun(before: string, after: string, defined: ReadonlySet<string>): boolean {
  const lone = /\[([^[\]]*)\](?![([])/g;
  const others = [...before.matchAll(lone), ...after.matchAll(lone)].map((m) => m[1]);
  if (others.some((o) => defined.has(labelKey(o)))) return false;
  if (/\][ \t]+$/.test(before) || /^[ \t]+\[[^[\]]*\](?![([])/.test(after)) return true;
  return others.length >= 2;
}

/** A label as definitions match it: case and runs of whitespace do not count. */
const labelKey = (s: string) => collapse(s).toLowerCase();

type Range = [number, number];
const LINK_TYPES = new Set(["link", "linkReference", "image", "imageReference"]);

/**
 * Whether a lone `[tag]` is text by what it holds or what is around it:
 * editorial brackets in a quotation (`"[The] API"`, `[sic]`), a status tag,
 * or a Kubernetes enhancement proposal's marker (`<<[UNRESOLVED owner]>>`).
 */
function literalTag(tag: string, before: string, after: string): boolean {
  if (OPENING_QUOTE.test(before) || EDITORIAL.test(tag) || STATUS_TAG.test(tag)) return true;
  return before.endsWith("<<") && after === ">>";
}

/**
 * Where brackets are literal whatever they hold. `inLinks`: the text of a
 * link or an image (a link cannot hold another link, so `[Drawbacks
 * [optional]](#drawbacks)` shows `[optional]` as is). `placeholders`: a list
 * item's first line when it is all one text and nested items follow, as
 * templates write a placeholder to copy (`- [Dependency name]` over its
 * `- Usage description:`). A lone label that is a whole leaf item is still
 * reported: in a doc with definitions it is likelier a link that lost its URL.
 */
function literalRanges(tree: Root): { inLinks: Range[]; placeholders: Range[] } {
  const inLinks: Range[] = [];
  const placeholders: Range[] = [];
  eachNodeOf(tree, ["link", "linkReference", "image", "imageReference", "listItem"], (node) => {
    const p = node.position;
    if (p?.start.offset === undefined || p.end.offset === undefined) return;
    if (LINK_TYPES.has(node.type)) inLinks.push([p.start.offset, p.end.offset]);
    if (node.type !== "listItem" || node.children.length < 2) return;
    const first = node.children[0];
    const fp = first.position;
    if (first.type !== "paragraph" || fp?.start.offset === undefined || fp.end.offset === undefined)
      return;
    if (
      first.children.length === 1 &&
      first.children[0].type === "text" &&
      fp.start.line === fp.end.line
    )
      placeholders.push([fp.start.offset, fp.end.offset]);
  });
  return { inLinks, placeholders };
}

/** Whether the bracket at `start`..`end` is inside a link's text, or is a whole placeholder item (a lone label only). */
function literalByPlace(
  ranges: ReturnType<typeof literalRanges>,
  start: number,
  end: number,
  shortcut: boolean,
): boolean {
  if (ranges.inLinks.some(([from, to]) => from < start && end <= to)) return true;
  return shortcut && ranges.placeholders.some(([from, to]) => from === start && end === to);
}

/** What a finding says: an undefined footnote, reference or image reference, with a near definition when there is one. */
function undefinedMessage(
  label: string,
  footnote: boolean,
  image: boolean,
  labels: readonly string[],
): string {
  if (footnote)
    return (
      `Undefined footnote \`[${label}]\`: no \`[${label}]: …\` in this doc ` +
      `defines it, so readers see the brackets as text. Add the footnote ` +
      `(\`[${label}]: the note\`), or fix the label.`
    );
  const near = labels.filter((l) => looseKey(l) === looseKey(label) && looseKey(l) !== "");
  const hint = near.length > 0 ? ` A definition \`[${near[0]}]\` exists: did you mean it?` : "";
  const what = image ? "image reference" : "reference";
  return (
    `Undefined ${what} \`[${label}]\`: no definition \`[${label}]: …\` in ` +
    `this doc, so readers see the brackets as ` +
    `text${image ? " and no image" : " and no link"}. Add \`[${label}]: url\` ` +
    `(at the end of the section), fix the label to match a definition, or ` +
    `write \`\\[\` if the brackets are meant literally.${hint}`
  );
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
      "opens a paragraph or list item (`* [Bob] Proposal`, `* **[Selected] Option**`), " +
      "nor inside a quotation (`“[ko], [ja]”`), nor as a status tag (`## Drawbacks [optional]`, " +
      "`[deprecated]`, `[WIP]`), nor as a marker in `<<[UNRESOLVED]>>`, nor as the whole " +
      "text of a list item that holds nested items (a template's placeholder, " +
      "`- [Dependency name]`), where real docs write literal brackets. Brackets " +
      "inside a link's text are text (a link cannot hold a link). A link whose `]` " +
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
    eachNode(doc.tree, "definition", (node) => {
      labels.push(node.label ?? node.identifier);
    });
    const ranges = literalRanges(doc.tree);

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
      if (literalByPlace(ranges, start.offset, end.offset, shortcut)) continue;
      if (
        shortcut &&
        literalTag(collapse(parts[1]), before, source.slice(end.offset, end.offset + 2))
      )
        continue;
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
      if (shortcut && !split && !footnote && literalShortcut(labels, before, rest)) continue;
      if (split) {
        report(
          `This link is broken by a line break between \`]\` and \`(\`: readers see ` +
            `\`[${label}]\` and the URL as text. Keep \`](\` together on one line.`,
          { line, column: start.column, endLine: end.line },
        );
        continue;
      }

      const reason = undefinedMessage(label, footnote, image, labels);
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
