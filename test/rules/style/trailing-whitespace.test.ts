import { describe, test, expect } from "@jest/globals";
import { lintDoc } from "../../helpers/lint.js";

const RULE = "trailing-whitespace";
const lint = (md: string) => lintDoc(md, { rule: RULE });

describe("trailing-whitespace", () => {
  test("trailing spaces are reported, the suggestion strips them", async () => {
    const f = await lint("# T\n\nText.   \n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 3, column: 6, severity: "warning", suggestion: "Text." });
  });

  test("a clean doc is fine", async () => {
    expect(await lint("# T\n\nFirst line,\\\nsecond line.\n")).toEqual([]);
  });

  test("tabs count, and so do lines in code blocks (reported there without a suggestion: fix never edits code)", async () => {
    const f = await lint("# T\n\nText.\t\n\n```shell\necho hi  \n```\n");
    expect(f.map((x) => [x.line, x.column, x.suggestion])).toEqual([
      [3, 6, "Text."],
      [6, 8, null],
    ]);
  });

  test("a two-space hard break inside a paragraph: suggest a backslash", async () => {
    const f = await lint("# T\n\nFirst line,  \nsecond line.\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 3, column: 12, suggestion: "First line,\\" });
    expect(f[0].message).toContain("backslash");
  });

  test("spaces on a paragraph's last line are not a break: just strip them", async () => {
    const f = await lint("# T\n\nLast line.  \n\nNext.\n");
    expect(f[0]).toMatchObject({ line: 3, suggestion: "Last line." });
    expect(f[0].message).not.toContain("backslash");
  });

  test("a hard break in a list item keeps the item's text", async () => {
    const f = await lint("# T\n\n*   One,  \n    two.\n");
    expect(f[0]).toMatchObject({ line: 4 - 1, suggestion: "*   One,\\" });
  });

  test("a blank line with spaces becomes empty", async () => {
    const f = await lint("# T\n   \nText.\n");
    expect(f[0]).toMatchObject({ line: 2, column: 1, suggestion: "" });
  });
  test("no backslash where it would not break the line: after a bare URL or a backslash", async () => {
    const url = await lint("# T\n\nNotes (https://x.dev/a?b=c)   \nNext line.\n");
    expect(url.map((f) => [f.line, f.suggestion])).toEqual([[3, null]]);
    const path = await lint("# T\n\nThe folder C:\\  \nNext line.\n");
    expect(path.map((f) => [f.line, f.suggestion])).toEqual([[3, null]]);
    const plain = await lint("# T\n\nFirst line  \nNext line.\n");
    expect(plain.map((f) => [f.line, f.suggestion])).toEqual([[3, "First line\\"]]);
  });
  test("no backslash after a `**` that the backslash would make open emphasis", async () => {
    // kubernetes/community sig-release's 2023 notes: `**\` opens the strong that ends at `:**`.
    const opens = await lint("# T\n\n**  \nOpen Discussion:**\n");
    expect(opens.map((f) => [f.line, f.suggestion])).toEqual([[3, null]]);
    const spaced = await lint("# T\n\nSee _  \nthis_ and ~~  \nthat~~.\n");
    expect(spaced.map((f) => [f.line, f.suggestion])).toEqual([
      [3, null],
      [4, null],
    ]);
    // A closing `**` stays closing: the backslash is safe there.
    const closes = await lint("# T\n\nSome **bold**  \nNext line.\n");
    expect(closes.map((f) => [f.line, f.suggestion])).toEqual([[3, "Some **bold**\\"]]);
  });
});
