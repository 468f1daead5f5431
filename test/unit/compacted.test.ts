/**
 * The outcomes an audit keeps until the end (core/audit.ts `compacted`, used
 * by the pool on a worker's answers, and `detached`, by the local runner and
 * the pool's main thread on their own): the same values, every finding one
 * object of one shape, one copy of each string.
 */
import { describe, expect, test } from "@jest/globals";
import { compacted, detached, firstPass, type DocOutcome } from "../../src/core/audit.js";
import type { Finding } from "../../src/core/finding.js";
import type { DocAnchors } from "../../src/core/markdown/slug.js";
import { prepareReview } from "../../src/core/setup.js";
import { resolveConfig } from "../../src/config/load.js";
import { MemoryChangeSet } from "../helpers/memory-changeset.js";

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

/** A doc's anchors: its headings' slugs (and one id). */
const anchorsOf = (): DocAnchors => ({
  anchors: new Set(["overview", "usage", "top", "custom-id"]),
  headings: [
    { github: "overview", kramdown: "overview" },
    { github: "usage", kramdown: "usage", id: "custom-id" },
  ],
});

const withAnchors = (): DocOutcome[] => outcomes().map((o) => ({ ...o, anchors: anchorsOf() }));

describe("compacted anchors", () => {
  test("keeps their values, and one copy of each of their strings in the pool", () => {
    const pool = new Map<string, string>();
    expect(compacted(structuredClone(withAnchors()), pool)).toStrictEqual(withAnchors());
    for (const s of ["overview", "usage", "top", "custom-id"]) expect(pool.get(s)).toBe(s);
  });

  test("an outcome made here keeps its anchors object (the runner's known anchors are the same)", () => {
    const made = withAnchors();
    const out = detached(made, new Map());
    expect(out).toStrictEqual(withAnchors());
    expect(out[0]).not.toBe(made[0]);
    expect(out[0].anchors).toBe(made[0].anchors);
    expect(out[1].anchors).toBe(made[1].anchors);
  });
});

describe("firstPass anchors", () => {
  test("the anchors kept of docs with the same headings take their strings from one pool", async () => {
    const text = "# Overview\n\n## Usage {#custom-id}\n\nSee [usage](#usage).\n";
    const files = { "g3doc/a.md": text, "g3doc/b.md": text };
    const setup = await prepareReview(new MemoryChangeSet(null, files), resolveConfig({}), {
      mode: "all",
    });
    const known = new Map<string, DocAnchors | null>();
    const pool = new Map<string, string>();
    const a = firstPass(setup, "g3doc/a.md", { kind: "text", text }, known, pool);
    const size = pool.size;
    const b = firstPass(setup, "g3doc/b.md", { kind: "text", text }, known, pool);
    expect(a.anchors).toStrictEqual(b.anchors);
    expect([...a.anchors!.anchors].sort()).toEqual(["custom-id", "overview", "top", "usage"]);
    expect(a.anchors!.headings).toEqual([
      { github: "overview", kramdown: "overview" },
      { github: "usage", kramdown: "usage", id: "custom-id" },
    ]);
    // The second doc's anchors added no string to the pool; the runner knows both docs' anchors.
    expect(size).toBe(4);
    expect(pool.size).toBe(size);
    expect(known.get("g3doc/a.md")).toBe(a.anchors);
    expect(known.get("g3doc/b.md")).toBe(b.anchors);
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
