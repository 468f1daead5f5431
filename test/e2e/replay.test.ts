/**
 * End to end: the built app (`npm start`, from lib/) reviews replayed gVisor
 * commits through the GitHub stand-in, 10 commits without faults and 8 more
 * with 20% of requests faulted (the two runs go side by side: each app process has its
 * own write throttle). Skips visibly when ../shared/corpus/gvisor is absent.
 */
import { beforeAll, expect, test } from "@jest/globals";
import { describeCorpus } from "../helpers/corpus.js";
import { runReplay, formatReport, type ReplayReport } from "./harness/replay.js";
import { libBuilt } from "./harness/app-process.js";

const CLEAN = 10;
const FAULTY = 8;
const REQUESTS_PER_PR = 6;

describeCorpus("e2e replay of gVisor history through the GitHub stand-in", () => {
  let clean: ReplayReport;
  let faulty: ReplayReport;

  beforeAll(async () => {
    if (!libBuilt())
      throw new Error("lib/server/main.js is missing: `npm test` builds it first (npm run build)");
    [clean, faulty] = await Promise.all([
      runReplay({
        limit: CLEAN,
        offset: 0,
        concurrency: CLEAN,
        installations: CLEAN,
        checkSignatures: true,
        deliveryTimeoutMs: 100_000,
      }),
      runReplay({
        limit: FAULTY,
        offset: CLEAN,
        concurrency: FAULTY,
        installations: FAULTY,
        faultRate: 0.2,
        faultSeed: 3,
        slowMs: 2000,
        deliveryTimeoutMs: 100_000,
      }),
    ]);
    process.stderr.write(
      `\n--- e2e replay without faults ---\n${formatReport(clean, 20)}\n\n--- e2e replay with 20% faults ---\n${formatReport(faulty, 20)}\n`,
    );
  }, 170_000);

  test("without faults: every delivery ends in a completed check run, with no violations and no duplicates", () => {
    expect(clean.prs).toBe(CLEAN);
    expect(clean.errors).toEqual([]);
    expect(clean.details.violation_samples).toEqual([]);
    expect(clean.openapi_violations).toBe(0);
    expect(clean.duplicate_comments).toBe(0);
    expect(clean.checks_left_in_progress).toBe(0);
    expect(clean.checks_completed).toBeGreaterThanOrEqual(CLEAN);
    // The same-head synchronize after a finished review is acknowledged and skipped.
    expect(clean.details.skipped_deliveries).toBe(CLEAN);
    expect(clean.overlapping_suggestions).toBe(0);
    expect(clean.suggestions_outside_hunk).toBe(0);
    expect(clean.details.unhandled).toEqual([]);
  });

  test("webhook signatures: forged, missing and replayed-with-another-body are refused and reach no GitHub endpoint", () => {
    expect(clean.details.signatures).toHaveLength(3);
    for (const s of clean.details.signatures) {
      expect({
        name: s.name,
        client_error: s.status >= 400 && s.status < 500,
        requests: s.requestsSeen,
      }).toEqual({ name: s.name, client_error: true, requests: 0 });
    }
  });

  test(`without faults: at most ${REQUESTS_PER_PR} GitHub requests per pull request of at most 100 files`, () => {
    // "Plus one per extra page": a further page of changed files, or a further batch of 50 annotations.
    const extraPages = (p: (typeof clean.details.per_pr)[number]) =>
      Math.max(0, (p.operations?.["pulls/list-files"] ?? 1) - 1) +
      Math.max(0, (p.operations?.["checks/update"] ?? 1) - 1);
    const over = clean.details.per_pr
      .filter((p) => p.files <= 100 && p.requests > REQUESTS_PER_PR + extraPages(p))
      .map(
        (p) =>
          `#${p.number} (${p.files} files): ${p.requests} requests ${JSON.stringify(p.operations)}`,
      );
    expect({ over, by_operation: over.length ? clean.details.requests_by_operation : {} }).toEqual({
      over: [],
      by_operation: {},
    });
  });

  test("with 20% faults: every check run completes, no duplicates, no unhandled rejections, still serving", () => {
    expect(faulty.prs).toBe(FAULTY);
    expect(
      Object.values(faulty.details.faults_injected).reduce((a, b) => a + b, 0),
    ).toBeGreaterThan(0);
    expect(faulty.errors).toEqual([]);
    expect(faulty.checks_left_in_progress).toBe(0);
    expect(faulty.duplicate_comments).toBe(0);
    expect(faulty.overlapping_suggestions).toBe(0);
    expect(faulty.suggestions_outside_hunk).toBe(0);
    expect(faulty.details.unhandled).toEqual([]);
    expect(faulty.details.ping_at_end).toBe(true);
  });
});
