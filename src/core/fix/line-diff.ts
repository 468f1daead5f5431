/** Line diffs: an LCS alignment of two texts and a unified diff for people to read. */

export type LineOp = { t: " " | "-" | "+"; s: string };

/** Splits text into lines (the final newline does not start a line). */
export function linesOf(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (/(\r\n|\r|\n)$/.test(text)) lines.pop();
  return lines;
}

/**
 * The edit script from `a` to `b` (Myers' O(ND) algorithm, so big files with
 * small differences stay fast).
 */
export function diffLines(a: readonly string[], b: readonly string[]): LineOp[] {
  // Trim the common head and tail first.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const n = x.length;
  const m = y.length;
  const max = n + m;
  const v = new Map<number, number>([[1, 0]]);
  const trace: Map<number, number>[] = [];
  let found = n === 0 && m === 0;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(new Map(v));
    for (let k = -d; k <= d; k += 2) {
      let px: number;
      if (k === -d || (k !== d && (v.get(k - 1) ?? -1) < (v.get(k + 1) ?? -1)))
        px = v.get(k + 1) ?? 0;
      else px = (v.get(k - 1) ?? 0) + 1;
      let py = px - k;
      while (px < n && py < m && x[px] === y[py]) {
        px++;
        py++;
      }
      v.set(k, px);
      if (px >= n && py >= m) {
        found = true;
        break;
      }
    }
  }
  // Backtrack.
  const middle: LineOp[] = [];
  let px = n;
  let py = m;
  for (let d = trace.length - 1; d >= 0 && (px > 0 || py > 0); d--) {
    const vd = trace[d];
    const k = px - py;
    let prevK: number;
    if (k === -d || (k !== d && (vd.get(k - 1) ?? -1) < (vd.get(k + 1) ?? -1))) prevK = k + 1;
    else prevK = k - 1;
    const prevX = vd.get(prevK) ?? 0;
    const prevY = prevX - prevK;
    while (px > prevX && py > prevY) {
      middle.push({ t: " ", s: x[--px] });
      py--;
    }
    if (d > 0) {
      if (px === prevX) middle.push({ t: "+", s: y[--py] });
      else middle.push({ t: "-", s: x[--px] });
    }
  }
  middle.reverse();
  return [
    ...a.slice(0, head).map((s) => ({ t: " " as const, s })),
    ...middle,
    ...a.slice(a.length - tail).map((s) => ({ t: " " as const, s })),
  ];
}

const NO_EOL = "\u0000";

/** Lines of a text for diffing: a last line without a newline is marked, so that adding the newline shows as a change. */
function diffable(text: string): string[] {
  const lines = linesOf(text);
  if (lines.length > 0 && !/(\r\n|\r|\n)$/.test(text)) lines[lines.length - 1] += NO_EOL;
  return lines;
}

/** A unified diff of two texts (3 lines of context), with `---`/`+++` headers and git's "No newline" markers. */
export function unifiedDiff(before: string, after: string, path: string, context = 3): string {
  if (before === after) return "";
  const ops = diffLines(diffable(before), diffable(after));
  const out: string[] = [`--- a/${path}`, `+++ b/${path}`];
  const print = (o: LineOp) => {
    if (o.s.endsWith(NO_EOL)) out.push(o.t + o.s.slice(0, -1), "\\ No newline at end of file");
    else out.push(o.t + o.s);
  };
  let k = 0;
  while (k < ops.length) {
    if (ops[k].t === " ") {
      k++;
      continue;
    }
    const start = Math.max(0, k - context);
    let last = k;
    let end = k;
    while (end < ops.length) {
      if (ops[end].t !== " ") last = end;
      else if (end - last > 2 * context) break;
      end++;
    }
    end = Math.min(ops.length, last + context + 1);
    let oldStart = 0;
    let newStart = 0;
    for (let q = 0; q < start; q++) {
      if (ops[q].t !== "+") oldStart++;
      if (ops[q].t !== "-") newStart++;
    }
    const hunk = ops.slice(start, end);
    const oldLines = hunk.filter((o) => o.t !== "+").length;
    const newLines = hunk.filter((o) => o.t !== "-").length;
    out.push(
      `@@ -${oldLines === 0 ? oldStart : oldStart + 1},${oldLines} +${newLines === 0 ? newStart : newStart + 1},${newLines} @@`,
    );
    hunk.forEach(print);
    k = end;
  }
  return out.join("\n") + "\n";
}
