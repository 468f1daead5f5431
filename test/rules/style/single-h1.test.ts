import { describe, test, expect } from "@jest/globals";
import { lintDoc } from "../../helpers/lint.js";

const RULE = "single-h1";
const lint = (md: string) => lintDoc(md, { rule: RULE });

describe("single-h1", () => {
  test("one H1 first is fine", async () => {
    expect(await lint("# Install\n\nText.\n\n## Configure\n\n### Flags\n")).toEqual([]);
  });

  test("a second H1 is reported on its line", async () => {
    const f = await lint("# Install\n\nText.\n\n# Configure\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 5, column: 1, severity: "warning", suggestion: null });
    expect(f[0].message).toContain("`## Configure`");
  });

  test("no H1 at all is reported on line 1", async () => {
    const f = await lint("Intro.\n\n## Section\n");
    expect(f.map((x) => x.line)).toEqual([1]);
    expect(f[0].message).toContain("no H1");
  });

  test("a heading before the H1 is reported", async () => {
    const f = await lint("## Intro\n\n# Title\n");
    expect(f.map((x) => x.line)).toEqual([1]);
    expect(f[0].message).toContain("line 3");
  });

  test("`#` lines in code are not headings", async () => {
    expect(await lint("# Title\n\n```shell\n# a comment\n```\n\n    # indented\n")).toEqual([]);
  });

  test("a setext H1 counts", async () => {
    expect((await lint("# Title\n\nOther\n=====\n")).map((x) => x.line)).toEqual([3]);
  });
});
