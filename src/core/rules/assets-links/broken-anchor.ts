import type { Rule } from "../types.js";
import { referencesOf } from "../../markdown/refs.js";
import { resolveLocal, escapesRoot } from "../../markdown/paths.js";
import { docAnchors, type DocAnchors } from "../../markdown/slug.js";
import { replaceDestination, writtenFragment } from "./link-edit.js";

const ID = "broken-anchor";

/** GitHub also answers `#user-content-x` for the anchor `x`. */
const GITHUB_PREFIX = "user-content-";

function hasAnchor(anchors: ReadonlySet<string>, fragment: string): boolean {
  const forms = [fragment, fragment.toLowerCase()];
  if (fragment.toLowerCase().startsWith(GITHUB_PREFIX))
    forms.push(
      fragment.slice(GITHUB_PREFIX.length),
      fragment.slice(GITHUB_PREFIX.length).toLowerCase(),
    );
  return forms.some((f) => anchors.has(f));
}

/** Letters and digits only: `Direct_FS`, `direct-fs` and `directfs` are one key. */
const looseKey = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

/** The one anchor of the doc that differs from `fragment` only in case and punctuation, if exactly one heading has it. */
function nearAnchor(doc: DocAnchors, fragment: string): string | undefined {
  const key = looseKey(fragment);
  if (key === "") return undefined;
  const found = new Set<string>();
  for (const h of doc.headings) {
    const forms = [h.id, h.github, h.kramdown].filter((x): x is string => !!x);
    const hit = forms.find((f) => looseKey(f) === key);
    if (hit) found.add(h.id ?? h.github);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/**
 * The anchor a heading rename gave the doc: the anchors that are new since
 * base must all belong to one heading (a heading has a GitHub slug, a kramdown
 * id and maybe a `{#id}`). Prefers the explicit id, then the GitHub slug.
 */
function renamedAnchor(doc: DocAnchors, base: ReadonlySet<string>): string | undefined {
  const fresh = [...doc.anchors].filter((a) => !base.has(a));
  if (fresh.length === 0) return undefined;
  if (fresh.length === 1) return fresh[0];
  const freshSet = new Set(fresh);
  const owners = doc.headings.filter((h) =>
    [h.id, h.github, h.kramdown].some((a) => a !== undefined && freshSet.has(a)),
  );
  if (owners.length !== 1) return undefined;
  const h = owners[0];
  const covered = new Set([h.id, h.github, h.kramdown].filter((x): x is string => !!x));
  if (!fresh.every((a) => covered.has(a))) return undefined;
  if (h.id && freshSet.has(h.id)) return h.id;
  return freshSet.has(h.github) ? h.github : h.kramdown;
}

export const brokenAnchor: Rule = {
  id: ID,
  scope: { on: "doc", brokenByChange: true },
  suggestion: {},
  severity: "warning",
  alsoKnownAs: { markdownlint: ["MD051", "link-fragments"] },
  docs: {
    summary: "A `#fragment` that matches no heading of the doc it points at.",
    description:
      "A link to `#section` (in the same doc) or to `other.md#section` must " +
      "match a heading's anchor: its GitHub slug (`## Runtime options` → " +
      "`#runtime-options`, computed from the text without inline HTML and " +
      "images, with `-1`, `-2` for repeated headings), its kramdown id on the " +
      "site, an explicit `{#id}`, an HTML `id` (on any element) or `name` (on " +
      "`<a>`), quoted or not, or `#top`. Otherwise readers land at the top of the page. " +
      "When the change renamed or removed the heading, links in untouched docs " +
      "are reported too, and if the heading was renamed the suggestion uses its " +
      "new anchor. Line anchors (`#L12`) on source files are not checked.",
  },
  examples: [
    {
      doc: "# Title\n\n## Runtime options\n\nSee [the options](#runtime-option).\n",
      findings: [
        {
          line: 5,
          column: 5,
          message:
            "Broken anchor `#runtime-option`: no heading of this doc has this " +
            "anchor; fix the fragment (anchors are the heading text in lower case, " +
            "with spaces as `-`), or add an explicit `{#id}` to the heading.",
        },
      ],
    },
    {
      doc: "# Title\n\n## Runtime options\n\nSee [the options](#runtime_options).\n",
      findings: [
        {
          line: 5,
          column: 5,
          message:
            "Broken anchor `#runtime_options`: no heading of this doc has this " +
            "anchor; did you mean `#runtime-options`?",
          suggestion: "See [the options](#runtime-options).",
        },
      ],
    },
    {
      path: "g3doc/install.md",
      doc: "# Install\n\nSee [the flags](runtime.md#runtime-flags).\n",
      files: {
        "g3doc/runtime.md": "# Runtime\n\n## Flags of runsc\n",
      },
      base: {
        "g3doc/install.md": "# Install\n\nSee [the flags](runtime.md#runtime-flags).\n",
        "g3doc/runtime.md": "# Runtime\n\n## Runtime flags\n",
      },
      findings: [
        {
          line: 3,
          column: 5,
          message:
            "Broken anchor `#runtime-flags`: no heading of `g3doc/runtime.md` has " +
            "this anchor; this change renamed the heading; its anchor is now " +
            "`#flags-of-runsc`.",
          suggestion: "See [the flags](runtime.md#flags-of-runsc).",
        },
      ],
    },
    {
      doc: "# Title\n\n## Runtime options\n\nSee [the options](#runtime-options).\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    for (const ref of referencesOf(doc)) {
      if (ref.kind !== "link") continue;
      const target = resolveLocal(doc.path, ref.url);
      if (!target || target.fragment === undefined || target.fragment === "") continue;
      if (escapesRoot(target.path) || !/\.md$/i.test(target.path)) continue;
      const same = target.path === doc.path;
      const targetDoc = same ? docAnchors(doc) : ctx.anchorsAt(target.path);
      if (!targetDoc) continue;
      const fragment = target.fragment;
      if (hasAnchor(targetDoc.anchors, fragment)) continue;

      const where = same ? "this doc" : `\`${target.path}\``;
      const base = ctx.baseAnchorsOf(target.path);
      const causedByChange = base !== undefined && hasAnchor(base, fragment);
      let replacement: string | undefined;
      let why: string;
      if (causedByChange) {
        replacement = renamedAnchor(targetDoc, base);
        why = replacement
          ? `this change renamed the heading; its anchor is now \`#${replacement}\``
          : "this change renamed or removed that heading; point the link at the " +
            "heading that now holds the content, or restore the heading (an explicit " +
            "`{#id}` keeps old links working)";
      } else {
        replacement = nearAnchor(targetDoc, fragment);
        why = replacement
          ? `did you mean \`#${replacement}\`?`
          : "fix the fragment (anchors are the heading text in lower case, with " +
            "spaces as `-`), or add an explicit `{#id}` to the heading";
      }
      let suggestion: string | null = null;
      let endLine: number | undefined;
      const rawFragment = writtenFragment(ref.url);
      if (replacement !== undefined && rawFragment !== undefined) {
        const written = ref.url;
        const newUrl = `${written.slice(0, written.length - rawFragment.length)}${replacement}`;
        const edit = replaceDestination(doc, ref, written, newUrl);
        if (edit) {
          suggestion = edit.text;
          endLine = edit.endLine;
        }
      }
      report(
        `Broken anchor \`#${fragment}\`: no heading of ${where} has this anchor; ${why}${why.endsWith("?") ? "" : "."}`,
        {
          line: ref.line,
          column: ref.column,
          endLine,
          suggestion,
          causedByChange,
        },
      );
    }
  },
};
