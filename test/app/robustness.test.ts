import { describe, test, expect, afterEach, afterAll } from "@jest/globals";
import {
  setup,
  teardown,
  violations,
  pullRequestPayload,
  overlappingSuggestions,
  BASE_SHA,
  HEAD_SHA,
  HEAD2_SHA,
  example,
  type Harness,
  releaseNock,
} from "./harness.js";
import type { Files } from "./fake-github.js";
import { LruReviewMemo } from "../../src/app/deliveries.js";

afterAll(releaseNock);
afterEach(teardown);

const doc = (title: string, lines: string[]) => `# ${title}\n\n${lines.join("\n\n")}\n`;

async function openPull(h: Harness, base: Files, head: Files, id?: string): Promise<void> {
  h.fake.addCommit(BASE_SHA, base);
  h.fake.addCommit(HEAD_SHA, head);
  h.fake.addPull({ number: 2, base: BASE_SHA, head: HEAD_SHA });
  await h.receive("pull_request", pullRequestPayload("opened"), id);
}

const base: Files = { "g3doc/a.md": doc("A", ["Intro."]) };
const head: Files = { "g3doc/a.md": doc("A", ["Intro.", "One user space.", "Two user space."]) };

describe("check runs under faults", () => {
  test("a 502 after GitHub created the in-progress run: the run is looked up by external_id and adopted, none is left in progress", async () => {
    const h = await setup();
    h.fake.fail(/^POST .*\/check-runs$/, 502, { after: true });
    await openPull(h, base, head);
    expect(violations()).toEqual([]);
    expect(h.fake.checkRuns).toHaveLength(1);
    expect(h.fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "success" });
    expect(h.fake.checkRuns[0].external_id).toMatch(/^Codertocat\/Hello-World#2@/);
    expect(h.fake.shapes().slice(0, 2)).toEqual([
      "POST /repos/{o}/{r}/check-runs",
      `GET /repos/{o}/{r}/commits/${HEAD_SHA}/check-runs`,
    ]);
  });

  test("a 502 before anything was created: the lookup finds nothing and the run is created; a stray in-progress run it saw is completed", async () => {
    const h = await setup();
    h.fake.checkRuns.push({
      id: 1,
      name: "g3doc-review",
      head_sha: HEAD_SHA,
      status: "in_progress",
      external_id: "older",
      annotations: [],
      updates: 0,
    });
    h.fake.fail(/^POST .*\/check-runs$/, 502);
    await openPull(h, base, head);
    expect(violations()).toEqual([]);
    expect(h.fake.checkRuns.filter((r) => r.status !== "completed")).toEqual([]);
    expect(h.fake.checkRuns).toHaveLength(2);
    expect(h.fake.checkRuns[0]).toMatchObject({ id: 1, conclusion: "cancelled" });
    expect(h.fake.checkRuns[1]).toMatchObject({ conclusion: "success" });
  });
});

describe("reviews done are not repeated", () => {
  test("a synchronize with the same head and base after a review: acknowledged, 0 requests; a check suite re-run still runs; a new base runs", async () => {
    const h = await setup();
    await openPull(h, base, head);
    expect(h.fake.checkRuns).toHaveLength(1);
    h.fake.log.length = 0;
    await h.receive("pull_request", pullRequestPayload("synchronize"));
    await h.receive("pull_request", pullRequestPayload("reopened"));
    expect(h.fake.log).toHaveLength(0);

    const rerun = example("check_suite", "rerequested");
    rerun.check_suite.head_sha = HEAD_SHA;
    rerun.check_suite.pull_requests[0].head.sha = HEAD_SHA;
    rerun.check_suite.pull_requests[0].number = 2;
    await h.receive("check_suite", rerun);
    expect(h.fake.checkRuns).toHaveLength(2);

    // The re-run superseded the memo: the same head is reviewed again on the next event.
    h.fake.log.length = 0;
    await h.receive("pull_request", pullRequestPayload("synchronize"));
    expect(h.fake.checkRuns).toHaveLength(3);

    h.fake.addCommit(HEAD2_SHA, base);
    h.fake.pulls.get(2)!.base = HEAD2_SHA;
    await h.receive("pull_request", {
      ...pullRequestPayload("edited", { base: HEAD2_SHA }),
      changes: { base: { ref: { from: "main" }, sha: { from: BASE_SHA } } },
    });
    expect(h.fake.checkRuns).toHaveLength(4);
  });

  test("a failed review is not remembered: the same head is reviewed again", async () => {
    const h = await setup();
    h.fake.fail(/^GET .*\/pulls\/2\/files$/, 500, { times: 4 });
    await openPull(h, base, head);
    expect(h.fake.checkRuns[0]).toMatchObject({ conclusion: "failure" });
    await h.receive("pull_request", pullRequestPayload("synchronize"));
    expect(h.fake.checkRuns).toHaveLength(2);
    expect(h.fake.checkRuns[1]).toMatchObject({ conclusion: "success" });
  });

  test("the memo is bounded (least recently used goes first)", () => {
    const memo = new LruReviewMemo(2);
    for (const p of ["a", "b", "c"]) {
      memo.started(p, "k");
      memo.finished(p, "k");
    }
    expect([memo.done("a", "k"), memo.done("b", "k"), memo.done("c", "k")]).toEqual([
      false,
      true,
      true,
    ]);
    memo.started("b", "k2");
    memo.finished("b", "k");
    expect(memo.done("b", "k")).toBe(false);
  });
});

describe("config from the content query", () => {
  test("the owner's .github repository config applies when the repository has none", async () => {
    const h = await setup();
    h.fake.orgConfig = "review:\n  failOn: warning\n";
    await openPull(h, base, head);
    expect(violations()).toEqual([]);
    expect(h.fake.checkRuns[0]).toMatchObject({ conclusion: "failure" });
    expect(h.fake.log.some((r) => r.path.includes("/contents/"))).toBe(false);
  });

  test("a config with _extends is read through context.config (extra requests only then)", async () => {
    const h = await setup();
    h.fake.config = "_extends: other\nreview:\n  failOn: warning\n";
    await openPull(h, base, head);
    expect(h.fake.log.some((r) => r.path.includes("/contents/.github"))).toBe(true);
    expect(h.fake.checkRuns[0].status).toBe("completed");
  });
});

describe("suggestions that GitHub can apply", () => {
  test("a terminology and a line-length finding on one paragraph: one comment, one suggestion over the paragraph", async () => {
    const h = await setup();
    const long =
      "This paragraph talks about user space and goes on for quite a while so that it is longer than eighty characters.";
    const b: Files = { "g3doc/a.md": doc("A", ["Intro."]) };
    const hd: Files = { "g3doc/a.md": doc("A", ["Intro.", long]) };
    await openPull(h, b, hd);
    expect(violations()).toEqual([]);
    const annotations = h.fake.checkRuns[0].annotations.map((a) => a.title);
    expect(annotations.some((t) => t.startsWith("terminology"))).toBe(true);
    expect(annotations.some((t) => t.startsWith("line-length"))).toBe(true);
    expect(h.fake.reviews).toHaveLength(1);
    const comments = h.fake.reviews[0].comments;
    expect(comments).toHaveLength(1);
    const body = comments[0].body as string;
    expect(body.match(/```suggestion/g)).toHaveLength(1);
    expect(body).toContain("userspace");
    expect(body).toMatch(/terminology/);
    expect(body).toMatch(/line-length/);
    expect(overlappingSuggestions(h.fake)).toEqual([]);
  });
});
