/** A rule's examples: where their doc sits, and which show a finding and which do not. */
import type { Rule, RuleExample } from "./types.js";

/** Where an example's doc sits unless it says. */
export const EXAMPLE_PATH = "g3doc/doc.md";

export function examplePath(example: RuleExample): string {
  return example.path ?? EXAMPLE_PATH;
}

/** The first example the rule reports. */
export function reportedExample(rule: Rule): RuleExample | undefined {
  return rule.examples.find((e) => e.findings.length > 0);
}

/** The first example the rule finds nothing in. */
export function fineExample(rule: Rule): RuleExample | undefined {
  return rule.examples.find((e) => e.findings.length === 0);
}
