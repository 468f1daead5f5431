import { describe, test, expect, jest } from "@jest/globals";
import type { Finding } from "../../src/core/finding.js";
import { fingerprint } from "../../src/core/finding.js";
import { parsePatch, isCommentable, firstCommentableLine } from "../../src/core/diff/patch.js";
import {
  escapeMarkdown,
  fencedBlock,
  suggestionBlock,
  codeSpan,
  cellCodeSpan,
} from "../../src/app/publish/escape.js";
import { anchorFor, planReview, commentBody } from "../../src/app/publish/comments.js";
import {
  renderSummary,
  conclusionFor,
  annotationsFor,
  titleFor,
  listPart,
} from "../../src/app/publish/check-run.js";
import { appThreads, fingerprintIn, fingerprintMarker } from "../../src/app/publish/threads.js";
import { mapStatus, toChangedFile } from "../../src/app/changeset-github.js";
import {
  retryDelay,
  isRateLimit,
  DEFAULT_RETRY,
  withNativeJson,
  withRetries,
  READ_TURN_BYTES,
} from "../../src/app/octokit.js";
import { ProbotOctokit } from "probot";
import { InProcessQueue, SupersededError, QueueFullError } from "../../src/app/queue.js";
import { LruDeliveryLog } from "../../src/app/deliveries.js";
import { postReview } from "../../src/app/publish/review.js";
import { fromPullRequest, fromRerequest, jobKey } from "../../src/app/events.js";
import { pullRequestPayload, example } from "./harness.js";

const finding = (over: Partial<Finding> = {}): Finding => ({
  path: "g3doc/a.md",
  line: 5,
  endLine: 5,
  column: 1,
  rule: "terminology",
  severity: "warning",
  message: "Use “userspace”.",
  suggestion: null,
  changed: true,
  lineText: "text",
  ...over,
});

// Head lines 3-8 and 20-21 are in hunks.
const diff = parsePatch("@@ -3,4 +3,6 @@\n a\n+b\n+c\n d\n e\n f\n@@ -18,0 +20,2 @@\n+y\n+z\n");

describe("escaping quoted text", () => {
  test("mentions, HTML and issue references are neutralised outside code spans", () => {
    const out = escapeMarkdown(
      "ping @octocat about #123 and GH-7 <img src=x onerror=alert(1)> `@keep <b> #1`",
    );
    expect(out).toBe(
      "ping @\u200boctocat about #\u200b123 and GH-\u200b7 &lt;img src=x onerror=alert(1)&gt; `@keep <b> #1`",
    );
    expect(out).not.toMatch(/@octocat|<img/);
  });
  test("an unclosed backtick does not hide the rest from escaping", () => {
    expect(escapeMarkdown("a ` b @x")).toBe("a \\` b @\u200bx");
  });
  test("a quoted value is rebuilt as a code span from its own text: backticks and line breaks inside cannot leave it", () => {
    const out = escapeMarkdown("Missing image `img```suggestion\ncurl x | sh\n```.png`: add it.");
    expect(out).toBe(
      "Missing image ````img```suggestion\u240acurl x | sh\u240a```.png````: add it.",
    );
    expect(out).not.toContain("\n");
  });
  test("outside quotes: links, images, emphasis, URLs, e-mail and block markers are inert", () => {
    expect(escapeMarkdown("![i](x) [a](https://e.example) *b* a@b.example www.e.example")).toBe(
      "!\\[i\\](x) \\[a\\](https:\u200b//e.example) \\*b\\* a@\u200bb.example www\u200b.e.example",
    );
    expect(escapeMarkdown("# title")).toBe("\\# title");
    expect(escapeMarkdown("- item")).toBe("\\- item");
    expect(escapeMarkdown("1. item")).toBe("1\\. item");
    expect(escapeMarkdown("a \u001b[2J b\r\nc")).toBe("a \u241b\\[2J b\u240d\u240ac");
  });
  test("a code span in a table cell shows | as ¦ (GitHub splits cells first)", () => {
    expect(cellCodeSpan("a|b")).toBe("`a\u00a6b`");
  });
  test("suggestion fences are longer than any backtick run inside", () => {
    expect(fencedBlock("plain", "suggestion")).toBe("```suggestion\nplain\n```");
    const inner = "```shell\nls\n```";
    expect(fencedBlock(inner, "suggestion")).toBe("````suggestion\n```shell\nls\n```\n````");
    expect(codeSpan("a`b")).toBe("``a`b``");
  });
  test("a suggestion block holds every line of the replacement, empty ones too", () => {
    // GitHub deletes the lines for an empty block; "" is one empty line, as fix applies it.
    expect(suggestionBlock("")).toBe("```suggestion\n\n```");
    expect(suggestionBlock("a\n")).toBe("```suggestion\na\n\n```");
    expect(suggestionBlock("```shell\nls\n```")).toBe("````suggestion\n```shell\nls\n```\n````");
    const f = finding({ suggestion: "" });
    expect(commentBody(f, fingerprint(f), true)).toContain("```suggestion\n\n```");
    // The check run's list of findings not commented shows it the same way.
    const part = listPart([{ finding: f, reason: "not on a changed line" }], "https://x.dev/rules");
    expect(part.items[0].text).toContain("Suggested replacement:\n\n  ```\n  \n  ```");
  });
  test("a comment quotes the message escaped, the suggestion verbatim, and carries the fingerprint", () => {
    const f = finding({ message: "Link text `@x` by @someone <b>", suggestion: "Hi @someone <b>" });
    const body = commentBody(f, fingerprint(f), true);
    expect(body).toContain("by @\u200bsomeone &lt;b&gt;");
    expect(body).toContain("```suggestion\nHi @someone <b>\n```");
    expect(fingerprintIn(body)).toBe(fingerprint(f));
  });
});

describe("anchoring comments inside the diff", () => {
  test("commentable lines come from the hunks", () => {
    expect(isCommentable(diff, 3)).toBe(true);
    expect(isCommentable(diff, 9)).toBe(false);
    expect(firstCommentableLine(diff, 9, 21)).toBe(20);
  });
  test("a multi-line suggestion inside one hunk: start_line..line", () => {
    expect(anchorFor(finding({ line: 4, endLine: 6, suggestion: "x" }), diff)).toEqual({
      startLine: 4,
      line: 6,
      withSuggestion: true,
    });
  });
  test("a single-line suggestion has no start line", () => {
    expect(anchorFor(finding({ line: 4, endLine: 4, suggestion: "x" }), diff)).toEqual({
      line: 4,
      withSuggestion: true,
    });
  });
  test("a suggestion across two hunks becomes a plain comment on its first commentable line", () => {
    const a = anchorFor(finding({ line: 7, endLine: 20, suggestion: "x" }), diff);
    expect(a).toMatchObject({ line: 7, withSuggestion: false });
    expect(a).not.toHaveProperty("startLine");
  });
  test("outside every hunk, or without a patch: summary only", () => {
    expect(anchorFor(finding({ line: 12, endLine: 12 }), diff)).toEqual({
      reason: "line 12 is outside the pull request's diff",
    });
    expect(anchorFor(finding(), parsePatch(null))).toMatchObject({
      reason: expect.stringContaining("no diff"),
    });
    expect(anchorFor(finding(), undefined)).toMatchObject({
      reason: expect.stringContaining("not in the pull request"),
    });
  });
  test("planning: errors first, the comment cap, known fingerprints skipped, stale threads picked", () => {
    const fs = [
      finding({ line: 3 }),
      finding({ line: 4, severity: "error", rule: "missing-asset", lineText: "img" }),
      finding({ line: 5, lineText: "other" }),
      finding({ line: 12 }),
    ];
    const known = {
      id: "T1",
      path: "g3doc/a.md",
      isResolved: false,
      fingerprint: fingerprint(fs[2]),
      othersReplied: false,
    };
    const gone = {
      id: "T2",
      path: "g3doc/a.md",
      isResolved: false,
      fingerprint: "0123456789abcdef",
      othersReplied: false,
    };
    const goneButTalkedTo = { ...gone, id: "T3", othersReplied: true };
    const goneAlreadyResolved = { ...gone, id: "T4", isResolved: true };
    const plan = planReview(
      fs,
      new Map([["g3doc/a.md", diff]]),
      [known, gone, goneButTalkedTo, goneAlreadyResolved],
      { maxComments: 1 },
    );
    expect(plan.comments.map((c) => c.finding.rule)).toEqual(["missing-asset"]);
    expect(plan.alreadyCommented).toEqual([fs[2]]);
    expect(plan.notCommented.map((n) => [n.finding.line, n.reason])).toEqual([
      [3, "over the limit of 1 comments per review"],
      [12, "line 12 is outside the pull request's diff"],
    ]);
    expect(plan.stale.map((t) => t.id)).toEqual(["T2"]);
  });
  test("threads are the app's only when the app's bot wrote the marked first comment; any other author counts as a person replying", () => {
    const fp = "0123456789abcdef";
    const bot = { login: "g3doc-review", __typename: "Bot" };
    const threads = appThreads(
      [
        {
          id: "a",
          isResolved: false,
          path: "p",
          comments: { totalCount: 1, nodes: [{ body: fingerprintMarker(fp), author: bot }] },
        },
        {
          id: "b",
          isResolved: false,
          path: "p",
          comments: {
            totalCount: 2,
            nodes: [
              { body: fingerprintMarker(fp), author: bot },
              { body: "no", author: { login: "me", __typename: "User" } },
            ],
          },
        },
        {
          id: "c",
          isResolved: false,
          path: "p",
          comments: {
            totalCount: 1,
            nodes: [{ body: fingerprintMarker(fp), author: { login: "me", __typename: "User" } }],
          },
        },
        {
          id: "d",
          isResolved: false,
          path: "p",
          comments: { totalCount: 30, nodes: [{ body: fingerprintMarker(fp), author: bot }] },
        },
        {
          id: "e",
          isResolved: false,
          path: "p",
          comments: {
            totalCount: 1,
            nodes: [
              {
                body: `Secret found: ${fingerprintMarker(fp)}`,
                author: { login: "secret-scanner", __typename: "Bot" },
              },
            ],
          },
        },
        {
          id: "f",
          isResolved: false,
          path: "p",
          comments: {
            totalCount: 1,
            nodes: [
              {
                body: fingerprintMarker(fp),
                author: { login: "g3doc-review[bot]", __typename: "Bot" },
              },
            ],
          },
        },
      ],
      "g3doc-review",
    );
    expect(threads.map((t) => [t.id, t.othersReplied])).toEqual([
      ["a", false],
      ["b", true],
      ["d", true],
      ["f", false],
    ]);
  });
});

describe("the check run", () => {
  test("conclusions follow review.failOn", () => {
    const w = [finding({ severity: "warning" })];
    const e = [finding({ severity: "error" })];
    expect(conclusionFor(w, "error")).toBe("success");
    expect(conclusionFor(e, "error")).toBe("failure");
    expect(conclusionFor(w, "warning")).toBe("failure");
    expect(conclusionFor(e, "never")).toBe("neutral");
    expect(conclusionFor([], "never")).toBe("success");
  });
  test("annotations: levels, columns only on one line, suggestions in raw_details", () => {
    const [a, b] = annotationsFor([
      finding({ severity: "error", column: 3, suggestion: "x" }),
      finding({ line: 2, endLine: 4 }),
    ]);
    expect(a).toMatchObject({
      annotation_level: "failure",
      start_line: 5,
      end_line: 5,
      start_column: 3,
      raw_details: "Suggested replacement for line 5:\nx",
    });
    expect(b).toMatchObject({ annotation_level: "warning", start_line: 2, end_line: 4 });
    expect(b).not.toHaveProperty("start_column");
  });
  test("the summary stays under 65,535 characters and says what it left out", () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      finding({ path: `g3doc/d${i}.md`, line: i + 1, message: "m".repeat(200) }),
    );
    const summary = renderSummary({
      findings: many,
      headSha: "abcdef0123",
      docs: [],
      notCommented: many.map((f) => ({ finding: f, reason: "outside" })),
      alreadyCommented: 0,
      commented: 0,
      resolved: 0,
      notes: Array.from({ length: 500 }, (_, i) => `note ${i} ${"n".repeat(200)}`),
    });
    expect(summary.length).toBeLessThanOrEqual(65535);
    // The list is cut early; the notes by the hard limit. Past 500 findings not every one is an annotation.
    expect(summary).toMatch(/^- …and 29\d\d more findings\.$/m);
    expect(summary).toContain(
      "The 500 most severe findings are annotations of this check run; the tables below count all 3,000.",
    );
    expect(summary).not.toMatch(/Every finding is still an annotation|each is an annotation/);
    expect(summary).toMatch(/more lines? left out: the summary is limited to 65,535 characters/);
    expect(summary).toContain("| …and 2900 more files | | |");
    expect(titleFor(many, 3000)).toBe("0 errors, 3000 warnings, 0 notices in 3000 files");
  });

  test("annotations: at most 500, the most severe first, in their order otherwise", () => {
    const many = Array.from({ length: 48_000 }, (_, i) =>
      finding({
        path: "g3doc/big.md",
        line: i + 1,
        severity: i % 1000 === 999 ? "error" : "warning",
      }),
    );
    const a = annotationsFor(many);
    expect(a).toHaveLength(500);
    expect(a.slice(0, 48).every((x) => x.annotation_level === "failure")).toBe(true);
    expect(a.slice(0, 48).map((x) => x.start_line)).toEqual(
      Array.from({ length: 48 }, (_, i) => (i + 1) * 1000),
    );
    expect(a[48]).toMatchObject({ annotation_level: "warning", start_line: 1 });
    expect(a[499]).toMatchObject({ annotation_level: "warning", start_line: 452 });
    expect(annotationsFor(many.slice(0, 30))).toHaveLength(30);
  });
});

describe("reading GitHub's file list", () => {
  test("statuses map onto the change set's", () => {
    expect(
      ["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"].map(mapStatus),
    ).toEqual(["added", "removed", "modified", "renamed", "added", "modified", "modified"]);
  });
  test("a missing patch means a binary or huge diff, unless nothing changed", () => {
    expect(toChangedFile({ filename: "a.png", status: "added", changes: 0 }).patch).toBe("");
    expect(toChangedFile({ filename: "a.md", status: "modified", changes: 5000 }).patch).toBeNull();
    expect(
      toChangedFile({ filename: "b.md", previous_filename: "a.md", status: "renamed", changes: 0 }),
    ).toEqual({ path: "b.md", previousPath: "a.md", status: "renamed", patch: "" });
  });
  test("an image's diff is not kept (an SVG's can be megabytes); a doc's is", () => {
    const patch = "@@ -0,0 +1 @@\n+<svg/>";
    expect(
      toChangedFile({ filename: "g3doc/a.svg", status: "added", changes: 1, patch }).patch,
    ).toBeNull();
    expect(
      toChangedFile({ filename: "g3doc/a.md", status: "added", changes: 1, patch }).patch,
    ).toBe(patch);
  });
});

describe("retries", () => {
  const err = (status: number, headers: Record<string, string> = {}, message = "x") => ({
    status,
    message,
    response: { headers, data: { message } },
  });
  const opts = { method: "GET", url: "/repos/{owner}/{repo}/pulls/{pull_number}/files" };
  test("5xx: exponential backoff, bounded tries; a posted review is not repeated", () => {
    expect([0, 1, 2, 3].map((a) => retryDelay(err(502), a, opts, DEFAULT_RETRY))).toEqual([
      1000,
      2000,
      4000,
      null,
    ]);
    expect(
      retryDelay(
        err(500),
        0,
        { method: "POST", url: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews" },
        DEFAULT_RETRY,
      ),
    ).toBeNull();
    expect(
      retryDelay(
        err(500),
        0,
        { method: "POST", url: "/graphql", query: "mutation { x }" },
        DEFAULT_RETRY,
      ),
    ).toBeNull();
    expect(retryDelay(err(404), 0, opts, DEFAULT_RETRY)).toBeNull();
  });
  test("rate limits: retry-after, reset time, or give up when the wait is too long", () => {
    expect(isRateLimit(err(403, {}, "You have exceeded a secondary rate limit"))).toBe(true);
    expect(isRateLimit(err(403, {}, "Resource not accessible by integration"))).toBe(false);
    expect(retryDelay(err(403, { "retry-after": "3" }), 0, opts, DEFAULT_RETRY)).toBe(3000);
    expect(retryDelay(err(429, { "retry-after": "120" }), 0, opts, DEFAULT_RETRY)).toBeNull();
    expect(
      retryDelay(
        err(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1010" }),
        0,
        opts,
        DEFAULT_RETRY,
        1_000_000,
      ),
    ).toBe(10_000);
  });
});

describe("request timeouts", () => {
  test("an answer that hangs is cut off and the request retried", async () => {
    let calls = 0;
    // A fetch that answers the second call at once and leaves the first hanging until aborted.
    const fetch = (_url: string, init: { signal?: AbortSignal }) => {
      calls++;
      if (calls > 1)
        return Promise.resolve(
          new Response(JSON.stringify({ sha: "s", tree: [], truncated: false }), {
            status: 200,
            headers: { "content-type": "application/json" },
          }),
        );
      return new Promise<Response>((_resolve, reject) =>
        init.signal?.addEventListener("abort", () => reject(init.signal!.reason)),
      );
    };
    const octokit = withRetries(
      new ProbotOctokit({
        auth: "t",
        request: { fetch },
        retry: { enabled: false },
        throttle: { enabled: false },
      } as any) as any,
      { retries: 2, baseDelayMs: 1, maxWaitMs: 100, timeoutMs: 100, sleep: async () => undefined },
    );
    const t0 = Date.now();
    const { data } = await octokit.rest.git.getTree({
      owner: "o",
      repo: "r",
      tree_sha: "s",
      recursive: "1",
    });
    expect(data.sha).toBe("s");
    expect(calls).toBe(2);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe("answers parsed natively", () => {
  const client = (answer: (url: string) => Response, seen: string[] = []) =>
    withNativeJson(
      withRetries(
        new ProbotOctokit({
          auth: "t",
          request: {
            fetch: async (url: string) => {
              seen.push(url);
              return answer(url);
            },
          },
          retry: { enabled: false },
          throttle: { enabled: false },
        } as any) as any,
        {
          retries: 2,
          baseDelayMs: 1,
          maxWaitMs: 100,
          timeoutMs: 1000,
          sleep: async () => undefined,
        },
      ),
    );
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json; charset=utf-8" },
    });

  test("a query's data, a query's errors, and REST answers parsed as before", async () => {
    const text = "x".repeat(200_000) + "\u00e9";
    const octokit = client((url) =>
      url.endsWith("/graphql")
        ? json({ data: { repository: { object: { text }, n: 12 } } })
        : json({ sha: "s", tree: [] }),
    );
    const parse = jest.spyOn(JSON, "parse");
    const data: any = await octokit.graphql("query { repository { n } }");
    // The engine's JSON.parse read the answer (Octokit's own parser is JavaScript).
    expect(parse.mock.calls.some(([s]) => typeof s === "string" && s.length > 200_000)).toBe(true);
    parse.mockRestore();
    expect(data.repository.object.text).toBe(text);
    expect(data.repository.n).toBe(12);
    const { data: tree } = await octokit.rest.git.getTree({ owner: "o", repo: "r", tree_sha: "s" });
    expect(tree).toEqual({ sha: "s", tree: [] });
    const failing = client(() =>
      json({ data: null, errors: [{ type: "NOT_FOUND", message: "gone" }] }),
    );
    await expect(failing.graphql("query { x }")).rejects.toThrow(/gone/);
  });

  test("a retried query is parsed once it succeeds; an answer that is not JSON stays text", async () => {
    const seen: string[] = [];
    let n = 0;
    const octokit = client(
      () => (++n === 1 ? new Response("busy", { status: 502 }) : json({ data: { ok: true } })),
      seen,
    );
    expect(await octokit.graphql("query { ok }")).toEqual({ ok: true });
    expect(seen).toHaveLength(2);
    const plain = client(
      () => new Response("{not json", { headers: { "content-type": "application/json" } }),
    );
    const r = await plain.request("POST /graphql", { query: "q" });
    expect(r.data).toBe("{not json");
    const bytes = client(
      () =>
        new Response(new Uint8Array([0, 255]), {
          headers: { "content-type": "application/octet-stream" },
        }),
    );
    const b = await bytes.request("GET /repos/{owner}/{repo}/git/blobs/{sha}", {
      owner: "o",
      repo: "r",
      sha: "s",
    });
    expect(new Uint8Array(b.data as ArrayBuffer)).toEqual(new Uint8Array([0, 255]));
    const raw = client(
      () => new Response("# Doc\n", { headers: { "content-type": "text/plain; charset=utf-8" } }),
    );
    const t = await raw.request("GET /repos/{owner}/{repo}/git/blobs/{sha}", {
      owner: "o",
      repo: "r",
      sha: "s",
    });
    expect(t.data).toBe("# Doc\n");
  });

  test("a body that arrived whole is read over several turns of the event loop", async () => {
    const files = Array.from({ length: 50 }, (_, i) => ({
      filename: `g3doc/d${i}.md`,
      patch: "+" + "x".repeat(100_000),
    }));
    const bytes = Buffer.from(JSON.stringify(files));
    const octokit = client(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              // All of it at once, in 64 KB chunks, as a socket's buffer would hand it over.
              for (let i = 0; i < bytes.length; i += 65536)
                controller.enqueue(new Uint8Array(bytes.subarray(i, i + 65536)));
              controller.close();
            },
          }),
          { headers: { "content-type": "application/json" } },
        ),
    );
    let turns = 0;
    let reading = true;
    const tick = () => {
      turns++;
      if (reading) setImmediate(tick);
    };
    setImmediate(tick);
    const { data } = await octokit.rest.pulls.listFiles({ owner: "o", repo: "r", pull_number: 1 });
    reading = false;
    expect(data).toEqual(files);
    // 5 MB: a turn after each megabyte at least.
    expect(turns).toBeGreaterThanOrEqual(Math.floor(bytes.length / READ_TURN_BYTES));
  });

  test("a pull request's file list comes without its images' diffs, on every page", async () => {
    const file = (filename: string, patch?: string) => ({
      sha: "s",
      filename,
      status: "added",
      additions: 1,
      deletions: 0,
      changes: 1,
      ...(patch === undefined ? {} : { patch }),
    });
    const svg = '@@ -0,0 +1 @@\n+<svg><text>"}]\\</text></svg>';
    const pages: Record<string, unknown[]> = {
      "1": [file("g3doc/a.md", '@@ -0,0 +1 @@\n+"quoted" \\ [x]'), file("g3doc/a.svg", svg)],
      "2": [file("g3doc/b.PNG", "binary?"), file("g3doc/b.md", "@@ -0,0 +1 @@\n+b")],
    };
    const octokit = client((url) => {
      const page = new URL(url).searchParams.get("page") ?? "1";
      const res = json(pages[page]);
      if (page === "1")
        res.headers.set(
          "link",
          '<https://api.github.com/repositories/9/pulls/3/files?page=2>; rel="next"',
        );
      return res;
    });
    const files: any[] = [];
    for await (const page of octokit.paginate.iterator(octokit.rest.pulls.listFiles, {
      owner: "o",
      repo: "r",
      pull_number: 3,
    }))
      files.push(...page.data);
    expect(files.map((f) => [f.filename, f.patch])).toEqual([
      ["g3doc/a.md", '@@ -0,0 +1 @@\n+"quoted" \\ [x]'],
      ["g3doc/a.svg", null],
      ["g3doc/b.PNG", null],
      ["g3doc/b.md", "@@ -0,0 +1 @@\n+b"],
    ]);
    // Elsewhere an SVG's text is what GitHub sent.
    const other = client(() => json({ path: "g3doc/a.svg", patch: svg }));
    const { data } = await other.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: "o",
      repo: "r",
      path: "g3doc/a.svg",
    });
    expect((data as any).patch).toBe(svg);
  });
});

describe("the queue and the delivery log", () => {
  test("bounded concurrency; a newer job of the same key aborts the running one and replaces a waiting one", async () => {
    const q = new InProcessQueue({ concurrency: 1, maxWaiting: 2 });
    const events: string[] = [];
    const gate: { open?: () => void } = {};
    q.enqueue("pr#1", {
      label: "sha1",
      run: (signal) =>
        new Promise<void>((resolve) => {
          gate.open = resolve;
          signal.addEventListener("abort", () => {
            events.push(`aborted:${(signal.reason as SupersededError).by}`);
            resolve();
          });
        }),
    });
    await new Promise((r) => setTimeout(r, 5));
    q.enqueue("pr#2", { label: "x", run: async () => void events.push("pr2") });
    q.enqueue("pr#1", { label: "sha2", run: async () => void events.push("sha2") });
    q.enqueue("pr#1", { label: "sha3", run: async () => void events.push("sha3") });
    q.enqueue("pr#3", {
      label: "y",
      run: async (signal) => void events.push(`full:${signal.reason instanceof QueueFullError}`),
    });
    await q.onIdle();
    expect(events).toEqual(["aborted:sha2", "full:true", "pr2", "sha3"]);
  });
  test("the delivery log remembers ids, least recently seen out first", () => {
    const log = new LruDeliveryLog(2);
    expect([
      log.seen("a"),
      log.seen("b"),
      log.seen("a"),
      log.seen("c"),
      log.seen("b"),
      log.seen("a"),
    ]).toEqual([false, false, true, false, false, false]);
  });
});

describe("events", () => {
  test("pull_request actions and the base-branch edit", () => {
    expect(fromPullRequest(pullRequestPayload("opened"))).toMatchObject({
      owner: "Codertocat",
      repo: "Hello-World",
      pullNumber: 2,
      trigger: "pull_request.opened",
    });
    expect(
      fromPullRequest({ ...pullRequestPayload("edited"), changes: { title: { from: "x" } } }),
    ).toBeUndefined();
    expect(
      fromPullRequest({
        ...pullRequestPayload("edited"),
        changes: { base: { ref: { from: "x" } } },
      }),
    ).toBeDefined();
  });
  test("re-runs: our check only, and not for a pull request that has moved on", () => {
    const suite = example("check_suite", "rerequested");
    const pulls = suite.check_suite.pull_requests;
    expect(fromRerequest(suite, "check_suite", suite.check_suite.head_sha, pulls)).toMatchObject({
      pullNumber: 2,
    });
    expect(fromRerequest(suite, "check_suite", "0".repeat(40), pulls)).toBeUndefined();
    expect(
      fromRerequest(suite, "check_run", suite.check_suite.head_sha, pulls, "other-check"),
    ).toBeUndefined();
    const forkRun = fromRerequest(suite, "check_run", "f".repeat(40), [], "g3doc-review")!;
    expect(jobKey(forkRun)).toBe(`Codertocat/Hello-World@${"f".repeat(40)}`);
  });
});

describe("posting the review", () => {
  const pull = {
    owner: "o",
    repo: "r",
    number: 2,
    headSha: "h".repeat(40),
    baseSha: "b".repeat(40),
    draft: false,
  };
  const planned = (line: number, startLine?: number) => ({
    finding: finding({ line: startLine ?? line, endLine: line, suggestion: "x" }),
    fingerprint: "f",
    path: "g3doc/a.md",
    line,
    ...(startLine !== undefined ? { startLine } : {}),
    withSuggestion: true,
    body: "b",
  });
  test("multi-line comments carry start_line/start_side, single-line ones do not", async () => {
    const sent: any[] = [];
    const octokit: any = {
      rest: {
        pulls: {
          createReview: async (p: any) => (sent.push(p), { data: { id: 1, html_url: "u" } }),
        },
      },
    };
    const res = await postReview(octokit, pull, {
      body: "B",
      event: "COMMENT",
      comments: [planned(6, 4), planned(8)],
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      owner: "o",
      repo: "r",
      pull_number: 2,
      commit_id: pull.headSha,
      event: "COMMENT",
      body: "B",
    });
    expect(sent[0].comments).toEqual([
      { path: "g3doc/a.md", body: "b", line: 6, side: "RIGHT", start_line: 4, start_side: "RIGHT" },
      { path: "g3doc/a.md", body: "b", line: 8, side: "RIGHT" },
    ]);
    expect(res).toMatchObject({ id: 1, rejected: [], probes: 0 });
  });
  test("a 422 that names no comment: the bad ones are found by halving with draft reviews, then one review is posted", async () => {
    const submitted: any[] = [];
    let deleted = 0;
    const bad = new Set([3, 6]);
    const octokit: any = {
      rest: {
        pulls: {
          createReview: async (p: any) => {
            if (p.comments.some((c: any) => bad.has(c.line)))
              throw Object.assign(new Error("Unprocessable Entity"), { status: 422 });
            if (p.event) submitted.push(p);
            return { data: { id: 9, html_url: "u" } };
          },
          deletePendingReview: async () => void deleted++,
        },
      },
    };
    const comments = [1, 2, 3, 4, 5, 6, 7, 8].map((l) => planned(l));
    const res = await postReview(
      octokit,
      pull,
      { body: "B", event: "COMMENT", comments },
      { bodyFor: (r) => `refused ${r.length}` },
    );
    expect(res.rejected.map((c) => c.line)).toEqual([3, 6]);
    expect(submitted).toHaveLength(1);
    expect(submitted[0].comments.map((c: any) => c.line)).toEqual([1, 2, 4, 5, 7, 8]);
    expect(submitted[0].body).toBe("refused 2");
    expect(deleted).toBeGreaterThan(0);
  });
  test("when every fallback is refused with comments, the body alone is posted", async () => {
    const submitted: any[] = [];
    const octokit: any = {
      rest: {
        pulls: {
          createReview: async (p: any) => {
            if (p.comments.length > 0) throw Object.assign(new Error("x"), { status: 422 });
            submitted.push(p);
            return { data: { id: 9 } };
          },
          deletePendingReview: async () => undefined,
        },
      },
    };
    const res = await postReview(
      octokit,
      pull,
      { body: "B", event: "REQUEST_CHANGES", comments: [planned(1), planned(2)] },
      { maxProbes: 1 },
    );
    expect(res.posted).toEqual([]);
    expect(res.rejected).toHaveLength(2);
    expect(submitted).toEqual([
      expect.objectContaining({ event: "REQUEST_CHANGES", comments: [] }),
    ]);
  });
});
