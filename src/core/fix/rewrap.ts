/**
 * Rewrapping a paragraph the way gVisor's maintainers' formatter does:
 * greedy fill to the line limit, words separated by single spaces, the
 * container prefix (list indentation, `> `) kept on every line.
 *
 * Differences from the formatter, on purpose:
 * - link text, link destinations, code spans, images, HTML tags and
 *   autolinks are unbreakable (the formatter breaks inside code spans);
 * - a line never starts with something that would change the Markdown
 *   meaning (`#`, `>`, a list marker, a fence, a setext/table underline,
 *   an HTML block opener): the last word of the line before is moved down
 *   instead.
 * Hard line breaks (`\` or two spaces at the end of a line) stay where they
 * are: each part between them is wrapped on its own.
 */
import type { Nodes, Paragraph, Root } from "mdast";
import { parseOnly } from "../markdown/parse.js";
import { lineAt } from "../text.js";

export interface RewrapOptions {
  /** The line limit, in characters (code points). */
  limit: number;
  /** Offset in `lines[0]` where the paragraph text starts; derived from the line when absent. */
  contentStart?: number;
  /** What the first line starts with (default: `lines[0]` up to `contentStart`). */
  firstPrefix?: string;
  /** What the other lines start with (default: derived from the first line's prefix). */
  indent?: string;
  /** Columns for the text of the other lines (default: `limit` minus the width of `indent`). */
  restWidth?: number;
  /**
   * Break where the maintainers' formatter also breaks: inside code spans,
   * and inside the text of a link whose text alone is wider than the limit.
   * Only used to recognise text that formatter already wrapped.
   */
  formatterBreaks?: boolean;
  /**
   * The paragraph's node in the doc's own tree and the doc's text, when
   * `lines` are the doc's lines of that paragraph: its spans are then read
   * from the tree where that gives what a parse of the text alone gives
   * (`spansFromTree`), instead of parsing it again.
   */
  source?: { node: Paragraph; text: string };
}

/** Inline nodes whose source must stay on one line. */
const ATOMIC = new Set([
  "link",
  "linkReference",
  "image",
  "imageReference",
  "inlineCode",
  "html",
  "footnoteReference",
]);

/** Container markers at the start of a paragraph's first line (`> `, `*   `, `1.  `, `[^1]: `). */
const CONTAINER_PREFIX =
  /^(?:[ ]*(?:>[ ]?|(?:[-*+]|\d{1,9}[.)])(?:[ ]{1,4}|$)|\[\^[^\]\s]+\]:[ ]*))+/;

/** A line that, as a paragraph continuation line, would start another block or end the paragraph. */
const DANGEROUS_LINE: RegExp[] = [
  /^#{1,6}(?:[ \t]|$)/, // ATX heading
  /^>/, // block quote
  /^[-+*](?:[ \t]|$)/, // bullet list item
  /^\d{1,9}[.)](?:[ \t]|$)/, // ordered list item
  /^(?:`{3,}|~{3,})/, // code fence
  /^[-*_=:|+ \t]+$/, // setext underline, thematic break, table delimiter row
  /^<(?![a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*>)(?![^\s@<>]+@[^\s<>]+>)/, // HTML block opener (autolinks are fine)
  /^\[\^[^\]]*\]:/, // footnote definition
  /^\{:/, // kramdown attribute list
];

export function isDangerousLine(text: string): boolean {
  return DANGEROUS_LINE.some((re) => re.test(text));
}

/**
 * The first line of a paragraph keeps its first word, so only what depends on
 * the line ending matters there: a line of punctuation alone (thematic break),
 * a lone HTML tag (an HTML block), or `[label]:` followed by one word and
 * perhaps a title (a link reference definition: `[name]: note on a PR` is
 * text, `[name]: note` alone on its line defines `name`).
 */
const DANGEROUS_FIRST_LINE: RegExp[] = [
  /^[-*_=:|+ \t]+$/,
  /^<\/?[a-zA-Z][^<>]*>[ \t]*$/,
  /^\[(?:[^\]\\]|\\.)+\]:[ \t]*(?:\S+[ \t]*(?:(?:"[^"]*"|'[^']*'|\([^)]*\))[ \t]*)?)?$/,
];

export function isDangerousFirstLine(text: string): boolean {
  return DANGEROUS_FIRST_LINE.some((re) => re.test(text));
}

/** Width of a string as the formatter counts it: code points. */
export function textWidth(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** The prefix continuation lines get from a first-line prefix: markers become spaces, `>` stays, a footnote label becomes four spaces. */
export function indentFromPrefix(prefix: string): string {
  return prefix.replace(/\[\^[^\]\s]+\]:[ ]*/, "    ").replace(/[^> ]/g, " ");
}

interface Span {
  start: number;
  end: number;
}

/** Fake definitions so that `[text][ref]` and `[ref]` parse as references (and stay unbreakable) without the doc's definitions. */
function definitionsFor(content: string): string {
  const labels = new Set<string>();
  for (const m of content.matchAll(/\[([^[\]]{1,500})\]/g)) {
    const label = m[1].replace(/\s+/g, " ").trim();
    if (label && !label.startsWith("^") && !/\\$/.test(label)) labels.add(label);
  }
  return [...labels].map((l) => `[${l}]: #`).join("\n");
}

export interface Parsed {
  atomic: Span[];
  breaks: Span[];
}

/**
 * A line of plain prose: it starts with a letter, a quote or `(` (not with a
 * list marker, a digit, `#`, `>` or indentation) and holds none of the
 * characters that start inline syntax (`` ` ``, `*`, `_`, `[`, `<`, `&`, `\\`, `~`, `@`...).
 */
const PLAIN_LINE = /^[A-Za-z"'(\u0080-\uffff][-A-Za-z0-9 ,.;:'"?!()/+=#>|%$\u0080-\uffff]*$/;

/**
 * Whether `content` is plain prose: lines of PLAIN_LINE, none ending with a
 * space (a hard break), no `www.` or `://` (autolinks). Such text always
 * parses as one paragraph of text alone (nothing unbreakable, no line break),
 * so the rewrap need not parse it.
 */
export function isPlainProse(content: string): boolean {
  if (/www\.|:\/\//i.test(content)) return false;
  for (const line of content.split("\n"))
    if (!PLAIN_LINE.test(line) || line.endsWith(" ")) return false;
  return true;
}

/** The last paragraph parsed: a paragraph is checked (two layouts) and then rewrapped, all from one parse. */
let lastParsed: { input: string; tree: Root } | undefined;

/** Parses paragraph text on its own; null when it is not exactly one paragraph. */
function parseParagraph(content: string, limit: number, formatterBreaks: boolean): Parsed | null {
  if (isPlainProse(content)) return { atomic: [], breaks: [] };
  return parsedParagraph(content, limit, formatterBreaks);
}

/** What parseParagraph answers, from the parser (exported for tests: isPlainProse text gives no spans). */
export function parsedParagraph(
  content: string,
  limit: number,
  formatterBreaks: boolean,
): Parsed | null {
  const defs = definitionsFor(content);
  const input = defs ? `${content}\n\n${defs}\n` : content;
  // The tree is only read below, so one parse serves every call on the same text.
  if (lastParsed?.input !== input) lastParsed = { input, tree: parseOnly(input) };
  const tree: Root = lastParsed.tree;
  const [first, ...rest] = tree.children;
  if (!first || first.type !== "paragraph" || rest.some((n) => n.type !== "definition"))
    return null;
  if (
    first.position?.start.offset !== 0 ||
    (first.position?.end.offset ?? 0) < content.trimEnd().length
  )
    return null;
  return spansOf(first, content, limit, formatterBreaks, (o) => o);
}

/**
 * The unbreakable spans and the line breaks of a paragraph's inline nodes, in
 * offsets of `content`; `at` maps a node's offset to one of `content`. Null
 * when joining its lines could change its meaning.
 */
function spansOf(
  paragraph: Paragraph,
  content: string,
  limit: number,
  formatterBreaks: boolean,
  at: (offset: number | undefined) => number | undefined,
): Parsed | null {
  const atomic: Span[] = [];
  const breaks: Span[] = [];
  let unsafe = false;
  const walk = (node: Nodes) => {
    const s = at(node.position?.start.offset);
    const e = at(node.position?.end.offset);
    if (node.type === "inlineCode" && s !== undefined && e !== undefined) {
      // A code span that opens or closes at a line break: joining the lines changes its text for some parsers.
      const inner = /^(`+)([\s\S]*)\1$/.exec(content.slice(s, e))?.[2] ?? "";
      if (/^[ \t]*\n|\n[ \t]*$/.test(inner)) unsafe = true;
    }
    // An HTML tag written over lines: joined, it may stand alone on its line and make the
    // paragraph an HTML block (`<img alt="…\n…" />`), and it only makes a longer line.
    if (
      node.type === "html" &&
      s !== undefined &&
      e !== undefined &&
      content.slice(s, e).includes("\n")
    )
      unsafe = true;
    if (node.type === "break" && s !== undefined && e !== undefined) {
      breaks.push({ start: s, end: e });
      return;
    }
    if (formatterBreaks && node.type === "inlineCode") return;
    if (
      formatterBreaks &&
      (node.type === "link" || node.type === "linkReference") &&
      node.children.length > 0 &&
      s !== undefined &&
      e !== undefined
    ) {
      const last = at(node.children[node.children.length - 1].position?.end.offset);
      if (
        last !== undefined &&
        textWidth(content.slice(s, last + 1).replace(/\s+/g, " ")) > limit
      ) {
        // Only the `](url)` / `][ref]` tail stays whole.
        atomic.push({ start: last, end: e });
        for (const c of node.children as Nodes[]) walk(c);
        return;
      }
    }
    if (ATOMIC.has(node.type) && s !== undefined && e !== undefined) {
      atomic.push({ start: s, end: e });
      return;
    }
    if ("children" in node) for (const c of node.children as Nodes[]) walk(c);
  };
  walk(paragraph);
  return unsafe ? null : { atomic, breaks };
}

/** Inline nodes a `[` may open in the doc's tree for its spans to be those of a parse alone (`!` and `[` for images). */
const OPENED_BY_BRACKET: Record<string, number> = {
  link: 0,
  linkReference: 0,
  image: 1,
  imageReference: 1,
};

/**
 * Maps offsets of the doc's text in a paragraph to offsets of its `content`
 * (paragraphText), or undefined when a line is not one the doc's parse takes
 * with the same block-level meaning as the text alone (see spansFromTree).
 */
function contentOffsets(
  lines: readonly string[],
  contentStart: number,
  indent: string,
  source: { node: Paragraph; text: string },
): ((offset: number | undefined) => number | undefined) | undefined {
  const start = source.node.position?.start.offset;
  if (start === undefined || start < contentStart) return undefined;
  // Offsets of each line in the doc's text and in `content`, and what was cut from its start.
  const docStart: number[] = [];
  const cut: number[] = [];
  const contentAt: number[] = [];
  let doc = start - contentStart;
  let at = 0;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    let strip = contentStart;
    if (k > 0) {
      strip = /^[ \t>]*/.exec(line)![0].length;
      if (/[>\t]/.test(line.slice(0, strip))) return undefined;
      if (strip < indent.length || strip > indent.length + 3) return undefined;
      const eol = source.text.slice(doc - 2, doc);
      if (!eol.endsWith("\n") && !eol.endsWith("\r")) return undefined;
    }
    if (source.text.slice(doc, doc + line.length) !== line) return undefined;
    // A line that alone would open a block: the doc's context made it text (say, a merged fix's).
    const text = line.slice(strip);
    if (isDangerousLine(text) || (k === 0 && isDangerousFirstLine(text))) return undefined;
    docStart.push(doc);
    cut.push(strip);
    contentAt.push(at);
    at += line.length - strip + 1;
    doc += line.length;
    doc += source.text.startsWith("\r\n", doc) ? 2 : 1;
  }
  const toContent = (o: number | undefined): number | undefined => {
    if (o === undefined) return undefined;
    // The last line that starts at or before `o` (a binary search: a paragraph may have thousands).
    const k = lineAt(docStart, o) - 1;
    const lineLength = lines[k].length - cut[k];
    return contentAt[k] + Math.min(Math.max(o - docStart[k] - cut[k], 0), lineLength);
  };
  return toContent;
}

/**
 * The spans of a paragraph read from the doc's own tree, or undefined when
 * they might differ from what `parsedParagraph` finds in `content` alone, so
 * the caller parses it. They are the same when:
 * - the text does not follow a task list item's `[ ]` (after which it may
 *   start with what alone would open a block: `2. `), and none of its lines
 *   alone would open a block (`isDangerousLine`);
 * - every continuation line is one the doc's parse takes with the same
 *   block-level meaning as the text alone: no `>` or tab before its text, not
 *   lazy (indented at least as far as the container's text), and at most 3
 *   columns further (so a `#` or `-` there would have ended the paragraph in
 *   the doc too);
 * - every `[` opens a link, a reference or an image of the tree, or sits in a
 *   code span or an HTML tag, so the made-up definitions `parsedParagraph` adds
 *   for `[text]` would find nothing else to make a link of (and a footnote call
 *   falls back: the parse alone does not know it).
 */
export function spansFromTree(
  lines: readonly string[],
  contentStart: number,
  indent: string,
  source: { node: Paragraph; text: string },
  content: string,
  limit: number,
  formatterBreaks: boolean,
): Parsed | null | undefined {
  if (/[>\t]/.test(indent)) return undefined;
  // Text that starts with a space would be indented alone. After a task list item's `[ ]`, text
  // that would start a block alone (`2. `) is a paragraph in the doc: contentOffsets declines it.
  if (/^\s/.test(content)) return undefined;
  const toContent = contentOffsets(lines, contentStart, indent, source);
  if (!toContent) return undefined;
  // Where a `[` may stand: opening a link or an image, or inside a code span, an HTML tag or a link.
  const opens = new Set<number>();
  const inside: Span[] = [];
  const links: Span[] = [];
  let defined = true;
  const collect = (node: Nodes): void => {
    const s = toContent(node.position?.start.offset);
    const e = toContent(node.position?.end.offset);
    // A reference the made-up definitions would not define (see definitionsFor).
    if (
      ((node.type === "linkReference" || node.type === "imageReference") &&
        !/^[^[\]^][^[\]]{0,499}$/.test(node.label ?? "")) ||
      /\\$/.test(("label" in node && node.label) || "")
    )
      defined = false;
    if (s !== undefined && e !== undefined) {
      const shift = OPENED_BY_BRACKET[node.type];
      if (shift !== undefined) {
        opens.add(s + shift);
        links.push({ start: s, end: e });
      } else if (node.type === "inlineCode" || node.type === "html")
        inside.push({ start: s, end: e });
    }
    if ("children" in node) for (const c of node.children as Nodes[]) collect(c);
  };
  collect(source.node);
  if (!defined) return undefined;
  const references = undefinedReferences(content, opens, inside, links, limit, formatterBreaks);
  if (!references) return undefined;
  const parsed = spansOf(source.node, content, limit, formatterBreaks, toContent);
  if (parsed && references.length > 0) parsed.atomic = withSpans(parsed.atomic, references);
  return parsed;
}

/** Characters of the labels UNDEFINED_REFERENCE takes: none starts inline syntax (no `[`, `]`, `` ` ``, `<`, `*`, `_`, `&`, `@`, `\\`...). */
const LABEL_CHARS = String.raw`[-A-Za-z0-9.,;:/#+=%$'"?() \n]`;

/**
 * A reference that is text in the doc (its label has no definition) and that
 * the parse alone reads as a link to the made-up definitions: `[text]`,
 * `[text][]` or `[text][label]`, each of LABEL_CHARS with one that is not a
 * space; not before `[`, `(` or `:`, and (checked by the caller) not after
 * `!`, `]` or a backslash.
 */
const UNDEFINED_REFERENCE = new RegExp(
  String.raw`\[(?![ \n]*\])${LABEL_CHARS}{1,200}\](?:\[(?:(?![ \n]+\])${LABEL_CHARS}{1,200})?\])?(?![[(:])`,
  "y",
);

/**
 * The atomic spans the parse alone gives the `[`s that open nothing in the
 * doc's tree (`opens`) and stand outside code spans and HTML tags (`inside`,
 * disjoint) and links (`links`; a reference inside a link's text would undo
 * the link in the parse alone): a reference of UNDEFINED_REFERENCE each. Undefined
 * when such a `[` is anything else. Both lists of spans are in order, as the
 * `[`s are: one pass.
 */
function undefinedReferences(
  content: string,
  opens: ReadonlySet<number>,
  inside: Span[],
  links: Span[],
  limit: number,
  formatterBreaks: boolean,
): Span[] | undefined {
  const out: Span[] = [];
  inside.sort((a, b) => a.start - b.start);
  links.sort((a, b) => a.start - b.start);
  let j = 0;
  let k = 0;
  let reach = -1;
  // The end of the last reference taken: the `[`s before it are its own.
  let taken = 0;
  for (let i = content.indexOf("["); i !== -1; i = content.indexOf("[", i + 1)) {
    while (j < inside.length && inside[j].end <= i) j++;
    if (i < taken || opens.has(i) || (j < inside.length && inside[j].start < i)) continue;
    // Links may nest (an image in a link's text): the furthest end of those that start before `i`.
    while (k < links.length && links[k].start < i) reach = Math.max(reach, links[k++].end);
    UNDEFINED_REFERENCE.lastIndex = i;
    const m = UNDEFINED_REFERENCE.exec(content);
    if (!m || reach > i || /[!\]\\]/.test(content[i - 1] ?? "") || /:\/\/|www\./i.test(m[0]))
      return undefined;
    taken = i + m[0].length;
    // The formatter's breaks keep only the tail from the text's `]` of a reference whose text runs past the limit.
    const close = content.indexOf("]", i);
    const long =
      formatterBreaks && textWidth(content.slice(i, close + 1).replace(/\s+/g, " ")) > limit;
    out.push({ start: long ? close : i, end: taken });
  }
  return out;
}

/** `spans` with `more` put in: each before the first span that starts after it (neither lies inside the other's links). */
function withSpans(spans: Span[], more: Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  for (const m of more) {
    while (i < spans.length && spans[i].start <= m.start) out.push(spans[i++]);
    out.push(m);
  }
  while (i < spans.length) out.push(spans[i++]);
  return out;
}

/** Splits `content[start, end)` into words; whitespace inside an unbreakable span is kept (a line ending becomes a space). */
function wordsOf(content: string, start: number, end: number, atomic: Span[]): string[] {
  const words: string[] = [];
  let cur = "";
  let a = 0;
  while (a < atomic.length && atomic[a].end <= start) a++;
  for (let i = start; i < end;) {
    const span = a < atomic.length && atomic[a].start <= i ? atomic[a] : undefined;
    if (span) {
      const piece = content.slice(i, Math.min(span.end, end));
      cur += /^`/.test(content.slice(span.start, span.start + 1))
        ? piece.replace(/\n/g, " ")
        : piece.replace(/[ \t]*\n[ \t]*/g, " ");
      i = span.end;
      a++;
      continue;
    }
    const ch = content[i];
    if (ch === " " || ch === "\t" || ch === "\n") {
      if (cur) words.push(cur);
      cur = "";
    } else {
      cur += ch;
    }
    i++;
  }
  if (cur) words.push(cur);
  return words;
}

/**
 * Greedy fill of `words` into lines of at most `first`/`rest` columns. A break
 * before word i is not allowed when i is in `forbidden`; the break then moves
 * back a word (or, when no break is possible, the line runs long).
 */
function fill(words: string[], first: number, rest: number, forbidden: Set<number>): number[] {
  const starts = [0];
  let s = 0;
  let width = words.length ? textWidth(words[0]) : 0;
  for (let j = 1; j < words.length;) {
    const limit = starts.length === 1 ? first : rest;
    const w = textWidth(words[j]);
    if (width + 1 + w <= limit) {
      width += 1 + w;
      j++;
      continue;
    }
    let b = j;
    while (b > s + 1 && forbidden.has(b)) b--;
    if (forbidden.has(b)) {
      width += 1 + w;
      j++;
      continue;
    }
    starts.push(b);
    s = b;
    width = textWidth(words[b]);
    j = b + 1;
  }
  return starts;
}

/**
 * Refills a paragraph needs at most: each forbids the breaks that would start
 * a line dangerously and fills again. Real text needs one or two (markdown-large:
 * 12,847 paragraphs settle at once, 222 after one refill, none later); text
 * made of such words (`<a <a <a ...`) would need one per word, which is
 * quadratic, so past this the paragraph is left as it is.
 */
export const MAX_FILL_ROUNDS = 16;

/** Fills words into line texts (without prefixes), never starting a line with something dangerous; null when that takes too many refills. */
function fillSafely(words: string[], first: number, rest: number): string[] | null {
  const forbidden = new Set<number>();
  for (let round = 0; round <= Math.min(words.length, MAX_FILL_ROUNDS); round++) {
    const starts = fill(words, first, rest, forbidden);
    let changed = false;
    for (let k = 0; k < starts.length; k++) {
      const end = k + 1 < starts.length ? starts[k + 1] : words.length;
      const text = words.slice(starts[k], end).join(" ");
      if (k === 0) {
        // The first line keeps its first word, but alone it may read differently (`---` is a thematic break).
        if (end < words.length && isDangerousFirstLine(text) && !forbidden.has(end)) {
          forbidden.add(end);
          changed = true;
        }
        continue;
      }
      if (
        (isDangerousLine(text) || /\\$/.test(words[starts[k] - 1])) &&
        !forbidden.has(starts[k])
      ) {
        forbidden.add(starts[k]);
        changed = true;
      }
    }
    if (!changed)
      return starts.map((st, k) =>
        words.slice(st, k + 1 < starts.length ? starts[k + 1] : words.length).join(" "),
      );
  }
  return words.length <= MAX_FILL_ROUNDS ? [words.join(" ")] : null;
}

/** Where the paragraph text starts on its first line, from the line alone (container markers only). */
export function derivedContentStart(line: string): number {
  const m = CONTAINER_PREFIX.exec(line);
  if (m) return m[0].length;
  return /^[ >]*/.exec(line)![0].length;
}

/**
 * Paragraphs longer than this (in UTF-16 code units) are not rewrapped: the
 * rewrap parses the paragraph again, and a paragraph this long is no prose
 * a reviewer would take a suggestion for (markdown-large's longest real ones
 * are single lines of data); a doc that is one huge paragraph would cost two
 * parses.
 */
export const MAX_REWRAP_CHARS = 64 * 1024;

/**
 * A paragraph's text as the rewrap reads it: the first line after its prefix,
 * the others without their container prefix (`>` markers and indentation).
 */
export function paragraphText(lines: readonly string[], contentStart: number): string {
  const parts = [lines[0].slice(contentStart)];
  for (let i = 1; i < lines.length; i++) parts.push(lines[i].replace(/^[ \t>]*/, ""));
  return parts.join("\n");
}

/**
 * Rewraps the source lines of one paragraph. Returns the lines unchanged when
 * the text cannot be rewrapped safely (tabs in the prefix, text that does not
 * parse back as one paragraph) or is longer than MAX_REWRAP_CHARS.
 */
export function rewrapParagraph(lines: readonly string[], opts: RewrapOptions): string[] {
  if (lines.length === 0) return [];
  let chars = 0;
  for (const l of lines) if ((chars += l.length + 1) > MAX_REWRAP_CHARS) return [...lines];
  const contentStart = opts.contentStart ?? derivedContentStart(lines[0]);
  const rawPrefix = lines[0].slice(0, contentStart);
  const firstPrefix = opts.firstPrefix ?? rawPrefix;
  const indent =
    opts.indent ?? (CONTAINER_PREFIX.test(rawPrefix) ? indentFromPrefix(rawPrefix) : rawPrefix);
  if (/\t/.test(firstPrefix + indent)) return [...lines];
  const content = paragraphText(lines, contentStart);
  if (content.trim() === "") return [...lines];
  const formatterBreaks = opts.formatterBreaks === true;
  const fromTree =
    opts.source && !isPlainProse(content)
      ? spansFromTree(
          lines,
          contentStart,
          indent,
          opts.source,
          content,
          opts.limit,
          formatterBreaks,
        )
      : undefined;
  const parsed =
    fromTree !== undefined ? fromTree : parseParagraph(content, opts.limit, formatterBreaks);
  if (!parsed) return [...lines];

  const out: string[] = [];
  const firstWidth = Math.max(1, opts.limit - textWidth(firstPrefix));
  const restWidth = Math.max(1, opts.restWidth ?? opts.limit - textWidth(indent));
  let segStart = 0;
  const segments: { start: number; end: number; marker: string }[] = [];
  for (const b of parsed.breaks) {
    const marker = content.slice(b.start, b.end).replace(/\n[\s\S]*$/, "");
    segments.push({ start: segStart, end: b.start, marker });
    segStart = b.end;
  }
  segments.push({ start: segStart, end: content.length, marker: "" });
  for (const seg of segments) {
    const words = wordsOf(content, seg.start, seg.end, parsed.atomic);
    if (words.length === 0) return [...lines];
    const texts = fillSafely(words, out.length === 0 ? firstWidth : restWidth, restWidth);
    if (!texts) return [...lines];
    // A bare URL runs on to the next space: `url\\` would take the backslash into the link.
    const last = texts[texts.length - 1];
    const sep = seg.marker.startsWith("\\") && /(?:\/\/|www\.|@)\S*$/i.test(last) ? " " : "";
    texts[texts.length - 1] = last + sep + seg.marker;
    for (const t of texts) out.push((out.length === 0 ? firstPrefix : indent) + t);
  }
  return out;
}

/**
 * Whether a paragraph is already laid out as the formatter would: our fill,
 * or the formatter's own (which breaks inside code spans, and inside link
 * text wider than the limit; a shorter link it moves to a line of its own).
 * `ours` is our fill of `lines`, when the caller has it already.
 */
export function isWrapped(
  lines: readonly string[],
  opts: RewrapOptions,
  ours: readonly string[] = rewrapParagraph(lines, opts),
): boolean {
  const lazy = opts.indent?.replace(/>[ ]?/g, "");
  const same = (a: readonly string[]) =>
    a.length === lines.length &&
    a.every(
      (l, i) =>
        l === lines[i] ||
        (i > 0 &&
          lazy !== undefined &&
          opts.indent !== undefined &&
          lines[i] === lazy + l.slice(opts.indent.length)),
    );
  if (same(ours)) return true;
  return same(rewrapParagraph(lines, { ...opts, formatterBreaks: true }));
}
