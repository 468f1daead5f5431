import { describe, test, expect } from "@jest/globals";
import { lintDoc, lintChange } from "../../helpers/lint.js";
import { fixText } from "../../../src/core/fix/apply.js";
import { resolveConfig } from "../../../src/config/load.js";

const RULE = "unused-definition";
const lint = (md: string) => lintDoc(md, { rule: RULE, extra: { "g3doc/install.md": "# I\n" } });

describe("unused-definition", () => {
  test("definitions used by full, collapsed, shortcut and image references are fine", async () => {
    const md =
      "# T\n\n[a][one], [two][], [Three], ![logo][four].\n\n[one]: https://a\n[TWO]: https://b\n[three]: https://c\n[four]: logo.png\n";
    expect(
      await lintDoc(md, { rule: RULE, extra: { "g3doc/logo.png": Buffer.from([1, 0]) } }),
    ).toEqual([]);
  });

  test("each unused definition is reported on its line, keeping the label as written", async () => {
    const md =
      "# T\n\nText [used].\n\n[used]: https://a\n[GKE Sandbox]: https://cloud.google.com/x\n[Spectre]: https://b\n";
    const f = await lint(md);
    expect(f.map((x) => [x.line, x.suggestion])).toEqual([
      [6, "[Spectre]: https://b"],
      [7, ""],
    ]);
    expect(f[0].message).toContain("`[GKE Sandbox]`");
  });

  test("a definition with its title on the next line is deleted as a whole", async () => {
    const f = await lint('# T\n\nText.\n\n[x]: https://example.com\n    "A title"\n');
    expect(f.map((x) => [x.line, x.endLine, x.suggestion])).toEqual([[5, 6, ""]]);
  });

  test("the suggestion deletes the definition's lines, and one blank line when it stood between two", async () => {
    const config = resolveConfig({});
    const fixed = async (md: string) => (await fixText("g3doc/doc.md", md, config)).text;
    // The line after is taken and given back (a suggestion replaces lines with at least one).
    const one = "# T\n\nText.\n\n[x]: https://a\n\nMore.\n";
    expect((await lint(one)).map((x) => [x.line, x.endLine, x.suggestion])).toEqual([
      [5, 7, "More."],
    ]);
    expect(await fixed(one)).toBe("# T\n\nText.\n\nMore.\n");
    // A run of deleted definitions: each deletes its own line; the last takes the blank line.
    const run = "# T\n\nText.\n\n[x]: https://a\n[y]: https://b\n\nMore.\n";
    expect((await lint(run)).map((x) => [x.line, x.endLine, x.suggestion])).toEqual([
      [5, 6, "[y]: https://b"],
      [6, 8, "More."],
    ]);
    expect(await fixed(run)).toBe("# T\n\nText.\n\nMore.\n");
    // A definition kept before it: the blank line stays.
    const kept = "# T\n\nText [x].\n\n[x]: https://a\n[y]: https://b\n\nMore.\n";
    expect((await lint(kept)).map((x) => [x.line, x.endLine, x.suggestion])).toEqual([[6, 7, ""]]);
    expect(await fixed(kept)).toBe("# T\n\nText [x].\n\n[x]: https://a\n\nMore.\n");
  });

  test("a label defined twice and never used: the first definition is unused, the second a duplicate", async () => {
    const md = "# T\n\n## Design\n[design]: #design\n\nText.\n\n[design]: #design\n";
    const f = await lint(md);
    expect(f.map((x) => [x.line, x.message.split(":")[0]])).toEqual([
      [4, "Unused definition `[design]`"],
      [8, "Duplicate definition `[design]`"],
    ]);
    // Used: only the duplicate is reported.
    const used = await lint(md.replace("Text.", "See [design]."));
    expect(used.map((x) => x.line)).toEqual([8]);
  });

  test("a definition inside a quote or list item gets no suggestion (deleting the line would take the marker)", async () => {
    const f = await lint("# T\n\n> Quote.\n>\n> [x]: https://example.com\n");
    expect(f.map((x) => [x.line, x.column, x.suggestion])).toEqual([[5, 3, null]]);
  });

  test("footnote definitions are out of scope", async () => {
    expect(await lint("# T\n\nText.\n\n[^unused]: A note nobody cites.\n")).toEqual([]);
  });

  test("definitions in code are not definitions", async () => {
    expect(await lint("# T\n\n```md\n[x]: https://example.com\n```\n")).toEqual([]);
  });

  test("in a change, a definition on an untouched line is not reported (the rule does not see the base doc)", async () => {
    const base = "# T\n\nSee [x].\n\n[x]: https://example.com\n";
    const head = "# T\n\nSee nothing.\n\n[x]: https://example.com\n";
    const r = await lintChange({ "g3doc/doc.md": base }, { "g3doc/doc.md": head }, { rule: RULE });
    expect(r.allFindings.filter((f) => f.rule === RULE).map((f) => f.line)).toEqual([5]);
    expect(r.findings).toEqual([]);
  });
});
