import { describe, test, expect } from "@jest/globals";
import { lintDoc } from "../../helpers/lint.js";
import { STYLE_RULES } from "../../../src/core/rules/style/index.js";

describe("style rules' own examples", () => {
  test("every style rule is registered once", () => {
    expect(STYLE_RULES.map((r) => r.id).sort()).toEqual([
      "code-fence-language",
      "final-newline",
      "hard-tab",
      "heading-style",
      "image-alt-text",
      "line-length",
      "link-text",
      "list-marker",
      "single-h1",
      "terminology",
      "trailing-whitespace",
    ]);
  });

  for (const rule of STYLE_RULES) {
    test(`${rule.id}: the bad example is reported, the good one is not`, async () => {
      expect((await lintDoc(rule.docs.bad, { rule: rule.id })).length).toBeGreaterThan(0);
      expect(await lintDoc(rule.docs.good, { rule: rule.id })).toEqual([]);
    });
  }
});
