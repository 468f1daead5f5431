/**
 * reviewdog's Diagnostic Format, JSON (`reviewdog -f=rdjson`). Columns are
 * UTF-8 byte columns, as rdjson counts them. A suggestion replaces whole lines:
 * from the start of `line` to the start of the line after `endLine`.
 */
import { jsonChunks } from "./json-chunks.js";
import type { Finding, Severity } from "../../core/finding.js";
import { SEVERITY_RANK } from "../../core/finding.js";
import { docsUrl } from "../../core/rules/docs-url.js";
import type { ReportInput } from "./index.js";
import { TOOL_HOME, TOOL_NAME } from "./sarif.js";

type RdSeverity = "ERROR" | "WARNING" | "INFO";
const SEVERITY: Record<Severity, RdSeverity> = {
  error: "ERROR",
  warning: "WARNING",
  notice: "INFO",
};

interface RdPosition {
  line: number;
  column?: number;
}

export interface RdDiagnostic {
  message: string;
  location: { path: string; range: { start: RdPosition; end: RdPosition } };
  severity: RdSeverity;
  code: { value: string; url: string };
  suggestions?: { range: { start: RdPosition; end: RdPosition }; text: string }[];
}

/** The UTF-8 byte column of a 1-based UTF-16 column on `lineText` (the column itself when the line is unknown). */
export function byteColumn(lineText: string | undefined, column: number): number {
  if (!lineText || column <= 1) return column;
  const before = lineText.slice(0, column - 1);
  return Buffer.byteLength(before, "utf8") + 1 + Math.max(0, column - 1 - before.length);
}

function diagnostic(f: Finding): RdDiagnostic {
  const d: RdDiagnostic = {
    message: f.message,
    location: {
      path: f.path,
      range: {
        start: { line: f.line, column: byteColumn(f.lineText, f.column) },
        end: { line: f.endLine },
      },
    },
    severity: SEVERITY[f.severity],
    code: { value: f.rule, url: docsUrl(f.rule) },
  };
  if (f.suggestion !== null) {
    d.suggestions = [
      {
        range: { start: { line: f.line, column: 1 }, end: { line: f.endLine + 1, column: 1 } },
        text: f.suggestion + "\n",
      },
    ];
  }
  return d;
}

export function toRdjson(r: ReportInput) {
  // The result's severity is the default for diagnostics without one: the most severe reported, INFO when none.
  let top: Severity | null = null;
  for (const f of r.findings)
    if (top === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[top]) top = f.severity;
  return {
    source: { name: TOOL_NAME, url: TOOL_HOME },
    severity: top ? SEVERITY[top] : "INFO",
    diagnostics: r.findings.map(diagnostic),
  };
}

export function* rdjsonReport(r: ReportInput): Generator<string> {
  yield* jsonChunks(toRdjson(r));
  yield "\n";
}
