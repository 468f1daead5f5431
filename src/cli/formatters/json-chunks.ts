/**
 * `JSON.stringify(value, null, indent)` in pieces, so a report of hundreds of
 * thousands of findings is written as it is made rather than built as one
 * string: objects and short arrays are walked, and each element of a long
 * array (a finding, a result) is one piece. The pieces joined are the same
 * text as `JSON.stringify` gives.
 */

/** Arrays at least this long have their elements written whole. */
const LONG = 16;

/** JSON.stringify of one value at `depth` (its lines indented as there). */
function whole(value: unknown, indent: number, depth: number): string {
  const s = JSON.stringify(value, null, indent);
  // Strings in JSON hold no raw newline: every newline is between tokens.
  return indent > 0 && depth > 0 ? s.replace(/\n/g, `\n${" ".repeat(indent * depth)}`) : s;
}

/** Whether JSON.stringify leaves a property with this value out. */
const skipped = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";

export function* jsonChunks(value: unknown, indent = 0, depth = 0): Generator<string> {
  if (value === null || typeof value !== "object" || "toJSON" in value) {
    yield whole(value, indent, depth);
    return;
  }
  const nl = indent > 0 ? `\n${" ".repeat(indent * (depth + 1))}` : "";
  const close = indent > 0 ? `\n${" ".repeat(indent * depth)}` : "";
  if (Array.isArray(value)) {
    if (value.length === 0) return yield "[]";
    yield "[";
    for (let i = 0; i < value.length; i++) {
      const v = skipped(value[i]) ? null : value[i];
      yield `${i > 0 ? "," : ""}${nl}`;
      if (value.length >= LONG) yield whole(v, indent, depth + 1);
      else yield* jsonChunks(v, indent, depth + 1);
    }
    return yield `${close}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => !skipped(v));
  if (entries.length === 0) return yield "{}";
  yield "{";
  let first = true;
  for (const [k, v] of entries) {
    yield `${first ? "" : ","}${nl}${JSON.stringify(k)}:${indent > 0 ? " " : ""}`;
    first = false;
    yield* jsonChunks(v, indent, depth + 1);
  }
  yield `${close}}`;
}

/** Pieces gathered into chunks of about `size` characters, for fewer writes. */
export function* batched(pieces: Iterable<string>, size = 1 << 20): Generator<string> {
  let buf: string[] = [];
  let n = 0;
  for (const p of pieces) {
    buf.push(p);
    n += p.length;
    if (n >= size) {
      yield buf.join("");
      buf = [];
      n = 0;
    }
  }
  if (n > 0) yield buf.join("");
}
