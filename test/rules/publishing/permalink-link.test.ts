import { describe, test, expect } from "@jest/globals";
import { lintDoc, lintChange } from "../../helpers/lint.js";
import type { Tree } from "../../helpers/memory-changeset.js";

const rule = (name: string, src: string, permalink: string) =>
  `doc(\n    name = "${name}",\n    src = "${src}",\n    permalink = "${permalink}",\n)\n`;
const GUIDE_BUILD = [
  rule("compatibility", "compatibility.md", "/docs/user_guide/compatibility/"),
  rule("debugging", "debugging.md", "/docs/user_guide/debugging/"),
  rule("install", "install.md", "/docs/user_guide/install/"),
].join("\n");
const TREE: Tree = {
  "g3doc/user_guide/BUILD": GUIDE_BUILD,
  "g3doc/user_guide/debugging.md": "# Debugging\n\n## Logs\n",
  "g3doc/user_guide/install.md":
    "# Install\n\n## Install latest release {#install-latest}\n\n### Nightly\n",
  "g3doc/tutorials/BUILD": rule("cni", "cni.md", "/docs/tutorials/cni/"),
  "g3doc/tutorials/cni.md": "# CNI\n",
};
const lint = (md: string, tree: Tree = TREE, config = {}) =>
  lintDoc(md, {
    rule: "permalink-link",
    path: "g3doc/user_guide/compatibility.md",
    extra: tree,
    config,
  });

describe("permalink-link", () => {
  test("a relative page link to a known page: a notice, with the .md link suggested (fragment kept)", async () => {
    const f = await lint(
      "# C\n\nSee the [logs](../debugging/) and [nightly](../install/#nightly).\n\n[cni]: ../../tutorials/cni/\n\nUse [cni].\n",
    );
    expect(f.map((x) => [x.line, x.severity, x.suggestion])).toEqual([
      [3, "notice", "See the [logs](debugging.md) and [nightly](install.md#nightly)."],
      [3, "notice", null],
      [5, "notice", "[cni]: ../tutorials/cni.md"],
    ]);
    expect(f[0].message).toContain("`/docs/user_guide/debugging/`");
    expect(f[0].message).toContain("not on GitHub");
  });

  test("a generated page from build.knownPages: a notice without suggestion", async () => {
    const f = await lint("# C\n\nThe [syscall table](linux/amd64).\n");
    expect(f.map((x) => [x.severity, x.suggestion])).toEqual([["notice", null]]);
    expect(f[0].message).toContain(
      "`/docs/user_guide/compatibility/linux/amd64` (a generated page)",
    );
  });

  test("an unknown page, relative or absolute: an error, with the likely page suggested", async () => {
    const f = await lint(
      "# C\n\nSee [debugging](../debuging/), [the FAQ](/docs/user_guide/faq/) and [CNI](/docs/tutorial/cni/).\n",
    );
    expect(f.map((x) => [x.severity, x.suggestion])).toEqual([
      ["error", null],
      ["error", null],
      [
        "error",
        "See [debugging](../debuging/), [the FAQ](/docs/user_guide/faq/) and [CNI](/docs/tutorials/cni/).",
      ],
    ]);
    expect(f[0].message).toContain(
      "resolves against this doc's page `/docs/user_guide/compatibility/` to `/docs/user_guide/debuging/`",
    );
  });

  test("not reported: absolute links to known pages (with or without the final slash), other site paths, files, folders, external URLs", async () => {
    const md =
      "# C\n\n[a](/docs/user_guide/install/) [b](/docs/user_guide/install) [c](/blog/2023/06/20/post/) [d](/users) [e](/performance/x.csv)\n[f](debugging.md) [g](../tutorials) [h](https://gvisor.dev/docs/nowhere/) [i](#top) [j](mailto:a@b.c)\n[k](/community/governance/) [l](/docs/user_guide/compatibility/linux/arm64/)\n";
    expect(await lint(md)).toEqual([]);
  });

  test("a fragment on a page link must be an anchor of the page's doc (GitHub slug, kramdown slug or {#id})", async () => {
    const f = await lint(
      "# C\n\n[a](/docs/user_guide/install/#install-latest) [b](/docs/user_guide/install/#nightly) [c](/docs/user_guide/install/#latest)\n",
    );
    expect(f.map((x) => [x.severity, x.column])).toEqual([["warning", 86]]);
    expect(f[0].message).toContain("`#latest` is not an anchor of `g3doc/user_guide/install.md`");
  });

  test("a docs tree that is not fully known: unknown pages are not reported", async () => {
    const tree = {
      ...TREE,
      "g3doc/tutorials/BUILD":
        'NAME = "cni"\ndoc(\n    name = NAME,\n    src = "cni.md",\n    permalink = "/docs/tutorials/cni/",\n)\n',
    };
    expect(await lint("# C\n\n[x](/docs/nowhere/)\n", tree)).toEqual([]);
  });
});

describe("permalink-link: what a change breaks elsewhere", () => {
  const FAQ =
    "# FAQ\n\nSee [the logs][logs] and [install](/docs/user_guide/install/#install-latest).\n\n[logs]: /docs/user_guide/debugging/\n";
  const base: Tree = {
    ...TREE,
    "g3doc/user_guide/compatibility.md": "# C\n",
    "g3doc/user_guide/FAQ.md": FAQ,
  };

  test("a doc deleted: links to its page in other docs are errors caused by the change", async () => {
    const { "g3doc/user_guide/debugging.md": _d, ...head } = base;
    const r = await lintChange(base, head, { rule: "permalink-link" });
    expect(r.findings.map((f) => [f.path, f.line, f.severity, f.causedByChange])).toEqual([
      ["g3doc/user_guide/FAQ.md", 5, "error", true],
    ]);
    expect(r.findings[0].message).toContain(
      "this change deleted its doc `g3doc/user_guide/debugging.md`",
    );
  });

  test("a permalink moved in BUILD only: the old links are reported with the new permalink suggested", async () => {
    const head = {
      ...base,
      "g3doc/user_guide/BUILD": GUIDE_BUILD.replace(
        "/docs/user_guide/debugging/",
        "/docs/user_guide/debug/",
      ),
    };
    const r = await lintChange(base, head, { rule: "permalink-link" });
    expect(r.impactDocs).toContain("g3doc/user_guide/FAQ.md");
    expect(r.findings.map((f) => [f.path, f.line, f.suggestion])).toEqual([
      ["g3doc/user_guide/FAQ.md", 5, "[logs]: /docs/user_guide/debug/"],
    ]);
    expect(r.findings[0].message).toContain(
      "this change moved `//g3doc/user_guide:debugging` to `/docs/user_guide/debug/`",
    );
  });

  test("a rule removed: reported", async () => {
    const head = {
      ...base,
      "g3doc/user_guide/BUILD": GUIDE_BUILD.replace(
        rule("debugging", "debugging.md", "/docs/user_guide/debugging/") + "\n",
        "",
      ),
    };
    const r = await lintChange(base, head, { rule: "permalink-link" });
    expect(r.findings.map((f) => f.message)).toEqual([
      expect.stringContaining("this change removed the doc() rule `//g3doc/user_guide:debugging`"),
    ]);
  });

  test("a heading renamed: links to its old anchor through the page URL are reported in other docs", async () => {
    const head = {
      ...base,
      "g3doc/user_guide/install.md": base["g3doc/user_guide/install.md"]
        .toString()
        .replace("## Install latest release {#install-latest}", "## Install the latest release"),
    };
    const r = await lintChange(base, head, { rule: "permalink-link" });
    expect(r.findings.map((f) => [f.path, f.line, f.severity, f.causedByChange])).toEqual([
      ["g3doc/user_guide/FAQ.md", 3, "warning", true],
    ]);
    expect(r.findings[0].message).toContain("this change removed or renamed that heading");
  });

  test("an unrelated change reports nothing in other docs", async () => {
    const head = { ...base, "g3doc/user_guide/debugging.md": "# Debugging\n\n## Logs\n\nMore.\n" };
    const r = await lintChange(
      { ...base, "g3doc/user_guide/FAQ.md": FAQ + "\n[x]: /docs/nowhere/\n" },
      { ...head, "g3doc/user_guide/FAQ.md": FAQ + "\n[x]: /docs/nowhere/\n" },
      { rule: "permalink-link" },
    );
    expect(r.findings).toEqual([]);
  });
});
