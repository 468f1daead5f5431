/**
 * Running the rules on one doc: the engine's rule stage. The findings a
 * doc's own comments turn off are kept apart; a rule that throws gives a
 * note and none of its findings; a rule that asks for a doc the review has
 * not read yet (told by `asked`) is handed back, to be run again on the doc
 * once every doc was read.
 */
import type { Finding, Severity } from "../finding.js";
import type { Config } from "../../config/defaults.js";
import { memo, type Doc } from "../markdown/parse.js";
import { inlineControl } from "../markdown/inline-control.js";
import { suggestionAllowed } from "../fix/allowed.js";
import { RULES, RULE_NAMES } from "./index.js";
import type { Report, ReviewContext, Rule } from "./types.js";

export interface EnabledRule {
  rule: Rule;
  /** Its severity under the config. */
  severity: Severity;
}

/** The rules that are on, with their severity under the config. */
export function enabledRules(config: Config, rules: readonly Rule[] = RULES): EnabledRule[] {
  const out: EnabledRule[] = [];
  for (const rule of rules) {
    const severity = config.rules[rule.id] ?? rule.severity;
    if (severity !== "off") out.push({ rule, severity });
  }
  return out;
}

/**
 * The docs an audit's rules asked for before the audit read them (see
 * core/audit.ts): `take` gives those asked since the last call.
 */
export interface Asked {
  take(): string[];
}

export interface DocCheck {
  findings: Finding[];
  /** Findings the doc's comments turn off. */
  suppressed: Finding[];
  notes: string[];
  /** Rules that asked for a doc not read yet (see `Asked`): their findings are dropped. */
  deferred: EnabledRule[];
  /** Docs they asked for. */
  wanted: string[];
}

/**
 * Runs rules on one doc. A rule that throws gives a note naming the rule and
 * the doc, and none of its findings on that doc: what it reported before it
 * failed may be wrong. Findings that the doc's own comments turn off (see
 * markdown/inline-control.ts) are returned apart, as `suppressed`. The notes
 * on the doc's comments are given only with `controlNotes` (default true), so
 * a doc whose rules run in two passes is told them once.
 */
export function checkDoc(
  doc: Doc,
  rules: readonly EnabledRule[],
  ctx: ReviewContext,
  controlNotes = true,
  asked?: Asked,
): DocCheck {
  const out: DocCheck = { findings: [], suppressed: [], notes: [], deferred: [], wanted: [] };
  const control = memo(doc, "inline-control", (d) => inlineControl(d, RULE_NAMES));
  // BUILD files come as docs with an empty tree: no Markdown protections apply to them.
  const isMarkdown = doc.tree.children.length > 0;
  if (controlNotes)
    for (const u of control.unknown)
      out.notes.push(
        `${doc.path}:${u.line}: a g3doc-review comment names ${JSON.stringify(u.name)}, which no rule has.`,
      );
  for (const enabled of rules) {
    const { rule, severity } = enabled;
    const mine: Finding[] = [];
    const report: Report = (message, at) => {
      const line = at.line;
      mine.push({
        path: doc.path,
        line,
        endLine: Math.max(line, at.endLine ?? line),
        column: at.column ?? 1,
        rule: rule.id,
        severity: at.severity ?? severity,
        message,
        suggestion: at.suggestion ?? null,
        changed: false,
        causedByChange: at.causedByChange === true || undefined,
        lineText: doc.lines[line - 1] ?? "",
      });
    };
    try {
      rule.check(doc, ctx, report);
      const wanted = asked?.take() ?? [];
      if (wanted.length > 0) {
        out.deferred.push(enabled);
        out.wanted.push(...wanted);
        continue;
      }
      for (const f of mine) {
        // A suggestion fix would refuse (over code, tables, HTML, front matter) is not offered.
        if (f.suggestion !== null && isMarkdown && !suggestionAllowed(doc, f)) f.suggestion = null;
        (control.isOff(f.rule, f.line) ? out.suppressed : out.findings).push(f);
      }
    } catch (err) {
      asked?.take();
      const why = err instanceof Error ? err.message : String(err);
      out.notes.push(`${doc.path}: rule ${rule.id} could not run (${why}).`);
    }
  }
  return out;
}
