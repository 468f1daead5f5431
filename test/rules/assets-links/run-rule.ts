/** Runs one rule on one doc with a hand-made review context (for what the engine does not set up, like a publishing model). */
import { parseDoc, type Doc } from "../../../src/core/markdown/parse.js";
import { docAnchors } from "../../../src/core/markdown/slug.js";
import { foldersOf } from "../../../src/core/markdown/paths.js";
import { resolveConfig } from "../../../src/config/load.js";
import type { ReviewContext, Rule } from "../../../src/core/rules/types.js";

export interface RuleMessage {
  line: number;
  column: number;
  reason: string;
  suggestion: string | null;
}

export function runRule(
  rule: Rule,
  path: string,
  markdown: string,
  opts: { paths?: string[]; docs?: Record<string, string>; ctx?: Partial<ReviewContext> } = {},
): RuleMessage[] {
  const doc = parseDoc(path, markdown);
  const others = new Map<string, Doc>(
    Object.entries(opts.docs ?? {}).map(([p, t]) => [p, parseDoc(p, t)]),
  );
  const paths = new Set([path, ...(opts.paths ?? []), ...others.keys()]);
  const dirs = foldersOf(paths);
  const ctx: ReviewContext = {
    config: resolveConfig({}),
    change: { mode: "all", deleted: new Set(), renamed: new Map(), added: new Set() },
    headPaths: paths,
    fileExists: (p) => paths.has(p),
    dirExists: (p) => dirs.has(p),
    anchorsAt: (p) => {
      const d = p === path ? doc : others.get(p);
      return d && docAnchors(d);
    },
    baseAnchorsOf: () => undefined,
    ...opts.ctx,
  };
  const out: RuleMessage[] = [];
  rule.check(doc, ctx, (reason, at) =>
    out.push({
      line: at.line,
      column: at.column ?? 1,
      reason,
      suggestion: at.suggestion ?? null,
    }),
  );
  return out;
}
