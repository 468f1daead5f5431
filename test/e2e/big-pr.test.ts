/**
 * `npm run bench:e2e -- --big-pr` in small: a pull request of 200 files of
 * gVisor's tree copied, reviewed by the built app through the stand-in. The
 * bench's own numbers are measured, not asserted against their targets here
 * (the machine is shared); what is asserted is that the review completes and
 * that the numbers are there. Skips visibly when ../shared is absent.
 */
import { expect, test } from "@jest/globals";
import { describeCorpus, G3DOC_HEAD } from "../helpers/corpus.js";
import { runBigPr, formatBigPr } from "./harness/big-pr.js";
import { libBuilt } from "./harness/app-process.js";

describeCorpus("e2e: one large pull request (bench:e2e --big-pr)", () => {
  test("200 files: the review completes, with its time, peak RSS and /ping times", async () => {
    if (!libBuilt())
      throw new Error("lib/server/main.js is missing: `npm test` builds it first (npm run build)");
    const r = await runBigPr({ files: 200, treeDir: G3DOC_HEAD, timeoutMs: 240_000 });
    expect(formatBigPr(r)).toContain("review");
    expect(r.files).toBe(200);
    // 200 files are 2 copies of the tree's 84 and 32 more: 50 + 50 + the docs among the 32.
    expect(r.markdown_docs).toBeGreaterThanOrEqual(100);
    expect(r.review_s).not.toBeNull();
    expect(r.conclusion).toBe("failure");
    expect(r.annotations).toBeGreaterThan(0);
    expect(r.checks_left_in_progress).toBe(0);
    expect(r.peak_rss_mb).toBeGreaterThan(r.rss_before_mb);
    expect(r.pings).toBeGreaterThan(0);
    expect(r.ping_max_ms).toBeGreaterThanOrEqual(r.ping_p99_ms);
  }, 300_000);
});
