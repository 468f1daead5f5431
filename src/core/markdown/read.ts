/**
 * A doc as read at head, parsed: or why it is not (binary, over the size
 * limit, nested too deep to parse in linear time, or the parser failed).
 */
import type { FileContent } from "../changeset.js";
import { nestingProblem, parseDoc, type Doc } from "./parse.js";

export const DEFAULT_MAX_DOC_BYTES = 8 * 1024 * 1024;

/** A parsed doc, or the note that says why it was skipped. */
export type DocRead = { doc: Doc } | { note: string };

const byteLength = (s: string) => Buffer.byteLength(s, "utf8");

/** Parses a doc's text, or says why it is skipped. */
export function parseText(path: string, text: string): DocRead {
  const problem = nestingProblem(text);
  if (problem) return { note: `${path}: skipped, ${problem}.` };
  try {
    return { doc: parseDoc(path, text) };
  } catch (err) {
    return { note: `${path}: skipped, it could not be parsed (${(err as Error).message}).` };
  }
}

/** Whether a text fits the size limit for one doc. */
export function fits(text: string, maxBytes: number): boolean {
  return text.length <= maxBytes && byteLength(text) <= maxBytes;
}

/**
 * What reading gave, as a doc to parse: its text, or why it is skipped (a
 * note), or null when the file is missing.
 */
export function docText(
  path: string,
  c: FileContent | undefined,
  maxBytes: number,
): { text: string } | { note: string } | null {
  if (!c || c.kind === "missing") return null;
  if (c.kind === "binary")
    return { note: `${path}: skipped, the file is binary or not valid UTF-8 text.` };
  if (c.kind === "too-large" || !fits(c.text, maxBytes)) {
    const mb = (c.kind === "too-large" ? c.bytes : byteLength(c.text)) / 1048576;
    const limit = (maxBytes / 1048576).toFixed(0);
    return {
      note: `${path}: skipped, ${mb.toFixed(1)} MB is over the ${limit} MB limit for one doc.`,
    };
  }
  return { text: c.text };
}

/** Reads and parses a doc: null when missing. */
export function readDoc(
  path: string,
  c: FileContent | undefined,
  maxBytes: number,
): DocRead | null {
  const t = docText(path, c, maxBytes);
  return t === null || "note" in t ? t : parseText(path, t.text);
}
