/**
 * The rule catalogue: docs/rules.md is generated from the rule modules and
 * must be current (each rule's examples and their exact findings are checked
 * in test/rules/examples.test.ts).
 */
import { describe, test, expect } from "@jest/globals";
import { readFileSync } from "node:fs";
import { RULES } from "../../src/core/rules/index.js";
import { renderRulesDoc } from "../../tools/docs-gen/rules-md.js";

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
