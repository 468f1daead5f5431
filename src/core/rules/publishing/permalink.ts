import type { Rule } from "../types.js";
import type { DocRule } from "../../g3doc/model.js";
import { buildFileOf, replacedLine } from "./common.js";

const ID = "permalink";

/** Other rules of a shared permalink named in a finding; the rest are counted. */
export const OTHERS_NAMED = 3;

/**
 * The other rules of `rule`'s page, as the finding names them: the first
 * OTHERS_NAMED in the order the BUILD files were read, then how many more
 * (so N rules on one page give N findings of bounded length, not N lists of
 * N); undefined when none.
 */
function sharedWith(
  rule: DocRule,
  page: readonly DocRule[],
): { names: string; others: number } | undefined {
  const named: string[] = [];
  let others = 0;
  for (const r of page) {
    if (r === rule) continue;
    others++;
    if (named.length < OTHERS_NAMED) named.push(`\`${r.label}\` (${r.build}:${r.permalink!.line})`);
  }
  if (others === 0) return undefined;
  const more = others - named.length;
  return { names: more > 0 ? `${named.join(", ")} and ${more} more` : named.join(", "), others };
}

export const permalink: Rule = {
  id: ID,
  scope: { on: "build-file", publishing: true },
  suggestion: {},
  severity: "error",
  docs: {
    summary:
      "A doc() permalink without its final `/`, used twice, or missing; a " +
      "category the site does not know.",
    description:
      "The website's `docs()` rule fails the build when a permalink does not " +
      "end with `/` (`permalink %s for target %s should end with /`). Two rules " +
      "with the same permalink write the same page, so one doc silently " +
      "replaces the other. `permalink` is mandatory and must start with `/`. " +
      "The sidebar lists pages by `category` and knows only the categories in " +
      "`build.categories` (Project, User Guide, SDK/API Reference, Architecture " +
      "Guide, Compatibility by default): a doc in another category is published " +
      "but appears in no menu.",
  },
  examples: [
    {
      doc: "# Doc\n",
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n    category = "Project",\n' +
          '    permalink = "/docs/doc",\n)\n',
      },
      findings: [
        {
          line: 5,
          column: 5,
          message:
            "Permalink `/docs/doc` of `//g3doc:doc` must end with `/` (the website " +
            "build fails otherwise): use `/docs/doc/`.",
          suggestion: '    permalink = "/docs/doc/",',
        },
      ],
    },
    {
      doc: "# Doc\n",
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n    category = "Project",\n' +
          '    permalink = "/docs/doc/",\n)\n',
      },
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const at = buildFileOf(ctx, doc);
    const categories = ctx.config.build.categories;
    for (const rule of at.build.rules) {
      const p = rule.permalink;
      if (!p) {
        if (!rule.attrs.has("permalink"))
          report(
            `\`${rule.label}\` has no \`permalink\`: the doc() rule requires one, ` +
              `e.g. \`permalink = "/docs/.../${rule.name.value}/"\`.`,
            { line: rule.line },
          );
      } else {
        const problems: string[] = [];
        let fixed = p.value;
        if (!fixed.startsWith("/")) {
          problems.push("must start with `/`");
          fixed = `/${fixed}`;
        }
        if (!fixed.endsWith("/")) {
          problems.push("must end with `/` (the website build fails otherwise)");
          fixed = `${fixed}/`;
        }
        if (problems.length > 0) {
          report(
            `Permalink \`${p.value}\` of \`${rule.label}\` ${problems.join(" and ")}: ` +
              `use \`${fixed}\`.`,
            {
              line: p.line,
              column: p.column,
              suggestion: replacedLine(doc, p.line, `"${p.value}"`, `"${fixed}"`),
            },
          );
        }
        const shared = sharedWith(rule, at.pub.rulesOfPage(p.value));
        if (shared) {
          report(
            `Permalink \`${p.value}\` of \`${rule.label}\` is also the permalink of ` +
              `${shared.names}: ` +
              (shared.others > 1
                ? "these rules write the same page, so one doc hides the others. "
                : "both rules write the same page, so one doc hides the other. ") +
              "Give each doc its own permalink.",
            {
              line: p.line,
              column: p.column,
            },
          );
        }
      }
      const c = rule.category;
      if (c && c.value !== "" && categories.length > 0 && !categories.includes(c.value)) {
        const near = categories.find((k) => k.toLowerCase() === c.value.toLowerCase().trim());
        report(
          `Category \`${c.value}\` of \`${rule.label}\` is not one the site's menu ` +
            `knows (${categories.map((k) => `\`${k}\``).join(", ")}): the page is ` +
            `built but no menu lists it.${near ? ` Use \`${near}\`.` : ""}`,
          {
            line: c.line,
            column: c.column,
            suggestion: near ? replacedLine(doc, c.line, `"${c.value}"`, `"${near}"`) : null,
          },
        );
      }
    }
  },
};
