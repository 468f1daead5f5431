import { lintRule } from "unified-lint-rule";
import type { Root } from "mdast";
import type { VFile } from "vfile";
import type { RuleModule, ReviewContext } from "../types.js";
import { docOf } from "../types.js";
import { report } from "../report.js";
import { docsUrl } from "../docs-url.js";
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

export const missingAsset: RuleModule = {
  id: ID,
  severity: "error",
  fixable: true,
  docs: {
    summary: "An image or other local file the doc shows that does not exist at head.",
    description:
      "The doc references an image (`![alt](x.png)`, `![alt][ref]`, `<img src>`) that is not in the repository at the head of the change: it was deleted, renamed, or never added. Add the file in the same change, or fix the path. When the change renamed the file, the suggestion points at the new name.",
    bad: '![Threat model](security.png "Threat model.")   (security.png is not in the change)',
    good: '![Threat model](security.png "Threat model.")   (security.png is added next to the doc)',
    example: {
      path: "g3doc/architecture_guide/security.md",
      bad: { doc: '# Security\n\n![Threat model](security.png "Threat model.")\n', files: {} },
      good: {
        doc: '# Security\n\n![Threat model](security.png "Threat model.")\n',
        files: { "g3doc/architecture_guide/security.png": "PNG" },
      },
    },
  },
  plugin: lintRule(
    { origin: `g3doc-review:${ID}`, url: docsUrl(ID) },
    (tree: Root, file: VFile, ctx: ReviewContext) => {
      const doc = docOf(file);
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
            "it is not in the repository and this change does not add it; add the file next to the doc, or fix the path";
        } else {
          why = "it is not in the repository; add the file next to the doc, or fix the path";
        }
        report(
          file,
          `Missing ${ref.kind === "image" ? "image" : "file"} \`${target.path}\`: ${why}.`,
          {
            line: ref.line,
            column: ref.column,
            suggestion,
            causedByChange,
          },
        );
      }
    },
  ) as RuleModule["plugin"],
};
