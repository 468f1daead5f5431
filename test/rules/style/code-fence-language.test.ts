import { describe, test, expect } from "@jest/globals";
import { lintDoc } from "../../helpers/lint.js";

const RULE = "code-fence-language";
const lint = (md: string) => lintDoc(md, { rule: RULE });

describe("code-fence-language", () => {
  test("a fence with a language is fine", async () => {
    expect(await lint("# T\n\n```shell\n$ runsc --version\n```\n\n~~~go\nx := 1\n~~~\n")).toEqual(
      [],
    );
  });

  test("a fence without a language is a notice on its opening line", async () => {
    const f = await lint("# T\n\nRun:\n\n```\n$ runsc --version\n```\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 5, column: 1, severity: "notice", suggestion: null });
    expect(f[0].message).toContain("language");
  });

  test("tilde fences and fences in list items count", async () => {
    const f = await lint("# T\n\n~~~\nx\n~~~\n\n*   Step:\n\n    ```\n    y\n    ```\n");
    expect(f.map((x) => [x.line, x.column])).toEqual([
      [3, 1],
      [9, 5],
    ]);
  });

  test("an indented code block is reported: use a fence", async () => {
    const f = await lint("# T\n\nRun:\n\n    runsc --version\n");
    expect(f.map((x) => [x.line, x.column])).toEqual([[5, 1]]);
    expect(f[0].message).toContain("fenced code block");
  });

  test("a block indented with a tab may be prose made code by accident: the message says both fixes", async () => {
    const f = await lint(
      "# T\n\n-Charter\n\n\t-alice@ to add the new lead and the subproject owners.\n",
    );
    expect(f.map((x) => [x.line, x.column])).toEqual([[5, 1]]);
    expect(f[0].message).toContain("indented with a tab");
    expect(f[0].message).toContain("if it is prose, remove the indent");
    // Indented with spaces, the block is taken for code, as before.
    const [g] = await lint("# T\n\nRun:\n\n    runsc --version\n");
    expect(g.message).not.toContain("tab");
  });

  test("an indented continuation paragraph in a list is not code", async () => {
    expect(await lint("# T\n\n*   Item\n\n    More text.\n")).toEqual([]);
  });
});

describe("code-fence-language: an indented table header", () => {
  test("says the table is lost, not that a fence is missing", async () => {
    const md =
      "# T\n\n           | Standard | Autopilot\n---------- | -------- | ---------\nDocker v27 | 1.29.0   | 1.33.2\n";
    const f = await lintDoc(md, { rule: "code-fence-language" });
    expect(f.map((x) => [x.line, x.column])).toEqual([[3, 1]]);
    expect(f[0].message).toContain("table");
  });
});
