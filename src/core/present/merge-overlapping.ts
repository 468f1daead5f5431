/**
 * Presenting findings as the pull request page will show them, shared by
 * the app and the command (json, rdjson, sarif, github and text outputs):
 * overlapping suggestions of a file merged into one. Pure: the docs' texts
 * come in, nothing is read.
 */
import type { Finding } from "../finding.js";
import { mergeSuggestions } from "../fix/merge.js";
import type { FileLayout } from "../fix/window.js";

/** Characters a review may re-parse to merge overlapping rewrap and list-marker suggestions. */
export const MAX_REPARSE_CHARS = 1_000_000;

/**
 * GitHub applies suggestions one by one, each over its own lines: two that
 * touch the same line cannot both be applied. Per file, overlapping
 * suggestions become one over the union of their ranges (src/core/fix/merge.ts);
 * its first finding carries it, and the others ride along in its comment.
 * `layouts` are docs' layouts from the review's own parse (the engine's
 * ReviewOptions.layouts), so that those docs are not parsed again to merge.
 */
export function mergeOverlapping(
  findings: readonly Finding[],
  texts: ReadonlyMap<string, string>,
  limit: number,
  maxReparseChars = MAX_REPARSE_CHARS,
  layouts?: ReadonlyMap<string, FileLayout | null>,
): { findings: Finding[]; riders: Map<Finding, Finding[]>; reparsed: number } {
  const riders = new Map<Finding, Finding[]>();
  const replaced = new Map<Finding, Finding>();
  const dropped = new Set<Finding>();
  const byPath = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.suggestion === null) continue;
    const list = byPath.get(f.path);
    if (list) list.push(f);
    else byPath.set(f.path, [f]);
  }
  // Re-parsing for merged rewraps runs on the main thread: a bounded number of characters per review.
  let reparse = maxReparseChars;
  for (const [path, fs] of byPath) {
    const text = texts.get(path);
    if (fs.length < 2 || text === undefined) continue;
    const { suggestions, reparsed } = mergeSuggestions(text, path, fs, {
      limit,
      maxReparseChars: reparse,
      layout: layouts?.get(path),
    });
    reparse -= reparsed;
    const carried = new Set<Finding>();
    for (const m of suggestions) {
      const [first, ...rest] = m.findings;
      carried.add(first);
      replaced.set(first, { ...first, line: m.line, endLine: m.endLine, suggestion: m.suggestion });
      if (rest.length > 0) riders.set(replaced.get(first)!, rest);
      for (const r of rest) dropped.add(r);
    }
    // A fix that collided with another comes back on the next review; it is still reported, without its suggestion.
    for (const f of fs)
      if (!carried.has(f) && !dropped.has(f)) replaced.set(f, { ...f, suggestion: null });
  }
  const out = findings.filter((f) => !dropped.has(f)).map((f) => replaced.get(f) ?? f);
  return { findings: out, riders, reparsed: maxReparseChars - reparse };
}
