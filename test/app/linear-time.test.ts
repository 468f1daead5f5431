/**
 * What runs on the main thread grows linearly with a pull request's content:
 * the prefetch's link scan (counted in steps), and merging suggestions,
 * planning comments and rendering the summary (timed at sizes n and 4n in the
 * same run: a linear cost grows about 4 times, a quadratic one 16 times).
 */
import { describe, test, expect } from "@jest/globals";
import type { Finding } from "../../src/core/finding.js";
import { parsePatch, type FileDiff } from "../../src/core/diff/patch.js";
import { mdFragmentTargets, prefetchFor, PREFETCH_SCAN_CHARS } from "../../src/app/prefetch.js";
import { planReview } from "../../src/app/publish/comments.js";
import { mergeOverlapping } from "../../src/core/present/merge-overlapping.js";
import { renderSummary } from "../../src/app/publish/check-run.js";
import { defaultConfig } from "../../src/config/defaults.js";

const REGEX = /(?:\]\(|\]:[ \t]*)<?([^\s)#>]+\.md)#/g;

/** Lines built to make the old regular expression backtrack from every position. */
const hostileLines = (n: number) => [
  "]:".repeat(n / 2),
  "](".repeat(n / 2),
  `](${"a".repeat(n)}`,
  "]:a.md#".repeat(n / 7),
  `[x](${"](".repeat(n / 4)}guide.md#`,
  "#".repeat(n),
];

describe("the prefetch's scan of added lines for links with a #fragment", () => {
  test("finds what the regular expression it replaces finds", () => {
    const alphabet = ["]", "(", ":", " ", "\t", "<", ">", "#", ".md", "a", ")", ".", "](", "]:"];
    let seed = 7;
    const rand = (k: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % k;
    for (let i = 0; i < 20_000; i++) {
      let line = "";
      for (let j = rand(16); j >= 0; j--) line += alphabet[rand(alphabet.length)];
      expect([line, mdFragmentTargets(line)]).toEqual([
        line,
        [...line.matchAll(REGEX)].map((m) => m[1]),
      ]);
    }
    expect(mdFragmentTargets("See [the guide](../guide.md#setup) and [ref]: <a/b.md#x>")).toEqual([
      "../guide.md",
      "a/b.md",
    ]);
  });

  test.each(hostileLines(40_000).map((l, i) => [i, l]))(
    "hostile line %i: steps grow linearly (n and 4n)",
    (i) => {
      const steps = (n: number) => {
        const meter = { steps: 0 };
        mdFragmentTargets(hostileLines(n)[i as number], meter);
        return meter.steps;
      };
      const small = steps(40_000);
      const large = steps(160_000);
      expect(large).toBeLessThanOrEqual(4 * small + 8);
      expect(large).toBeLessThanOrEqual(2 * 160_000);
    },
  );

  test("a 150 KB added line does not stop the prefetch", () => {
    const line = `+${"]:".repeat(75_000)}`;
    const plan = prefetchFor(defaultConfig())(
      ["g3doc/a.md"],
      [
        {
          path: "g3doc/a.md",
          status: "added",
          patch: `@@ -0,0 +1 @@\n${line}`,
          previousPath: undefined,
        } as any,
      ],
    );
    expect(plan).toContainEqual({ side: "head", path: "g3doc/a.md" });
  });

  test("link targets are looked for in the first PREFETCH_SCAN_CHARS of patches only", () => {
    const filler = "+Text.\n".repeat(Math.ceil(PREFETCH_SCAN_CHARS / 7));
    const file = (path: string, patch: string) =>
      ({ path, status: "added", patch, previousPath: undefined }) as any;
    const headPaths = ["g3doc/a.md", "g3doc/b.md", "other/near.md", "other/far.md"];
    const plan = prefetchFor(defaultConfig())(headPaths, [
      file("g3doc/a.md", `@@ -0,0 +1 @@\n+See [near](../other/near.md#x).\n${filler}`),
      file("g3doc/b.md", `@@ -0,0 +1 @@\n+See [far](../other/far.md#y).\n`),
    ]);
    expect(plan).toContainEqual({ side: "head", path: "other/near.md" });
    expect(plan).not.toContainEqual({ side: "head", path: "other/far.md" });
  });
});

const finding = (i: number, over: Partial<Finding> = {}): Finding => ({
  path: "g3doc/big.md",
  line: i,
  endLine: i,
  column: 1,
  rule: "trailing-whitespace",
  severity: "warning",
  message: `Trailing whitespace ${i}`,
  suggestion: `Line ${i} with user space`,
  changed: true,
  lineText: `Line ${i} with user space   `,
  ...over,
});

/** n lines, each with two overlapping line-local fixes, and a diff with a hunk every other line. */
function workload(n: number) {
  const lines: string[] = [];
  const findings: Finding[] = [];
  for (let i = 1; i <= n; i++) {
    lines.push(`Line ${i} with user space   `);
    findings.push(finding(i));
    findings.push(
      finding(i, {
        rule: "terminology",
        column: 8,
        message: "Write userspace",
        suggestion: `Line ${i} with userspace   `,
      }),
    );
  }
  const hunks: string[] = [];
  for (let i = 1; i <= n; i += 2) hunks.push(`@@ -${i},1 +${i},1 @@\n-old\n+${lines[i - 1]}`);
  const diffs = new Map<string, FileDiff>([["g3doc/big.md", parsePatch(hunks.join("\n"))]]);
  return { text: `${lines.join("\n")}\n`, findings, diffs };
}

/** The least CPU time of `runs` runs, in ms. */
function cpuMs(fn: () => void, runs = 3): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = process.cpuUsage();
    fn();
    const t = process.cpuUsage(t0);
    best = Math.min(best, (t.user + t.system) / 1000);
  }
  return best;
}

describe("presenting many findings (48,000 took 53 s each before)", () => {
  const N = 3000;
  const small = workload(N);
  const large = workload(4 * N);
  const steps = {
    merge: (w: ReturnType<typeof workload>) => () =>
      mergeOverlapping(w.findings, new Map([["g3doc/big.md", w.text]]), 80),
    plan: (w: ReturnType<typeof workload>) => () =>
      planReview(w.findings, w.diffs, [], { maxComments: 30 }),
    summary: (w: ReturnType<typeof workload>) => () =>
      renderSummary({
        findings: w.findings,
        headSha: "a".repeat(40),
        docs: ["g3doc/big.md"],
        notCommented: w.findings.map((f) => ({ finding: f, reason: "over the limit" })),
        alreadyCommented: 0,
        commented: 0,
        resolved: 0,
        notes: [],
      }),
  };

  test.each(Object.keys(steps))(
    "%s: 4 times the findings cost at most 8 times the time",
    (name) => {
      const step = steps[name as keyof typeof steps];
      step(small)(); // warm up
      const a = cpuMs(step(small));
      const b = cpuMs(step(large));
      expect(b / Math.max(a, 1)).toBeLessThan(8);
    },
  );

  test("merging still combines the overlapping fixes of each line", () => {
    const merged = mergeOverlapping(small.findings, new Map([["g3doc/big.md", small.text]]), 80);
    expect(merged.findings).toHaveLength(N);
    expect(merged.findings[0].suggestion).toBe("Line 1 with userspace");
    expect(merged.riders.size).toBe(N);
  });
});
