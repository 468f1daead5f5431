/**
 * The command presents findings as the app does: two suggestions over the
 * same line (a term to replace in a line that is also too long) become one
 * suggestion over the union of their lines, in json, rdjson and sarif alike,
 * and equal to what the app would post; the other finding is still reported.
 * (gVisor's preset, whose terms include "userspace".)
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { makeRepo, removeAll, runCli } from "./run-cli.js";
import { lintDoc } from "../helpers/lint.js";
import { mergeOverlapping } from "../../src/core/present/merge-overlapping.js";

const DOC = [
  "# Title",
  "",
  "The Sentry runs in user space, and this sentence goes on long enough to pass the limit",
  "of eighty columns by a few words.",
  "",
].join("\n");

const temps: string[] = [];
afterAll(() => removeAll(temps));

describe("overlapping suggestions in the command's output", () => {
  const repo = makeRepo({ "g3doc/doc.md": DOC, ".github/g3doc-review.yml": "preset: gvisor\n" });
  temps.push(repo);

  test("the engine reports two suggestions on line 3 (the case this is about)", async () => {
    const fs = (await lintDoc(DOC, { config: { preset: "gvisor" } })).filter(
      (f) => f.suggestion !== null,
    );
    expect(fs.filter((f) => f.line <= 3 && f.endLine >= 3).length).toBeGreaterThanOrEqual(2);
  });

  test("json: one suggestion over the union, the same the app would post; no overlap left", async () => {
    const r = runCli(["check", "--all", "--format", "json"], repo);
    const out = JSON.parse(r.stdout) as {
      findings: { rule: string; line: number; endLine: number; suggestion: string | null }[];
    };
    const withSuggestion = out.findings.filter((f) => f.suggestion !== null);
    for (const a of withSuggestion)
      for (const b of withSuggestion)
        if (a !== b) expect(a.line > b.endLine || b.line > a.endLine).toBe(true);
    const app = mergeOverlapping(
      await lintDoc(DOC, { config: { preset: "gvisor" } }),
      new Map([["g3doc/doc.md", DOC]]),
      80,
    );
    expect(withSuggestion.map((f) => [f.rule, f.line, f.endLine, f.suggestion])).toEqual(
      app.findings
        .filter((f) => f.suggestion !== null)
        .map((f) => [f.rule, f.line, f.endLine, f.suggestion]),
    );
    expect(withSuggestion.some((f) => f.suggestion!.includes("userspace"))).toBe(true);
    // Every finding is still there.
    expect(out.findings.map((f) => f.rule).sort()).toEqual(
      (await lintDoc(DOC, { config: { preset: "gvisor" } })).map((f) => f.rule).sort(),
    );
  });

  test("rdjson and sarif carry the same single suggestion", () => {
    const json = JSON.parse(runCli(["check", "--all", "--format", "json"], repo).stdout) as {
      findings: { suggestion: string | null }[];
    };
    const texts = json.findings.filter((f) => f.suggestion !== null).map((f) => f.suggestion);
    const rdjson = JSON.parse(runCli(["check", "--all", "--format", "rdjson"], repo).stdout) as {
      diagnostics: { suggestions?: { text: string }[] }[];
    };
    const sarif = JSON.parse(runCli(["check", "--all", "--format", "sarif"], repo).stdout) as {
      runs: {
        results: {
          fixes?: {
            artifactChanges: { replacements: { insertedContent: { text: string } }[] }[];
          }[];
        }[];
      }[];
    };
    // rdjson replaces whole lines, their line breaks included.
    const fromRdjson = rdjson.diagnostics.flatMap((d) =>
      (d.suggestions ?? []).map((x) => x.text.replace(/\n$/, "")),
    );
    const fromSarif = sarif.runs[0]!.results.flatMap((r) =>
      (r.fixes ?? []).flatMap((f) =>
        f.artifactChanges.flatMap((c) => c.replacements.map((x) => x.insertedContent.text)),
      ),
    );
    expect(texts.length).toBeGreaterThan(0);
    expect(fromRdjson).toEqual(texts);
    expect(fromSarif).toEqual(texts);
  });
});

/** 40 list items, each with a term to replace in a line that is too long: 40 groups whose merge re-parses. */
const LIST = [
  "# Title",
  "",
  ...Array.from({ length: 40 }, (_, i) => [
    `*   Item ${i} runs in user space and this sentence goes on long enough to pass the limit of eighty`,
    "    columns by a few words.",
    "",
  ]).flat(),
].join("\n");

describe("the command's bound on re-parsing is the app's", () => {
  const repo = makeRepo({ "g3doc/list.md": LIST, ".github/g3doc-review.yml": "preset: gvisor\n" });
  temps.push(repo);

  test("merges cost far more than the doc's size; every group is merged, as in the review", async () => {
    const found = await lintDoc(LIST, { path: "g3doc/list.md", config: { preset: "gvisor" } });
    const app = mergeOverlapping(found, new Map([["g3doc/list.md", LIST]]), 80);
    // Each group is charged the doc twice: 40 of them cost 80 times the doc (64 KB or the docs' size bounded it before).
    expect(app.reparsed).toBeGreaterThanOrEqual(80 * LIST.length);
    expect(app.reparsed).toBeGreaterThan(65_536);
    const out = JSON.parse(runCli(["check", "--all", "--format", "json"], repo).stdout) as {
      findings: { rule: string; line: number; endLine: number; suggestion: string | null }[];
    };
    const withSuggestion = out.findings.filter((f) => f.suggestion !== null);
    expect(withSuggestion).toHaveLength(40);
    expect(withSuggestion.every((f) => f.suggestion!.includes("userspace"))).toBe(true);
    expect(withSuggestion.map((f) => [f.rule, f.line, f.endLine, f.suggestion])).toEqual(
      app.findings
        .filter((f) => f.suggestion !== null)
        .map((f) => [f.rule, f.line, f.endLine, f.suggestion]),
    );
  });
});
