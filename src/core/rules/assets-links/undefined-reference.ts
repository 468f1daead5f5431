import { lintRule } from "unified-lint-rule";
import remarkLintNoUndefinedReferences from "remark-lint-no-undefined-references";
import { VFile } from "vfile";
import type { Root } from "mdast";
import { visit } from "unist-util-visit";
import type { RuleModule, ReviewContext } from "../types.js";
import { docOf } from "../types.js";
import { report } from "../report.js";
import { docsUrl } from "../docs-url.js";

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
const looseKey = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

/**
 * remark-lint-no-undefined-references over the doc (with `[TOC]` allowed),
 * minus what is not a reference on GitHub or the site: GitHub alert markers,
 * task boxes, empty brackets, editorial brackets in quotations. Its message is rewritten for writers.
 */
export const undefinedReference: RuleModule = {
  id: ID,
  severity: "error",
  fixable: false,
  docs: {
    summary:
      "A reference-style link (`[text][label]`, `[label][]`, `[label]`) whose label has no definition.",
    description:
      'A reference link needs a definition `[label]: url` somewhere in the same doc; without one, readers see the brackets as plain text and no link. Add the definition (Google style puts them at the end of the section), fix the label so it matches an existing definition (labels ignore case), or escape the bracket (`\\[`) when the brackets are meant literally. `[TOC]`, footnotes, GitHub alerts (`> [!NOTE]`), task boxes (`* [ ]`) and editorial brackets in a quotation (`"[The] API ..."`, `[sic]`) are not references.',
    bad: "Read the [security model][security] first.",
    good: "Read the [security model][security] first.\n\n[security]: https://gvisor.dev/docs/architecture_guide/security/",
  },
  plugin: lintRule(
    { origin: `g3doc-review:${ID}`, url: docsUrl(ID) },
    (tree: Root, file: VFile, _ctx: ReviewContext) => {
      const doc = docOf(file);
      const source = String(file.value);
      const scratch = new VFile({ path: file.path, value: file.value });
      const run = (remarkLintNoUndefinedReferences as any).call(undefined, { allow: ["TOC"] });
      run(tree, scratch, () => {});
      if (scratch.messages.length === 0) return;

      const labels: string[] = [];
      visit(tree, "definition", (node) => {
        labels.push(node.label ?? node.identifier);
      });

      for (const m of scratch.messages) {
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
        if (shortcut && (OPENING_QUOTE.test(before) || EDITORIAL.test(collapse(parts[1]))))
          continue;
        const label = collapse(
          parts[2] !== undefined && collapse(parts[2]) !== "" ? parts[2] : parts[1],
        );
        if (label === "") continue; // `[ ]` is no reference: a label needs a character.
        const image = start.offset > 0 && source[start.offset - 1] === "!";

        let reason: string;
        if (label.startsWith("^") && !/\s/.test(label)) {
          reason = `Undefined footnote \`[${label}]\`: no \`[${label}]: …\` in this doc defines it, so readers see the brackets as text. Add the footnote (\`[${label}]: the note\`), or fix the label.`;
        } else {
          const near = labels.filter((l) => looseKey(l) === looseKey(label) && looseKey(l) !== "");
          const hint =
            near.length > 0 ? ` A definition \`[${near[0]}]\` exists: did you mean it?` : "";
          const what = image ? "image reference" : "reference";
          reason = `Undefined ${what} \`[${label}]\`: no definition \`[${label}]: …\` in this doc, so readers see the brackets as text${image ? " and no image" : " and no link"}. Add \`[${label}]: url\` (at the end of the section), fix the label to match a definition, or write \`\\[\` if the brackets are meant literally.${hint}`;
        }
        report(file, reason, { line, column: start.column, endLine: end.line });
      }
    },
  ) as RuleModule["plugin"],
};
