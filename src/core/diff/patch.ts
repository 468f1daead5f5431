/**
 * Diff awareness, in one place: which head-side lines a change added or
 * modified, and which head-side lines GitHub can anchor a review comment to
 * (the RIGHT side of each hunk).
 */
import parseDiff from "parse-diff";

export interface Hunk {
  /** First and last head-side line of the hunk (inclusive). */
  start: number;
  end: number;
}

export interface FileDiff {
  /**
   * Head-side lines the change added or modified, as sorted runs: first and
   * last line of each run, one after the other (an added 300-line doc is
   * [1, 300]; a set of line numbers held 10 MB for a 3,000-file change).
   */
  added: number[];
  /** Hunks on the head side; a comment may sit on any line of one. */
  hunks: Hunk[];
  /** No patch was available: every line counts as changed, and no line can take a comment. */
  wholeFile: boolean;
}

/** Appends `line` to the runs (it extends the last run when it follows it). */
function addLine(runs: number[], line: number): void {
  const last = runs.length - 1;
  if (last > 0 && runs[last] === line - 1) runs[last] = line;
  else runs.push(line, line);
}

/** Lines as sorted runs (see FileDiff.added), whatever their order and repeats. */
export function runsOf(lines: Iterable<number>): number[] {
  const runs: number[] = [];
  let previous = NaN;
  for (const l of [...lines].sort((a, b) => a - b))
    if (l !== previous) addLine(runs, (previous = l));
  return runs;
}

/** Whether runs are sorted and apart (hunks came in order, as GitHub and git give them). */
function inOrder(runs: readonly number[]): boolean {
  for (let i = 2; i < runs.length; i += 2) if (runs[i] <= runs[i - 1] + 1) return false;
  return true;
}

function linesOfRuns(runs: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs.length; i += 2) for (let l = runs[i]; l <= runs[i + 1]; l++) out.push(l);
  return out;
}

/** The lines a diff added or modified, in order. */
export function addedLines(diff: FileDiff): number[] {
  return linesOfRuns(diff.added);
}

export function parsePatch(patch: string | null): FileDiff {
  if (patch === null) return { added: [], hunks: [], wholeFile: true };
  const text = patch.replace(/\r\n?/g, "\n");
  const added: number[] = [];
  const hunks: Hunk[] = [];
  // parse-diff needs a file header; GitHub's `patch` field has hunks only.
  const input = /^(diff |--- )/m.test(text.slice(0, 500)) ? text : `--- a/x\n+++ b/x\n${text}`;
  for (const file of parseDiff(input)) {
    for (const chunk of file.chunks) {
      const start = chunk.newStart;
      let end = chunk.newStart + chunk.newLines - 1;
      for (const change of chunk.changes) {
        if (change.type === "add") {
          addLine(added, change.ln);
          if (change.ln > end) end = change.ln;
        }
      }
      if (chunk.newLines > 0) hunks.push({ start, end });
    }
  }
  hunks.sort((a, b) => a.start - b.start);
  return { added: inOrder(added) ? added : runsOf(linesOfRuns(added)), hunks, wholeFile: false };
}

/** Whether any line of line..endLine was added or modified (a binary search over the runs). */
export function touches(diff: FileDiff | undefined, line: number, endLine: number): boolean {
  if (!diff) return false;
  if (diff.wholeFile) return true;
  const runs = diff.added;
  let lo = 0;
  let hi = runs.length / 2;
  // The first run that ends at or after `line`.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (runs[2 * mid + 1] < line) lo = mid + 1;
    else hi = mid;
  }
  return lo < runs.length / 2 && runs[2 * lo] <= endLine;
}

/** The index of the first hunk that ends at or after `line` (hunks are sorted and do not overlap). */
function firstHunkEndingFrom(hunks: readonly Hunk[], line: number): number {
  let lo = 0;
  let hi = hunks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (hunks[mid].end < line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The hunk that holds every line of line..endLine, if one does (a binary search, not a scan). */
export function hunkHolding(
  diff: FileDiff | undefined,
  line: number,
  endLine: number,
): Hunk | undefined {
  if (!diff || diff.wholeFile) return undefined;
  for (let i = firstHunkEndingFrom(diff.hunks, line); i < diff.hunks.length; i++) {
    const h = diff.hunks[i];
    if (h.start > line) return undefined;
    if (endLine <= h.end) return h;
  }
  return undefined;
}

/** Whether GitHub accepts a review comment on head-side line `line` (the line lies inside a hunk). */
export function isCommentable(diff: FileDiff | undefined, line: number): boolean {
  return hunkHolding(diff, line, line) !== undefined;
}

/** The first line of line..endLine that a review comment can sit on, if any. */
export function firstCommentableLine(
  diff: FileDiff | undefined,
  line: number,
  endLine: number,
): number | undefined {
  if (!diff || diff.wholeFile || endLine < line) return undefined;
  const h = diff.hunks[firstHunkEndingFrom(diff.hunks, line)];
  if (!h || h.start > endLine) return undefined;
  return Math.max(line, h.start);
}
