import type { Rule } from "../types.js";
import { buildFileOf } from "./common.js";

const ID = "build-syntax";

export const buildSyntax: Rule = {
  id: ID,
  scope: { on: "build-file", publishing: true },
  severity: "error",
  docs: {
    summary: "A BUILD file with doc() rules that is not valid Starlark.",
    description:
      "The BUILD file that publishes the docs of a folder could not be read: an " +
      "unclosed bracket, an unterminated string, a missing comma between two " +
      "attributes, or two strings side by side (Starlark has no implicit " +
      "concatenation). Bazel rejects the file, so the website build fails. The " +
      "finding is on the line of the first error. Until the file is fixed, the " +
      "docs of that folder get no publishing checks.",
  },
  examples: [
    {
      doc: "# Doc\n",
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md"\n    permalink = "/docs/doc/",\n' + ")\n",
      },
      findings: [
        {
          line: 3,
          column: 11,
          message:
            '`g3doc/BUILD` is not valid Starlark: a missing comma after `"doc.md"`, ' +
            "before `permalink`. Bazel will reject it and the website will not " +
            "build; until it is fixed, the docs of `g3doc` are not checked for " +
            "publishing.",
        },
      ],
    },
    {
      doc: "# Doc\n",
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n' + '    permalink = "/docs/doc/",\n)\n',
      },
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const at = buildFileOf(ctx, doc);
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
      `\`${build.path}\` is not valid Starlark: ${err.message}. Bazel will ` +
        `reject it and the website will not build; until it is fixed, the docs of ` +
        `\`${build.pkg || "."}\` are not checked for publishing.`,
      { line: err.line, column: err.column },
    );
  },
};
