/**
 * The diff filter: which findings belong to a change. A finding is kept when
 * it sits on a line the change added or modified, or when the change caused
 * it elsewhere (a doc that still points at an image the change deleted). In
 * audit mode everything is kept.
 */
import type { Finding } from "../finding.js";
import { touches, type FileDiff } from "./patch.js";

export function applyDiffFilter(
  findings: Finding[],
  diffs: ReadonlyMap<string, FileDiff>,
  mode: "change" | "all",
  impactDocs: ReadonlySet<string> = new Set(),
): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const changed = touches(diffs.get(f.path), f.line, f.endLine);
    // The finding itself when its flag is already right (an audit's, all of them): no copy.
    const withFlag = f.changed === changed ? f : { ...f, changed };
    if (mode === "all") {
      out.push(withFlag);
      continue;
    }
    if (impactDocs.has(f.path)) {
      if (f.causedByChange) out.push(withFlag);
      continue;
    }
    if (changed || f.causedByChange) out.push(withFlag);
  }
  return out;
}
