// The review shown in docs/app.md is real output: this test runs the seed
// scenario (with one "user space" put back, so a comment carries a suggested
// change) and checks that docs/app.md quotes the check summary and the comment
// exactly. G3DOC_WRITE_DOCS=1 writes the current output to
// /tmp/g3doc-review-docs-example.md for pasting.
import { describe, test, expect, afterEach, afterAll } from "@jest/globals";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import {
  setup,
  teardown,
  seedTrees,
  pullRequestPayload,
  BASE_SHA,
  HEAD_SHA,
  violations,
  releaseNock,
} from "./harness.js";

afterAll(releaseNock);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

afterEach(teardown);

describe("docs/app.md", () => {
  test("shows a check summary and a comment with a suggestion exactly as the app writes them", async () => {
    const h = await setup();
    const { base, head } = seedTrees(false);
    const doc = "g3doc/architecture_guide/security.md";
    head[doc] = (head[doc] as string).replace(
      "untrusted userspace code",
      "untrusted user space code",
    );
    h.fake.addCommit(BASE_SHA, base);
    h.fake.addCommit(HEAD_SHA, head);
    h.fake.addPull({ number: 2, base: BASE_SHA, head: HEAD_SHA });
    await h.receive("pull_request", pullRequestPayload("opened"));
    expect(violations()).toEqual([]);
    const run = h.fake.checkRuns[0];
    const review = h.fake.reviews[0];
    const suggestion = review.comments.find((c) => c.body.includes("```suggestion"))!;
    expect(suggestion).toBeDefined();
    const example = [
      `Check run title: ${run.output!.title}`,
      "",
      "Check run summary:",
      "",
      "`````markdown",
      run.output!.summary,
      "`````",
      "",
      `Review (${review.event}) body:`,
      "",
      "`````markdown",
      review.body,
      "`````",
      "",
      `Comment on ${suggestion.path} line ${suggestion.line}${suggestion.start_line ? ` (from line ${suggestion.start_line})` : ""}:`,
      "",
      "`````markdown",
      suggestion.body,
      "`````",
    ].join("\n");
    if (process.env.G3DOC_WRITE_DOCS === "1")
      fs.writeFileSync("/tmp/g3doc-review-docs-example.md", example + "\n");
    const docs = fs.readFileSync(path.join(root, "docs/app.md"), "utf8");
    expect(docs).toContain(example);
  });

  test("app.yml asks for least privilege and the events the app handles, at Probot's webhook path", () => {
    const manifest = parseYaml(fs.readFileSync(path.join(root, "app.yml"), "utf8"));
    expect(manifest.default_permissions).toEqual({
      metadata: "read",
      contents: "read",
      pull_requests: "write",
      checks: "write",
    });
    expect(manifest.default_events).toEqual(["pull_request", "check_run", "check_suite"]);
    expect(new URL(manifest.hook_attributes.url).pathname).toBe("/api/github/webhooks");
  });
});
