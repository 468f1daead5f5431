import type { Report, ReviewContext, Rule } from "../types.js";
import type { Doc } from "../../markdown/parse.js";
import type { DataEntry, DocRule } from "../../g3doc/model.js";
import { buildFileOf, inPackage, replacedLine } from "./common.js";

const ID = "build-data";

/** An entry of `src` or `data` that names no file: why (renamed, deleted, a case slip) and the fix. */
function reportMissing(
  doc: Doc,
  ctx: ReviewContext,
  rule: DocRule,
  e: DataEntry,
  what: string,
  report: Report,
): void {
  const renamedTo = ctx.change.renamed.get(e.path);
  let why: string;
  let suggestion: string | null = null;
  let causedByChange = false;
  if (renamedTo) {
    const rel = inPackage(rule.pkg, renamedTo);
    const inside = !rel.startsWith("..");
    why = inside
      ? `this change renamed it to \`${renamedTo}\`; update the entry`
      : `this change moved it to \`${renamedTo}\`, outside the package; move the ` +
        `entry to that package's rule`;
    if (inside) suggestion = replacedLine(doc, e.line, e.label, rel);
    causedByChange = true;
  } else if (ctx.change.deleted.has(e.path)) {
    why = "this change deleted it; remove the entry or restore the file";
    causedByChange = true;
  } else {
    const lower = e.path.toLowerCase();
    const near = [...ctx.headPaths].find((p) => p.toLowerCase() === lower);
    why = near
      ? `did you mean \`${inPackage(rule.pkg, near)}\`? (file names are case-sensitive)`
      : "add the file or remove the entry";
    if (near) suggestion = replacedLine(doc, e.line, e.label, inPackage(rule.pkg, near));
  }
  report(
    `${what} \`"${e.label}"\` of \`${rule.label}\` names no file ` +
      `(\`${e.path}\`): Bazel fails and the website does not build; ${why}.`,
    {
      line: e.line,
      column: e.column,
      suggestion,
      causedByChange,
    },
  );
}

/** `weight` and `include_in_menu` of the types the doc() rule declares (Bazel rejects others). */
function reportAttributeTypes(doc: Doc, rule: DocRule, report: Report): void {
  const w = rule.weight;
  if (w && w.value.t === "num") {
    report(
      `\`weight\` of \`${rule.label}\` must be a string (\`"${w.value.v}"\`): ` +
        `the doc() rule declares it \`attr.string\`, so Bazel rejects a number.`,
      {
        line: w.line,
        column: w.column,
        suggestion: replacedLine(doc, w.value.line, w.value.v, `"${w.value.v}"`),
      },
    );
  }
  const m = rule.attrs.get("include_in_menu");
  if (m && m.value.t === "str") {
    const fixed = /^(false|no|0)$/i.test(m.value.v) ? "False" : "True";
    report(
      `\`include_in_menu\` of \`${rule.label}\` must be \`True\` or \`False\`, ` +
        `not a string: Bazel rejects it.`,
      {
        line: m.line,
        column: m.column,
        suggestion: replacedLine(doc, m.value.line, JSON.stringify(m.value.v), fixed),
      },
    );
  }
}

export const buildData: Rule = {
  id: ID,
  scope: { on: "build-file", publishing: true },
  suggestion: {},
  severity: "error",
  docs: {
    summary: "A doc() rule whose src or data names no file, or an attribute Bazel rejects.",
    description:
      "Every `src` and `data` entry of a `doc()` rule must name a file of the " +
      "package (or a target): a missing file is a Bazel error, so the website " +
      "does not build. This happens when a change deletes or renames an image " +
      "or a doc and leaves its BUILD entry behind; the finding is then on the " +
      "BUILD line even if the change did not touch it, with the new name " +
      "suggested for a rename. A `glob()` that matches nothing is reported as a " +
      "warning (recent Bazel versions reject it). Also reported: a rule without " +
      "`src`, a `weight` that is not a string (`weight = 10` instead of " +
      '`"10"`), an `include_in_menu` that is not `True`/`False`.',
  },
  examples: [
    {
      doc: "# Doc\n",
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n    data = [\n' +
          '        "gone.png",\n    ],\n    permalink = "/docs/doc/",\n)\n',
      },
      findings: [
        {
          line: 5,
          column: 9,
          message:
            'The `data` entry `"gone.png"` of `//g3doc:doc` names no file ' +
            "(`g3doc/gone.png`): Bazel fails and the website does not build; add the " +
            "file or remove the entry.",
        },
      ],
    },
    {
      doc: "# Doc\n\n![Diagram](diagram.png)\n",
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n    data = ["Diagram.png"],\n' +
          '    permalink = "/docs/doc/",\n)\n',
        "g3doc/diagram.png": "png",
      },
      findings: [
        {
          line: 4,
          column: 13,
          message:
            'The `data` entry `"Diagram.png"` of `//g3doc:doc` names no file ' +
            "(`g3doc/Diagram.png`): Bazel fails and the website does not build; did " +
            "you mean `diagram.png`? (file names are case-sensitive).",
          suggestion: '    data = ["diagram.png"],',
        },
      ],
    },
    {
      doc: "# Doc\n",
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n    data = [\n' +
          '        "here.png",\n    ],\n    permalink = "/docs/doc/",\n)\n',
        "g3doc/here.png": "png",
      },
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const at = buildFileOf(ctx, doc);
    for (const rule of at.build.rules) {
      if (!rule.attrs.has("src"))
        report(
          `\`${rule.label}\` has no \`src\`: the doc() rule needs the Markdown file it publishes.`,
          { line: rule.line },
        );
      else if (rule.src && rule.src.kind === "missing")
        reportMissing(doc, ctx, rule, rule.src, "`src`", report);
      for (const e of rule.data.entries)
        if (e.kind === "missing") reportMissing(doc, ctx, rule, e, "The `data` entry", report);
      for (const g of rule.data.globs) {
        if (g.matches.length === 0) {
          report(
            `\`glob(${JSON.stringify(g.include)})\` in the \`data\` of ` +
              `\`${rule.label}\` matches no file: Bazel rejects an empty glob unless ` +
              `\`allow_empty = True\`; remove it or fix the pattern.`,
            {
              line: g.line,
              column: g.column,
              severity: "warning",
            },
          );
        }
      }
      reportAttributeTypes(doc, rule, report);
    }
  },
};
