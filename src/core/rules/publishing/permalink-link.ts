import { posix } from "node:path";
import type { Report, ReviewContext, Rule } from "../types.js";
import type { Doc } from "../../markdown/parse.js";
import { referencesOf, type Reference } from "../../markdown/refs.js";
import { lastSegment, type Publishing } from "../../g3doc/model.js";
import { relativeDocPath, siteLinkOf, type SiteLink } from "../../g3doc/site.js";
import { publishingOf } from "./common.js";

const ID = "permalink-link";

/** The line with the link destination `from` replaced by `to` (inline, definition or HTML). */
function withDestination(doc: Doc, line: number, from: string, to: string): string | null {
  const text = doc.lines[line - 1];
  if (text === undefined) return null;
  for (const [a, b] of [
    ["](", ""],
    ["]: ", ""],
    ['"', '"'],
    ["'", "'"],
    ["<", ""],
  ]) {
    const i = text.indexOf(a + from + b);
    if (i >= 0) return text.slice(0, i + a.length) + to + text.slice(i + a.length + from.length);
  }
  return null;
}

/** A page that is probably meant: the only page whose last path segment is the same. */
function likelyPage(pub: Publishing, pathname: string) {
  const last = lastSegment(pathname);
  if (!last) return undefined;
  const hits = pub.pagesNamed(last);
  return hits.length === 1 ? hits[0] : undefined;
}

function describeLink(link: SiteLink, docPermalink: string | undefined): string {
  return link.kind === "relative"
    ? `on the website it resolves against this doc's page \`${docPermalink}\` ` +
        `to \`${link.pathname}\``
    : `\`${link.pathname}\``;
}

/** A link to a page that works on the website but not on GitHub, and the doc it could link to instead. */
interface Notice {
  ref: Reference;
  rel: string | null;
  message: string;
}

/** A link to a page the change removed: where it went, when the change moved it. */
function reportLost(
  doc: Doc,
  pub: Publishing,
  ref: Reference,
  link: SiteLink,
  lost: NonNullable<SiteLink["lost"]>,
  report: Report,
): void {
  let to: string | null = null;
  if (lost.newPermalink) {
    const page = pub.pages.get(
      lost.newPermalink.endsWith("/") ? lost.newPermalink : `${lost.newPermalink}/`,
    );
    to = link.kind === "relative" && page ? relativeDocPath(doc.path, page.doc) : lost.newPermalink;
  }
  report(
    `The page \`${lost.permalink}\` that \`${link.written}\` links to is ` +
      `gone: ` +
      `${lost.reason}.${to ? ` Link to \`${to}\`.` : " Update or remove the link."}`,
    {
      line: ref.line,
      column: ref.column,
      severity: "error",
      causedByChange: true,
      suggestion: to ? withDestination(doc, ref.line, link.written, to) : null,
    },
  );
}

/** A link that reaches no page, with the page probably meant. */
function reportUnknown(
  doc: Doc,
  pub: Publishing,
  ref: Reference,
  link: SiteLink,
  docPermalink: string | undefined,
  report: Report,
): void {
  const guess = likelyPage(pub, link.pathname);
  const to = guess
    ? link.kind === "relative"
      ? relativeDocPath(doc.path, guess.doc)
      : guess.permalink
    : null;
  const onGitHub = link.kind === "relative" ? ", and on GitHub it names no file" : "";
  report(
    `\`${link.written}\` reaches no page: ` +
      `${describeLink(link, docPermalink)}, which no doc() rule ` +
      `publishes${onGitHub}.${to ? ` Did you mean \`${to}\`?` : ""}`,
    {
      line: ref.line,
      column: ref.column,
      severity: "error",
      suggestion: to ? withDestination(doc, ref.line, link.written, to) : null,
    },
  );
}

/** A link to a heading its page's doc does not have; true when it was reported. */
function reportMissingAnchor(
  ctx: ReviewContext,
  ref: Reference,
  link: SiteLink,
  report: Report,
): boolean {
  const page = link.page;
  if (!page || !link.fragment) return false;
  const target = ctx.anchorsAt(page.doc);
  if (!target || target.anchors.has(link.fragment)) return false;
  const wasThere = ctx.baseAnchorsOf(page.doc)?.has(link.fragment) === true;
  report(
    `\`#${link.fragment}\` is not an anchor of \`${page.doc}\` (the doc of ` +
      `\`${page.permalink}\`)${wasThere ? ": this change removed or renamed that heading" : ""}; ` +
      `the link lands at the top of the page. Link to an existing heading.`,
    { line: ref.line, column: ref.column, severity: "warning", causedByChange: wasThere },
  );
  return true;
}

/** A relative link to a known page: it works on the website but not on GitHub. */
function pageLinkNotice(doc: Doc, ref: Reference, link: SiteLink): Notice {
  const page = link.page;
  const rel = page
    ? relativeDocPath(doc.path, page.doc) +
      (link.fragment !== undefined ? `#${ref.url.slice(ref.url.indexOf("#") + 1)}` : "")
    : null;
  return {
    ref,
    rel,
    message:
      `\`${link.written}\` is a link to the website page ` +
      `\`${page ? page.permalink : link.pathname}\`${page ? "" : " (a generated page)"}: ` +
      "it works on the website but not on GitHub, where it resolves against the folder " +
      `\`${posix.dirname(doc.path)}\`.` +
      (rel
        ? ` Link to the doc instead: \`${rel}\` (the website turns \`.md\` links ` +
          "into page links)."
        : ""),
  };
}

/** Several such links on one line: the first finding suggests the line with all of them fixed. */
function reportNotices(doc: Doc, notices: readonly Notice[], report: Report): void {
  const done = new Set<number>();
  for (const n of notices) {
    let suggestion: string | null = null;
    if (!done.has(n.ref.line)) {
      done.add(n.ref.line);
      let line: string | null = doc.lines[n.ref.line - 1] ?? null;
      for (const o of notices) {
        if (o.ref.line !== n.ref.line || !o.rel || line === null) continue;
        const lineDoc: Doc = { ...doc, lines: [line] };
        line = withDestination(lineDoc, 1, o.ref.url.trim(), o.rel) ?? line;
      }
      suggestion = line !== null && line !== doc.lines[n.ref.line - 1] ? line : null;
    }
    report(n.message, { line: n.ref.line, column: n.ref.column, suggestion });
  }
}

/** The examples' repository: two docs of one folder, each published by a doc() rule. */
const USER_GUIDE = {
  "g3doc/user_guide/BUILD":
    'doc(\n    name = "compatibility",\n    src = "compatibility.md",\n' +
    '    permalink = "/docs/user_guide/compatibility/",\n)\n\ndoc(\n' +
    '    name = "debugging",\n    src = "debugging.md",\n' +
    '    permalink = "/docs/user_guide/debugging/",\n)\n',
  "g3doc/user_guide/debugging.md": "# Debugging\n",
};

export const permalinkLink: Rule = {
  id: ID,
  scope: { on: "doc", brokenByChange: true, publishing: true },
  suggestion: {},
  severity: "notice",
  docs: {
    summary:
      "A link to a website page URL instead of a file: checked against the " +
      "permalinks of the doc() rules.",
    description:
      "A relative link that names no file or folder of the repository " +
      "(`../debugging/`, `linux/amd64`) is a page URL: the website resolves it " +
      "against the doc's own permalink. When it reaches a known page it works " +
      "on the website but breaks on GitHub (a notice, with the `.md` link " +
      "suggested when the page is a doc: the website rewrites `.md` links to " +
      "pages). When it reaches no page it is broken everywhere: reported as an " +
      "error by this rule (the `broken-link` rule leaves such links alone). " +
      "Absolute site links (`/docs/...`, under a prefix of some permalink) are " +
      "checked the same way, without the notice since they are the house style. " +
      "Pages that no doc() rule describes (the generated syscall tables) are " +
      "listed in `build.knownPages`. A `#fragment` on a link to a doc's page " +
      "must be an anchor of that doc (a warning otherwise). When a change " +
      "deletes or renames a doc, moves its permalink, or renames a heading, the " +
      "links to it in other docs are reported.",
  },
  examples: [
    {
      path: "g3doc/user_guide/compatibility.md",
      doc: "# Compatibility\n\nSee [nothing](../nowhere/).\n",
      files: USER_GUIDE,
      findings: [
        {
          line: 3,
          column: 5,
          message:
            "`../nowhere/` reaches no page: on the website it resolves against this " +
            "doc's page `/docs/user_guide/compatibility/` to " +
            "`/docs/user_guide/nowhere/`, which no doc() rule publishes, and on " +
            "GitHub it names no file.",
          severity: "error",
        },
      ],
    },
    {
      path: "g3doc/user_guide/compatibility.md",
      doc: "# Compatibility\n\nSee the [debugging guide](../debugging/).\n",
      files: USER_GUIDE,
      findings: [
        {
          line: 3,
          column: 9,
          message:
            "`../debugging/` is a link to the website page " +
            "`/docs/user_guide/debugging/`: it works on the website but not on " +
            "GitHub, where it resolves against the folder `g3doc/user_guide`. Link " +
            "to the doc instead: `debugging.md` (the website turns `.md` links into " +
            "page links).",
          suggestion: "See the [debugging guide](debugging.md).",
        },
      ],
    },
    {
      path: "g3doc/user_guide/compatibility.md",
      doc:
        "# Compatibility\n\nSee [debugging](debugging.md) and " +
        "[/docs/user_guide/debugging/](/docs/user_guide/debugging/).\n",
      files: USER_GUIDE,
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const pub = publishingOf(ctx);
    const docPermalink = pub.ruleOfDoc(doc.path)?.permalink?.value;
    const notices: Notice[] = [];
    for (const ref of referencesOf(doc)) {
      if (ref.kind !== "link") continue;
      const link = siteLinkOf(pub, doc.path, ref.url, ctx);
      if (!link) continue;
      if (link.lost) reportLost(doc, pub, ref, link, link.lost, report);
      else if (!link.known) {
        if (pub.complete) reportUnknown(doc, pub, ref, link, docPermalink, report);
      } else if (!reportMissingAnchor(ctx, ref, link, report) && link.kind === "relative")
        notices.push(pageLinkNotice(doc, ref, link));
    }
    reportNotices(doc, notices, report);
  },
};
