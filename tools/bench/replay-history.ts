/**
 * `npm run replay:history`: replays every non-merge commit of gVisor's g3doc
 * history that touches Markdown as a change (base = first parent) and counts
 * the findings per rule. `--samples N` prints N findings of each rule to read,
 * `--json FILE` writes the counts, `--rule ID` shows only that rule's samples.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { closing, GitChangeSet } from "../../src/cli/changeset-git.js";
import { review } from "../../src/core/engine.js";
import { resolveConfig } from "../../src/config/load.js";
import type { Finding } from "../../src/core/finding.js";
import { sharedDir } from "../paths.js";

const BUNDLE = resolve(sharedDir(), "corpus", "gvisor", "history", "g3doc-history.bundle");

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  if (!existsSync(BUNDLE)) {
    console.log(`skipped: ${BUNDLE} is absent`);
    return;
  }
  const samples = Number(arg("--samples") ?? 0);
  const onlyRule = arg("--rule");
  const jsonFile = arg("--json");
  const dir = mkdtempSync(join(tmpdir(), "g3doc-review-replay-"));
  execFileSync("git", ["clone", "-q", BUNDLE, dir]);
  const git = (...a: string[]) =>
    execFileSync("git", a, { cwd: dir, encoding: "utf8", maxBuffer: 64 << 20 });
  const commits = git("log", "--reverse", "--no-merges", "--format=%H", "--", "*.md")
    .trim()
    .split("\n")
    .filter(Boolean);
  const config = resolveConfig({});
  const perRule = new Map<string, number>();
  const perRuleCommits = new Map<string, number>();
  const sampleList = new Map<string, { commit: string; f: Finding }[]>();
  let reviewed = 0;
  let totalMs = 0;
  for (const c of commits) {
    const parents = git("rev-list", "--parents", "-n", "1", c).trim().split(" ").slice(1);
    if (parents.length === 0) continue;
    const cs = await GitChangeSet.create(dir, parents[0], c);
    const t0 = performance.now();
    const r = await closing(cs, () => review(cs, config, { mode: "change" }));
    totalMs += performance.now() - t0;
    reviewed++;
    const seen = new Set<string>();
    for (const f of r.findings) {
      perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
      if (!seen.has(f.rule)) perRuleCommits.set(f.rule, (perRuleCommits.get(f.rule) ?? 0) + 1);
      seen.add(f.rule);
      const list = sampleList.get(f.rule) ?? [];
      list.push({ commit: c, f });
      sampleList.set(f.rule, list);
    }
  }
  console.log(
    `${reviewed} commits replayed (${commits.length} non-merge commits touch Markdown), engine ${Math.round(totalMs)} ms in all`,
  );
  console.log("rule                 findings  commits");
  for (const [rule, n] of [...perRule].sort((a, b) => b[1] - a[1]))
    console.log(
      `${rule.padEnd(20)} ${String(n).padStart(8)}  ${String(perRuleCommits.get(rule)).padStart(7)}`,
    );
  if (samples > 0) {
    for (const [rule, list] of sampleList) {
      if (onlyRule && rule !== onlyRule) continue;
      console.log(`\n## ${rule}`);
      const step = Math.max(1, Math.floor(list.length / samples));
      for (let i = 0; i < list.length && i / step < samples; i += step) {
        const { commit, f } = list[i];
        console.log(`${commit.slice(0, 10)} ${f.path}:${f.line}:${f.column} ${f.message}`);
        console.log(`    > ${(f.lineText ?? "").slice(0, 160)}`);
        if (f.suggestion !== null)
          console.log(`    suggestion: ${f.suggestion.split("\n").join(" / ").slice(0, 200)}`);
      }
    }
  }
  if (jsonFile)
    writeFileSync(
      jsonFile,
      JSON.stringify(
        {
          commits: reviewed,
          perRule: Object.fromEntries(perRule),
          perRuleCommits: Object.fromEntries(perRuleCommits),
        },
        null,
        2,
      ),
    );
  rmSync(dir, { recursive: true, force: true });
}

await main();
