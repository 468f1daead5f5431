/**
 * The link rules on gVisor's real docs at HEAD (../shared/corpus/gvisor):
 * an audit of the whole g3doc/ tree must report exactly what is known to be
 * there, and nothing else.
 */
import { test, expect, beforeAll } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { review, type ReviewResult } from "../../../src/core/engine.js";
import { resolveConfig } from "../../../src/config/load.js";
import { parseDoc } from "../../../src/core/markdown/parse.js";
import { referencesOf } from "../../../src/core/markdown/refs.js";
import { resolveLocal } from "../../../src/core/markdown/paths.js";
import { anchorsOf, headingAnchors } from "../../../src/core/markdown/slug.js";
import type { Finding } from "../../../src/core/finding.js";
import { MemoryChangeSet, type Tree } from "../../helpers/memory-changeset.js";
import { describeCorpus, G3DOC_HEAD, GVISOR } from "../../helpers/corpus.js";

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** The g3doc/ tree from disk: docs and BUILD files as text, everything else as bytes. */
function g3docTree(): Tree {
  const tree: Tree = {};
  for (const f of walk(join(G3DOC_HEAD, "g3doc"))) {
    const rel = relative(G3DOC_HEAD, f);
    tree[rel] = /\.md$|(^|\/)BUILD$/.test(rel) ? readFileSync(f, "utf8") : readFileSync(f);
  }
  return tree;
}

/** The g3doc/ tree plus every other path of the repository as an empty placeholder. */
function fullTree(): Tree {
  const tree = g3docTree();
  for (const p of readFileSync(join(GVISOR, "tree-head.txt"), "utf8").split("\n"))
    if (p !== "" && !(p in tree)) tree[p] = "";
  return tree;
}

/** No BUILD model: the permalink-style links are then broken-link's to report. */
const NO_BUILD_MODEL = resolveConfig({ build: { files: [] } });

const audit = (tree: Tree) =>
  review(new MemoryChangeSet(null, tree), NO_BUILD_MODEL, { mode: "all" });
const of = (r: ReviewResult, rule: string) => r.findings.filter((f) => f.rule === rule);
const at = (f: Finding) => `${f.path}:${f.line}`;

/** Site permalinks written as relative links: they work on gvisor.dev, not on GitHub. */
const PERMALINK_STYLE = [
  "g3doc/user_guide/compatibility.md:12", // ../debugging/
  "g3doc/user_guide/compatibility.md:32", // linux/amd64 (generated syscall table)
  "g3doc/user_guide/compatibility.md:59", // ../../tutorials/docker-in-gvisor/
  "g3doc/user_guide/compatibility.md:62", // ../gpu/
  "g3doc/user_guide/compatibility.md:62", // ../tpu/
  "g3doc/user_guide/compatibility.md:69", // ../platforms/
  "g3doc/user_guide/debugging.md:6", // ../quick_start/docker/
  "g3doc/user_guide/debugging.md:106", // ../install/#nightly
  "g3doc/user_guide/platforms.md:106", // [Production guide]: ../production/
  "g3doc/user_guide/quick_start/oci.md:39", // ../../../tutorials/cni/
  "g3doc/user_guide/quick_start/oci.md:40", // ../docker/
  "g3doc/user_guide/tutorials/docker-compose.md:21", // ../../architecture_guide/performance
  "g3doc/user_guide/tutorials/docker.md:18", // same
  "g3doc/user_guide/tutorials/kubernetes.md:53", // same
];

/** Links out of g3doc/ to files at the repository root. */
const OUTSIDE_G3DOC = ["g3doc/community.md:3", "g3doc/community.md:5"];

describeCorpus("link rules on gVisor's g3doc/ at HEAD", () => {
  let g3doc: ReviewResult;
  let full: ReviewResult;

  beforeAll(async () => {
    g3doc = await audit(g3docTree());
    full = await audit(fullTree());
  });

  test("the audit covers the 50 docs", () => {
    expect(g3doc.docs).toHaveLength(50);
  });

  test("0 undefined references ([TOC], footnotes, alerts, editorial brackets are not references)", () => {
    expect(of(g3doc, "undefined-reference").map((f) => `${at(f)} ${f.message}`)).toEqual([]);
  });

  test("5 unused definitions, each with a suggestion that deletes its line (taking the next line and giving it back)", () => {
    const f = of(g3doc, "unused-definition");
    expect(f.map((x) => `${at(x)} ${x.lineText?.replace(/\]:.*/, "]")}`)).toEqual([
      "g3doc/architecture_guide/platforms.md:86 [GKE Sandbox]",
      "g3doc/architecture_guide/resources.md:145 [scheduler]",
      "g3doc/user_guide/production.md:160 [Spectre]",
      "g3doc/user_guide/production.md:161 [Denial-of-Service attacks]",
      "g3doc/user_guide/quick_start/docker.md:98 [storage-driver]",
    ]);
    expect(f.map((x) => `${x.line}-${x.endLine} ${x.suggestion?.replace(/\]:.*/, "]")}`)).toEqual([
      "86-86 ", // the doc's last line: one empty line
      "145-146 [vdso]",
      "160-161 [Denial-of-Service attacks]",
      "161-162 [GKE Sandbox]",
      "98-99 [install]",
    ]);
    expect(f.every((x) => x.severity === "notice")).toBe(true);
  });

  test("without a BUILD model, the 14 permalink-style links and the 2 links out of g3doc/ are broken links", () => {
    const f = of(g3doc, "broken-link");
    expect(f.map(at).sort()).toEqual([...PERMALINK_STYLE, ...OUTSIDE_G3DOC].sort());
    for (const x of f.filter((y) => PERMALINK_STYLE.includes(at(y))))
      expect(x.message).toContain("permalink");
    expect(f.filter((x) => OUTSIDE_G3DOC.includes(at(x))).map((x) => x.message)).toEqual([
      "Broken link to `CONTRIBUTING.md`: it is not in the repository; fix the path, or add the doc.",
      "Broken link to `CODE_OF_CONDUCT.md`: it is not in the repository; fix the path, or add the doc.",
    ]);
  });

  test("permalink-style links to a doc get that doc suggested", () => {
    const bySuggestion = of(g3doc, "broken-link")
      .filter((f) => f.suggestion !== null)
      .map((f) => `${at(f)} ${f.suggestion}`);
    expect(bySuggestion).toContain(
      "g3doc/user_guide/compatibility.md:12 If you're able to provide the [debug logs](debugging.md), the problem likely to",
    );
    expect(bySuggestion).toContain(
      "g3doc/user_guide/debugging.md:106 [nightly release](install.md#nightly)):",
    );
    expect(bySuggestion).toContain(
      "g3doc/user_guide/quick_start/oci.md:40 [running gVisor using Docker](docker.md).",
    );
    expect(bySuggestion).toContain(
      "g3doc/user_guide/tutorials/docker.md:18 > [the I/O overhead](../../architecture_guide/performance.md) imposed by gVisor,",
    );
    // linux/amd64, tutorials/docker-in-gvisor and tutorials/cni name no source doc by either reading.
    expect(bySuggestion).toHaveLength(11);
  });

  test("with the whole repository's paths, links out of g3doc/ resolve: only the permalink-style links remain", () => {
    expect(of(full, "broken-link").map(at).sort()).toEqual([...PERMALINK_STYLE].sort());
  });

  test("with the BUILD model (the default), permalink-style links are left to the publishing rules", async () => {
    const withModel = await review(new MemoryChangeSet(null, fullTree()), resolveConfig({}), {
      mode: "all",
    });
    expect(of(withModel, "broken-link")).toEqual([]);
  });

  test("0 broken anchors: every fragment to a doc matches a heading, {#id} anchors included", () => {
    expect(of(g3doc, "broken-anchor").map((f) => `${at(f)} ${f.message}`)).toEqual([]);
    expect(of(full, "broken-anchor")).toEqual([]);
  });

  test("the anchors checked are many, and the {#id} ones resolve through their id", () => {
    const tree = g3docTree();
    const docs = new Map(
      Object.entries(tree)
        .filter(([p]) => p.endsWith(".md"))
        .map(([p, t]) => [p, parseDoc(p, t as string)]),
    );
    let checked = 0;
    let viaId = 0;
    for (const doc of docs.values()) {
      for (const ref of referencesOf(doc)) {
        const t = resolveLocal(doc.path, ref.url);
        if (ref.kind !== "link" || !t || !t.fragment || !t.path.endsWith(".md")) continue;
        const target = docs.get(t.path);
        if (!target) continue;
        checked++;
        expect(anchorsOf(target).has(t.fragment)).toBe(true);
        if (headingAnchors(target.tree).some((h) => h.id === t.fragment)) viaId++;
      }
    }
    expect(checked).toBe(29);
    expect(viaId).toBeGreaterThan(0);
    // Every `{#id}` in the docs is an anchor of its doc.
    let ids = 0;
    for (const doc of docs.values()) {
      for (const h of headingAnchors(doc.tree)) {
        if (!h.id) continue;
        ids++;
        expect(anchorsOf(doc).has(h.id)).toBe(true);
      }
    }
    expect(ids).toBe(42);
  });

  test("no link rule reports anything in the whole-repository audit besides the permalink-style links and the 5 unused definitions", () => {
    const linkRules = new Set([
      "missing-asset",
      "broken-link",
      "broken-anchor",
      "undefined-reference",
      "unused-definition",
    ]);
    expect(full.findings.filter((f) => linkRules.has(f.rule))).toHaveLength(
      PERMALINK_STYLE.length + 5,
    );
  });
});
