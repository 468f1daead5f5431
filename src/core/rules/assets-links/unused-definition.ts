import remarkLintNoUnusedDefinitions from "remark-lint-no-unused-definitions";
import type { Definition } from "mdast";
import { eachNode } from "../../markdown/nodes.js";
import { normalizeIdentifier } from "micromark-util-normalize-identifier";
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
    summary:
      "A link definition (`[label]: url`) that no reference in the doc uses, or a later duplicate of one.",
    description:
      "An unused definition is dead weight and often the trace of a link that " +
      "was lost in an edit (a reference whose label was changed or removed). " +
      "Delete the definition, or link to it where it was meant to be used " +
      "(`[text][label]`). A second definition of a label is never used (the " +
      "first one wins), even when the label is.",
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
    const byStart = new Map<number, Definition>();
    // A later definition of a label already defined is dead: the first one wins (CommonMark).
    const firstOf = new Map<string, Definition>();
    const duplicates: [Definition, Definition][] = [];
    eachNode(doc.tree, "definition", (node) => {
      if (node.position?.start.offset !== undefined) byStart.set(node.position.start.offset, node);
      const id = normalizeIdentifier(node.identifier);
      const first = firstOf.get(id);
      if (first) duplicates.push([node, first]);
      else firstOf.set(id, node);
    });
    const alone = (def: Definition) => {
      const { start, end } = def.position!;
      // Delete the lines when they hold only this definition (not inside a list item or quote).
      const first = doc.lines[start.line - 1] ?? "";
      const last = doc.lines[end.line - 1] ?? "";
      return (
        first.slice(0, start.column - 1).trim() === "" && last.slice(end.column - 1).trim() === ""
      );
    };
    const found: { def: Definition; message: string }[] = [];
    for (const [def, first] of duplicates) {
      if (!def.position) continue;
      const label = def.label ?? def.identifier;
      found.push({
        def,
        message:
          `Duplicate definition \`[${label}]\`: the definition on line ` +
          `${first.position?.start.line ?? 1} comes first and wins, so this one is never ` +
          `used${first.url === def.url ? "" : " (its URL differs from the first one's, which links use)"}. ` +
          "Delete it, or give it a label of its own.",
      });
    }
    const dead = new Set(duplicates.map(([d]) => d));

    const messages = remarkLintMessages(remarkLintNoUnusedDefinitions, undefined, doc);
    const unused = new Set<Definition>();
    for (const m of messages) {
      const place = m.place && "start" in m.place ? m.place : undefined;
      const offset = place?.start.offset;
      const def = offset === undefined ? undefined : byStart.get(offset);
      if (def?.position) unused.add(def); // Else a footnote definition.
    }
    // remark-lint judges a label by its last definition: when that one is unused, so is the first.
    for (const [def, first] of duplicates) if (unused.has(def)) unused.add(first);
    for (const def of unused) {
      if (dead.has(def)) continue; // Reported as a duplicate above.
      const label = def.label ?? def.identifier;
      found.push({
        def,
        message:
          `Unused definition \`[${label}]\`: no reference in this doc uses it. ` +
          `Delete it, or link to it with \`[text][${label}]\` where it was meant to ` +
          `be used.`,
      });
    }
    found.sort((a, b) => a.def.position!.start.offset! - b.def.position!.start.offset!);
    const deleted = new Set<number>();
    for (const { def } of found)
      if (alone(def))
        for (let l = def.position!.start.line; l <= def.position!.end.line; l++) deleted.add(l);
    const keptAtOrBefore = keptLines(deleted);
    for (const { def, message } of found) {
      const { start, end } = def.position!;
      const del = alone(def) ? deletion(doc.lines, start.line, end.line, keptAtOrBefore) : null;
      report(message, {
        line: start.line,
        column: start.column,
        endLine: del?.endLine ?? end.line,
        suggestion: del?.suggestion ?? null,
      });
    }
  },
};

/** The nearest line at or before a line that no deletion takes (remembered: runs of definitions are long). */
function keptLines(deleted: ReadonlySet<number>): (line: number) => number {
  const kept = new Map<number, number>();
  return (l) => {
    const path: number[] = [];
    while (deleted.has(l) && !kept.has(l)) path.push(l--);
    const at = kept.get(l) ?? l;
    for (const p of path) kept.set(p, at);
    return at;
  };
}

/**
 * The suggestion that deletes lines start..end. A suggestion replaces lines
 * with at least one line (`""` is one empty line), so the line after them is
 * taken too and given back as it is. When a blank line (or the doc's start)
 * comes before them, other deleted definitions aside, a blank line after
 * them goes too, so that no two blank lines are left together. At the doc's
 * end, the lines become one empty line.
 */
function deletion(
  lines: string[],
  start: number,
  end: number,
  keptAtOrBefore: (line: number) => number,
): { endLine: number; suggestion: string } {
  const real = lines.length - (lines[lines.length - 1] === "" ? 1 : 0);
  const blank = (n: number) => n >= 1 && n <= real && lines[n - 1].trim() === "";
  const before = keptAtOrBefore(start - 1);
  const last = (before === 0 || blank(before)) && blank(end + 1) ? end + 1 : end;
  if (last + 1 > real) return { endLine: last, suggestion: "" };
  return { endLine: last + 1, suggestion: lines[last] };
}
