/**
 * The style rules on gVisor's g3doc at HEAD (50 docs written in the house
 * style): what they report there is either a known fact about those docs or
 * a false positive.
 */
import { beforeAll, describe, expect, test } from "@jest/globals";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describeCorpus, G3DOC_HEAD } from "../../helpers/corpus.js";
import { MemoryChangeSet, type Tree } from "../../helpers/memory-changeset.js";
import { review } from "../../../src/core/engine.js";
import { resolveConfig } from "../../../src/config/load.js";
import type { Finding } from "../../../src/core/finding.js";

/** The g3doc/ tree on disk, keyed by repository-relative path. */
function readG3docTree(root: string): Tree {
  const tree: Tree = {};
  const go = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) go(p);
      else
        tree[relative(root, p)] = name.endsWith(".md") ? readFileSync(p, "utf8") : readFileSync(p);
    }
  };
  go(join(root, "g3doc"));
  return tree;
}

describeCorpus("style rules on gVisor's g3doc at HEAD", () => {
  let findings: Finding[] = [];
  let docs: string[] = [];
  const of = (rule: string) => findings.filter((f) => f.rule === rule);
  const where = (fs: Finding[]) =>
    fs.map((f) =>
      f.endLine > f.line ? `${f.path}:${f.line}-${f.endLine}` : `${f.path}:${f.line}`,
    );

  beforeAll(async () => {
    const r = await review(
      new MemoryChangeSet(null, readG3docTree(G3DOC_HEAD)),
      resolveConfig({}),
      { mode: "all" },
    );
    findings = r.findings;
    docs = r.docs;
  });

  test("all 50 docs are audited", () => {
    expect(docs).toHaveLength(50);
  });

  describe("the house style is consistent: nothing to report", () => {
    for (const rule of [
      "line-length",
      "trailing-whitespace",
      "hard-tab",
      "final-newline",
      "single-h1",
      "heading-style",
      "list-marker",
      "image-alt-text",
    ]) {
      test(rule, () => {
        expect(where(of(rule))).toEqual([]);
      });
    }
  });

  test("terminology: exactly the avoided spellings in prose", () => {
    const f = of("terminology");
    expect(where(f)).toEqual([
      // "file system(s)", 8 on one line...
      "g3doc/README.md:116",
      // ...and one split over two lines ("file\nsystem operations"), which a line-by-line count misses.
      "g3doc/README.md:145-147",
      "g3doc/README.md:154",
      "g3doc/architecture_guide/performance.md:222",
      "g3doc/architecture_guide/performance.md:269",
      "g3doc/architecture_guide/resources.md:47",
      // "user\nspace applications".
      "g3doc/architecture_guide/security.md:190-191",
      // "user-space" in prose (the one in gpu.md is in a shell comment: code).
      "g3doc/proposals/nvidia_driver_proxy.md:436",
      "g3doc/roadmap.md:15",
      "g3doc/user_guide/filesystem.md:103",
      // "Github".
      "g3doc/user_guide/install.md:198",
      // "the user\nspace network stack".
      "g3doc/user_guide/networking.md:25-27",
      "g3doc/user_guide/quick_start/oci.md:18",
    ]);
    const fileSystem = f.filter((x) => x.message.includes("'file system'"));
    expect(fileSystem).toHaveLength(9);
    expect(f.find((x) => x.path.endsWith("install.md"))!.suggestion).toBe(
      "[releases](https://github.com/google/gvisor/releases) tagged in the GitHub",
    );
    // Joining "user\nspace" would make an 87-column line: the rest of the paragraph is refilled.
    expect(f.find((x) => x.path.endsWith("networking.md"))!.suggestion).toBe(
      "For high-performance networking applications, you may choose to disable the\n" +
        "userspace network stack and instead use the host network stack, including the\n" +
        "loopback. Note that this mode decreases the isolation to the host.",
    );
    expect(f.find((x) => x.path.endsWith("resources.md"))!.suggestion).toBe(
      "Note that some filesystems exist only within the context of the sandbox. For",
    );
    // Title Case names and headings whose text is their anchor are left alone.
    expect(
      f.some((x) =>
        /Virtual File System|Read-Only File System|^## File system/.test(x.lineText ?? ""),
      ),
    ).toBe(false);
  });

  test("code-fence-language: the 41 fences without a language, and no indented code", () => {
    const f = of("code-fence-language");
    expect(f).toHaveLength(41);
    expect(f.every((x) => /^\s*```\s*$/.test(x.lineText ?? ""))).toBe(true);
  });

  test('link-text: the 7 links whose text is "here"', () => {
    expect(where(of("link-text"))).toEqual([
      "g3doc/proposals/nvidia_driver_differ.md:405",
      "g3doc/user_guide/checkpoint_restore.md:188",
      "g3doc/user_guide/compatibility.md:10",
      "g3doc/user_guide/gpu.md:295",
      "g3doc/user_guide/quick_start/kubernetes.md:11",
      "g3doc/user_guide/quick_start/kubernetes.md:12",
      "g3doc/user_guide/tutorials/docker-in-gke-sandbox.md:23",
    ]);
  });
});
