/**
 * The rule catalogue: docs/rules.md is generated from the rule modules and
 * must be current; every rule's "bad" example is reported by that rule and
 * its "good" example is not.
 */
import { describe, test, expect } from "@jest/globals";
import { readFileSync } from "node:fs";
import { RULES } from "../../src/core/rules/index.js";
import { renderRulesDoc } from "../../tools/docs-gen/rules-md.js";
import { lintDoc } from "../helpers/lint.js";

describe("docs/rules.md", () => {
  test("is generated from the rule modules (run `npm run docs:rules` after changing a rule)", () => {
    expect(readFileSync(new URL("../../docs/rules.md", import.meta.url), "utf8")).toBe(
      renderRulesDoc(),
    );
  });

  test("rule ids are unique and kebab-case", () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
  });
});

describe.each(RULES.map((r) => [r.id, r] as const))("rule %s", (id, rule) => {
  test("has docs", () => {
    expect(rule.docs.summary.length).toBeGreaterThan(10);
    expect(rule.docs.description.length).toBeGreaterThan(20);
    expect(rule.docs.bad).not.toBe(rule.docs.good);
  });

  const ex = rule.docs.example;
  if (ex === undefined)
    test("its bad example is reported and its good example is not (docs-only example)", async () => {
      const wrap = (s: string) => (/^# /m.test(s) ? s : `# Title\n\n${s}`).replace(/\n?$/, "\n");
      const bad = await lintDoc(wrap(rule.docs.bad), { rule: id });
      const good = await lintDoc(wrap(rule.docs.good), { rule: id });
      expect(bad.length).toBeGreaterThan(0);
      expect(good).toEqual([]);
    });
  else {
    test("its bad example is reported and its good example is not (with its files)", async () => {
      const bad = await lintDoc(ex.bad.doc, { rule: id, path: ex.path, extra: ex.bad.files });
      const good = await lintDoc(ex.good.doc, { rule: id, path: ex.path, extra: ex.good.files });
      expect(bad.length).toBeGreaterThan(0);
      expect(good).toEqual([]);
    });
  }
});
