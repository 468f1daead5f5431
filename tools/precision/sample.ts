/**
 * `npm run precision:sample`: a seeded random sample of the findings the
 * rules report on the markdown-large corpus (four real repositories that are
 * not g3doc: kubernetes/community, kubernetes/enhancements, rust-lang/book,
 * rust-lang/rfcs), to judge each one by hand.
 *
 * Each repository is audited on its own (its folder is the repository root),
 * with `paths: ["**\/*.md"]` and no other setting, so the house style is the
 * one `preset: auto` picks there (Google's). Every finding gets a rank from a
 * hash of the seed and the finding's content (rule, path, lines, message), so
 * that drawing again after a rule changed keeps every finding that is still
 * reported in the same order. Images and links to files that are not
 * Markdown are left out: the corpus holds only Markdown files, so it cannot
 * tell whether they exist. The sample is the first `--per-rule` findings
 * of every rule (all of them when it has fewer), then the next ones in rank
 * order up to `--count`.
 *
 *   node lib-tools/tools/precision/sample.js [--seed N] [--count N] [--per-rule N]
 *        [--counts] [--out FILE.json] [--render FILE.json] [--keep DIR]
 *
 * - `--counts`: print only the count per rule (about 7 minutes on 2 cores).
 * - `--out FILE.json`: write the sample there, carrying over the verdicts of
 *   entries that are still sampled, and the note (FILE.md) beside it.
 *   Without it, the sample is printed as a Markdown table.
 * - `--render FILE.json`: only make FILE.md again from FILE.json.
 * - `--keep DIR`: unpack the corpus into DIR and keep it (to read context).
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { review } from "../../src/core/engine.js";
import { resolveConfig } from "../../src/config/load.js";
import { TextChangeSet } from "../../src/core/fix/apply.js";
import type { Finding } from "../../src/core/finding.js";
import { mdFiles, sharedDir } from "../paths.js";
import {
  corpusCannotTell,
  entryKey,
  renderSample,
  type SampleEntry,
  type SampleFile,
} from "./verdicts.js";

const TARBALL = join(sharedDir(), "corpus", "markdown-large", "markdown-large.tar.xz");

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function argText(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** FNV-1a 32-bit of the seed and a text: the finding's rank in the sample order. */
function rank(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // A final avalanche, so that near-equal texts do not rank together.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

/** Every finding on the corpus as a sample entry (not yet judged). */
async function audit(dir: string): Promise<SampleEntry[]> {
  const all: SampleEntry[] = [];
  const config = resolveConfig({ paths: ["**/*.md"] });
  for (const repo of readdirSync(dir).sort()) {
    const root = join(dir, repo);
    const texts = new Map(mdFiles(root).map((p) => [p, readFileSync(join(root, p), "utf8")]));
    const r = await review(new TextChangeSet(texts), config, { mode: "all" });
    for (const f of r.findings) all.push(entry(repo, f, texts.get(f.path) ?? ""));
  }
  return all;
}

function entry(repo: string, f: Finding, text: string): SampleEntry {
  const docLines = text.split("\n");
  return {
    n: 0,
    rule: f.rule,
    severity: f.severity,
    path: `${repo}/${f.path}`,
    line: f.line,
    endLine: f.endLine,
    column: f.column,
    lines: docLines.slice(f.line - 1, Math.max(f.line, f.endLine)),
    message: f.message,
    suggestion: f.suggestion,
    verdict: null,
    reason: "",
  };
}

/** The first `perRule` of every rule in rank order, then the next ones up to `count`. */
function draw(all: SampleEntry[], seed: number, count: number, perRule: number): SampleEntry[] {
  const ranked = all
    .map((e) => ({ e, r: rank(seed, entryKey(e)) }))
    .sort((a, b) => a.r - b.r || (entryKey(a.e) < entryKey(b.e) ? -1 : 1))
    .map((x) => x.e);
  const taken = new Set<SampleEntry>();
  const perRuleTaken = new Map<string, number>();
  for (const e of ranked) {
    const n = perRuleTaken.get(e.rule) ?? 0;
    if (n < perRule) {
      taken.add(e);
      perRuleTaken.set(e.rule, n + 1);
    }
  }
  for (const e of ranked) {
    if (taken.size >= count) break;
    taken.add(e);
  }
  const out = ranked.filter((e) => taken.has(e));
  out.forEach((e, i) => (e.n = i + 1));
  return out;
}

function counts(all: SampleEntry[]): Record<string, number> {
  const perRule = new Map<string, number>();
  for (const e of all) perRule.set(e.rule, (perRule.get(e.rule) ?? 0) + 1);
  return Object.fromEntries([...perRule].sort((a, b) => b[1] - a[1]));
}

function write(
  out: string,
  sample: SampleEntry[],
  corpusCounts: Record<string, number>,
  excluded: Record<string, number>,
): void {
  const seed = arg("--seed", 12);
  const old: SampleFile | null = existsSync(out) ? JSON.parse(readFileSync(out, "utf8")) : null;
  const verdicts = new Map((old?.entries ?? []).map((e) => [entryKey(e), e]));
  for (const e of sample) {
    const was = verdicts.get(entryKey(e));
    if (was) [e.verdict, e.reason] = [was.verdict, was.reason];
  }
  const file: SampleFile = {
    command: `npm run precision:sample -- --seed ${seed} --count ${arg("--count", 200)} --per-rule ${arg("--per-rule", 5)} --out ${out}`,
    seed,
    count: arg("--count", 200),
    perRule: arg("--per-rule", 5),
    corpusCounts,
    excluded,
    before: old?.before ?? null,
    changes: old?.changes ?? [],
    entries: sample,
  };
  writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
  writeFileSync(out.replace(/\.json$/, ".md"), renderSample(file));
  const open = sample.filter((e) => e.verdict === null).length;
  console.log(`wrote ${out} (${sample.length} entries, ${open} without a verdict)`);
}

async function main(): Promise<void> {
  const render = argText("--render");
  if (render) {
    writeFileSync(
      render.replace(/\.json$/, ".md"),
      renderSample(JSON.parse(readFileSync(render, "utf8"))),
    );
    return;
  }
  if (!existsSync(TARBALL)) {
    console.log(`skipped: ${TARBALL} is absent`);
    return;
  }
  const keep = argText("--keep");
  const dir = keep ?? mkdtempSync(join(tmpdir(), "g3doc-review-precision-"));
  try {
    if (keep) mkdirSync(keep, { recursive: true });
    execFileSync("tar", ["-xJf", TARBALL, "-C", dir]);
    const all = await audit(dir);
    const perRule = counts(all);
    console.log(
      `${all.length} findings: ${Object.entries(perRule)
        .map(([r, n]) => `${r} ${n}`)
        .join(", ")}`,
    );
    if (process.argv.includes("--counts")) return;
    const judgeable = all.filter((e) => !corpusCannotTell(e));
    const excluded = counts(all.filter((e) => corpusCannotTell(e)));
    const sample = draw(judgeable, arg("--seed", 12), arg("--count", 200), arg("--per-rule", 5));
    const out = argText("--out");
    if (out) return write(out, sample, perRule, excluded);
    console.log("| # | rule | severity | where | message | line |");
    console.log("| --- | --- | --- | --- | --- | --- |");
    const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\s+/g, " ").slice(0, 110);
    for (const e of sample)
      console.log(
        `| ${e.n} | ${e.rule} | ${e.severity} | ${e.path}:${e.line} | ${cell(e.message)} | \`${cell(e.lines[0] ?? "").replace(/`/g, "'")}\` |`,
      );
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
