/**
 * `npm run fix:consistency` on small projects written here: its numbers come
 * from fixing and checking them, it fails when fix and check disagree, and
 * the meaning check finds a block that changed away from the findings.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runConsistency, summarize, type ProjectResult } from "../../tools/fix/consistency.js";
import { meaningOutside } from "../../tools/fix/agreement.js";

const long = `${"A sentence that goes on and on ".repeat(4).trim()}.`;

describe("fix:consistency", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "fix-consistency-"));
    mkdirSync(join(dir, "messy", "docs"), { recursive: true });
    mkdirSync(join(dir, "clean"));
    writeFileSync(
      join(dir, "messy", "docs", "a.md"),
      `# A\n\n${long}\nMore text.   \n\nInstall\n-------\n\n* one\n* two\n\nSee [x].\n\n[x]: https://x.dev\n[unused]: https://y.dev\n`,
    );
    writeFileSync(join(dir, "messy", "b.md"), "# B\n\n##Run\n\nFine.");
    writeFileSync(join(dir, "clean", "c.md"), "# C\n\nFine.\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("fixes each project and finds fix and check agreeing, with the numbers per project", async () => {
    const out: string[] = [];
    expect(await runConsistency(["--dir", dir], (s) => out.push(s))).toBe(0);
    const row = (name: string) =>
      out
        .find((l) => l.startsWith(name))!
        .trim()
        .split(/\s+/);
    // name, docs, findings, fixed, unreported, left, meaning, seconds
    expect(row("messy").slice(1, 7).map(Number)).toEqual([2, expect.any(Number), 2, 0, 0, 0]);
    expect(Number(row("messy")[2])).toBeGreaterThanOrEqual(6);
    expect(row("clean").slice(1, 7).map(Number)).toEqual([1, 0, 0, 0, 0, 0]);
    expect(out[out.length - 1]).toMatch(/^ok:/);
    // --only and --limit pick the projects and docs.
    const one: string[] = [];
    expect(
      await runConsistency(["--dir", dir, "--only", "messy", "--limit", "1"], (s) => one.push(s)),
    ).toBe(0);
    expect(
      one.filter((l) => /^(messy|clean) /.test(l)).map((l) => l.split(/\s+/).slice(0, 2)),
    ).toEqual([["messy", "1"]]);
    // --offset leaves the first docs out: messy's second doc (docs/a.md) alone has the fixes.
    const rest: string[] = [];
    expect(
      await runConsistency(["--dir", dir, "--only", "messy", "--offset", "1"], (s) => rest.push(s)),
    ).toBe(0);
    const row2 = rest
      .find((l) => l.startsWith("messy"))!
      .trim()
      .split(/\s+/);
    expect([row2[1], row2[3]]).toEqual(["1", "1"]);
    expect(Number(row2[2])).toBeGreaterThanOrEqual(4);
  });

  it("fails, naming the doc, when a project disagrees", () => {
    const bad: ProjectResult = {
      name: "p",
      docs: 1,
      reported: 1,
      fixedDocs: 1,
      unreported: ["a.md:3"],
      leftWithSuggestion: [],
      meaningDifferences: [],
      ms: 10,
    };
    const s = summarize([bad]);
    expect(s.failed).toBe(true);
    expect(s.lines).toContain("p: changed but not reported: a.md:3");
    expect(summarize([{ ...bad, unreported: [] }]).failed).toBe(false);
    expect(summarize([{ ...bad, unreported: [], meaningDifferences: ["a.md:5: x"] }]).failed).toBe(
      true,
    );
  });

  it("bad usage says what is wrong and exits 2", async () => {
    for (const [argv, says] of [
      [["--limit", "0"], "whole number of at least 1"],
      [["--offset", "-1"], "whole number of at least 0"],
      [["--dir", join(dir, "nope")], "no such folder"],
      [["--dir", dir, "--only", "nope"], "no project nope"],
      [["--frobnicate"], "unknown argument"],
    ] as const) {
      const out: string[] = [];
      expect(await runConsistency(argv, (s) => out.push(s))).toBe(2);
      expect(out.join("\n")).toContain(says);
    }
  });
});

describe("fix:consistency on repeated lines", () => {
  it("a fixed line followed by lines like its fixed self is not taken for a kept one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix-consistency-repeat-"));
    try {
      mkdirSync(join(dir, "repeat"));
      // The first item has trailing whitespace; fixed, it reads like the two after it.
      writeFileSync(join(dir, "repeat", "a.md"), "# T\n\nAction items:\n\n- [] \n- []\n- []\n");
      const out: string[] = [];
      expect(await runConsistency(["--dir", dir], (s) => out.push(s))).toBe(0);
      const row = out
        .find((l) => l.startsWith("repeat"))!
        .trim()
        .split(/\s+/);
      // docs, findings, fixed, unreported, left, meaning
      expect(row.slice(1, 7).map(Number)).toEqual([1, expect.any(Number), 1, 0, 0, 0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the meaning check", () => {
  const before = "# T\n\nA long paragraph\nwrapped here.\n\nC d.\n";
  it("takes rewrapped text as the same, and a changed word away from the findings as a difference", () => {
    const none = new Set<number>();
    expect(
      meaningOutside("d.md", before, "# T\n\nA long paragraph wrapped here.\n\nC d.\n", none, none),
    ).toEqual([]);
    const changed = "# T\n\nA long paragraph\nwrapped here.\n\nC e.\n";
    expect(
      meaningOutside("d.md", before, changed, none, none).map((d) =>
        d.split(":").slice(0, 2).join(":"),
      ),
    ).toEqual(["d.md:6", "d.md:6"]);
    // Where a finding's fix is meant to change the text, the change is fine.
    expect(meaningOutside("d.md", before, changed, new Set([6]), new Set([6]))).toEqual([]);
  });

  it("a block split in two, or a paragraph turned into a heading, is a difference", () => {
    const none = new Set<number>();
    expect(
      meaningOutside(
        "d.md",
        before,
        "# T\n\nA long paragraph\n\nwrapped here.\n\nC d.\n",
        none,
        none,
      ),
    ).not.toEqual([]);
    expect(meaningOutside("d.md", "# T\n\n##Run\n", "# T\n\n## Run\n", none, none)).toHaveLength(2);
  });

  it("a definition deleted before the first heading (a fix meant to) leaves the heading the same", () => {
    const withDef = "[x]: https://example.com\n\n# T\n\nText.\n";
    expect(meaningOutside("d.md", withDef, "# T\n\nText.\n", new Set([1]), new Set())).toEqual([]);
    // In a list item, which block opens the item is part of the meaning.
    const item = "* [x]: https://example.com\n\n  Text.\n";
    expect(meaningOutside("d.md", item, "* Text.\n", new Set([1]), new Set())).not.toEqual([]);
  });
});
