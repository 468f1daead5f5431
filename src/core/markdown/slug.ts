/**
 * Heading anchors as the two renderers of a g3doc page make them: GitHub
 * (github-slugger, with `-1`, `-2` for repeats) and kramdown on gvisor.dev
 * (auto ids), plus explicit `{#id}`.
 */
import GithubSlugger, { slug as githubSlug } from "github-slugger";
import type { Heading, Nodes, Root } from "mdast";
import { eachNode } from "./nodes.js";
import { headingId, memo, type Doc } from "./parse.js";

/** kramdown's auto id: see kramdown's `generate_id` (basic, non-transliterated form). */
export function kramdownSlug(text: string): string {
  let s = text.replace(/^[^a-zA-Z]+/, "");
  s = s.replace(/[^a-zA-Z0-9 -]/g, "");
  s = s.replace(/ /g, "-").toLowerCase();
  return s === "" ? "section" : s;
}

export interface HeadingAnchor {
  node: Heading;
  text: string;
  github: string;
  kramdown: string;
  id?: string;
  line: number;
}

/**
 * A heading's text as the renderers see it for its anchor: inline HTML
 * (tags, comments) and images (badges) give no text; the text inside HTML
 * tags and links stays.
 */
export function headingText(node: Heading): string {
  let out = "";
  const go = (n: Nodes) => {
    if (n.type === "html" || n.type === "image" || n.type === "imageReference") return;
    if ("value" in n && typeof n.value === "string") out += n.value;
    if ("children" in n) for (const c of n.children as Nodes[]) go(c);
  };
  go(node);
  return out;
}

export function headingAnchors(tree: Root): HeadingAnchor[] {
  const slugger = new GithubSlugger();
  const out: HeadingAnchor[] = [];
  const kramdownSeen = new Map<string, number>();
  eachNode(tree, "heading", (node: Heading) => {
    const text = headingText(node);
    // kramdown numbers repeated auto ids as GitHub does: `setup`, `setup-1`, ...
    let kramdown = kramdownSlug(text.trim());
    const n = kramdownSeen.get(kramdown) ?? 0;
    kramdownSeen.set(kramdown, n + 1);
    if (n > 0) kramdown = `${kramdown}-${n}`;
    out.push({
      node,
      text,
      github: slugger.slug(text.trim()),
      kramdown,
      id: headingId(node),
      line: node.position?.start.line ?? 1,
    });
  });
  return out;
}

/** An opening HTML tag: its name and its attributes. */
const HTML_TAG =
  /<([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
/** An `id` or `name` attribute (not `data-id`): the value quoted or not. */
const HTML_ANCHOR_ATTR = /(?:^|\s)(id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/gi;

/** Every fragment that reaches a heading of the doc on GitHub or on the site. */
export function anchorSet(tree: Root): Set<string> {
  const set = new Set<string>();
  for (const a of headingAnchors(tree)) {
    set.add(a.github);
    // Text a badge or comment leaves with a space at its end: GitHub may keep the final `-`.
    if (a.text !== a.text.trim()) set.add(githubSlug(a.text));
    set.add(a.kramdown);
    if (a.id) set.add(a.id);
  }
  // `#top` (and an empty fragment) lead to the top of the page in every browser.
  set.add("top");
  // Explicit HTML anchors: `id` on any element, `name` on `<a>` only; quoted or not.
  eachNode(tree, "html", (node) => {
    for (const tag of node.value.matchAll(HTML_TAG)) {
      const isA = tag[1].toLowerCase() === "a";
      for (const m of tag[2].matchAll(HTML_ANCHOR_ATTR)) {
        if (m[1].toLowerCase() === "name" && !isA) continue;
        const v = m[2] ?? m[3] ?? m[4];
        if (v) set.add(v);
      }
    }
  });
  return set;
}

/** The anchors of a doc, computed once per doc. */
export function anchorsOf(doc: Doc): Set<string> {
  return memo(doc, "anchors", (d) => anchorSet(d.tree));
}

/** A heading's anchors, without its node. */
export interface HeadingKeys {
  github: string;
  kramdown: string;
  id?: string;
}

/**
 * What other docs need of a doc: its anchors and its headings' anchors. Small
 * and plain (no tree), so an audit can drop a doc's tree once its rules ran
 * and still check the links that point into it, and a worker thread can send
 * it to the others.
 */
export interface DocAnchors {
  anchors: ReadonlySet<string>;
  headings: readonly HeadingKeys[];
}

/** The headings' anchors of a doc, computed once per doc. */
export function headingAnchorsOf(doc: Doc): HeadingAnchor[] {
  return memo(doc, "headingAnchors", (d) => headingAnchors(d.tree));
}

/** The anchors of a doc, with its headings' anchors, computed once per doc. */
export function docAnchors(doc: Doc): DocAnchors {
  return memo(doc, "docAnchors", (d) => ({
    anchors: anchorsOf(d),
    headings: headingAnchorsOf(d).map((h) =>
      h.id === undefined
        ? { github: h.github, kramdown: h.kramdown }
        : { github: h.github, kramdown: h.kramdown, id: h.id },
    ),
  }));
}
