import { describe, test, expect } from "@jest/globals";
import { lintDoc, lintChange } from "../../helpers/lint.js";
import { brokenLink } from "../../../src/core/rules/assets-links/broken-link.js";
import type { ReviewContext } from "../../../src/core/rules/types.js";
import { runRule } from "./run-rule.js";

const RULE = "broken-link";
const lint = (md: string, extra: Record<string, string> = {}, path = "g3doc/user_guide/doc.md") =>
  lintDoc(md, { rule: RULE, path, extra });

describe("broken-link", () => {
  test("a link to a .md that exists, relative or with ./ and ../, is fine", async () => {
    const md = "# T\n\n[a](other.md), [b](./other.md), [c](../README.md), [d](other.md#x).\n";
    expect(
      await lint(md, { "g3doc/user_guide/other.md": "# O\n", "g3doc/README.md": "# R\n" }),
    ).toEqual([]);
  });

  test("a missing .md is an error on the link, naming the resolved path", async () => {
    const f = await lint("# T\n\nSee the [guide](../guide/setup.md) first.\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 3, column: 9, severity: "error", suggestion: null });
    expect(f[0].message).toContain("`g3doc/guide/setup.md`");
    expect(f[0].message).toContain("not in the repository");
  });

  test("a reference definition is reported on its own line", async () => {
    const f = await lint("# T\n\nSee [the guide][guide].\n\n[guide]: missing.md\n");
    expect(f.map((x) => [x.line, x.column])).toEqual([[5, 1]]);
    expect(f[0].message).toContain("g3doc/user_guide/missing.md");
  });

  test("HTML <a href> counts", async () => {
    const f = await lint('# T\n\n<p>\n  <a href="missing.md">Missing</a>\n</p>\n');
    expect(f.map((x) => [x.line, x.column])).toEqual([[4, 3]]);
  });

  test("URLs with a scheme, protocol-relative URLs and fragments alone are not checked", async () => {
    const md =
      "# T\n\n[a](https://example.com/x.md), [b](mailto:a@b.c), [c](//example.com/y.md), [d](#t), [e](ftp://x/y.md).\n";
    expect(await lint(md)).toEqual([]);
  });

  test("links to folders are fine when the folder exists", async () => {
    const md = "# T\n\n[a](tutorials/), [b](tutorials), [c](../), [d](./).\n";
    expect(await lint(md, { "g3doc/user_guide/tutorials/docker.md": "# D\n" })).toEqual([]);
  });

  test("non-.md files with an extension are missing-asset's, not broken-link's", async () => {
    const md = "# T\n\n[sample](docker.yaml) and [slides](talk.pdf).\n";
    expect(await lint(md)).toEqual([]);
    const all = await lintDoc(md, { path: "g3doc/user_guide/doc.md" });
    expect(all.filter((f) => f.rule === "missing-asset")).toHaveLength(2);
  });

  test("links in code are not links", async () => {
    expect(await lint("# T\n\n```md\n[a](missing.md)\n```\n\n`[a](missing.md)`\n")).toEqual([]);
  });

  test("a link that climbs above the repository root says so", async () => {
    const f = await lint("# T\n\n[x](../../../outside.md)\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 3, column: 1 });
    expect(f[0].message).toContain("above the repository root");
    expect(f[0].message).toContain("`../outside.md`");
  });

  test("an absolute /path.md starts at the repository root", async () => {
    expect(await lint("# T\n\n[c](/CONTRIBUTING.md)\n", { "CONTRIBUTING.md": "# C\n" })).toEqual(
      [],
    );
    const f = await lint("# T\n\n[c](/g3doc/nope.md)\n");
    expect(f[0].message).toContain("`g3doc/nope.md`");
  });

  test("absolute site permalinks (/docs/...) are the publishing rules' business", async () => {
    expect(
      await lint(
        "# T\n\n[a](/docs/user_guide/install/), [b](/community/), [c](/blog/2023/x/#y).\n",
      ),
    ).toEqual([]);
  });

  test("a wrong letter case is reported with the right path suggested", async () => {
    const f = await lint("# T\n\nRead the [FAQ](faq.md).\n", {
      "g3doc/user_guide/FAQ.md": "# FAQ\n",
    });
    expect(f).toHaveLength(1);
    expect(f[0].suggestion).toBe("Read the [FAQ](FAQ.md).");
    expect(f[0].message).toContain("case-sensitive");
  });

  describe("permalink-style links", () => {
    const extra = { "g3doc/user_guide/debugging.md": "# D\n" };

    test("without a BUILD model they are broken links, with the source doc suggested when there is one", async () => {
      const f = await lint(
        "# T\n\nIf you can, provide [debug logs](../debugging/).\n",
        extra,
        "g3doc/user_guide/compatibility.md",
      );
      expect(f).toHaveLength(1);
      expect(f[0]).toMatchObject({
        line: 3,
        column: 21,
        suggestion: "If you can, provide [debug logs](debugging.md).",
      });
      expect(f[0].message).toContain("permalink");
    });

    test("with no source doc to point at there is no suggestion", async () => {
      const f = await lint(
        "# T\n\nThe [list of syscalls](linux/amd64).\n",
        extra,
        "g3doc/user_guide/compatibility.md",
      );
      expect(f).toHaveLength(1);
      expect(f[0]).toMatchObject({ line: 3, column: 5, suggestion: null });
      expect(f[0].message).toContain("`g3doc/user_guide/linux/amd64`");
    });

    test("with a publishing model they are skipped (the publishing rules check them)", () => {
      const md = "# T\n\n[logs](../debugging/) and [syscalls](linux/amd64) and [x](missing.md).\n";
      const opts = { paths: Object.keys(extra) };
      expect(runRule(brokenLink, "g3doc/user_guide/compatibility.md", md, opts)).toHaveLength(3);
      const withModel = runRule(brokenLink, "g3doc/user_guide/compatibility.md", md, {
        ...opts,
        ctx: { publishing: {} as NonNullable<ReviewContext["publishing"]> },
      });
      expect(withModel.map((m) => m.column)).toEqual([55]);
    });
  });

  describe("in a change", () => {
    const linking = "# Index\n\nSee [the other doc](other.md).\n\nMore text.\n";

    test("deleting a doc reports the link in an untouched doc", async () => {
      const r = await lintChange(
        { "g3doc/index.md": linking, "g3doc/other.md": "# Other\n" },
        { "g3doc/index.md": linking },
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
        suggestion: null,
      });
      expect(r.findings[0].message).toContain("deleted");
      expect(r.findings[0].message).toContain("`g3doc/other.md`");
    });

    test("renaming a doc reports the link with the new path suggested", async () => {
      const r = await lintChange(
        { "g3doc/index.md": linking, "g3doc/other.md": "# Other\n" },
        { "g3doc/index.md": linking, "g3doc/guides/other.md": "# Other\n" },
        { rule: RULE, changeSet: { renames: { "g3doc/other.md": "g3doc/guides/other.md" } } },
      );
      expect(r.findings).toHaveLength(1);
      expect(r.findings[0]).toMatchObject({
        path: "g3doc/index.md",
        line: 3,
        causedByChange: true,
        suggestion: "See [the other doc](guides/other.md).",
      });
      expect(r.findings[0].message).toContain("renamed it to `g3doc/guides/other.md`");
    });

    test("a rename keeps the fragment and a reference definition is fixed in place", async () => {
      const doc = "# Index\n\nSee [the other doc][o].\n\n[o]: ./other.md#usage\n";
      const r = await lintChange(
        { "g3doc/index.md": doc, "g3doc/other.md": "# Other\n\n## Usage\n" },
        { "g3doc/index.md": doc, "g3doc/renamed.md": "# Other\n\n## Usage\n" },
        { rule: RULE, changeSet: { renames: { "g3doc/other.md": "g3doc/renamed.md" } } },
      );
      expect(r.findings.map((f) => [f.line, f.suggestion])).toEqual([[5, "[o]: renamed.md#usage"]]);
    });

    test("moving the doc that links breaks its relative links: reported with the fixed path", async () => {
      const doc = "# Moved\n\nSee [install](install.md).\n";
      const r = await lintChange(
        { "g3doc/user_guide/moved.md": doc, "g3doc/user_guide/install.md": "# I\n" },
        { "g3doc/user_guide/sub/moved.md": doc, "g3doc/user_guide/install.md": "# I\n" },
        {
          rule: RULE,
          changeSet: { renames: { "g3doc/user_guide/moved.md": "g3doc/user_guide/sub/moved.md" } },
        },
      );
      expect(r.findings).toHaveLength(1);
      expect(r.findings[0]).toMatchObject({
        path: "g3doc/user_guide/sub/moved.md",
        line: 3,
        causedByChange: true,
        suggestion: "See [install](../install.md).",
      });
    });

    test("moving a folder reports links to it, with the new folder suggested", async () => {
      const doc = "# Index\n\nThe [tutorials](tutorials/).\n";
      const r = await lintChange(
        { "g3doc/index.md": doc, "g3doc/tutorials/a.md": "# A\n" },
        { "g3doc/index.md": doc, "g3doc/guides/a.md": "# A\n" },
        { rule: RULE, changeSet: { renames: { "g3doc/tutorials/a.md": "g3doc/guides/a.md" } } },
      );
      expect(r.findings.map((f) => [f.line, f.causedByChange, f.suggestion])).toEqual([
        [3, true, "The [tutorials](guides/)."],
      ]);
    });

    test("a link broken before the change, on an untouched line, is not this change's business", async () => {
      const base = "# T\n\n[x](missing.md)\n\nOld.\n";
      const head = "# T\n\n[x](missing.md)\n\nNew.\n";
      const r = await lintChange(
        { "g3doc/doc.md": base },
        { "g3doc/doc.md": head },
        { rule: RULE },
      );
      expect(r.findings).toEqual([]);
      expect(r.allFindings.filter((f) => f.rule === RULE)).toHaveLength(1);
    });

    test("a broken link the change adds is reported and says the change does not add the target", async () => {
      const r = await lintChange(
        { "g3doc/doc.md": "# T\n" },
        { "g3doc/doc.md": "# T\n\n[x](missing.md)\n" },
        { rule: RULE },
      );
      expect(r.findings).toHaveLength(1);
      expect(r.findings[0]).toMatchObject({ line: 3, changed: true });
      expect(r.findings[0].message).toContain("this change does not add it");
    });

    test("a link to a doc the change adds is fine", async () => {
      const r = await lintChange(
        { "g3doc/doc.md": "# T\n" },
        { "g3doc/doc.md": "# T\n\n[x](new.md)\n", "g3doc/new.md": "# N\n" },
        { rule: RULE },
      );
      expect(r.findings).toEqual([]);
    });
  });
});
