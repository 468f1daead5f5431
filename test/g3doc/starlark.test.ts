import { describe, test, expect } from "@jest/globals";
import { MAX_NESTING, parseBuild, stringsOf, type Value } from "../../src/core/g3doc/starlark.js";

const SECURITY = `load("//website:defs.bzl", "doc")

package(
    default_applicable_licenses = ["//:license"],
    default_visibility = ["//website:__pkg__"],
    licenses = ["notice"],
)

# The security page.
exports_files(
    srcs = glob(["*.md"]),
    visibility = [
        "//visibility:public",
    ],
)

doc(
    name = "security",
    src = "security.md",
    category = "Architecture Guide",
    data = [
        "security.png",  # the diagram
        "security.svg",
    ],
    include_in_menu = False,
    permalink = "/docs/architecture_guide/" + "security/",
    weight = "20",
)
`;

describe("parseBuild", () => {
  test("a gVisor BUILD file: every top-level call, with attributes and their lines", () => {
    const r = parseBuild(SECURITY);
    expect(r.error).toBeUndefined();
    expect(r.calls.map((c) => [c.kind, c.line])).toEqual([
      ["load", 1],
      ["package", 3],
      ["exports_files", 10],
      ["doc", 17],
    ]);
    const doc = r.calls[3];
    expect(doc.endLine).toBe(28);
    expect([...doc.kwargs.keys()]).toEqual([
      "name",
      "src",
      "category",
      "data",
      "include_in_menu",
      "permalink",
      "weight",
    ]);
    expect(doc.kwargs.get("name")).toMatchObject({
      line: 18,
      column: 5,
      value: { t: "str", v: "security" },
    });
    expect(doc.kwargs.get("include_in_menu")!.value).toMatchObject({ t: "bool", v: false });
    expect(doc.kwargs.get("permalink")!.value).toMatchObject({
      t: "str",
      v: "/docs/architecture_guide/security/",
      line: 26,
    });
    expect(stringsOf(doc.kwargs.get("data")!.value)).toEqual([
      { v: "security.png", line: 22, column: 9 },
      { v: "security.svg", line: 23, column: 9 },
    ]);
    expect(r.calls[2].kwargs.get("srcs")!.value).toMatchObject({
      t: "glob",
      include: { t: "list" },
    });
  });

  test("glob with exclude, positional or by keyword, and list + glob", () => {
    const r = parseBuild(
      'doc(name = "a", data = ["x.png"] + glob(["*.png", "*.svg"], exclude = ["logo.png"]))\ndoc(name = "b", data = glob(include = ["*.png"]))\n',
    );
    const a = r.calls[0].kwargs.get("data")!.value;
    expect(a.t).toBe("sum");
    if (a.t !== "sum") return;
    expect(a.parts[1]).toMatchObject({ t: "glob", include: { t: "list" }, exclude: { t: "list" } });
    expect(stringsOf((a.parts[1] as Extract<Value, { t: "glob" }>).exclude)).toEqual([
      { v: "logo.png", line: 1, column: 72 },
    ]);
    expect(r.calls[1].kwargs.get("data")!.value).toMatchObject({
      t: "glob",
      include: { t: "list" },
      exclude: null,
    });
  });

  test("what it cannot evaluate is unknown, never an error", () => {
    const text = `NAME = "x"
DOCS = [d for d in ["a", "b"]]
def helper(name, **kwargs):
    return name + "_%s" % kwargs.get("x", 1)

doc(
    name = NAME,
    src = select({"//cond": "a.md", "//conditions:default": "b.md"}),
    data = DOCS,
    weight = -1 if True else 2,
    permalink = "/docs/%s/" % NAME,
)
[doc(name = n, src = n + ".md") for n in ["p", "q"]]
`;
    const r = parseBuild(text);
    expect(r.error).toBeUndefined();
    const doc = r.calls.find((c) => c.kind === "doc")!;
    for (const k of ["name", "src", "data", "weight", "permalink"])
      expect(doc.kwargs.get(k)!.value.t).toBe("unknown");
    expect(r.nestedCalls.has("doc")).toBe(true);
  });

  test("a comprehension makes its own list unknown, not the list around it", () => {
    const r = parseBuild('doc(name = "d", data = [[x for x in y], "a.png"])\n');
    const data = r.calls[0].kwargs.get("data")!.value;
    expect(data).toMatchObject({ t: "list", items: [{ t: "unknown" }, { t: "str", v: "a.png" }] });
  });

  test(`brackets nested up to ${MAX_NESTING} deep are read; deeper, the file is not read (no stack overflow)`, () => {
    const nested = (n: number) =>
      `doc(name = "d", data = ${"[".repeat(n - 1)}${"]".repeat(n - 1)})\n`;
    const ok = parseBuild(nested(MAX_NESTING));
    expect(ok.error).toBeUndefined();
    expect(ok.calls.map((c) => c.kind)).toEqual(["doc"]);
    for (const n of [MAX_NESTING + 1, 2000, 100_000]) {
      const r = parseBuild(nested(n));
      expect(r.calls).toEqual([]);
      expect(r.error).toEqual({
        message: `brackets nested more than ${MAX_NESTING} deep`,
        line: 1,
        column: 23 + MAX_NESTING,
        beyondLimit: true,
      });
    }
    // A real syntax error is not one of the reader's limits.
    expect(parseBuild("doc(\n").error?.beyondLimit).toBeUndefined();
  });

  test("strings: escapes, raw, triple-quoted, single quotes", () => {
    const r = parseBuild(`x(a = 'it\\'s', b = r"a\\d", c = """two
lines""", d = "tab\\there")\n`);
    const kw = r.calls[0].kwargs;
    expect(kw.get("a")!.value).toMatchObject({ v: "it's" });
    expect(kw.get("b")!.value).toMatchObject({ v: "a\\d" });
    expect(kw.get("c")!.value).toMatchObject({ v: "two\nlines" });
    expect(kw.get("d")!.value).toMatchObject({ v: "tab\there" });
  });

  test.each([
    ['doc(\n    name = "a",\n    src = "a.md"\n    permalink = "/a/",\n)\n', 3, "missing comma"],
    ['doc(\n    name = "a",\n    src = "a" ".md",\n)\n', 3, "no implicit concatenation"],
    ['doc(\n    name = "a",\n    data = [\n        "x.png",\n)\n', 5, "does not match"],
    ['doc(\n    name = "a,\n)\n', 2, "unterminated string"],
    ['doc(\n    name = "a",\n', 1, "never closed"],
    ['doc(name = "a"))\n', 1, "closes nothing"],
    ["doc(name = $x)\n", 1, "unexpected character"],
    ['"""never\nclosed\n', 1, "unterminated string"],
  ])("a syntax error is reported once, with its line, never thrown (%#)", (text, line, what) => {
    const r = parseBuild(text);
    expect(r.calls).toEqual([]);
    expect(r.error).toMatchObject({ line });
    expect(r.error!.message).toContain(what);
  });

  test("comments, trailing commas, blank lines, line continuations and an empty file", () => {
    expect(parseBuild("")).toEqual({ calls: [], nestedCalls: new Set() });
    const r = parseBuild(
      '# only\n\ndoc(  # c\n    name = "a",  # c\n    src = \\\n        "a.md",\n)\n',
    );
    expect(r.error).toBeUndefined();
    expect(r.calls[0].kwargs.get("src")!.value).toMatchObject({ v: "a.md", line: 6 });
  });
});
