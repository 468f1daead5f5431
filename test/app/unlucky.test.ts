// Unlucky days through the app (fake GitHub): a suggestion too long for a
// comment, a content query that answers null for a changed doc, a force-push
// while the review is being posted.
import { describe, test, expect, afterEach, afterAll } from "@jest/globals";
import {
  setup,
  teardown,
  violations,
  pullRequestPayload,
  BASE_SHA,
  HEAD_SHA,
  HEAD2_SHA,
  releaseNock,
  type Harness,
} from "./harness.js";
import type { Files } from "./fake-github.js";
import { fingerprintIn } from "../../src/app/publish/threads.js";

afterAll(releaseNock);
afterEach(teardown);

async function open(h: Harness, base: Files, head: Files): Promise<void> {
  h.fake.addCommit(BASE_SHA, base);
  h.fake.addCommit(HEAD_SHA, head);
  h.fake.addPull({ number: 2, base: BASE_SHA, head: HEAD_SHA });
  await h.receive("pull_request", pullRequestPayload("opened"));
}

async function push(h: Harness, head: Files): Promise<void> {
  h.fake.addCommit(HEAD2_SHA, head);
  h.fake.pulls.get(2)!.head = HEAD2_SHA;
  await h.receive("pull_request", pullRequestPayload("synchronize", { head: HEAD2_SHA }));
}

const base: Files = { "README.md": "# r\n", "g3doc/a.md": "# A\n\nIntro.\n" };

describe("a suggestion longer than a comment may be", () => {
  test("the comment keeps its fingerprint and drops the suggestion, so the next push posts nothing again", async () => {
    const h = await setup();
    // One 70,000-character line with trailing spaces: its suggestion is the whole line.
    const long = "x".repeat(70_000);
    const head1: Files = { ...base, "g3doc/a.md": `# A\n\nIntro.\n\n${long}   \n` };
    await open(h, base, head1);
    expect(violations()).toEqual([]);
    const comments = h.fake.reviews.flatMap((r) => r.comments);
    const onLong = comments.filter((c: any) => c.line === 5);
    expect(onLong.length).toBeGreaterThan(0);
    for (const c of comments) {
      expect(c.body.length).toBeLessThanOrEqual(65536);
      expect(fingerprintIn(c.body)).toBeDefined();
    }
    expect(onLong.some((c: any) => /longer than a comment may be/.test(c.body))).toBe(true);
    expect(onLong.every((c: any) => !c.body.includes("```suggestion"))).toBe(true);
    // The suggestion is still reachable: the annotation carries it.
    const ann = h.fake.checkRuns[0].annotations.filter((a: any) => a.start_line === 5);
    expect(ann.some((a: any) => (a.raw_details ?? "").includes("x".repeat(1000)))).toBe(true);

    // A push that changes another line: the same finding is known by its fingerprint, nothing is posted again.
    await push(h, { ...head1, "g3doc/a.md": `# A\n\nIntro, longer.\n\n${long}   \n` });
    expect(violations()).toEqual([]);
    expect(h.fake.reviews).toHaveLength(1);
    expect(h.fake.checkRuns.at(-1)!.output!.summary).toMatch(/already commented on earlier/);
  });
});

describe("a changed doc GitHub gives no content for", () => {
  test("the check fails closed, naming the doc, instead of passing with 0 changed docs", async () => {
    const h = await setup();
    h.fake.nullContent.add(`${HEAD_SHA}:g3doc/a.md`);
    await open(h, base, { ...base, "g3doc/a.md": "# A\n\nIntro, fine.\n" });
    expect(violations()).toEqual([]);
    const run = h.fake.checkRuns.at(-1)!;
    expect(run.status).toBe("completed");
    expect(run.conclusion).toBe("failure");
    expect(run.output!.title).toBe("Could not read a changed file: re-run this check");
    expect(run.output!.summary).toContain("`g3doc/a.md`");
    expect(run.output!.summary).toMatch(/^g3doc-review could not read 1 changed file/);
    expect(run.output!.summary).not.toMatch(/g3doc-review found no problems/);
  });

  test("the same doc read normally passes (the test above fails for the null answer alone)", async () => {
    const h = await setup();
    await open(h, base, { ...base, "g3doc/a.md": "# A\n\nIntro, fine.\n" });
    expect(h.fake.checkRuns.at(-1)).toMatchObject({ status: "completed", conclusion: "success" });
  });
});

describe("a force-push while the review is posted", () => {
  test("the first refusal stops posting: one review request, one look at the pull request, the run completed", async () => {
    const h = await setup();
    const head: Files = {
      ...base,
      "g3doc/a.md": `# A\n\nIntro.\n\n${Array.from({ length: 18 }, (_, i) => `Line ${i}, trailing space. `).join("\n\n")}\n`,
    };
    let moved = false;
    h.fake.onRequest = (method, path) => {
      if (!moved && method === "POST" && /\/pulls\/2\/reviews$/.test(path)) {
        moved = true;
        h.fake.addCommit(HEAD2_SHA, head);
        h.fake.pulls.get(2)!.head = HEAD2_SHA;
        h.fake.gone.add(HEAD_SHA);
      }
    };
    await open(h, base, head);
    expect(violations()).toEqual([]);
    const shapes = h.fake.shapes();
    expect(shapes.filter((s) => s.endsWith("/pulls/2/reviews"))).toHaveLength(1);
    expect(shapes.filter((s) => s === "GET /repos/{o}/{r}/pulls/2")).toHaveLength(1);
    expect(shapes.filter((s) => s.startsWith("DELETE"))).toHaveLength(0);
    const run = h.fake.checkRuns.find((r) => r.head_sha === HEAD_SHA)!;
    expect(run.status).toBe("completed");
    expect(run.output!.summary).toContain("head moved to `a1b2c3d`");
  });
});
