import { describe, test, expect } from "@jest/globals";
import { lintDoc } from "../../helpers/lint.js";

const RULE = "line-length";
const lint = (md: string, config = {}) => lintDoc(md, { rule: RULE, config });
const LONG =
  "This sentence goes on and on well past the eightieth column of the line, which makes diffs hard to read.";

describe("line-length", () => {
  test("long prose is reported at column 81", async () => {
    const f = await lint(`# T\n\n${LONG}\n`);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 3, column: 81, severity: "warning" });
    expect(f[0].message).toContain(`${LONG.length} characters`);
    // The paragraph, rewrapped.
    expect(f[0].suggestion).toBe(
      "This sentence goes on and on well past the eightieth column of the line, which\nmakes diffs hard to read.",
    );
  });

  test("wrapped prose is fine; code, tables, headings and definitions are exempt", async () => {
    const md = [
      "# T",
      "",
      "This sentence goes on and on well past the eightieth column of the line, which",
      "makes diffs hard to read.",
      "",
      "## A heading that is long, longer than eighty columns, because FAQ questions are {#faq}",
      "",
      "```shell",
      `$ echo "${LONG}"`,
      "```",
      "",
      "Name | Description",
      "--- | ---",
      `x | ${LONG}`,
      "",
      "[def]: https://example.com/a/very/long/path/that/goes/on/and/on/past/the/eightieth/column",
      "",
    ].join("\n");
    expect(await lint(md)).toEqual([]);
  });

  test("an unbreakable link that crosses the limit is fine, text after it is not", async () => {
    const url = "https://github.com/google/gvisor/blob/master/pkg/sentry/fsimpl/gofer/gofer.go";
    expect(await lint(`# T\n\nSee [the gofer client](${url})\n`)).toEqual([]);
    expect(
      (await lint(`# T\n\nSee [the gofer client](${url}) and more words after it.\n`)).map(
        (x) => x.line,
      ),
    ).toEqual([3]);
  });

  test("a reference link that crosses the limit is exempt like an inline one", async () => {
    const md =
      "# T\n\n- [*Why not require builtin dependencies instead of supporting implicit ones?*][why]\n" +
      "- ![An image whose alt text is long enough to cross the eightieth column][img]\n\n" +
      "[why]: https://x.dev\n[img]: a.png\n";
    expect(await lint(md)).toEqual([]);
    const after =
      "# T\n\nSee [the text of a reference link that is long enough to cross the limit][why] and words after it.\n";
    expect((await lint(`${after}\n[why]: https://x.dev\n`)).map((x) => x.line)).toEqual([3]);
  });

  test("the limit comes from the config", async () => {
    expect(
      await lint("# T\n\nShort line, but longer than forty characters in all.\n", {
        lineLength: 40,
      }),
    ).toHaveLength(1);
  });
});
