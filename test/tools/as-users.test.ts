/**
 * The command-vs-markdownlint-cli2 measurement of `npm run bench:engine`:
 * both tools run as processes on a real git repository, and their figures
 * and finding counts come from what they did.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commitAll, measureAsUsers, writeConfigs } from "../../tools/bench/as-users.js";

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
