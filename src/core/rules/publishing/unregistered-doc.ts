import { lintRule } from "unified-lint-rule";
import type { Root } from "mdast";
import type { VFile } from "vfile";
import type { RuleModule, ReviewContext } from "../types.js";
import { report } from "../report.js";
import { docsUrl } from "../docs-url.js";
import { buildFileOf } from "./common.js";

const ID = "unregistered-doc";

export const unregisteredDoc: RuleModule = {
  id: ID,
  severity: "warning",
  fixable: false,
  docs: {
    summary: "A doc() rule that the site's docs() rule does not list, so the page is never built.",
    description:
      'A `doc()` rule alone publishes nothing: its label must also be in the `deps` of `docs(name = "docs")` in `website/BUILD` (`build.registry`, `build.registryRule`). gVisor\'s history has several docs that stayed off the site for months this way. Checked only when the repository has that file and its deps are plain labels.',
    bad: '# g3doc/user_guide/BUILD\ndoc(\n    name = "fuse",\n    src = "fuse.md",\n    permalink = "/docs/user_guide/fuse/",\n)\n# website/BUILD: docs(name = "docs", deps = [...]) without "//g3doc/user_guide:fuse"',
    good: '# website/BUILD\ndocs(\n    name = "docs",\n    deps = [\n        "//g3doc/user_guide:fuse",\n    ],\n)',
    example: {
      path: "g3doc/doc.md",
      bad: {
        doc: "# Doc\n",
        files: {
          "g3doc/BUILD":
            'doc(\n    name = "doc",\n    src = "doc.md",\n    permalink = "/docs/doc/",\n)\n',
          "website/BUILD":
            'docs(\n    name = "docs",\n    deps = [\n        "//g3doc:other",\n    ],\n)\n',
        },
      },
      good: {
        doc: "# Doc\n",
        files: {
          "g3doc/BUILD":
            'doc(\n    name = "doc",\n    src = "doc.md",\n    permalink = "/docs/doc/",\n)\n',
          "website/BUILD":
            'docs(\n    name = "docs",\n    deps = [\n        "//g3doc:doc",\n    ],\n)\n',
        },
      },
    },
  },
  plugin: lintRule(
    { origin: `g3doc-review:${ID}`, url: docsUrl(ID) },
    (_tree: Root, file: VFile, ctx: ReviewContext) => {
      const at = buildFileOf(ctx, file);
      const registry = at?.pub.registry;
      if (!at || !registry || !registry.complete || at.build.path === registry.path) return;
      for (const rule of at.build.rules) {
        if (registry.labels.has(rule.label)) continue;
        report(
          file,
          `\`${rule.label}\` is not in the deps of \`${ctx.config.build.registryRule}(name = "docs")\` in \`${registry.path}\`, so the website does not build its page${rule.permalink ? ` \`${rule.permalink.value}\`` : ""}: add \`"${rule.label}",\` to those deps.`,
          { line: rule.name.line, column: rule.name.column },
        );
      }
    },
  ) as RuleModule["plugin"],
};
