/**
 * GitHub Actions workflow commands: one annotation per finding,
 * `::error file=PATH,line=L,endLine=E,col=C,title=RULE::MESSAGE`
 * (`::warning` and `::notice` likewise). Notes become file-less notices.
 * Every value is escaped as the Actions toolkit does, so no path or message
 * can end the command early or start another.
 */
import type { Finding, Severity } from "../../core/finding.js";
import type { ReportInput } from "./index.js";

const COMMAND: Record<Severity, string> = { error: "error", warning: "warning", notice: "notice" };

/** Escapes a command's message: `%`, CR and LF. */
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a command's property value: as data, plus `:` and `,`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function command(name: string, props: [string, string | number][], message: string): string {
  const p = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(",");
  return `::${name}${p ? ` ${p}` : ""}::${escapeData(message)}`;
}

function messageOf(f: Finding): string {
  if (f.suggestion === null) return f.message;
  const range = f.endLine > f.line ? `lines ${f.line}-${f.endLine}` : `line ${f.line}`;
  return `${f.message}\n\nSuggested replacement for ${range}:\n${f.suggestion}`;
}

export function formatGithub(r: ReportInput): string {
  const out: string[] = [];
  for (const f of r.findings) {
    out.push(
      command(
        COMMAND[f.severity],
        [
          ["file", f.path],
          ["line", f.line],
          ["endLine", f.endLine],
          ["col", f.column],
          ["title", f.rule],
        ],
        messageOf(f),
      ),
    );
  }
  for (const n of r.notes) out.push(command("notice", [["title", "g3doc-review"]], n));
  return out.length ? out.join("\n") + "\n" : "";
}
