/** Trees of a git commit as in-memory trees (for MemoryChangeSet), and the renames between two commits. */
import { execFileSync } from "node:child_process";
import type { Tree } from "../helpers/memory-changeset.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function treeAt(repo: string, rev: string): Tree {
  const ls = execFileSync("git", ["ls-tree", "-r", "-z", rev], { cwd: repo, encoding: "utf8" });
  const entries = ls
    .split("\0")
    .filter(Boolean)
    .map((l) => {
      const tab = l.indexOf("\t");
      const [, type, oid] = l.slice(0, tab).split(" ");
      return { type, oid, path: l.slice(tab + 1) };
    })
    .filter((e) => e.type === "blob");
  const out = execFileSync("git", ["cat-file", "--batch"], {
    cwd: repo,
    input: entries.map((e) => e.oid).join("\n") + "\n",
    maxBuffer: 256 * 1024 * 1024,
  });
  const tree: Tree = {};
  let pos = 0;
  for (const e of entries) {
    const nl = out.indexOf(10, pos);
    const size = Number(out.subarray(pos, nl).toString("utf8").split(" ")[2]);
    const body = out.subarray(nl + 1, nl + 1 + size);
    pos = nl + 1 + size + 1;
    let value: string | Buffer = Buffer.from(body);
    if (!body.includes(0)) {
      try {
        value = utf8.decode(body);
      } catch {
        // binary
      }
    }
    tree[e.path] = value;
  }
  return tree;
}

export function renamesBetween(repo: string, base: string, head: string): Record<string, string> {
  const raw = execFileSync("git", ["diff", "--name-status", "-z", "-M", base, head], {
    cwd: repo,
    encoding: "utf8",
  }).split("\0");
  const renames: Record<string, string> = {};
  for (let i = 0; i < raw.length - 1;) {
    const code = raw[i++];
    if (!code) continue;
    if (code[0] === "R" || code[0] === "C") {
      const from = raw[i++];
      const to = raw[i++];
      if (code[0] === "R") renames[from] = to;
    } else i++;
  }
  return renames;
}

export function rev(repo: string, spec: string): string {
  return execFileSync("git", ["rev-parse", spec], { cwd: repo, encoding: "utf8" }).trim();
}
