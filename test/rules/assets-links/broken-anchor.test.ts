import { describe, test, expect } from "@jest/globals";
import { lintDoc, lintChange } from "../../helpers/lint.js";

const RULE = "broken-anchor";
const lint = (md: string, extra: Record<string, string | Buffer> = {}) =>
  lintDoc(md, { rule: RULE, extra });

describe("broken-anchor", () => {
  test("anchors of the same doc: GitHub slugs, kramdown ids, {#id}, HTML name/id, repeats", async () => {
    const md = [
      "# Title",
      "",
      "## Install `runsc` (latest)",
      "",
      "## Direct FS {#directfs}",
      "",
      '<a name="legacy"></a>',
      "",
      "## Usage",
      "",
      "## Usage",
      "",
      "[a](#install-runsc-latest) [b](#directfs) [c](#legacy) [d](#usage-1) [e](#install-runsc-latest)",
      "",
    ].join("\n");
    expect(await lint(md)).toEqual([]);
  });

  test("fragments are compared as written and lower-cased, after percent-decoding", async () => {
    const md =
      "# T\n\n## Café au lait\n\n[a](#Usage) [b](#caf%C3%A9-au-lait) [c](#USAGE)\n\n## Usage\n";
    expect(await lint(md)).toEqual([]);
  });

  test("a missing same-doc anchor is reported on the link", async () => {
    const f = await lint("# T\n\n## Usage\n\nSee [usage](#usages) and [x](#usage).\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 5, column: 5, severity: "warning" });
    expect(f[0].message).toContain("no heading of this doc");
  });

  test("a near miss (case, punctuation) gets the anchor suggested", async () => {
    const f = await lint("# T\n\n## Direct FS {#directfs}\n\nSee [it](#direct_fs).\n");
    expect(f).toHaveLength(1);
    expect(f[0].suggestion).toBe("See [it](#directfs).");
    expect(f[0].message).toContain("did you mean `#directfs`?");
  });

  test("cross-doc anchors are checked against the linked doc", async () => {
    const extra = { "g3doc/other.md": "# Other\n\n## Runtime handler\n" };
    expect(await lint("# T\n\n[ok](other.md#runtime-handler)\n", extra)).toEqual([]);
    const f = await lint("# T\n\nText.\n\n[bad](./other.md#handler)\n", extra);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 5, column: 1 });
    expect(f[0].message).toContain("`g3doc/other.md`");
  });

  test("reference definitions and <a href> are checked too", async () => {
    const f = await lint(
      '# T\n\n## Usage\n\n[x][u] and <a href="#nope">y</a>.\n\n[u]: #usage-guide\n',
    );
    expect(f.map((x) => [x.line, x.column])).toEqual([
      [5, 12],
      [7, 1],
    ]);
  });

  test("a fragment on a doc that is not there is broken-link's, not broken-anchor's", async () => {
    expect(await lint("# T\n\n[x](missing.md#usage)\n")).toEqual([]);
  });

  test("fragments on non-Markdown targets (#L12 on source files, folders, permalinks) are not checked", async () => {
    const extra = { "g3doc/runsc.go": "package main\n", "g3doc/sub/a.md": "# A\n" };
    expect(
      await lint(
        "# T\n\n[a](runsc.go#L12) [b](sub/#x) [c](../install/#nightly) [d](https://example.com/x.md#y)\n",
        extra,
      ),
    ).toEqual([]);
  });

  test("an empty fragment is the top of the page", async () => {
    expect(await lint("# T\n\n[top](#)\n")).toEqual([]);
  });

  test("anchors in code are not links", async () => {
    expect(await lint("# T\n\n```md\n[a](#nope)\n```\n\n`[a](#nope)`\n")).toEqual([]);
  });

  describe("in a change", () => {
    const other = (heading: string) => `# Other\n\n## ${heading}\n\nBody.\n\n## Usage\n`;
    const linking = "# Index\n\nSee [the handler](other.md#runtime-handler).\n\nMore.\n";

    test("renaming a heading reports links in untouched docs, with the new anchor suggested", async () => {
      const r = await lintChange(
        { "g3doc/index.md": linking, "g3doc/other.md": other("Runtime handler") },
        { "g3doc/index.md": linking, "g3doc/other.md": other("Runtime handlers") },
        { rule: RULE },
      );
      expect(r.impactDocs).toEqual(["g3doc/index.md"]);
      expect(r.findings).toHaveLength(1);
      expect(r.findings[0]).toMatchObject({
        path: "g3doc/index.md",
        line: 3,
        column: 5,
        changed: false,
        causedByChange: true,
        suggestion: "See [the handler](other.md#runtime-handlers).",
      });
      expect(r.findings[0].message).toContain("renamed the heading");
    });

    test("a renamed heading whose GitHub and kramdown anchors differ suggests the GitHub one", async () => {
      const link = "# Index\n\n[x](other.md#gpu_support)\n";
      const r = await lintChange(
        { "g3doc/index.md": link, "g3doc/other.md": other("GPU_support") },
        { "g3doc/index.md": link, "g3doc/other.md": other("GPU_support_v2") },
        { rule: RULE },
      );
      expect(r.findings.map((f) => f.suggestion)).toEqual(["[x](other.md#gpu_support_v2)"]);
    });

    test("removing a heading reports the link without a suggestion", async () => {
      const r = await lintChange(
        { "g3doc/index.md": linking, "g3doc/other.md": other("Runtime handler") },
        { "g3doc/index.md": linking, "g3doc/other.md": "# Other\n\nBody.\n\n## Usage\n" },
        { rule: RULE },
      );
      expect(r.findings).toHaveLength(1);
      expect(r.findings[0]).toMatchObject({ causedByChange: true, suggestion: null });
      expect(r.findings[0].message).toContain("renamed or removed");
    });

    test("a heading renamed in the same doc reports its own untouched links", async () => {
      const base = "# T\n\nSee [usage](#usage).\n\n## Usage\n";
      const head = "# T\n\nSee [usage](#usage).\n\n## How to use\n";
      const r = await lintChange(
        { "g3doc/doc.md": base },
        { "g3doc/doc.md": head },
        { rule: RULE },
      );
      expect(r.findings.map((f) => [f.line, f.causedByChange, f.suggestion])).toEqual([
        [3, true, "See [usage](#how-to-use)."],
      ]);
    });

    test("a link to a heading that was already broken before the change, on an untouched line, is not reported", async () => {
      const link = "# Index\n\n[x](other.md#never-there)\n\n[y](other.md#runtime-handler)\n";
      const r = await lintChange(
        { "g3doc/index.md": link, "g3doc/other.md": other("Runtime handler") },
        { "g3doc/index.md": link, "g3doc/other.md": other("Runtime handlers") },
        { rule: RULE },
      );
      expect(r.findings.map((f) => f.line)).toEqual([5]);
      expect(r.allFindings.filter((f) => f.rule === RULE).map((f) => f.line)).toEqual([3, 5]);
    });

    test("a broken anchor the change writes is reported on its line", async () => {
      const r = await lintChange(
        { "g3doc/index.md": "# Index\n", "g3doc/other.md": other("Runtime handler") },
        {
          "g3doc/index.md": "# Index\n\n[x](other.md#nope)\n",
          "g3doc/other.md": other("Runtime handler"),
        },
        { rule: RULE },
      );
      expect(r.findings.map((f) => [f.line, f.changed, f.causedByChange])).toEqual([
        [3, true, undefined],
      ]);
    });
  });
});
