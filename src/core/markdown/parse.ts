/**
 * The one remark setup of the product: remark-parse + remark-gfm, plus the
 * g3doc syntax that plain CommonMark does not know:
 * - `## Heading {#id}` sets the anchor `id` (kramdown/g3doc), and the `{#id}`
 *   is taken out of the heading's text;
 * - `[TOC]` alone on a line is a directive: it stays a text node, and the
 *   reference rules are told to allow it.
 */
import { unified, type Processor } from "unified";
import remarkGfm from "remark-gfm";
import type { fromMarkdown as FromMarkdown } from "mdast-util-from-markdown";
import { fromMarkdown as vendoredFromMarkdown } from "./from-markdown.js";
import type { Heading, Nodes, Root } from "mdast";
import { splitLines } from "../text.js";

export interface Doc {
  /** Repository-relative path at head. */
  path: string;
  /** The text as read (line endings kept, so offsets match the source). */
  text: string;
  /** The lines, without their line endings. */
  lines: string[];
  tree: Root;
  /** Per-doc memo for derived data (references, anchors), so rules share one computation. */
  memo: Map<string, unknown>;
}

/** Computes derived data of a doc once and shares it between rules. */
export function memo<T>(doc: Doc, key: string, compute: (doc: Doc) => T): T {
  if (doc.memo.has(key)) return doc.memo.get(key) as T;
  const value = compute(doc);
  doc.memo.set(key, value);
  return value;
}

/** mdast-util-from-markdown with one change that makes it faster (from-markdown.js says which). */
const fromMarkdown = vendoredFromMarkdown as typeof FromMarkdown;

type Extensions = Parameters<typeof FromMarkdown>[1];

/**
 * remark-parse (11.0.0) on the module above: the processor's settings, then
 * the extensions its plugins (remark-gfm) put in its data.
 */
function remarkParse(this: Processor): void {
  const data = (key: string) => (this.data as (key: string) => unknown)(key);
  this.parser = (doc: string) =>
    fromMarkdown(doc, {
      ...(data("settings") as Extensions),
      extensions: (data("micromarkExtensions") as NonNullable<Extensions>["extensions"]) ?? [],
      mdastExtensions:
        (data("fromMarkdownExtensions") as NonNullable<Extensions>["mdastExtensions"]) ?? [],
    });
}

const processors = new Map<string, Processor<Root>>();

/**
 * The parse's processor: remark-parse, remark-gfm, and without the micromark
 * constructs named in `dropped` (`withoutConstructs`).
 */
function getProcessor(dropped: readonly string[] = []): Processor<Root> {
  const key = dropped.join(",");
  const made = processors.get(key);
  if (made) return made;
  const p = unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(withoutConstructs, dropped)
    .use(literalAutolinks, "where-found")
    .freeze() as unknown as Processor<Root>;
  processors.set(key, p);
  return p;
}

/** A micromark construct, as far as `withoutConstructs` reads it. */
interface NamedConstruct {
  name?: string;
}

/**
 * Takes the named constructs out of micromark's block (flow) and inline
 * (text) constructs.
 */
function withoutConstructs(this: Processor, dropped: readonly string[]): void {
  if (dropped.length === 0) return;
  const data = this.data() as { micromarkExtensions?: Array<Record<string, unknown>> };
  const kept = (map: unknown) => {
    if (!map) return map;
    const out: Record<string, NamedConstruct[]> = {};
    for (const [code, c] of Object.entries(
      map as Record<string, NamedConstruct | NamedConstruct[]>,
    )) {
      const list = (Array.isArray(c) ? c : [c]).filter((x) => !dropped.includes(x.name ?? ""));
      if (list.length > 0) out[code] = list;
    }
    return out;
  };
  data.micromarkExtensions = (data.micromarkExtensions ?? []).map((ext) => ({
    ...ext,
    flow: kept(ext.flow),
    text: kept(ext.text),
  }));
}

/**
 * A table's delimiter row holds a `|`, or a `:` beside its `-`s (`a` over
 * `:-` is a table of one column).
 */
const MAY_TABLE = /\||:-|-:/;

/**
 * The tree of `text`, as remark-gfm parses it (`parseOnly`), with the work
 * of two constructs left out where they cannot succeed. GFM's email literal
 * autolink (`a@b.co`) is tried at the start of every word, since an email's
 * name may start with any letter or digit: each try allocates its tokenizer
 * and ends the text's run of data, merged again afterwards; it needs an `@`.
 * A table is tried at the start of every block's line; it needs `MAY_TABLE`.
 * A failed try leaves nothing behind, so the trees are the same (the
 * transform that finds the links micromark does not, such as `a&#64;b.co`,
 * still runs). On the gVisor tree repeated to 20 MB (where 2,784 of 2,900 docs
 * have no `@` and 1,682 nothing a table needs), `check --all --format json`
 * took 46.0, 46.2 and 42.5 s of CPU instead of 64.6, 65.9 and 59.7 s, the
 * report the same byte for byte.
 */
export function parseMarkdown(text: string): Root {
  return getProcessor(droppedConstructs(text)).parse(text) as Root;
}

/** The micromark constructs `parseMarkdown` leaves out of `text`'s parse, by name. */
export function droppedConstructs(text: string): string[] {
  const dropped: string[] = [];
  if (!text.includes("@")) dropped.push("emailAutolink");
  if (!MAY_TABLE.test(text)) dropped.push("table");
  return dropped;
}

/**
 * Text that GFM's literal autolinks need: `://` (`https://...`), `www.`, or
 * for an email (also after `mailto:` and `xmpp:`) a name character, `@` and
 * a domain with a dot (not a mention such as `@name`).
 */
export const MAY_AUTOLINK = /:\/\/|www\.|[\w+.-]@[\w-]+\./i;

/** Whether a text node outside links holds what a literal autolink needs. */
function mayAutolink(tree: Root): boolean {
  const stack: Nodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "text") {
      if (MAY_AUTOLINK.test(node.value)) return true;
    } else if ("children" in node && node.type !== "link" && node.type !== "linkReference") {
      for (const c of node.children) stack.push(c);
    }
  }
  return false;
}

interface FromMarkdownExtension {
  enter?: Record<string, unknown>;
  transforms?: ((tree: Root) => Root | undefined | void)[];
}

/**
 * GFM's literal autolinks are found in two steps: micromark marks most, and
 * a transform (mdast-util-gfm-autolink-literal) searches every text node of
 * the tree with four regular expressions for the rest (a walk of the whole
 * tree per parse: 3% of an audit's CPU on markdown-large). "where-found"
 * runs that transform only on trees with a text node outside links that
 * holds what every one of its expressions needs (MAY_AUTOLINK; 13 of the
 * first 800 docs of markdown-large do), so the tree is the same; "off" never runs it (block trees, whose paragraphs'
 * text is raw: the comparison they serve reads the text, whatever the links).
 */
function literalAutolinks(this: Processor, mode: "where-found" | "off"): void {
  const data = this.data() as { fromMarkdownExtensions?: unknown[] };
  const visit = (ext: unknown): void => {
    if (Array.isArray(ext)) {
      for (const e of ext) visit(e);
      return;
    }
    const e = ext as FromMarkdownExtension;
    if (!e?.enter || !("literalAutolink" in e.enter) || !e.transforms) return;
    e.transforms = e.transforms.map((transform) =>
      mode === "off"
        ? (tree: Root) => tree
        : (tree: Root) => (mayAutolink(tree) ? transform(tree) : tree),
    );
  };
  visit(data.fromMarkdownExtensions ?? []);
}

const HEADING_ID = /[ \t]*\{#([^\s{}]+)\}[ \t]*$/;

/** Nodes whose children may be headings (flow content); headings sit nowhere else. */
const HOLDS_FLOW = new Set(["root", "blockquote", "list", "listItem", "footnoteDefinition"]);

/**
 * Takes `{#id}` off the end of a heading and stores it as the heading's id.
 * Only flow containers are walked: a paragraph, table or heading holds no
 * heading, and most of a tree's nodes are inside them.
 */
function applyHeadingIds(tree: Root): void {
  const stack: Nodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "heading") takeHeadingId(node);
    else if (HOLDS_FLOW.has(node.type) && "children" in node)
      for (const c of node.children) stack.push(c);
  }
}

function takeHeadingId(node: Heading): void {
  const last = node.children[node.children.length - 1];
  if (!last || last.type !== "text") return;
  const m = HEADING_ID.exec(last.value);
  if (!m) return;
  last.value = last.value.slice(0, m.index);
  const data = (node.data ??= {}) as { id?: string; hProperties?: Record<string, unknown> };
  data.id = m[1];
  data.hProperties = { ...(data.hProperties ?? {}), id: m[1] };
  if (last.value === "") node.children.pop();
}

/**
 * Front matter: YAML between `---` lines (closed by `---` or `...`) or TOML
 * between `+++` lines, from the first line of the doc. GitHub, Jekyll, Hugo
 * and MkDocs read it as metadata, never as Markdown.
 */
export interface FrontMatter {
  format: "yaml" | "toml";
  /** The last line of the block (its closing fence), 1-based. */
  endLine: number;
  /** Offset just after the closing fence. */
  end: number;
}

/** The doc's front matter, if it opens with one. */
export function findFrontMatter(text: string): FrontMatter | undefined {
  const open = /^(---|\+\+\+)[ \t]*(?:\r\n|\r|\n)/.exec(text);
  if (!open) return undefined;
  const format = open[1] === "---" ? "yaml" : "toml";
  const closers = format === "yaml" ? ["---", "..."] : ["+++"];
  let at = open[0].length;
  let line = 2;
  while (at < text.length) {
    const nl = /\r\n|\r|\n/g;
    nl.lastIndex = at;
    const m = nl.exec(text);
    const lineEnd = m ? m.index : text.length;
    if (closers.includes(text.slice(at, lineEnd).trimEnd()))
      return { format, endLine: line, end: lineEnd };
    if (!m) break;
    at = m.index + m[0].length;
    line++;
  }
  return undefined;
}

export function parseDoc(path: string, text: string): Doc {
  const fm = findFrontMatter(text);
  // The front matter is blanked (same length, line breaks kept) so positions stay those of the text.
  const source = fm ? text.slice(0, fm.end).replace(/[^\r\n]/g, " ") + text.slice(fm.end) : text;
  const tree = parseMarkdown(source);
  applyHeadingIds(tree);
  if (fm) {
    const node = {
      type: "yaml",
      value: text.slice(0, fm.end),
      data: { format: fm.format },
      position: {
        start: { line: 1, column: 1, offset: 0 },
        end: { line: fm.endLine, column: fm.end - lastLineStart(text, fm.end) + 1, offset: fm.end },
      },
    } as Root["children"][number];
    tree.children.unshift(node);
  }
  return { path, text, lines: splitLines(text), tree, memo: new Map() };
}

function lastLineStart(text: string, end: number): number {
  let i = end;
  while (i > 0 && text[i - 1] !== "\n" && text[i - 1] !== "\r") i--;
  return i;
}

/** The last line of the doc's front matter, or 0 when it has none. */
export function frontMatterEndLine(doc: Doc): number {
  const first = doc.tree.children[0] as
    { type: string; position?: { end: { line: number } } } | undefined;
  return first?.type === "yaml" ? (first.position?.end.line ?? 0) : 0;
}

/**
 * Limits on nesting that the parser handles in time linear in the input.
 * micromark's time grows with the square of these (10,000 nested `>` also
 * overflow the stack in tree walks); real docs stay far below them.
 */
export const NESTING_LIMITS = { containers: 100, brackets: 256, delimiterRun: 400 };

const isSpace = (c: number) => c === 32 || c === 9;
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Why a text is too deeply nested to parse safely, or null. One linear scan:
 * block quotes and list items opened on one line (plus the indentation before
 * a marker, which nests lists across lines), `[` left open in a paragraph,
 * and runs of `*` or `_`.
 */
export function nestingProblem(text: string, limits = NESTING_LIMITS): string | null {
  let brackets = 0;
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    // Container prefix of the line.
    let containers = 0;
    let indent = 0;
    let blank = true;
    for (;;) {
      while (i < n && isSpace(text.charCodeAt(i))) {
        if (containers === 0) indent += text.charCodeAt(i) === 9 ? 4 : 1;
        i++;
      }
      const c = text.charCodeAt(i);
      let next = i;
      if (c === 62 /* > */) next = i + 1;
      else if (
        (c === 45 || c === 42 || c === 43) /* - * + */ &&
        (i + 1 >= n || isSpace(text.charCodeAt(i + 1)))
      )
        next = i + 1;
      else if (isDigit(c)) {
        let j = i;
        while (j < n && j - i < 9 && isDigit(text.charCodeAt(j))) j++;
        const d = text.charCodeAt(j);
        if ((d === 46 || d === 41) /* . ) */ && (j + 1 >= n || isSpace(text.charCodeAt(j + 1))))
          next = j + 1;
      }
      if (next === i) break;
      containers++;
      i = next;
    }
    if (containers > 0) containers += Math.floor(indent / 2);
    if (containers > limits.containers)
      return `line ${line} nests block quotes or lists ${containers} deep (the limit is ${limits.containers})`;
    // The rest of the line.
    let run = 0;
    let runChar = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) break;
      if (!isSpace(c)) blank = false;
      if (c === 42 || c === 95) {
        run = c === runChar ? run + 1 : 1;
        runChar = c;
        if (run > limits.delimiterRun)
          return `line ${line} has a run of more than ${limits.delimiterRun} "${String.fromCharCode(c)}" (emphasis markers)`;
        continue;
      }
      run = 0;
      runChar = 0;
      if (c === 92 /* \ */) i++;
      else if (c === 91 /* [ */) {
        if (++brackets > limits.brackets)
          return `line ${line} opens more than ${limits.brackets} nested "[" in one paragraph`;
      } else if (c === 93 /* ] */ && brackets > 0) brackets--;
    }
    if (blank) brackets = 0;
    if (i < n && text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10) i++;
    i++;
    line++;
  }
  return null;
}

/** Parse only (no g3doc post-processing): the yardstick the benchmark compares the engine with. */
export function parseOnly(text: string): Root {
  return getProcessor().parse(text) as Root;
}

/**
 * Inline constructs, by micromark's names (CommonMark's and GFM's): off in
 * `parseBlocks`. Block structure never depends on them (CommonMark finds the
 * blocks first, then parses each block's text), so two texts whose block
 * trees are equal, paragraph texts included, parse to equal full trees.
 */
const INLINE_CONSTRUCTS = [
  "attention",
  "autolink",
  "characterEscape",
  "characterReference",
  "codeText",
  "hardBreakEscape",
  "htmlText",
  "labelEnd",
  "labelStartImage",
  "labelStartLink",
  "wwwAutolink",
  "protocolAutolink",
  "emailAutolink",
  "strikethrough",
  "gfmFootnoteCall",
  "gfmPotentialFootnoteCall",
];

let blockProcessor: Processor<Root> | undefined;

/**
 * The blocks of a text (lists, items, paragraphs, code, tables...), each
 * paragraph one text node of its raw content: about half the cost of a
 * full parse, for comparing block structure before and after an edit.
 */
export function parseBlocks(text: string): Root {
  blockProcessor ??= unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(literalAutolinks, "off")
    .use(function inlineOff(this: Processor) {
      const data = this.data() as { micromarkExtensions?: unknown[] };
      (data.micromarkExtensions ??= []).push({ disable: { null: INLINE_CONSTRUCTS } });
    })
    .freeze() as unknown as Processor<Root>;
  return blockProcessor.parse(text) as Root;
}

/** The id a heading carries through `{#id}`, if any. */
export function headingId(node: Heading): string | undefined {
  return (node.data as { id?: string } | undefined)?.id;
}
