/**
 * The verdicts file of the precision sample (docs/precision/sample.json) and
 * the note made from it (docs/precision/sample.md): each sampled finding, as
 * the engine reports it, with a reviewer's verdict (right, wrong, debatable)
 * and its one-line reason; precision per rule, debatable counted as wrong.
 */

export const VERDICTS = ["right", "wrong", "debatable"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One sampled finding and its verdict. */
export interface SampleEntry {
  /** Its place in the seeded order (1-based). */
  n: number;
  rule: string;
  severity: string;
  /** `folder/path` inside the corpus (the folder is the repository). */
  path: string;
  line: number;
  endLine: number;
  column: number;
  /** The lines line..endLine at head. */
  lines: string[];
  message: string;
  suggestion: string | null;
  verdict: Verdict | null;
  reason: string;
}

/** A precision table: per rule, how many were judged right of how many. */
export interface PrecisionRow {
  rule: string;
  right: number;
  total: number;
  /** Wrong or debatable findings at error severity. */
  wrongErrors: number;
}

export interface SampleFile {
  /** The command that made the sample. */
  command: string;
  seed: number;
  count: number;
  perRule: number;
  /** Findings on the whole corpus when the sample was drawn, per rule. */
  corpusCounts: Record<string, number>;
  /** Findings left out of the draw because the corpus cannot tell (see `corpusCannotTell`), per rule. */
  excluded: Record<string, number>;
  /** The table as first judged, before any rule was changed (kept as is). */
  before: PrecisionRow[] | null;
  /** What the rules changed since `before`, one line each. */
  changes: string[];
  entries: SampleEntry[];
}

/** The key a verdict is carried over by when the sample is drawn again (the corpus never changes). */
export function entryKey(
  e: Pick<SampleEntry, "rule" | "path" | "line" | "column" | "lines" | "message">,
): string {
  return `${e.rule}\u0000${e.path}:${e.line}:${e.column}\u0000${e.lines.join("\n")}\u0000${e.message}`;
}

/**
 * Findings the corpus cannot tell right from wrong: it holds only the
 * Markdown files of its repositories, so every image and every link to a
 * file that is not Markdown (or to a folder) is missing from it.
 */
export function corpusCannotTell(e: Pick<SampleEntry, "rule" | "message">): boolean {
  if (e.rule === "missing-asset") return true;
  if (e.rule !== "broken-link") return false;
  const target = /`([^`]*)`/.exec(e.message)?.[1] ?? "";
  return !/\.md$/i.test(target);
}

/** Precision per rule (sorted by rule id) and a final "all rules" row. */
export function precision(entries: SampleEntry[]): PrecisionRow[] {
  const rows = new Map<string, PrecisionRow>();
  const all: PrecisionRow = { rule: "all rules", right: 0, total: 0, wrongErrors: 0 };
  for (const e of entries) {
    if (e.verdict === null) continue;
    const row = rows.get(e.rule) ?? { rule: e.rule, right: 0, total: 0, wrongErrors: 0 };
    rows.set(e.rule, row);
    for (const r of [row, all]) {
      r.total++;
      if (e.verdict === "right") r.right++;
      else if (e.severity === "error") r.wrongErrors++;
    }
  }
  return [...[...rows.values()].sort((a, b) => (a.rule < b.rule ? -1 : 1)), all];
}

const pct = (r: PrecisionRow | undefined) =>
  r ? `${r.right}/${r.total} (${((100 * r.right) / Math.max(1, r.total)).toFixed(1)}%)` : "-";

function table(before: PrecisionRow[] | null, after: PrecisionRow[]): string[] {
  const rules = [...new Set([...(before ?? []), ...after].map((r) => r.rule))];
  rules.sort((a, b) => (a === "all rules" ? 1 : b === "all rules" ? -1 : a < b ? -1 : 1));
  const out = [
    "| rule | before: right/judged | after: right/judged | wrong at error severity (after) |",
    "| --- | --- | --- | --- |",
  ];
  for (const rule of rules) {
    const b = before?.find((r) => r.rule === rule);
    const a = after.find((r) => r.rule === rule);
    out.push(`| ${rule} | ${pct(b)} | ${pct(a)} | ${a?.wrongErrors ?? 0} |`);
  }
  return out;
}

const cell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, "<br>");
const code = (s: string) => {
  const t = s.replace(/\s+$/, "");
  const fence = "`".repeat(Math.max(1, ...(t.match(/`+/g) ?? []).map((m) => m.length + 1)));
  return t.trim() === "" ? "(blank)" : `${fence} ${cell(t)} ${fence}`;
};

/** The note: the precision table (before and after), then every entry. */
export function renderSample(file: SampleFile): string {
  const after = precision(file.entries);
  const out = [
    "# Precision on a sample of real Markdown",
    "",
    "<!-- Made by `npm run precision:sample -- --render` from sample.json; edit verdicts there. -->",
    "",
    `A seeded random sample (seed ${file.seed}) of ${file.entries.length} findings the rules`,
    "report on `../shared/corpus/markdown-large` (kubernetes/community,",
    "kubernetes/enhancements, rust-lang/book, rust-lang/rfcs; each folder audited",
    'as its own repository with `paths: ["**/*.md"]`, so `preset: auto` picks',
    "Google's style), stratified so that every rule that fires has at least",
    `${file.perRule} findings in it where it has that many. Each is judged as a reviewer`,
    "applying Google's Markdown style guide would: right, wrong or debatable",
    "(counted as wrong). Made with:",
    "",
    "```shell",
    file.command,
    "```",
    "",
    "## Precision",
    "",
    ...table(file.before, after),
    "",
  ];
  if (file.changes.length > 0) {
    out.push("What changed between the two columns:", "");
    for (const c of file.changes) out.push(`- ${c}`);
    out.push("");
  }
  out.push(
    `Findings on the whole corpus, per rule: ${Object.entries(file.corpusCounts)
      .map(([r, n]) => `${r} ${n}`)
      .join(", ")}.`,
    "",
    "Left out of the draw, because the corpus holds only the Markdown files of its",
    "repositories (every image, and every link to a file that is not Markdown or to a",
    `folder, is missing from it whether or not it is in the repository): ${
      Object.entries(file.excluded)
        .map(([r, n]) => `${r} ${n}`)
        .join(", ") || "none"
    }.`,
    "",
    "## The sample",
    "",
    "| # | rule | severity | where | line(s) | message | suggestion | verdict | reason |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const e of file.entries) {
    const lines = e.lines.map(code).join("<br>");
    const sugg = e.suggestion === null ? "-" : e.suggestion.split("\n").map(code).join("<br>");
    out.push(
      `| ${e.n} | ${e.rule} | ${e.severity} | ${cell(e.path)}:${e.line} | ${lines} | ${cell(e.message)} | ${sugg} | ${e.verdict ?? "?"} | ${cell(e.reason)} |`,
    );
  }
  return `${out.join("\n")}\n`;
}
