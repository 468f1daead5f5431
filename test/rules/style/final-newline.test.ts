import { describe, test, expect } from "@jest/globals";
import { lintDoc } from "../../helpers/lint.js";

const RULE = "final-newline";
const lint = (md: string) => lintDoc(md, { rule: RULE });

describe("final-newline", () => {
  test("one final newline is fine", async () => {
    expect(await lint("# T\n\nText.\n")).toEqual([]);
    expect(await lint("# T\r\n\r\nText.\r\n")).toEqual([]);
  });

  test("no final newline is reported on the last line", async () => {
    const f = await lint("# T\n\nText.");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      line: 3,
      endLine: 3,
      column: 6,
      severity: "warning",
      suggestion: "Text.",
    });
    expect(f[0].message).toContain("does not end with a newline");
  });

  test("blank lines at the end: the suggestion keeps the last line of text only", async () => {
    const f = await lint("# T\n\nText.\n\n\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 3, endLine: 5, suggestion: "Text." });
    expect(f[0].message).toContain("2 blank lines");
  });

  test("a last line of spaces counts as blank", async () => {
    const f = await lint("# T\n\nText.\n  \n");
    expect(f[0]).toMatchObject({ line: 3, endLine: 4, suggestion: "Text." });
  });

  test("an empty file is not reported", async () => {
    expect(await lint("")).toEqual([]);
  });
});
