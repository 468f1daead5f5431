/**
 * Whether `fix` agrees with `check` on a change set: fix changes only lines
 * that check reported (a finding's line..endLine), and on the fixed text
 * check reports no finding that carries a suggestion. In process, through
 * the engine and the fixer the command uses (nothing is written).
 */
import type { ChangeSet } from "../../src/core/changeset.js";
import type { Config } from "../../src/config/defaults.js";
import type { Finding } from "../../src/core/finding.js";
import { review, type ReviewMode } from "../../src/core/engine.js";
import { fixDocs, FixedChangeSet } from "../../src/core/fix/apply.js";
import { diffLines, linesOf, unifiedDiff } from "../../src/core/fix/line-diff.js";

export interface Agreement {
  /** Docs fix changed. */
  fixedDocs: number;
  /** Findings check reported (with and without suggestions). */
  reported: number;
  /** `path:line` of lines fix changed that no finding covered. */
  unreported: string[];
  /** Findings with a suggestion that check still reports after fix. */
  leftWithSuggestion: Finding[];
}

/**
 * What a line diff touched, on the old side: each run of changes is either a
 * replacement (its old lines) or a pure insertion (between two old lines:
 * either neighbour may be the reported one).
 */
function touchedRuns(before: string, after: string): { lines: number[]; insertion: boolean }[] {
  const runs: { lines: number[]; insertion: boolean }[] = [];
  let i = 0;
  let deleted: number[] = [];
  let at = -1;
  const close = () => {
    if (at >= 0)
      runs.push(
        deleted.length > 0
          ? { lines: deleted, insertion: false }
          : { lines: [Math.max(1, at), at + 1], insertion: true },
      );
    deleted = [];
    at = -1;
  };
  for (const op of diffLines(linesOf(before), linesOf(after))) {
    if (op.t === " ") {
      close();
      i++;
      continue;
    }
    if (at < 0) at = i;
    if (op.t === "-") deleted.push(++i);
  }
  close();
  return runs;
}

export async function checkFixAgreement(
  cs: ChangeSet,
  config: Config,
  mode: ReviewMode,
): Promise<Agreement> {
  const checked = await review(cs, config, { mode });
  const covered = new Map<string, Set<number>>();
  for (const f of checked.findings) {
    const set = covered.get(f.path) ?? new Set<number>();
    for (let l = f.line; l <= f.endLine; l++) set.add(l);
    covered.set(f.path, set);
  }
  const fixed = await fixDocs(cs, config, { mode });
  const unreported: string[] = [];
  for (const f of fixed.files) {
    const ok = covered.get(f.path) ?? new Set<number>();
    for (const run of touchedRuns(f.before, f.after)) {
      // A replacement: every old line must be reported; an insertion: one of its neighbours.
      const fine = run.insertion
        ? run.lines.some((l) => ok.has(l))
        : run.lines.every((l) => ok.has(l));
      if (!fine) unreported.push(`${f.path}:${run.lines.filter((l) => !ok.has(l)).join(",")}`);
    }
  }
  // Check again on the fixed text, against the same base.
  const texts = new Map(fixed.files.map((f) => [f.path, f.after]));
  const patches = new Map<string, string>();
  if (mode === "change") {
    const changed = cs.files.filter((f) => texts.has(f.path) && f.status !== "removed");
    const base = await cs.read(
      changed.map((f) => f.previousPath ?? f.path),
      "base",
    );
    for (const f of changed) {
      const b = base.get(f.previousPath ?? f.path);
      const before = f.status === "added" || !b || b.kind !== "text" ? "" : b.text;
      patches.set(f.path, unifiedDiff(before, texts.get(f.path)!, f.path, 0) || "");
    }
  }
  const again = await review(new FixedChangeSet(cs, texts, patches), config, { mode });
  return {
    fixedDocs: fixed.files.length,
    reported: checked.findings.length,
    unreported,
    leftWithSuggestion: again.findings.filter((f) => f.suggestion !== null),
  };
}
