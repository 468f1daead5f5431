import type { ReportInput } from "./index.js";

/** `path:line:col: severity rule: message`, with the suggestion indented under it. */
export function formatText(r: ReportInput): string {
  const out: string[] = [];
  for (const f of r.findings) {
    out.push(`${f.path}:${f.line}:${f.column}: ${f.severity} ${f.rule}: ${f.message}`);
    if (f.suggestion !== null) {
      const range = f.endLine > f.line ? `lines ${f.line}-${f.endLine}` : `line ${f.line}`;
      out.push(`    suggestion (replaces ${range}):`);
      for (const l of f.suggestion.split("\n")) out.push(`    | ${l}`);
    }
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const f of r.findings) counts[f.severity]++;
  out.push(
    r.findings.length === 0
      ? "No findings."
      : `${r.findings.length} finding${r.findings.length === 1 ? "" : "s"}: ${counts.error} error${counts.error === 1 ? "" : "s"}, ${counts.warning} warning${counts.warning === 1 ? "" : "s"}, ${counts.notice} notice${counts.notice === 1 ? "" : "s"}.`,
  );
  return out.join("\n") + "\n";
}
