/** Test helpers: run the engine on small trees and pick out one rule's findings. */
import { review, type ReviewMode } from "../../src/core/engine.js";
import { resolveConfig, type UserConfig } from "../../src/config/load.js";
import type { Finding } from "../../src/core/finding.js";
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
