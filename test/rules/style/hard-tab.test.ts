import { describe, test, expect } from "@jest/globals";
import { lintDoc } from "../../helpers/lint.js";

const RULE = "hard-tab";
const lint = (md: string) => lintDoc(md, { rule: RULE });

describe("hard-tab", () => {
  test("a tab in prose is reported at its column", async () => {
    const f = await lint("# T\n\nName:\tvalue.\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 3, column: 6, severity: "warning", suggestion: null });
  });

  test("a tab after a list marker is reported", async () => {
    const f = await lint("# T\n\n*\tItem.\n");
    expect(f.map((x) => [x.line, x.column])).toEqual([[3, 2]]);
  });

  test("tabs in fenced and indented code are fine", async () => {
    expect(
      await lint(
        "# T\n\n```go\nfunc f() {\n\treturn\n}\n```\n\n\tindented code\n\n*   Item:\n\n    ```go\n    \tx := 1\n    ```\n",
      ),
    ).toEqual([]);
  });

  test("tabs inside an HTML block are left to HTML; a tab in a paragraph beside inline HTML is not", async () => {
    const md = "# T\n\n<p>\n\tret := pflag.NewFlagSet()\n<p>\n\nA <b>bold</b>\tword.\n";
    expect((await lint(md)).map((f) => [f.line, f.column])).toEqual([[7, 14]]);
  });

  test("spaces only is fine", async () => {
    expect(await lint("# T\n\n*   Item.\n")).toEqual([]);
  });
});
