/** Rules that report on docs: undeclared-asset, asset-path, unpublished-doc, liquid-tag. */
import { describe, test, expect } from "@jest/globals";
import { lintDoc, lintChange } from "../../helpers/lint.js";

const rule = (name: string, body: string) => `doc(\n    name = "${name}",\n${body})\n`;
const PNG = "png";

describe("undeclared-asset", () => {
  const build = (data: string) =>
    rule(
      "security",
      `    src = "security.md",\n    category = "Architecture Guide",\n${data}    permalink = "/docs/architecture_guide/security/",\n`,
    );
  const doc =
    '# Security\n\n![Threat model](security.png "Threat model.")\n\n<img src="flow.svg">\n\n[The source](source.svg)\n';

  test("an image (Markdown or HTML) and a linked asset that exist but are not in data", async () => {
    const f = await lintDoc(doc, {
      rule: "undeclared-asset",
      path: "g3doc/architecture_guide/security.md",
      extra: {
        "g3doc/architecture_guide/BUILD": build('    data = [\n        "flow.svg",\n    ],\n'),
        "g3doc/architecture_guide/security.png": PNG,
        "g3doc/architecture_guide/flow.svg": "<svg/>",
        "g3doc/architecture_guide/source.svg": "<svg/>",
      },
    });
    expect(f.map((x) => [x.line, x.severity])).toEqual([
      [3, "error"],
      [7, "error"],
    ]);
    expect(f[0].message).toContain("`//g3doc/architecture_guide:security`");
    expect(f[0].message).toContain(
      'Add `"security.png",` to the `data` at g3doc/architecture_guide/BUILD:5',
    );
    expect(f[1].message).toContain("The file `source.svg`");
  });

  test("a rule without data says where to add it", async () => {
    const f = await lintDoc(doc, {
      rule: "undeclared-asset",
      path: "g3doc/architecture_guide/security.md",
      extra: {
        "g3doc/architecture_guide/BUILD": build(""),
        "g3doc/architecture_guide/security.png": PNG,
      },
    });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain(
      "a new `data = [...]` in the rule at g3doc/architecture_guide/BUILD:1",
    );
  });

  test("not reported: declared images, missing images (missing-asset's), external ones, unpublished docs, data that cannot be evaluated", async () => {
    const img = "# S\n\n![a](security.png)\n\n![b](nope.png)\n\n![c](https://example.com/c.png)\n";
    const extra = { "g3doc/architecture_guide/security.png": PNG };
    const p = "g3doc/architecture_guide/security.md";
    expect(
      await lintDoc(img, {
        rule: "undeclared-asset",
        path: p,
        extra: {
          ...extra,
          "g3doc/architecture_guide/BUILD": build('    data = ["security.png"],\n'),
        },
      }),
    ).toEqual([]);
    expect(
      await lintDoc(img, {
        rule: "undeclared-asset",
        path: p,
        extra: { ...extra, "g3doc/architecture_guide/BUILD": build("    data = IMAGES,\n") },
      }),
    ).toEqual([]);
    expect(
      await lintDoc(img, {
        rule: "undeclared-asset",
        path: p,
        extra: {
          ...extra,
          "g3doc/architecture_guide/BUILD": rule(
            "other",
            '    src = "other.md",\n    permalink = "/o/",\n',
          ),
          "g3doc/architecture_guide/other.md": "# O\n",
        },
      }),
    ).toEqual([]);
  });

  test("in a change: an image added with its doc line but not to data", async () => {
    const b = build("");
    const r = await lintChange(
      {
        "g3doc/architecture_guide/BUILD": b,
        "g3doc/architecture_guide/security.md": "# Security\n\nText.\n",
      },
      {
        "g3doc/architecture_guide/BUILD": b,
        "g3doc/architecture_guide/security.md":
          "# Security\n\n![Threat model](security.png)\n\nText.\n",
        "g3doc/architecture_guide/security.png": PNG,
      },
      { rule: "undeclared-asset" },
    );
    expect(r.findings.map((f) => [f.path, f.line, f.changed])).toEqual([
      ["g3doc/architecture_guide/security.md", 3, true],
    ]);
  });
});

describe("asset-path", () => {
  const build = rule(
    "doc",
    '    src = "doc.md",\n    data = ["//g3doc:Layers.png"],\n    permalink = "/docs/guide/doc/",\n',
  );

  test("an image through ../ or a sub-folder; the suggestion uses a file of that name next to the doc", async () => {
    const f = await lintDoc(
      "# Doc\n\n![Layers](../Layers.png)\n\n![Flow](img/flow.png)\n\n![Ok](./ok.png)\n",
      {
        rule: "asset-path",
        path: "g3doc/guide/doc.md",
        extra: {
          "g3doc/guide/BUILD": build,
          "g3doc/Layers.png": PNG,
          "g3doc/guide/img/flow.png": PNG,
          "g3doc/guide/flow.png": PNG,
          "g3doc/guide/ok.png": PNG,
        },
      },
    );
    expect(f.map((x) => [x.line, x.suggestion])).toEqual([
      [3, null],
      [5, "![Flow](flow.png)"],
    ]);
    expect(f[0].message).toContain("Move the file next to the doc (`g3doc/guide/Layers.png`)");
  });

  test("unpublished docs and missing files are not reported", async () => {
    expect(
      await lintDoc("# Doc\n\n![Flow](img/flow.png)\n", {
        rule: "asset-path",
        path: "g3doc/guide/other.md",
        extra: {
          "g3doc/guide/BUILD": build,
          "g3doc/guide/doc.md": "# D\n",
          "g3doc/guide/img/flow.png": PNG,
        },
      }),
    ).toEqual([]);
    expect(
      await lintDoc("# Doc\n\n![Flow](img/none.png)\n", {
        rule: "asset-path",
        path: "g3doc/guide/doc.md",
        extra: { "g3doc/guide/BUILD": build },
      }),
    ).toEqual([]);
  });
});

describe("unpublished-doc", () => {
  const build = rule(
    "gpu",
    '    src = "gpu.md",\n    category = "User Guide",\n    permalink = "/docs/user_guide/gpu/",\n',
  );
  const base = { "g3doc/user_guide/BUILD": build, "g3doc/user_guide/gpu.md": "# GPU\n" };

  test("a new doc without a rule: a warning proposing a rule like its siblings'", async () => {
    const r = await lintChange(
      base,
      { ...base, "g3doc/user_guide/tpu.md": "# TPU\n" },
      { rule: "unpublished-doc" },
    );
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      path: "g3doc/user_guide/tpu.md",
      line: 1,
      severity: "warning",
    });
    expect(r.findings[0].message).toContain(
      'doc(\n    name = "tpu",\n    src = "tpu.md",\n    category = "User Guide",\n    permalink = "/docs/user_guide/tpu/",\n)',
    );
  });

  test("a renamed doc whose rule still names the old file says so", async () => {
    const r = await lintChange(
      base,
      { "g3doc/user_guide/BUILD": build, "g3doc/user_guide/gpus.md": "# GPU\n" },
      { changeSet: { renames: { "g3doc/user_guide/gpu.md": "g3doc/user_guide/gpus.md" } } },
    );
    const f = r.findings.filter((x) => x.rule === "unpublished-doc");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('still has `src = "gpu.md"`');
    // and the BUILD line, with the new name
    expect(
      r.findings
        .filter((x) => x.rule === "build-data")
        .map((x) => [x.path, x.suggestion, x.causedByChange]),
    ).toEqual([["g3doc/user_guide/BUILD", '    src = "gpus.md",', true]]);
  });

  test("a modified doc is not this change's business; proposals are a notice; the folder list is configurable", async () => {
    const r = await lintChange(
      { ...base, "g3doc/user_guide/old.md": "# Old\n" },
      { ...base, "g3doc/user_guide/old.md": "# Old\n\nMore.\n" },
      { rule: "unpublished-doc" },
    );
    expect(r.findings).toEqual([]);
    const p = await lintDoc("# Idea\n", {
      rule: "unpublished-doc",
      path: "g3doc/proposals/idea.md",
      extra: base,
    });
    expect(p.map((x) => x.severity)).toEqual(["notice"]);
    const c = await lintDoc("# Idea\n", {
      rule: "unpublished-doc",
      path: "g3doc/proposals/idea.md",
      extra: base,
      config: { build: { unpublishedOk: [] } },
    });
    expect(c.map((x) => x.severity)).toEqual(["warning"]);
  });
});

describe("liquid-tag", () => {
  const extra = {
    "g3doc/BUILD": rule("doc", '    src = "doc.md",\n    permalink = "/docs/doc/",\n'),
  };
  const lint = (md: string, path = "g3doc/doc.md") =>
    lintDoc(md, { rule: "liquid-tag", path, extra });

  test("in code (fenced and spans) any {{ or {%; in prose {{ and unknown tags", async () => {
    const md = [
      "# Doc",
      "",
      "```shell",
      "$ docker inspect --format='{{.ID}}' runsc",
      "$ echo '{% weird %}'",
      "```",
      "",
      "Use `{{ .Values.x }}` in the chart, or {{ page.title }} here.",
      "",
      "A {% bogus %} tag.",
      "",
    ].join("\n");
    const f = await lint(md);
    expect(f.map((x) => [x.line, x.column, x.suggestion])).toEqual([
      [4, 28, "$ docker inspect --format='{% raw %}{{.ID}}{% endraw %}' runsc"],
      [5, 9, "$ echo '{% raw %}{% weird %}{% endraw %}'"],
      [8, 6, "Use `{% raw %}{{ .Values.x }}{% endraw %}` in the chart, or {{ page.title }} here."],
      [10, 3, "A {% raw %}{% bogus %}{% endraw %} tag."],
    ]);
    expect(f[3].message).toContain("unknown tag (`bogus`) fails the build");
  });

  test("not reported: {% raw %} regions, intended tags in prose ({% include %} over several lines), unpublished docs", async () => {
    const md =
      '# Doc\n\n```shell\n$ x --format=\'{% raw %}{{.ID}}{% endraw %}\'\n```\n\n{% include graph.html id="density" url="/performance/density.csv"\ntitle="perf.py density" %}\n\n{% raw %}\n`{{ a }}` {{ b }}\n{% endraw %}\n';
    expect(await lint(md)).toEqual([]);
    expect(await lint("# Doc\n\n`{{.ID}}`\n", "g3doc/other.md")).toEqual([]);
  });
});
