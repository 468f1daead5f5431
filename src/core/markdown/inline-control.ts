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

type Unknown = { line: number; name: string }[];

/** The rule ids a directive's words name (null: every rule); ids of ours that no rule has go to `unknown`. */
function resolveNames(
  dialect: Dialect,
  words: string[],
  line: number,
  known: RuleNames,
  unknown: Unknown,
): Set<string> | null {
  if (words.length === 0) return null;
  const out = new Set<string>();
  for (const w of words) {
    if (dialect === "g3doc-review") {
      if (known.ids.has(w)) out.add(w);
      else unknown.push({ line, name: w });
    } else {
      const map = dialect === "markdownlint" ? known.markdownlint : known.remarkLint;
      for (const id of map.get(dialect === "markdownlint" ? w.toLowerCase() : w) ?? []) out.add(id);
    }
  }
  return out;
}

/** Adds a directive, with `disable-next-line` turned into the line it covers. */
function pushDirective(
  directives: Directive[],
  action: Action,
  rules: Set<string> | null,
  line: number,
  endLine: number,
): void {
  // Names of another linter that map to none of our rules: nothing to do.
  if (rules !== null && rules.size === 0 && action !== "capture" && action !== "restore") return;
  if (action === "disable-next-line")
    directives.push({ line: endLine + 1, endLine: endLine + 1, action: "disable-line", rules });
  else if (action === "disable-line") directives.push({ line, endLine, action, rules });
  else directives.push({ line, endLine: line, action, rules });
}

/** The directive one comment's body holds, if any. `next` is the node after the comment. */
function readComment(
  body: string,
  line: number,
  endLine: number,
  next: RootContent | undefined,
  known: RuleNames,
  out: { directives: Directive[]; unknown: Unknown },
): void {
  let d: RegExpExecArray | null;
  const words = (dialect: Dialect) =>
    resolveNames(dialect, names(d![2]!), line, known, out.unknown);
  if ((d = OURS.exec(body)))
    pushDirective(out.directives, d[1] as Action, words("g3doc-review"), line, endLine);
  else if ((d = MARKDOWNLINT.exec(body)))
    pushDirective(out.directives, d[1] as Action, words("markdownlint"), line, endLine);
  else if ((d = REMARK.exec(body))) {
    const rules = words("remark-lint");
    if (d[1] !== "ignore") pushDirective(out.directives, d[1] as Action, rules, line, endLine);
    // remark-message-control: `ignore` covers the node after the comment, whole.
    else if (next?.position)
      out.directives.push({
        line: next.position.start.line,
        endLine: next.position.end.line,
        action: "disable-line",
        rules,
      });
  }
}

/** Every directive in the doc's HTML nodes (comments in code are code, not HTML nodes). */
function readDirectives(doc: Doc, known: RuleNames): { directives: Directive[]; unknown: Unknown } {
  const out = { directives: [] as Directive[], unknown: [] as Unknown };
  const walk = (parent: Parents) => {
    const children = parent.children as RootContent[];
    for (let i = 0; i < children.length; i++) {
      const c = children[i]!;
      if (c.type === "html" && c.position) {
        const value = c.value;
        let lineAt = c.position.start.line;
        let scanned = 0;
        COMMENT.lastIndex = 0;
        for (let m = COMMENT.exec(value); m !== null; m = COMMENT.exec(value)) {
          for (; scanned < m.index; scanned++) if (value.charCodeAt(scanned) === 10) lineAt++;
          let endLine = lineAt;
          for (let k = 0; k < m[0].length; k++) if (m[0].charCodeAt(k) === 10) endLine++;
          readComment(m[1]!, lineAt, endLine, children[i + 1], known, out);
        }
      }
      if ("children" in c) walk(c as Parents);
    }
  };
  walk(doc.tree as Root);
  return out;
}

const applies = (d: Directive, rule: string) => d.rules === null || d.rules.has(rule);

/** Which lines have `rule` off (index = line): one pass over the directives in line order. */
function offLines(directives: readonly Directive[], lineCount: number, rule: string): Uint8Array {
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
}

/** Reads the inline-control comments of a doc. Linear in the doc's size. */
export function inlineControl(doc: Doc, known: RuleNames): InlineControl {
  if (!doc.text.includes("<!--")) return NONE;
  const { directives, unknown } = readDirectives(doc, known);
  if (directives.length === 0 && unknown.length === 0) return NONE;
  const lineCount = doc.lines.length;
  const cache = new Map<string, Uint8Array>();
  return {
    unknown,
    isOff(rule, line) {
      let off = cache.get(rule);
      if (!off) cache.set(rule, (off = offLines(directives, lineCount, rule)));
      return off[Math.min(Math.max(line, 0), lineCount + 1)] === 1;
    },
  };
}
