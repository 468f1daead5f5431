/**
 * An in-memory change set for tests: two trees (base and head) as path ->
 * content maps; the changed files and their patches are computed by a real
 * `git diff --no-index`-free line diff of each file.
 */
import type { ChangeSet, ChangedFile, FileContent, Side } from "../../src/core/changeset.js";

export type Tree = Record<string, string | Buffer>;

/** A minimal unified diff (one hunk per run of changes, 3 lines of context). */
export function unifiedDiff(a: string, b: string): string {
  const x = a === "" ? [] : a.replace(/\n$/, "").split("\n");
  const y = b === "" ? [] : b.replace(/\n$/, "").split("\n");
  // LCS table (files in tests are small).
  const n = x.length;
  const m = y.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  type Op = { t: " " | "-" | "+"; s: string; i: number; j: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) ops.push({ t: " ", s: x[i++], i, j: j++ });
    else if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j]))
      ops.push({ t: "+", s: y[j++], i, j });
    else ops.push({ t: "-", s: x[i++], i, j });
  }
  const out: string[] = [];
  const CONTEXT = 3;
  let k = 0;
  while (k < ops.length) {
    if (ops[k].t === " ") {
      k++;
      continue;
    }
    const start = Math.max(0, k - CONTEXT);
    let end = k;
    // Extend the hunk while changes are within 2*CONTEXT of each other.
    let last = k;
    while (end < ops.length) {
      if (ops[end].t !== " ") last = end;
      if (end - last > 2 * CONTEXT) break;
      end++;
    }
    end = Math.min(ops.length, last + CONTEXT + 1);
    const hunk = ops.slice(start, end);
    let oldStart = 0;
    let newStart = 0;
    // Line numbers: count lines before `start`.
    for (let q = 0; q < start; q++) {
      if (ops[q].t !== "+") oldStart++;
      if (ops[q].t !== "-") newStart++;
    }
    const oldLines = hunk.filter((o) => o.t !== "+").length;
    const newLines = hunk.filter((o) => o.t !== "-").length;
    out.push(
      `@@ -${oldLines === 0 ? oldStart : oldStart + 1},${oldLines} +${newLines === 0 ? newStart : newStart + 1},${newLines} @@`,
    );
    for (const o of hunk) out.push(o.t + o.s);
    k = end;
  }
  return out.length ? out.join("\n") + "\n" : "";
}

function content(v: string | Buffer | undefined): FileContent {
  if (v === undefined) return { kind: "missing" };
  if (typeof v === "string") return { kind: "text", text: v };
  if (v.includes(0)) return { kind: "binary" };
  try {
    return { kind: "text", text: new TextDecoder("utf-8", { fatal: true }).decode(v) };
  } catch {
    return { kind: "binary" };
  }
}

export interface MemoryChangeSetOptions {
  /** Renames: old path -> new path (the file must be in base under old and head under new). */
  renames?: Record<string, string>;
  /** Paths whose patch is withheld (as GitHub does for very large diffs). */
  noPatch?: string[];
  /** The repository as `owner/name`. */
  repository?: string;
}

export class MemoryChangeSet implements ChangeSet {
  readonly files: ChangedFile[] = [];
  readonly reads: { side: Side; paths: string[] }[] = [];
  readonly repository?: string;

  constructor(
    readonly baseTree: Tree | null,
    readonly headTree: Tree,
    opts: MemoryChangeSetOptions = {},
    readonly base: string | null = baseTree ? "base0000" : null,
    readonly head = "head0000",
  ) {
    this.repository = opts.repository;
    if (!baseTree) return;
    const renames = opts.renames ?? {};
    const renamedTo = new Set(Object.values(renames));
    const str = (v: string | Buffer | undefined) =>
      v === undefined ? "" : typeof v === "string" ? v : v.toString("utf8");
    const patchOf = (path: string, a: string, b: string) =>
      opts.noPatch?.includes(path) ? null : unifiedDiff(a, b);
    for (const [from, to] of Object.entries(renames)) {
      this.files.push({
        path: to,
        previousPath: from,
        status: "renamed",
        patch: patchOf(to, str(baseTree[from]), str(headTree[to])),
      });
    }
    for (const p of Object.keys(headTree).sort()) {
      if (renamedTo.has(p)) continue;
      if (!(p in baseTree))
        this.files.push({ path: p, status: "added", patch: patchOf(p, "", str(headTree[p])) });
      else if (str(baseTree[p]) !== str(headTree[p]) || Buffer.isBuffer(headTree[p])) {
        if (
          Buffer.isBuffer(headTree[p]) &&
          Buffer.isBuffer(baseTree[p]) &&
          (headTree[p] as Buffer).equals(baseTree[p] as Buffer)
        )
          continue;
        this.files.push({
          path: p,
          status: "modified",
          patch: patchOf(p, str(baseTree[p]), str(headTree[p])),
        });
      }
    }
    for (const p of Object.keys(baseTree).sort()) {
      if (!(p in headTree) && !(p in renames))
        this.files.push({ path: p, status: "removed", patch: patchOf(p, str(baseTree[p]), "") });
    }
    this.files.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  async listPaths(side: Side): Promise<string[]> {
    const t = side === "head" ? this.headTree : this.baseTree;
    return t ? Object.keys(t).sort() : [];
  }

  async read(paths: readonly string[], side: Side): Promise<Map<string, FileContent>> {
    this.reads.push({ side, paths: [...paths] });
    const t = side === "head" ? this.headTree : this.baseTree;
    return new Map(paths.map((p) => [p, content(t?.[p])]));
  }
}
