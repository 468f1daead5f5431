/**
 * The audit's second pass runs in rounds (core/audit.ts): a doc whose rules
 * are handed back again in a round keeps what its other rules gave in the
 * rounds before.
 */
import { describe, expect, test } from "@jest/globals";
import { auditDocs, emptyOutcome, type DocOutcome, type DocRunner } from "../../src/core/audit.js";
import { prepareReview } from "../../src/core/setup.js";
import { resolveConfig } from "../../src/config/load.js";
import type { Finding } from "../../src/core/finding.js";
import { MemoryChangeSet } from "../helpers/memory-changeset.js";

const finding = (path: string, rule: string): Finding => ({
  path,
  line: 1,
  endLine: 1,
  column: 1,
  rule,
  severity: "warning",
  message: rule,
  suggestion: null,
  changed: false,
});

const outcome = (path: string, o: Partial<DocOutcome> = {}): DocOutcome => ({
  ...emptyOutcome(path),
  ...o,
});

describe("audit rounds", () => {
  test("a rule handed back twice: the findings of every round are kept", async () => {
    const cs = new MemoryChangeSet(null, {
      "g3doc/a.md": "# A\n",
      "other/b.md": "# B\n",
      "other/c.md": "# C\n",
    });
    const setup = await prepareReview(cs, resolveConfig({}), { mode: "all" });
    const rounds: string[][] = [];
    const runner: DocRunner = {
      first: async () => [
        outcome("g3doc/a.md", {
          anchors: { anchors: new Set(["a"]), headings: [] },
          deferred: ["x", "y"],
          wanted: ["other/b.md"],
        }),
      ],
      again: async (work, anchors) => {
        rounds.push(work.flatMap((w) => w.rules));
        // Round 1: rule x is done; y asks for another doc not read yet. Round 2: y is done.
        if (!anchors.has("other/c.md"))
          return [
            outcome("g3doc/a.md", {
              findings: [finding("g3doc/a.md", "x")],
              deferred: ["y"],
              wanted: ["other/c.md"],
            }),
          ];
        return [outcome("g3doc/a.md", { findings: [finding("g3doc/a.md", "y")] })];
      },
      close: async () => {},
    };
    const r = await auditDocs(setup, cs, runner);
    expect(rounds).toEqual([["x", "y"], ["y"]]);
    expect(r.all.map((f) => f.rule)).toEqual(["x", "y"]);
    expect(r.docs).toEqual(["g3doc/a.md"]);
  });
});
