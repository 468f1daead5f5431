/**
 * A reduced hostile replay (`npm run bench:hostile` runs every attack): the
 * app through `npm start` and the stand-in, three attacks while the other
 * installation opens ordinary pull requests. The report has the documented
 * shape, `passed` follows from the targets, and the attacks' own outcomes
 * hold (nothing written outside, nothing injected, nothing in progress).
 */
import { describe, expect, test } from "@jest/globals";
import { judge, runHostile, TARGETS, type Measured } from "./harness/hostile.js";
import { libBuilt } from "./harness/app-process.js";

const KEYS = [
  "name",
  "ping_p99_ms",
  "ack_p99_ms",
  "rss_growth_mb",
  "checks_left_in_progress",
  "injected_structures",
  "other_installation_review_ms",
  "outside_writes",
  "passed",
];

const ok: Measured = {
  name: "x",
  ping_p99_ms: 12,
  ack_p99_ms: 8,
  rss_growth_mb: 20,
  checks_left_in_progress: 0,
  injected_structures: 0,
  other_installation_review_ms: 900,
  outside_writes: 0,
  details: {},
};

describe("the hostile replay's verdict", () => {
  test("each target, missed alone, fails the attack; the memory target only where it applies", () => {
    expect(judge(ok, true)).toEqual([]);
    const misses: [Partial<Measured>, RegExp][] = [
      [{ ping_p99_ms: TARGETS.pingP99Ms + 1 }, /^\/ping p99/],
      [{ ack_p99_ms: TARGETS.ackP99Ms + 0.5 }, /^acknowledgement p99/],
      [{ checks_left_in_progress: 1 }, /left in progress/],
      [{ injected_structures: 2 }, /2 injected/],
      [
        { other_installation_review_ms: TARGETS.otherInstallationReviewMs + 1 },
        /other installation/,
      ],
      [{ other_installation_review_ms: null }, /no review of the other installation/],
      [{ outside_writes: 7 }, /7 byte\(s\) written outside/],
      [{ rss_growth_mb: TARGETS.rssGrowthMb + 1 }, /^RSS/],
    ];
    for (const [change, why] of misses) {
      const failed = judge({ ...ok, ...change }, true);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatch(why);
    }
    expect(judge({ ...ok, rss_growth_mb: 500 }, false)).toEqual([]);
    expect(judge(ok, false, ["replied to a thread it did not start"])).toEqual([
      "replied to a thread it did not start",
    ]);
  });
});

describe("a reduced hostile replay through npm start", () => {
  test("three attacks: the report's shape, passed computed from the targets, nothing written outside or injected or left in progress", async () => {
    if (!libBuilt()) throw new Error("lib/server/main.js is missing: `npm test` builds it first");
    const report = await runHostile({
      only: ["fix through committed symlinks", "injection in links", "other bots' threads"],
    });
    expect(report.errors).toEqual([]);
    expect(report.attacks.map((a) => a.name)).toEqual([
      "fix through committed symlinks (CLI)",
      "injection in links, images and anchors",
      "other bots' threads with our marker",
    ]);
    for (const a of report.attacks) {
      for (const k of KEYS) expect(a).toHaveProperty(k);
      expect(typeof a.ping_p99_ms).toBe("number");
      expect(typeof a.passed).toBe("boolean");
      // passed is what the targets say of the numbers, nothing else.
      const failed = judge(
        a,
        false,
        a.failed.filter((f) => !judge(a, false).includes(f)),
      );
      expect(a.failed).toEqual(failed);
      expect(a.passed).toBe(a.failed.length === 0);
      expect(a.outside_writes).toBe(0);
      expect(a.injected_structures).toBe(0);
      expect(a.checks_left_in_progress).toBe(0);
      expect(a.other_installation_review_ms).not.toBeNull();
      expect(a.details.pings as number).toBeGreaterThan(10);
    }
    // The attacks' own checks held (the app's answers, the threads, the fix runs).
    expect(
      report.attacks.flatMap((a) => a.failed.filter((f) => !judge(a, false).includes(f))),
    ).toEqual([]);
  }, 600_000);
});
