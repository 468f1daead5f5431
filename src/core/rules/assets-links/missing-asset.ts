import type { Rule } from "../types.js";
import { referencesOf } from "../../markdown/refs.js";
import { resolveLocal } from "../../markdown/paths.js";
import { posix } from "node:path";

const ID = "missing-asset";

/** Relative path from a doc's folder to a file, as a writer would type it. */
export function relativeFrom(docPath: string, target: string): string {
  const rel = posix.relative(posix.dirname(docPath), target);
  return rel === "" ? posix.basename(target) : rel;
}

/** A link to a non-Markdown file with an extension (a PDF, a YAML sample...) names an asset; links to docs and folders are `broken-link`'s. */
export function isAssetPath(path: string): boolean {
  const base = posix.basename(path);
  return /\.[A-Za-z0-9]{1,8}$/.test(base) && !/\.md$/i.test(base);
}

export const missingAsset: Rule = {
  id: ID,
  scope: { on: "doc", brokenByChange: true },
  suggestion: {},
  severity: "error",
  docs: {
    summary: "An image or other local file the doc shows that does not exist at head.",
    description:
      "The doc references an image (`![alt](x.png)`, `![alt][ref]`, `<img " +
      "src>`) that is not in the repository at the head of the change: it was " +
      "deleted, renamed, or never added. Add the file in the same change, or " +
      "fix the path. When the change renamed the file, the suggestion points at " +
      "the new name.",
  },
  examples: [
    {
      path: "g3doc/architecture_guide/security.md",
      doc: '# Security\n\n![Threat model](security.png "Threat model.")\n',
      findings: [
        {
          line: 3,
          column: 1,
          message:
            "Missing image `g3doc/architecture_guide/security.png`: it is not in the " +
            "repository; add the file next to the doc, or fix the path.",
        },
      ],
    },
    {
      path: "g3doc/architecture_guide/security.md",
      doc: '# Security\n\n![Threat model](security.png "Threat model.")\n',
      files: {
        "g3doc/architecture_guide/threat-model.png": "png",
      },
      base: {
        "g3doc/architecture_guide/security.md":
          '# Security\n\n![Threat model](security.png "Threat model.")\n',
        "g3doc/architecture_guide/security.png": "png",
      },
      renamed: {
        "g3doc/architecture_guide/security.png": "g3doc/architecture_guide/threat-model.png",
      },
      findings: [
        {
          line: 3,
          column: 1,
          message:
            "Missing image `g3doc/architecture_guide/security.png`: this change " +
            "renamed it to `g3doc/architecture_guide/threat-model.png`; point the " +
            "doc at `threat-model.png`.",
          suggestion: '![Threat model](threat-model.png "Threat model.")',
        },
      ],
    },
    {
      path: "g3doc/architecture_guide/security.md",
      doc: '# Security\n\n![Threat model](security.png "Threat model.")\n',
      files: {
        "g3doc/architecture_guide/security.png": "PNG",
      },
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    for (const ref of referencesOf(doc)) {
      const target = resolveLocal(doc.path, ref.url);
      if (!target || target.absolute || target.path === "" || target.path === doc.path) continue;
      if (ref.kind === "link" && !isAssetPath(target.path)) continue;
      if (ctx.fileExists(target.path)) continue;
      const written = ref.url.split("#")[0];
      let why: string;
      let suggestion: string | null = null;
      let causedByChange = false;
      const renamedTo = ctx.change.renamed.get(target.path);
      if (renamedTo) {
        const newRel = relativeFrom(doc.path, renamedTo);
        why = `this change renamed it to \`${renamedTo}\`; point the doc at \`${newRel}\``;
        const lineText = doc.lines[ref.line - 1] ?? "";
        if (lineText.includes(written)) suggestion = lineText.replace(written, newRel);
        causedByChange = true;
      } else if (ctx.change.deleted.has(target.path)) {
        why = "this change deleted it; restore the file or remove the reference";
        causedByChange = true;
      } else if (ctx.change.mode === "change") {
        why =
          "it is not in the repository and this change does not add it; add the " +
          "file next to the doc, or fix the path";
      } else {
        why = "it is not in the repository; add the file next to the doc, or fix the path";
      }
      report(`Missing ${ref.kind === "image" ? "image" : "file"} \`${target.path}\`: ${why}.`, {
        line: ref.line,
        column: ref.column,
        suggestion,
        causedByChange,
      });
    }
  },
};
