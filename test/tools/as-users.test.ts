/**
 * The command-vs-markdownlint-cli2 measurement of `npm run bench:engine`:
 * both tools run as processes on a real git repository, and their figures
 * and finding counts come from what they did.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  commitAll,
  measureAsUsers,
  summarizeRuns,
  writeConfigs,
  type AsUsers,
} from "../../tools/bench/as-users.js";
import { parseArgs } from "../../tools/bench/engine.js";
import { median } from "../../tools/bench/stats.js";

describe("bench:engine as users run it", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "as-users-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("times both tools on one repository and counts each one's findings", () => {
    const repo = join(dir, "repo");
    mkdirSync(join(repo, "docs"), { recursive: true });
    const long = `${"A sentence that goes on and on ".repeat(4).trim()}.`;
    writeFileSync(join(repo, "docs", "a.md"), `# A\n\n${long}\n\nShort line.\n`);
    writeFileSync(join(repo, "docs", "b.md"), "# B\n\nFine.\n");
    writeConfigs(repo);
    commitAll(repo);
    const out = join(dir, "out");
    mkdirSync(out);
    const r = measureAsUsers(repo, out);
    // The one line over 80 columns: line-length for us, MD013 for markdownlint.
    expect(long.length).toBeGreaterThan(80);
    expect(r.command.findings).toBeGreaterThanOrEqual(1);
    expect(r.markdownlint.findings).toBe(1);
    for (const t of [r.command, r.markdownlint]) {
      expect(t.ms).toBeGreaterThan(0);
      expect(t.peak_rss_mb).toBeGreaterThan(10);
      expect(t.output_bytes).toBeGreaterThan(0);
      expect([0, 1]).toContain(t.exit);
    }
  });
});

describe("bench:engine --runs", () => {
  const run = (ours: number, theirs: number, rss: number): AsUsers => ({
    command: {
      ms: ours,
      cpu_ms: ours * 2,
      peak_rss_mb: rss,
      exit: 1,
      output_bytes: 10,
      findings: 7,
    },
    markdownlint: {
      ms: theirs,
      cpu_ms: theirs,
      peak_rss_mb: 200,
      exit: 1,
      output_bytes: 5,
      findings: 3,
    },
  });

  it("reports the median of the pairs' ratios, median times and the largest peak RSS", () => {
    // A slow pair (the machine slowed down for both) and an outlier ratio do not move the medians.
    const r = summarizeRuns([run(100, 80, 400), run(300, 240, 420), run(90, 50, 410)]);
    expect(r.ratios).toEqual([1.25, 1.25, 1.8]);
    expect(r.vs_markdownlint).toBe(1.25);
    expect(r.command).toEqual({ ms: 100, cpu_ms: 200, peak_rss_mb: 420, findings: 7 });
    expect(r.markdownlint).toEqual({ ms: 80, cpu_ms: 80, peak_rss_mb: 200, findings: 3 });
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => summarizeRuns([])).toThrow("no runs");
  });

  it("takes --runs N from 1 to 20", () => {
    expect(parseArgs([]).runs).toBe(1);
    expect(parseArgs(["--runs", "3"]).runs).toBe(3);
    expect(parseArgs(["--runs=5", "--only", "large"])).toMatchObject({ runs: 5, only: "large" });
    for (const bad of ["0", "2.5", "x", "21"])
      expect(() => parseArgs(["--runs", bad])).toThrow("--runs takes a whole number");
  });
});
