/** Lines of a text: where they start, which line an offset is on, replacing some. */

/** The lines of a text, without their line endings (`\n`, `\r\n` or `\r`). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Replaces lines start..end (1-based, inclusive) of a `\n`-separated text with `lines`. */
export function replaceLines(text: string, start: number, end: number, lines: string[]): string {
  const all = text.split("\n");
  all.splice(start - 1, end - start + 1, ...lines);
  return all.join("\n");
}
