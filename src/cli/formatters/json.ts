import type { ReportInput } from "./index.js";
import { jsonChunks } from "./json-chunks.js";

/** `{"version":1,"base","head","findings":[...]}`: a stable machine format, in pieces. */
export function* jsonReport(r: ReportInput): Generator<string> {
  yield* jsonChunks({
    version: 1,
    base: r.base,
    head: r.head,
    findings: r.findings.map((f) => ({
      path: f.path,
      line: f.line,
      endLine: f.endLine,
      column: f.column,
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      suggestion: f.suggestion,
      changed: f.changed,
    })),
    notes: r.notes,
  });
  yield "\n";
}
