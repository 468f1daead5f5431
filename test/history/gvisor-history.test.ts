/**
 * Real history of gVisor's g3doc/ (../shared/corpus/gvisor/history): the
 * audit of the newest commit, and the seed commit replayed as a change.
 */
import { expect, test } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { describeCorpus, historyClone, commitFor } from "../helpers/corpus.js";
import { closing, GitChangeSet } from "../../src/cli/changeset-git.js";
import { review } from "../../src/core/engine.js";
import { resolveConfig } from "../../src/config/load.js";

describeCorpus("gVisor g3doc history", () => {
  const clone = historyClone()!;
  const head = () =>
    execFileSync("git", ["rev-parse", "HEAD"], { cwd: clone, encoding: "utf8" }).trim();

  test("audit of the newest commit: no line-length on prose, no missing asset", async () => {
    const cs = await GitChangeSet.create(clone, null, head());
    const r = await closing(cs, () => review(cs, resolveConfig({}), { mode: "all" }));
    expect(r.docs.length).toBe(50);
    expect(r.findings.filter((f) => f.rule === "line-length")).toEqual([]);
    expect(r.findings.filter((f) => f.rule === "missing-asset")).toEqual([]);
  });

  test("the seed commit 420b791a3d replayed as a change reports no asset finding", async () => {
    const seed = commitFor(clone, "420b791a3d");
    const parent = execFileSync("git", ["rev-parse", `${seed}^`], {
      cwd: clone,
      encoding: "utf8",
    }).trim();
    const cs = await GitChangeSet.create(clone, parent, seed);
    expect(
      cs.files.some(
        (f) => f.path === "g3doc/architecture_guide/security.png" && f.status === "added",
      ),
    ).toBe(true);
    const r = await closing(cs, () => review(cs, resolveConfig({}), { mode: "change" }));
    expect(r.docs).toContain("g3doc/architecture_guide/security.md");
    const assetRules = new Set(["missing-asset", "undeclared-asset", "asset-path", "build-data"]);
    expect(r.findings.filter((f) => assetRules.has(f.rule))).toEqual([]);
    expect(
      r.findings.filter(
        (f) => f.path === "g3doc/architecture_guide/security.md" && f.rule === "line-length",
      ),
    ).toEqual([]);
  });
});
