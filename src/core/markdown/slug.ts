/**
 * Heading anchors as the two renderers of a g3doc page make them: GitHub
 * (github-slugger, with `-1`, `-2` for repeats) and kramdown on gvisor.dev
 * (auto ids), plus explicit `{#id}`.
 */
import GithubSlugger from "github-slugger";
import type { Heading, Root } from "mdast";
import { toString } from "mdast-util-to-string";
import { visit, SKIP } from "unist-util-visit";
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

export function headingAnchors(tree: Root): HeadingAnchor[] {
  const slugger = new GithubSlugger();
  const out: HeadingAnchor[] = [];
  visit(tree, "heading", (node: Heading) => {
    const text = toString(node);
    out.push({
      node,
      text,
      github: slugger.slug(text),
      kramdown: kramdownSlug(text),
      id: headingId(node),
      line: node.position?.start.line ?? 1,
    });
    return SKIP;
  });
  return out;
}

/** Every fragment that reaches a heading of the doc on GitHub or on the site. */
export function anchorSet(tree: Root): Set<string> {
  const set = new Set<string>();
  for (const a of headingAnchors(tree)) {
    set.add(a.github);
    set.add(a.kramdown);
    if (a.id) set.add(a.id);
  }
  // Explicit HTML anchors: <a name="x"> / id="x".
  visit(tree, "html", (node) => {
    for (const m of node.value.matchAll(/\b(?:name|id)\s*=\s*["']([^"']+)["']/g)) set.add(m[1]);
  });
  return set;
}

/** The anchors of a doc, computed once per doc. */
export function anchorsOf(doc: Doc): Set<string> {
  return memo(doc, "anchors", (d) => anchorSet(d.tree));
}
