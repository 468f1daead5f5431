/**
 * `npm run precision:sample`: a seeded random sample of the findings the
 * rules report on the markdown-large corpus (four real repositories that are
 * not g3doc: kubernetes/community, kubernetes/enhancements, rust-lang/book,
 * rust-lang/rfcs), to judge each one by hand.
 *
 * Each repository is audited on its own (its folder is the repository root),
 * with `paths: ["**\/*.md"]` and no other setting, so the house style is the
 * one `preset: auto` picks there (Google's). All findings are pooled and
 * shuffled with a fixed seed; the first N (default 200) are printed as the
 * rows of a Markdown table, to which a verdict (right, wrong, debatable) and
 * its reason are added by hand. `--counts` prints only the count per rule
 * (about 7 minutes on 2 cores for the 2,787 docs).
 *
 *   node lib-tools/tools/precision/sample.js [--seed N] [--count N] [--counts]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { review } from "../../src/core/engine.js";
import { resolveConfig } from "../../src/config/load.js";
import { TextChangeSet } from "../../src/core/fix/apply.js";
import type { Finding } from "../../src/core/finding.js";
import { sharedDir } from "../paths.js";

const TARBALL = join(sharedDir(), "corpus", "markdown-large", "markdown-large.tar.xz");

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** mulberry32: a small seeded generator, so the sample is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function files(dir: string, root = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, root));
    else if (e.name.endsWith(".md")) out.push(relative(root, p).split(sep).join("/"));
  }
  return out.sort();
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\s+/g, " ").slice(0, 110);

async function main(): Promise<void> {
  if (!existsSync(TARBALL)) {
    console.log(`skipped: ${TARBALL} is absent`);
    return;
  }
  const seed = arg("--seed", 12);
  const count = arg("--count", 200);
  const dir = mkdtempSync(join(tmpdir(), "g3doc-review-precision-"));
  try {
    execFileSync("tar", ["-xJf", TARBALL, "-C", dir]);
    const all: { repo: string; f: Finding }[] = [];
    const config = resolveConfig({ paths: ["**/*.md"] });
    for (const repo of readdirSync(dir).sort()) {
      const root = join(dir, repo);
      const texts = new Map(files(root).map((p) => [p, readFileSync(join(root, p), "utf8")]));
      const r = await review(new TextChangeSet(texts), config, { mode: "all" });
      for (const f of r.findings) all.push({ repo, f });
    }
    const perRule = new Map<string, number>();
    for (const { f } of all) perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
    console.log(
      `${all.length} findings: ${[...perRule]
        .sort((a, b) => b[1] - a[1])
        .map(([r, n]) => `${r} ${n}`)
        .join(", ")}`,
    );
    if (process.argv.includes("--counts")) return;
    const next = random(seed);
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [all[i], all[j]] = [all[j], all[i]];
    }
    console.log("| # | rule | severity | where | message | line |");
    console.log("| --- | --- | --- | --- | --- | --- |");
    all.slice(0, count).forEach(({ repo, f }, i) => {
      console.log(
        `| ${i + 1} | ${f.rule} | ${f.severity} | ${repo}/${f.path}:${f.line} | ${cell(f.message)} | \`${cell(f.lineText ?? "").replace(/`/g, "'")}\` |`,
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
