/** Lines of a text: where they start, which line an offset is on, replacing some. */

/** The lines of a text, without their line endings (`\n`, `\r\n` or `\r`). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Offset of the start of each `\n`-separated line of `text` (line 1 at index 0). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** The 1-based line that `offset` is on, given the lines' starts (lineStartsOf). */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Replaces lines start..end (1-based, inclusive) of a `\n`-separated text with `lines`. */
export function replaceLines(text: string, start: number, end: number, lines: string[]): string {
  const all = text.split("\n");
  all.splice(start - 1, end - start + 1, ...lines);
  return all.join("\n");
}
