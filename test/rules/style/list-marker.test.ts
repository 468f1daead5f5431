import { describe, test, expect } from "@jest/globals";
import { lintDoc } from "../../helpers/lint.js";
import { parseOnly } from "../../../src/core/markdown/parse.js";

const RULE = "list-marker";
/** gVisor's house style: every list padded (see test/rules/any-repository.test.ts for Google's small lists). */
const lint = (md: string) => lintDoc(md, { rule: RULE, config: { preset: "gvisor" } });
const doc = (...lines: string[]) => `# T\n\n${lines.join("\n")}\n`;

describe("list-marker", () => {
  test("markers padded to 4 columns are fine", async () => {
    expect(
      await lint(
        doc(
          "*   One",
          "    wrapped.",
          "-   Two",
          "",
          "1.  First",
          "1.  Second",
          "",
          "9.  Nine",
          "10. Ten",
          "",
          "*   [ ] Task",
        ),
      ),
    ).toEqual([]);
  });

  test("a one-space bullet: the suggestion pads it", async () => {
    const f = await lint(doc("* Item"));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      line: 3,
      endLine: 3,
      column: 1,
      severity: "notice",
      suggestion: "*   Item",
    });
    expect(f[0].message).toContain("`*   item`");
  });

  test("numbered items: `1.` takes 2 spaces, `10.` one", async () => {
    const f = await lint(doc("9. Nine", "10. Ten", "11.  Eleven"));
    expect(f.map((x) => [x.line, x.suggestion])).toEqual([
      [3, "9.  Nine"],
      [5, "11. Eleven"],
    ]);
  });

  test("other markers", async () => {
    const f = await lint(doc("- Dash", "", "+ Plus", "", "1) Paren"));
    expect(f.map((x) => x.suggestion)).toEqual(["-   Dash", "+   Plus", "1)  Paren"]);
  });

  test("wrapped lines move with the text, lazy lines too", async () => {
    const f = await lint(doc("* Item that", "  wraps and", "lazily continues."));
    expect(f[0]).toMatchObject({
      line: 3,
      endLine: 5,
      suggestion: "*   Item that\n    wraps and\n    lazily continues.",
    });
  });

  test("too much padding is reduced, with the continuation lines", async () => {
    const f = await lint(doc("*    Item", "     wrapped."));
    expect(f[0]).toMatchObject({ line: 3, endLine: 4, suggestion: "*   Item\n    wrapped." });
  });

  test("a parent's suggestion re-indents nested lists and code, and fixes the nested markers", async () => {
    const md = doc(
      "* Parent item",
      "  wrapped line.",
      "",
      "  * Child",
      "    wrapped.",
      "",
      "  ```shell",
      "  echo hi",
      "  ```",
      "* Next",
    );
    const f = await lint(md);
    expect(f.map((x) => [x.line, x.endLine, x.column])).toEqual([
      [3, 11, 1],
      [6, 7, 3], // the child's whole item, though the parent's suggestion fixes it
      [12, 12, 1],
    ]);
    expect(f[0].suggestion).toBe(
      [
        "*   Parent item",
        "    wrapped line.",
        "",
        "    *   Child",
        "        wrapped.",
        "",
        "    ```shell",
        "    echo hi",
        "    ```",
      ].join("\n"),
    );
    expect(f[1].suggestion).toBeNull();
    expect(f[1].message).toContain("The suggestion on line 3 fixes this item too.");
    expect(f[2].suggestion).toBe("*   Next");
  });

  test("a nested item under a well-padded parent gets its own suggestion", async () => {
    const f = await lint(
      doc("*   Parent", "", "    * Child", "      wrapped.", "", "    More parent text."),
    );
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      line: 5,
      endLine: 6,
      column: 5,
      suggestion: "    *   Child\n        wrapped.",
    });
  });

  test("a well-padded child under a reported parent moves with it", async () => {
    const f = await lint(
      doc("1. Step", "", "   *   Child", "       text", "", "   ```", "   code", "   ```"),
    );
    expect(f).toHaveLength(1);
    expect(f[0].suggestion).toBe(
      ["1.  Step", "", "    *   Child", "        text", "", "    ```", "    code", "    ```"].join(
        "\n",
      ),
    );
  });

  test("indented code inside an item keeps its relative indent", async () => {
    const f = await lint(doc("* Item:", "", "      code line", "        deeper"));
    expect(f[0].suggestion).toBe("*   Item:\n\n        code line\n          deeper");
  });

  test("in a block quote, or with a tab, the item is reported without a suggestion", async () => {
    const f = await lint(doc("> * Quoted", "", "*\tTabbed"));
    expect(f.map((x) => [x.line, x.column, x.suggestion])).toEqual([
      [3, 3, null],
      [5, 1, null],
    ]);
  });

  test("when shifting would change what a lazy line means, no suggestion", async () => {
    // "    *   Child" is a lazy continuation of the paragraph (not a nested list); with `*   ` it would become one.
    const f = await lint(doc("*    Over-padded", "    *   Child", "*   Next"));
    expect(f.map((x) => [x.line, x.suggestion])).toEqual([[3, null]]);
  });

  test("when the fix would take the next block's first line into the list, no suggestion", async () => {
    // "    next" is an indented code block after the list; with the text at column 5 it would join the item.
    const f = await lint(doc("*    Over-padded", "", "    next", "    more", "", "Text."));
    expect(f.map((x) => [x.line, x.suggestion])).toEqual([[3, null]]);
  });

  test("an item on the line where a list's unclosed fence ends is checked in its own list", async () => {
    // Both lists end or start on line 5; taking spaces from "2)" would pull the next line into it.
    const f = await lint(
      doc("1.   ```", "      text", " 2)    # heading", "      1.    ```", " + ```"),
    );
    const item = f.find((x) => x.line === 5);
    expect(item?.suggestion).toBeNull();
  });

  test("a line blank only to trim (an em space) keeps the item unfixed", async () => {
    // CommonMark reads "\u2003" as text; the fix keeps a blank line's spaces only, so the
    // re-parse finds the paragraph gone and drops the suggestion.
    const f = await lint(doc("- Item", "", "  \u2003", "", "  More text."));
    expect(f.map((x) => [x.line, x.endLine, x.suggestion])).toEqual([[3, 7, null]]);
    // Without it, the same item moves as a whole.
    const g = await lint(doc("- Item", "", "  More text."));
    expect(g.map((x) => x.suggestion)).toEqual(["-   Item\n\n    More text."]);
  });

  test("a tab after a nested marker: moving the line changes its width, no suggestion", async () => {
    // At column 5 the tab reaches column 9 (text 3 columns after `*`); moved 2 right, column 9
    // is 1 column after it, and `- if` leaves the nested list it started.
    const f = await lint(doc("* Topics", "  * \t- if there"));
    expect(f.map((x) => [x.line, x.suggestion])).toEqual([
      [3, null],
      [4, null],
    ]);
  });

  test("nested items padded with their root move with it, each by its own pad", async () => {
    const f = await lint(doc("* Topics", "  * Nested with", "    a second line", "  * More"));
    expect(f[0].suggestion).toBe(
      "*   Topics\n    *   Nested with\n        a second line\n    *   More",
    );
  });

  test("lines of spaces inside a code block move with it", async () => {
    const f = await lint(doc("* Code:", "", "  ```go", "  a()", "      ", "  b()", "  ```"));
    expect(f[0].suggestion).toBe("*   Code:\n\n    ```go\n    a()\n        \n    b()\n    ```");
  });

  test("an item whose text starts on the next line is not reported", async () => {
    expect(await lint(doc("*", "    Text on the next line."))).toEqual([]);
  });

  test("list markers in code are not lists", async () => {
    expect(await lint(doc("```", "* a", "1. b", "```"))).toEqual([]);
  });
});

describe("list-marker suggestions keep the structure", () => {
  const shape = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(shape);
    if (n && typeof n === "object")
      return Object.fromEntries(
        Object.entries(n)
          .filter(([k]) => k !== "position")
          .map(([k, v]) => [k, shape(v)]),
      );
    return n;
  };
  const cases = [
    doc(
      "* Parent item",
      "  wrapped line.",
      "",
      "  * Child",
      "    wrapped.",
      "",
      "    1. Grandchild",
      "       text",
      "",
      "  ```shell",
      "  echo hi",
      "  ```",
      "* Next",
    ),
    doc("1. Step", "", "       indented code", "", "   - Child", "lazy", "", "10. Ten", "    more"),
    doc("*    Over-padded", "     text", "", "     *  Child", "        text"),
  ];
  for (const [i, md] of cases.entries()) {
    test(`case ${i + 1}`, async () => {
      const f = await lint(md);
      expect(f.length).toBeGreaterThan(0);
      const lines = md.split("\n");
      for (const x of f.filter((y) => y.suggestion !== null).sort((a, b) => b.line - a.line)) {
        lines.splice(x.line - 1, x.endLine - x.line + 1, ...x.suggestion!.split("\n"));
      }
      const fixed = lines.join("\n");
      expect(shape(parseOnly(fixed))).toEqual(shape(parseOnly(md)));
      expect(await lint(fixed)).toEqual([]);
    });
  }
});
