import type { Heading, Link, Nodes, Text } from "mdast";
import { toString } from "mdast-util-to-string";
import type { Rule, ReviewContext } from "../types.js";
import type { Term } from "../../../config/defaults.js";
import { isPresetTerm, termsOf } from "../../../config/presets.js";
import { paragraphAt, rewrapOptions } from "../../fix/paragraphs.js";
import { rewrapParagraph } from "../../fix/rewrap.js";
import { headingId, type Doc } from "../../markdown/parse.js";
import { headingAnchors } from "../../markdown/slug.js";
import { inFrontMatter, lineStarts, pointAt, walk } from "./util.js";

const ID = "terminology";

interface Matcher {
  term: Term;
  avoid: string;
  re: RegExp;
  caseSensitive: boolean;
}

/** Between two words of a term: spaces, or a soft line break with the next line's indentation or `>` markers. */
const GAP = "(?:[ \\t]*(?:\\r\\n|\\r|\\n)[ \\t>]*|[ \\t]+)";

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function compileTerms(terms: readonly Term[]): Matcher[] {
  const out: Matcher[] = [];
  for (const term of terms) {
    for (const avoid of term.avoid) {
      const words = avoid.trim().split(/\s+/).filter(Boolean);
      if (words.length === 0) continue;
      const caseSensitive = term.caseSensitive === true || /[A-Z]/.test(avoid);
      const body = words.map(escapeRe).join(GAP);
      out.push({
        term,
        avoid,
        caseSensitive,
        re: new RegExp(`${body}(s?)`, caseSensitive ? "g" : "gi"),
      });
    }
  }
  return out;
}

/** A character that makes the match part of an identifier, path, URL or anchor when it comes just before. */
const BEFORE = /[A-Za-z0-9_./#-]/;
/** ... or just after. */
const AFTER = /[A-Za-z0-9_/-]/;

/** Every word capitalized ("Virtual File System"): a proper name, not the term. */
function isTitleCase(s: string): boolean {
  const words = s.split(/[\s>]+/).filter(Boolean);
  return words.length > 1 && words.every((w) => /^[A-Z]/.test(w));
}

interface Hit {
  start: number;
  end: number;
  replacement: string;
  found: string;
  use: string;
  isDefault: boolean;
}

/** The replacement for one match: the preferred spelling, keeping a capital first letter and a plural "s". */
function replacementFor(m: Matcher, matched: string, plural: string): string {
  let use = m.term.use;
  if (!m.caseSensitive && /^[A-Z]/.test(matched) && /^[a-z]/.test(use))
    use = use[0].toUpperCase() + use.slice(1);
  return use + plural;
}

/** Text nodes that are prose: not inside autolinks, URL-as-text links or reference labels. */
function proseTextNodes(doc: Doc, ctx: ReviewContext): Text[] {
  const out: Text[] = [];
  let newHeadings: Set<Heading> | null = null;
  const isNewHeading = (h: Heading): boolean => {
    if (newHeadings === null) {
      newHeadings = new Set();
      if (ctx.change.mode === "change") {
        const base = ctx.baseAnchorsOf(doc.path);
        const added = ctx.change.added.has(doc.path) || base === undefined;
        for (const a of headingAnchors(doc.tree))
          if (added || !base!.has(a.github)) newHeadings.add(a.node);
      }
    }
    return newHeadings.has(h);
  };
  walk(doc.tree, (node: Nodes) => {
    if (node.type !== "root" && inFrontMatter(doc, node)) return "skip";
    switch (node.type) {
      case "code":
      case "inlineCode":
      case "html":
      case "definition":
        return "skip";
      case "link": {
        const p = node.position;
        // Autolinks and bare URLs (the text is the URL) are not prose.
        if (!p || p.start.offset === undefined || doc.text[p.start.offset] !== "[") return "skip";
        if (toString(node).trim() === (node as Link).url) return "skip";
        return;
      }
      case "linkReference":
        // `[user space]` and `[user space][]` use their text as the label: changing it breaks the reference.
        if (node.referenceType !== "full") return "skip";
        return;
      case "heading":
        // A heading's text makes its anchor, which links may use: only headings with an explicit `{#id}`, or
        // headings this change adds, are checked.
        if (!headingId(node) && !isNewHeading(node)) return "skip";
        return;
      case "text":
        out.push(node);
        return;
    }
  });
  return out;
}

function findHits(doc: Doc, ctx: ReviewContext, matchers: Matcher[]): Hit[] {
  const hits: Hit[] = [];
  const text = doc.text;
  for (const node of proseTextNodes(doc, ctx)) {
    const p = node.position;
    if (!p || p.start.offset === undefined || p.end.offset === undefined) continue;
    const base = p.start.offset;
    const src = text.slice(base, p.end.offset);
    for (const m of matchers) {
      m.re.lastIndex = 0;
      for (let r = m.re.exec(src); r; r = m.re.exec(src)) {
        const start = base + r.index;
        const end = start + r[0].length;
        const before = text[start - 1] ?? "";
        const after = text[end] ?? "";
        if (BEFORE.test(before) || AFTER.test(after)) continue;
        if (after === "." && /\w/.test(text[end + 1] ?? "")) continue;
        const plural = r[1];
        const matched = r[0].slice(0, r[0].length - plural.length);
        if (!m.caseSensitive && isTitleCase(matched)) continue;
        const replacement = replacementFor(m, matched, plural);
        if (replacement === r[0]) continue;
        if (hits.some((h) => start < h.end && h.start < end)) continue;
        hits.push({
          start,
          end,
          replacement,
          found: matched.replace(/[ \t]*(?:\r\n|\r|\n)[ \t>]*/g, " ").replace(/[ \t]+/g, " "),
          use: m.term.use,
          isDefault: isPresetTerm(ctx.config, m.term),
        });
      }
    }
  }
  return hits.sort((a, b) => a.start - b.start);
}

/** An edit of the source: [start, end) becomes `text`. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The edit for one hit; a term split over two lines is joined on the first line. */
function editFor(doc: Doc, hit: Hit, lineEnd: (offset: number) => number): Edit {
  const src = doc.text.slice(hit.start, hit.end);
  const br = /([ \t]*)(\r\n|\r|\n)([ \t>]*)/.exec(src);
  if (!br) return { start: hit.start, end: hit.end, text: hit.replacement };
  // "user\n    space rest" -> "userspace\n    rest": the rest of the second line keeps its place.
  const eol = lineEnd(hit.end);
  const rest = doc.text.slice(hit.end, eol);
  const punct = /^[^\s\w]*/.exec(rest)![0];
  const ws = /^[ \t]*/.exec(rest.slice(punct.length))![0];
  if (punct.length + ws.length === rest.length)
    return { start: hit.start, end: eol, text: hit.replacement + punct };
  return {
    start: hit.start,
    end: hit.end + punct.length + ws.length,
    text: hit.replacement + punct + br[2] + br[3],
  };
}

/** Words the docs settled on ("userspace", "filesystem", "GitHub"), in prose only. */
export const terminology: Rule = {
  id: ID,
  scope: { on: "doc" },
  suggestion: {},
  severity: "warning",
  docs: {
    summary:
      'A spelling the configured terms avoid (gVisor\'s preset: "user space", "file system", "Github"), with the one they use.',
    description:
      "One spelling for each term of the `terms` setting. The gvisor preset " +
      'brings the terms gVisor\'s docs settled on ("userspace", "filesystem", ' +
      '"GitHub", "gVisor"); Google\'s preset has none, so the rule reports only ' +
      "the terms a repository configures (`terms:`, `addTerms:`). Only " +
      "prose is checked: code, URLs, link destinations, HTML, identifiers " +
      '(`user-space.h`, `github.com`) and Title Case names ("Virtual File ' +
      'System") are left alone. A heading is checked only when it has an ' +
      "explicit `{#id}` or the change adds it, since its text makes the anchor " +
      "that links use. A suggestion that would push a line past the limit " +
      "rewraps the paragraph.",
  },
  examples: [
    {
      config: { preset: "gvisor" },
      doc: "# Title\n\nThe Sentry runs in user space and implements a file system.\n",
      findings: [
        {
          line: 3,
          column: 20,
          message:
            "Write 'userspace' instead of 'user space': gVisor's docs write " +
            "'userspace'. Write 'filesystem' instead of 'file system': gVisor's docs " +
            "write 'filesystem'.",
          suggestion: "The Sentry runs in userspace and implements a filesystem.",
        },
      ],
    },
    {
      config: { addTerms: [{ use: "Kubernetes", avoid: ["k8s"] }] },
      doc: "# Title\n\nDeploy the sandbox on k8s.\n",
      findings: [
        {
          line: 3,
          column: 23,
          message:
            "Write 'Kubernetes' instead of 'k8s' (the configured terms prefer 'Kubernetes').",
          suggestion: "Deploy the sandbox on Kubernetes.",
        },
      ],
    },
    {
      config: { preset: "gvisor" },
      doc: "# Title\n\nThe Sentry runs in userspace and implements a filesystem.\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const matchers = compileTerms(termsOf(ctx.config));
    const limit = ctx.config.lineLength;
    const width = (l: string) => Array.from(l).length;
    if (matchers.length === 0) return;
    const hits = findHits(doc, ctx, matchers);
    if (hits.length === 0) return;
    const starts = lineStarts(doc);
    const lineEnd = (offset: number) => {
      const line = pointAt(doc, offset).line;
      const next = line < starts.length ? starts[line] : doc.text.length;
      const seg = doc.text.slice(starts[line - 1], next);
      return starts[line - 1] + seg.replace(/(\r\n|\r|\n)$/, "").length;
    };
    // Group hits by the lines they touch: one finding (and one suggestion) per line range.
    const groups: { first: number; last: number; hits: Hit[] }[] = [];
    for (const h of hits) {
      const first = pointAt(doc, h.start).line;
      const last = pointAt(doc, h.end).line;
      const g = groups[groups.length - 1];
      if (g && first <= g.last) {
        g.hits.push(h);
        g.last = Math.max(g.last, last);
      } else groups.push({ first, last, hits: [h] });
    }
    for (const g of groups) {
      const from = starts[g.first - 1];
      const to = lineEnd(starts[g.last - 1]);
      let out = "";
      let at = from;
      for (const h of g.hits) {
        const e = editFor(doc, h, lineEnd);
        out += doc.text.slice(at, e.start) + e.text;
        at = e.end;
      }
      out += doc.text.slice(at, to);
      const pairs = new Map<string, Hit>();
      for (const h of g.hits) pairs.set(`${h.found}\u0000${h.use}`, h);
      const message = [...pairs.values()]
        .map(
          (h) =>
            `Write '${h.replacement}' instead of ` +
            `'${h.found}'${h.isDefault && ctx.config.preset === "gvisor" ? `: gVisor's docs write '${h.use}'` : ` (the configured terms prefer '${h.use}')`}.`,
        )
        .join(" ");
      const col = pointAt(doc, g.hits[0].start).column;
      let suggestion = out.replace(/\r\n|\r/g, "\n");
      const first = g.first;
      let last = g.last;
      // A longer spelling may push a line past the limit: the paragraph is then rewrapped, as `fix` would.
      const before = doc.lines.slice(g.first - 1, g.last);
      const after = suggestion.split("\n");
      const tooLong = after.some(
        (l) => width(l) > limit && width(l) > Math.max(...before.map(width)),
      );
      if (tooLong) {
        // The rest of the paragraph from the edited line is refilled; the lines before it stay.
        const para = paragraphAt(doc, g.first);
        if (para && para.start <= g.first && g.last <= para.end) {
          const lines = [...after, ...doc.lines.slice(g.last, para.end)];
          const opts = rewrapOptions(para, limit);
          if (g.first > para.start) {
            opts.contentStart = /^[ \t>]*/.exec(lines[0])![0].length;
            opts.firstPrefix = para.indent;
          }
          const wrapped = rewrapParagraph(lines, opts);
          if (wrapped.every((l) => width(l) <= limit || !/\s/.test(l.trim()))) {
            suggestion = wrapped.join("\n");
            last = para.end;
          } else suggestion = "";
        } else suggestion = "";
      }
      report(message, {
        line: first,
        endLine: last,
        column: col,
        suggestion: suggestion === "" ? null : suggestion,
      });
    }
  },
};
