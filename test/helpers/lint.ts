/** Test helpers: run the engine on small trees and pick out one rule's findings. */
import { review, type ReviewMode } from "../../src/core/engine.js";
import { resolveConfig, type UserConfig } from "../../src/config/load.js";
import type { Finding } from "../../src/core/finding.js";
import type { ExpectedFinding, Rule, RuleExample } from "../../src/core/rules/types.js";
import { examplePath } from "../../src/core/rules/examples.js";
import { MemoryChangeSet, type MemoryChangeSetOptions, type Tree } from "./memory-changeset.js";

/** Audits one doc (`g3doc/doc.md` by default) with every rule, returning the findings of `rule` (or all). */
export async function lintDoc(
  markdown: string,
  opts: { rule?: string; path?: string; extra?: Tree; config?: UserConfig } = {},
): Promise<Finding[]> {
  const path = opts.path ?? "g3doc/doc.md";
  const cs = new MemoryChangeSet(null, { [path]: markdown, ...(opts.extra ?? {}) });
  const r = await review(cs, resolveConfig(opts.config ?? {}), { mode: "all" });
  return opts.rule ? r.findings.filter((f) => f.rule === opts.rule) : r.findings;
}

/** Reviews the change from `base` to `head`. */
export async function lintChange(
  base: Tree,
  head: Tree,
  opts: {
    rule?: string;
    config?: UserConfig;
    mode?: ReviewMode;
    changeSet?: MemoryChangeSetOptions;
  } = {},
) {
  const cs = new MemoryChangeSet(base, head, opts.changeSet);
  const r = await review(cs, resolveConfig(opts.config ?? {}), { mode: opts.mode ?? "change" });
  const findings = opts.rule ? r.findings.filter((f) => f.rule === opts.rule) : r.findings;
  return { ...r, findings, changeSet: cs };
}

/** What the engine reports for a rule's example, that rule's findings only, in the shape examples use. */
export async function lintExample(rule: Rule, example: RuleExample): Promise<ExpectedFinding[]> {
  const path = examplePath(example);
  const head = { [path]: example.doc, ...(example.files ?? {}) };
  const cs = example.base
    ? new MemoryChangeSet(example.base, head, { renames: example.renamed })
    : new MemoryChangeSet(null, head);
  const mode = example.base ? "change" : "all";
  const r = await review(cs, resolveConfig(example.config ?? {}), { mode });
  return r.findings
    .filter((f) => f.rule === rule.id)
    .map((f) => {
      const out: ExpectedFinding = { line: f.line, column: f.column, message: f.message };
      if (f.endLine !== f.line) out.endLine = f.endLine;
      if (f.suggestion !== null) out.suggestion = f.suggestion;
      if (f.severity !== rule.severity) out.severity = f.severity;
      return out;
    });
}
