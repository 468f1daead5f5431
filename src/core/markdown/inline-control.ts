/**
 * Inline control: HTML comments in a doc that turn rules off for a part of
 * it. Three dialects are read, so a repository that moves from another
 * linter keeps its suppressions:
 *
 * - ours: `<!-- g3doc-review disable RULE... -->`, `enable`, `disable-line`,
 *   `disable-next-line`, `disable-file` (no rule ids: every rule);
 * - markdownlint's: `<!-- markdownlint-disable MD013 -->`, `-enable`,
 *   `-disable-line`, `-disable-next-line`, `-disable-file`, `-enable-file`,
 *   `-capture`, `-restore`, with rule numbers or names;
 * - remark-lint's (remark-message-control): `<!--lint disable RULE-->`,
 *   `enable`, `ignore` (the next node only).
 *
 * Other linters' rule names count where one of our rules says it does the
 * same job (`Rule.alsoKnownAs`); names with no counterpart are theirs and
 * are left alone. Only real HTML comments count (one inside a code block is
 * code). The state of a line is the state after the comments on that line,
 * as markdownlint reads it.
 */
import type { Root, RootContent, Parents } from "mdast";
import type { Doc } from "./parse.js";

export type Dialect = "g3doc-review" | "markdownlint" | "remark-lint";

type Action =
  | "disable"
  | "enable"
  | "disable-line"
  | "disable-next-line"
  | "disable-file"
  | "enable-file"
  | "capture"
  | "restore";

/** One directive as written, with the rule ids it turns into (null: every rule). */
interface Directive {
  line: number;
  /** Last line the directive covers for `disable-line`-like actions. */
  endLine: number;
  action: Action;
  rules: ReadonlySet<string> | null;
}

/** How other linters' rule names map to ours. */
export interface RuleNames {
  /** Our rule ids. */
  ids: ReadonlySet<string>;
  /** Lower-case markdownlint names (MD013, line-length) -> our ids. */
  markdownlint: ReadonlyMap<string, readonly string[]>;
  /** remark-lint names (maximum-line-length) -> our ids. */
  remarkLint: ReadonlyMap<string, readonly string[]>;
}

export interface InlineControl {
  /** Whether a finding of `rule` on `line` is turned off by a comment. */
  isOff(rule: string, line: number): boolean;
  /** Rule ids in our own comments that no rule has, with their line (for a note). */
  unknown: { line: number; name: string }[];
}

const NONE: InlineControl = { isOff: () => false, unknown: [] };

const COMMENT = /<!--([\s\S]*?)-->/g;
const OURS =
  /^\s*g3doc-review[ \t]+(disable-next-line|disable-line|disable-file|disable|enable)\b([\s\S]*)$/;
const MARKDOWNLINT =
  /^\s*markdownlint-(disable-next-line|disable-line|disable-file|enable-file|disable|enable|capture|restore)\b([\s\S]*)$/;
const REMARK = /^\s*lint[ \t]+(disable|enable|ignore)\b([\s\S]*)$/;

/** The words of a directive's rule list: separated by spaces or commas, up to a `--` reason. */
function names(rest: string): string[] {
  const cut = rest.indexOf("--");
  const list = cut >= 0 ? rest.slice(0, cut) : rest;
  return list.split(/[\s,]+/).filter((w) => w.length > 0);
}

/** Reads the inline-control comments of a doc. Linear in the doc's size. */
export function inlineControl(doc: Doc, known: RuleNames): InlineControl {
  if (!doc.text.includes("<!--")) return NONE;
  const directives: Directive[] = [];
  const unknown: { line: number; name: string }[] = [];

  const resolve = (dialect: Dialect, words: string[], line: number): Set<string> | null => {
    if (words.length === 0) return null;
    const out = new Set<string>();
    for (const w of words) {
      if (dialect === "g3doc-review") {
        if (known.ids.has(w)) out.add(w);
        else unknown.push({ line, name: w });
      } else {
        const map = dialect === "markdownlint" ? known.markdownlint : known.remarkLint;
        for (const id of map.get(dialect === "markdownlint" ? w.toLowerCase() : w) ?? [])
          out.add(id);
      }
    }
    return out;
  };

  const visitComments = (node: RootContent, parent: Parents, index: number) => {
    if (node.type !== "html" || !node.position) return;
    const value = node.value;
    const startLine = node.position.start.line;
    COMMENT.lastIndex = 0;
    let m: RegExpExecArray | null;
    let lineAt = startLine;
    let scanned = 0;
    while ((m = COMMENT.exec(value)) !== null) {
      for (; scanned < m.index; scanned++) if (value.charCodeAt(scanned) === 10) lineAt++;
      const body = m[1]!;
      const commentLine = lineAt;
      let endLine = commentLine;
      for (let i = 0; i < m[0].length; i++) if (m[0].charCodeAt(i) === 10) endLine++;
      let d: RegExpExecArray | null;
      if ((d = OURS.exec(body))) {
        add(
          d[1] as Action,
          resolve("g3doc-review", names(d[2]!), commentLine),
          commentLine,
          endLine,
        );
      } else if ((d = MARKDOWNLINT.exec(body))) {
        add(
          d[1] as Action,
          resolve("markdownlint", names(d[2]!), commentLine),
          commentLine,
          endLine,
        );
      } else if ((d = REMARK.exec(body))) {
        const rules = resolve("remark-lint", names(d[2]!), commentLine);
        if (d[1] === "ignore") {
          // remark-message-control: the node after the comment, whole.
          const next = parent.children[index + 1];
          if (next?.position)
            directives.push({
              line: next.position.start.line,
              endLine: next.position.end.line,
              action: "disable-line",
              rules,
            });
        } else add(d[1] as Action, rules, commentLine, endLine);
      }
    }
  };

  function add(action: Action, rules: Set<string> | null, line: number, endLine: number) {
    // Names of another linter that map to none of our rules: nothing to do.
    if (rules !== null && rules.size === 0 && action !== "capture" && action !== "restore") return;
    if (action === "disable-next-line")
      directives.push({ line: endLine + 1, endLine: endLine + 1, action: "disable-line", rules });
    else if (action === "disable-line") directives.push({ line, endLine, action, rules });
    else directives.push({ line, endLine: line, action, rules });
  }

  const walk = (parent: Parents) => {
    const children = parent.children as RootContent[];
    for (let i = 0; i < children.length; i++) {
      const c = children[i]!;
      visitComments(c, parent, i);
      if ("children" in c) walk(c as Parents);
    }
  };
  walk(doc.tree as Root);
  if (directives.length === 0 && unknown.length === 0) return NONE;

  const lineCount = doc.lines.length;
  const cache = new Map<string, Uint8Array>();
  const applies = (d: Directive, rule: string) => d.rules === null || d.rules.has(rule);

  /** Which lines have `rule` off: one pass over the directives in line order. */
  const offLines = (rule: string): Uint8Array => {
    const off = new Uint8Array(lineCount + 2);
    const ranges = directives.filter((d) => d.action !== "disable-line");
    ranges.sort((a, b) => a.line - b.line);
    let cur = 0;
    let fileOff = 0;
    const saved: number[] = [];
    let pos = 1;
    for (const d of ranges) {
      for (; pos < d.line && pos <= lineCount; pos++) off[pos] = cur;
      if (d.action === "capture") saved.push(cur);
      else if (d.action === "restore") cur = saved.pop() ?? 0;
      else if (!applies(d, rule)) continue;
      else if (d.action === "disable") cur = 1;
      else if (d.action === "enable") cur = 0;
      else if (d.action === "disable-file") fileOff = 1;
      else if (d.action === "enable-file") fileOff = 0;
    }
    for (; pos <= lineCount + 1; pos++) off[pos] = cur;
    if (fileOff) off.fill(1);
    for (const d of directives)
      if (d.action === "disable-line" && applies(d, rule))
        for (let l = Math.max(1, d.line); l <= Math.min(d.endLine, lineCount + 1); l++) off[l] = 1;
    return off;
  };

  return {
    unknown,
    isOff(rule, line) {
      let off = cache.get(rule);
      if (!off) cache.set(rule, (off = offLines(rule)));
      return off[Math.min(Math.max(line, 0), lineCount + 1)] === 1;
    },
  };
}
