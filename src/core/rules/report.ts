import type { VFile } from "vfile";
import type { Severity } from "../finding.js";

export interface ReportOptions {
  line: number;
  column?: number;
  endLine?: number;
  /** Replacement for lines line..endLine (joined with "\n", no final newline). */
  suggestion?: string | null;
  /** The change caused this finding although its line is untouched. */
  causedByChange?: boolean;
  /** Overrides the rule's default severity for this one finding. */
  severity?: Severity;
}

/** Extra fields a message carries besides vfile's own. */
export interface FindingFields {
  causedByChange?: boolean;
  severityOverride?: Severity;
}

/** Reports a vfile message with a position and, optionally, a suggested replacement (vfile's `expected`). */
export function report(file: VFile, reason: string, o: ReportOptions): void {
  const column = o.column ?? 1;
  const msg = file.message(reason, {
    place: { start: { line: o.line, column }, end: { line: o.endLine ?? o.line, column } },
  });
  if (o.suggestion !== undefined && o.suggestion !== null) msg.expected = [o.suggestion];
  const extra = msg as unknown as FindingFields;
  if (o.causedByChange) extra.causedByChange = true;
  if (o.severity) extra.severityOverride = o.severity;
}
