/**
 * docs/precision/sample.json: the judged sample of findings on real Markdown
 * (`npm run precision:sample`). It must stay consistent with the engine where
 * that is cheap to check: every rule id exists, every entry is judged with a
 * reason, the note (sample.md) is made from it, and its precision meets the
 * target (95% right, debatable counted as wrong; no wrong error).
 */
import { describe, test, expect } from "@jest/globals";
import { readFileSync } from "node:fs";
import { RULES } from "../../src/core/rules/index.js";
import {
  VERDICTS,
  corpusCannotTell,
  precision,
  renderSample,
  type SampleFile,
} from "../../tools/precision/verdicts.js";

const read = (name: string) =>
  readFileSync(new URL(`../../docs/precision/${name}`, import.meta.url), "utf8");
const file: SampleFile = JSON.parse(read("sample.json"));
const ids = new Set(RULES.map((r) => r.id));

describe("docs/precision/sample.json", () => {
  test("holds at least 200 entries, numbered in order", () => {
    expect(file.entries.length).toBeGreaterThanOrEqual(200);
    expect(file.entries.map((e) => e.n)).toEqual(file.entries.map((_e, i) => i + 1));
  });

  test("every entry names a rule of the registry, a severity, its lines and a verdict with a reason", () => {
    for (const e of file.entries) {
      expect(ids.has(e.rule)).toBe(true);
      expect(["error", "warning", "notice"]).toContain(e.severity);
      expect(VERDICTS as readonly (string | null)[]).toContain(e.verdict);
      expect(e.reason.trim().length).toBeGreaterThan(10);
      expect(e.lines.length).toBe(Math.max(1, e.endLine - e.line + 1));
      expect(corpusCannotTell(e)).toBe(false);
    }
    for (const rule of Object.keys(file.corpusCounts)) expect(ids.has(rule)).toBe(true);
  });

  test("every rule that fires on the corpus is in the sample, with up to `perRule` entries", () => {
    for (const [rule, n] of Object.entries(file.corpusCounts)) {
      const judgeable = n - (file.excluded[rule] ?? 0);
      const drawn = file.entries.filter((e) => e.rule === rule).length;
      expect([rule, drawn]).toEqual([rule, Math.max(drawn, Math.min(judgeable, file.perRule))]);
    }
  });

  test("the note is made from it (run `npm run precision:sample -- --render docs/precision/sample.json`)", () => {
    expect(read("sample.md")).toBe(renderSample(file));
  });

  test("meets the target: at least 95% right, no wrong or debatable finding at error severity", () => {
    const all = precision(file.entries).at(-1)!;
    expect(all.total).toBe(file.entries.length);
    expect(all.right / all.total).toBeGreaterThanOrEqual(0.95);
    expect(all.wrongErrors).toBe(0);
  });
});
