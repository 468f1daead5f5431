/**
 * The config's globs (`paths`, `ignore`, `build.unpublishedOk`,
 * `build.knownPages`), matched without regular expressions, so that no glob
 * can make a match backtrack: a path is matched segment by segment, each
 * segment by the two-pointer wildcard algorithm, so one match costs at most
 * (path length) x (glob length) steps, whatever the glob.
 *
 * The syntax is picomatch's common subset, with the same answers for it:
 * `*` (within a segment), `**` (a whole segment: any number of segments),
 * `?`, `[abc]`, `[a-z]`, `[!a]` / `[^a]`, `{a,b}` (expanded), `\` escapes
 * and a leading `./`. Extended globs (`+(a|b)` and kin), a leading `!`
 * and POSIX classes are refused with a reason: list exclusions under
 * `ignore` instead.
 */

/** Limits of one glob and of one list of globs. */
export const GLOB_LIMITS = {
  /** Characters of one glob. */
  length: 200,
  /**
   * Matching steps one matcher may take per path it has matched (plus 1,000
   * paths' worth to start): ordinary globs take a few steps per path, so only
   * globs made to be slow on paths made to be slow reach it.
   */
  stepsPerPath: 500,
  /** Globs one `{a,b}` pattern expands to. */
  alternatives: 32,
  /** Globs one list expands to in all. */
  listAlternatives: 256,
} as const;

export class GlobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GlobError";
  }
}

type Token =
  | { t: "lit"; c: string }
  | { t: "any" }
  | { t: "star" }
  | { t: "class"; negated: boolean; ranges: [number, number][] };

type Segment = { globstar: true } | { globstar: false; tokens: Token[] };

export interface GlobOptions {
  /** Whether `*`, `?`, `[...]` and `**` match names that start with a dot (as picomatch's `dot`). */
  dot?: boolean;
}

/** The index of the `]` that closes a class opened at `start`, or -1. */
function classEnd(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === "!" || p[i] === "^") i++;
  if (p[i] === "]") i++;
  for (; i < p.length; i++) {
    if (p[i] === "\\") i++;
    else if (p[i] === "]") return i;
  }
  return -1;
}

/** The first top-level `{...}` group that has a matching `}`: [open, close] or null. */
function braceGroup(p: string): [number, number] | null {
  for (let i = 0; i < p.length; i++) {
    if (p[i] === "\\") i++;
    else if (p[i] === "[") {
      const end = classEnd(p, i);
      if (end > 0) i = end;
    } else if (p[i] === "{") {
      let depth = 0;
      for (let j = i; j < p.length; j++) {
        if (p[j] === "\\") j++;
        else if (p[j] === "{") depth++;
        else if (p[j] === "}" && --depth === 0) return [i, j];
      }
      return null;
    }
  }
  return null;
}

/** Splits a brace group's body at its top-level commas. */
function splitAlternatives(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "\\") i++;
    else if (body[i] === "{") depth++;
    else if (body[i] === "}") depth--;
    else if (body[i] === "," && depth === 0) {
      out.push(body.slice(last, i));
      last = i + 1;
    }
  }
  out.push(body.slice(last));
  return out;
}

/** `a{b,c}d` -> `abd`, `acd` (nested groups too), refusing more than the limit. */
export function expandBraces(pattern: string, limit: number = GLOB_LIMITS.alternatives): string[] {
  const group = braceGroup(pattern);
  if (!group) return [pattern];
  const [open, close] = group;
  const alternatives = splitAlternatives(pattern.slice(open + 1, close));
  if (alternatives.length < 2)
    throw new GlobError(
      `the brace group "${pattern.slice(open, close + 1)}" has no comma (ranges like {1..3} are not supported)`,
    );
  const out: string[] = [];
  for (const alt of alternatives)
    for (const rest of expandBraces(alt + pattern.slice(close + 1), limit)) {
      out.push(pattern.slice(0, open) + rest);
      if (out.length > limit) throw new GlobError(`it expands to more than ${limit} globs`);
    }
  return out;
}

function parseClass(body: string): Token {
  let i = 0;
  const negated = body[0] === "!" || body[0] === "^";
  if (negated) i++;
  const ranges: [number, number][] = [];
  for (; i < body.length; i++) {
    let c = body[i];
    if (c === "\\" && i + 1 < body.length) c = body[++i];
    if (body[i + 1] === "-" && i + 2 < body.length) {
      let d = body[i + 2];
      i += 2;
      if (d === "\\" && i + 1 < body.length) d = body[++i];
      ranges.push([c.charCodeAt(0), d.charCodeAt(0)]);
    } else ranges.push([c.charCodeAt(0), c.charCodeAt(0)]);
  }
  return { t: "class", negated, ranges };
}

function parseSegment(seg: string): Segment {
  if (seg === "**") return { globstar: true };
  const tokens: Token[] = [];
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if ("*?+@!".includes(c) && seg[i + 1] === "(")
      throw new GlobError(`extended globs like "${c}(...)" are not supported`);
    if (c === "\\") tokens.push({ t: "lit", c: i + 1 < seg.length ? seg[++i] : "\\" });
    else if (c === "*") {
      if (tokens.at(-1)?.t !== "star") tokens.push({ t: "star" });
    } else if (c === "?") tokens.push({ t: "any" });
    else if (c === "[" && classEnd(seg, i) > 0) {
      const end = classEnd(seg, i);
      const body = seg.slice(i + 1, end);
      if (body.includes("[:"))
        throw new GlobError("POSIX classes like [[:alpha:]] are not supported");
      tokens.push(parseClass(body));
      i = end;
    } else tokens.push({ t: "lit", c });
  }
  return { globstar: false, tokens };
}

/** Why a glob cannot be used, or null when it can. */
export function globProblem(pattern: string): string | null {
  try {
    compileGlob(pattern);
    return null;
  } catch (e) {
    if (e instanceof GlobError) return e.message;
    throw e;
  }
}

/** One glob's alternatives, each as segments; a GlobError says why a glob is refused. */
export function compileGlob(pattern: string): Segment[][] {
  if (pattern.length > GLOB_LIMITS.length)
    throw new GlobError(`it is longer than ${GLOB_LIMITS.length} characters`);
  if (pattern.startsWith("!"))
    throw new GlobError('a leading "!" is not supported: list the paths to leave out under ignore');
  return expandBraces(pattern).map((alt) => {
    let p = alt;
    while (p.startsWith("./")) p = p.slice(2);
    return p.split("/").map(parseSegment);
  });
}

function matchChar(tok: Token, c: string): boolean {
  if (tok.t === "lit") return tok.c === c;
  if (c === "/") return false;
  if (tok.t === "any") return true;
  if (tok.t !== "class") return false;
  const code = c.charCodeAt(0);
  const inside = tok.ranges.some(([lo, hi]) => code >= lo && code <= hi);
  return inside !== tok.negated;
}

/** Matching steps taken, for the budget. */
interface Cost {
  steps: number;
}

/** One segment against one path segment: the two-pointer wildcard match, O(name x tokens). */
function matchName(tokens: Token[], name: string, dot: boolean, cost: Cost): boolean {
  if (!dot && name.startsWith(".") && !(tokens[0]?.t === "lit" && tokens[0].c === "."))
    return false;
  if (name === "" && tokens.length > 0 && tokens.every((t) => t.t === "star")) return false;
  let i = 0;
  let j = 0;
  let starJ = -1;
  let starI = 0;
  while (i < name.length) {
    cost.steps++;
    const tok = tokens[j];
    if (tok && tok.t !== "star" && matchChar(tok, name[i])) {
      i++;
      j++;
    } else if (tok?.t === "star") {
      starJ = j++;
      starI = i;
    } else if (starJ >= 0) {
      j = starJ + 1;
      i = ++starI;
    } else return false;
  }
  while (tokens[j]?.t === "star") j++;
  return j === tokens.length;
}

/** Marks the positions after `**` segments as reached too (a `**` may match no segment). */
function closure(segments: Segment[], reach: Uint8Array): void {
  for (let j = 0; j < segments.length; j++) if (reach[j] && segments[j].globstar) reach[j + 1] = 1;
}

/** A path against one alternative: which glob positions each path segment can reach. */
function matchSegments(segments: Segment[], path: string, dot: boolean, cost: Cost): boolean {
  let reach = new Uint8Array(segments.length + 1);
  reach[0] = 1;
  closure(segments, reach);
  for (const name of path.split("/")) {
    const next = new Uint8Array(segments.length + 1);
    let any = false;
    for (let j = 0; j < segments.length; j++) {
      if (!reach[j]) continue;
      cost.steps++;
      const seg = segments[j];
      if (seg.globstar) {
        const ok = name !== "." && name !== ".." && (dot || !name.startsWith("."));
        if (ok) {
          next[j] = 1;
          any = true;
        }
      } else if (matchName(seg.tokens, name, dot, cost)) {
        next[j + 1] = 1;
        any = true;
      }
    }
    if (!any) return false;
    closure(segments, next);
    reach = next;
  }
  return reach[segments.length] === 1;
}

export class GlobCostError extends GlobError {}

/** The literal text every match starts with, and ends with (cheap tests before the match). */
function literalEnds(segments: Segment[]): { prefix: string; suffix: string } {
  const lit = (t: Token) => (t.t === "lit" ? t.c : null);
  let prefix = "";
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k];
    if (seg.globstar) break;
    const i = seg.tokens.findIndex((t) => t.t !== "lit");
    prefix += seg.tokens
      .slice(0, i < 0 ? undefined : i)
      .map(lit)
      .join("");
    // A `**` that follows may match no segment, and then no "/" follows either.
    if (i >= 0 || k === segments.length - 1 || segments[k + 1].globstar) break;
    prefix += "/";
  }
  const last = segments.at(-1);
  let suffix = "";
  if (last && !last.globstar)
    for (let i = last.tokens.length - 1; i >= 0 && last.tokens[i].t === "lit"; i--)
      suffix = lit(last.tokens[i]) + suffix;
  return { prefix, suffix };
}

/**
 * A matcher for a list of globs: true when any matches. Throws a GlobError
 * for a glob it refuses, and a GlobCostError when matching costs more than
 * GLOB_LIMITS.stepsPerPath per path it has matched.
 */
export function globMatcher(
  patterns: readonly string[],
  options: GlobOptions = {},
): (path: string) => boolean {
  const dot = options.dot === true;
  const alternatives = patterns.flatMap(compileGlob).map((segments) => ({
    segments,
    ...literalEnds(segments),
  }));
  if (alternatives.length > GLOB_LIMITS.listAlternatives)
    throw new GlobError(
      `the list expands to ${alternatives.length} globs; the limit is ${GLOB_LIMITS.listAlternatives}`,
    );
  const cost: Cost = { steps: 0 };
  let paths = 0;
  return (path) => {
    paths++;
    const matched = alternatives.some(
      (a) =>
        path.startsWith(a.prefix) &&
        path.endsWith(a.suffix) &&
        matchSegments(a.segments, path, dot, cost),
    );
    if (cost.steps > GLOB_LIMITS.stepsPerPath * (paths + 1000))
      throw new GlobCostError(
        `matching the config's globs costs over ${GLOB_LIMITS.stepsPerPath} steps a path on these ${paths} paths; ` +
          "write simpler globs (fewer wildcards in a row)",
      );
    return matched;
  };
}
