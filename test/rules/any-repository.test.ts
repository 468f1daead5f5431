/**
 * Docs of repositories other than gVisor's: each case is the smallest
 * Markdown that showed a wrong or missing finding there, with what the rules
 * must report on it.
 */
import { describe, test, expect } from "@jest/globals";
import { lintDoc } from "../helpers/lint.js";
import type { UserConfig } from "../../src/config/load.js";
import { MemoryChangeSet, type Tree } from "../helpers/memory-changeset.js";
import { review } from "../../src/core/engine.js";
import { resolveConfig } from "../../src/config/load.js";

const doc = (...lines: string[]) => `# T\n\n${lines.join("\n")}\n`;
const lint = (md: string, rule: string, opts: { extra?: Tree; config?: UserConfig } = {}) =>
  lintDoc(md, { rule, ...opts });
const brief = (fs: { line: number; column: number; severity: string }[]) =>
  fs.map((f) => [f.line, f.column, f.severity]);

describe("1. undefined-reference: literal brackets are text", () => {
  const R = "undefined-reference";
  test.each([
    ["an interval", "A value in [0.0, 1.0] controls smoothness."],
    ["a package extra", "Install apache-beam[gcp] first."],
    ["a package extra in a table header", "| apache-beam[gcp] | x |\n| --- | --- |\n| a | b |"],
    ["a subscript in prose", "Call f(columns=['country'])."],
    ["a list of code spans", "The stage is not in [`PLANNED`, `ALPHA`]."],
    ["brackets around links", "Dockerfiles [[CPU](https://x), [GPU](https://y)]."],
  ])("%s", async (_what, line) => {
    expect(await lint(doc(line), R)).toEqual([]);
  });

  test("MkDocs autorefs resolves `[text][pkg.mod.Foo]` when mkdocs.yml enables it", async () => {
    const md = doc("See [`class Foo`][pkg.mod.Foo] and [pkg.mod.Bar][].");
    const on = "site_name: x\nplugins:\n  - search\n  - autorefs\n";
    expect(await lint(md, R, { extra: { "mkdocs.yml": on } })).toEqual([]);
    const strings = "plugins:\n  - mkdocstrings:\n      handlers: {}\n";
    expect(await lint(md, R, { extra: { "mkdocs.yml": strings } })).toEqual([]);
    // Without the plugin they are references with no definition.
    const off = "site_name: x\nplugins:\n  - search\n";
    expect(brief(await lint(md, R, { extra: { "mkdocs.yml": off } }))).toEqual([
      [3, 5, "error"],
      [3, 36, "error"],
    ]);
  });

  test("true hits stay: a full reference is an error, a lone label a warning, a split link an error", async () => {
    const f = await lint(
      doc(
        "Read [the guide][guide] and [install].",
        "",
        "A [link]",
        "(https://x.dev) split.",
        "",
        "[other]: https://x.dev",
      ),
      R,
    );
    expect(brief(f)).toEqual([
      [3, 6, "error"],
      [3, 29, "warning"],
      [5, 3, "error"],
    ]);
    expect(f[2].message).toContain("line break between `]` and `(`");
  });
});

describe("2. front matter is not Markdown", () => {
  const yaml =
    "---\ntitle: Install\ntags: [install, runsc]\n" + `description: ${"x".repeat(100)}\n---\n`;
  const toml =
    "+++\ntitle = 'Install'\ntags = [install, runsc]\n" +
    `description = '${"x".repeat(100)}'\n+++\n`;
  test.each([
    ["YAML", yaml],
    ["TOML", toml],
  ])("%s front matter gives no findings", async (_f, fm) => {
    const f = await lintDoc(`${fm}\n# Install\n\nText.\n`);
    expect(f.filter((x) => x.line <= 5)).toEqual([]);
  });
});

describe("3. broken-anchor: anchors as GitHub computes them", () => {
  const R = "broken-anchor";
  test("inline HTML and badges are not part of the slug", async () => {
    const md = doc(
      "## Platforms <!-- x -->",
      "",
      "## Build ![status](https://x/badge.svg)",
      "",
      "## <b>Bold</b> title",
      "",
      "See [p](#platforms), [b](#build) and [t](#bold-title).",
    );
    expect(await lint(md, R)).toEqual([]);
  });

  test("repeated headings get -1, -2; #top; unquoted ids", async () => {
    const md = doc(
      "## Setup",
      "",
      "## Setup",
      "",
      "<a id=legacy></a>",
      "",
      "[a](#setup-1) [b](#top) [c](#legacy)",
    );
    expect(await lint(md, R)).toEqual([]);
  });

  test("data-id and name on elements other than <a> are no anchors", async () => {
    const md = doc(
      '<div data-id="x"></div>',
      "",
      '<div name="y"></div>',
      "",
      '<a name="z"></a>',
      "",
      "[x](#x) [y](#y) [z](#z)",
    );
    expect((await lint(md, R)).map((f) => f.message.slice(0, 20))).toEqual([
      "Broken anchor `#x`: ",
      "Broken anchor `#y`: ",
    ]);
  });
});

test("4. line-length: inline HTML exempts nothing", async () => {
  const md = doc(`<b>Note:</b> ${"word ".repeat(20).trim()}`);
  expect((await lint(md, "line-length")).map((f) => f.line)).toEqual([3]);
  // An HTML block still may be long.
  expect(await lint(doc(`<div class="x">${"word ".repeat(20)}</div>`), "line-length")).toEqual([]);
});

describe("5. heading-style", () => {
  test("`##` then a no-break space is no heading", async () => {
    const f = await lint(doc("##\u00a0Install"), "heading-style");
    expect(f.map((x) => [x.line, x.suggestion])).toEqual([[3, "## Install"]]);
  });
  test("a closing `##` with no space before it", async () => {
    const f = await lint(doc("## Install##"), "heading-style");
    expect(f.map((x) => [x.line, x.suggestion])).toEqual([[3, "## Install"]]);
  });
});

describe("6. link-text", () => {
  test("code-span link text names a thing", async () => {
    expect(await lint(doc("Run [`more`](more.md)."), "link-text")).toEqual([]);
  });
  test("vague text wrapped over a line break", async () => {
    expect(
      (await lint(doc("To install, [click", "here](install.md)."), "link-text")).map((f) => f.line),
    ).toEqual([3]);
  });
});

test("7. unused-definition: a dead duplicate of a used label", async () => {
  const f = await lint(
    doc("See [the guide][guide].", "", "[guide]: a.md", "[guide]: b.md"),
    "unused-definition",
  );
  expect(f.map((x) => [x.line, x.suggestion])).toEqual([[6, ""]]);
  expect(f[0].message).toContain("Duplicate definition `[guide]`");
});

test("8. terminology: a suggestion that would pass the limit is rewrapped", async () => {
  const config: UserConfig = { terms: [{ use: "Kubernetes Engine", avoid: ["GKE"] }] };
  const line = `Run the sandbox on GKE with these options and all the rest of the ${"x".repeat(9)} text`;
  expect(line.length).toBeLessThanOrEqual(80);
  const [f] = await lint(doc(line, "and more."), "terminology", { config });
  expect(f.suggestion!.split("\n").every((l) => l.length <= 80)).toBe(true);
  expect(f.suggestion).toContain("Kubernetes Engine");
  expect(f.suggestion!.replace(/\s+/g, " ")).toBe(
    `${line.replace("GKE", "Kubernetes Engine")} and more.`,
  );
});

describe("9. list-marker", () => {
  test("a lazy continuation line is indented with its item", async () => {
    const [f] = await lint(doc("* Item with", "a lazy line.", "* Two", "  lines."), "list-marker");
    expect(f.suggestion).toBe("*   Item with\n    a lazy line.");
  });
  test("no suggestion that makes a line longer than the limit", async () => {
    const long = "x".repeat(77);
    const f = await lint(doc(`* ${long}`, `  ${long}`), "list-marker");
    expect(f).toHaveLength(1);
    expect(f[0].suggestion).toBeNull();
  });
  test("a finding covers its whole item, with or without a suggestion (fix re-indents all of it)", async () => {
    // Padding would push the lazy line past 80 columns: no suggestion, but the item is the finding.
    const f = await lint(
      doc(`1. ${"word ".repeat(15)}end`, `${"x".repeat(78)}`, "", "Text."),
      "list-marker",
    );
    expect(f.map((x) => [x.line, x.endLine, x.suggestion])).toEqual([[3, 4, null]]);
  });
  test("a small flat list of one-line items may use one space (Google's guide)", async () => {
    expect(await lint(doc("* One", "* Two", "* Three"), "list-marker")).toEqual([]);
    // An item over the limit is not one line: wrapping it (line-length) makes the list's
    // items span lines, so the whole list is padded now, not after the next fix.
    const long = `* ${"word ".repeat(17)}end.`;
    const found = await lint(doc("* One", long, "* Three"), "list-marker");
    expect(found.map((f) => [f.line, f.suggestion])).toEqual([
      [3, "*   One"],
      [4, `*   ${"word ".repeat(17)}end.`],
      [5, "*   Three"],
    ]);
    // gVisor's house style pads them too.
    expect(
      await lint(doc("* One", "* Two"), "list-marker", { config: { preset: "gvisor" } }),
    ).toHaveLength(2);
  });
});

describe("10. house style only where it belongs", () => {
  const build =
    'load("//website:defs.bzl", "doc")\n\ndoc(\n    name = "doc",\n    src = "doc.md",\n    category = "User Guide",\n    permalink = "/docs/doc/",\n)\n';
  test("without BUILD doc() rules: Google's style only, no house terms", async () => {
    expect(await lint(doc("A file system in user space."), "terminology")).toEqual([]);
    const [f] = await lint(doc("* Item", "  wrapped."), "list-marker");
    expect(f.message).toContain("Google's Markdown style");
    expect(f.message).not.toContain("gVisor");
  });
  test("docs published by BUILD doc() rules get gVisor's house style", async () => {
    const [f] = await lint(doc("A file system."), "terminology", {
      extra: { "g3doc/BUILD": build },
    });
    expect(f.message).toContain("gVisor's docs write 'filesystem'");
  });
  test("the preset can be named", async () => {
    expect(
      await lint(doc("A file system."), "terminology", { config: { preset: "gvisor" } }),
    ).toHaveLength(1);
    expect(
      await lint(doc("A file system."), "terminology", {
        config: { preset: "google" },
        extra: { "g3doc/BUILD": build },
      }),
    ).toEqual([]);
  });
});

describe("12. misses", () => {
  test("an empty link", async () => {
    expect((await lint(doc("See [the guide]()."), "empty-link")).map((f) => f.line)).toEqual([3]);
  });
  test("a code fence at column 0 inside a list item ends the list", async () => {
    const f = await lint(
      doc("1.  Install:", "", "```shell", "make", "```", "", "1.  Run."),
      "code-fence-indent",
    );
    expect(f.map((x) => x.line)).toEqual([5]);
  });
  test("a run of blank lines", async () => {
    const f = await lint(doc("One.", "", "", "", "Two."), "blank-lines");
    expect(f.map((x) => [x.line, x.endLine, x.suggestion])).toEqual([[4, 6, null]]);
  });
  test("an absolute link to a file of this repository that does not exist at head", async () => {
    const md = doc(
      "[a](https://github.com/acme/docs/blob/main/g3doc/gone.md)",
      "[b](https://github.com/acme/docs/blob/main/g3doc/doc.md)",
      "[c](https://github.com/other/repo/blob/main/nope.md)",
    );
    const cs = new MemoryChangeSet(null, { "g3doc/doc.md": md }, { repository: "Acme/docs" });
    const r = await review(cs, resolveConfig({}), { mode: "all" });
    expect(r.findings.filter((x) => x.rule === "broken-link").map((x) => x.line)).toEqual([3]);
  });
});

describe("13. no doc matched paths", () => {
  test("an audit says so, and how to set paths", async () => {
    const cs = new MemoryChangeSet(null, { "tensorflow_serving/g3doc/setup.md": "# Setup\n" });
    const r = await review(cs, resolveConfig({}), { mode: "all" });
    expect(r.docs).toEqual([]);
    expect(r.notes).toEqual([
      "0 docs matched `paths` (`g3doc/**/*.md`), so nothing was reviewed. Markdown files in g3doc " +
        "folders: `tensorflow_serving/g3doc/` (1); to review them, set " +
        '`paths: ["**/g3doc/**/*.md"]` in .github/g3doc-review.yml.',
    ]);
    const all = await review(cs, resolveConfig({ paths: ["**/g3doc/**/*.md"] }), { mode: "all" });
    expect(all.docs).toEqual(["tensorflow_serving/g3doc/setup.md"]);
    expect(all.notes).toEqual([]);
  });

  test("a change that touches no g3doc Markdown, or only removes a doc, gets no note", async () => {
    const cs = new MemoryChangeSet({ "src/a.go": "a" }, { "src/a.go": "b" });
    expect((await review(cs, resolveConfig({}), { mode: "change" })).notes).toEqual([]);
    const removed = new MemoryChangeSet(
      { "g3doc/a.md": "# A\n", "g3doc/b.md": "# B\n" },
      { "g3doc/b.md": "# B\n" },
    );
    expect((await review(removed, resolveConfig({}), { mode: "change" })).notes).toEqual([]);
  });

  test("a change to g3doc Markdown that paths misses gets the note", async () => {
    const cs = new MemoryChangeSet(
      { "tensorflow_serving/g3doc/a.md": "# A\n" },
      { "tensorflow_serving/g3doc/a.md": "# A\n\nMore.\n" },
    );
    const [note] = (await review(cs, resolveConfig({}), { mode: "change" })).notes;
    expect(note).toContain("0 docs matched `paths`");
    expect(note).toContain("`tensorflow_serving/g3doc/` (1)");
  });
});
