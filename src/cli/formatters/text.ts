import type { ReportInput } from "./index.js";

/** C0 and C1 controls (ESC and CSI start terminal escape codes), DEL, line separators, bidi overrides. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Text from a doc, safe on a terminal: each control character is shown as a symbol (U+2400 block), never obeyed. */
export function visible(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? "\u2421" : "\ufffd";
  });
}

/** `path:line:col: severity rule: message`, with the suggestion indented under it. */
export function formatText(r: ReportInput): string {
  const out: string[] = [];
  for (const f of r.findings) {
    out.push(
      `${visible(f.path)}:${f.line}:${f.column}: ${f.severity} ${visible(f.rule)}: ${visible(f.message)}`,
    );
    if (f.suggestion !== null) {
      const range = f.endLine > f.line ? `lines ${f.line}-${f.endLine}` : `line ${f.line}`;
      out.push(`    suggestion (replaces ${range}):`);
      for (const l of f.suggestion.split("\n")) out.push(`    | ${visible(l)}`);
    }
  }
  for (const n of r.notes) out.push(`note: ${visible(n)}`);
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const f of r.findings) counts[f.severity]++;
  out.push(
    r.findings.length === 0
      ? "No findings."
      : `${r.findings.length} finding${r.findings.length === 1 ? "" : "s"}: ` +
          `${counts.error} error${counts.error === 1 ? "" : "s"}, ` +
          `${counts.warning} warning${counts.warning === 1 ? "" : "s"}, ` +
          `${counts.notice} notice${counts.notice === 1 ? "" : "s"}.`,
  );
  return out.join("\n") + "\n";
}
