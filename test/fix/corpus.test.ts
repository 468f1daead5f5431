/**
 * The fixes on gVisor's real docs: every paragraph of g3doc at HEAD and at the
 * pull-request tips of the 29 formatter merges rewraps to the same Markdown,
 * and bench:fixups' numbers hold.
 */
import { test, expect } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { describeCorpus, historyClone, G3DOC_HEAD } from "../helpers/corpus.js";
import { parseDoc } from "../../src/core/markdown/parse.js";
import { paragraphsOf, rewrapOf, refillOf } from "../../src/core/fix/paragraphs.js";
import { meaningDifference } from "../../src/core/fix/compare.js";
import { listItemsOf, padOf } from "../../src/core/fix/list-marker.js";
import { formatterMerges, KNOWN, FORMATTER_RULES, lineMatch } from "../../tools/bench/fixups.js";
import { fixText } from "../../src/core/fix/apply.js";
import { resolveConfig } from "../../src/config/load.js";

function mdFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? mdFiles(join(dir, e.name))
      : e.name.endsWith(".md")
        ? [join(dir, e.name)]
        : [],
  );
}

/** Rewraps each paragraph on its own and checks the doc still says the same; returns the failures. */
function unsafeRewraps(path: string, text: string, limit = 80): string[] {
  const doc = parseDoc(path, text);
  const bad: string[] = [];
  const all = [...doc.lines];
  for (const p of [...paragraphsOf(doc)].reverse()) {
    const r = rewrapOf(doc, p, limit);
    if (!r) continue;
    const one = [...doc.lines];
    one.splice(p.start - 1, p.end - p.start + 1, ...r);
    const d = meaningDifference(text, one.join("\n"));
    if (d) bad.push(`${path}:${p.start}: ${d}`);
    all.splice(p.start - 1, p.end - p.start + 1, ...r);
  }
  const d = meaningDifference(text, all.join("\n"));
  if (d) bad.push(`${path} (all paragraphs): ${d}`);
  return bad;
}

/** Pads every list item, outermost first, and checks the doc still says the same. */
function unsafePadding(path: string, text: string): string | null {
  let cur = text;
  for (let guard = 0; guard < 500; guard++) {
    const doc = parseDoc(path, cur);
    const item = listItemsOf(doc).find((it) => padOf(doc, it));
    if (!item) break;
    const lines = [...doc.lines];
    lines.splice(item.start - 1, item.end - item.start + 1, ...padOf(doc, item)!);
    cur = lines.join("\n");
  }
  return meaningDifference(text, cur);
}

describeCorpus("fixes on gVisor's docs", () => {
  test("every paragraph at HEAD rewraps to the same Markdown", () => {
    const files = mdFiles(join(G3DOC_HEAD, "g3doc"));
    expect(files.length).toBeGreaterThan(40);
    const bad = files.flatMap((f) => unsafeRewraps(f, readFileSync(f, "utf8")));
    expect(bad).toEqual([]);
  });

  test("every paragraph at HEAD is already filled the house way (fix --all changes no paragraph)", () => {
    const changed: string[] = [];
    let paragraphs = 0;
    for (const f of mdFiles(join(G3DOC_HEAD, "g3doc"))) {
      const doc = parseDoc(f, readFileSync(f, "utf8"));
      for (const p of paragraphsOf(doc)) {
        paragraphs++;
        // refillOf is what fix uses: it accepts the formatter's own layout (code spans broken across lines).
        if (refillOf(doc, p, 80)) changed.push(`${f}:${p.start}`);
      }
    }
    expect(paragraphs).toBeGreaterThan(1000);
    expect(changed).toEqual([]);
  });

  test("every paragraph and list item at the 29 pull-request tips rewraps and pads to the same Markdown", () => {
    const clone = historyClone()!;
    const merges = formatterMerges(clone);
    expect(merges).toHaveLength(29);
    const bad: string[] = [];
    for (const m of merges) {
      for (const path of m.paths) {
        const text = execFileSync("git", ["show", `${m.tip}:${path}`], {
          cwd: clone,
          encoding: "utf8",
        });
        bad.push(...unsafeRewraps(`${m.tip.slice(0, 8)}/${path}`, text));
        const pad = unsafePadding(path, text);
        if (pad) bad.push(`${m.tip.slice(0, 8)}/${path} (padding): ${pad}`);
      }
    }
    expect(bad).toEqual([]);
  });

  test("bench:fixups: at least 80% of the docs come out identical to the merged text (formatter mistakes left out), and no fix changes a doc's meaning", async () => {
    const clone = historyClone()!;
    // One doc at a time, without the tree that marks gVisor's: its house style is named.
    const config = resolveConfig({ preset: "gvisor" });
    const results: {
      key: string;
      identical: boolean;
      mergedChanges: boolean;
      ours: string | null;
      line: number;
    }[] = [];
    for (const m of formatterMerges(clone)) {
      for (const path of m.paths) {
        const git = (rev: string) =>
          execFileSync("git", ["show", `${rev}:${path}`], { cwd: clone, encoding: "utf8" });
        const before = git(m.tip);
        const merged = git(m.merge);
        const fixed = await fixText(path, before, config, FORMATTER_RULES, { reformat: true });
        results.push({
          key: `${m.merge.slice(0, 8)} ${path}`,
          identical: fixed.text === merged,
          mergedChanges: meaningDifference(before, merged) !== null,
          ours: meaningDifference(before, fixed.text),
          line: lineMatch(before, merged, fixed.text),
        });
      }
    }
    expect(results).toHaveLength(50);
    // Our fixes never change what a doc says.
    expect(results.filter((r) => r.ours !== null).map((r) => `${r.key}: ${r.ours}`)).toEqual([]);
    // The docs marked as formatter mistakes or human edits are exactly those whose merged text says something else.
    const marked = Object.entries(KNOWN)
      .filter(([, v]) => v.kind !== "miss")
      .map(([k]) => k)
      .sort();
    expect(
      results
        .filter((r) => r.mergedChanges)
        .map((r) => r.key)
        .sort(),
    ).toEqual(marked);
    // Every doc that is not identical has a reason.
    expect(results.filter((r) => !r.identical && !KNOWN[r.key]).map((r) => r.key)).toEqual([]);
    const mistakes = results.filter((r) => KNOWN[r.key]?.kind === "formatter-mistake").length;
    const identical = results.filter((r) => r.identical).length;
    expect(identical / (results.length - mistakes)).toBeGreaterThanOrEqual(0.8);
    expect(results.reduce((a, r) => a + r.line, 0) / results.length).toBeGreaterThan(0.85);
  }, 600_000);
});
