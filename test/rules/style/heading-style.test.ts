import { describe, test, expect } from "@jest/globals";
import { lintDoc } from "../../helpers/lint.js";

const RULE = "heading-style";
const lint = (md: string) => lintDoc(md, { rule: RULE });

describe("heading-style", () => {
  test("ATX headings, with and without {#id}, are fine", async () => {
    expect(
      await lint("# Title\n\n## Install {#install}\n\n### C# bindings\n\n## Issue \\#12\n"),
    ).toEqual([]);
  });

  test("setext headings: the suggestion is one ATX line for both lines", async () => {
    const f = await lint("Title\n=====\n\nText.\n\nSection {#sec}\n-------\n");
    expect(f.map((x) => [x.line, x.endLine, x.column, x.suggestion])).toEqual([
      [1, 2, 1, "# Title"],
      [6, 7, 1, "## Section {#sec}"],
    ]);
    expect(f[0].message).toContain("`===`");
  });

  test("front matter whose opening line is not `---` is called broken front matter, not a heading", async () => {
    const md =
      "-------------\nname: James Laverack\nID:\tjameslaverack\n--------------\n\n# James\n";
    const f = await lint(md);
    expect(f.map((x) => [x.line, x.endLine, x.suggestion])).toEqual([[2, 4, null]]);
    expect(f[0].message).toContain("looks like front matter");
    // A setext heading under a rule that is not `key: value` stays a heading.
    const [g] = await lint("-------------\nJust a Title\n---\n");
    expect(g.suggestion).toBe("## Just a Title");
  });

  test("a multi-line setext heading is joined", async () => {
    const f = await lint("# T\n\nA long\ntitle\n---\n");
    expect(f[0]).toMatchObject({ line: 3, endLine: 5, suggestion: "## A long title" });
  });

  test("a setext heading in a list is reported without a suggestion", async () => {
    const f = await lint("# T\n\n*   Item\n    ----\n");
    expect(f[0]).toMatchObject({ line: 3, suggestion: null });
  });

  test("no space after #: the suggestion inserts it", async () => {
    const f = await lint("# T\n\n##Configure\n\nText.\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 3, column: 1, suggestion: "## Configure" });
  });

  test("in a list item, and with a single # before a capital", async () => {
    const f = await lint("# T\n\n*   ##Item\n\n#Install\n");
    expect(f.map((x) => [x.line, x.column, x.suggestion])).toEqual([
      [3, 5, "*   ## Item"],
      [5, 1, "# Install"],
    ]);
  });

  test("issue numbers, tags, channels, wrapped lines and code are not headings", async () => {
    const md =
      "# T\n\n#1234 fixed it.\n\n*   #gvisor-users on Slack\n\nAsk in the\n#sig-node channel.\n\nSome text\n##Next\n\n```shell\n#!/bin/sh\n##x\n```\n\n`##x`\n";
    expect(await lint(md)).toEqual([]);
  });

  test("YAML front matter is not a setext heading", async () => {
    expect(
      await lint("---\ntitle: Install\ndescription: How to install.\n---\n\n# Install\n"),
    ).toEqual([]);
    expect(await lintDoc("---\ntitle: Install\n---\n\n# Install\n", { rule: "single-h1" })).toEqual(
      [],
    );
  });

  test("closing #s are reported, the suggestion drops them", async () => {
    const f = await lint("# T\n\n## Run ##\n\n### Build ### {#build}\n");
    expect(f.map((x) => [x.line, x.column, x.suggestion])).toEqual([
      [3, 8, "## Run"],
      [5, 11, "### Build {#build}"],
    ]);
  });
  test("an empty nested bullet under a list item's text is no heading to rewrite: the message says to drop the dash", async () => {
    const md = "# T\n\n- Marketing [Kaslin/Chris]\n    - \n- Devstats\n    -\n";
    const f = await lint(md);
    expect(f.map((x) => [x.line, x.endLine, x.suggestion])).toEqual([
      [3, 4, "- Marketing [Kaslin/Chris]"],
      [5, 6, "- Devstats"],
    ]);
    for (const x of f) {
      expect(x.message).toContain("empty");
      expect(x.message).not.toContain("ATX");
    }
  });

  test("broken front matter with nested (indented) keys is still front matter, not a heading", async () => {
    const md =
      "-----------\nname: Carlos\nID: cpanato\ninfo:\n  employer: Chainguard\n  slack: cpanato\n-----------\n\n# Carlos\n";
    const f = await lint(md);
    expect(f.map((x) => [x.line, x.endLine, x.suggestion])).toEqual([[2, 7, null]]);
    expect(f[0].message).toContain("looks like front matter");
    // An indented line that is no key, or a first line that is no key, keeps it a heading.
    const [g] = await lint("-----------\nname: Carlos\n  just words\n-----------\n");
    expect(g.message).toContain("ATX");
  });
});
