// Shared set-up for the app tests: a Probot instance with the app loaded
// (its Octokit validates every request against GitHub's OpenAPI description),
// the fake GitHub behind nock, real webhook payloads adapted to the scenario,
// and the seed scenario's trees.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";
import nock from "nock";
import { afterAll, expect } from "@jest/globals";
import { Probot, ProbotOctokit } from "probot";
import { createApp, type AppOptions } from "../../src/app/app.js";
import { InProcessQueue } from "../../src/app/queue.js";
import type { JobOutcome } from "../../src/app/job.js";
import { openApiValidatorPlugin, openApiViolations } from "../helpers/github-openapi.js";
import { FakeGitHub, type Files } from "./fake-github.js";
import { namedFiles } from "../../tools/demo/seed.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const privateKey = fs.readFileSync(path.join(here, "../fixtures/mock-cert.pem"), "utf8");
const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples") as { name: string; examples: any[] }[];

export function example(event: string, action: string): any {
  const e = examples
    .find((d) => d.name === event)!
    .examples.find((x) => x.action === action && x.installation);
  if (!e) throw new Error(`no ${event}.${action} example with an installation`);
  return structuredClone(e);
}

export const BASE_SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
export const HEAD_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
export const HEAD2_SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

/** A pull_request webhook payload (from @octokit/webhooks-examples) for the fake's repository. */
export function pullRequestPayload(
  action: string,
  opts: { number?: number; head?: string; base?: string; draft?: boolean; fork?: boolean } = {},
): any {
  const p = example(
    "pull_request",
    action === "edited" || action === "ready_for_review" ? "opened" : action,
  );
  p.action = action;
  const pr = p.pull_request;
  pr.number = p.number = opts.number ?? 2;
  pr.head.sha = opts.head ?? HEAD_SHA;
  pr.base.sha = opts.base ?? BASE_SHA;
  pr.draft = opts.draft ?? false;
  pr.state = "open";
  if (opts.fork) {
    pr.head.repo = {
      ...pr.head.repo,
      id: 999,
      name: "Hello-World",
      full_name: "forker/Hello-World",
      fork: true,
      owner: { ...pr.head.repo.owner, login: "forker" },
    };
    pr.head.label = "forker:changes";
  }
  return p;
}

/** The seed scenario (gVisor 420b791a3d) as two commits, with placeholders for the other files BUILD names. */
/**
 * Files that mark a tree as gVisor's (its source layout: runsc/ and
 * pkg/sentry/), so that the review applies gVisor's house style (the
 * "user space" -> "userspace" term these scenarios use) without a config
 * file, as it does on gVisor's repository.
 */
export const GVISOR_LAYOUT = {
  "runsc/main.go": "package main\n",
  "pkg/sentry/kernel/kernel.go": "package kernel\n",
} as const;

/** A tree with gVisor's source layout added. */
export function gvisorTree<T extends Record<string, string | Buffer>>(files: T): T {
  return { ...GVISOR_LAYOUT, ...files };
}

export function seedTrees(withImage: boolean): { base: Files; head: Files } {
  const root = path.join(here, "../../examples/seed-420b791a3d");
  const read = (side: "base" | "head"): Files => {
    const files: Files = {};
    const folder = "g3doc/architecture_guide";
    for (const name of fs.readdirSync(path.join(root, side, folder)))
      files[`${folder}/${name}`] = fs.readFileSync(path.join(root, side, folder, name), "utf8");
    for (const name of namedFiles(files[`${folder}/BUILD`] as string)) {
      const p = `${folder}/${name}`;
      if (p in files) continue;
      if (side === "head" && p === `${folder}/security.png` && !withImage) continue;
      files[p] = name.endsWith(".png")
        ? Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1])
        : name.endsWith(".svg")
          ? "<svg/>\n"
          : `# ${name}\n`;
    }
    files["README.md"] = "# gVisor\n";
    return files;
  };
  return { base: read("base"), head: read("head") };
}

export interface Harness {
  probot: Probot;
  fake: FakeGitHub;
  queue: InProcessQueue;
  outcomes: JobOutcome[];
  /** Delivers a webhook and waits until the queue is idle. */
  receive(name: string, payload: any, id?: string): Promise<void>;
  sleeps: number[];
}

const live: FakeGitHub[] = [];

export async function setup(
  options: { app?: AppOptions; probotOctokit?: (o: any) => any } = {},
): Promise<Harness> {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  openApiViolations.length = 0;
  const fake = new FakeGitHub();
  fake.install();
  live.push(fake);
  const queue = new InProcessQueue({ concurrency: 2 });
  const outcomes: JobOutcome[] = [];
  const sleeps: number[] = [];
  const probot = new Probot({
    appId: 123,
    privateKey,
    logLevel: "fatal",
    // Function form: the object form does not turn throttling off in Probot 14 (probot/probot#2039).
    Octokit: ProbotOctokit.plugin(openApiValidatorPlugin).defaults(
      options.probotOctokit ??
        ((o: any) => ({
          ...o,
          retry: { enabled: false },
          throttle: { ...o?.throttle, enabled: false },
        })),
    ),
  });
  await probot.load(
    createApp({
      queue,
      retry: {
        retries: 3,
        baseDelayMs: 5,
        maxWaitMs: 5_000,
        sleep: async (ms) => void sleeps.push(ms),
      },
      onOutcome: (o) => outcomes.push(o),
      ...options.app,
    }),
  );
  return {
    probot,
    fake,
    queue,
    outcomes,
    sleeps,
    async receive(name, payload, id = randomUUID()) {
      await probot.receive({ id, name: name as any, payload });
      await queue.onIdle();
    },
  };
}

/** Pairs of suggested changes in one review that touch the same line of a file (GitHub could not apply both). */
export function overlappingSuggestions(fake: FakeGitHub): string[] {
  const out: string[] = [];
  for (const r of fake.reviews) {
    const ranges = r.comments
      .filter((c: any) => /```suggestion\b/.test(c.body))
      .map((c: any) => ({
        path: c.path as string,
        start: (c.start_line ?? c.line) as number,
        end: c.line as number,
      }));
    ranges.forEach((a, i) =>
      ranges
        .slice(i + 1)
        .forEach(
          (b) =>
            a.path === b.path &&
            a.start <= b.end &&
            b.start <= a.end &&
            out.push(`${a.path}:${a.start}-${a.end} and ${b.start}-${b.end}`),
        ),
    );
  }
  return out;
}

export function teardown(): void {
  // Every scenario: no two posted suggestions overlap.
  const overlaps = live.flatMap((f) => overlappingSuggestions(f));
  // G3DOC_PRINT_REQUESTS=1 prints what each scenario asked of GitHub (for docs/app.md and reports).
  if (process.env.G3DOC_PRINT_REQUESTS === "1") {
    const name = expect.getState().currentTestName;
    for (const f of live)
      process.stdout.write(
        `\n[requests] ${name}: ${f.apiRequests().length} API (+${f.log.length - f.apiRequests().length} token/config)\n  ${f.shapes().join("\n  ")}\n`,
      );
  }
  live.length = 0;
  nock.cleanAll();
  nock.enableNetConnect();
  expect(overlaps).toEqual([]);
}

/**
 * Un-patches fetch and http at the end of a test file: each test file loads its
 * own nock, and a patch left behind by a finished file breaks the next file
 * that runs in the same jest worker.
 */
export function releaseNock(): void {
  nock.cleanAll();
  nock.restore();
}

// Every test file that loads this module (and so nock) lets go of the patches when it ends.
afterAll(releaseNock);

/** No request the app sent violated GitHub's OpenAPI description (or the GraphQL check). */
export function violations(): string[] {
  return [...openApiViolations];
}
