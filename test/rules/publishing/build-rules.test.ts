/** Rules that report on BUILD files: build-syntax, build-data, permalink, unregistered-doc; and how the diff filter treats BUILD lines. */
import { describe, test, expect } from "@jest/globals";
import { lintDoc, lintChange } from "../../helpers/lint.js";

const rule = (name: string, body: string) => `doc(\n    name = "${name}",\n${body})\n`;
const DOC = "# Doc\n";

describe("build-data", () => {
  test("a data entry and a src that name no file, on their BUILD lines", async () => {
    const build =
      rule(
        "doc",
        '    src = "doc.md",\n    data = [\n        "here.png",\n        "gone.png",\n    ],\n    permalink = "/docs/doc/",\n',
      ) +
      "\n" +
      rule("old", '    src = "old.md",\n    permalink = "/docs/old/",\n');
    const f = await lintDoc(DOC, {
      rule: "build-data",
      extra: { "g3doc/BUILD": build, "g3doc/here.png": "png" },
    });
    expect(f.map((x) => [x.path, x.line, x.column])).toEqual([
      ["g3doc/BUILD", 6, 9],
      ["g3doc/BUILD", 13, 11],
    ]);
    expect(f[0].message).toContain('`"gone.png"` of `//g3doc:doc` names no file');
    expect(f[1].message).toContain("`src`");
  });

  test("a target of the package (filegroup) and a file of another package that was not read are not reported", async () => {
    const build =
      'filegroup(name = "images", srcs = glob(["*.png"]))\n\n' +
      rule(
        "doc",
        '    src = "doc.md",\n    data = [":images", "//website:logo.png"],\n    permalink = "/docs/doc/",\n',
      );
    expect(await lintDoc(DOC, { rule: "build-data", extra: { "g3doc/BUILD": build } })).toEqual([]);
  });

  test("a case mistake suggests the file's real name", async () => {
    const build = rule(
      "doc",
      '    src = "doc.md",\n    data = [\n        "Diagram.png",\n    ],\n    permalink = "/docs/doc/",\n',
    );
    const f = await lintDoc(DOC, {
      rule: "build-data",
      extra: { "g3doc/BUILD": build, "g3doc/diagram.png": "png" },
    });
    expect(f).toHaveLength(1);
    expect(f[0].suggestion).toBe('        "diagram.png",');
  });

  test("an empty glob is a warning; a number weight and a string include_in_menu are errors with a fix", async () => {
    const build = rule(
      "doc",
      '    src = "doc.md",\n    data = glob(["*.gif"]),\n    include_in_menu = "False",\n    permalink = "/docs/doc/",\n    weight = 10,\n',
    );
    const f = await lintDoc(DOC, { rule: "build-data", extra: { "g3doc/BUILD": build } });
    expect(f.map((x) => [x.line, x.severity, x.suggestion])).toEqual([
      [4, "warning", null],
      [5, "error", "    include_in_menu = False,"],
      [7, "error", '    weight = "10",'],
    ]);
  });

  test("a change that deletes an image still listed in data: reported on the untouched BUILD line, caused by the change", async () => {
    const build = rule(
      "doc",
      '    src = "doc.md",\n    data = [\n        "d.png",\n    ],\n    permalink = "/docs/doc/",\n',
    );
    const r = await lintChange(
      { "g3doc/BUILD": build, "g3doc/doc.md": DOC, "g3doc/d.png": "png" },
      { "g3doc/BUILD": build, "g3doc/doc.md": DOC },
      { rule: "build-data" },
    );
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      path: "g3doc/BUILD",
      line: 5,
      changed: false,
      causedByChange: true,
    });
    expect(r.findings[0].message).toContain("this change deleted it");
  });
});

describe("build-syntax", () => {
  test("one finding at the first error; the BUILD of a folder without doc rules that cannot be read is not ours", async () => {
    const f = await lintDoc(DOC, {
      rule: "build-syntax",
      extra: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n    data = ["a.png" "b.png"],\n    permalink = "/docs/doc/"\n    weight = "1",\n)\n',
      },
    });
    expect(f.map((x) => [x.path, x.line])).toEqual([["g3doc/BUILD", 4]]);
    expect(f[0].message).toContain("two strings side by side");
    const other = await lintDoc(DOC, {
      rule: "build-syntax",
      extra: {
        "g3doc/BUILD": rule("doc", '    src = "doc.md",\n    permalink = "/docs/doc/",\n'),
        "g3doc/sub/BUILD": "go_library(\n",
        "g3doc/sub/x.md": "# X\n",
      },
    });
    expect(other).toEqual([]);
  });

  test("in a change, only when the BUILD file changed", async () => {
    const bad = 'doc(\n    name = "doc",\n    src = "doc.md"\n    permalink = "/docs/doc/",\n)\n';
    const untouched = await lintChange(
      { "g3doc/BUILD": bad, "g3doc/doc.md": DOC },
      { "g3doc/BUILD": bad, "g3doc/doc.md": "# Doc\n\nMore.\n" },
      { rule: "build-syntax" },
    );
    expect(untouched.findings).toEqual([]);
    expect(untouched.allFindings.filter((f) => f.rule === "build-syntax")).toHaveLength(1);
    const good = bad.replace('"doc.md"\n', '"doc.md",\n');
    const broke = await lintChange(
      { "g3doc/BUILD": good, "g3doc/doc.md": DOC },
      { "g3doc/BUILD": bad, "g3doc/doc.md": DOC },
      { rule: "build-syntax" },
    );
    expect(broke.findings.map((f) => [f.path, f.line, f.changed])).toEqual([
      ["g3doc/BUILD", 3, true],
    ]);
  });
});

describe("permalink", () => {
  test("no final slash (with the fix), no leading slash, a duplicate, an unknown category (with the near one), a missing permalink", async () => {
    const build = [
      rule("a", '    src = "a.md",\n    category = "User guide",\n    permalink = "/docs/a",\n'),
      rule("b", '    src = "b.md",\n    category = "User Guide",\n    permalink = "docs/b/",\n'),
      rule("c", '    src = "c.md",\n    category = "Misc",\n    permalink = "/docs/a/",\n'),
      rule("d", '    src = "d.md",\n'),
    ].join("\n");
    const f = await lintDoc("# A\n", {
      rule: "permalink",
      path: "g3doc/a.md",
      extra: {
        "g3doc/BUILD": build,
        "g3doc/b.md": "# B\n",
        "g3doc/c.md": "# C\n",
        "g3doc/d.md": "# D\n",
      },
    });
    expect(f.map((x) => [x.line, x.suggestion])).toEqual([
      [4, '    category = "User Guide",'],
      [5, '    permalink = "/docs/a/",'],
      [5, null],
      [12, '    permalink = "/docs/b/",'],
      [18, null],
      [19, null],
      [22, null],
    ]);
    expect(f[1].message).toContain("must end with `/`");
    expect(f[2].message).toContain("also the permalink of `//g3doc:c`");
    expect(f[4].message).toContain("`Misc`");
    expect(f[5].message).toContain("also the permalink of `//g3doc:a`");
    expect(f[6].message).toContain("has no `permalink`");
  });

  test("one permalink shared by many rules: each finding names three of the others and counts the rest", async () => {
    // Each finding used to list every other rule: 2,000 rules on one page made
    // 2,000 messages of 1,999 labels (about 160 MB of text from one BUILD file).
    const n = 2000;
    const build = Array.from({ length: n }, (_, i) =>
      rule(
        `d${i}`,
        `    src = "d${i}.md",\n    category = "Project",\n    permalink = "/docs/same/",\n`,
      ),
    ).join("\n");
    const f = await lintDoc("# D\n", {
      rule: "permalink",
      path: "g3doc/d0.md",
      extra: { "g3doc/BUILD": build },
    });
    expect(f).toHaveLength(n);
    expect(f[0].message).toBe(
      "Permalink `/docs/same/` of `//g3doc:d0` is also the permalink of " +
        "`//g3doc:d1` (g3doc/BUILD:12), `//g3doc:d2` (g3doc/BUILD:19), " +
        `\`//g3doc:d3\` (g3doc/BUILD:26) and ${n - 4} more: these rules write the same ` +
        "page, so one doc hides the others. Give each doc its own permalink.",
    );
    expect(f[2].message).toContain(
      "is also the permalink of `//g3doc:d0` (g3doc/BUILD:5), `//g3doc:d1` (g3doc/BUILD:12), " +
        `\`//g3doc:d3\` (g3doc/BUILD:26) and ${n - 4} more:`,
    );
    expect(Math.max(...f.map((x) => x.message.length))).toBeLessThan(400);
  });

  test("a permalink shared by two or three rules names every other one", async () => {
    const three = ["a", "b", "c"]
      .map((x) =>
        rule(x, `    src = "${x}.md",\n    category = "Project",\n    permalink = "/docs/x/",\n`),
      )
      .join("\n");
    const f = await lintDoc("# A\n", {
      rule: "permalink",
      path: "g3doc/a.md",
      extra: { "g3doc/BUILD": three },
    });
    expect(
      f.map((x) =>
        x.message.replace(/^.* is also the permalink of (.*): (\w+) rules .*$/, "$1 | $2"),
      ),
    ).toEqual([
      "`//g3doc:b` (g3doc/BUILD:12), `//g3doc:c` (g3doc/BUILD:19) | these",
      "`//g3doc:a` (g3doc/BUILD:5), `//g3doc:c` (g3doc/BUILD:19) | these",
      "`//g3doc:a` (g3doc/BUILD:5), `//g3doc:b` (g3doc/BUILD:12) | these",
    ]);
    const two = await lintDoc("# A\n", {
      rule: "permalink",
      path: "g3doc/a.md",
      extra: {
        "g3doc/BUILD": three.replace(
          /permalink = "\/docs\/x\/",\n\)\n$/,
          'permalink = "/docs/y/",\n)\n',
        ),
      },
    });
    expect(
      two.map((x) =>
        x.message.replace(/^.* is also the permalink of (.*): (\w+) rules .*$/, "$1 | $2"),
      ),
    ).toEqual(["`//g3doc:b` (g3doc/BUILD:12) | both", "`//g3doc:a` (g3doc/BUILD:5) | both"]);
    expect(f.every((x) => x.message.includes("one doc hides the others."))).toBe(true);
    expect(two.every((x) => x.message.includes("one doc hides the other."))).toBe(true);
  });

  test("the categories are configurable", async () => {
    const build = rule(
      "a",
      '    src = "a.md",\n    category = "Misc",\n    permalink = "/docs/a/",\n',
    );
    expect(
      await lintDoc("# A\n", {
        rule: "permalink",
        path: "g3doc/a.md",
        extra: { "g3doc/BUILD": build },
        config: { build: { categories: ["Misc"] } },
      }),
    ).toEqual([]);
  });
});

describe("unregistered-doc", () => {
  const website = (deps: string[]) =>
    `docs(\n    name = "docs",\n    deps = [\n${deps.map((d) => `        "${d}",`).join("\n")}\n    ],\n)\n`;
  const build =
    rule("a", '    src = "a.md",\n    permalink = "/docs/a/",\n') +
    "\n" +
    rule("b", '    src = "b.md",\n    permalink = "/docs/b/",\n');

  test('a rule missing from the deps of website/BUILD\'s docs(name = "docs"), on its name line', async () => {
    const f = await lintDoc("# A\n", {
      rule: "unregistered-doc",
      path: "g3doc/a.md",
      extra: {
        "g3doc/BUILD": build,
        "g3doc/b.md": "# B\n",
        "website/BUILD": website(["//g3doc:a"]),
      },
    });
    expect(f.map((x) => [x.path, x.line])).toEqual([["g3doc/BUILD", 8]]);
    expect(f[0].message).toContain('add `"//g3doc:b",`');
  });

  test("no website/BUILD, or deps it cannot read completely, or another registry path: nothing", async () => {
    const extra = { "g3doc/BUILD": build, "g3doc/b.md": "# B\n" };
    expect(await lintDoc("# A\n", { rule: "unregistered-doc", path: "g3doc/a.md", extra })).toEqual(
      [],
    );
    expect(
      await lintDoc("# A\n", {
        rule: "unregistered-doc",
        path: "g3doc/a.md",
        extra: { ...extra, "website/BUILD": 'docs(name = "docs", deps = DOCS + ["//g3doc:a"])\n' },
      }),
    ).toEqual([]);
    expect(
      await lintDoc("# A\n", {
        rule: "unregistered-doc",
        path: "g3doc/a.md",
        extra: { ...extra, "website/BUILD": website([]) },
        config: { build: { registry: null } },
      }),
    ).toEqual([]);
    const f = await lintDoc("# A\n", {
      rule: "unregistered-doc",
      path: "g3doc/a.md",
      extra: {
        ...extra,
        "site/BUILD.bazel": website(["//g3doc:a", "//g3doc:b"]),
        "website/BUILD": website([]),
      },
      config: { build: { registry: "site/BUILD.bazel" } },
    });
    expect(f).toEqual([]);
  });
});
