/**
 * The hostile replay: the app as users run it (`npm start`, the heap capped at
 * 1 GiB) and the stand-in, driven through one attack after another while a
 * second installation keeps opening ordinary pull requests. Each attack is
 * measured against the same targets: `/ping` and webhook acknowledgement p99
 * within 100 ms, no check run left in progress, no structure injected into
 * what the app posts, the other installation's review done within 10 s of
 * its delivery (beyond the write spacing), memory back within 100 MB of its
 * baseline after the body flood, and no byte written outside the repository
 * by `fix`.
 */
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Standin } from "../standin/server.js";
import type { CheckRun, Pull, Repo } from "../standin/model.js";
import { AppProcess, generateAppKeys } from "./app-process.js";
import { pullRequestPayload } from "./webhooks.js";
import { Prober, type ProbeAnswer } from "./prober.js";
import { historyClone, markdownCommits, headOf } from "./paths.js";
import { gitRepo, type GitRepo } from "./git-repo.js";
import { injectedStructures } from "../../helpers/injected.js";
import { ATTACKS } from "./hostile-attacks.js";

export const CHECK_NAME = "g3doc-review";

/** What every attack is held to. */
export const TARGETS = {
  pingP99Ms: 100,
  ackP99Ms: 100,
  checksLeftInProgress: 0,
  injectedStructures: 0,
  otherInstallationReviewMs: 10_000,
  rssGrowthMb: 100,
  outsideWrites: 0,
};

export interface AttackResult {
  name: string;
  ping_p99_ms: number;
  ack_p99_ms: number;
  rss_growth_mb: number;
  checks_left_in_progress: number;
  injected_structures: number;
  /** The slowest review of the other installation during the attack, beyond the write spacing; null when none completed. */
  other_installation_review_ms: number | null;
  outside_writes: number;
  passed: boolean;
  /** The targets missed, and the attack's own checks that failed. */
  failed: string[];
  details: Record<string, unknown>;
}

export interface HostileReport {
  attacks: AttackResult[];
  wall_s: number;
  app_exit: { code: number | null; signal: string | null } | null;
  errors: string[];
}

export type Measured = Omit<AttackResult, "passed" | "failed">;

/**
 * Which targets a measured attack misses. The memory target is the body
 * flood's (`rssTarget`); `problems` are the attack's own checks that failed.
 */
export function judge(m: Measured, rssTarget: boolean, problems: string[] = []): string[] {
  const failed: string[] = [];
  if (!(m.ping_p99_ms <= TARGETS.pingP99Ms))
    failed.push(`/ping p99 ${m.ping_p99_ms} ms > ${TARGETS.pingP99Ms} ms`);
  if (!(m.ack_p99_ms <= TARGETS.ackP99Ms))
    failed.push(`acknowledgement p99 ${m.ack_p99_ms} ms > ${TARGETS.ackP99Ms} ms`);
  if (m.checks_left_in_progress > TARGETS.checksLeftInProgress)
    failed.push(`${m.checks_left_in_progress} check run(s) left in progress`);
  if (m.injected_structures > TARGETS.injectedStructures)
    failed.push(`${m.injected_structures} injected structure(s)`);
  if (m.other_installation_review_ms === null)
    failed.push("no review of the other installation completed");
  else if (m.other_installation_review_ms > TARGETS.otherInstallationReviewMs)
    failed.push(
      `the other installation's review took ${m.other_installation_review_ms} ms > ${TARGETS.otherInstallationReviewMs} ms`,
    );
  if (rssTarget && !(m.rss_growth_mb <= TARGETS.rssGrowthMb))
    failed.push(`RSS ${m.rss_growth_mb} MB over its baseline > ${TARGETS.rssGrowthMb} MB`);
  if (m.outside_writes > TARGETS.outsideWrites)
    failed.push(`${m.outside_writes} byte(s) written outside the repository`);
  return [...failed, ...problems];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const round = (n: number) => Math.round(n * 10) / 10;

export interface Sent {
  repo: Repo;
  pull: Pull;
  head: string;
  sentAt: number;
  status: number;
  body: string;
}

/** What an attack gets to work with. */
export interface AttackContext {
  standin: Standin;
  app: AppProcess;
  secret: string;
  /** A folder of the attack's own. */
  dir: string;
  /** The attacker's git repository (every attack branches from `base`). */
  git: GitRepo;
  gitDir: string;
  base: string;
  /** The attacker's installation (the other one is 2). */
  installation: number;
  /** The attack's repositories are `google/<slug>-<suffix>`. */
  slug: string;
  /** Commits files (and symbolic links: path -> target) on top of `from` (default: base). */
  commit(
    files: Record<string, string>,
    o?: { from?: string; links?: Record<string, string> },
  ): string;
  /** A repository of the attack's own on the attacker's git repository. */
  repo(suffix: string, defaultSha?: string): Repo;
  /** Opens a pull request from base (or `o.base`) to `head` and delivers `opened`. */
  open(suffix: string, head: string, o?: { base?: string; defaultSha?: string }): Promise<Sent>;
  /** POSTs a delivery as GitHub does (signed unless `signature` says otherwise), timed away from the stand-in's work. */
  deliver(
    event: string,
    body: string,
    o?: { signature?: string | null; deliveryId?: string },
  ): Promise<ProbeAnswer>;
  /** Delivers a pull_request event (signed), timing its acknowledgement. */
  send(repo: Repo, pull: Pull, action: "opened" | "synchronize", before?: string): Promise<Sent>;
  /** The newest check run on `head` made since `since`, once completed (null after `timeoutMs`). */
  completed(repo: Repo, head: string, since: number, timeoutMs?: number): Promise<CheckRun | null>;
  /** Acknowledgement times of this attack's deliveries (the harness adds the other installation's). */
  acks: number[];
  /** Checks of the attack's own that failed. */
  problems: string[];
  details: Record<string, unknown>;
  /** Bytes `fix` wrote outside the repository. */
  outsideWrites: number;
  log(line: string): void;
}

export interface Attack {
  name: string;
  /** The memory target applies (the body flood). */
  rssTarget?: boolean;
  run(ctx: AttackContext): Promise<void>;
}

export interface HostileOptions {
  /** Attack names (or parts of them) to run; default all. */
  only?: string[];
  /** Extra environment for the app. */
  appEnv?: Record<string, string>;
  log?: (line: string) => void;
}

interface Victim {
  parent: string;
  sha: string;
}

/** Ordinary pull requests for the other installation: small gVisor doc commits, or commits of a small repository of its own. */
function victimSource(dir: string): { gitDir: string; defaultSha: string; commits: Victim[] } {
  const clone = historyClone();
  if (clone) {
    const commits: Victim[] = [];
    for (const c of markdownCommits(clone)) {
      const files = execFileSync("git", ["diff", "--name-only", c.parent, c.sha], {
        cwd: clone,
        encoding: "utf8",
      })
        .split("\n")
        .filter(Boolean);
      if (files.length <= 8) commits.push({ parent: c.parent, sha: c.sha });
      if (commits.length >= 60) break;
    }
    return { gitDir: clone, defaultSha: headOf(clone), commits };
  }
  const gitDir = join(dir, "victim-git");
  mkdirSync(gitDir, { recursive: true });
  const g = gitRepo(gitDir);
  g.git("init", "-q", "-b", "master");
  let sha = g.commitFiles({
    "g3doc/index.md": "# Index\n\nSee the [guide](guide.md).\n",
    "g3doc/guide.md": "# Guide\n\nText.\n",
  });
  const commits: Victim[] = [];
  for (let i = 0; i < 60; i++) {
    const next = g.commitFiles({
      "g3doc/guide.md": `# Guide\n\nText, revision ${i}: the sandbox runs each container in its own kernel.\n`,
    });
    commits.push({ parent: sha, sha: next });
    sha = next;
  }
  return { gitDir, defaultSha: sha, commits };
}

export async function completedRun(
  standin: Standin,
  repo: Repo,
  head: string,
  since: number,
  timeoutMs: number,
): Promise<CheckRun | null> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const runs = standin.checkRunsFor(repo, head, CHECK_NAME).filter((r) => r.createdAt >= since);
    const last = runs[runs.length - 1];
    if (last && last.status === "completed") return last;
    await sleep(25);
  }
  return null;
}

/** Time a delivery's spaced requests (writes, GraphQL) of one installation waited for the 1 s spacing. */
function spacingOf(standin: Standin, installation: number, from: number, to: number): number {
  let spacing = 0;
  let prev: number | undefined;
  for (const r of standin.requests) {
    if (r.installation !== installation) continue;
    const spaced =
      (r.method !== "GET" && r.method !== "HEAD" && r.path.includes("/repos/")) ||
      r.path.endsWith("/graphql");
    if (!spaced) continue;
    if (r.at >= from && r.at <= to && prev !== undefined && r.at - prev <= 1150)
      spacing += r.at - Math.max(prev, from);
    prev = r.at;
  }
  return spacing;
}

/** Bodies the app posted in `requests`: review bodies, comments, summaries, titles, thread replies. */
export function postedBodies(
  requests: Standin["requests"],
): { where: string; body: string; suggestions: number }[] {
  const out: { where: string; body: string; suggestions: number }[] = [];
  for (const r of requests) {
    const b = r.body as any;
    if (!b || typeof b !== "object") continue;
    if (typeof b.body === "string") out.push({ where: r.operation, body: b.body, suggestions: 0 });
    for (const c of Array.isArray(b.comments) ? b.comments : [])
      if (typeof c?.body === "string")
        out.push({ where: `comment on ${c.path}:${c.line}`, body: c.body, suggestions: 1 });
    if (typeof b.output?.summary === "string")
      out.push({ where: "summary", body: b.output.summary, suggestions: 0 });
    if (typeof b.output?.title === "string")
      out.push({ where: "title", body: b.output.title, suggestions: 0 });
    if (typeof b.query === "string" && typeof b.variables?.body === "string")
      out.push({ where: "thread reply", body: b.variables.body, suggestions: 0 });
  }
  return out;
}

export function countInjected(
  standin: Standin,
  from: number,
): { count: number; samples: string[] } {
  const links = [`${standin.urls.web}/`, "https://github.com/g3doc-review/g3doc-review/blob/"];
  const found = postedBodies(standin.requests.slice(from)).flatMap(({ where, body, suggestions }) =>
    injectedStructures(body, {
      linkPrefixes: links,
      suggestions,
      headings: [
        "Not shown as review comments",
        "Commented on without their suggested change",
        "Notes",
      ],
      html: /^<!-- g3doc-review:fp=[0-9a-f]{16} -->$/,
    }).map((x) => `${where}: ${x}`),
  );
  return { count: found.length, samples: found.slice(0, 10) };
}

export async function runHostile(o: HostileOptions = {}): Promise<HostileReport> {
  const log = o.log ?? (() => undefined);
  const started = performance.now();
  const top = mkdtempSync(join(tmpdir(), "g3doc-review-hostile-"));
  const appId = 5151;
  const secret = randomBytes(16).toString("hex");
  const keys = generateAppKeys();
  const standin = await Standin.start({ appId, publicKey: keys.publicKey, installations: 2 });
  const errors: string[] = [];
  const results: AttackResult[] = [];
  let app: AppProcess | null = null;
  const prober = new Prober();
  try {
    app = await AppProcess.start({
      appId,
      privateKey: keys.privateKey,
      webhookSecret: secret,
      gheHost: standin.host,
      env: { NODE_OPTIONS: "--max-old-space-size=1024", ...(o.appEnv ?? {}) },
    });
    log(`app on ${app.url} (pid ${app.serverPid() ?? "?"}), stand-in on ${standin.urls.web}`);
    const victims = victimSource(top);
    let nextVictim = 0;
    const victimRun = async (): Promise<{ ms: number; beyond: number; ack: number } | null> => {
      const v = victims.commits[nextVictim++ % victims.commits.length];
      const repo = standin.addRepo({
        owner: "google",
        name: `ordinary-${nextVictim}`,
        gitDir: victims.gitDir,
        defaultSha: victims.defaultSha,
      });
      const pull = standin.openPull(repo, { number: 1, base: v.parent, head: v.sha });
      const payload = await pullRequestPayload(standin, repo, pull, "opened", 2);
      const sentAt = standin.now();
      const r = await prober.deliver(app!.webhookUrl, "pull_request", payload, secret);
      const run = await completedRun(standin, repo, v.sha, sentAt, 180_000);
      if (!run) return { ms: Infinity, beyond: Infinity, ack: r.ms };
      const ms = run.completedAtMs! - sentAt;
      return { ms, beyond: ms - spacingOf(standin, 2, sentAt, run.completedAtMs!), ack: r.ms };
    };
    // Warm-up: one ordinary review, then the memory baseline.
    await victimRun();
    await sleep(1000);
    const baselineKiB = app.rssKiB() ?? 0;
    log(`RSS baseline ${Math.round(baselineKiB / 1024)} MB`);
    const attacks = ATTACKS.filter(
      (a) => !o.only?.length || o.only.some((n) => a.name.toLowerCase().includes(n.toLowerCase())),
    );
    for (const attack of attacks) {
      if (app.exited) {
        errors.push(`the app exited (${JSON.stringify(app.exited)}) before "${attack.name}"`);
        break;
      }
      const r = await runAttack(attack, {
        standin,
        app,
        secret,
        top,
        baselineKiB,
        victimRun,
        prober,
        log,
      });
      results.push(r);
      log(
        `${r.passed ? "passed" : "FAILED"} ${r.name}${r.failed.length ? `: ${r.failed.join("; ")}` : ""}`,
      );
    }
  } catch (err) {
    errors.push(String((err as Error).stack ?? err));
  } finally {
    await app?.stop(10_000);
    await standin.stop();
    await prober.close();
    rmSync(top, { recursive: true, force: true });
  }
  if (app?.unhandled.length) errors.push(...app.unhandled.slice(0, 10));
  return {
    attacks: results,
    wall_s: round((performance.now() - started) / 1000),
    app_exit: app?.exited ?? null,
    errors,
  };
}

interface RunDeps {
  standin: Standin;
  app: AppProcess;
  secret: string;
  top: string;
  baselineKiB: number;
  prober: Prober;
  victimRun(): Promise<{ ms: number; beyond: number; ack: number } | null>;
  log(line: string): void;
}

let attackSeq = 0;

function contextFor(attack: Attack, d: RunDeps): AttackContext {
  const n = ++attackSeq;
  const dir = join(d.top, `attack-${n}`);
  const gitDir = join(dir, "git");
  mkdirSync(gitDir, { recursive: true });
  const g = gitRepo(gitDir);
  g.git("init", "-q", "-b", "master");
  g.git("config", "core.symlinks", "true");
  // gVisor's source layout, so its house style (terms) applies as on gVisor.
  const base = g.commitFiles({
    "runsc/main.go": "package main\n",
    "pkg/sentry/kernel/kernel.go": "package kernel\n",
    "g3doc/index.md": "# Index\n\nSee the [guide](guide.md).\n",
    "g3doc/guide.md": "# Guide\n\nText.\n",
  });
  const slug = attack.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  const ctx: AttackContext = {
    standin: d.standin,
    app: d.app,
    secret: d.secret,
    dir,
    git: g,
    gitDir,
    base,
    installation: 1,
    slug,
    acks: [],
    problems: [],
    details: {},
    outsideWrites: 0,
    log: d.log,
    commit(files, co = {}) {
      g.git("checkout", "-q", "--detach", co.from ?? base);
      for (const [p, target] of Object.entries(co.links ?? {})) {
        mkdirSync(dirname(join(gitDir, p)), { recursive: true });
        rmSync(join(gitDir, p), { force: true });
        symlinkSync(target, join(gitDir, p));
      }
      if (Object.keys(files).length === 0) {
        g.git("add", "-A");
        g.git("commit", "-q", "--allow-empty", "-m", "links");
        return g.git("rev-parse", "HEAD");
      }
      return g.commitFiles(files);
    },
    repo(suffix, defaultSha) {
      return d.standin.addRepo({
        owner: "google",
        name: `${slug}${suffix ? `-${suffix}` : ""}`,
        gitDir,
        defaultSha: defaultSha ?? base,
      });
    },
    deliver(event, body, o) {
      return d.prober.deliver(d.app.webhookUrl, event, body, d.secret, o);
    },
    async send(repo, pull, action, before) {
      const payload = await pullRequestPayload(d.standin, repo, pull, action, 1, before);
      const sentAt = d.standin.now();
      const r = await ctx.deliver("pull_request", payload);
      ctx.acks.push(r.ms);
      if (r.status < 200 || r.status >= 300)
        ctx.problems.push(`a delivery was answered ${r.status}: ${r.body.slice(0, 200)}`);
      return { repo, pull, head: pull.headSha, sentAt, status: r.status, body: r.body };
    },
    async open(suffix, head, oo = {}) {
      const repo = ctx.repo(suffix, oo.defaultSha ?? oo.base);
      const pull = d.standin.openPull(repo, { number: 1, base: oo.base ?? base, head });
      return ctx.send(repo, pull, "opened");
    },
    completed(repo, head, since, timeoutMs = 180_000) {
      return completedRun(d.standin, repo, head, since, timeoutMs);
    },
  };
  return ctx;
}

async function runAttack(attack: Attack, d: RunDeps): Promise<AttackResult> {
  d.log(`-- ${attack.name}`);
  const ctx = contextFor(attack, d);
  const reposBefore = new Set(d.standin.repos.keys());
  const fromRequest = d.standin.requests.length;
  const outputBefore = d.app.outputBytes;
  d.prober.startPings(`${d.app.url}/ping`);
  let attackDone = false;
  const victimTimes: number[] = [];
  const victimRaw: number[] = [];
  const victimAcks: number[] = [];
  // The other installation opens ordinary pull requests throughout the attack (at least one).
  const victimLoop = (async () => {
    await sleep(300);
    do {
      const v = await d.victimRun();
      if (v) {
        victimTimes.push(v.beyond);
        victimRaw.push(Math.round(v.ms));
        victimAcks.push(v.ack);
      }
      if (!attackDone) await sleep(500);
    } while (!attackDone);
  })();
  try {
    await attack.run(ctx);
  } catch (err) {
    ctx.problems.push(`the attack itself failed: ${(err as Error).message}`);
  }
  attackDone = true;
  await victimLoop;
  // Let every check run of the attack's repositories settle (bounded), then count those left in progress.
  const repos = [...d.standin.repos.entries()]
    .filter(([k]) => !reposBefore.has(k))
    .map(([, r]) => r);
  const deadline = performance.now() + 120_000;
  const open = () => repos.flatMap((r) => r.checkRuns).filter((c) => c.status !== "completed");
  while (open().length > 0 && performance.now() < deadline) await sleep(100);
  const pings = await d.prober.stopPings();
  await sleep(attack.rssTarget ? 3000 : 200);
  const rss = d.app.rssKiB() ?? 0;
  const injected = countInjected(d.standin, fromRequest);
  const acks = [...ctx.acks, ...victimAcks];
  const slowAcks = [
    ...ctx.acks.filter((a) => a > TARGETS.ackP99Ms).map((a) => `attack ${Math.round(a)}`),
    ...victimAcks.filter((a) => a > TARGETS.ackP99Ms).map((a) => `other ${Math.round(a)}`),
  ];
  if (d.app.exited) ctx.problems.push(`the app exited: ${JSON.stringify(d.app.exited)}`);
  const measured: Measured = {
    name: attack.name,
    ping_p99_ms: round(percentile(pings, 99)),
    ack_p99_ms: round(percentile(acks, 99)),
    rss_growth_mb: round((rss - d.baselineKiB) / 1024),
    checks_left_in_progress: open().length,
    injected_structures: injected.count,
    other_installation_review_ms:
      victimTimes.length === 0 || victimTimes.some((t) => !Number.isFinite(t))
        ? null
        : Math.round(Math.max(...victimTimes)),
    outside_writes: ctx.outsideWrites,
    details: {
      ...ctx.details,
      pings: pings.length,
      ...(slowAcks.length ? { slow_acks_ms: slowAcks } : {}),
      acks: acks.length,
      other_installation_reviews: victimTimes.length,
      other_installation_review_ms_with_spacing: victimRaw,
      rss_mb: round(rss / 1024),
      log_bytes: d.app.outputBytes - outputBefore,
      ...(injected.samples.length ? { injected_samples: injected.samples } : {}),
    },
  };
  const failed = judge(measured, attack.rssTarget === true, ctx.problems);
  return { ...measured, passed: failed.length === 0, failed };
}

/** A fixed-width table of the attacks. */
export function formatHostile(r: HostileReport): string {
  const cols: [string, number][] = [
    ["attack", 44],
    ["ping p99", 9],
    ["ack p99", 8],
    ["RSS +MB", 8],
    ["in prog", 7],
    ["injected", 8],
    ["other ms", 9],
    ["outside", 7],
    ["passed", 6],
  ];
  const row = (cells: (string | number)[]) =>
    cells
      .map((c, i) => (i === 0 ? String(c).padEnd(cols[i][1]) : String(c).padStart(cols[i][1])))
      .join(" ");
  const lines = [row(cols.map((c) => c[0]))];
  for (const a of r.attacks)
    lines.push(
      row([
        a.name.slice(0, 44),
        a.ping_p99_ms,
        a.ack_p99_ms,
        a.rss_growth_mb,
        a.checks_left_in_progress,
        a.injected_structures,
        a.other_installation_review_ms ?? "-",
        a.outside_writes,
        a.passed ? "yes" : "NO",
      ]),
    );
  const failed = r.attacks.filter((a) => !a.passed);
  lines.push(
    "",
    `${r.attacks.length - failed.length}/${r.attacks.length} attacks passed, ${r.wall_s} s`,
  );
  for (const a of failed) lines.push(`  ${a.name}: ${a.failed.join("; ")}`);
  for (const e of r.errors) lines.push(`error: ${e.slice(0, 500)}`);
  return lines.join("\n");
}

/** Writes `files` (path -> text) under `dir`. */
export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
}
