/**
 * Inline control: comments in a doc turn rules off for a part of it, in our
 * own syntax and in markdownlint's and remark-lint's, so a repository that
 * moves from those linters keeps its suppressions.
 */
import { describe, test, expect } from "@jest/globals";
import { lintDoc, lintChange } from "../helpers/lint.js";
import { review } from "../../src/core/engine.js";
import { resolveConfig } from "../../src/config/load.js";
import { MemoryChangeSet } from "../helpers/memory-changeset.js";
import { fixDocs, TextChangeSet } from "../../src/core/fix/apply.js";

const LONG = "This sentence is long enough to go past the eighty column limit of the style guide.";
const TRAIL = "Trailing spaces here.   ";

/** `rule line` of each finding, in order. */
async function found(markdown: string, rule?: string): Promise<string[]> {
  return (await lintDoc(markdown, { rule })).map((f) => `${f.rule} ${f.line}`);
}

describe("our comments", () => {
  test("disable ... enable turns a rule off between them, and only that rule", async () => {
    const doc = [
      "# Title", // 1
      "",
      LONG, // 3
      "",
      "<!-- g3doc-review disable line-length -->", // 5
      "",
      LONG, // 7
      TRAIL, // 8
      "",
      "<!-- g3doc-review enable line-length -->", // 10
      "",
      LONG, // 12
      "",
    ].join("\n");
    expect(await found(doc)).toEqual(["line-length 3", "trailing-whitespace 8", "line-length 12"]);
  });

  test("disable-next-line: the next line is quiet, the one after it is still reported", async () => {
    const doc = [
      "# Title",
      "",
      "<!-- g3doc-review disable-next-line trailing-whitespace -->", // 3
      TRAIL, // 4
      TRAIL, // 5
      "",
    ].join("\n");
    expect(await found(doc)).toEqual(["trailing-whitespace 5"]);
  });

  test("disable-line inside a paragraph, several ids with commas, and a reason after --", async () => {
    const doc = [
      "# Title",
      "",
      `${TRAIL.trimEnd()} <!-- g3doc-review disable-line trailing-whitespace, line-length -- quoted verbatim -->   `,
      TRAIL, // 4
      "",
    ].join("\n");
    expect(await found(doc)).toEqual(["trailing-whitespace 4"]);
  });

  test("disable-file and a comment without rule ids (every rule)", async () => {
    const fileWide = [
      "# Title",
      "",
      LONG,
      TRAIL,
      "",
      "<!-- g3doc-review disable-file line-length -->",
      "",
    ];
    expect(await found(fileWide.join("\n"))).toEqual(["trailing-whitespace 4"]);
    const all = ["# Title", "", "<!-- g3doc-review disable -->", "", LONG, TRAIL, ""];
    expect(await found(all.join("\n"))).toEqual([]);
  });

  test("a comment inside a code block is code, not a directive", async () => {
    const doc = ["# Title", "", "```md", "<!-- g3doc-review disable -->", "```", "", LONG, ""];
    expect(await found(doc.join("\n"), "line-length")).toEqual(["line-length 7"]);
  });

  test("an id no rule has is named in a note, and turns nothing off", async () => {
    const cs = new MemoryChangeSet(null, {
      "g3doc/doc.md": ["# Title", "", "<!-- g3doc-review disable line-lenght -->", LONG, ""].join(
        "\n",
      ),
    });
    const r = await review(cs, resolveConfig({}), { mode: "all" });
    expect(r.findings.map((f) => `${f.rule} ${f.line}`)).toEqual(["line-length 4"]);
    expect(r.notes).toContain(
      'g3doc/doc.md:3: a g3doc-review comment names "line-lenght", which no rule has.',
    );
  });
});

describe("markdownlint's comments", () => {
  test("rule numbers and names map to our rules; names with no counterpart are left alone", async () => {
    const doc = [
      "# Title",
      "",
      "<!-- markdownlint-disable MD013 MD033 -->", // 3
      LONG, // 4
      "<!-- markdownlint-enable MD013 -->", // 5
      LONG, // 6
      "<!-- markdownlint-disable-next-line no-trailing-spaces -->", // 7
      TRAIL, // 8
      TRAIL, // 9
      "",
    ].join("\n");
    expect(await found(doc)).toEqual(["line-length 6", "trailing-whitespace 9"]);
  });

  test("capture and restore bring back the state before", async () => {
    const doc = [
      "# Title",
      "",
      "<!-- markdownlint-capture -->", // 3
      "<!-- markdownlint-disable -->", // 4
      LONG, // 5
      "<!-- markdownlint-restore -->", // 6
      LONG, // 7
      "",
    ].join("\n");
    expect(await found(doc, "line-length")).toEqual(["line-length 7"]);
  });

  test("disable-file, and a name of another tool's rule turns off nothing of ours", async () => {
    expect(
      await found(
        ["# Title", "", LONG, "", "<!-- markdownlint-disable-file line-length -->", ""].join("\n"),
      ),
    ).toEqual([]);
    expect(
      await found(["# Title", "", "<!-- markdownlint-disable MD033 -->", LONG, ""].join("\n")),
    ).toEqual(["line-length 4"]);
  });
});

describe("remark-lint's comments", () => {
  test("lint disable ... enable with remark-lint's rule names", async () => {
    const doc = [
      "# Title",
      "",
      "<!--lint disable maximum-line-length-->", // 3
      "",
      LONG, // 5
      "",
      "<!--lint enable maximum-line-length-->", // 7
      "",
      LONG, // 9
      "",
    ].join("\n");
    expect(await found(doc, "line-length")).toEqual(["line-length 9"]);
  });

  test("lint ignore turns a rule off for the next node only", async () => {
    const doc = [
      "# Title",
      "",
      "<!--lint ignore maximum-line-length-->", // 3
      "",
      LONG, // 5
      LONG, // 6 (same paragraph)
      "",
      LONG, // 8
      "",
    ].join("\n");
    expect(await found(doc, "line-length")).toEqual(["line-length 8"]);
  });
});

describe("what the review says about suppressed findings", () => {
  test("counted per rule where the review would have reported them, with a note", async () => {
    const base = { "g3doc/doc.md": ["# Title", "", LONG, ""].join("\n") };
    const head = {
      "g3doc/doc.md": [
        "# Title",
        "",
        "<!-- g3doc-review disable line-length -->",
        LONG, // 4: untouched, not counted
        "",
        LONG.replace("This", "That"), // 6: added, suppressed
        TRAIL, // 7: added, reported
        "",
      ].join("\n"),
    };
    const r = await lintChange(base, head);
    expect(r.findings.map((f) => `${f.rule} ${f.line}`)).toEqual(["trailing-whitespace 7"]);
    expect(r.suppressed).toEqual({ "line-length": 1 });
    expect(r.notes).toContain("1 finding is turned off by comments in the docs (line-length 1).");
  });
});

describe("fix", () => {
  test("applies no suggestion of a finding that a comment turned off", async () => {
    const text = [
      "# Title",
      "",
      "<!-- g3doc-review disable-next-line trailing-whitespace -->",
      TRAIL,
      TRAIL,
      "",
    ].join("\n");
    const r = await fixDocs(
      new TextChangeSet(new Map([["g3doc/doc.md", text]])),
      resolveConfig({}),
      {
        mode: "all",
      },
    );
    expect(r.files.map((f) => f.after.split("\n").slice(3, 5))).toEqual([[TRAIL, TRAIL.trimEnd()]]);
    expect(r.files[0]!.byRule["trailing-whitespace"]).toBe(1);
  });
});
