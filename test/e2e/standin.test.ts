/**
 * The stand-in itself enforces GitHub's rules: these checks run against a
 * small git repository made here, with plain HTTP requests.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { createSign, generateKeyPairSync } from "node:crypto";
import { Standin } from "./standin/server.js";
import type { Pull, Repo } from "./standin/model.js";

let dir: string;
let standin: Standin;
let repo: Repo;
let pull: Pull;
let base: string;
let head: string;
const TOKEN = "ghs_test";
const keys = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});

const git = (...a: string[]) =>
  execFileSync("git", a, {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  }).trim();

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${standin.urls.api}${path}`, {
    method,
    headers: { authorization: `token ${TOKEN}`, "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = text;
  try {
    json = JSON.parse(text);
  } catch {
    // raw
  }
  return { status: res.status, json, headers: res.headers };
}

function jwt(appId: number, key = keys.privateKey): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const data = `${enc({ alg: "RS256", typ: "JWT" })}.${enc({ iat: now - 30, exp: now + 540, iss: appId })}`;
  return `${data}.${createSign("RSA-SHA256").update(data).sign(key).toString("base64url")}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "g3doc-review-standin-"));
  git("init", "-q", "-b", "main");
  writeFileSync(
    join(dir, "doc.md"),
    Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\n") + "\n",
  );
  writeFileSync(join(dir, "old.md"), "old\n");
  git("add", ".");
  git("commit", "-q", "-m", "base");
  base = git("rev-parse", "HEAD");
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
  lines[4] = "line 5 changed";
  lines[24] = "line 25 changed";
  writeFileSync(join(dir, "doc.md"), lines.join("\n") + "\n");
  git("mv", "old.md", "new.md");
  git("add", ".");
  git("commit", "-q", "-m", "head");
  head = git("rev-parse", "HEAD");
  standin = await Standin.start({ appId: 7, publicKey: keys.publicKey });
  standin.tokens.set(TOKEN, { installationId: 1, expires: Date.now() + 3600_000 });
  repo = standin.addRepo({ owner: "o", name: "r", gitDir: dir, defaultSha: head });
  pull = standin.openPull(repo, { number: 1, base, head });
});

afterAll(async () => {
  await standin.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("GitHub stand-in", () => {
  test("installation tokens need a well-formed RS256 JWT of the right app", async () => {
    const ok = await call("POST", "/app/installations/1/access_tokens", undefined, {
      authorization: `bearer ${jwt(7)}`,
    });
    expect(ok.status).toBe(201);
    expect(ok.json.token).toMatch(/^ghs_/);
    expect(
      (
        await call("POST", "/app/installations/1/access_tokens", undefined, {
          authorization: `bearer ${jwt(8)}`,
        })
      ).status,
    ).toBe(401);
    const other = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    expect(
      (
        await call("POST", "/app/installations/1/access_tokens", undefined, {
          authorization: `bearer ${jwt(7, other.privateKey)}`,
        })
      ).status,
    ).toBe(401);
    expect(
      (await call("GET", "/repos/o/r/pulls/1/files", undefined, { authorization: "token nope" }))
        .status,
    ).toBe(401);
  });

  test("pull request files: git's patches without headers, renames with previous_filename, pages with links", async () => {
    const res = await call("GET", "/repos/o/r/pulls/1/files?per_page=1");
    expect(res.status).toBe(200);
    expect(res.json).toHaveLength(1);
    expect(res.json[0]).toMatchObject({
      filename: "doc.md",
      status: "modified",
      additions: 2,
      deletions: 2,
    });
    expect(res.json[0].patch.startsWith("@@ -2,7 +2,7 @@")).toBe(true);
    const next = /<([^>]+)>; rel="next"/.exec(res.headers.get("link") ?? "")?.[1];
    expect(next).toContain(`/repositories/${repo.id}/pulls/1/files`);
    const page2 = await (
      await fetch(next!, { headers: { authorization: `token ${TOKEN}` } })
    ).json();
    expect(page2[0]).toMatchObject({
      filename: "new.md",
      previous_filename: "old.md",
      status: "renamed",
    });
    expect(page2[0].patch).toBeUndefined();
  });

  test("a review comment outside the diff fails the whole review with GitHub's 422", async () => {
    const bad = await call("POST", "/repos/o/r/pulls/1/reviews", {
      commit_id: head,
      event: "COMMENT",
      body: "x",
      comments: [
        { path: "doc.md", line: 5, side: "RIGHT", body: "ok" },
        { path: "doc.md", line: 15, side: "RIGHT", body: "outside" },
      ],
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.json.errors)).toContain(
      "Pull request review thread line must be part of the diff",
    );
    expect(pull.comments).toHaveLength(0);
    const hunk = await call("POST", "/repos/o/r/pulls/1/reviews", {
      commit_id: head,
      event: "COMMENT",
      body: "x",
      comments: [{ path: "doc.md", start_line: 5, line: 25, side: "RIGHT", body: "two hunks" }],
    });
    expect(JSON.stringify(hunk.json.errors)).toContain("start line must be part of the same hunk");
    const order = await call("POST", "/repos/o/r/pulls/1/reviews", {
      commit_id: head,
      event: "COMMENT",
      body: "x",
      comments: [{ path: "doc.md", start_line: 6, line: 5, side: "RIGHT", body: "backwards" }],
    });
    expect(JSON.stringify(order.json.errors)).toContain("start line must precede the end line");
    const good = await call("POST", "/repos/o/r/pulls/1/reviews", {
      commit_id: head,
      event: "COMMENT",
      body: "x",
      comments: [
        {
          path: "doc.md",
          start_line: 4,
          line: 5,
          side: "RIGHT",
          body: "fine <!-- g3doc-review:fp=0123456789abcdef -->",
        },
      ],
    });
    expect(good.status).toBe(200);
    expect(pull.threads).toHaveLength(1);
  });

  test("request bodies are checked against GitHub's OpenAPI description", async () => {
    const res = await call("POST", "/repos/o/r/pulls/1/reviews", {
      commit_id: head,
      event: "COMMENTED",
      body: "x",
    });
    expect(res.status).toBe(422);
    expect(
      standin.violations.some((v) => v.message.includes("pulls/create-review") && v.rejects),
    ).toBe(true);
  });

  test("check runs: at most 50 annotations and 65,535 summary characters a request; state is kept", async () => {
    const ann = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        path: "doc.md",
        start_line: i + 1,
        end_line: i + 1,
        annotation_level: "warning",
        message: "m",
      }));
    expect(
      (
        await call("POST", "/repos/o/r/check-runs", {
          name: "c",
          head_sha: head,
          status: "in_progress",
          output: { title: "t", summary: "s", annotations: ann(51) },
        })
      ).status,
    ).toBe(422);
    const created = await call("POST", "/repos/o/r/check-runs", {
      name: "c",
      head_sha: head,
      status: "in_progress",
      output: { title: "t", summary: "s", annotations: ann(50) },
    });
    expect(created.status).toBe(201);
    expect(
      (
        await call("PATCH", `/repos/o/r/check-runs/${created.json.id}`, {
          status: "completed",
          conclusion: "success",
          output: { title: "t", summary: "x".repeat(65536) },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await call("PATCH", `/repos/o/r/check-runs/${created.json.id}`, {
          status: "completed",
          conclusion: "success",
          output: { title: "t", summary: "s", annotations: ann(10) },
        })
      ).status,
    ).toBe(200);
    const run = standin.checkRunsFor(repo, head, "c")[0];
    expect(run).toMatchObject({ status: "completed", conclusion: "success" });
    expect(run.annotations).toHaveLength(60);
  });

  test("GraphQL: blobs by expression, review threads, resolving; unknown fields fail like GitHub", async () => {
    const q = `query($owner: String!, $name: String!, $e: String!) { repository(owner: $owner, name: $name) {
      f0: object(expression: $e) { __typename ... on Blob { byteSize isBinary isTruncated text } }
      missing: object(expression: "${head}:nope.md") { __typename }
      pullRequest(number: 1) { reviewThreads(first: 10) { pageInfo { hasNextPage endCursor } nodes { id isResolved path comments(first: 5) { totalCount nodes { body databaseId author { login __typename } } } } } } } }`;
    const res = await fetch(`${standin.urls.web}/api/graphql`, {
      method: "POST",
      headers: { authorization: `bearer ${TOKEN}` },
      body: JSON.stringify({ query: q, variables: { owner: "o", name: "r", e: `${head}:doc.md` } }),
    });
    const data = (await res.json()) as any;
    expect(data.errors).toBeUndefined();
    expect(data.data.repository.f0).toMatchObject({
      __typename: "Blob",
      isBinary: false,
      isTruncated: false,
    });
    expect(data.data.repository.f0.text).toContain("line 5 changed");
    expect(data.data.repository.missing).toBeNull();
    const thread = data.data.repository.pullRequest.reviewThreads.nodes[0];
    // GraphQL names the app by its slug, without REST's "[bot]".
    expect(thread.comments.nodes[0].author).toEqual({ login: "g3doc-review", __typename: "Bot" });
    const m = await fetch(`${standin.urls.web}/api/graphql`, {
      method: "POST",
      headers: { authorization: `bearer ${TOKEN}` },
      body: JSON.stringify({
        query: `mutation($t: ID!) { resolveReviewThread(input: { threadId: $t }) { thread { isResolved } } }`,
        variables: { t: thread.id },
      }),
    });
    expect(((await m.json()) as any).data.resolveReviewThread.thread.isResolved).toBe(true);
    const bad = await fetch(`${standin.urls.web}/api/graphql`, {
      method: "POST",
      headers: { authorization: `bearer ${TOKEN}` },
      body: JSON.stringify({
        query: `{ repository(owner: "o", name: "r") { object(expression: "x") { ... on Blob { content } } } }`,
      }),
    });
    expect(((await bad.json()) as any).errors[0].message).toBe(
      "Field 'content' doesn't exist on type 'Blob'",
    );
  });

  test("config files: 404 when absent, raw text when present", async () => {
    expect((await call("GET", "/repos/o/r/contents/.github%2Fg3doc-review.yml")).status).toBe(404);
    repo.contents.set(".github/g3doc-review.yml", "review:\n  maxComments: 3\n");
    const raw = await call("GET", "/repos/o/r/contents/.github%2Fg3doc-review.yml", undefined, {
      accept: "application/vnd.github.v3.raw",
    });
    expect(raw.status).toBe(200);
    expect(raw.json).toContain("maxComments: 3");
  });
});
