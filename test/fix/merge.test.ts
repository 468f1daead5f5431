import { describe, test, expect } from "@jest/globals";
import { mergeSuggestions, mergeFindings, applySuggestions } from "../../src/core/fix/merge.js";
import { lintDoc } from "../helpers/lint.js";
import { fixFinding } from "../helpers/merge-findings.js";

const PATH = "g3doc/doc.md";

const f = (
  rule: string,
  line: number,
  endLine: number,
  suggestion: string | null,
  message = rule,
) => fixFinding(PATH, rule, line, endLine, suggestion, message);

const overlaps = (xs: { line: number; endLine: number }[]) =>
  xs.some((a, i) => xs.some((b, j) => i !== j && a.line <= b.endLine && b.line <= a.endLine));

describe("mergeSuggestions", () => {
  const text = [
    "# T",
    "",
    "The sandbox runs in user space and the Sentry handles every system call made by",
    "the application, one by one.",
    "",
    "Other line.   ",
    "",
  ].join("\n");

  test("suggestions on different lines pass through unchanged", () => {
    const a = f("trailing-whitespace", 6, 6, "Other line.");
    const r = mergeSuggestions(text, PATH, [a], { limit: 80 });
    expect(r.suggestions).toEqual([
      { line: 6, endLine: 6, suggestion: "Other line.", findings: [a] },
    ]);
    expect(r.dropped).toEqual([]);
  });

  test("a term fixed inside a paragraph that is also rewrapped: one suggestion, term first, then the rewrap", () => {
    const term = f(
      "terminology",
      3,
      3,
      "The sandbox runs in userspace and the Sentry handles every system call made by",
    );
    const wrap = f(
      "line-length",
      3,
      4,
      "The sandbox runs in user space and the Sentry handles every system call made\nby the application, one by one.",
    );
    const r = mergeSuggestions(text, PATH, [wrap, term], { limit: 80 });
    expect(r.suggestions).toHaveLength(1);
    expect(r.suggestions[0]).toMatchObject({
      line: 3,
      endLine: 4,
      suggestion:
        "The sandbox runs in userspace and the Sentry handles every system call made by\nthe application, one by one.",
    });
    expect(r.suggestions[0].findings.map((x) => x.rule).sort()).toEqual([
      "line-length",
      "terminology",
    ]);
  });

  test("list-marker padding and a rewrap of the same item: padded first, then wrapped at the new indent", () => {
    const t = [
      "* item one goes on and on and on and on and on and on and on and on and on past",
      "  the limit",
      "",
    ].join("\n");
    const pad = f(
      "list-marker",
      1,
      2,
      "*   item one goes on and on and on and on and on and on and on and on and on past\n    the limit",
    );
    const wrap = f(
      "line-length",
      1,
      2,
      "* item one goes on and on and on and on and on and on and on and on and on past\n  the limit",
    );
    const r = mergeSuggestions(t, PATH, [pad, wrap], { limit: 80 });
    expect(r.suggestions).toHaveLength(1);
    expect(r.suggestions[0].suggestion).toBe(
      "*   item one goes on and on and on and on and on and on and on and on and on\n    past the limit",
    );
  });

  test("two plain replacements on one line combine when they touch different characters; a collision drops the later one", () => {
    const t = "Use user space on Github.   \n";
    const a = f("terminology", 1, 1, "Use userspace on Github.   ");
    const b = f("terminology", 1, 1, "Use user space on GitHub.   ");
    const c = f("trailing-whitespace", 1, 1, "Use user space on Github.");
    const r = mergeSuggestions(t, PATH, [a, b, c], { limit: 80 });
    expect(r.suggestions).toEqual([
      { line: 1, endLine: 1, suggestion: "Use userspace on GitHub.", findings: [a, b, c] },
    ]);
    const d = f("other", 1, 1, "Use kernel space on Github.   ");
    const r2 = mergeSuggestions(t, PATH, [a, d], { limit: 80 });
    expect(r2.suggestions[0].suggestion).toBe("Use userspace on Github.   ");
    expect(r2.dropped).toEqual([d]);
  });

  test("the same fix from two sources counts once", () => {
    const t = "Line.  \n";
    const a = f("trailing-whitespace", 1, 1, "Line.");
    const b = f("trailing-whitespace", 1, 1, "Line.", "from the formatter");
    const r = mergeSuggestions(t, PATH, [a, b], { limit: 80 });
    expect(r.suggestions).toEqual([{ line: 1, endLine: 1, suggestion: "Line.", findings: [a, b] }]);
  });

  test("findings without suggestions and of other files are ignored", () => {
    const r = mergeSuggestions(
      text,
      PATH,
      [f("broken-link", 3, 3, null), { ...f("x", 3, 3, "y"), path: "other.md" }],
      { limit: 80 },
    );
    expect(r.suggestions).toEqual([]);
  });

  test("chains of overlaps become one suggestion over the union", () => {
    const t = ["a  ", "b  ", "c  ", "d", ""].join("\n");
    const xs = [f("r1", 1, 2, "a\nb  "), f("r2", 2, 3, "b\nc  "), f("r3", 3, 3, "c")];
    const r = mergeSuggestions(t, PATH, xs, { limit: 80 });
    expect(r.suggestions).toHaveLength(1);
    expect(r.suggestions[0]).toMatchObject({ line: 1, endLine: 3, suggestion: "a\nb\nc" });
  });

  test("unused definitions in a row that share a beginning: every deletion is applied in one merge", async () => {
    const labels = ["wg-safe-transmute", "wg-secure-code", "wg-security-response", "wg-self"];
    const md = [
      "# T",
      "",
      "Text with a [kept][] link.",
      "",
      ...labels.map((l) => `[${l}]: https://github.com/rust-lang/${l}`),
      "[kept]: https://example.com",
      "",
    ].join("\n");
    const findings = (await lintDoc(md, { rule: "unused-definition" })).filter(
      (x) => x.suggestion !== null,
    );
    expect(findings).toHaveLength(4);
    expect(overlaps(findings)).toBe(true);
    const r = mergeSuggestions(md, PATH, findings, { limit: 80 });
    expect(r.dropped).toEqual([]);
    expect(applySuggestions(md, r.suggestions)).toBe(
      "# T\n\nText with a [kept][] link.\n\n[kept]: https://example.com\n",
    );
  });

  test("a deletion and an edit of the line after it still collide (the later one is dropped)", () => {
    const t = ["a", "b", "c", ""].join("\n");
    // Line 1 deleted (line 2 kept), and line 2 changed: the later one is dropped.
    const r = mergeSuggestions(t, PATH, [f("r1", 1, 2, "b"), f("r2", 2, 2, "B")], { limit: 80 });
    expect(r.dropped.map((x) => x.rule)).toEqual(["r2"]);
    expect(applySuggestions(t, r.suggestions)).toBe("b\nc\n");
  });

  test("after merging, no two suggestions share a line, and applying them all gives each fix", async () => {
    const md = [
      "# Title",
      "",
      "* first item of the list that goes on and on with user space words until past the limit",
      "* second   ",
      "",
      "A paragraph written on one line that is longer than eighty columns because of user space text.  ",
      "Second line of it.",
      "",
    ].join("\n");
    // gVisor's house style: "user space" is one of its terms.
    const findings = (await lintDoc(md, { config: { preset: "gvisor" } })).filter(
      (x) => x.suggestion !== null,
    );
    expect(new Set(findings.map((x) => x.rule))).toEqual(
      new Set(["list-marker", "line-length", "terminology", "trailing-whitespace"]),
    );
    expect(overlaps(findings)).toBe(true);
    const r = mergeSuggestions(md, PATH, findings, { limit: 80 });
    expect(overlaps(r.suggestions)).toBe(false);
    const out = applySuggestions(md, r.suggestions);
    expect(out).not.toMatch(/user space/);
    expect(out).not.toMatch(/[ \t]+\n/);
    expect(out.split("\n").every((l) => l.length <= 80)).toBe(true);
    expect(out).toContain("*   first item");
    expect(out).toContain("*   second");
  });

  test("mergeFindings: the first finding of a group carries the merged suggestion, the others none", () => {
    const term = f(
      "terminology",
      3,
      3,
      "The sandbox runs in userspace and the Sentry handles every system call made by",
    );
    const wrap = f("line-length", 3, 4, "x");
    const other = f("broken-link", 6, 6, null);
    const out = mergeFindings(text, PATH, [term, wrap, other], { limit: 80 });
    expect(out[0]).toMatchObject({ rule: "terminology", line: 3, endLine: 4 });
    expect(out[0].suggestion).toContain("userspace");
    expect(out[1].suggestion).toBeNull();
    expect(out[2]).toBe(other);
  });

  test("CRLF text: suggestions apply with the text's line endings", () => {
    const t = "a  \r\nb\r\n";
    expect(applySuggestions(t, [{ line: 1, endLine: 1, suggestion: "a" }])).toBe("a\r\nb\r\n");
  });
});
