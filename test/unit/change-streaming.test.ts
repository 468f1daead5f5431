/**
 * A change review past KEEP_PARSED_CHARS drops each doc's tree once its
 * anchors and links were taken, and parses the doc again for its rules. The
 * review must be the same as with every tree kept: findings (with their
 * suggestions), notes and docs, on a made-up change with links across docs
 * and a removed anchor, and on gVisor's history. The second way also lets
 * the files' patches go once the setup is made (ReviewOptions.onSetup).
 */
import { describe, expect, test } from "@jest/globals";
import { execFileSync } from "node:child_process";
import {
  review,
  KEEP_DOC_CHARS,
  KEEP_PARSED_CHARS,
  type ReviewOptions,
} from "../../src/core/engine.js";
import { resolveConfig } from "../../src/config/load.js";
import { GitChangeSet } from "../../src/cli/changeset-git.js";
import type { ChangeSet } from "../../src/core/changeset.js";
import { MemoryChangeSet } from "../helpers/memory-changeset.js";
import { describeCorpus, historyClone } from "../helpers/corpus.js";

async function bothWays(make: () => Promise<ChangeSet> | ChangeSet) {
  const config = resolveConfig({});
  const steps: string[] = [];
  const opts = (keep: number): ReviewOptions => ({
    mode: "change",
    keepParsedChars: keep,
    onStep: keep === 0 ? (step, path) => steps.push(`${step} ${path ?? ""}`) : undefined,
  });
  const kept = await review(await make(), config, opts(Number.MAX_SAFE_INTEGER));
  // And the patches let go once the setup is made (as the app's review worker does).
  const csDropped = await make();
  const dropped = await review(csDropped, config, {
    ...opts(0),
    onSetup: () => {
      for (const f of csDropped.files) f.patch = null;
    },
  });
  const view = (r: typeof kept) => ({
    findings: r.findings,
    all: r.allFindings,
    notes: r.notes,
    docs: r.docs,
    impact: r.impactDocs,
    suppressed: r.suppressed,
  });
  return { kept: view(kept), dropped: view(dropped), steps };
}

const BASE = {
  "runsc/main.go": "package main\n",
  "pkg/sentry/kernel/kernel.go": "package kernel\n",
  "g3doc/index.md": "# Index\n\n## Setup\n\nSee [usage](usage.md#run-it).\n",
  "g3doc/usage.md": "# Usage\n\n## Run it\n\nText.\n",
  "g3doc/other.md": "# Other\n\nBack to [setup](index.md#setup).\n",
};

const HEAD = {
  "runsc/main.go": "package main\n",
  "pkg/sentry/kernel/kernel.go": "package kernel\n",
  // The anchor `setup` is gone: other.md, untouched, now points at nothing.
  "g3doc/index.md":
    "# Index\n\n## Install\n\nSee [usage](usage.md#run-it) and [gone](usage.md#nowhere).\n\n* one\n* two\n",
  "g3doc/usage.md":
    "# Usage\n\n## Run it\n\nThe user space part, [back](index.md#install), [bad](index.md#setup).\n",
  "g3doc/other.md": "# Other\n\nBack to [setup](index.md#setup).\n",
  "g3doc/new.md": "# New\n\n# Second title\n\n```\ncode\n```\n\n[later](usage.md#run-it)\n",
};

describe("change review with trees dropped", () => {
  test("the same review as with every tree kept, on a change with links across docs", async () => {
    const { kept, dropped, steps } = await bothWays(() => new MemoryChangeSet(BASE, HEAD));
    expect(kept.findings.length).toBeGreaterThan(3);
    expect(kept.impact).toEqual(["g3doc/other.md"]);
    expect(kept.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(["broken-anchor", "terminology"]),
    );
    expect(dropped).toEqual(kept);
    // A doc the change added was parsed twice: once read, once for its rules.
    expect(steps.filter((s) => s === "parse g3doc/new.md")).toHaveLength(2);
  });

  test("a doc of KEEP_DOC_CHARS or more keeps its tree whatever the budget (parsed once)", async () => {
    const big = `# Big\n\n${"A line of prose with words.\n".repeat(Math.ceil(KEEP_DOC_CHARS / 27))}`;
    expect(big.length).toBeGreaterThanOrEqual(KEEP_DOC_CHARS);
    const steps: string[] = [];
    await review(new MemoryChangeSet(BASE, { ...HEAD, "g3doc/big.md": big }), resolveConfig({}), {
      mode: "change",
      keepParsedChars: 0,
      onStep: (step, path) => steps.push(`${step} ${path ?? ""}`),
    });
    expect(steps.filter((s) => s === "parse g3doc/big.md")).toHaveLength(1);
    expect(steps.filter((s) => s === "parse g3doc/new.md")).toHaveLength(2);
  });

  test("small changes keep their trees (parsed once)", async () => {
    expect(KEEP_PARSED_CHARS).toBeGreaterThan(100_000);
    const steps: string[] = [];
    await review(new MemoryChangeSet(BASE, HEAD), resolveConfig({}), {
      mode: "change",
      onStep: (step, path) => steps.push(`${step} ${path ?? ""}`),
    });
    expect(steps.filter((s) => s === "parse g3doc/new.md")).toHaveLength(1);
  });
});

describeCorpus("change review with trees dropped, on gVisor's history", () => {
  test("every 8th commit that touches Markdown: the same review both ways", async () => {
    const clone = historyClone()!;
    const log = execFileSync(
      "git",
      ["log", "--reverse", "--no-merges", "--format=%H %P", "--", "*.md"],
      { cwd: clone, encoding: "utf8" },
    )
      .split("\n")
      .filter((l) => l.split(" ").length === 2);
    let compared = 0;
    let findings = 0;
    for (let i = 0; i < log.length; i += 8) {
      const [sha, parent] = log[i].split(" ");
      const { kept, dropped } = await bothWays(() => GitChangeSet.create(clone, parent, sha));
      expect({ sha, ...dropped }).toEqual({ sha, ...kept });
      compared++;
      findings += kept.all.length;
    }
    expect(compared).toBeGreaterThan(20);
    expect(findings).toBeGreaterThan(40);
  }, 300_000);
});
