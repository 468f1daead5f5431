/**
 * Every rule's examples, in the remark-lint style: the engine reports on each
 * example exactly the findings the rule lists for it (line, column, end line,
 * message, suggestion, severity), and nothing else of that rule.
 */
import { describe, test, expect } from "@jest/globals";
import { RULES } from "../../src/core/rules/index.js";
import { fineExample, reportedExample } from "../../src/core/rules/examples.js";
import { lintExample } from "../helpers/lint.js";

describe.each(RULES.map((r) => [r.id, r] as const))("rule %s", (_id, rule) => {
  test("has docs, an example it reports and one it does not", () => {
    expect(rule.docs.summary.length).toBeGreaterThan(10);
    expect(rule.docs.description.length).toBeGreaterThan(20);
    expect(reportedExample(rule)).toBeDefined();
    expect(fineExample(rule)).toBeDefined();
  });

  test("offers suggestions in its examples exactly when it says it is fixable", () => {
    const suggests = rule.examples.some((e) =>
      e.findings.some((f) => f.suggestion !== undefined && f.suggestion !== null),
    );
    expect(suggests).toBe(rule.suggestion !== undefined);
  });

  rule.examples.forEach((example, i) => {
    test(`example ${i + 1} (${example.findings.length} findings): reported exactly as listed`, async () => {
      expect(await lintExample(rule, example)).toEqual(example.findings);
    });
  });
});
