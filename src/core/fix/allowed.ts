/** Which suggestions may be offered and applied: the one test `check` and `fix` share. */
import type { Finding } from "../finding.js";
import { memo, type Doc } from "../markdown/parse.js";
import { ruleById } from "../rules/index.js";
import { protectedRanges, mdformatOffRanges, overlapsProtected } from "./regions.js";

/**
 * Whether a finding's fix may run: not in an mdformat-off region, and not a
 * plain replacement over protected lines (code, tables, HTML blocks, front
 * matter). The engine drops the suggestions that fail this, so `check`
 * offers only what `fix` applies.
 */
export function suggestionAllowed(doc: Doc, f: Finding): boolean {
  const traits = ruleById(f.rule)?.suggestion;
  if (
    overlapsProtected(
      memo(doc, "mdformat-off", (d) => mdformatOffRanges(d.lines)),
      f.line,
      f.endLine,
    )
  )
    return false;
  if (traits?.editsProtected) return true;
  // A fix that re-indents whole blocks (a list item with its code blocks) keeps their content; others may not touch them.
  if (
    !traits?.reindentsBlocks &&
    overlapsProtected(memo(doc, "protected", protectedRanges), f.line, f.endLine)
  )
    return false;
  return true;
}
