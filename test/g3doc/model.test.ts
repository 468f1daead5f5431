import { describe, test, expect } from "@jest/globals";
import { loadPublishing } from "../../src/core/g3doc/load.js";
import { canonicalLabel } from "../../src/core/g3doc/model.js";
import { resolveConfig } from "../../src/config/load.js";
import { docMatcher } from "../../src/core/docs-scope.js";
import type { ChangeInfo } from "../../src/core/rules/types.js";
import { MemoryChangeSet, type Tree } from "../helpers/memory-changeset.js";
import { lintDoc } from "../helpers/lint.js";
import { review } from "../../src/core/engine.js";
import { MAX_NESTING } from "../../src/core/g3doc/starlark.js";

const AUDIT: ChangeInfo = { mode: "all", deleted: new Set(), renamed: new Map(), added: new Set() };

async function load(tree: Tree, user = {}) {
  const cs = new MemoryChangeSet(null, tree);
  const config = resolveConfig(user);
  const pub = await loadPublishing(
    cs,
    await cs.listPaths("head"),
    config,
    AUDIT,
    docMatcher(config),
  );
  return { pub, cs };
}

const G3DOC_BUILD = `load("//website:defs.bzl", "doc")

doc(
    name = "index",
    src = "README.md",
    category = "Project",
    data = glob(
        [
            "*.png",
            "*.svg",
        ],
        exclude = ["logo.png"],
    ),
    permalink = "/docs/",
)
`;

const GUIDE_BUILD = `doc(
    name = "install",
    src = "install.md",
    category = "User Guide",
    permalink = "/docs/user_guide/install/",
)

doc(
    name = "cni",
    src = "tutorials/cni.md",
    permalink = "/docs/tutorials/cni/",
)
`;

describe("the publishing model", () => {
  test("rules, labels, data (glob with exclude, against the folder's own files), pages, packages", async () => {
    const { pub, cs } = await load({
      "g3doc/BUILD": G3DOC_BUILD,
      "g3doc/README.md": "# What is gVisor?\n",
      "g3doc/Layers.png": "png",
      "g3doc/Layers.svg": "<svg/>",
      "g3doc/logo.png": "png",
      "g3doc/user_guide/BUILD": GUIDE_BUILD,
      "g3doc/user_guide/install.md": "# Install\n",
      "g3doc/user_guide/x.png": "png",
      "g3doc/user_guide/tutorials/cni.md": "# CNI\n",
      "g3doc/user_guide/tutorials/pic.png": "png",
      "g3doc/notes/todo.md": "# Todo\n",
      "runsc/BUILD": 'go_binary(name = "runsc")\n',
    });
    expect(pub).toBeDefined();
    const index = pub!.ruleOfDoc("g3doc/README.md")!;
    expect(index).toMatchObject({
      label: "//g3doc:index",
      pkg: "g3doc",
      build: "g3doc/BUILD",
      line: 3,
      endLine: 15,
    });
    expect(index.name).toEqual({ value: "index", line: 4, column: 5 });
    expect(index.permalink).toEqual({ value: "/docs/", line: 14, column: 5 });
    expect([...index.data.files].sort()).toEqual(["g3doc/Layers.png", "g3doc/Layers.svg"]);
    expect(index.data.globs[0]).toMatchObject({
      include: ["*.png", "*.svg"],
      exclude: ["logo.png"],
      line: 7,
    });
    // A doc in a folder without BUILD belongs to the nearest package above it.
    expect(pub!.ruleOfDoc("g3doc/user_guide/tutorials/cni.md")!.label).toBe(
      "//g3doc/user_guide:cni",
    );
    expect(pub!.packageOf("g3doc/notes/todo.md")!.path).toBe("g3doc/BUILD");
    expect([...pub!.pages.keys()].sort()).toEqual([
      "/docs/",
      "/docs/tutorials/cni/",
      "/docs/user_guide/install/",
    ]);
    expect(pub!.pages.get("/docs/user_guide/install/")!.doc).toBe("g3doc/user_guide/install.md");
    expect(pub!.registry).toBeNull();
    expect(pub!.complete).toBe(true);
    // One batched read of the BUILD files, and only those that govern docs.
    expect(cs.reads).toEqual([{ side: "head", paths: ["g3doc/BUILD", "g3doc/user_guide/BUILD"] }]);
  });

  test('the registry: labels of docs(name = "docs") deps, relative ones resolved against website/', async () => {
    const { pub } = await load({
      "g3doc/BUILD": 'doc(name = "a", src = "a.md", permalink = "/docs/a/")\n',
      "g3doc/a.md": "# A\n",
      "website/BUILD":
        'load("//website:defs.bzl", "docs")\n\ngenrule(name = "files", srcs = [":docs"] + glob(["**"]), cmd = "x")\n\ndocs(\n    name = "docs",\n    deps = [\n        ":index",\n        "//g3doc:a",\n        "//g3doc/user_guide",\n        "@//g3doc:b",\n    ],\n)\n',
    });
    expect(pub!.registry).toMatchObject({ path: "website/BUILD", complete: true, line: 5 });
    expect([...pub!.registry!.labels]).toEqual([
      "//website:index",
      "//g3doc:a",
      "//g3doc/user_guide:user_guide",
      "//g3doc:b",
    ]);
  });

  test("canonical labels", () => {
    expect(canonicalLabel("x.png", "g3doc")).toBe("//g3doc:x.png");
    expect(canonicalLabel(":x", "")).toBe("//:x");
    expect(canonicalLabel("//g3doc/a", "z")).toBe("//g3doc/a:a");
    expect(canonicalLabel("@other//g3doc:a", "z")).toBeNull();
  });

  test("no BUILD file at all, or BUILD files without doc rules: no model", async () => {
    expect((await load({ "g3doc/a.md": "# A\n" })).pub).toBeUndefined();
    expect(
      (
        await load({
          "g3doc/a.md": "# A\n",
          "g3doc/BUILD": 'filegroup(name = "all", srcs = glob(["*"]))\n',
        })
      ).pub,
    ).toBeUndefined();
    expect(
      (await load({ "g3doc/a.md": "# A\n", BUILD: "this is ((( not starlark" })).pub,
    ).toBeUndefined();
    expect(
      (
        await load({
          "docs/a.md": "# A\n",
          "g3doc/BUILD": 'doc(name = "a", src = "a.md", permalink = "/a/")\n',
        })
      ).pub,
    ).toBeUndefined();
  });

  test("a BUILD file that cannot be read, or a computed name or src, makes its package incomplete", async () => {
    const broken = await load({
      "g3doc/a.md": "# A\n",
      "g3doc/BUILD": 'doc(\n    name = "a"\n    src = "a.md",\n)\n',
    });
    expect(broken.pub!.builds.get("g3doc/BUILD")).toMatchObject({
      incomplete: true,
      mentionsKind: true,
      error: { line: 2 },
    });
    expect(broken.pub!.complete).toBe(false);
    const computed = await load({
      "g3doc/a.md": "# A\n",
      "g3doc/BUILD":
        'NAME = "a"\n\ndoc(\n    name = NAME,\n    src = NAME + ".md",\n    permalink = "/a/",\n)\n\ndoc(\n    name = "b",\n    src = SRC,\n    permalink = "/b/",\n)\n',
    });
    expect(computed.pub!.rules.map((r) => r.label)).toEqual(["//g3doc:b"]);
    expect(computed.pub!.builds.get("g3doc/BUILD")!.incomplete).toBe(true);
  });
});

describe("no noise", () => {
  const DOC =
    "# Doc\n\nSee [the page](../debugging/) and [/docs/x/](/docs/x/).\n\n![Diagram](img/d.png)\n\n`{{.ID}}`\n";
  const PUB_RULES = [
    "undeclared-asset",
    "asset-path",
    "build-data",
    "build-syntax",
    "permalink",
    "unregistered-doc",
    "unpublished-doc",
    "permalink-link",
    "liquid-tag",
  ];

  test("a repository with no BUILD files gets no publishing finding", async () => {
    const f = await lintDoc(DOC, { extra: { "g3doc/img/d.png": "png" } });
    expect(f.filter((x) => PUB_RULES.includes(x.rule))).toEqual([]);
  });

  test("a malformed BUILD file: one build-syntax finding on it, nothing on its docs", async () => {
    const f = await lintDoc(DOC, {
      extra: {
        "g3doc/img/d.png": "png",
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md"\n    permalink = "/docs/doc/",\n)\n',
      },
    });
    const pub = f.filter((x) => PUB_RULES.includes(x.rule));
    expect(pub).toHaveLength(1);
    expect(pub[0]).toMatchObject({
      rule: "build-syntax",
      path: "g3doc/BUILD",
      line: 3,
      column: 11,
      severity: "error",
    });
    expect(pub[0].message).toContain("missing comma");
  });

  test("a BUILD file nested 2,000 deep: a note naming it, no finding on it or its docs, no crash", async () => {
    const deep = `doc(\n    name = "doc",\n    src = "doc.md",\n    data = ${"[".repeat(2000)}${"]".repeat(2000)},\n)\n`;
    const cs = new MemoryChangeSet(null, {
      "g3doc/doc.md": DOC,
      "g3doc/img/d.png": "png",
      "g3doc/BUILD": deep,
    });
    const r = await review(cs, resolveConfig({}), { mode: "all" });
    expect(r.findings.filter((x) => PUB_RULES.includes(x.rule))).toEqual([]);
    expect(r.notes).toEqual([
      `g3doc/BUILD: skipped, line 4 has brackets nested more than ${MAX_NESTING} deep, so the docs of g3doc get no publishing checks.`,
    ]);
  });

  test("many doc() rules: duplicate permalinks, siblings and pages found through the model's indexes", async () => {
    const n = 3000;
    const rules = Array.from(
      { length: n },
      (_, i) =>
        `doc(\n    name = "d${i}",\n    src = "d${i}.md",\n    category = "Project",\n    permalink = "/docs/d${i % (n - 1)}/",\n)\n`,
    );
    const { pub } = await load({ "g3doc/BUILD": rules.join("\n"), "g3doc/d0.md": "# D\n" });
    expect(pub!.rules).toHaveLength(n);
    // d0 and the last rule share /docs/d0/.
    expect(pub!.rulesOfPage("/docs/d0").map((r) => r.label)).toEqual([
      "//g3doc:d0",
      `//g3doc:d${n - 1}`,
    ]);
    expect(pub!.rulesOfPackage("g3doc")).toHaveLength(n);
    expect(pub!.rulesOfPackage("other")).toEqual([]);
    expect(pub!.pagesNamed("D0").map((p) => p.doc)).toEqual(["g3doc/d0.md"]);
    const f = await lintDoc("# D\n", {
      path: "g3doc/d0.md",
      extra: { "g3doc/BUILD": rules.join("\n") },
    });
    const dup = f.filter((x) => x.rule === "permalink" && /also the permalink/.test(x.message));
    expect(dup.map((x) => x.line)).toEqual([5, 7 * (n - 1) + 5]);
  });

  test("a rule with a computed name: skipped, and its package's docs are not called unpublished", async () => {
    const f = await lintDoc(DOC, {
      extra: {
        "g3doc/img/d.png": "png",
        "g3doc/BUILD":
          'NAME = "doc"\n\ndoc(\n    name = NAME,\n    src = "doc.md",\n    permalink = "/docs/doc/",\n)\n',
      },
    });
    expect(f.filter((x) => PUB_RULES.includes(x.rule))).toEqual([]);
  });

  test("glob with exclude: an excluded image is undeclared, a matched one is not", async () => {
    const build =
      'doc(\n    name = "doc",\n    src = "doc.md",\n    data = glob(["*.png"], exclude = ["b.png"]),\n    permalink = "/docs/doc/",\n)\n';
    const f = await lintDoc("# Doc\n\n![A](a.png)\n\n![B](b.png)\n", {
      extra: { "g3doc/a.png": "png", "g3doc/b.png": "png", "g3doc/BUILD": build },
    });
    expect(f.filter((x) => PUB_RULES.includes(x.rule)).map((x) => [x.rule, x.line])).toEqual([
      ["undeclared-asset", 5],
    ]);
  });
});
