import { describe, test, expect } from "@jest/globals";
import { lintDoc } from "../../helpers/lint.js";

const RULE = "link-text";
const lint = (md: string) => lintDoc(md, { rule: RULE, extra: { "g3doc/install.md": "# I\n" } });

describe("link-text", () => {
  test("informative link text is fine", async () => {
    expect(
      await lint(
        "# T\n\nSee [Installation](install.md) and [the release notes][notes].\n\n[notes]: https://example.com/notes\n",
      ),
    ).toEqual([]);
  });

  test("vague link text is a notice", async () => {
    const f = await lint(
      "# T\n\nClick [here](install.md). Or [Click here.](install.md), [link](install.md),\n[this](install.md), [This link](install.md) and [more](install.md)!\n",
    );
    expect(f.map((x) => [x.line, x.column])).toEqual([
      [3, 7],
      [3, 30],
      [3, 57],
      [4, 1],
      [4, 21],
      [4, 49],
    ]);
    expect(f[0]).toMatchObject({ severity: "notice", suggestion: null });
    expect(f[0].message).toContain('"here"');
  });

  test("reference links count too", async () => {
    const f = await lint(
      "# T\n\nView open issues [here][issues].\n\n[issues]: https://example.com/issues\n",
    );
    expect(f.map((x) => [x.line, x.column])).toEqual([[3, 18]]);
  });

  test("a URL written as its own link text", async () => {
    const f = await lint(
      "# T\n\nSee [https://gvisor.dev/docs](https://gvisor.dev/docs/) and [gvisor.dev](https://gvisor.dev).\n",
    );
    expect(f.map((x) => [x.line, x.column])).toEqual([
      [3, 5],
      [3, 61],
    ]);
    expect(f[0].message).toContain("repeats its URL");
  });

  test("autolinks and bare URLs are fine", async () => {
    expect(
      await lint(
        "# T\n\nSee <https://gvisor.dev> and https://gvisor.dev/docs and www.gvisor.dev.\n",
      ),
    ).toEqual([]);
  });

  test("words that merely contain a vague word are fine", async () => {
    expect(
      await lint("# T\n\nSee [where to get more help](install.md) and [this guide](install.md).\n"),
    ).toEqual([]);
  });
});
