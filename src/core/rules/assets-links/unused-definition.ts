import remarkLintNoUnusedDefinitions from "remark-lint-no-unused-definitions";
import type { Definition } from "mdast";
import { visit } from "unist-util-visit";
import { remarkLintMessages } from "../remark-lint.js";
import type { Rule } from "../types.js";

const ID = "unused-definition";

/**
 * remark-lint-no-unused-definitions over the doc, for link definitions only
 * (footnotes are out of scope). The suggestion deletes the definition when it
 * stands on lines of its own.
 */
export const unusedDefinition: Rule = {
  id: ID,
  scope: { on: "doc" },
  suggestion: {},
  severity: "notice",
  alsoKnownAs: {
    markdownlint: ["MD053", "link-image-reference-definitions"],
    remarkLint: ["no-unused-definitions", "no-duplicate-definitions"],
  },
  docs: {
    summary: "A link definition (`[label]: url`) that no reference in the doc uses.",
    description:
      "An unused definition is dead weight and often the trace of a link that " +
      "was lost in an edit (a reference whose label was changed or removed). " +
      "Delete the definition, or link to it where it was meant to be used " +
      "(`[text][label]`).",
  },
  examples: [
    {
      doc: "# Title\n\nRead the [install guide](install.md).\n\n" + "[install guide]: install.md\n",
      findings: [
        {
          line: 5,
          column: 1,
          message:
            "Unused definition `[install guide]`: no reference in this doc uses it. " +
            "Delete it, or link to it with `[text][install guide]` where it was " +
            "meant to be used.",
          suggestion: "",
        },
      ],
    },
    {
      doc:
        "# Title\n\nRead the [install guide][install guide].\n\n" + "[install guide]: install.md\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const messages = remarkLintMessages(remarkLintNoUnusedDefinitions, undefined, doc);
    if (messages.length === 0) return;

    const byStart = new Map<number, Definition>();
    visit(doc.tree, "definition", (node) => {
      if (node.position?.start.offset !== undefined) byStart.set(node.position.start.offset, node);
    });

    for (const m of messages) {
      const place = m.place && "start" in m.place ? m.place : undefined;
      const offset = place?.start.offset;
      const def = offset === undefined ? undefined : byStart.get(offset);
      if (!def || !def.position) continue; // A footnote definition.
      const { start, end } = def.position;
      const label = def.label ?? def.identifier;
      // Delete the lines when they hold only this definition (not inside a list item or quote).
      const first = doc.lines[start.line - 1] ?? "";
      const last = doc.lines[end.line - 1] ?? "";
      const alone =
        first.slice(0, start.column - 1).trim() === "" && last.slice(end.column - 1).trim() === "";
      report(
        `Unused definition \`[${label}]\`: no reference in this doc uses it. ` +
          `Delete it, or link to it with \`[text][${label}]\` where it was meant to ` +
          `be used.`,
        {
          line: start.line,
          column: start.column,
          endLine: end.line,
          suggestion: alone ? "" : null,
        },
      );
    }
  },
};
