/**
 * A rule that throws is the engine's problem to report, not the writer's: it
 * becomes a note naming the rule and the doc, and none of what it reported
 * on that doc before failing is kept as a finding.
 */
import { describe, test, expect } from "@jest/globals";
import { checkDoc, enabledRules } from "../../src/core/engine.js";
import { parseDoc } from "../../src/core/markdown/parse.js";
import { resolveConfig } from "../../src/config/load.js";
import { RULES } from "../../src/core/rules/index.js";
import type { ReviewContext, Rule } from "../../src/core/rules/types.js";

const crashing: Rule = {
  id: "crashing",
  severity: "error",
  scope: { on: "doc" },
  docs: { summary: "A rule that fails halfway.", description: "Reports one finding, then throws." },
  examples: [],
  check(doc, _ctx, report) {
    report("Reported before the failure.", { line: 1 });
    throw new Error(`cannot read ${doc.lines.length} lines`);
  },
};

function context(): ReviewContext {
  return {
    config: resolveConfig({}),
    change: { mode: "all", deleted: new Set(), renamed: new Map(), added: new Set() },
    headPaths: new Set(["g3doc/doc.md"]),
    fileExists: () => true,
    dirExists: () => true,
    anchorsAt: () => undefined,
    baseAnchorsOf: () => undefined,
  };
}

describe("a rule that throws", () => {
  test("gives a note naming the rule and the doc, and no finding; the other rules still report", () => {
    const doc = parseDoc("g3doc/doc.md", "# Title\n\nThe Sentry runs in user space.\n");
    const terminology = RULES.find((r) => r.id === "terminology")!;
    const rules = [
      { rule: crashing, severity: "error" as const },
      ...enabledRules(resolveConfig({}), [terminology]),
    ];
    const { findings, notes } = checkDoc(doc, rules, context());
    expect(notes).toEqual(["g3doc/doc.md: rule crashing could not run (cannot read 4 lines)."]);
    expect(findings.map((f) => `${f.rule} ${f.line}:${f.column}`)).toEqual(["terminology 3:20"]);
  });
});
