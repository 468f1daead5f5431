import { posix } from "node:path";
import type { Rule } from "../types.js";
import { referencesOf } from "../../markdown/refs.js";
import { resolveLocal } from "../../markdown/paths.js";
import { isAssetPath } from "../assets-links/missing-asset.js";
import { publishingOf, pathPart, replacedLine } from "./common.js";
import { isBareName } from "./undeclared-asset.js";

const ID = "asset-path";

export const assetPath: Rule = {
  id: ID,
  scope: { on: "doc", publishing: true },
  suggestion: {},
  severity: "error",
  docs: {
    summary:
      "An image referenced through a folder (`img/x.png`, `../x.png`): it breaks on the website.",
    description:
      "The website copies every `data` file of a doc's rule flat into the " +
      "page's folder (`<permalink>/<file name>`), whatever folder it comes " +
      "from. So only a bare file name, for a file next to the doc, resolves " +
      "both on GitHub (same folder as the `.md`) and on the website (same URL " +
      "folder as the page). Move the image next to the doc, list it in `data`, " +
      "and reference it by its name. When a file of that name is already next " +
      "to the doc, the suggestion uses it.",
  },
  examples: [
    {
      path: "g3doc/guide/doc.md",
      doc: "# Doc\n\n![Layers](../Layers.png)\n",
      files: {
        "g3doc/guide/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n' +
          '    permalink = "/docs/guide/doc/",\n)\n',
        "g3doc/Layers.png": "png",
      },
      findings: [
        {
          line: 3,
          column: 1,
          message:
            "`../Layers.png` works on GitHub but not on the website: the site copies " +
            "`data` files flat next to the page, so only a bare file name resolves " +
            "there. Move the file next to the doc (`g3doc/guide/Layers.png`), list " +
            "it in `data`, and reference it as `Layers.png`.",
        },
      ],
    },
    {
      path: "g3doc/guide/doc.md",
      doc: "# Doc\n\n![Layers](../Layers.png)\n",
      files: {
        "g3doc/guide/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n    data = ["Layers.png"],\n' +
          '    permalink = "/docs/guide/doc/",\n)\n',
        "g3doc/Layers.png": "png",
        "g3doc/guide/Layers.png": "png",
      },
      findings: [
        {
          line: 3,
          column: 1,
          message:
            "`../Layers.png` works on GitHub but not on the website: the site copies " +
            "`data` files flat next to the page, so only a bare file name resolves " +
            "there. `g3doc/guide/Layers.png` exists: reference it as `Layers.png` " +
            "(and list it in `data`).",
          suggestion: "![Layers](Layers.png)",
        },
      ],
    },
    {
      path: "g3doc/guide/doc.md",
      doc: "# Doc\n\n![Layers](Layers.png)\n",
      files: {
        "g3doc/guide/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n    data = ["Layers.png"],\n' +
          '    permalink = "/docs/guide/doc/",\n)\n',
        "g3doc/guide/Layers.png": "png",
      },
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const pub = publishingOf(ctx);
    if (!pub.ruleOfDoc(doc.path)) return;
    for (const ref of referencesOf(doc)) {
      const target = resolveLocal(doc.path, ref.url);
      if (!target || target.absolute || target.path === "" || target.path === doc.path) continue;
      if (ref.kind === "link" && !isAssetPath(target.path)) continue;
      if (!ctx.fileExists(target.path) || isBareName(ref.url)) continue;
      const name = posix.basename(target.path);
      const nextTo = posix.join(posix.dirname(doc.path), name);
      const written = pathPart(ref.url);
      const suggestion = ctx.fileExists(nextTo) ? replacedLine(doc, ref.line, written, name) : null;
      const what = suggestion
        ? `\`${nextTo}\` exists: reference it as \`${name}\` (and list it in \`data\`).`
        : `Move the file next to the doc (\`${nextTo}\`), list it in \`data\`, and ` +
          `reference it as \`${name}\`.`;
      report(
        `\`${written}\` works on GitHub but not on the website: the site copies \`data\` ` +
          `files flat next to the page, so only a bare file name resolves there. ${what}`,
        { line: ref.line, column: ref.column, suggestion },
      );
    }
  },
};
