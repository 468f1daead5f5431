/**
 * The job summary of a GitHub Actions step (`GITHUB_STEP_SUMMARY`, Markdown):
 * every finding, grouped by doc, for the findings that did not fit in the
 * step's annotations (GitHub shows at most 10 of each level per step). Text
 * quoted from the repository is made inert as in the app's comments.
 */
import type { Finding, Severity } from "../../core/finding.js";
import { codeSpan, escapeMarkdown } from "../../app/publish/escape.js";
import type { ReportInput } from "./index.js";

/** GitHub refuses a step summary over 1 MiB; stay well below it. */
export const STEP_SUMMARY_LIMIT = 1_000_000;

const ICON: Record<Severity, string> = { error: "error", warning: "warning", notice: "notice" };

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

function counts(findings: Finding[]): string {
  const n = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) n[f.severity]++;
  const parts = (["error", "warning", "notice"] as const)
    .filter((s) => n[s] > 0)
    .map((s) => `${n[s]} ${s}${n[s] === 1 ? "" : "s"}`);
  return parts.length ? parts.join(", ") : "no findings";
}

export function formatStepSummary(
  r: ReportInput,
  opts: { annotated?: number; limit?: number } = {},
): string {
  const limit = opts.limit ?? STEP_SUMMARY_LIMIT;
  const head: string[] = ["## g3doc-review", ""];
  head.push(
    r.findings.length === 0
      ? "No findings in the docs this change touches."
      : `${r.findings.length} finding${r.findings.length === 1 ? "" : "s"} (${counts(r.findings)}).` +
          (opts.annotated !== undefined && opts.annotated < r.findings.length
            ? ` ${opts.annotated} are shown as annotations (GitHub shows at most 10 of each level per step); all are listed here.`
            : ""),
  );
  const body: string[] = [];
  let path = "";
  for (const f of r.findings) {
    if (f.path !== path) {
      path = f.path;
      body.push("", `### ${codeSpan(path)}`, "");
    }
    const at = f.endLine > f.line ? `${f.line}-${f.endLine}` : `${f.line}`;
    body.push(
      `- line ${at}, ${codeSpan(f.rule)} (${ICON[f.severity]}): ${escapeMarkdown(oneLine(f.message))}`,
    );
  }
  if (r.notes.length > 0) {
    body.push("", "### Notes", "");
    for (const n of r.notes) body.push(`- ${escapeMarkdown(oneLine(n))}`);
  }
  let out = head.join("\n");
  let shown = 0;
  for (const line of body) {
    if (out.length + line.length + 200 > limit) {
      out += `\n\n(${body.length - shown} more lines left out: the summary is limited to ${limit} characters.)`;
      break;
    }
    out += `\n${line}`;
    shown++;
  }
  return out + "\n";
}
