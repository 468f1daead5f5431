import { posix } from "node:path";
import { globMatcher } from "../../../config/glob.js";
import type { Rule } from "../types.js";
import type { DocRule, Publishing } from "../../g3doc/model.js";
import { publishingOf } from "./common.js";

const ID = "unpublished-doc";

/** The most common value among sibling rules. */
function mostCommon(values: (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}

/** A doc() rule for the doc, modelled on its siblings (permalink pattern, category). */
export function proposedRule(
  pub: Publishing,
  docPath: string,
  pkg: string,
): { snippet: string; label: string } {
  const srcRel = pkg === "" ? docPath : posix.relative(pkg, docPath);
  const stem = posix.basename(docPath, ".md");
  const name = stem.replace(/[^A-Za-z0-9_]/g, "_");
  const siblings: readonly DocRule[] = pub.rulesOfPackage(pkg);
  // Siblings whose permalink is <prefix><stem>/: reuse the prefix.
  const prefixes = siblings.map((r) => {
    const p = r.permalink?.value;
    const s = r.src ? posix.basename(r.src.path, ".md") : undefined;
    return p && s && p.endsWith(`/${s}/`) ? p.slice(0, p.length - s.length - 1) : undefined;
  });
  const rest = pkg.split("/").slice(1).join("/");
  const prefix = mostCommon(prefixes) ?? `/docs/${rest ? `${rest}/` : ""}`;
  const category = mostCommon(siblings.map((r) => r.category?.value));
  const lines = ["doc(", `    name = "${name}",`, `    src = "${srcRel}",`];
  if (category) lines.push(`    category = "${category}",`);
  lines.push(`    permalink = "${prefix}${stem}/",`, ")");
  return { snippet: lines.join("\n"), label: `//${pkg}:${name}` };
}

export const unpublishedDoc: Rule = {
  id: ID,
  scope: { on: "doc", publishing: true },
  severity: "warning",
  docs: {
    summary: "A new or renamed doc that no doc() rule publishes.",
    description:
      "A g3doc doc reaches the website only through a `doc()` rule in the BUILD " +
      "file of its folder (with its permalink and category), listed in the " +
      "site's `docs()` rule. A new doc without one is readable on GitHub but " +
      "missing from the website; a renamed doc whose rule still names the old " +
      "file breaks the build (see `build-data`). The message proposes a rule " +
      "modelled on the folder's other rules. Docs under `build.unpublishedOk` " +
      "(proposals, by default) are meant to stay off the site: they get a " +
      "notice. Reported for docs the change adds or renames, and for every doc " +
      "in an audit.",
  },
  examples: [
    {
      path: "g3doc/new.md",
      doc: "# New\n",
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n' + '    permalink = "/docs/doc/",\n)\n',
        "g3doc/doc.md": "# Doc\n",
      },
      findings: [
        {
          line: 1,
          column: 1,
          message:
            "`g3doc/new.md` has no doc() rule, so it is not on the website. Add one " +
            'to `g3doc/BUILD`:\n\n```\ndoc(\n    name = "new",\n    src = "new.md",\n' +
            '    permalink = "/docs/new/",\n)\n```',
        },
      ],
    },
    {
      path: "g3doc/new.md",
      doc: "# New\n",
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n' +
          '    permalink = "/docs/doc/",\n)\n\ndoc(\n    name = "new",\n' +
          '    src = "new.md",\n    permalink = "/docs/new/",\n)\n',
        "g3doc/doc.md": "# Doc\n",
      },
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const pub = publishingOf(ctx);
    if (pub.ruleOfDoc(doc.path)) return;
    if (ctx.change.mode === "change" && !ctx.change.added.has(doc.path)) return;
    const build = pub.packageOf(doc.path);
    if (build?.incomplete) return;
    const ok =
      ctx.config.build.unpublishedOk.length > 0 &&
      globMatcher(ctx.config.build.unpublishedOk)(doc.path);
    const renamedFrom = [...ctx.change.renamed].find(([, to]) => to === doc.path)?.[0];
    const oldRule = renamedFrom ? pub.rules.find((r) => r.src?.path === renamedFrom) : undefined;
    let message: string;
    if (oldRule) {
      message =
        `\`${doc.path}\` is not published: this change renamed it from ` +
        `\`${renamedFrom}\`, but \`${oldRule.label}\` ` +
        `(${oldRule.build}:${oldRule.src!.line}) still has \`src = ` +
        `"${posix.basename(renamedFrom!)}"\`. Update the rule's \`src\`.`;
    } else if (ok) {
      message =
        `\`${doc.path}\` has no doc() rule, so it is not on the website (fine for ` +
        `this folder, listed in \`build.unpublishedOk\`).`;
    } else {
      const pkg = build?.pkg ?? posix.dirname(doc.path);
      const { snippet, label } = proposedRule(pub, doc.path, pkg);
      const where = build ? `\`${build.path}\`` : `a BUILD file in \`${pkg}\``;
      const reg = pub.registry
        ? ` and list \`"${label}",\` in the deps of ` +
          `\`${ctx.config.build.registryRule}(name = "docs")\` in ` +
          `\`${pub.registry.path}\``
        : "";
      message =
        `\`${doc.path}\` has no doc() rule, so it is not on the website. Add one ` +
        `to ${where}${reg}:\n\n\`\`\`\n${snippet}\n\`\`\``;
    }
    // A pure rename has no changed line: the finding is still the change's.
    report(message, {
      line: 1,
      severity: ok && !oldRule ? "notice" : undefined,
      causedByChange: ctx.change.mode === "change",
    });
  },
};
