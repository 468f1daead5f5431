/**
 * `fix` applies exactly what `check` reports: on gVisor's g3doc tree at its
 * newest commit (an audit) and on every commit of its history that touches
 * Markdown (each as a change from its parent), fix changes no line that
 * check did not report, check on the fixed text reports no finding that
 * carries a suggestion, and the fixed docs parse to the same Markdown except
 * where a finding's fix is meant to change what they say.
 */
import { expect, test } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { describeCorpus, historyClone } from "../helpers/corpus.js";
import { markdownCommits } from "../e2e/harness/paths.js";
import { closing, GitChangeSet } from "../../src/cli/changeset-git.js";
import { readCliConfig } from "../../src/cli/config.js";
import { checkFixAgreement } from "../helpers/fix-agreement.js";

const show = (xs: { path: string; line: number; rule: string; message: string }[]) =>
  xs.map((f) => `${f.path}:${f.line} ${f.rule}: ${f.message.slice(0, 80)}`);

describeCorpus("fix agrees with check on gVisor's docs", () => {
  const clone = historyClone()!;

  test("the newest commit, audited: fix --all, then check --all", async () => {
    const head = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: clone,
      encoding: "utf8",
    }).trim();
    const cs = await GitChangeSet.create(clone, null, head);
    const a = await closing(cs, async () =>
      checkFixAgreement(cs, await readCliConfig(cs, undefined), "all"),
    );
    expect(a.fixedDocs).toBeGreaterThan(5);
    expect(a.unreported).toEqual([]);
    expect(show(a.leftWithSuggestion)).toEqual([]);
    expect(a.meaningDifferences).toEqual([]);
  });

  test("every history commit that touches Markdown, as a change from its parent", async () => {
    const commits = markdownCommits(clone);
    expect(commits.length).toBeGreaterThanOrEqual(200);
    const unreported: string[] = [];
    const left: string[] = [];
    const meaning: string[] = [];
    let fixedDocs = 0;
    for (const c of commits) {
      const cs = await GitChangeSet.create(clone, c.parent, c.sha);
      const a = await closing(cs, async () =>
        checkFixAgreement(cs, await readCliConfig(cs, undefined), "change"),
      );
      fixedDocs += a.fixedDocs;
      unreported.push(...a.unreported.map((u) => `${c.sha.slice(0, 10)} ${u}`));
      left.push(...show(a.leftWithSuggestion).map((u) => `${c.sha.slice(0, 10)} ${u}`));
      meaning.push(...a.meaningDifferences.map((u) => `${c.sha.slice(0, 10)} ${u}`));
    }
    expect(fixedDocs).toBeGreaterThan(20);
    expect(unreported).toEqual([]);
    expect(left).toEqual([]);
    expect(meaning).toEqual([]);
  }, 600_000);
});
