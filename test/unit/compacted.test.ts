/**
 * The outcomes an audit keeps until the end (core/audit.ts `compacted`, used
 * by the pool on a worker's answers, and `detached`, by the local runner and
 * the pool's main thread on their own): the same values, every finding one
 * object of one shape, one copy of each string.
 */
import { describe, expect, test } from "@jest/globals";
import { compacted, detached, type DocOutcome } from "../../src/core/audit.js";
import type { Finding } from "../../src/core/finding.js";

function finding(path: string, line: number, extra: Partial<Finding> = {}): Finding {
  return {
    path,
    line,
    endLine: line,
    column: 81,
    rule: "line-length",
    severity: "warning",
    message: `This paragraph has a line ${80 + line} characters long.`,
    suggestion: line % 2 ? "wrapped\ntext" : null,
    changed: false,
    causedByChange: undefined,
    lineText: "x".repeat(80 + line),
    ...extra,
  };
}

function outcomes(): DocOutcome[] {
  return ["docs/a.md", "docs/b.md"].map((path) => ({
    path,
    findings: [finding(path, 1), finding(path, 2, { causedByChange: true })],
    suppressed: [finding(path, 3, { occurrence: 2, severity: "error" })],
    notes: [`${path}: a note`],
    chars: 1234,
    deferred: [],
    wanted: [],
  }));
}

describe("compacted", () => {
  test("keeps every value of every finding, suppressed ones included", () => {
    const pool = new Map<string, string>();
    expect(compacted(structuredClone(outcomes()), pool)).toStrictEqual(outcomes());
  });

  test("gives every finding the fields of core/rules/run.ts in its order, occurrence last", () => {
    const out = compacted(structuredClone(outcomes()), new Map());
    const keys = out.flatMap((o) => o.findings.map((f) => Object.keys(f).join(",")));
    expect(new Set(keys)).toEqual(
      new Set([
        "path,line,endLine,column,rule,severity,message,suggestion,changed,causedByChange,lineText",
      ]),
    );
    expect(Object.keys(out[0].suppressed[0]).at(-1)).toBe("occurrence");
  });

  test("keeps one copy of each path, rule, message and line, across calls", () => {
    const pool = new Map<string, string>();
    compacted(structuredClone(outcomes()), pool);
    compacted(structuredClone(outcomes()), pool);
    // 2 paths, 1 rule, 3 messages, 3 lines: the second call added none.
    expect([...pool.keys()].sort()).toEqual(
      [
        "docs/a.md",
        "docs/b.md",
        "line-length",
        ...[1, 2, 3].map((l) => `This paragraph has a line ${80 + l} characters long.`),
        ...[1, 2, 3].map((l) => "x".repeat(80 + l)),
      ].sort(),
    );
  });
});

describe("detached", () => {
  test("keeps this thread's outcomes as copies: none of their objects is kept, the values are", () => {
    const made = outcomes();
    const pool = new Map<string, string>();
    const out = detached(made, pool);
    expect(out).toStrictEqual(outcomes());
    expect(out[0]).not.toBe(made[0]);
    expect(out[0].notes).not.toBe(made[0].notes);
    // What was made here is left as it was (compacting the copy does not touch it).
    expect(made).toStrictEqual(outcomes());
    expect(pool.get("docs/a.md")).toBe("docs/a.md");
  });
});
