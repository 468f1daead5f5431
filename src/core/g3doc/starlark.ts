/**
 * A small reader for the subset of Starlark that BUILD files use to describe
 * docs. It never runs anything: it tokenizes the file, checks the bracket
 * structure and a few errors Bazel would reject (a missing comma between two
 * values, implicit string concatenation, an unterminated string), and gives
 * the top-level calls (`doc(...)`, `docs(...)`, `load(...)`, ...) with their
 * keyword arguments evaluated as far as literals allow:
 * strings (with `+`), lists, `glob([...], exclude = [...])`, booleans and
 * numbers. Anything else (a variable, a comprehension, `select()`) is
 * `unknown`, never an error.
 */

export interface Pos {
  line: number;
  column: number;
}

export type Value =
  | ({ t: "str"; v: string } & Pos)
  | ({ t: "list"; items: Value[] } & Pos)
  | ({ t: "glob"; include: Value | null; exclude: Value | null } & Pos)
  | ({ t: "sum"; parts: Value[] } & Pos)
  | ({ t: "bool"; v: boolean } & Pos)
  | ({ t: "num"; v: string } & Pos)
  | ({ t: "unknown" } & Pos);

export interface Arg extends Pos {
  /** Keyword, or null for a positional argument. */
  name: string | null;
  value: Value;
}

export interface Call extends Pos {
  /** The called name (`doc`, `load`, `native.doc`). */
  kind: string;
  endLine: number;
  args: Arg[];
  /** Keyword arguments by name (the first of each). */
  kwargs: Map<string, Arg>;
}

export interface SyntaxProblem extends Pos {
  message: string;
  /** True when the file may be valid Starlark but goes past what this reader reads (nesting deeper than MAX_NESTING). */
  beyondLimit?: boolean;
}

/**
 * Brackets nested deeper than this are not read: real BUILD files nest a few
 * levels, and reading values recurses once per level (2,000 levels overflow
 * the stack).
 */
export const MAX_NESTING = 100;

export interface ParsedBuild {
  /** Calls that are whole top-level statements, in file order. */
  calls: Call[];
  /** Names called somewhere else than at the start of a statement (in a comprehension, a macro body...). */
  nestedCalls: Set<string>;
  /** The first error, when the file is not valid Starlark as far as this reader can tell. */
  error?: SyntaxProblem;
}

type TokType = "str" | "num" | "id" | "op" | "nl";

interface Token extends Pos {
  t: TokType;
  v: string;
  endLine: number;
  /** For an opening bracket: the index of the token that closes it. */
  close?: number;
}

const KEYWORDS = new Set([
  "and",
  "as",
  "assert",
  "break",
  "class",
  "continue",
  "def",
  "del",
  "elif",
  "else",
  "except",
  "finally",
  "for",
  "from",
  "global",
  "if",
  "import",
  "in",
  "is",
  "lambda",
  "nonlocal",
  "not",
  "or",
  "pass",
  "raise",
  "return",
  "try",
  "while",
  "with",
  "yield",
]);

const OPS3 = ["//=", "**=", ">>=", "<<="];
const OPS2 = [
  "**",
  "//",
  "==",
  "!=",
  "<=",
  ">=",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "->",
  "<<",
  ">>",
];
const OPS1 = "()[]{},:.=+-*/%<>|&^~;";
const OPEN: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
const CLOSE = new Set([")", "]", "}"]);

class StarlarkError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly beyondLimit = false,
  ) {
    super(message);
  }
}

const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  '"': '"',
  "'": "'",
  "0": "\0",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
};

// Sticky: each matches at `lastIndex` only, so a token is read without copying the text after it.
const STRING_START = /(?:[rRbB]|[rR][bB]|[bB][rR])?(?:"""|'''|"|')/y;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /(?:\d[\dA-Za-z_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)/y;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const stack: { ch: string; line: number; column: number; index: number }[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  const n = text.length;
  const advance = (k: number) => {
    for (let j = 0; j < k; j++) {
      if (text[i] === "\n") {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  const pushNl = () => {
    if (stack.length === 0 && out.length > 0 && out[out.length - 1].t !== "nl")
      out.push({ t: "nl", v: "\n", line, column: col, endLine: line });
  };
  while (i < n) {
    const c = text[i];
    if (c === "\n") {
      pushNl();
      advance(1);
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\f") {
      advance(1);
      continue;
    }
    if (c === "#") {
      while (i < n && text[i] !== "\n") advance(1);
      continue;
    }
    if (c === "\\" && (text[i + 1] === "\n" || (text[i + 1] === "\r" && text[i + 2] === "\n"))) {
      advance(text[i + 1] === "\r" ? 3 : 2);
      continue;
    }
    const startLine = line;
    const startCol = col;
    // Strings, with an optional r/b prefix.
    STRING_START.lastIndex = i;
    const pre = STRING_START.exec(text);
    if (pre) {
      const raw = /[rR]/.test(pre[0]);
      const quote = pre[0].replace(/^[rRbB]+/, "");
      advance(pre[0].length);
      let value = "";
      for (;;) {
        if (i >= n) throw new StarlarkError("unterminated string", startLine, startCol);
        if (text.startsWith(quote, i)) {
          advance(quote.length);
          break;
        }
        const ch = text[i];
        if (ch === "\n" && quote.length === 1)
          throw new StarlarkError(
            "unterminated string (a string on one line must close on that line)",
            startLine,
            startCol,
          );
        if (ch === "\\" && i + 1 < n) {
          const nx = text[i + 1];
          if (raw) {
            value += ch + nx;
          } else if (nx === "\n") {
            // line continuation inside a string
          } else if (nx in ESCAPES) {
            value += ESCAPES[nx];
          } else if (nx === "x" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
            value += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
            advance(2);
          } else if (nx === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
            advance(4);
          } else {
            value += ch + nx;
          }
          advance(2);
          continue;
        }
        value += ch;
        advance(1);
      }
      out.push({ t: "str", v: value, line: startLine, column: startCol, endLine: line });
      continue;
    }
    IDENTIFIER.lastIndex = i;
    const id = IDENTIFIER.exec(text);
    if (id) {
      advance(id[0].length);
      out.push({ t: "id", v: id[0], line: startLine, column: startCol, endLine: line });
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(text);
    if (num) {
      advance(num[0].length);
      out.push({ t: "num", v: num[0], line: startLine, column: startCol, endLine: line });
      continue;
    }
    const op =
      OPS3.find((o) => text.startsWith(o, i)) ??
      OPS2.find((o) => text.startsWith(o, i)) ??
      (OPS1.includes(c) ? c : null);
    if (op === null) throw new StarlarkError(`unexpected character \`${c}\``, startLine, startCol);
    if (op in OPEN) {
      if (stack.length >= MAX_NESTING)
        throw new StarlarkError(
          `brackets nested more than ${MAX_NESTING} deep`,
          startLine,
          startCol,
          true,
        );
      stack.push({ ch: op, line: startLine, column: startCol, index: out.length });
    } else if (CLOSE.has(op)) {
      const top = stack.pop();
      if (!top) throw new StarlarkError(`\`${op}\` closes nothing`, startLine, startCol);
      if (OPEN[top.ch] !== op)
        throw new StarlarkError(
          `\`${op}\` does not match \`${top.ch}\` opened at line ${top.line}`,
          startLine,
          startCol,
        );
      out[top.index].close = out.length;
    }
    advance(op.length);
    out.push({ t: "op", v: op, line: startLine, column: startCol, endLine: line });
  }
  if (stack.length > 0) {
    const top = stack[stack.length - 1];
    throw new StarlarkError(`\`${top.ch}\` opened here is never closed`, top.line, top.column);
  }
  pushNl();
  return out;
}

const isOperand = (t: Token) =>
  t.t === "str" || t.t === "num" || (t.t === "id" && !KEYWORDS.has(t.v));
const endsOperand = (t: Token) => isOperand(t) || (t.t === "op" && CLOSE.has(t.v));

/** Two values side by side (`"a" "b"`, `"x.md" category = ...`) is always a Starlark syntax error. */
function checkJuxtaposition(tokens: Token[]): void {
  for (let k = 1; k < tokens.length; k++) {
    const prev = tokens[k - 1];
    const cur = tokens[k];
    if (prev.t === "nl" || cur.t === "nl") continue;
    if (endsOperand(prev) && isOperand(cur)) {
      const shown = (t: Token) => (t.t === "str" ? JSON.stringify(t.v) : t.v);
      // Reported where the comma or `+` belongs: after the first value.
      if (prev.t === "str" && cur.t === "str")
        throw new StarlarkError(
          `two strings side by side, ${shown(prev)} and ${shown(cur)} (Starlark has no implicit concatenation: use \`+\`)`,
          prev.endLine,
          prev.column,
        );
      throw new StarlarkError(
        `a missing comma after \`${shown(prev)}\`, before \`${shown(cur)}\``,
        prev.endLine,
        prev.column,
      );
    }
  }
}

/**
 * Index of the bracket that closes the one at `open` (the tokenizer paired
 * them), or `open` itself for any other token. Scans of a range step over a
 * bracketed part this way, so that each level of nesting reads only its own
 * tokens and a whole file is read in linear time.
 */
function matching(tokens: Token[], open: number): number {
  return tokens[open]?.close ?? open;
}

/** Splits tokens [from, to) at commas outside brackets. */
function splitCommas(tokens: Token[], from: number, to: number): [number, number][] {
  const parts: [number, number][] = [];
  let start = from;
  for (let k = from; k < to; k = matching(tokens, k) + 1) {
    const t = tokens[k];
    if (t.t === "op" && t.v === ",") {
      parts.push([start, k]);
      start = k + 1;
    }
  }
  if (start < to) parts.push([start, to]);
  return parts;
}

function unknown(t: Token | undefined): Value {
  return { t: "unknown", line: t?.line ?? 1, column: t?.column ?? 1 };
}

/** Evaluates tokens [from, to) as a literal value, or `unknown`. */
function evaluate(tokens: Token[], from: number, to: number): Value {
  if (from >= to) return unknown(tokens[from]);
  // Split at top-level `+`.
  const parts: [number, number][] = [];
  let start = from;
  for (let k = from; k < to; k = matching(tokens, k) + 1) {
    const t = tokens[k];
    if (t.t === "op" && t.v === "+" && k > start) {
      parts.push([start, k]);
      start = k + 1;
    }
  }
  parts.push([start, to]);
  const values = parts.map(([a, b]) => primary(tokens, a, b));
  if (values.length === 1) return values[0];
  if (values.some((v) => v.t === "unknown")) return unknown(tokens[from]);
  if (values.every((v) => v.t === "str")) {
    return {
      t: "str",
      v: values.map((v) => (v as { v: string }).v).join(""),
      line: values[0].line,
      column: values[0].column,
    };
  }
  if (values.every((v) => v.t === "list" || v.t === "glob" || v.t === "sum"))
    return { t: "sum", parts: values, line: values[0].line, column: values[0].column };
  return unknown(tokens[from]);
}

function primary(tokens: Token[], from: number, to: number): Value {
  const first = tokens[from];
  if (!first || from >= to) return unknown(first);
  if (to - from === 1) {
    if (first.t === "str") return { t: "str", v: first.v, line: first.line, column: first.column };
    if (first.t === "num") return { t: "num", v: first.v, line: first.line, column: first.column };
    if (first.t === "id" && (first.v === "True" || first.v === "False"))
      return { t: "bool", v: first.v === "True", line: first.line, column: first.column };
    return unknown(first);
  }
  if (first.t === "op" && first.v === "[" && matching(tokens, from) === to - 1) {
    // A comprehension (`for` in the list itself; one in an inner bracket makes only that item unknown).
    for (let k = from + 1; k < to - 1; k = matching(tokens, k) + 1)
      if (tokens[k].t === "id" && tokens[k].v === "for") return unknown(first);
    const items = splitCommas(tokens, from + 1, to - 1).map(([a, b]) => evaluate(tokens, a, b));
    return { t: "list", items, line: first.line, column: first.column };
  }
  if (
    first.t === "id" &&
    first.v === "glob" &&
    tokens[from + 1]?.v === "(" &&
    matching(tokens, from + 1) === to - 1
  ) {
    let include: Value | null = null;
    let exclude: Value | null = null;
    let positional = 0;
    for (const [a, b] of splitCommas(tokens, from + 2, to - 1)) {
      const named = tokens[a].t === "id" && tokens[a + 1]?.v === "=" ? tokens[a].v : null;
      const v = evaluate(tokens, named ? a + 2 : a, b);
      if (named === "include" || (named === null && positional === 0)) include = v;
      else if (named === "exclude" || (named === null && positional === 1)) exclude = v;
      if (named === null) positional++;
    }
    return { t: "glob", include, exclude, line: first.line, column: first.column };
  }
  return unknown(first);
}

function parseArgs(tokens: Token[], open: number, close: number): Arg[] {
  const args: Arg[] = [];
  for (const [a, b] of splitCommas(tokens, open + 1, close)) {
    const t = tokens[a];
    if (t.t === "id" && tokens[a + 1]?.t === "op" && tokens[a + 1].v === "=" && a + 1 < b) {
      args.push({ name: t.v, line: t.line, column: t.column, value: evaluate(tokens, a + 2, b) });
    } else {
      args.push({
        name: null,
        line: t.line,
        column: t.column,
        value: t.t === "op" && (t.v === "*" || t.v === "**") ? unknown(t) : evaluate(tokens, a, b),
      });
    }
  }
  return args;
}

/** Parses a BUILD file. Never throws: a file it cannot read comes back with `error` and no calls. */
export function parseBuild(text: string): ParsedBuild {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
    checkJuxtaposition(tokens);
  } catch (err) {
    if (err instanceof StarlarkError)
      return {
        calls: [],
        nestedCalls: new Set(),
        error: {
          message: err.message,
          line: err.line,
          column: err.column,
          ...(err.beyondLimit ? { beyondLimit: true } : {}),
        },
      };
    throw err;
  }
  const calls: Call[] = [];
  const nestedCalls = new Set<string>();
  let start = 0;
  for (let k = 0; k <= tokens.length; k++) {
    if (k < tokens.length && tokens[k].t !== "nl") continue;
    const stmt = [start, k] as const;
    start = k + 1;
    if (stmt[1] <= stmt[0]) continue;
    // `name(` or `a.b(` spanning the whole statement.
    let p = stmt[0];
    let kind = "";
    while (p < stmt[1] && tokens[p].t === "id" && !KEYWORDS.has(tokens[p].v)) {
      kind += tokens[p].v;
      if (tokens[p + 1]?.v === ".") {
        kind += ".";
        p += 2;
      } else {
        p++;
        break;
      }
    }
    let topCallOpen = -1;
    if (
      kind &&
      !kind.endsWith(".") &&
      tokens[p]?.t === "op" &&
      tokens[p].v === "(" &&
      matching(tokens, p) === stmt[1] - 1
    )
      topCallOpen = p;
    for (let q = stmt[0]; q < stmt[1] - 1; q++) {
      if (
        q + 1 !== topCallOpen &&
        tokens[q].t === "id" &&
        tokens[q + 1].t === "op" &&
        tokens[q + 1].v === "("
      )
        nestedCalls.add(tokens[q].v);
    }
    if (topCallOpen < 0) continue;
    const close = stmt[1] - 1;
    const args = parseArgs(tokens, topCallOpen, close);
    const kwargs = new Map<string, Arg>();
    for (const a of args) if (a.name !== null && !kwargs.has(a.name)) kwargs.set(a.name, a);
    const head = tokens[stmt[0]];
    calls.push({
      kind,
      line: head.line,
      column: head.column,
      endLine: tokens[close].endLine,
      args,
      kwargs,
    });
  }
  return { calls, nestedCalls };
}

/** The strings of a value that is a string or a list of strings; null when any part is not literal. */
export function stringsOf(
  v: Value | null | undefined,
): { v: string; line: number; column: number }[] | null {
  if (!v) return null;
  if (v.t === "str") return [{ v: v.v, line: v.line, column: v.column }];
  if (v.t === "list") {
    const out: { v: string; line: number; column: number }[] = [];
    for (const it of v.items) {
      if (it.t !== "str") return null;
      out.push({ v: it.v, line: it.line, column: it.column });
    }
    return out;
  }
  return null;
}
