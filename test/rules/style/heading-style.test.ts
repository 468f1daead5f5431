import { describe, test, expect } from "@jest/globals";
import { lintDoc } from "../../helpers/lint.js";

const RULE = "heading-style";
const lint = (md: string) => lintDoc(md, { rule: RULE });

describe("heading-style", () => {
  test("ATX headings, with and without {#id}, are fine", async () => {
    expect(await lint("# Title\n\n## Install {#install}\n\n### C# bindings\n\n## Issue \\#12\n")).toEqual([]);
  });

  test("setext headings: the suggestion is one ATX line for both lines", async () => {
    const f = await lint("Title\n=====\n\nText.\n\nSection {#sec}\n-------\n");
    expect(f.map((x) => [x.line, x.endLine, x.column, x.suggestion])).toEqual([
      [1, 2, 1, "# Title"],
      [6, 7, 1, "## Section {#sec}"],
    ]);
    expect(f[0].message).toContain("`===`");
  });

  test("a multi-line setext heading is joined", async () => {
    const f = await lint("# T\n\nA long\ntitle\n---\n");
    expect(f[0]).toMatchObject({ line: 3, endLine: 5, suggestion: "## A long title" });
  });

  test("a setext heading in a list is reported without a suggestion", async () => {
    const f = await lint("# T\n\n*   Item\n    ----\n");
    expect(f[0]).toMatchObject({ line: 3, suggestion: null });
  });

  test("no space after #: the suggestion inserts it", async () => {
    const f = await lint("# T\n\n##Configure\n\nText.\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 3, column: 1, suggestion: "## Configure" });
  });

  test("a #tag line inside a paragraph, and in a list item", async () => {
    const f = await lint("# T\n\nSome text\n###Next\n\n*   #Item\n");
    expect(f.map((x) => [x.line, x.column, x.suggestion])).toEqual([
      [4, 1, "### Next"],
      [6, 5, "*   # Item"],
    ]);
  });

  test("issue numbers and code are not headings", async () => {
    expect(await lint("# T\n\n#1234 fixed it.\n\n```shell\n#!/bin/sh\n##x\n```\n\n`##x`\n")).toEqual([]);
  });

  test("closing #s are reported, the suggestion drops them", async () => {
    const f = await lint("# T\n\n## Run ##\n\n### Build ### {#build}\n");
    expect(f.map((x) => [x.line, x.column, x.suggestion])).toEqual([
      [3, 8, "## Run"],
      [5, 11, "### Build {#build}"],
    ]);
  });
});
