/**
 * `npm run bench:e2e -- --big-pr [N]`: one pull request of N files (default
 * 3,000, GitHub's most for a pull request's file list), made of gVisor's
 * g3doc tree copied again and again under `g3doc/copy-K/`, reviewed by the app
 * as users run it (`npm start`, no other flags) through the stand-in.
 * `/ping` is polled every 50 ms from a worker thread of the harness's own
 * throughout; the app's peak resident set is the server process's VmHWM.
 * Targets: peak RSS at most 300 MB and every `/ping` answered within 100 ms.
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { Standin } from "../standin/server.js";
import { AppProcess, generateAppKeys } from "./app-process.js";
import { pullRequestPayload } from "./webhooks.js";
import { Prober } from "./prober.js";
import { gitRepo } from "./git-repo.js";
import { completedRun, percentile } from "./hostile.js";

export const BIG_PR_TARGETS = { peakRssMb: 300, pingMaxMs: 100 };

export interface BigPrOptions {
  /** Files the pull request changes (default 3,000). */
  files?: number;
  /** gVisor's g3doc tree (the folder holding `g3doc/`). */
  treeDir: string;
  /** Extra environment for the app. */
  appEnv?: Record<string, string>;
  /** How long to wait for the check run (default 15 minutes). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface BigPrReport {
  files: number;
  markdown_docs: number;
  markdown_mb: number;
  /** From the delivery to the check run's completion. */
  review_s: number | null;
  ack_ms: number;
  conclusion: string | null;
  check_title: string | null;
  annotations: number;
  review_comments: number;
  rss_before_mb: number;
  peak_rss_mb: number;
  pings: number;
  ping_p99_ms: number;
  ping_max_ms: number;
  /** The three slowest pings, and when each was sent (seconds after the delivery). */
  slowest_pings: { ms: number; at_s: number }[];
  checks_left_in_progress: number;
  passed: boolean;
  failed: string[];
}

const round = (n: number) => Math.round(n * 10) / 10;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * Writes the head's files into `gitDir`: the tree's `g3doc/` copied under
 * `g3doc/copy-1/`, `g3doc/copy-2/`, ... until `count` files; the Markdown docs
 * and their bytes.
 */
export function writeCopies(
  treeDir: string,
  gitDir: string,
  count: number,
): { docs: number; bytes: number } {
  const source = join(treeDir, "g3doc");
  const files = filesUnder(source);
  if (files.length === 0) throw new Error(`no files under ${source}`);
  let docs = 0;
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const from = files[i % files.length];
    const copy = Math.floor(i / files.length) + 1;
    const to = join(gitDir, "g3doc", `copy-${copy}`, relative(source, from));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    if (from.endsWith(".md")) {
      docs++;
      bytes += statSync(from).size;
    }
  }
  return { docs, bytes };
}

export async function runBigPr(o: BigPrOptions): Promise<BigPrReport> {
  const log = o.log ?? (() => undefined);
  const count = o.files ?? 3000;
  const top = mkdtempSync(join(tmpdir(), "g3doc-review-big-pr-"));
  const appId = 6161;
  const secret = randomBytes(16).toString("hex");
  const keys = generateAppKeys();
  const standin = await Standin.start({ appId, publicKey: keys.publicKey, installations: 1 });
  const prober = new Prober();
  let app: AppProcess | null = null;
  try {
    const gitDir = join(top, "git");
    mkdirSync(gitDir, { recursive: true });
    const g = gitRepo(gitDir);
    g.git("init", "-q", "-b", "master");
    // gVisor's source layout, so its house style applies as on gVisor.
    const base = g.commitFiles({
      "runsc/main.go": "package main\n",
      "pkg/sentry/kernel/kernel.go": "package kernel\n",
      "g3doc/index.md": "# Index\n\nText.\n",
    });
    const { docs, bytes } = writeCopies(o.treeDir, gitDir, count);
    g.git("add", "-A");
    g.git("commit", "-q", "-m", `${count} files`);
    const head = g.git("rev-parse", "HEAD");
    log(`head ${head.slice(0, 12)}: ${count} files, ${docs} docs, ${round(bytes / 2 ** 20)} MB`);

    app = await AppProcess.start({
      appId,
      privateKey: keys.privateKey,
      webhookSecret: secret,
      gheHost: standin.host,
      env: o.appEnv,
    });
    const repo = standin.addRepo({ owner: "google", name: "big-pr", gitDir, defaultSha: base });
    const pull = standin.openPull(repo, { number: 1, base, head });
    const payload = await pullRequestPayload(standin, repo, pull, "opened", 1);
    await new Promise((r) => setTimeout(r, 500));
    const rssBefore = app.rssKiB() ?? 0;
    prober.startPings(`${app.url}/ping`);
    const sentAt = standin.now();
    const sentAtWall = Date.now();
    const ack = await prober.deliver(app.webhookUrl, "pull_request", payload, secret);
    const run = await completedRun(standin, repo, head, sentAt, o.timeoutMs ?? 15 * 60_000);
    const timed = await prober.stopPingsTimed();
    const pings = timed.map((p) => p.ms);
    const slowest = [...timed]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3)
      .map((p) => ({ ms: round(p.ms), at_s: round((p.at - sentAtWall) / 1000) }));
    const peak = app.peakRssKiB() ?? 0;
    const left = repo.checkRuns.filter((c) => c.status !== "completed").length;
    const report: BigPrReport = {
      files: count,
      markdown_docs: docs,
      markdown_mb: round(bytes / 2 ** 20),
      review_s: run?.completedAtMs != null ? round((run.completedAtMs - sentAt) / 1000) : null,
      ack_ms: round(ack.ms),
      conclusion: run?.conclusion ?? null,
      check_title: run?.output.title ?? null,
      annotations: run?.annotations.length ?? 0,
      review_comments: pull.comments.length,
      rss_before_mb: round(rssBefore / 1024),
      peak_rss_mb: round(peak / 1024),
      pings: pings.length,
      ping_p99_ms: round(percentile(pings, 99)),
      ping_max_ms: round(pings.length ? Math.max(...pings) : 0),
      slowest_pings: slowest,
      checks_left_in_progress: left,
      passed: false,
      failed: [],
    };
    if (ack.status < 200 || ack.status >= 300)
      report.failed.push(`delivery answered ${ack.status}`);
    if (!run) report.failed.push("no completed check run");
    if (left > 0) report.failed.push(`${left} check runs left in progress`);
    if (!(report.peak_rss_mb <= BIG_PR_TARGETS.peakRssMb))
      report.failed.push(`peak RSS ${report.peak_rss_mb} MB > ${BIG_PR_TARGETS.peakRssMb} MB`);
    if (!(report.ping_max_ms <= BIG_PR_TARGETS.pingMaxMs))
      report.failed.push(`slowest /ping ${report.ping_max_ms} ms > ${BIG_PR_TARGETS.pingMaxMs} ms`);
    if (app.exited) report.failed.push(`the app exited: ${JSON.stringify(app.exited)}`);
    report.passed = report.failed.length === 0;
    return report;
  } finally {
    await app?.stop(10_000);
    await standin.stop();
    await prober.close();
    rmSync(top, { recursive: true, force: true });
  }
}

export function formatBigPr(r: BigPrReport): string {
  const rows: [string, string][] = [
    ["files", String(r.files)],
    ["markdown docs", `${r.markdown_docs} (${r.markdown_mb} MB)`],
    ["review", r.review_s === null ? "not completed" : `${r.review_s} s`],
    ["conclusion", `${r.conclusion ?? "-"}: ${r.check_title ?? ""}`],
    ["annotations / review comments", `${r.annotations} / ${r.review_comments}`],
    ["RSS before / peak", `${r.rss_before_mb} MB / ${r.peak_rss_mb} MB`],
    ["/ping p99 / max", `${r.ping_p99_ms} ms / ${r.ping_max_ms} ms (${r.pings} pings)`],
    ["slowest /ping", r.slowest_pings.map((p) => `${p.ms} ms at +${p.at_s} s`).join(", ")],
    ["acknowledgement", `${r.ack_ms} ms`],
    ["check runs left in progress", String(r.checks_left_in_progress)],
    ["targets", r.passed ? "met" : `not met: ${r.failed.join("; ")}`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n");
}
