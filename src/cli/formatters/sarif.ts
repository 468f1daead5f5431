/**
 * SARIF 2.1.0 (one run), for GitHub code scanning and other SARIF viewers.
 * Regions are line/column based (SARIF's default column kind, UTF-16 code
 * units, is what the engine counts). A suggestion becomes a fix that replaces
 * the text of lines line..endLine (a line-only region: the final line break
 * stays).
 */
import { jsonChunks } from "./json-chunks.js";
import type * as Sarif from "sarif";
import type { Finding, Severity } from "../../core/finding.js";
import { fingerprint } from "../../core/finding.js";
import { RULES } from "../../core/rules/index.js";
import type { Rule } from "../../core/rules/types.js";
import { fineExample, reportedExample } from "../../core/rules/examples.js";
import { docsUrl, RULES_DOC } from "../../core/rules/docs-url.js";
import type { ReportInput } from "./index.js";

export const TOOL_NAME = "g3doc-review";
/** The project's home page (the repository the rules doc lives in). */
export const TOOL_HOME = RULES_DOC.includes("/blob/")
  ? RULES_DOC.slice(0, RULES_DOC.indexOf("/blob/"))
  : RULES_DOC;
export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
/** The key of the fingerprint in `partialFingerprints`. */
export const FINGERPRINT_KEY = "g3docReviewFingerprint/v1";

const LEVEL: Record<Severity, Sarif.Result.level> = {
  error: "error",
  warning: "warning",
  notice: "note",
};

/** A repository-relative path as a relative URI reference (each segment percent-encoded). */
export function pathToUri(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function ruleDescriptor(r: Rule): Sarif.ReportingDescriptor {
  const bad = reportedExample(r)?.doc ?? "";
  const good = fineExample(r)?.doc ?? "";
  const fenced = (text: string) => `\`\`\`\`markdown\n${text.replace(/\n$/, "")}\n\`\`\`\``;
  return {
    id: r.id,
    shortDescription: { text: r.docs.summary },
    fullDescription: { text: r.docs.description },
    helpUri: docsUrl(r.id),
    help: {
      text: `${r.docs.description}\n\nReported:\n${bad}\nFixed:\n${good}`,
      markdown: `${r.docs.description}\n\nReported:\n\n${fenced(bad)}\n\nFixed:\n\n${fenced(good)}`,
    },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { tags: ["documentation", "markdown"], fixable: r.suggestion !== undefined },
  };
}

function result(f: Finding, ruleIndex: Map<string, number>): Sarif.Result {
  const uri = pathToUri(f.path);
  const res: Sarif.Result = {
    ruleId: f.rule,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri },
          region: { startLine: f.line, endLine: f.endLine, startColumn: f.column },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f) },
    properties: { severity: f.severity, changed: f.changed },
  };
  const index = ruleIndex.get(f.rule);
  if (index !== undefined) res.ruleIndex = index;
  if (f.suggestion !== null) {
    res.fixes = [
      {
        description: {
          text:
            f.endLine > f.line
              ? `Replace lines ${f.line}-${f.endLine}.`
              : `Replace line ${f.line}.`,
        },
        artifactChanges: [
          {
            artifactLocation: { uri },
            replacements: [
              {
                deletedRegion: { startLine: f.line, endLine: f.endLine },
                insertedContent: { text: f.suggestion },
              },
            ],
          },
        ],
      },
    ];
  }
  return res;
}

export function toSarif(r: ReportInput): Sarif.Log {
  const ruleIndex = new Map(RULES.map((rule, i) => [rule.id, i]));
  const run: Sarif.Run = {
    tool: {
      driver: { name: TOOL_NAME, informationUri: TOOL_HOME, rules: RULES.map(ruleDescriptor) },
    },
    results: r.findings.map((f) => result(f, ruleIndex)),
    columnKind: "utf16CodeUnits",
    properties: { base: r.base, head: r.head },
  };
  if (r.notes.length > 0) {
    run.invocations = [
      {
        executionSuccessful: true,
        toolExecutionNotifications: r.notes.map((n) => ({ level: "note", message: { text: n } })),
      },
    ];
  }
  return { $schema: SARIF_SCHEMA, version: "2.1.0", runs: [run] };
}

export function* sarifReport(r: ReportInput): Generator<string> {
  yield* jsonChunks(toSarif(r), 2);
  yield "\n";
}
