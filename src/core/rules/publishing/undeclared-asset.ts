import { lintRule } from "unified-lint-rule";
import type { Root } from "mdast";
import type { VFile } from "vfile";
import { posix } from "node:path";
import type { RuleModule, ReviewContext } from "../types.js";
import { report } from "../report.js";
import { docsUrl } from "../docs-url.js";
import { referencesOf } from "../../markdown/refs.js";
import { resolveLocal } from "../../markdown/paths.js";
import { isAssetPath } from "../assets-links/missing-asset.js";
import { inPackage, markdownDocOf, pathPart } from "./common.js";

const ID = "undeclared-asset";

/** Written as a bare file name (`x.png` or `./x.png`): what works both on GitHub and on the website. */
export function isBareName(url: string): boolean {
  return !pathPart(url)
    .replace(/^(\.\/)+/, "")
    .includes("/");
}

export const undeclaredAsset: RuleModule = {
  id: ID,
  severity: "error",
  fixable: false,
  docs: {
    summary: "An image the doc shows that exists but is not in the data of its doc() rule.",
    description:
      "The website copies a doc's `src` and `data` files, and nothing else, into the page's folder. An image that is in the repository but not listed in the `data` of the doc's `doc()` rule shows on GitHub and is missing on the website (the site's link checker then fails the build). Add the file name to `data` in the same change. The message names the rule and the line to add.",
    bad: '![Threat model](security.png "Threat model.")   <!-- security.png not in data of //g3doc/architecture_guide:security -->',
    good: '![Threat model](security.png "Threat model.")   <!-- data = ["security.png"] -->',
    example: {
      path: "g3doc/doc.md",
      bad: {
        doc: "# Doc\n\n![Diagram](diagram.png)\n",
        files: {
          "g3doc/BUILD":
            'doc(\n    name = "doc",\n    src = "doc.md",\n    permalink = "/docs/doc/",\n)\n',
          "g3doc/diagram.png": "png",
        },
      },
      good: {
        doc: "# Doc\n\n![Diagram](diagram.png)\n",
        files: {
          "g3doc/BUILD":
            'doc(\n    name = "doc",\n    src = "doc.md",\n    data = ["diagram.png"],\n    permalink = "/docs/doc/",\n)\n',
          "g3doc/diagram.png": "png",
        },
      },
    },
  },
  plugin: lintRule(
    { origin: `g3doc-review:${ID}`, url: docsUrl(ID) },
    (_tree: Root, file: VFile, ctx: ReviewContext) => {
      const at = markdownDocOf(ctx, file);
      if (!at) return;
      const { pub, doc } = at;
      const rule = pub.ruleOfDoc(doc.path);
      if (!rule || !rule.data.known) return;
      for (const ref of referencesOf(doc)) {
        const target = resolveLocal(doc.path, ref.url);
        if (!target || target.absolute || target.path === "" || target.path === doc.path) continue;
        if (ref.kind === "link" && !isAssetPath(target.path)) continue;
        if (!ctx.fileExists(target.path) || !isBareName(ref.url)) continue;
        if (rule.data.files.has(target.path)) continue;
        const entry = inPackage(rule.pkg, target.path);
        const where =
          rule.data.line !== undefined
            ? `the \`data\` at ${rule.build}:${rule.data.line}`
            : `a new \`data = [...]\` in the rule at ${rule.build}:${rule.line}`;
        const what = ref.kind === "image" ? "image" : "file";
        report(
          file,
          `The ${what} \`${posix.basename(target.path)}\` is not in the \`data\` of \`${rule.label}\`: the website copies only a doc's \`src\` and \`data\` next to its page, so it will be missing there. Add \`"${entry}",\` to ${where}.`,
          { line: ref.line, column: ref.column },
        );
      }
    },
  ) as RuleModule["plugin"],
};
