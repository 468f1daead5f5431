import { posix } from "node:path";
import type { Rule } from "../types.js";
import { referencesOf } from "../../markdown/refs.js";
import { resolveLocal } from "../../markdown/paths.js";
import { isAssetPath } from "../assets-links/missing-asset.js";
import { inPackage, pathPart, publishingOf } from "./common.js";

const ID = "undeclared-asset";

/** Written as a bare file name (`x.png` or `./x.png`): what works both on GitHub and on the website. */
export function isBareName(url: string): boolean {
  return !pathPart(url)
    .replace(/^(\.\/)+/, "")
    .includes("/");
}

export const undeclaredAsset: Rule = {
  id: ID,
  scope: { on: "doc", publishing: true },
  severity: "error",
  docs: {
    summary: "An image the doc shows that exists but is not in the data of its doc() rule.",
    description:
      "The website copies a doc's `src` and `data` files, and nothing else, " +
      "into the page's folder. An image that is in the repository but not " +
      "listed in the `data` of the doc's `doc()` rule shows on GitHub and is " +
      "missing on the website (the site's link checker then fails the build). " +
      "Add the file name to `data` in the same change. The message names the " +
      "rule and the line to add.",
  },
  examples: [
    {
      doc: "# Doc\n\n![Diagram](diagram.png)\n",
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n' + '    permalink = "/docs/doc/",\n)\n',
        "g3doc/diagram.png": "png",
      },
      findings: [
        {
          line: 3,
          column: 1,
          message:
            "The image `diagram.png` is not in the `data` of `//g3doc:doc`: the " +
            "website copies only a doc's `src` and `data` next to its page, so it " +
            'will be missing there. Add `"diagram.png",` to a new `data = [...]` in ' +
            "the rule at g3doc/BUILD:1.",
        },
      ],
    },
    {
      doc: "# Doc\n\n![Diagram](diagram.png)\n",
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n    data = ["diagram.png"],\n' +
          '    permalink = "/docs/doc/",\n)\n',
        "g3doc/diagram.png": "png",
      },
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const pub = publishingOf(ctx);
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
        `The ${what} \`${posix.basename(target.path)}\` is not in the \`data\` of ` +
          `\`${rule.label}\`: the website copies only a doc's \`src\` and \`data\` ` +
          `next to its page, so it will be missing there. Add \`"${entry}",\` to ` +
          `${where}.`,
        { line: ref.line, column: ref.column },
      );
    }
  },
};
