/**
 * Windowed merging on real trees: gVisor's g3doc at HEAD (the rules'
 * suggestions and `fix --reformat`'s) and rust-lang/book from markdown-large
 * (the rules' suggestions, as `check --all` merges them). Every file's merged
 * suggestions and dropped findings are the same windowed as on the whole file.
 *
 * The whole-file merge is what is slow (on the full trees it took 120 s for
 * gVisor's and 111 s for the book's second run, against 17 s and 11 s
 * windowed), so by default a deterministic subset is compared: every second
 * gVisor doc and every fourth of the book's, in path order.
 * G3DOC_REVIEW_WINDOW_FULL=1 compares every doc.
 */
import { test, expect, beforeAll, afterAll } from "@jest/globals";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { isDeepStrictEqual } from "node:util";
import { existsSync } from "node:fs";
import { describeCorpus, G3DOC_HEAD, LARGE_TARBALL } from "../helpers/corpus.js";
import { MemoryChangeSet } from "../helpers/memory-changeset.js";
import { unpadded } from "../helpers/merge-findings.js";
import { review } from "../../src/core/engine.js";
import { resolveConfig, type UserConfig } from "../../src/config/load.js";
import type { Finding } from "../../src/core/finding.js";
import { mergeSuggestions } from "../../src/core/fix/merge.js";
import { formatFindings, FORMAT_RULES } from "../../src/core/fix/format.js";
import { parseDoc } from "../../src/core/markdown/parse.js";

function mdFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? mdFiles(join(dir, e.name))
        : e.name.endsWith(".md")
          ? [join(dir, e.name)]
          : [],
    )
    .sort();
}

const FULL = process.env.G3DOC_REVIEW_WINDOW_FULL === "1";

/** The docs under `root` (every `every`-th in path order unless FULL), keyed by `prefix` + their path. */
function treeOf(root: string, prefix: string, every: number): Record<string, string> {
  const tree: Record<string, string> = {};
  mdFiles(root).forEach((file, i) => {
    if (FULL || i % every === 0) tree[prefix + relative(root, file)] = readFileSync(file, "utf8");
  });
  return tree;
}

interface Comparison {
  /** Files whose merge differs windowed and whole, with what differs. */
  differ: string[];
  /** Files merged, groups recomputed on a window. */
  files: number;
  windows: number;
  /** Milliseconds merging, windowed and on the whole file. */
  windowedMs: number;
  wholeMs: number;
}

/** Reviews the tree, then merges each file's suggestions both ways. */
async function compare(
  tree: Record<string, string>,
  config: UserConfig,
  reformat: boolean,
): Promise<Comparison> {
  const resolved = resolveConfig(config);
  const r = await review(new MemoryChangeSet(null, tree), resolved, { mode: "all" });
  const limit = resolved.lineLength;
  const out: Comparison = { differ: [], files: 0, windows: 0, windowedMs: 0, wholeMs: 0 };
  for (const [path, text] of Object.entries(tree)) {
    const fs: Finding[] = r.findings.filter((f) => f.path === path && f.suggestion !== null);
    if (reformat)
      fs.push(...formatFindings(parseDoc(path, text), { limit, rules: new Set(FORMAT_RULES) }));
    if (fs.length < 2) continue;
    out.files++;
    let t = performance.now();
    const a = mergeSuggestions(text, path, fs, { limit });
    out.windowedMs += performance.now() - t;
    t = performance.now();
    const b = mergeSuggestions(text, path, fs, { limit, windowed: false });
    out.wholeMs += performance.now() - t;
    out.windows += a.windows;
    if (!isDeepStrictEqual(a.suggestions, b.suggestions)) out.differ.push(`${path}: suggestions`);
    if (!isDeepStrictEqual(a.dropped, b.dropped)) out.differ.push(`${path}: dropped`);
  }
  return out;
}

function say(name: string, c: Comparison): void {
  process.stderr.write(
    `${name}: ${c.files} files merged, ${c.windows} groups on windows; ` +
      `merging ${(c.windowedMs / 1000).toFixed(1)} s windowed, ${(c.wholeMs / 1000).toFixed(1)} s whole\n`,
  );
}

describeCorpus("windowed merge on gVisor's g3doc", () => {
  test("the same merged suggestions as on the whole file, with `fix --reformat`'s fixes too", async () => {
    // The docs at HEAD are formatted: with their list markers unpadded and a 60-column limit, most
    // lists and paragraphs get a recomputed fix, and many of them overlap.
    const tree = Object.fromEntries(
      Object.entries(treeOf(join(G3DOC_HEAD, "g3doc"), "g3doc/", 2)).map(([p, t]) => [
        p,
        unpadded(t),
      ]),
    );
    expect(Object.keys(tree).length).toBeGreaterThan(FULL ? 40 : 20);
    const c = await compare(tree, { preset: "gvisor", lineLength: 60 }, true);
    say("gVisor g3doc", c);
    expect(c.differ).toEqual([]);
    expect(c.windows).toBeGreaterThan(FULL ? 1000 : 300);
  }, 300_000);
});

describeCorpus("windowed merge on rust-lang/book (markdown-large)", () => {
  let dir = "";
  beforeAll(() => {
    if (!existsSync(LARGE_TARBALL)) return;
    dir = mkdtempSync(join(tmpdir(), "g3doc-review-window-"));
    execFileSync("tar", ["-xJf", LARGE_TARBALL, "-C", dir, "./rust-lang+book"]);
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the same merged suggestions as on the whole file", async () => {
    if (!dir) {
      process.stderr.write(`note: skipping rust-lang/book: ${LARGE_TARBALL} is absent\n`);
      return;
    }
    const tree = treeOf(join(dir, "rust-lang+book"), "", 4);
    expect(Object.keys(tree).length).toBeGreaterThan(FULL ? 400 : 100);
    // As `check --all` sees it, and with gVisor's house style at 60 columns (every list padded,
    // most paragraphs refilled), which makes far more groups of overlapping recomputed fixes.
    const runs: [string, UserConfig][] = [
      ["as is", { paths: ["**/*.md"] }],
      ["gvisor preset, 60 columns", { paths: ["**/*.md"], preset: "gvisor", lineLength: 60 }],
    ];
    for (const [name, config] of runs) {
      const c = await compare(tree, config, false);
      say(`rust-lang/book, ${name}`, c);
      expect(c.differ).toEqual([]);
      if (FULL) expect(c.windows).toBeGreaterThan(name === "as is" ? 5 : 300);
      else if (name !== "as is") expect(c.windows).toBeGreaterThan(50);
    }
  }, 900_000);
});
