/**
 * Shared by the link rules: finding a destination as written on its line(s),
 * and building the suggestion that replaces it.
 */
import type { Doc } from "../../markdown/parse.js";
import type { Reference } from "../../markdown/refs.js";

/** Characters that may come right before a destination: `(x)`, `<x>`, `[l]: x`, `href="x"`, `href=x`. */
const BEFORE_DESTINATION = new Set(["(", "<", '"', "'", "=", " ", "\t"]);

/**
 * The lines ref.line..ref.endLine with the destination `written` (the first
 * occurrence at or after the reference's column that stands where a
 * destination stands, so link text that looks like the path is left alone)
 * replaced by `replacement`. Null when the destination is not found as written.
 */
export function replaceDestination(
  doc: Doc,
  ref: Reference,
  written: string,
  replacement: string,
): { text: string; endLine: number } | null {
  if (written === "") return null;
  const endLine = Math.max(ref.line, ref.endLine);
  const text = doc.lines.slice(ref.line - 1, endLine).join("\n");
  let from = Math.max(0, ref.column - 1);
  for (;;) {
    const i = text.indexOf(written, from);
    if (i < 0) return null;
    if (i > 0 && BEFORE_DESTINATION.has(text[i - 1])) {
      return { text: text.slice(0, i) + replacement + text.slice(i + written.length), endLine };
    }
    from = i + 1;
  }
}

/** The path part of a destination as written (before `#` and `?`). */
export function writtenPath(url: string): string {
  const hash = url.indexOf("#");
  const p = hash >= 0 ? url.slice(0, hash) : url;
  const q = p.indexOf("?");
  return q >= 0 ? p.slice(0, q) : p;
}

/** The fragment of a destination as written (after `#`, not decoded), or undefined. */
export function writtenFragment(url: string): string | undefined {
  const hash = url.indexOf("#");
  return hash >= 0 ? url.slice(hash + 1) : undefined;
}
