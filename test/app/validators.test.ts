// The request checks the app's tests rely on must themselves be able to fail.
import { describe, test, expect } from "@jest/globals";
import { validateGitHubRequest, partsOf } from "../helpers/github-openapi.js";
import { checkGraphQL } from "../helpers/graphql-check.js";
import { THREAD_FIELDS } from "../../src/app/publish/threads.js";

describe("OpenAPI request validation", () => {
  const checks = "/repos/{owner}/{repo}/check-runs";
  const ann = {
    path: "a.md",
    start_line: 1,
    end_line: 1,
    annotation_level: "warning",
    message: "m",
  };
  test("body: required fields, enums, limits", () => {
    expect(() =>
      validateGitHubRequest("POST", checks, {
        body: {
          name: "x",
          head_sha: "a",
          output: { title: "t", summary: "s", annotations: [ann] },
        },
      }),
    ).not.toThrow();
    expect(() => validateGitHubRequest("POST", checks, { body: { name: "x" } })).toThrow(
      /must have required property 'head_sha'/,
    );
    expect(() =>
      validateGitHubRequest("POST", checks, {
        body: {
          name: "x",
          head_sha: "a",
          output: { title: "t", summary: "s", annotations: Array(51).fill(ann) },
        },
      }),
    ).toThrow(/must NOT have more than 50 items/);
    expect(() =>
      validateGitHubRequest("POST", checks, { body: { name: "x", head_sha: "a", status: "done" } }),
    ).toThrow(/status must be equal to one of the allowed values/);
    expect(() =>
      validateGitHubRequest("PATCH", `${checks}/{check_run_id}`, { body: { status: "completed" } }),
    ).toThrow(/conclusion/);
    expect(() =>
      validateGitHubRequest("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
        body: { event: "COMMENT", comments: [{ path: "a", line: "x", body: "b" }] },
      }),
    ).toThrow(/line must be integer/);
  });
  test("query: unknown parameters, types and enums", () => {
    const files = "/repos/{owner}/{repo}/pulls/{pull_number}/files";
    expect(() =>
      validateGitHubRequest("GET", files, {
        path: { owner: "o", repo: "r", pull_number: 2 },
        query: { per_page: 100, page: 2 },
      }),
    ).not.toThrow();
    expect(() => validateGitHubRequest("GET", files, { query: { perpage: 100 } })).toThrow(
      /unknown query parameter perpage/,
    );
    expect(() => validateGitHubRequest("GET", files, { query: { per_page: "many" } })).toThrow(
      /per_page=many must be integer/,
    );
    expect(() =>
      validateGitHubRequest("GET", "/repos/{owner}/{repo}/pulls", { query: { state: "opened" } }),
    ).toThrow(/state=opened must be one of open, closed, all/);
    expect(() => validateGitHubRequest("GET", files, { path: { owner: "o", repo: "r" } })).toThrow(
      /missing path parameter pull_number/,
    );
    expect(() =>
      validateGitHubRequest(
        "DELETE",
        "/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}",
        { query: { commit_id: "x" } },
      ),
    ).toThrow(/unknown query parameter commit_id/);
  });
  test("pagination links are matched back to their route", () => {
    const p = partsOf({
      method: "GET",
      url: "https://api.github.com/repos/o/r/pulls/2/files?per_page=100&page=3",
    })!;
    expect(p.route).toBe("/repos/{owner}/{repo}/pulls/{pull_number}/files");
    expect(p.parts.query).toEqual({ per_page: "100", page: "3" });
  });
});

describe("GraphQL checks", () => {
  const blobs =
    "query($owner: String!, $name: String!, $e0: String!) { repository(owner: $owner, name: $name) { f0: object(expression: $e0) { __typename ... on Blob { text isBinary } } } }";
  test("the app's queries pass", () => {
    expect(() => checkGraphQL(blobs, { owner: "o", name: "r", e0: "sha:a.md" })).not.toThrow();
    const threads = `query($owner: String!, $name: String!, $prNumber: Int!, $threadsAfter: String) { repository(owner: $owner, name: $name) { ${THREAD_FIELDS} } }`;
    expect(() =>
      checkGraphQL(threads, { owner: "o", name: "r", prNumber: 2, threadsAfter: null }),
    ).not.toThrow();
  });
  test("syntax errors, unexpected fields, and bad variables fail", () => {
    expect(() => checkGraphQL(blobs.slice(0, -2), { owner: "o", name: "r", e0: "x" })).toThrow(
      /GraphQL syntax/,
    );
    expect(() =>
      checkGraphQL(blobs.replace("text", "content"), { owner: "o", name: "r", e0: "x" }),
    ).toThrow(/unexpected field Blob.content/);
    expect(() => checkGraphQL(blobs, { owner: "o", name: "r" })).toThrow(
      /\$e0 \(String!\) has no value/,
    );
    expect(() => checkGraphQL(blobs, { owner: "o", name: "r", e0: 5 })).toThrow(
      /should be String!/,
    );
    expect(() =>
      checkGraphQL(blobs.replace("$e0: String!", "$e0: String!, $e1: String!"), {
        owner: "o",
        name: "r",
        e0: "x",
        e1: "y",
      }),
    ).toThrow(/\$e1 is defined but not used/);
    expect(() =>
      checkGraphQL(
        "mutation($t: ID!) { resolveReviewThread(input: { thread: $t }) { thread { id } } }",
        { t: "T" },
      ),
    ).toThrow(/has no field thread/);
  });
});
