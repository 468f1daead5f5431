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
  gvisorTree,
} from "./harness.js";
import type { Files } from "./fake-github.js";
import { LruReviewMemo } from "../../src/app/deliveries.js";

afterAll(releaseNock);
afterEach(teardown);

const doc = (title: string, lines: string[]) => `# ${title}\n\n${lines.join("\n\n")}\n`;

async function openPull(h: Harness, base: Files, head: Files, id?: string): Promise<void> {
  h.fake.addCommit(BASE_SHA, gvisorTree(base));
  h.fake.addCommit(HEAD_SHA, gvisorTree(head));
  h.fake.addPull({ number: 2, base: BASE_SHA, head: HEAD_SHA });
  await h.receive("pull_request", pullRequestPayload("opened"), id);
}

const base: Files = { "g3doc/a.md": doc("A", ["Intro."]) };
const head: Files = { "g3doc/a.md": doc("A", ["Intro.", "One user space.", "Two user space."]) };

describe("check runs under faults", () => {
  test("a 502 after GitHub created the in-progress run: the run is looked up by external_id and adopted, none is left in progress", async () => {
    const h = await setup({ app: { inProgressAfterMs: 0 } });
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
    expect(h.fake.shapes().at(-1)).toBe("PATCH /repos/{o}/{r}/check-runs/1000");
  });

  test("a 502 after GitHub created the completed run: looked up by external_id and kept, not made twice", async () => {
    const h = await setup();
    h.fake.fail(/^POST .*\/check-runs$/, 502, { after: true });
    await openPull(h, base, head);
    expect(violations()).toEqual([]);
    expect(h.fake.checkRuns).toHaveLength(1);
    expect(h.fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "success" });
    expect(h.fake.shapes().slice(-2)).toEqual([
      "POST /repos/{o}/{r}/check-runs",
      `GET /repos/{o}/{r}/commits/${HEAD_SHA}/check-runs`,
    ]);
  });

  test("a review that runs past the in-progress time shows its check run in progress, then completes that run", async () => {
    const h = await setup({ app: { inProgressAfterMs: 30 } });
    h.fake.latencyMs = 25;
    await openPull(h, base, head);
    expect(violations()).toEqual([]);
    const shapes = h.fake.shapes();
    const posted = shapes.indexOf("POST /repos/{o}/{r}/check-runs");
    // Posted while the review was under way (after its first read, before its end), and completed by one update.
    expect(posted).toBeGreaterThan(0);
    expect(posted).toBeLessThan(shapes.length - 1);
    expect(h.fake.apiRequests()[posted].body).toMatchObject({ status: "in_progress" });
    expect(shapes.at(-1)).toBe("PATCH /repos/{o}/{r}/check-runs/1000");
    expect(h.fake.checkRuns).toHaveLength(1);
    expect(h.fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "success" });
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

    h.fake.addCommit(HEAD2_SHA, gvisorTree(base));
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

  test("_extends is followed with one contents request: the extended file's settings apply, the extending file's win", async () => {
    const h = await setup();
    h.fake.otherRepos.set("Codertocat/shared", {
      ".github/g3doc-review.yml": "review:\n  failOn: warning\n  maxComments: 0\n",
    });
    h.fake.config = "_extends: shared\nreview:\n  maxComments: 5\n";
    await openPull(h, base, head);
    expect(violations()).toEqual([]);
    const reads = h.fake.log.filter((r) => r.path.includes("/contents/"));
    expect(reads.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /repos/Codertocat/shared/contents/.github%2Fg3doc-review.yml",
    ]);
    // failOn: warning (from the extended file) fails the check on the terminology warnings.
    expect(h.fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    // maxComments: 5 (the extending file) wins over 0: the review has comments.
    expect(h.fake.reviews[0].comments.length).toBeGreaterThan(0);
  });

  test("_extends naming a file that is not a g3doc-review config: the target is named, its keys never quoted", async () => {
    const h = await setup();
    h.fake.otherRepos.set("Codertocat/other-repo", {
      "any.yml": "db_password: hunter2\naws_secret_access_key: AKIAEXAMPLE\n",
    });
    h.fake.config = "_extends: other-repo:any.yml\n";
    await openPull(h, base, head);
    expect(violations()).toEqual([]);
    const run = h.fake.checkRuns[0];
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(run.output!.title).toBe(
      "Invalid config: _extends names Codertocat/other-repo:any.yml, which is not a g3doc-review config (2 problems against the schema); point _extends at a g3doc-review config".slice(
        0,
        200,
      ),
    );
    const written = JSON.stringify(h.fake.log.map((r) => r.body ?? null));
    for (const secret of ["db_password", "hunter2", "aws_secret_access_key", "AKIAEXAMPLE"])
      expect(written).not.toContain(secret);
    expect(h.fake.reviews).toHaveLength(0);
  });

  test.each([
    [
      "a target that does not exist",
      "_extends: nowhere\n",
      /_extends names Codertocat\/nowhere:\.github\/g3doc-review\.yml, which does not exist or which the app cannot read/,
    ],
    [
      "a value that is not Probot's syntax",
      "_extends: ../../etc/passwd\n",
      /_extends must be repo, owner\/repo or owner\/repo:path\.yml/,
    ],
    [
      "a target that is too large",
      "_extends: big\n",
      /which is not a g3doc-review config \(larger than 64 KB\)/,
    ],
  ])("%s: the check run fails and says so", async (_name, config, message) => {
    const h = await setup();
    h.fake.otherRepos.set("Codertocat/nowhere", {});
    h.fake.otherRepos.set("Codertocat/big", {
      ".github/g3doc-review.yml": `# ${"x".repeat(70 * 1024)}\n`,
    });
    h.fake.config = config;
    await openPull(h, base, head);
    expect(violations()).toEqual([]);
    const run = h.fake.checkRuns[0];
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(run.output!.summary).toMatch(message);
    expect(h.fake.reviews).toHaveLength(0);
  });
});

describe("config limits through the app", () => {
  test("a paths glob that would backtrack is a config error with its line; nothing is matched with it", async () => {
    const h = await setup();
    h.fake.config = 'lineLength: 80\npaths:\n  - "g3doc/**/+(a|aa)+(a|aa)+(a|aa)b.md"\n';
    await openPull(h, base, { ...head, [`g3doc/${"a".repeat(200)}.md`]: "# A\n" });
    expect(violations()).toEqual([]);
    const run = h.fake.checkRuns[0];
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(run.output!.title).toBe(
      'Invalid config: paths.0: extended globs like "+(...)" are not supported',
    );
    expect(run.output!.summary).toContain(
      '.github/g3doc-review.yml:3: paths.0: extended globs like "+(...)" are not supported',
    );
  });

  test("globs within the limits that are slow on this tree's paths: matching stops at its budget, the check run says why", async () => {
    const h = await setup();
    h.fake.config = `paths:\n  - "**/*${"a".repeat(190)}0*"\n`;
    const hostile: Files = {};
    for (let i = 0; i < 60; i++) hostile[`g3doc/d${i}/${"a".repeat(250)}.md`] = "# A\n";
    await openPull(h, base, { ...head, ...hostile });
    expect(violations()).toEqual([]);
    const run = h.fake.checkRuns[0];
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(JSON.stringify(run.output)).toMatch(
      /matching the config's globs costs over 500 steps a path on these \d+ paths; write simpler globs/,
    );
  });

  test("100,000 terms: refused by size before anything is parsed", async () => {
    const h = await setup();
    const terms = Array.from({ length: 100_000 }, (_, i) => `  - {use: t${i}, avoid: [a${i}]}`);
    h.fake.config = `terms:\n${terms.join("\n")}\n`;
    await openPull(h, base, head);
    expect(violations()).toEqual([]);
    const run = h.fake.checkRuns[0];
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(run.output!.title).toMatch(/^Invalid config: the config is \d+ KB; the limit is 64 KB$/);
  });

  test("three problems: the summary lists all three with their lines, the title the first", async () => {
    const h = await setup();
    h.fake.config = "lineLength: 10\nreview:\n  maxComent: 3\nrules:\n  broken-links: warning\n";
    await openPull(h, base, head);
    expect(violations()).toEqual([]);
    const run = h.fake.checkRuns[0];
    expect(run.output!.title).toBe("Invalid config: lineLength must be >= 20 (and 2 more)");
    const summary = run.output!.summary!;
    expect(summary).toContain(".github/g3doc-review.yml:1: lineLength must be &gt;= 20");
    expect(summary).toContain('.github/g3doc-review.yml:3: unknown key "maxComent" in review');
    expect(summary).toMatch(
      /\.github\/g3doc-review\.yml:5: rules\.broken-links: no rule has this id \(did you mean broken-link\?\)/,
    );
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
