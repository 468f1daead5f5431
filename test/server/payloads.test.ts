import { describe, test, expect } from "@jest/globals";
import { createRequire } from "node:module";
import { payloadProblem } from "../../src/app/payloads.js";

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples") as { name: string; examples: any[] }[];
const of = (name: string) => examples.find((d) => d.name === name)!.examples;

describe("webhook payload shapes", () => {
  test.each(["pull_request", "check_run", "check_suite"])(
    "every recorded %s example passes",
    (event) => {
      const list = of(event);
      expect(list.length).toBeGreaterThan(0);
      for (const p of list)
        expect([p.action, payloadProblem(event, p)]).toEqual([p.action, undefined]);
    },
  );

  test("events the app does not act on are not checked", () => {
    expect(payloadProblem("push", { anything: true })).toBeUndefined();
    expect(payloadProblem("push", [])).toBe("the payload is not a JSON object");
  });

  test("each field a handler reads is named when it is missing or of the wrong kind", () => {
    const pr = structuredClone(of("pull_request").find((p) => p.installation));
    const broken = (edit: (p: any) => void, event = "pull_request", payload = pr) => {
      const p = structuredClone(payload);
      edit(p);
      return payloadProblem(event, p);
    };
    expect(broken((p) => delete p.repository)).toBe("repository.id is not a positive integer");
    expect(broken((p) => (p.repository.owner.login = "a b"))).toBe(
      "repository.owner.login is not a repository or owner name",
    );
    expect(broken((p) => (p.pull_request.head.sha = "HEAD"))).toBe(
      "pull_request.head.sha is not a commit id",
    );
    expect(broken((p) => (p.pull_request.number = "2"))).toBe(
      "pull_request.number is not a positive integer",
    );
    expect(broken((p) => (p.installation = { id: "1" }))).toBe(
      "installation.id is not a positive integer",
    );
    expect(broken((p) => (p.pull_request.head.repo = "x"))).toBe(
      "pull_request.head.repo is not a repository",
    );
    const run = of("check_run").find((p) => p.action === "rerequested") ?? of("check_run")[0];
    expect(broken((p) => (p.check_run.pull_requests = {}), "check_run", run)).toBe(
      "check_run.pull_requests is not a list",
    );
    expect(broken((p) => (p.check_run.pull_requests = [{ number: 1 }]), "check_run", run)).toBe(
      "check_run.pull_requests[0].head.sha is not a string",
    );
  });
});
