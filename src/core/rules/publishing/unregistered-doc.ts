import type { Rule } from "../types.js";
import { buildFileOf } from "./common.js";

const ID = "unregistered-doc";

export const unregisteredDoc: Rule = {
  id: ID,
  scope: { on: "build-file", publishing: true },
  severity: "warning",
  docs: {
    summary: "A doc() rule that the site's docs() rule does not list, so the page is never built.",
    description:
      "A `doc()` rule alone publishes nothing: its label must also be in the " +
      '`deps` of `docs(name = "docs")` in `website/BUILD` (`build.registry`, ' +
      "`build.registryRule`). gVisor's history has several docs that stayed " +
      "off the site for months this way. Checked only when the repository has " +
      "that file and its deps are plain labels.",
  },
  examples: [
    {
      doc: "# Doc\n",
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n' + '    permalink = "/docs/doc/",\n)\n',
        "website/BUILD":
          'docs(\n    name = "docs",\n    deps = [\n        "//g3doc:other",\n    ],\n)\n',
      },
      findings: [
        {
          line: 2,
          column: 5,
          message:
            '`//g3doc:doc` is not in the deps of `docs(name = "docs")` in ' +
            "`website/BUILD`, so the website does not build its page `/docs/doc/`: " +
            'add `"//g3doc:doc",` to those deps.',
        },
      ],
    },
    {
      doc: "# Doc\n",
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n' + '    permalink = "/docs/doc/",\n)\n',
        "website/BUILD":
          'docs(\n    name = "docs",\n    deps = [\n        "//g3doc:doc",\n    ],\n)\n',
      },
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const at = buildFileOf(ctx, doc);
    const registry = at?.pub.registry;
    if (!at || !registry || !registry.complete || at.build.path === registry.path) return;
    for (const rule of at.build.rules) {
      if (registry.labels.has(rule.label)) continue;
      report(
        `\`${rule.label}\` is not in the deps of ` +
          `\`${ctx.config.build.registryRule}(name = "docs")\` in ` +
          `\`${registry.path}\`, so the website does not build its ` +
          `page${rule.permalink ? ` \`${rule.permalink.value}\`` : ""}: add ` +
          `\`"${rule.label}",\` to those deps.`,
        { line: rule.name.line, column: rule.name.column },
      );
    }
  },
};
