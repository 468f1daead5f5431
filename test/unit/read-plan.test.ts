/**
 * The read plan (src/core/plan/reads.ts): which files a review reads, from
 * the changed files, the paths at head and the config alone.
 */
import { describe, expect, test } from "@jest/globals";
import { resolveConfig } from "../../src/config/load.js";
import type { ChangedFile } from "../../src/core/changeset.js";
import { firstReads, planReads } from "../../src/core/plan/reads.js";
import { docMatcher, matcherAnswersHeld, MATCHER_MEMO } from "../../src/core/docs-scope.js";

const config = resolveConfig({});
const head = [
  "g3doc/BUILD",
  "g3doc/index.md",
  "g3doc/user_guide/BUILD",
  "g3doc/user_guide/BUILD.bazel",
  "g3doc/user_guide/install.md",
  "g3doc/user_guide/nested/deep.md",
  "g3doc/loose/mkdocs.yml",
  "website/BUILD",
  "src/BUILD",
  "README.md",
];
const file = (
  path: string,
  status: ChangedFile["status"],
  patch: string | null = "@@ -1 +1 @@\n-a\n+b\n",
): ChangedFile => ({ path, status, patch });

describe("the read plan", () => {
  test("the BUILD file of each doc's package (BUILD.bazel wins), the registry, mkdocs configs, the reviewed docs", () => {
    const plan = planReads({
      config,
      headList: head,
      files: [file("g3doc/user_guide/install.md", "modified"), file("g3doc/new.md", "added")],
      mode: "change",
    });
    // deep.md has no BUILD of its own: its package is g3doc/user_guide. src/BUILD governs no doc.
    expect(plan.publishing.builds).toEqual(["g3doc/BUILD", "g3doc/user_guide/BUILD.bazel"]);
    expect(plan.publishing.registry).toBe("website/BUILD");
    expect(plan.mkdocs).toEqual(["g3doc/loose/mkdocs.yml"]);
    expect(plan.review).toEqual(["g3doc/new.md", "g3doc/user_guide/install.md"]);
    expect(plan.base).toEqual({ docs: ["g3doc/user_guide/install.md"], builds: [] });
    expect(plan.maySweep).toBe(false);
    expect(firstReads(plan)).toEqual([
      { side: "head", path: "g3doc/BUILD" },
      { side: "head", path: "g3doc/user_guide/BUILD.bazel" },
      { side: "head", path: "website/BUILD" },
      { side: "head", path: "g3doc/loose/mkdocs.yml" },
      { side: "head", path: "g3doc/new.md" },
      { side: "head", path: "g3doc/user_guide/install.md" },
      { side: "base", path: "g3doc/user_guide/install.md" },
    ]);
  });

  test("no registry when it is not at head; no publishing reads without BUILD files", () => {
    const noRegistry = planReads({
      config,
      headList: head.filter((p) => p !== "website/BUILD"),
      files: [],
      mode: "change",
    });
    expect(noRegistry.publishing.registry).toBeNull();
    const bare = planReads({
      config,
      headList: ["g3doc/a.md"],
      files: [file("g3doc/a.md", "modified")],
      mode: "change",
    });
    expect(bare.publishing.builds).toEqual([]);
    expect(firstReads(bare)).toEqual([
      { side: "head", path: "g3doc/a.md" },
      { side: "base", path: "g3doc/a.md" },
    ]);
  });

  test("the base side of changed BUILD files (renamed ones by their old path), never the registry's", () => {
    const plan = planReads({
      config,
      headList: head,
      files: [
        { ...file("g3doc/user_guide/BUILD.bazel", "renamed"), previousPath: "g3doc/user_guide/B" },
        file("g3doc/BUILD", "added"),
        file("website/BUILD", "modified"),
      ],
      mode: "change",
    });
    expect(plan.base.builds).toEqual(["g3doc/user_guide/B"]);
  });

  test("whether the change may have broken other docs", () => {
    const may = (files: ChangedFile[]) =>
      planReads({ config, headList: head, files, mode: "change" }).maySweep;
    expect(may([file("g3doc/index.md", "modified", "@@ -1,2 +1,2 @@\n-text\n+more\n")])).toBe(
      false,
    );
    expect(may([file("g3doc/index.md", "modified", "@@ -1 +1 @@\n-## Old\n+## New\n")])).toBe(true);
    expect(may([file("g3doc/gone.md", "removed")])).toBe(true);
    expect(may([file("g3doc/BUILD", "modified", "@@ -1 +0,0 @@\n-doc(\n")])).toBe(true);
    expect(may([file("g3doc/BUILD", "modified", null)])).toBe(true);
    expect(may([file("g3doc/BUILD", "modified", "@@ -0,0 +1 @@\n+doc(\n")])).toBe(false);
    // Only lines that start with "-" count, wherever they are in the patch.
    const doc = (patch: string) => may([file("g3doc/index.md", "modified", patch)]);
    expect(doc("-# Title")).toBe(true);
    expect(doc("@@ -1,3 +1,2 @@\n+a\n text - # not a line start\n-   ### Deep\n")).toBe(true);
    expect(doc("@@ -1,3 +1,2 @@\n+# Added\n-    # code, not a heading\n-#hashtag\n")).toBe(false);
    const build = (patch: string) => may([file("g3doc/BUILD", "modified", patch)]);
    expect(build("@@ -1 +1 @@\n+a\n---\n+b")).toBe(false);
    expect(build("@@ -1 +1 @@\n+a\n---\n-x")).toBe(true);
  });

  test("an audit reviews every doc and reads no base side", () => {
    const plan = planReads({
      config,
      headList: head,
      files: [file("g3doc/gone.md", "removed")],
      mode: "all",
    });
    expect(plan.review).toEqual([
      "g3doc/index.md",
      "g3doc/user_guide/install.md",
      "g3doc/user_guide/nested/deep.md",
    ]);
    expect(plan.base).toEqual({ docs: [], builds: [] });
    expect(plan.maySweep).toBe(false);
  });
});

describe("which paths are docs", () => {
  test("one matcher per set of globs, its answers kept; other globs, other answers", () => {
    const isDoc = docMatcher(config);
    expect(docMatcher({ paths: [...config.paths], ignore: [...config.ignore] })).toBe(isDoc);
    const other = docMatcher({ paths: ["docs/**/*.md"], ignore: [] });
    expect(other).not.toBe(isDoc);
    for (let round = 0; round < 2; round++) {
      expect(head.filter(isDoc)).toEqual([
        "g3doc/index.md",
        "g3doc/user_guide/install.md",
        "g3doc/user_guide/nested/deep.md",
      ]);
      expect(other("docs/a/b.md")).toBe(true);
      expect(other("g3doc/index.md")).toBe(false);
    }
    const ignoring = docMatcher({ paths: config.paths, ignore: ["g3doc/user_guide/**"] });
    expect(head.filter(ignoring)).toEqual(["g3doc/index.md"]);
  });

  test("the answers kept are bounded in all, whatever the number of configs and paths", () => {
    const paths = Array.from({ length: 30_000 }, (_, i) => `g3doc/p${i}.md`);
    for (let n = 0; n < 40; n++) {
      const isDoc = docMatcher({ paths: [`g3doc/**/*${n}.md`], ignore: [] });
      expect(paths.filter(isDoc).length).toBeGreaterThan(0);
      expect(matcherAnswersHeld()).toBeLessThanOrEqual(MATCHER_MEMO.answers);
    }
    // The answers stay right after being forgotten.
    const isDoc = docMatcher({ paths: ["g3doc/**/*7.md"], ignore: [] });
    expect(paths.filter(isDoc)).toEqual(paths.filter((p) => p.endsWith("7.md")));
  });
});
