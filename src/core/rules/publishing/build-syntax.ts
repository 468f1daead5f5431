import { lintRule } from "unified-lint-rule";
import type { Root } from "mdast";
import type { VFile } from "vfile";
import type { RuleModule, ReviewContext } from "../types.js";
import { report } from "../report.js";
import { docsUrl } from "../docs-url.js";
import { buildFileOf } from "./common.js";

const ID = "build-syntax";

export const buildSyntax: RuleModule = {
  id: ID,
  severity: "error",
  fixable: false,
  docs: {
    summary: "A BUILD file with doc() rules that is not valid Starlark.",
    description:
      "The BUILD file that publishes the docs of a folder could not be read: an unclosed bracket, an unterminated string, a missing comma between two attributes, or two strings side by side (Starlark has no implicit concatenation). Bazel rejects the file, so the website build fails. The finding is on the line of the first error. Until the file is fixed, the docs of that folder get no publishing checks.",
    bad: 'doc(\n    name = "security",\n    src = "security.md"\n    permalink = "/docs/architecture_guide/security/",\n)',
    good: 'doc(\n    name = "security",\n    src = "security.md",\n    permalink = "/docs/architecture_guide/security/",\n)',
    example: {
      path: "g3doc/doc.md",
      bad: {
        doc: "# Doc\n",
        files: {
          "g3doc/BUILD":
            'doc(\n    name = "doc",\n    src = "doc.md"\n    permalink = "/docs/doc/",\n)\n',
        },
      },
      good: {
        doc: "# Doc\n",
        files: {
          "g3doc/BUILD":
            'doc(\n    name = "doc",\n    src = "doc.md",\n    permalink = "/docs/doc/",\n)\n',
        },
      },
    },
  },
  plugin: lintRule(
    { origin: `g3doc-review:${ID}`, url: docsUrl(ID) },
    (_tree: Root, file: VFile, ctx: ReviewContext) => {
      const at = buildFileOf(ctx, file);
      if (!at) return;
      const { build, pub } = at;
      const err = build.error;
      if (
        !err ||
        (!build.mentionsKind &&
          pub.registry?.path !== build.path &&
          build.path !== ctx.config.build.registry)
      )
        return;
      report(
        file,
        `\`${build.path}\` is not valid Starlark: ${err.message}. Bazel will reject it and the website will not build; until it is fixed, the docs of \`${build.pkg || "."}\` are not checked for publishing.`,
        { line: err.line, column: err.column },
      );
    },
  ) as RuleModule["plugin"],
};
