/**
 * The publishing checks on gVisor's real history (../shared/corpus/gvisor):
 * replayed commits, a synthesised mistake, the audit of the newest tree, and
 * what a rename breaks elsewhere.
 */
import { expect, test, beforeAll } from "@jest/globals";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeCorpus, historyClone, commitFor, GVISOR } from "../helpers/corpus.js";
import { closing, GitChangeSet } from "../../src/cli/changeset-git.js";
import { review } from "../../src/core/engine.js";
import { resolveConfig } from "../../src/config/load.js";
import { MemoryChangeSet, type Tree } from "../helpers/memory-changeset.js";
import type { Finding } from "../../src/core/finding.js";
import { loadPublishing } from "../../src/core/g3doc/load.js";
import { docMatcher } from "../../src/core/docs-scope.js";
import { parseDoc } from "../../src/core/markdown/parse.js";
import { referencesOf } from "../../src/core/markdown/refs.js";
import { resolveLocal } from "../../src/core/markdown/paths.js";
import { treeAt, renamesBetween, rev } from "./git-tree.js";

const PUBLISHING = [
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

/** website/BUILD as gVisor has it: docs(name = "docs", deps = [...]) with the labels of website-docs-registry.txt. */
export function websiteBuild(drop: string[] = []): string {
  const text = readFileSync(join(GVISOR, "website-docs-registry.txt"), "utf8");
  const section = text.split("[website:docs deps]")[1].split(/\n\s*\n/)[0];
  const labels = section
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#") && !drop.includes(l));
  return `load("//website:defs.bzl", "docs")\n\ndocs(\n    name = "docs",\n    deps = [\n${labels.map((l) => `        "${l}",`).join("\n")}\n    ],\n)\n`;
}

const byRule = (fs: Finding[]) => {
  const out: Record<string, number> = {};
  for (const f of fs) out[f.rule] = (out[f.rule] ?? 0) + 1;
  return out;
};

describeCorpus("publishing checks on gVisor's history", () => {
  let clone: string;
  let head: string;
  let headTree: Tree;
  beforeAll(() => {
    clone = historyClone()!;
    head = rev(clone, "HEAD");
    headTree = treeAt(clone, head);
  });

  test("1. the seed commit 420b791a3d: no undeclared-asset, asset-path or build-data", async () => {
    const seed = commitFor(clone, "420b791a3d");
    const cs = await GitChangeSet.create(clone, rev(clone, `${seed}^`), seed);
    const r = await closing(cs, () => review(cs, resolveConfig({}), { mode: "change" }));
    expect(r.docs).toContain("g3doc/architecture_guide/security.md");
    expect(
      r.allFindings.filter((f) =>
        ["undeclared-asset", "asset-path", "build-data", "build-syntax"].includes(f.rule),
      ),
    ).toEqual([]);
  });

  test("1. the seed commit without the BUILD hunk of security: one undeclared-asset on security.md:89 naming security.png and //g3doc/architecture_guide:security", async () => {
    const seed = commitFor(clone, "420b791a3d");
    const parent = rev(clone, `${seed}^`);
    const base = treeAt(clone, parent);
    const after = treeAt(clone, seed);
    const build = after["g3doc/architecture_guide/BUILD"] as string;
    const hunk = '    data = [\n        "security.png",\n        "security.svg",\n    ],';
    expect(build).toContain(hunk);
    const withoutHunk = {
      ...after,
      "g3doc/architecture_guide/BUILD": build.replace(
        hunk,
        '    data = [\n        "Layers.png",\n        "Layers.svg",\n    ],',
      ),
    };
    const cs = new MemoryChangeSet(base, withoutHunk, {
      renames: renamesBetween(clone, parent, seed),
    });
    const r = await review(cs, resolveConfig({}), { mode: "change" });
    const f = r.findings.filter((x) => x.rule === "undeclared-asset");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      path: "g3doc/architecture_guide/security.md",
      line: 89,
      severity: "error",
      changed: true,
    });
    expect(f[0].lineText).toContain("![Threat model](security.png");
    expect(f[0].message).toContain("`security.png`");
    expect(f[0].message).toContain("`//g3doc/architecture_guide:security`");
    expect(f[0].message).toContain('`"security.png",`');
    // The stale entries name files this change moved to g3doc/: reported on the untouched BUILD lines, caused by the change.
    const data = r.findings.filter((x) => x.rule === "build-data");
    expect(data.map((d) => d.lineText?.trim())).toEqual(['"Layers.png",', '"Layers.svg",']);
    for (const d of data) {
      expect(d).toMatchObject({
        path: "g3doc/architecture_guide/BUILD",
        causedByChange: true,
        changed: false,
      });
      expect(d.message).toContain("this change moved it to `g3doc/Layers.");
    }
  });

  test("1. the seed commit with the whole base BUILD of architecture_guide: one undeclared-asset per new image", async () => {
    const seed = commitFor(clone, "420b791a3d");
    const parent = rev(clone, `${seed}^`);
    const base = treeAt(clone, parent);
    const head = {
      ...treeAt(clone, seed),
      "g3doc/architecture_guide/BUILD": base["g3doc/architecture_guide/BUILD"],
    };
    const cs = new MemoryChangeSet(base, head, { renames: renamesBetween(clone, parent, seed) });
    expect(cs.files.some((f) => f.path === "g3doc/architecture_guide/BUILD")).toBe(false);
    const r = await review(cs, resolveConfig({}), { mode: "change" });
    expect(
      r.findings.filter((x) => x.rule === "undeclared-asset").map((x) => `${x.path}:${x.line}`),
    ).toEqual([
      "g3doc/architecture_guide/platforms.md:35",
      "g3doc/architecture_guide/resources.md:16",
      "g3doc/architecture_guide/security.md:89",
    ]);
  });

  test("2. 7cd4a4bfe7 (adds user_guide/tpu.md only): one unpublished-doc on that doc", async () => {
    const c = commitFor(clone, "7cd4a4bfe7");
    const cs = await GitChangeSet.create(clone, rev(clone, `${c}^`), c);
    const r = await closing(cs, () => review(cs, resolveConfig({}), { mode: "change" }));
    const f = r.findings.filter((x) => x.rule === "unpublished-doc");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ path: "g3doc/user_guide/tpu.md", line: 1, severity: "warning" });
    expect(f[0].message).toContain("g3doc/user_guide/BUILD");
    expect(f[0].message).toContain('permalink = "/docs/user_guide/tpu/"');
    expect(f[0].message).toContain('category = "User Guide"');
  });

  test("2. c2f204658e: a permalink error for /community/gsoc_2021 (no trailing slash)", async () => {
    const c = commitFor(clone, "c2f204658e");
    const cs = await GitChangeSet.create(clone, rev(clone, `${c}^`), c);
    const r = await closing(cs, () => review(cs, resolveConfig({}), { mode: "change" }));
    const f = r.findings.filter((x) => x.rule === "permalink");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      path: "g3doc/proposals/BUILD",
      line: 13,
      severity: "error",
      changed: true,
      suggestion: '    permalink = "/community/gsoc_2021/",',
    });
    expect(f[0].message).toContain("/community/gsoc_2021");
  });

  test("3. audit of the newest tree: findings per rule", async () => {
    const cs = await GitChangeSet.create(clone, null, head);
    const r = await closing(cs, () => review(cs, resolveConfig({}), { mode: "all" }));
    const pub = r.findings.filter((f) => PUBLISHING.includes(f.rule));
    // The three proposals have no doc() rule on purpose (build.unpublishedOk); the 14 permalink-relative links reach known pages.
    expect(byRule(pub)).toEqual({ "unpublished-doc": 3, "permalink-link": 14 });
    expect(pub.filter((f) => f.rule === "unpublished-doc").map((f) => f.path)).toEqual([
      "g3doc/proposals/nvidia_driver_differ.md",
      "g3doc/proposals/nvidia_driver_proxy.md",
      "g3doc/proposals/runtime_dedicate_os_thread.md",
    ]);
    for (const f of pub) expect(f.severity).toBe("notice");
    const links = pub.filter((f) => f.rule === "permalink-link");
    expect(links.map((f) => `${f.path}:${f.line}`)).toEqual([
      "g3doc/user_guide/compatibility.md:12",
      "g3doc/user_guide/compatibility.md:32",
      "g3doc/user_guide/compatibility.md:59",
      "g3doc/user_guide/compatibility.md:62",
      "g3doc/user_guide/compatibility.md:62",
      "g3doc/user_guide/compatibility.md:69",
      "g3doc/user_guide/debugging.md:6",
      "g3doc/user_guide/debugging.md:106",
      "g3doc/user_guide/platforms.md:106",
      "g3doc/user_guide/quick_start/oci.md:39",
      "g3doc/user_guide/quick_start/oci.md:40",
      "g3doc/user_guide/tutorials/docker-compose.md:21",
      "g3doc/user_guide/tutorials/docker.md:18",
      "g3doc/user_guide/tutorials/kubernetes.md:53",
    ]);
    // The generated syscall page has no doc to suggest; every other one suggests the .md link.
    expect(links.filter((f) => f.suggestion === null).map((f) => f.line)).toEqual([32, 62]);
    expect(
      links.find((f) => f.path.endsWith("debugging.md") && f.line === 106)!.suggestion,
    ).toContain("(install.md#nightly)");
    expect(links.find((f) => f.line === 62)!.suggestion).toContain(
      "[NVIDIA GPUs](gpu.md) and [TPU devices](tpu.md)",
    );
  });

  test("3. every image of the newest tree is in the data of its doc's rule", async () => {
    const cs = await GitChangeSet.create(clone, null, head);
    const config = resolveConfig({});
    const list = await cs.listPaths("head");
    const isDoc = docMatcher(config);
    const pub = (await loadPublishing(
      cs,
      list,
      config,
      { mode: "all", deleted: new Set(), renamed: new Map(), added: new Set() },
      isDoc,
    ))!;
    expect(pub.rules).toHaveLength(47);
    expect(pub.pages.size).toBe(47);
    const docs = list.filter(isDoc);
    const contents = await cs.read(docs, "head");
    let images = 0;
    for (const p of docs) {
      const c = contents.get(p)!;
      if (c.kind !== "text") continue;
      for (const ref of referencesOf(parseDoc(p, c.text))) {
        const t = resolveLocal(p, ref.url);
        if (ref.kind !== "image" || !t || t.absolute) continue;
        images++;
        expect({ image: t.path, declared: pub.ruleOfDoc(p)?.data.files.has(t.path) }).toEqual({
          image: t.path,
          declared: true,
        });
      }
    }
    expect(images).toBe(14);
  });

  test("3. the newest tree with website/BUILD: every rule is registered; a dropped label is one unregistered-doc", async () => {
    const full = await review(
      new MemoryChangeSet(null, { ...headTree, "website/BUILD": websiteBuild() }),
      resolveConfig({}),
      { mode: "all" },
    );
    expect(full.findings.filter((f) => f.rule === "unregistered-doc")).toEqual([]);
    expect(byRule(full.findings.filter((f) => PUBLISHING.includes(f.rule)))).toEqual({
      "unpublished-doc": 3,
      "permalink-link": 14,
    });
    const dropped = await review(
      new MemoryChangeSet(null, {
        ...headTree,
        "website/BUILD": websiteBuild(["//g3doc/user_guide:fuse"]),
      }),
      resolveConfig({}),
      { mode: "all" },
    );
    const f = dropped.findings.filter((x) => x.rule === "unregistered-doc");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ path: "g3doc/user_guide/BUILD", severity: "warning" });
    expect(f[0].lineText?.trim()).toBe('name = "fuse",');
    expect(f[0].message).toContain('"//g3doc/user_guide:fuse",');
  });

  test("4. renaming security.png without touching security.md: the broken image, with the new name, and the stale BUILD entry", async () => {
    const { "g3doc/architecture_guide/security.png": png, ...rest } = headTree;
    const after = { ...rest, "g3doc/architecture_guide/threat-model.png": png };
    const cs = new MemoryChangeSet(headTree, after, {
      renames: {
        "g3doc/architecture_guide/security.png": "g3doc/architecture_guide/threat-model.png",
      },
    });
    const r = await review(cs, resolveConfig({}), { mode: "change" });
    const missing = r.findings.filter((f) => f.rule === "missing-asset");
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({
      path: "g3doc/architecture_guide/security.md",
      causedByChange: true,
    });
    expect(missing[0].suggestion).toContain("![Threat model](threat-model.png");
    const data = r.findings.filter((f) => f.rule === "build-data");
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({
      path: "g3doc/architecture_guide/BUILD",
      causedByChange: true,
      suggestion: '        "threat-model.png",',
    });
  });

  test("4. renaming a heading reports the links to its old anchor in other docs (through a .md link and through a permalink)", async () => {
    const net = headTree["g3doc/user_guide/networking.md"] as string;
    const fs = headTree["g3doc/user_guide/filesystem.md"] as string;
    const after = {
      ...headTree,
      "g3doc/user_guide/networking.md": net.replace("## Network passthrough", "## Host networking"),
      "g3doc/user_guide/filesystem.md": fs.replace("## Directfs", "## Direct file access"),
    };
    const r = await review(new MemoryChangeSet(headTree, after), resolveConfig({}), {
      mode: "change",
    });
    // Through the permalink /docs/user_guide/networking/#network-passthrough (FAQ.md): this module's job.
    const viaPage = r.findings.filter((f) => f.rule === "permalink-link");
    expect(viaPage.map((f) => `${f.path}:${f.line}`)).toEqual(["g3doc/user_guide/FAQ.md:182"]);
    expect(viaPage[0]).toMatchObject({ severity: "warning", causedByChange: true });
    // Through ../user_guide/filesystem.md#directfs (security.md): broken-anchor's job.
    const viaMd = r.findings.filter(
      (f) => f.rule === "broken-anchor" && f.path === "g3doc/architecture_guide/security.md",
    );
    expect(viaMd.map((f) => f.line)).toEqual([150, 155]);
  });

  test("4. deleting a doc: the links to its page elsewhere are reported, and its rule's src", async () => {
    const { "g3doc/user_guide/debugging.md": _gone, ...after } = headTree;
    const r = await review(new MemoryChangeSet(headTree, after), resolveConfig({}), {
      mode: "change",
    });
    const links = r.findings.filter((f) => f.rule === "permalink-link");
    expect(links.length).toBeGreaterThan(0);
    for (const f of links) {
      expect(f).toMatchObject({ severity: "error", causedByChange: true });
      expect(f.message).toContain("this change deleted its doc `g3doc/user_guide/debugging.md`");
    }
    expect(links.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        "g3doc/user_guide/FAQ.md",
        "g3doc/user_guide/compatibility.md",
        "g3doc/user_guide/containerd/crio.md",
      ]),
    );
    const src = r.findings.filter((f) => f.rule === "build-data");
    expect(src).toHaveLength(1);
    expect(src[0]).toMatchObject({ path: "g3doc/user_guide/BUILD", causedByChange: true });
    expect(src[0].lineText?.trim()).toBe('src = "debugging.md",');
  });
});
