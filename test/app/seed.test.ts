import { describe, test, expect, afterEach, afterAll } from "@jest/globals";
import {
  setup,
  teardown,
  violations,
  seedTrees,
  pullRequestPayload,
  BASE_SHA,
  HEAD_SHA,
  type Harness,
  releaseNock,
} from "./harness.js";

afterAll(releaseNock);

async function seedPull(withImage: boolean, opts: { fork?: boolean } = {}): Promise<Harness> {
  const h = await setup();
  const { base, head } = seedTrees(withImage);
  h.fake.addCommit(BASE_SHA, base);
  h.fake.addCommit(HEAD_SHA, head);
  h.fake.addPull({
    number: 2,
    base: BASE_SHA,
    head: HEAD_SHA,
    headRepo: opts.fork ? "forker/Hello-World" : undefined,
  });
  await h.receive("pull_request", pullRequestPayload("opened", { fork: opts.fork }));
  return h;
}

describe("the seed pull request (gVisor 420b791a3d) end to end", () => {
  afterEach(teardown);

  test("without security.png: one missing-asset comment on line 89, and the check fails", async () => {
    const h = await seedPull(false);
    expect(violations()).toEqual([]);
    const run = h.fake.checkRuns.at(-1)!;
    expect(h.fake.checkRuns).toHaveLength(1);
    expect(run).toMatchObject({
      name: "g3doc-review",
      head_sha: HEAD_SHA,
      status: "completed",
      conclusion: "failure",
    });
    expect(h.fake.reviews).toHaveLength(1);
    const missing = h.fake.reviews[0].comments.filter((c) => c.body.includes("`missing-asset`"));
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({
      path: "g3doc/architecture_guide/security.md",
      line: 89,
      side: "RIGHT",
    });
    expect(missing[0].body).toMatch(/<!-- g3doc-review:fp=[0-9a-f]{16} -->/);
    expect(h.fake.reviews[0]).toMatchObject({ event: "COMMENT", commit_id: HEAD_SHA });
    expect(
      run.annotations.some(
        (a) =>
          a.path === "g3doc/architecture_guide/security.md" &&
          a.start_line === 89 &&
          a.annotation_level === "failure",
      ),
    ).toBe(true);
    expect(run.output!.summary).toMatch(
      /\| \[`missing-asset`\]\(\S+#missing-asset\) \| 1 \| 0 \| 0 \|/,
    );
  });

  test("with security.png: no missing-asset, and the check succeeds", async () => {
    const h = await seedPull(true);
    expect(violations()).toEqual([]);
    const run = h.fake.checkRuns.at(-1)!;
    expect(run).toMatchObject({ status: "completed", conclusion: "success" });
    expect(run.annotations.filter((a) => a.title.startsWith("missing-asset"))).toEqual([]);
    expect(
      h.fake.reviews.flatMap((r) => r.comments).filter((c) => c.body.includes("missing-asset")),
    ).toEqual([]);
  });

  test("a fork pull request is read from the base repository by SHA and reviewed the same way", async () => {
    const h = await seedPull(false, { fork: true });
    expect(violations()).toEqual([]);
    expect(h.fake.log.every((r) => !r.path.includes("/forker/"))).toBe(true);
    expect(h.fake.checkRuns.at(-1)).toMatchObject({ conclusion: "failure", head_sha: HEAD_SHA });
    expect(
      h.fake.reviews[0].comments.filter((c) => c.body.includes("`missing-asset`")),
    ).toHaveLength(1);
  });
});
