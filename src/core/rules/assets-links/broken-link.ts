import { posix } from "node:path";
import type { Rule, ReviewContext } from "../types.js";
import { referencesOf, type Reference } from "../../markdown/refs.js";
import { resolveLocal, escapesRoot } from "../../markdown/paths.js";
import type { Doc } from "../../markdown/parse.js";
import { isAssetPath, relativeFrom } from "./missing-asset.js";
import { replaceDestination, writtenPath } from "./link-edit.js";

const ID = "broken-link";

const isMd = (p: string) => /\.md$/i.test(p);

/** How a writer would point at `target` from `docPath`, keeping a trailing slash for folders. */
function linkTo(docPath: string, target: string, folder: boolean): string {
  const rel = target === posix.dirname(docPath) ? "." : relativeFrom(docPath, target);
  return folder ? `${rel}/` : rel;
}

/** When the change moved or deleted a whole folder: the folder it moved to (or null when deleted), else undefined. */
function folderFate(ctx: ReviewContext, folder: string): { movedTo: string | null } | undefined {
  const prefix = `${folder}/`;
  const targets = new Set<string>();
  for (const [from, to] of ctx.change.renamed) {
    if (!from.startsWith(prefix)) continue;
    const rest = from.slice(prefix.length);
    if (to.endsWith(`/${rest}`)) targets.add(to.slice(0, to.length - rest.length - 1));
    else targets.add("");
  }
  if (targets.size === 1) {
    const [to] = [...targets];
    if (to !== "" && ctx.dirExists(to)) return { movedTo: to };
  }
  for (const p of ctx.change.deleted) if (p.startsWith(prefix)) return { movedTo: null };
  return undefined;
}

/** The doc's path before this change renamed it, if it did. */
function previousPathOf(ctx: ReviewContext, docPath: string): string | undefined {
  for (const [from, to] of ctx.change.renamed) if (to === docPath) return from;
  return undefined;
}

/** A head path that differs from `path` only in letter case (GitHub and the site are case-sensitive). */
function caseVariant(ctx: ReviewContext, path: string): string | undefined {
  const lower = path.toLowerCase();
  for (const p of ctx.headPaths) if (p.toLowerCase() === lower && p !== path) return p;
  return undefined;
}

/**
 * For a link that is not a file or folder (`../debugging/`, `debugging`): the
 * doc it most likely means, read as relative to the doc's folder or to the
 * doc's page (gvisor.dev serves `a/b.md` as `.../a/b/`, so `../x/` from there
 * is `a/x`).
 */
function mdCandidate(
  ctx: ReviewContext,
  docPath: string,
  path: string,
  written: string,
): string | undefined {
  const candidates = [`${path}.md`];
  const asPage = resolveLocal(docPath.replace(/\.md$/i, "/index.md"), written);
  if (asPage && !escapesRoot(asPage.path)) candidates.push(`${asPage.path}.md`);
  return candidates.find((c) => ctx.fileExists(c));
}

interface Verdict {
  why: string;
  /** New destination path (replacing the written path), when one is known. */
  replacement?: string;
  causedByChange?: boolean;
}

/** The target is gone by this change: renamed, deleted, or its folder moved or deleted. */
function removedByChange(
  ctx: ReviewContext,
  doc: Doc,
  path: string,
  absolute: boolean,
): Verdict | null {
  const renamedTo = ctx.change.renamed.get(path);
  if (renamedTo) {
    const rel = absolute ? `/${renamedTo}` : linkTo(doc.path, renamedTo, false);
    return {
      why: `this change renamed it to \`${renamedTo}\`; point the link at \`${rel}\``,
      replacement: rel,
      causedByChange: true,
    };
  }
  if (ctx.change.deleted.has(path)) {
    return {
      why: "this change deleted it; restore it, or remove or retarget the link",
      causedByChange: true,
    };
  }
  if (isMd(path)) return null;
  const fate = folderFate(ctx, path);
  if (fate?.movedTo) {
    const rel = absolute ? `/${fate.movedTo}/` : linkTo(doc.path, fate.movedTo, true);
    return {
      why: `this change moved the folder to \`${fate.movedTo}\`; point the link at \`${rel}\``,
      replacement: rel,
      causedByChange: true,
    };
  }
  if (fate)
    return {
      why: "this change deleted the folder; restore it, or remove or retarget the link",
      causedByChange: true,
    };
  return null;
}

/** The doc itself moved, so a relative link that reached its target no longer does. */
function docMoved(
  ctx: ReviewContext,
  doc: Doc,
  ref: Reference,
  folderish: boolean,
): Verdict | null {
  const previous = previousPathOf(ctx, doc.path);
  if (!previous) return null;
  const before = resolveLocal(previous, ref.url);
  if (
    !before ||
    escapesRoot(before.path) ||
    !(ctx.fileExists(before.path) || ctx.dirExists(before.path))
  )
    return null;
  const rel = linkTo(doc.path, before.path, folderish && ctx.dirExists(before.path));
  return {
    why:
      `this change moved the doc from \`${previous}\`, so the relative link no ` +
      `longer reaches \`${before.path}\`; point it at \`${rel}\``,
    replacement: rel,
    causedByChange: true,
  };
}

/** Neither a file nor a folder, no extension: a site permalink written as a relative link. */
function permalinkAsPath(ctx: ReviewContext, doc: Doc, path: string, written: string): Verdict {
  const candidate = mdCandidate(ctx, doc.path, path, written);
  const house = ctx.config.preset === "gvisor";
  const rel = candidate ? linkTo(doc.path, candidate, false) : undefined;
  const absoluteUrl = house
    ? "an absolute `https://gvisor.dev/...` URL"
    : "the page's absolute URL";
  const hint = rel
    ? `link the source doc \`${rel}\` instead, which works on both`
    : `link the source \`.md\` (or ${absoluteUrl}) instead, or fix the path`;
  return {
    why:
      `it is neither a file nor a folder in the repository (a site permalink ` +
      `written as a relative link works on ${house ? "gvisor.dev" : "the published site"} but is a 404 on GitHub); ` +
      `${hint}`,
    replacement: rel,
  };
}

function judge(
  ctx: ReviewContext,
  doc: Doc,
  ref: Reference,
  path: string,
  absolute: boolean,
): Verdict | null {
  const written = writtenPath(ref.url);
  const folderish = written.endsWith("/") || !isMd(path);
  const removed = removedByChange(ctx, doc, path, absolute);
  if (removed) return removed;
  const moved = absolute ? null : docMoved(ctx, doc, ref, folderish);
  if (moved) return moved;
  const notAdded = ctx.change.mode === "change" ? " and this change does not add it" : "";
  if (isMd(path)) {
    const variant = caseVariant(ctx, path);
    if (variant) {
      const rel = absolute ? `/${variant}` : linkTo(doc.path, variant, false);
      return {
        why:
          `it is not in the repository${notAdded}, but \`${variant}\` is (paths are ` +
          `case-sensitive); point the link at \`${rel}\``,
        replacement: rel,
      };
    }
    return { why: `it is not in the repository${notAdded}; fix the path, or add the doc` };
  }
  if (absolute || ctx.publishing !== undefined) return null;
  return permalinkAsPath(ctx, doc, path, written);
}

/**
 * For `https://github.com/OWNER/REPO/blob|tree/REF/path` naming this
 * repository at a branch (not a commit), the segments after `blob/` or
 * `tree/`: the branch, then the path (a branch name may hold `/`).
 */
export function ownRepositoryPath(url: string, repository: string): string[] | null {
  const m =
    /^https?:\/\/(?:www\.)?github\.com\/([^/?#]+)\/([^/?#]+)\/(?:blob|tree)\/([^?#]+)/i.exec(url);
  if (!m || `${m[1]}/${m[2]}`.toLowerCase() !== repository.toLowerCase()) return null;
  let segments: string[];
  try {
    segments = m[3].split("/").map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  segments = segments.filter((s, i) => s !== "" || i === 0);
  // A commit (a permalink) may name a path that no longer exists: that is its point.
  if (segments.length < 2 || /^[0-9a-f]{7,40}$/i.test(segments[0])) return null;
  return segments;
}

/** Whether some split of branch / path names a file or folder at head. */
function ownPathExists(ctx: ReviewContext, segments: string[]): boolean {
  for (let k = 1; k < segments.length; k++) {
    const path = segments.slice(k).join("/");
    if (ctx.fileExists(path) || ctx.dirExists(path)) return true;
  }
  return false;
}

export const brokenLink: Rule = {
  id: ID,
  scope: { on: "doc", brokenByChange: true },
  suggestion: {},
  severity: "error",
  docs: {
    summary: "A relative link to a doc, file or folder that does not exist at head.",
    description:
      "The doc links (inline, through a reference definition, or with HTML `<a " +
      "href>`) to a path in the repository that is not there at the head of the " +
      "change: the change deleted or renamed it, or it never existed. `.md` " +
      "links are resolved against the repository tree, relative to the doc " +
      "(`/path` starts at the repository root); links to folders are fine when " +
      "the folder exists. URLs with a scheme (`https:`, `mailto:`) are never " +
      "fetched. Extensionless links that are neither a file nor a folder " +
      "(`../debugging/`) are site permalinks: without a BUILD model they are " +
      "reported here, since they are a 404 on GitHub; link the `.md` instead. " +
      "When the change renamed the target, the suggestion points at the new " +
      "name. An absolute link to this same repository at a branch " +
      "(`https://github.com/OWNER/REPO/blob/main/path`) is checked against the " +
      "tree too (in pull request reviews, where the repository is known); a " +
      "link at a commit is left alone.",
  },
  examples: [
    {
      path: "g3doc/user_guide/install.md",
      doc: "# Installation\n\nSee the [debugging guide](debugging.md).\n",
      files: {
        "g3doc/user_guide/debug.md": "# Debugging\n",
      },
      findings: [
        {
          line: 3,
          column: 9,
          message:
            "Broken link to `g3doc/user_guide/debugging.md`: it is not in the " +
            "repository; fix the path, or add the doc.",
        },
      ],
    },
    {
      path: "g3doc/user_guide/install.md",
      doc: "# Installation\n\nSee the [debugging guide](debugging.md).\n",
      files: {
        "g3doc/user_guide/debug.md": "# Debugging\n",
      },
      base: {
        "g3doc/user_guide/install.md":
          "# Installation\n\nSee the [debugging guide](debugging.md).\n",
        "g3doc/user_guide/debugging.md": "# Debugging\n",
      },
      renamed: { "g3doc/user_guide/debugging.md": "g3doc/user_guide/debug.md" },
      findings: [
        {
          line: 3,
          column: 9,
          message:
            "Broken link to `g3doc/user_guide/debugging.md`: this change renamed it " +
            "to `g3doc/user_guide/debug.md`; point the link at `debug.md`.",
          suggestion: "See the [debugging guide](debug.md).",
        },
      ],
    },
    {
      path: "g3doc/user_guide/install.md",
      doc: "# Installation\n\nSee the [debugging guide](debug.md).\n",
      files: {
        "g3doc/user_guide/debug.md": "# Debugging\n",
      },
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    for (const ref of referencesOf(doc)) {
      if (ref.kind !== "link") continue;
      const own = ctx.repository ? ownRepositoryPath(ref.url, ctx.repository) : null;
      if (own && !ownPathExists(ctx, own)) {
        report(
          `Broken link to \`${own.slice(1).join("/")}\` in this repository: no file ` +
            "or folder has this path at head; fix the path (or link it relative to the doc, " +
            "which keeps working on forks and branches).",
          { line: ref.line, column: ref.column },
        );
        continue;
      }
      const target = resolveLocal(doc.path, ref.url);
      if (!target || target.path === doc.path) continue;
      const written = writtenPath(ref.url);
      if (escapesRoot(target.path)) {
        report(
          `Broken link: \`${written}\` climbs above the repository root (it ` +
            `resolves to \`${target.path}\`); remove a \`../\`, or use an absolute ` +
            `\`https://\` URL for a page outside this repository.`,
          {
            line: ref.line,
            column: ref.column,
          },
        );
        continue;
      }
      if (isAssetPath(target.path)) continue; // missing-asset's business.
      if (ctx.fileExists(target.path) || ctx.dirExists(target.path)) continue;
      const verdict = judge(ctx, doc, ref, target.path, target.absolute);
      if (!verdict) continue;
      let suggestion: string | null = null;
      let endLine: number | undefined;
      if (verdict.replacement !== undefined) {
        const edit = replaceDestination(doc, ref, written, verdict.replacement);
        if (edit) {
          suggestion = edit.text;
          endLine = edit.endLine;
        }
      }
      report(`Broken link to \`${target.path}\`: ${verdict.why}.`, {
        line: ref.line,
        column: ref.column,
        endLine,
        suggestion,
        causedByChange: verdict.causedByChange,
      });
    }
  },
};
