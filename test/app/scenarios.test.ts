import { describe, test, expect, afterEach, afterAll } from "@jest/globals";
import {
  setup,
  teardown,
  violations,
  seedTrees,
  pullRequestPayload,
  example,
  BASE_SHA,
  HEAD_SHA,
  HEAD2_SHA,
  type Harness,
  releaseNock,
  gvisorTree,
} from "./harness.js";
import type { Files } from "./fake-github.js";

afterAll(releaseNock);

afterEach(teardown);

/** No two suggested changes of one review touch the same line of a file (GitHub could not apply both). */
function expectNoOverlappingSuggestions(h: Harness): void {
  for (const r of h.fake.reviews) {
    const ranges = r.comments
      .filter((c: any) => /```suggestion\b/.test(c.body))
      .map((c: any) => ({ path: c.path, start: c.start_line ?? c.line, end: c.line }));
    const clashes = ranges.filter((a: any, i: number) =>
      ranges.some(
        (b: any, j: number) => j > i && a.path === b.path && a.start <= b.end && b.start <= a.end,
      ),
    );
    expect(clashes).toEqual([]);
  }
}

/** The findings a summary section accounts for: its bullets ("N ×" groups, single findings, "…and N more"). */
function listedCount(summary: string, section: string): number {
  const part = summary.split(`### ${section}`)[1]?.split(/\n### /)[0] ?? "";
  let n = 0;
  for (const line of part.split("\n")) {
    const m = /^- (?:(\d+) ×|…and (\d+) more finding|`)/.exec(line);
    if (m) n += m[1] ? Number(m[1]) : m[2] ? Number(m[2]) : 1;
  }
  return n;
}

const doc = (title: string, lines: string[]) => `# ${title}\n\n${lines.join("\n\n")}\n`;

/** A pull request from `base` to `head` files, opened. */
async function openPull(
  h: Harness,
  base: Files,
  head: Files,
  opts: { draft?: boolean; action?: string; payload?: (p: any) => void } = {},
): Promise<void> {
  h.fake.addCommit(BASE_SHA, gvisorTree(base));
  h.fake.addCommit(HEAD_SHA, gvisorTree(head));
  h.fake.addPull({ number: 2, base: BASE_SHA, head: HEAD_SHA, draft: opts.draft });
  const payload = pullRequestPayload(opts.action ?? "opened", { draft: opts.draft });
  opts.payload?.(payload);
  await h.receive("pull_request", payload);
}

describe("request budget", () => {
  test("the seed review costs 5 API requests, the config included (plus the installation token): its check run is posted once, completed", async () => {
    const h = await setup();
    const { base, head } = seedTrees(false);
    await openPull(h, base, head);
    expect(violations()).toEqual([]);
    expect(h.fake.shapes()).toEqual([
      "GET /repos/{o}/{r}/pulls/2/files",
      `GET /repos/{o}/{r}/git/trees/${HEAD_SHA}`,
      "POST /graphql",
      "POST /repos/{o}/{r}/pulls/2/reviews",
      "POST /repos/{o}/{r}/check-runs",
    ]);
    expect(h.fake.checkRuns).toHaveLength(1);
    expect(h.fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    // Counted apart: the installation token (Probot caches it for about an hour). The config rode in the GraphQL query.
    expect(
      h.fake.log.map((r) => r.path).filter((p) => p.startsWith("/app/installations/")),
    ).toHaveLength(1);
    expect(h.fake.log.length - h.fake.apiRequests().length).toBe(1);
    const query = h.fake.log.find((r) => r.path === "/graphql")!.body.query as string;
    expect(query).toContain("g3docConfig: object(expression: $g3docConfigExpr)");
    expect(query).toContain('g3docOrgConfig: repository(owner: $owner, name: ".github")');
    expectNoOverlappingSuggestions(h);
  });

  test.each([
    ["no config file", null, null],
    ["a config file", "review:\n  maxComments: 30\nlineLength: 100\n", null],
    ["the owner's config in its .github repository", null, "review:\n  maxComments: 30\n"],
  ])(
    "a pull request of 100 changed files (30 docs), %s: at most 5 requests, everything counted but the token",
    async (_name, config, orgConfig) => {
      const h = await setup();
      h.fake.config = config;
      h.fake.orgConfig = orgConfig;
      const base: Files = { "README.md": "# r\n" };
      const head: Files = { "README.md": "# r\n" };
      for (let i = 0; i < 30; i++) {
        base[`g3doc/guide/doc${i}.md`] = doc(`Doc ${i}`, ["Text."]);
        head[`g3doc/guide/doc${i}.md`] = doc(`Doc ${i}`, ["Text.", `Now with user space ${i}.`]);
      }
      for (let i = 0; i < 70; i++) head[`src/file${i}.go`] = `package x // ${i}\n`;
      await openPull(h, base, head);
      expect(violations()).toEqual([]);
      expect(h.fake.listFiles(h.fake.pulls.get(2)!)).toHaveLength(100);
      const all = h.fake.log.filter((r) => !r.path.startsWith("/app/installations/"));
      expect(all.length).toBeLessThanOrEqual(5);
      expect(all.some((r) => r.path.includes("/contents/"))).toBe(false);
      expect(h.fake.reviews).toHaveLength(1);
      expect(h.fake.reviews[0].comments).toHaveLength(30);
      expectNoOverlappingSuggestions(h);
    },
  );
  test("a pull request that deletes an image two untouched files still use: one file-level comment on the image, 5 requests", async () => {
    const h = await setup();
    const { head: base } = seedTrees(true);
    const head = { ...base };
    delete head["g3doc/architecture_guide/security.png"];
    await openPull(h, base, head);
    expect(violations()).toEqual([]);
    expect(h.fake.shapes()).toEqual([
      "GET /repos/{o}/{r}/pulls/2/files",
      `GET /repos/{o}/{r}/git/trees/${HEAD_SHA}`,
      "POST /graphql",
      "POST /repos/{o}/{r}/pulls/2/comments",
      "POST /repos/{o}/{r}/check-runs",
    ]);
    const run = h.fake.checkRuns[0];
    expect(run.output!.title).toBe("2 errors, 0 warnings, 0 notices in 2 files");
    expect(run.annotations.map((a: any) => `${a.path} ${a.title}`).sort()).toEqual([
      "g3doc/architecture_guide/BUILD build-data (error)",
      "g3doc/architecture_guide/security.md missing-asset (error)",
    ]);
    // Both untouched files' findings: one file-level comment on the deleted image (validated against OpenAPI above).
    expect(h.fake.fileComments).toHaveLength(1);
    const c = h.fake.fileComments[0];
    expect(c).toMatchObject({
      path: "g3doc/architecture_guide/security.png",
      subject_type: "file",
      commit_id: HEAD_SHA,
    });
    expect(c.body).toContain("`g3doc/architecture_guide/security.md:");
    expect(c.body).toContain("`g3doc/architecture_guide/BUILD:");
    expect(c.body).toMatch(/\[`missing-asset`\]\(\S+#missing-asset\)/);
    expect(run.output!.summary).not.toContain("### Not shown as review comments");

    // A later push that leaves those findings as they are: nothing is posted again.
    h.fake.addCommit(HEAD2_SHA, { ...head, "README.md": "# gVisor, again\n" });
    h.fake.pulls.get(2)!.head = HEAD2_SHA;
    await h.receive("pull_request", pullRequestPayload("synchronize", { head: HEAD2_SHA }));
    expect(violations()).toEqual([]);
    expect(h.fake.fileComments).toHaveLength(1);
    expect(h.fake.checkRuns.at(-1)!.output!.summary).toContain(
      "2 findings already commented on earlier",
    );
  });
});

describe("a large pull request", () => {
  test("250 changed files (3 pages) and 120 findings: 3 annotation requests, 30 comments, the rest in the summary", async () => {
    const h = await setup();
    const base: Files = {};
    const head: Files = {};
    for (let i = 0; i < 40; i++) {
      head[`g3doc/many/doc${String(i).padStart(2, "0")}.md`] = doc(`Doc ${i}`, [
        "One user space here.",
        "Two user space here.",
        "Three user space here.",
      ]);
    }
    for (let i = 0; i < 210; i++) head[`src/pkg${i}/main.go`] = `package main // ${i}\n`;
    await openPull(h, base, head);
    expect(violations()).toEqual([]);

    const pages = h.fake.log.filter((r) => /\/pulls\/2\/files$/.test(r.path));
    expect(pages.map((r) => r.query.page ?? "1")).toEqual(["1", "2", "3"]);
    const run = h.fake.checkRuns[0];
    expect(run.annotations).toHaveLength(120);
    // Posted once, completed, with the first 50 annotations; the rest follow in updates.
    const writes = h.fake.log.filter((r) => r.path.includes("/check-runs"));
    expect(writes.map((r) => r.method)).toEqual(["POST", "PATCH", "PATCH"]);
    expect(writes.map((r) => r.body.output.annotations?.length)).toEqual([50, 50, 20]);
    expect(writes[0].body).toMatchObject({ status: "completed", conclusion: "success" }); // warnings only; failOn: error
    expect(h.fake.reviews).toHaveLength(1);
    expect(h.fake.reviews[0].comments).toHaveLength(30);
    // The review went before the check run existed: it names the check run without a link.
    expect(h.fake.reviews[0].body).toMatch(
      /30 are comments below\. 90 more are listed in the check run summary/,
    );
    expect(run.output!.summary).toContain("### Not shown as review comments (90 findings)");
    expect(listedCount(run.output!.summary, "Not shown as review comments")).toBe(90);
    expect(run.output!.summary.length).toBeLessThanOrEqual(65535);
    expect(h.fake.apiRequests()).toHaveLength(9); // 3 pages, tree, graphql, review, the check run and 2 updates
  });

  test("139 findings: the summary is under 10 KB, repeats grouped, its counts match its lines, every finding an annotation", async () => {
    const h = await setup();
    const body = Array.from({ length: 108 }, (_, i) => `Line ${i} ends with a space. `);
    const head: Files = {
      "g3doc/foo.md": `# Foo\n\n${body.join("\n")}\n`,
      "g3doc/bar.md": doc(
        "Bar",
        Array.from({ length: 31 }, (_, i) => `![image](missing-${i}.png)`),
      ),
    };
    h.fake.config = "review:\n  maxComments: 0\n";
    await openPull(h, {}, head);
    expect(violations()).toEqual([]);
    const run = h.fake.checkRuns[0];
    const total = run.annotations.length;
    expect(total).toBeGreaterThanOrEqual(139);
    const summary = run.output!.summary;
    expect(summary.length).toBeLessThan(10 * 1024);
    expect(summary).toMatch(
      /- 108 × \[`trailing-whitespace`\]\(\S+#trailing-whitespace\) \(\w+\) in `g3doc\/foo\.md`, lines 3-110/,
    );
    expect(summary).toContain(`### Not shown as review comments (${total} findings)`);
    expect(listedCount(summary, "Not shown as review comments")).toBe(total);
    // The title counts what the annotations hold.
    const [e, w, n] = run.output!.title.match(/\d+/g)!.map(Number);
    expect(e + w + n).toBe(total);
  });

  test("GitHub's 3,000-file cap is said in the summary", async () => {
    const h = await setup();
    const { base, head } = seedTrees(true);
    await openPull(h, base, head, { payload: (p) => (p.pull_request.changed_files = 3500) });
    const summary = h.fake.checkRuns[0].output!.summary;
    expect(summary).toMatch(/GitHub lists at most 3,000 changed files .* this one changes 3,500/);
  });
});

describe("the pull request page", () => {
  test("4 findings on one line are one comment, each rule linked to its documentation", async () => {
    const h = await setup();
    await openPull(
      h,
      { "README.md": "# r\n" },
      {
        "README.md": "# r\n",
        "g3doc/one.md": "# One\n\nIntro.\n\n![image](gone.png)\t \n",
      },
    );
    expect(violations()).toEqual([]);
    const comments = h.fake.reviews.flatMap((r) => r.comments);
    const onLine = comments.filter((c: any) => c.path === "g3doc/one.md" && c.line === 5);
    expect(onLine).toHaveLength(1);
    const rules = [...onLine[0].body.matchAll(/\[`([a-z-]+)`\]\((\S+)\)/g)];
    expect(rules.length).toBeGreaterThanOrEqual(4);
    for (const [, id, url] of rules)
      expect(url).toBe(
        `https://github.com/g3doc-review/g3doc-review/blob/main/docs/rules.md#${id}`,
      );
    const annotated = h.fake.checkRuns[0].annotations.filter((a: any) => a.start_line === 5);
    expect(annotated).toHaveLength(rules.length);
  });

  test("the rules' documentation URL is configurable", async () => {
    process.env.G3DOC_REVIEW_RULES_URL = "https://docs.example.com/g3doc-review/rules.html";
    try {
      const h = await setup();
      await openPull(
        h,
        { "README.md": "# r\n" },
        {
          "README.md": "# r\n",
          "g3doc/one.md": "# One\n\nIntro. \n",
        },
      );
      const body = h.fake.reviews[0].comments[0].body;
      expect(body).toContain(
        "](https://docs.example.com/g3doc-review/rules.html#trailing-whitespace)",
      );
      expect(h.fake.checkRuns[0].output!.summary).toContain(
        "https://docs.example.com/g3doc-review/rules.html#trailing-whitespace",
      );
    } finally {
      delete process.env.G3DOC_REVIEW_RULES_URL;
    }
  });
});

describe("pushes, re-runs and redeliveries", () => {
  const base: Files = { "g3doc/a.md": doc("A", ["Intro."]) };
  const head1: Files = {
    "g3doc/a.md": doc("A", [
      "Intro.",
      "Fix me: user space.",
      "Keep me: user space.",
      "Talk about: user space.",
    ]),
  };
  const head2: Files = {
    "g3doc/a.md": doc("A", [
      "Intro.",
      "Fix me: userspace.",
      "Keep me: user space.",
      "Talk about: userspace.",
    ]),
  };

  test("a second push that fixes one finding: its thread gets a reply and is resolved; nothing is re-posted; a thread a person replied in is left alone", async () => {
    const h = await setup();
    await openPull(h, base, head1);
    expect(h.fake.reviews).toHaveLength(1);
    expect(h.fake.threads).toHaveLength(3);
    const talk = h.fake.threads.find(
      (t) => t.comments[0].body.includes("user space") && t.line === 9,
    )!;
    talk.comments.push({
      id: "PRRC_h",
      databaseId: 1,
      body: "Why, though?",
      author: { login: "octocat", __typename: "User" },
    });

    h.fake.addCommit(HEAD2_SHA, gvisorTree(head2));
    h.fake.pulls.get(2)!.head = HEAD2_SHA;
    h.fake.log.length = 0;
    await h.receive("pull_request", pullRequestPayload("synchronize", { head: HEAD2_SHA }));
    expect(violations()).toEqual([]);

    expect(h.fake.reviews).toHaveLength(1); // nothing new to say
    const fixed = h.fake.threads.find((t) => t.line === 5)!;
    const kept = h.fake.threads.find((t) => t.line === 7)!;
    expect(fixed.isResolved).toBe(true);
    expect(fixed.comments.at(-1)!.body).toBe(`Fixed in ${HEAD2_SHA.slice(0, 7)}.`);
    expect(kept.isResolved).toBe(false);
    expect(kept.comments).toHaveLength(1);
    expect(talk.isResolved).toBe(false);
    expect(talk.comments).toHaveLength(2);
    const run = h.fake.checkRuns.at(-1)!;
    expect(run).toMatchObject({ head_sha: HEAD2_SHA, conclusion: "success" });
    expect(run.output!.summary).toContain(
      "1 finding already commented on earlier; 1 fixed thread resolved",
    );
    // One mutation carried the reply and the resolution.
    expect(h.fake.shapes().filter((s) => s === "POST /graphql")).toHaveLength(2);
  });

  test("another bot's thread quoting the app's fingerprint marker is never replied to or resolved; the app's own is", async () => {
    const h = await setup();
    await openPull(h, base, head1);
    const ours = h.fake.threads.find((t) => t.line === 5)!;
    // A secret scanner (another app) quotes the doc line and, with it, the marker.
    const quoted = ours.comments[0].body.match(/<!-- g3doc-review:fp=[0-9a-f]{16} -->/)![0];
    h.fake.threads.push({
      id: "PRRT_other",
      path: "g3doc/a.md",
      line: 5,
      isResolved: false,
      commitId: HEAD_SHA,
      comments: [
        {
          id: "PRRC_other",
          databaseId: 2,
          body: `Possible secret on this line:\n\n> Fix me: user space. ${quoted}`,
          author: { login: "secret-scanner", __typename: "Bot" },
        },
      ],
    });
    h.fake.addCommit(HEAD2_SHA, head2);
    h.fake.pulls.get(2)!.head = HEAD2_SHA;
    h.fake.log.length = 0;
    await h.receive("pull_request", pullRequestPayload("synchronize", { head: HEAD2_SHA }));
    expect(violations()).toEqual([]);
    const other = h.fake.threads.find((t) => t.id === "PRRT_other")!;
    expect(other.isResolved).toBe(false);
    expect(other.comments).toHaveLength(1);
    expect(ours.isResolved).toBe(true);
    expect(ours.comments.at(-1)!.body).toBe(`Fixed in ${HEAD2_SHA.slice(0, 7)}.`);
    // The app's login was asked for once (GET /app, as the app), because a bot's thread carried a marker.
    expect(h.fake.shapes().filter((x) => x === "GET /app")).toHaveLength(1);
  });

  test("when the app's login cannot be learnt, no thread is resolved and nothing is posted twice", async () => {
    const h = await setup();
    await openPull(h, base, head1);
    h.fake.fail(/^GET \/app$/, 500, { times: 10 });
    h.fake.addCommit(HEAD2_SHA, head2);
    h.fake.pulls.get(2)!.head = HEAD2_SHA;
    await h.receive("pull_request", pullRequestPayload("synchronize", { head: HEAD2_SHA }));
    expect(violations()).toEqual([]);
    expect(h.fake.threads.every((t) => !t.isResolved && t.comments.length === 1)).toBe(true);
    expect(h.fake.reviews).toHaveLength(1);
    expect(h.fake.checkRuns.at(-1)).toMatchObject({ head_sha: HEAD2_SHA, conclusion: "success" });
  });

  test("a redelivered webhook (same delivery id) posts nothing twice; a re-run of the same commit re-posts nothing", async () => {
    const h = await setup();
    h.fake.addCommit(BASE_SHA, gvisorTree(base));
    h.fake.addCommit(HEAD_SHA, gvisorTree(head1));
    h.fake.addPull({ number: 2, base: BASE_SHA, head: HEAD_SHA });
    const payload = pullRequestPayload("opened");
    await h.receive("pull_request", payload, "delivery-1");
    const after1 = h.fake.log.length;
    await h.receive("pull_request", payload, "delivery-1");
    expect(h.fake.log.length).toBe(after1);
    expect(h.fake.checkRuns).toHaveLength(1);
    expect(h.fake.reviews).toHaveLength(1);

    const rerun = example("check_suite", "rerequested");
    rerun.check_suite.head_sha = HEAD_SHA;
    rerun.check_suite.pull_requests[0].head.sha = HEAD_SHA;
    await h.receive("check_suite", rerun, "delivery-2");
    expect(violations()).toEqual([]);
    expect(h.fake.checkRuns).toHaveLength(2);
    expect(h.fake.checkRuns[1]).toMatchObject({ conclusion: "success", status: "completed" });
    expect(h.fake.reviews).toHaveLength(1);
    expect(h.fake.threads.every((t) => !t.isResolved)).toBe(true);
  });

  test.each([
    ["shown in progress at once", 0],
    ["not posted yet (a review posts it after 10 s)", undefined],
  ])(
    "a newer push cancels the older job whose check run is %s: its check run ends cancelled, naming the newer commit",
    async (_name, inProgressAfterMs) => {
      const h = await setup({ app: { inProgressAfterMs } });
      h.fake.latencyMs = 40;
      h.fake.addCommit(BASE_SHA, gvisorTree(base));
      h.fake.addCommit(HEAD_SHA, gvisorTree(head1));
      h.fake.addCommit(HEAD2_SHA, gvisorTree(head2));
      h.fake.addPull({ number: 2, base: BASE_SHA, head: HEAD_SHA });
      await h.probot.receive({
        id: "p1",
        name: "pull_request",
        payload: pullRequestPayload("opened"),
      });
      // The older job is under way: its check run is in progress, or it asked for the pull request's files.
      const started = () =>
        inProgressAfterMs === 0
          ? h.fake.checkRuns.length > 0
          : h.fake.log.some((r) => r.path.endsWith("/pulls/2/files"));
      while (!started()) await new Promise((r) => setTimeout(r, 10));
      if (inProgressAfterMs === undefined) expect(h.fake.checkRuns).toHaveLength(0);
      h.fake.pulls.get(2)!.head = HEAD2_SHA;
      await h.probot.receive({
        id: "p2",
        name: "pull_request",
        payload: pullRequestPayload("synchronize", { head: HEAD2_SHA }),
      });
      await h.queue.onIdle();
      expect(violations()).toEqual([]);
      const [older, newer] = h.fake.checkRuns;
      expect(older).toMatchObject({
        head_sha: HEAD_SHA,
        status: "completed",
        conclusion: "cancelled",
      });
      expect(older.output!.title).toBe(`Superseded by ${HEAD2_SHA.slice(0, 7)}`);
      expect(older.output!.summary).toContain(HEAD2_SHA);
      expect(newer).toMatchObject({ head_sha: HEAD2_SHA, status: "completed" });
      expect(h.fake.reviews.every((r) => r.commit_id === HEAD2_SHA)).toBe(true);
    },
  );
});

describe("GitHub refusing things", () => {
  const base: Files = { "g3doc/a.md": doc("A", ["Intro."]) };
  const head: Files = {
    "g3doc/a.md": doc("A", [
      "Intro.",
      "One user space.",
      "Two user space.",
      "Three user space.",
      "Four user space.",
    ]),
  };

  test("a 422 for one comment: the review is posted without it, and it is kept in the summary", async () => {
    const h = await setup();
    h.fake.rejectComment = (c) => c.line === 7;
    await openPull(h, base, head);
    expect(violations()).toEqual([]);
    expect(h.fake.reviews).toHaveLength(1);
    expect(h.fake.reviews[0].comments.map((c) => c.line).sort()).toEqual([11, 5, 9]);
    expect(h.fake.pending.size).toBe(0); // every probe was deleted
    expect(h.fake.reviews[0].body).toContain("1 more is listed");
    const summary = h.fake.checkRuns[0].output!.summary;
    expect(summary).toMatch(/`g3doc\/a\.md:7`.*GitHub refused the comment/);
    expect(h.fake.checkRuns[0].annotations).toHaveLength(4);
  });

  test("a 500 and a secondary rate limit during the run are retried with bounded waits; the check completes", async () => {
    const h = await setup();
    h.fake.fail(/^GET .*\/git\/trees\//, 500);
    h.fake.fail(/^POST \/graphql$/, 403, {
      headers: { "retry-after": "2" },
      body: { message: "You have exceeded a secondary rate limit." },
    });
    h.fake.fail(/^POST .*\/check-runs$/, 502);
    await openPull(h, base, head);
    expect(violations()).toEqual([]);
    // The check run's create is not repeated blindly: looked up (not there), then sent again.
    expect(h.sleeps).toEqual([5, 2000]);
    expect(h.fake.shapes().slice(-3)).toEqual([
      "POST /repos/{o}/{r}/check-runs",
      `GET /repos/{o}/{r}/commits/${HEAD_SHA}/check-runs`,
      "POST /repos/{o}/{r}/check-runs",
    ]);
    expect(h.fake.checkRuns).toHaveLength(1);
    expect(h.fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "success" });
    expect(h.fake.reviews[0].comments).toHaveLength(4);
  });

  test("errors that do not go away: the check run is still completed, with what went wrong", async () => {
    const h = await setup();
    h.fake.fail(/^POST \/graphql$/, 403, {
      headers: { "retry-after": "600" },
      body: { message: "You have exceeded a secondary rate limit." },
    });
    await openPull(h, base, head);
    // Longer than the app waits: neutral, and the review runs again after it.
    expect(h.fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "neutral" });
    expect(h.fake.checkRuns[0].output!.summary).toMatch(/GitHub rate limit \(POST \/graphql\)/);
    expect(h.fake.reviews).toHaveLength(0);
    await h.queue.close(0);

    teardown();
    const h2 = await setup();
    h2.fake.fail(/^GET .*\/pulls\/2\/files$/, 500, { times: 10 });
    await openPull(h2, base, head);
    expect(h2.sleeps).toEqual([5, 10, 20]);
    expect(h2.fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(h2.fake.checkRuns[0].output!.summary).toMatch(
      /GitHub answered 500 \(GET \/repos\/Codertocat\/Hello-World\/pulls\/2\/files\)/,
    );
  });

  test("with Probot's own plugin-retry on, a 500 is retried once per our layer, not multiplied", async () => {
    const h = await setup({
      probotOctokit: (o: any) => ({
        ...o,
        retry: { enabled: true, retryAfterBaseValue: 1 },
        throttle: { ...o?.throttle, enabled: false },
      }),
    });
    h.fake.fail(/^GET .*\/git\/trees\//, 500);
    await openPull(h, base, head);
    expect(h.fake.log.filter((r) => r.path.includes("/git/trees/"))).toHaveLength(2);
    expect(h.fake.checkRuns[0]).toMatchObject({ conclusion: "success" });
  });
});

describe("config", () => {
  const base: Files = { "g3doc/a.md": doc("A", ["Intro."]) };
  const head: Files = { "g3doc/a.md": doc("A", ["Intro.", "One user space."]) };

  test.each([
    ["an unknown key", "review:\n  maxComment: 5\n", /maxComment/],
    ["a bad value", "review:\n  failOn: sometimes\n", /review\.failOn must be one of/],
    [
      "an unknown rule",
      "rules:\n  no-such-rule: error\n",
      /rules\.no-such-rule: no rule has this id/,
    ],
  ])(
    "%s: the check run fails with a message naming the key, and nothing else is posted",
    async (_name, yml, message) => {
      const h = await setup();
      h.fake.config = yml;
      await openPull(h, base, head);
      expect(violations()).toEqual([]);
      expect(h.fake.checkRuns).toHaveLength(1);
      const run = h.fake.checkRuns[0];
      expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
      expect(run.output!.summary).toMatch(message);
      expect(run.output!.summary).toContain(".github/g3doc-review.yml");
      expect(h.fake.reviews).toHaveLength(0);
      // The config comes with the content query, so the change is read first; nothing is posted.
      expect(h.fake.shapes()).toEqual([
        "GET /repos/{o}/{r}/pulls/2/files",
        `GET /repos/{o}/{r}/git/trees/${HEAD_SHA}`,
        "POST /graphql",
        "POST /repos/{o}/{r}/check-runs",
      ]);
    },
  );

  test("config settings apply: failOn warning fails on warnings, maxComments caps comments, requestChanges", async () => {
    const h = await setup();
    h.fake.config = "review:\n  failOn: warning\n  maxComments: 0\n";
    await openPull(h, base, head);
    expect(h.fake.checkRuns[0]).toMatchObject({ conclusion: "failure" });
    expect(h.fake.reviews).toHaveLength(0); // nothing could be a comment: no review

    teardown();
    const h2 = await setup();
    h2.fake.config = "review:\n  requestChanges: true\nrules:\n  terminology: error\n";
    await openPull(h2, base, head);
    expect(h2.fake.reviews[0].event).toBe("REQUEST_CHANGES");
  });
});

describe("which events review what", () => {
  test("a draft is skipped unless review.drafts; ready_for_review reviews it", async () => {
    const { base, head } = seedTrees(false);
    const h = await setup();
    await openPull(h, base, head, { draft: true });
    expect(h.fake.checkRuns).toHaveLength(0);
    // One small query for the config (review.drafts), then nothing.
    expect(h.fake.shapes()).toEqual(["POST /graphql"]);

    h.fake.pulls.get(2)!.draft = false;
    await h.receive("pull_request", pullRequestPayload("ready_for_review"));
    expect(h.fake.checkRuns).toHaveLength(1);

    teardown();
    const h2 = await setup();
    h2.fake.config = "review:\n  drafts: true\n";
    await openPull(h2, base, head, { draft: true });
    expect(h2.fake.checkRuns[0]).toMatchObject({ conclusion: "failure" });
  });

  test("a pull request with no doc change still gets a successful check run", async () => {
    const h = await setup();
    await openPull(h, { "src/a.go": "package a\n" }, { "src/a.go": "package b\n" });
    expect(violations()).toEqual([]);
    expect(h.fake.checkRuns[0]).toMatchObject({
      status: "completed",
      conclusion: "success",
      output: { title: "No g3doc changes" },
    });
    // No file could be a doc: the config comes alone (it could name other paths).
    expect(h.fake.shapes()).toEqual([
      "GET /repos/{o}/{r}/pulls/2/files",
      "POST /graphql",
      "POST /repos/{o}/{r}/check-runs",
    ]);
  });

  test("edited: only a changed base branch starts a review", async () => {
    const { base, head } = seedTrees(false);
    const h = await setup();
    await openPull(h, base, head, {
      action: "edited",
      payload: (p) => (p.changes = { title: { from: "Old" } }),
    });
    expect(h.fake.checkRuns).toHaveLength(0);
    await h.receive("pull_request", {
      ...pullRequestPayload("edited"),
      changes: { base: { ref: { from: "main" }, sha: { from: "0".repeat(40) } } },
    });
    expect(h.fake.checkRuns).toHaveLength(1);
  });

  test("check_run.rerequested for a fork pull request (empty pull_requests): found by head SHA", async () => {
    const { base, head } = seedTrees(false);
    const h = await setup();
    const payload = example("check_run", "rerequested");
    h.fake.owner = payload.repository.owner.login;
    h.fake.repo = payload.repository.name;
    h.fake.repoId = payload.repository.id;
    h.fake.addCommit(BASE_SHA, gvisorTree(base));
    h.fake.addCommit(HEAD_SHA, gvisorTree(head));
    h.fake.addPull({ number: 7, base: BASE_SHA, head: HEAD_SHA, headRepo: "forker/hello-world" });
    h.fake.addPull({ number: 8, base: BASE_SHA, head: "9".repeat(40) });
    payload.check_run.head_sha = HEAD_SHA;
    payload.check_run.name = "g3doc-review";
    expect(payload.check_run.pull_requests).toEqual([]);
    await h.receive("check_run", payload);
    expect(violations()).toEqual([]);
    expect(h.fake.shapes().slice(0, 3)).toEqual([
      `GET /repos/{o}/{r}/commits/${HEAD_SHA}/pulls`,
      "GET /repos/{o}/{r}/pulls",
      "GET /repos/{o}/{r}/pulls/7/files",
    ]);
    expect(h.fake.shapes().at(-1)).toBe("POST /repos/{o}/{r}/check-runs");
    expect(h.fake.checkRuns[0]).toMatchObject({ head_sha: HEAD_SHA, conclusion: "failure" });
    expect(h.fake.reviews[0].comments.some((c) => c.line === 89)).toBe(true);
  });

  test("a check run of another name is not ours to re-run", async () => {
    const h = await setup();
    const payload = example("check_run", "rerequested");
    await h.receive("check_run", payload);
    expect(h.fake.log).toHaveLength(0);
  });
});

describe("reading the tree", () => {
  test("a truncated tree listing never gives a false missing asset; a real one is still found", async () => {
    const h = await setup();
    h.fake.treeTruncated = true;
    const withImage = seedTrees(true);
    await openPull(h, withImage.base, withImage.head);
    expect(violations()).toEqual([]);
    const run = h.fake.checkRuns[0];
    expect(run.annotations.filter((a) => a.title.startsWith("missing-asset"))).toEqual([]);
    expect(run.output!.summary).toContain("too large for GitHub to list");

    teardown();
    const h2 = await setup();
    h2.fake.treeTruncated = true;
    const without = seedTrees(false);
    await openPull(h2, without.base, without.head);
    expect(
      h2.fake.checkRuns[0].annotations.filter(
        (a) => a.title.startsWith("missing-asset") && a.start_line === 89,
      ),
    ).toHaveLength(1);
  });
});

describe("errors that are not GitHub's", () => {
  test("data the adapter cannot use still ends in a completed check run that says what went wrong", async () => {
    const h = await setup();
    h.fake.fail(/^POST \/graphql$/, 200, { body: { data: { repository: null } } });
    const { base, head } = seedTrees(false);
    await openPull(h, base, head);
    expect(h.fake.checkRuns[0]).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "g3doc-review could not finish" },
    });
    expect(h.fake.checkRuns[0].output!.summary).toMatch(/TypeError/);
    expect(h.outcomes[0]).toMatchObject({ status: "failed" });
  });
});
