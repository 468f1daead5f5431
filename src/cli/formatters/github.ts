/**
 * GitHub Actions workflow commands: one annotation per finding,
 * `::error file=PATH,line=L,endLine=E,col=C,title=RULE::MESSAGE`
 * (`::warning` and `::notice` likewise). Notes become file-less notices.
 * Every value is escaped as the Actions toolkit does, so no path or message
 * can end the command early or start another.
 *
 * GitHub shows at most 10 annotations of each level per step and drops the
 * rest, so at most 10 of each level are written (notes count as notices); a
 * last notice says how many were left out and where they are (the job
 * summary, written when `GITHUB_STEP_SUMMARY` is set: see step-summary.ts).
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

/** Annotations GitHub shows per level and step. */
export const ANNOTATIONS_PER_LEVEL = 10;

/** The findings that get an annotation: the first 10 of each level, in file order. */
export function annotated(
  findings: Finding[],
  notes = 0,
  perLevel = ANNOTATIONS_PER_LEVEL,
): Finding[] {
  // One notice is kept for the line that says what was left out.
  const room: Record<Severity, number> = {
    error: perLevel,
    warning: perLevel,
    notice: Math.max(0, perLevel - 1 - notes),
  };
  const out: Finding[] = [];
  for (const f of findings) if (room[f.severity]-- > 0) out.push(f);
  return out;
}

export function formatGithub(r: ReportInput): string {
  const out: string[] = [];
  const notes = r.notes.slice(0, ANNOTATIONS_PER_LEVEL - 1);
  const shown = annotated(r.findings, notes.length);
  for (const f of shown) {
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
  for (const n of notes) out.push(command("notice", [["title", "g3doc-review"]], n));
  const left = r.findings.length - shown.length + (r.notes.length - notes.length);
  if (left > 0)
    out.push(
      command(
        "notice",
        [["title", "g3doc-review"]],
        `${left} more finding(s) and note(s) are not shown as annotations ` +
          `(GitHub shows at most ${ANNOTATIONS_PER_LEVEL} of each level per step); the job summary lists them all.`,
      ),
    );
  return out.length ? out.join("\n") + "\n" : "";
}
