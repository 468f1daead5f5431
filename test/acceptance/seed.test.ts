/**
 * The seed scenario the project ships (examples/seed-420b791a3d: gVisor
 * commit 420b791a3d's security.md and BUILD, before and after), reviewed as a
 * change from a real git repository.
 */
import { describe, test, expect, afterAll } from "@jest/globals";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildSeedRepo, SEED_DIR } from "../../tools/demo/seed.js";
import { closing, GitChangeSet } from "../../src/cli/changeset-git.js";
import { review } from "../../src/core/engine.js";
import { resolveConfig } from "../../src/config/load.js";
import { execFileSync } from "node:child_process";

const DOC = "g3doc/architecture_guide/security.md";
const repos: string[] = [];
afterAll(() => repos.forEach((r) => rmSync(r, { recursive: true, force: true })));

async function reviewSeed(opts: Parameters<typeof buildSeedRepo>[0]) {
  const repo = await buildSeedRepo(opts);
  repos.push(repo);
  const rev = (r: string) =>
    execFileSync("git", ["rev-parse", r], { cwd: repo, encoding: "utf8" }).trim();
  const cs = await GitChangeSet.create(repo, rev("HEAD~1"), rev("HEAD"));
  return closing(cs, () => review(cs, resolveConfig({}), { mode: "change" }));
}

describe("seed scenario (gVisor 420b791a3d)", () => {
  const headDoc = readFileSync(join(SEED_DIR, "head", DOC), "utf8");
  const imageLine =
    headDoc.split("\n").indexOf('![Threat model](security.png "Threat model.")') + 1;

  test("the image line is where the fixture says", () => {
    expect(imageLine).toBe(89);
  });

  test("with security.png at head: no missing-asset", async () => {
    const r = await reviewSeed({ withImage: true });
    expect(r.docs).toContain(DOC);
    expect(r.findings.filter((f) => f.rule === "missing-asset")).toEqual([]);
  });

  test("without it: exactly one missing-asset error, on the image line", async () => {
    const r = await reviewSeed({ withImage: false });
    const missing = r.findings.filter((f) => f.rule === "missing-asset");
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({
      path: DOC,
      line: imageLine,
      severity: "error",
      changed: true,
    });
    expect(missing[0].message).toContain("g3doc/architecture_guide/security.png");
  });

  test("the rewrapped paragraphs give no line-length", async () => {
    const r = await reviewSeed({ withImage: true });
    expect(r.findings.filter((f) => f.rule === "line-length")).toEqual([]);
  });

  test('"user space" on an added line: one terminology finding whose suggestion is that line with "userspace"', async () => {
    const added = "The sandbox keeps the user space support code small.";
    const lines = headDoc.split("\n");
    lines.splice(imageLine + 1, 0, added, "");
    const r = await reviewSeed({ withImage: true, replaceHead: { [DOC]: lines.join("\n") } });
    const terms = r.findings.filter((f) => f.rule === "terminology");
    expect(terms).toHaveLength(1);
    expect(terms[0]).toMatchObject({
      path: DOC,
      line: imageLine + 2,
      changed: true,
      suggestion: "The sandbox keeps the userspace support code small.",
    });
  });
});
