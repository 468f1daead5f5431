/** The style rules on changes from gVisor's g3doc history. */
import { expect, test } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { commitFor, describeCorpus, historyClone } from "../../helpers/corpus.js";
import { MemoryChangeSet } from "../../helpers/memory-changeset.js";
import { closing, GitChangeSet } from "../../../src/cli/changeset-git.js";
import { review } from "../../../src/core/engine.js";
import { resolveConfig, type UserConfig } from "../../../src/config/load.js";
import { parseOnly } from "../../../src/core/markdown/parse.js";

/** A change replayed from the history: the commit against its first parent. */
async function replay(clone: string, original: string, user: UserConfig = {}) {
  const commit = commitFor(clone, original);
  const parent = execFileSync("git", ["rev-parse", `${commit}^`], {
    cwd: clone,
    encoding: "utf8",
  }).trim();
  const cs = await GitChangeSet.create(clone, parent, commit);
  const result = await closing(cs, () => review(cs, resolveConfig(user), { mode: "change" }));
  return { commit, result };
}

/** The tree without positions, to compare two parses. */
function shape(n: unknown): unknown {
  if (Array.isArray(n)) return n.map(shape);
  if (n && typeof n === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n)) if (k !== "position") o[k] = shape(v);
    return o;
  }
  return n;
}

describeCorpus("style rules on gVisor's g3doc history", () => {
  test("420b791a3d (rewrapped security.md, user space -> userspace): nothing on security.md", async () => {
    const clone = historyClone()!;
    const { result } = await replay(clone, "420b791a3d");
    const security = result.findings.filter(
      (f) => f.path === "g3doc/architecture_guide/security.md",
    );
    expect(security.filter((f) => f.rule === "line-length" || f.rule === "terminology")).toEqual(
      [],
    );
    expect(result.diffs.get("g3doc/architecture_guide/security.md")?.added.length).toBeGreaterThan(
      0,
    );
    // The same rewrap split a "file system" in README.md over two lines: that one is reported.
    const readme = result.findings.filter(
      (f) => f.rule === "terminology" && f.path === "g3doc/README.md",
    );
    // Its suggestion refills the rest of the paragraph, since joining the term made a line too long.
    expect(readme.map((f) => [f.line, f.endLine])).toContainEqual([135, 137]);
  });

  // Commits that added lists with unpadded markers (the importer padded them later).
  const LIST_COMMITS = [
    "36c940b093",
    "508e25b6d6",
    "2afff44403",
    "f964957495",
    "353c4ac1a3",
    "9a98f5ee36",
  ];

  test("list-marker suggestions keep the document's structure and leave nothing to fix", async () => {
    const clone = historyClone()!;
    let applied = 0;
    for (const original of LIST_COMMITS) {
      // The first commits of the filtered history hold only g3doc/*.md, none of what marks gVisor's
      // tree (BUILD doc() rules, website/BUILD, runsc/ and pkg/sentry/): the preset is named.
      const { commit, result } = await replay(clone, original, { preset: "gvisor" });
      const byPath = new Map<string, typeof result.findings>();
      for (const f of result.findings)
        if (f.rule === "list-marker") byPath.set(f.path, [...(byPath.get(f.path) ?? []), f]);
      expect(byPath.size).toBeGreaterThan(0);
      for (const [path, fs] of byPath) {
        const text = execFileSync("git", ["show", `${commit}:${path}`], {
          cwd: clone,
          encoding: "utf8",
        });
        const lines = text.split("\n");
        // Bottom-up, so earlier line numbers stay valid.
        for (const f of fs.filter((x) => x.suggestion !== null).sort((a, b) => b.line - a.line)) {
          lines.splice(f.line - 1, f.endLine - f.line + 1, ...f.suggestion!.split("\n"));
          applied++;
        }
        const fixed = lines.join("\n");
        expect(shape(parseOnly(fixed))).toEqual(shape(parseOnly(text)));
        const again = await review(
          new MemoryChangeSet(null, { [path]: fixed }),
          resolveConfig({ preset: "gvisor" }),
          { mode: "all" },
        );
        // Left: the items with no suggestion of their own or a parent's (one that would push a
        // line within 80 columns past them).
        const unfixed = fs.filter(
          (x) => x.suggestion === null && !x.message.includes("The suggestion on line"),
        );
        expect(
          again.findings.filter((f) => f.rule === "list-marker").map((f) => `${path}:${f.line}`),
        ).toEqual(unfixed.map((f) => `${path}:${f.line}`));
      }
    }
    expect(applied).toBeGreaterThan(50);
  }, 120000);
});
