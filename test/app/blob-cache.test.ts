/**
 * Contents by git blob SHA across review jobs: a second run on the same pull
 * request (after a push that changed one doc) fetches only that doc again.
 */
import { describe, test, expect } from "@jest/globals";
import { createHash } from "node:crypto";
import { BlobCache } from "../../src/app/blob-cache.js";
import { GitHubChangeSet, GUESS_FILES, type PullInfo } from "../../src/app/changeset-github.js";
import type { Octokit } from "../../src/app/octokit.js";

const blobSha = (text: string) =>
  createHash("sha1")
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest("hex");

/** A minimal stand-in for the three calls the change set makes: listFiles pages, a tree, GraphQL blob queries. */
function fakeOctokit(tree: Record<string, string>, changed: string[]) {
  const fetched: string[] = [];
  const octokit = {
    paginate: {
      iterator: () =>
        (async function* () {
          yield {
            data: changed.map((filename) => ({
              filename,
              status: "modified",
              patch: "@@ -1 +1 @@\n-a\n+b\n",
            })),
          };
        })(),
    },
    rest: {
      pulls: { listFiles: () => undefined },
      git: {
        getTree: async () => ({
          data: {
            truncated: false,
            tree: Object.entries(tree).map(([path, text]) => ({
              path,
              type: "blob",
              sha: blobSha(text),
            })),
          },
        }),
      },
    },
    graphql: async (_query: string, vars: Record<string, string>) => {
      const repository: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(vars)) {
        if (!/^e\d+$/.test(k)) continue;
        const path = v.slice(v.indexOf(":") + 1);
        fetched.push(v);
        const text = tree[path];
        repository[`f${k.slice(1)}`] =
          text === undefined
            ? null
            : {
                __typename: "Blob",
                byteSize: text.length,
                isBinary: false,
                isTruncated: false,
                text,
              };
      }
      return { repository };
    },
  };
  return { octokit: octokit as unknown as Octokit, fetched };
}

const pull = (head: string): PullInfo => ({
  owner: "o",
  repo: "r",
  number: 1,
  headSha: head,
  baseSha: "base",
  draft: false,
});

describe("blob cache", () => {
  test("LRU by size: the least recently used blob goes first", () => {
    const c = new BlobCache(2 * (100 * 2 + 64));
    c.set("a", { kind: "text", text: "x".repeat(100) });
    c.set("b", { kind: "text", text: "y".repeat(100) });
    expect(c.get("a")).toBeDefined();
    c.set("c", { kind: "text", text: "z".repeat(100) });
    expect(c.get("b")).toBeUndefined();
    expect(c.get("a")).toBeDefined();
    expect(c.get("c")).toBeDefined();
  });

  test("a second run on the same pull request fetches only the files whose blob changed", async () => {
    const cache = new BlobCache();
    const docs = { "g3doc/a.md": "# A\n", "g3doc/b.md": "# B\n", "g3doc/c.md": "# C\n" };
    const first = fakeOctokit(docs, ["g3doc/a.md"]);
    const cs1 = await GitHubChangeSet.load(first.octokit, pull("h1"), { blobCache: cache });
    await cs1.read(Object.keys(docs), "head");
    // Head files, and the base side of the modified doc (read along by default).
    expect(first.fetched.sort()).toEqual([
      "base:g3doc/a.md",
      "h1:g3doc/a.md",
      "h1:g3doc/b.md",
      "h1:g3doc/c.md",
    ]);

    const pushed = { ...docs, "g3doc/a.md": "# A, edited\n" };
    const second = fakeOctokit(pushed, ["g3doc/a.md"]);
    const cs2 = await GitHubChangeSet.load(second.octokit, pull("h2"), { blobCache: cache });
    const read = await cs2.read(Object.keys(pushed), "head");
    expect(second.fetched.filter((e) => e.startsWith("h2:"))).toEqual(["h2:g3doc/a.md"]);
    expect(read.get("g3doc/a.md")).toEqual({ kind: "text", text: "# A, edited\n" });
    expect(read.get("g3doc/b.md")).toEqual({ kind: "text", text: "# B\n" });

    const third = fakeOctokit(pushed, ["g3doc/a.md"]);
    const cs3 = await GitHubChangeSet.load(third.octokit, pull("h2"), { blobCache: cache });
    await cs3.read(Object.keys(pushed), "head");
    expect(third.fetched.filter((e) => e.startsWith("h2:"))).toEqual([]);
  });
});

describe("reading along with the first read", () => {
  test("guesses fill the first query's room; a first read that fills its query guesses nothing", async () => {
    const docs: Record<string, string> = {};
    for (let i = 0; i < 6; i++) docs[`g3doc/d${i}.md`] = `# D${i}\n`;
    const guessed: number[] = [];
    const prefetch = (headPaths: readonly string[]) => {
      guessed.push(headPaths.length);
      return headPaths.map((path) => ({ side: "head" as const, path }));
    };
    /** What the first read of `paths` fetched, on a change of `changed` (queries of four). */
    const firstRead = async (changed: string[], paths: string[]) => {
      const { octokit, fetched } = fakeOctokit(docs, changed);
      const cs = await GitHubChangeSet.load(octokit, pull("h1"), { chunkSize: 4, prefetch });
      await cs.read(paths, "head");
      return fetched;
    };
    // The read, and three guesses: one query of four.
    expect(await firstRead(["g3doc/d0.md"], ["g3doc/d0.md"])).toEqual([
      "h1:g3doc/d0.md",
      "h1:g3doc/d1.md",
      "h1:g3doc/d2.md",
      "h1:g3doc/d3.md",
    ]);
    expect(guessed).toEqual([6]);
    const four = ["g3doc/d0.md", "g3doc/d1.md", "g3doc/d2.md", "g3doc/d5.md"];
    expect(await firstRead(["g3doc/d0.md"], four)).toEqual(four.map((p) => `h1:${p}`));
    expect(guessed).toEqual([6]);
    // A change of more than GUESS_FILES files: no guesses.
    const many = Array.from({ length: GUESS_FILES + 1 }, (_, i) => `g3doc/x${i}.md`);
    expect(await firstRead(many, ["g3doc/d0.md"])).toEqual(["h1:g3doc/d0.md"]);
    expect(guessed).toEqual([6]);
  });
});
