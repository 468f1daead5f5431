// What a body the app posted would make GitHub render that the app did not
// mean to write: parsed with remark + remark-gfm, every mention, issue
// reference, link, image, raw HTML, heading, footnote and suggestion block
// outside what the caller allows is reported.
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkGfm from "remark-gfm";
import { visit } from "unist-util-visit";
import { toString } from "mdast-util-to-string";
import type { Root } from "mdast";

export interface Allowed {
  /** Link URLs the app writes on purpose (a prefix match). */
  linkPrefixes?: string[];
  /** How many ```suggestion blocks the body may hold (top level only). */
  suggestions?: number;
  /** Raw HTML the app writes (the whole node's value). */
  html?: RegExp;
  /** Headings the app writes (their text's start). */
  headings?: string[];
}

const parser = unified().use(remarkParse).use(remarkGfm);

/** Mentions, issue references and URLs GitHub would link in plain text. */
const TEXT_PATTERNS: [string, RegExp][] = [
  ["mention", /(^|[^\w`])@[A-Za-z0-9][\w-]*(\/[\w.-]+)?/],
  ["issue reference", /(^|[^\w&])#\d+/],
  ["issue reference", /\bGH-\d+/i],
  ["issue reference", /[\w.-]+\/[\w.-]+#\d+/],
  ["url", /\b(https?|ftp):\/\/|\bwww\./i],
];

export function injectedStructures(body: string, allowed: Allowed = {}): string[] {
  const tree = parser.parse(body) as Root;
  const out: string[] = [];
  let suggestions = 0;
  visit(tree, (node: any, _index, parent: any) => {
    switch (node.type) {
      case "link":
        if (!(allowed.linkPrefixes ?? []).some((p) => String(node.url).startsWith(p)))
          out.push(`link to ${node.url}`);
        break;
      case "heading": {
        const text = toString(node);
        if (!(allowed.headings ?? []).some((h) => text.startsWith(h)))
          out.push(`heading: ${JSON.stringify(text)}`);
        break;
      }
      case "html":
        if (!allowed.html?.test(node.value)) out.push(`html: ${JSON.stringify(node.value)}`);
        break;
      case "image":
      case "imageReference":
      case "linkReference":
      case "definition":
      case "footnoteReference":
      case "footnoteDefinition":
        out.push(
          `${node.type}: ${JSON.stringify(node.value ?? node.url ?? node.identifier ?? "")}`,
        );
        break;
      case "code":
        if (/^suggestion\b/.test(node.lang ?? "")) {
          suggestions++;
          if (parent?.type !== "root" || suggestions > (allowed.suggestions ?? 0))
            out.push(`suggestion block: ${JSON.stringify(node.value)}`);
        }
        break;
      case "text":
        for (const [what, re] of TEXT_PATTERNS) {
          const m = re.exec(node.value);
          if (m) out.push(`${what} in text: ${JSON.stringify(m[0])}`);
        }
        break;
    }
  });
  return out;
}
