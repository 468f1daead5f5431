/**
 * Replays commits of the gVisor g3doc history as pull requests against the
 * running app and the stand-in, and measures what happened: requests, webhook
 * acknowledgement, time to a completed check run, comments and duplicates,
 * schema violations, check runs left in progress, memory, crashes.
 */
import { randomBytes } from "node:crypto";
import { Standin, type RequestRecord } from "../standin/server.js";
import type { FaultKind } from "../standin/faults.js";
import type { CheckRun, Pull, Repo } from "../standin/model.js";
import { AppProcess, generateAppKeys } from "./app-process.js";
import { deliver, preloadExamples, pullRequestPayload, sign } from "./webhooks.js";
import { headOf, historyClone, markdownCommits, type ReplayCommit } from "./paths.js";
import { WRITE_SPACING_MS } from "../../../src/app/write-spacing.js";

export const CHECK_NAME = "g3doc-review";
const FP = /<!-- g3doc-review:fp=([0-9a-f]+) -->/;

export interface ReplayOptions {
  /** Commits to replay (oldest first). */
  limit?: number;
  /** Skip this many commits first. */
  offset?: number;
  latencyMs?: number;
  faultRate?: number;
  faultSeed?: number;
  faultKinds?: FaultKind[];
  slowMs?: number;
  /** Pull requests in flight at once. */
  concurrency?: number;
  /** Also push the next commit to the same pull request (a third delivery). */
  nextCommit?: boolean;
  /** Installations the repositories are spread over (GitHub's throttling is per installation). */
  installations?: number;
  /** Bound on the wait for one delivery's check run. */
  deliveryTimeoutMs?: number;
  /** Extra environment for the app. */
  appEnv?: Record<string, string>;
  /** Check the webhook signature handling first. */
  checkSignatures?: boolean;
  /** RSS sample after this many pull requests (the soak's baseline). */
  memoryBaselineAfter?: number;
  /** Keep request bodies in the stand-in's log. */
  recordBodies?: boolean;
  /** App processes (each `npm start` with REDIS_URL); deliveries are spread over them. */
  instances?: number;
  /** The Redis they share (needed with more than one instance). */
  redisUrl?: string;
  /** Every K-th pull request, the instance that took its delivery is SIGKILLed during the review and started again. */
  killEvery?: number;
  log?: (line: string) => void;
}

export interface DeliveryOutcome {
  kind: "opened" | "synchronize-same-head" | "synchronize-next";
  /** The app made no check run for it (a head and base it had reviewed already). */
  skipped?: boolean;
  head: string;
  ackStatus: number;
  ackMs: number;
  /** Webhook sent to check run completed; null when it never completed in time. */
  reviewMs: number | null;
  /** Of reviewMs, the time its requests waited for the 1 s spacing (see review_beyond_write_spacing_ms). */
  spacingMs?: number;
  conclusion: string | null;
  title: string | null;
  sentAt: number;
}

export interface PrOutcome {
  index: number;
  number: number;
  repo: string;
  commit: string;
  subject: string;
  files: number;
  findings: number;
  comments: number;
  requests: number;
  /** The requests of this pull request by operation. */
  operations?: Record<string, number>;
  duplicates: number;
  deliveries: DeliveryOutcome[];
}

export interface SignatureCase {
  name: string;
  status: number;
  requestsSeen: number;
}

export interface ReplayReport {
  prs: number;
  requests_total: number;
  /** Requests to the pull request's repository (REST and GraphQL), all its deliveries; tokens apart. */
  requests_per_pr: { p50: number; max: number };
  installation_token_requests: number;
  overlapping_suggestions: number;
  suggestions_outside_hunk: number;
  ack_ms: { p50: number; p99: number };
  review_ms: { p50: number; p95: number };
  /**
   * Review time less the waits for request spacing: Probot's throttling
   * (@octokit/plugin-throttling, after GitHub's guidance on secondary rate
   * limits) starts writes and GraphQL requests of one installation at least
   * 1 s apart. What is left: reads, engine, answers. Meant for one PR in
   * flight (then every GraphQL request in the window is this PR's).
   */
  review_beyond_write_spacing_ms: { p50: number; p95: number };
  findings_total: number;
  comments_total: number;
  duplicate_comments: number;
  openapi_violations: number;
  checks_completed: number;
  checks_left_in_progress: number;
  /** App processes. */
  instances: number;
  /** Instances SIGKILLed during a review (and started again). */
  kills: number;
  /** Pull requests whose newest head has no completed check run at the end. */
  reviews_lost: number;
  /** Reviews taken again after their worker died, adopting the check run it had made. */
  jobs_retried: number;
  /** Shortest time between two spaced requests (writes, GraphQL) of one installation, across instances. */
  write_gap_min_ms: number | null;
  /** Wall time of the replay. */
  wall_s: number;
  errors: string[];
  details: {
    options: Omit<ReplayOptions, "log">;
    deliveries: number;
    skipped_deliveries: number;
    requests_per_delivery: { p50: number; max: number };
    /** Acknowledgement of the first deliveries, sent all at once (one per pull request in flight). */
    ack_first_burst_ms: { n: number; p50: number; p99: number };
    requests_per_pr_small: { p50: number; max: number; prs: number };
    requests_by_operation: Record<string, number>;
    shared_requests: { token: number; org_config: number };
    duplicates_same_fingerprint: number;
    reposted_after_same_head_sync: number;
    reviews_total: number;
    violations_rejected: number;
    violation_samples: string[];
    faults_injected: Record<string, number>;
    faults_applied_writes: number;
    conclusions: Record<string, number>;
    failure_titles: Record<string, number>;
    orphan_check_runs: string[];
    rss_kib: {
      baseline: number | null;
      baseline_after_prs: number;
      end: number | null;
      growth_pct: number | null;
    };
    unhandled: string[];
    ping_at_end: boolean;
    app_exit: { code: number | null; signal: string | null } | null;
    signatures: SignatureCase[];
    /** The two requests `write_gap_min_ms` lies between. */
    write_gap_min_pair: string[];
    /** The busiest installation's spaced requests times the spacing: the replay's least wall time. */
    write_spacing_floor_s: number;
    /** How late the stand-in's event loop ran (its stamps of arrival are this late at most). */
    standin_loop_delay_ms: { p99: number; max: number };
    wall_ms: number;
    per_pr: PrOutcome[];
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Waits until the newest check run made for `head` since `since` is completed. */
async function waitForCheck(
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
    await sleep(20);
  }
  return null;
}

/**
 * For a delivery the app may skip (a same-head `synchronize` after a finished
 * review): a new check run within `graceMs` is waited for as usual; none means
 * the app skipped it (null).
 */
async function waitForCheckOrSkip(
  standin: Standin,
  repo: Repo,
  head: string,
  since: number,
  graceMs: number,
  timeoutMs: number,
): Promise<CheckRun | null | "skipped"> {
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    if (standin.checkRunsFor(repo, head, CHECK_NAME).some((r) => r.createdAt >= since))
      return waitForCheck(standin, repo, head, since, timeoutMs);
    await sleep(20);
  }
  return "skipped";
}

/** Waits until the stand-in has seen no request for `quietMs` (bounded). */
async function waitQuiet(standin: Standin, quietMs: number, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    const last = standin.requests[standin.requests.length - 1];
    if (!last || standin.now() - last.at > quietMs) return;
    await sleep(100);
  }
}

/** Forged, missing and replayed-with-another-body signatures: each must get a 4xx and cause no GitHub request. */
export async function checkSignatures(
  app: AppProcess,
  standin: Standin,
  secret: string,
  payload: string,
  otherPayload: string,
): Promise<SignatureCase[]> {
  const cases: { name: string; body: string; signature: string | null }[] = [
    {
      name: "forged (signed with another secret)",
      body: payload,
      signature: sign(`not-${secret}`, payload),
    },
    { name: "missing", body: payload, signature: null },
    { name: "replayed with another body", body: otherPayload, signature: sign(secret, payload) },
  ];
  const out: SignatureCase[] = [];
  for (const c of cases) {
    const before = standin.requests.length;
    const r = await deliver(app.webhookUrl, "pull_request", c.body, secret, {
      signature: c.signature,
    });
    await sleep(1500);
    out.push({ name: c.name, status: r.status, requestsSeen: standin.requests.length - before });
  }
  return out;
}

export async function runReplay(o: ReplayOptions = {}): Promise<ReplayReport> {
  const log = o.log ?? (() => undefined);
  const clone = historyClone();
  if (!clone)
    throw new Error("the gVisor history bundle is absent (../shared/corpus/gvisor/history)");
  const all = markdownCommits(clone);
  const offset = o.offset ?? 0;
  const commits = all.slice(offset, offset + (o.limit ?? all.length));
  const head = headOf(clone);
  const appId = 4242;
  const secret = randomBytes(16).toString("hex");
  const keys = generateAppKeys();
  const installations = Math.max(1, o.installations ?? 1);
  const concurrency = Math.max(1, o.concurrency ?? 1);
  const deliveryTimeoutMs = o.deliveryTimeoutMs ?? 180_000;
  const errors: string[] = [];
  const started = performance.now();

  const standin = await Standin.start({
    appId,
    publicKey: keys.publicKey,
    installations,
    latencyMs: o.latencyMs ?? 0,
    faultRate: 0,
    faultSeed: o.faultSeed ?? 1,
    faultKinds: o.faultKinds,
    slowMs: o.slowMs ?? 10_000,
    recordBodies: o.recordBodies ?? true,
  });
  let app: AppProcess | null = null;
  const instances = Math.max(1, o.instances ?? 1);
  if (instances > 1 && !o.redisUrl) throw new Error("--instances above 1 needs --redis URL");
  const prefix = `g3doc-bench-${randomBytes(4).toString("hex")}`;
  const appEnv: Record<string, string> = {
    ...(o.appEnv ?? {}),
    ...(o.redisUrl
      ? { REDIS_URL: o.redisUrl, G3DOC_REVIEW_REDIS_PREFIX: prefix, G3DOC_REVIEW_LOCK_MS: "5000" }
      : {}),
  };
  /** The live app processes; every one ever started (for their logs). */
  const apps: AppProcess[] = [];
  const everStarted: AppProcess[] = [];
  let rr = 0;
  let kills = 0;
  const startApp = async () => {
    const a = await AppProcess.start({
      appId,
      privateKey: keys.privateKey,
      webhookSecret: secret,
      gheHost: standin.host,
      env: appEnv,
      nice: 5,
    });
    everStarted.push(a);
    return a;
  };
  /** Where the next delivery goes, as a round-robin load balancer sends it (skipping a dead instance). */
  const pickApp = (): AppProcess => {
    for (let i = 0; i < apps.length; i++) {
      const a = apps[rr++ % apps.length];
      if (!a.exited) return a;
    }
    return apps[0];
  };
  const perPr: PrOutcome[] = [];
  let signatures: SignatureCase[] = [];
  let rssBaseline: number | null = null;
  const baselineAfter = Math.min(o.memoryBaselineAfter ?? 50, commits.length);
  let rssEnd: number | null;
  let pingAtEnd: boolean;
  try {
    for (let i = 0; i < instances; i++) apps.push(await startApp());
    app = apps[0];
    log(
      `${apps.map((a) => `app on ${a.url} (pid ${a.serverPid() ?? "?"})`).join(", ")}, stand-in on ${standin.urls.web}`,
    );

    if (o.checkSignatures) {
      const repo = standin.addRepo({
        owner: "google",
        name: "gvisor-signatures",
        gitDir: clone,
        defaultSha: head,
      });
      const c = commits[0] ?? all[0];
      const pull = standin.openPull(repo, { number: 1, base: c.parent, head: c.sha });
      const a = await pullRequestPayload(standin, repo, pull, "opened", 1);
      const b = await pullRequestPayload(
        standin,
        repo,
        { ...pull, title: "Another title" },
        "opened",
        1,
      );
      signatures = await checkSignatures(app, standin, secret, a, b);
      repo.pulls.clear();
      standin.repos.delete("google/gvisor-signatures");
      for (const s of signatures)
        log(`signature ${s.name}: HTTP ${s.status}, GitHub requests caused: ${s.requestsSeen}`);
    }

    // Faults start with the replay (the signature check needs a quiet stand-in).
    standin.setFaults(o.faultRate ?? 0, o.faultSeed ?? 1, o.faultKinds);
    preloadExamples();

    let next = 0;
    let done = 0;
    /**
     * SIGKILLs the instance once the review of `head` is under way (its
     * content query arrived, or its check run exists: a review shorter than
     * the in-progress time posts the run only at its end), then starts it
     * again.
     */
    const killDuringReview = async (victim: AppProcess, repo: Repo, head: string) => {
      const deadline = Date.now() + 30_000;
      const name = `${repo.owner}/${repo.name}`;
      let seen = standin.requests.length;
      while (Date.now() < deadline) {
        if (standin.checkRunsFor(repo, head, CHECK_NAME).length > 0) break;
        const log = standin.requests;
        let queried = false;
        for (; seen < log.length; seen++)
          if (log[seen].repo === name && log[seen].path.endsWith("/graphql")) queried = true;
        if (queried) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      victim.killNow();
      await victim.waitExit(5000);
      kills++;
      const fresh = await startApp();
      apps[apps.indexOf(victim)] = fresh;
      log(`killed ${victim.url} during a review of ${head.slice(0, 7)}; started ${fresh.url}`);
    };
    const runOne = async (index: number, c: ReplayCommit): Promise<PrOutcome> => {
      const number = index + 1;
      const repo = standin.addRepo({
        owner: "google",
        name: `gvisor-${number}`,
        gitDir: clone,
        defaultSha: head,
      });
      const installation = (index % installations) + 1;
      const pull = standin.openPull(repo, {
        number,
        base: c.parent,
        head: c.sha,
        title: c.subject.slice(0, 200),
      });
      const files = (await standin.pullFiles(repo, pull)).length;
      const deliveries: DeliveryOutcome[] = [];
      const send = async (kind: DeliveryOutcome["kind"], p: Pull, before?: string) => {
        const payload = await pullRequestPayload(
          standin,
          repo,
          p,
          kind === "opened" ? "opened" : "synchronize",
          installation,
          before,
        );
        const sentAt = standin.now();
        let ackStatus = 0;
        let ackMs = 0;
        const target = pickApp();
        const kill =
          kind === "opened" && o.killEvery && (index + 1) % o.killEvery === 0
            ? killDuringReview(target, repo, p.headSha)
            : undefined;
        try {
          const r = await deliver(target.webhookUrl, "pull_request", payload, secret);
          ackStatus = r.status;
          ackMs = r.ms;
          if (r.status < 200 || r.status >= 300)
            errors.push(
              `PR ${number} ${kind}: webhook answered ${r.status} ${r.body.slice(0, 200)}`,
            );
        } catch (err) {
          errors.push(`PR ${number} ${kind}: webhook delivery failed: ${(err as Error).message}`);
        }
        await kill;
        const waited =
          kind === "synchronize-same-head" && deliveries[0]?.conclusion
            ? await waitForCheckOrSkip(standin, repo, p.headSha, sentAt, 3000, deliveryTimeoutMs)
            : await waitForCheck(standin, repo, p.headSha, sentAt, deliveryTimeoutMs);
        if (waited === "skipped") {
          deliveries.push({
            kind,
            head: p.headSha,
            ackStatus,
            ackMs,
            reviewMs: null,
            conclusion: null,
            title: null,
            sentAt,
            skipped: true,
          });
          return null;
        }
        const run = waited;
        if (!run)
          errors.push(
            `PR ${number} ${kind}: no completed ${CHECK_NAME} check run for ${p.headSha.slice(0, 7)} within ${deliveryTimeoutMs} ms`,
          );
        // Time this delivery's spaced requests waited for the spacing: plugin-throttling puts writes and
        // every GraphQL request of one installation 1 s apart. One that arrived within 1.05 s of the spaced
        // request before it waited for it (from that request, or from the webhook when it came later).
        let spacingMs: number | undefined;
        if (run) {
          const spaced = standin.requests.filter(
            (r) =>
              (r.method !== "GET" && r.path.includes("/repos/")) || r.path.endsWith("/graphql"),
          );
          spacingMs = 0;
          for (let i = 1; i < spaced.length; i++) {
            const w = spaced[i];
            if (w.at < sentAt || w.at > run.completedAtMs!) continue;
            if (
              !w.path.endsWith("/graphql") &&
              !w.path.includes(`/repos/${repo.owner}/${repo.name}/`)
            )
              continue;
            const prev = spaced[i - 1];
            if (w.at - prev.at <= 1150) spacingMs += w.at - Math.max(prev.at, sentAt);
          }
        }
        deliveries.push({
          kind,
          head: p.headSha,
          ackStatus,
          ackMs,
          reviewMs: run ? run.completedAtMs! - sentAt : null,
          spacingMs,
          conclusion: run?.conclusion ?? null,
          title: run?.output.title ?? null,
          sentAt,
        });
        return run;
      };
      const first = await send("opened", pull);
      await send("synchronize-same-head", pull, pull.headSha);
      const nextCommit = commits[index + 1] ?? all[offset + index + 1];
      if (o.nextCommit && nextCommit && (await repo.git.isAncestor(c.sha, nextCommit.sha))) {
        const before = pull.headSha;
        standin.pushPull(repo, number, nextCommit.sha);
        await send("synchronize-next", pull, before);
      }
      const comments = standin
        .commentsOf(repo, number)
        .filter((x) => x.kind === "issue" || x.inReplyTo === undefined);
      const out: PrOutcome = {
        index,
        number,
        repo: `${repo.owner}/${repo.name}`,
        commit: c.sha,
        subject: c.subject,
        files,
        findings: first?.annotations.length ?? 0,
        comments: comments.length,
        requests: 0,
        duplicates: 0,
        deliveries,
      };
      done++;
      if (done === baselineAfter) {
        rssBaseline = app!.rssKiB();
        log(`RSS after ${done} pull requests: ${rssBaseline} KiB`);
      }
      if (done % 10 === 0 || done === commits.length)
        log(
          `${done}/${commits.length} pull requests replayed (${Math.round((performance.now() - started) / 1000)} s, ${standin.requests.length} requests)`,
        );
      return out;
    };
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= commits.length) return;
        if (instances === 1 && !o.killEvery && app!.exited) {
          errors.push(`the app exited (${JSON.stringify(app!.exited)}) before PR ${i + 1}`);
          return;
        }
        perPr[i] = await runOne(i, commits[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, commits.length) }, worker));
    await waitQuiet(standin, 2000, 60_000);
    app = apps[0];
    rssEnd = app.rssKiB();
    pingAtEnd = (await Promise.all(apps.map((a) => a.ping()))).every(Boolean);
    if (!pingAtEnd) errors.push("the app no longer answers /ping");
  } finally {
    for (const a of apps) await a.stop();
    await standin.stop();
    if (o.redisUrl) {
      const { cleanPrefix } = await import("../../helpers/redis.js");
      await cleanPrefix(o.redisUrl, prefix).catch(() => undefined);
    }
  }

  // ---------------------------------------------------------------- metrics
  const reqs = standin.requests;
  // Per pull request: the requests to its repository's API (REST and GraphQL). Installation tokens are
  // counted apart: Probot caches one for about an hour, so it is no cost of a review.
  const byRepo = new Map<string, number>();
  let tokens = 0;
  let orgConfig = 0;
  const opsByRepo = new Map<string, Record<string, number>>();
  for (const r of reqs) {
    if (r.operation === "apps/create-installation-access-token") {
      tokens++;
      continue;
    }
    if (
      r.operation === "repos/get-content" &&
      /\.github(%2F|\/)g3doc-review\.yml$/i.test(r.path) &&
      r.path.includes("/repos/google/.github/")
    ) {
      orgConfig++;
      continue;
    }
    if (r.repo) {
      byRepo.set(r.repo, (byRepo.get(r.repo) ?? 0) + 1);
      const ops = opsByRepo.get(r.repo) ?? {};
      ops[r.operation] = (ops[r.operation] ?? 0) + 1;
      opsByRepo.set(r.repo, ops);
    }
  }
  const prs = perPr.filter(Boolean);
  let dupSame = 0;
  let overlapping = 0;
  let reposted = 0;
  let reviews = 0;
  const conclusions: Record<string, number> = {};
  const failureTitles: Record<string, number> = {};
  let completed = 0;
  let inProgress = 0;
  const orphans: string[] = [];
  for (const p of prs) {
    p.requests = byRepo.get(p.repo) ?? 0;
    p.operations = opsByRepo.get(p.repo) ?? {};
    const repo = standin.repos.get(p.repo.toLowerCase())!;
    const pull = repo.pulls.get(p.number)!;
    reviews += pull.reviews.length;
    const top = standin
      .commentsOf(repo, p.number)
      .filter((c) => c.kind === "issue" || c.inReplyTo === undefined);
    const counts = new Map<string, number>();
    for (const c of top) {
      const fp = FP.exec(c.body)?.[1];
      if (fp) counts.set(fp, (counts.get(fp) ?? 0) + 1);
    }
    let d = 0;
    for (const n of counts.values()) d += n - 1;
    dupSame += d;
    const opened = p.deliveries.find((x) => x.kind === "opened");
    const same = p.deliveries.find((x) => x.kind === "synchronize-same-head");
    const nextSync = p.deliveries.find((x) => x.kind === "synchronize-next");
    if (
      opened &&
      same &&
      opened.conclusion &&
      opened.conclusion !== "failure" &&
      opened.conclusion !== "cancelled"
    ) {
      const end = nextSync ? nextSync.sentAt : Infinity;
      const late = top.filter(
        (c) =>
          c.at >= same.sentAt &&
          c.at < end &&
          !(c.body && FP.test(c.body) && counts.get(FP.exec(c.body)![1])! > 1),
      );
      reposted += late.length;
      d += late.length;
    }
    p.duplicates = d;
    // Suggested changes: no two in one review may touch the same line.
    const byReview = new Map<string, { start: number; end: number }[]>();
    for (const c of pull.comments) {
      if (c.inReplyTo !== undefined || c.line === null || !/```suggestion\b/.test(c.body)) continue;
      const k = `${c.reviewId}\u0000${c.path}`;
      const list = byReview.get(k) ?? [];
      const start = c.startLine ?? c.line;
      overlapping += list.filter((x) => start <= x.end && c.line! >= x.start).length;
      list.push({ start, end: c.line });
      byReview.set(k, list);
    }
    for (const dl of p.deliveries) {
      const k = dl.conclusion ?? "none";
      conclusions[k] = (conclusions[k] ?? 0) + 1;
      if (
        dl.conclusion === "failure" &&
        dl.title &&
        !/error|warning|notice|invalid config/i.test(dl.title)
      )
        failureTitles[dl.title] = (failureTitles[dl.title] ?? 0) + 1;
    }
    for (const r of repo.checkRuns) {
      if (r.status === "completed") completed++;
      else {
        inProgress++;
        orphans.push(
          `${p.repo}#${p.number} check run ${r.id} on ${r.headSha.slice(0, 7)}: ${r.status}, created at ${Math.round(r.createdAt)} ms, ${r.history.length} update(s)`,
        );
      }
    }
  }
  for (const o2 of orphans) errors.push(`check run left ${o2}`);
  const deliveries = prs.flatMap((p) => p.deliveries);
  const reviewTimes = deliveries.map((d) => d.reviewMs).filter((x): x is number => x !== null);
  const beyondSpacing = deliveries
    .filter((d) => d.reviewMs !== null && d.spacingMs !== undefined)
    .map((d) => d.reviewMs! - d.spacingMs!);
  const byOp: Record<string, number> = {};
  for (const r of reqs) byOp[r.operation || "?"] = (byOp[r.operation || "?"] ?? 0) + 1;
  const faults: Record<string, number> = {};
  let appliedWrites = 0;
  for (const r of reqs) {
    if (!r.fault) continue;
    faults[r.fault] = (faults[r.fault] ?? 0) + 1;
    if (r.faultApplied && r.fault !== "slow") appliedWrites++;
  }
  const unhandled = everStarted.flatMap((a) => a.unhandled);
  const retried = everStarted
    .flatMap((a) => a.stdoutLines)
    .filter((l) => l.includes("adopted the check run of an earlier attempt")).length;
  // Reviews lost: the newest head of a pull request has no completed check run.
  let lost = 0;
  for (const p of prs) {
    const repo = standin.repos.get(p.repo.toLowerCase())!;
    const newest = p.deliveries.at(-1)?.head;
    if (newest && !repo.checkRuns.some((r) => r.headSha === newest && r.status === "completed"))
      lost++;
  }
  // The shortest gap between two spaced requests of one installation (repositories gvisor-N: installation (N-1) % k + 1).
  const lastAt = new Map<number, RequestRecord>();
  let gapMin: number | null = null;
  let gapPair: string[] = [];
  const spacedOf = new Map<number, number>();
  for (const r of [...reqs].sort((a, b) => a.at - b.at)) {
    const m = /^google\/gvisor-(\d+)$/.exec(r.repo ?? "");
    if (!m || !((r.method !== "GET" && r.method !== "HEAD") || r.path.endsWith("/graphql")))
      continue;
    const inst = ((Number(m[1]) - 1) % installations) + 1;
    const prev = lastAt.get(inst);
    if (prev !== undefined && r.at - prev.at < (gapMin ?? Infinity)) {
      gapMin = r.at - prev.at;
      gapPair = [prev, r].map((x) => `${x.method} ${x.path} at ${Math.round(x.at)} ms`);
    }
    lastAt.set(inst, r);
    spacedOf.set(inst, (spacedOf.get(inst) ?? 0) + 1);
  }
  // No replay can be faster than its busiest installation's spaced requests, one spacing apart.
  const spacingFloorS = (Math.max(1, ...spacedOf.values()) - 1) * (WRITE_SPACING_MS / 1000);
  for (const u of unhandled.slice(0, 20)) errors.push(`app: ${u.slice(0, 300)}`);
  if (app && (app as AppProcess).exited && !pingAtEnd)
    errors.push(`app exited: ${JSON.stringify((app as AppProcess).exited)}`);
  const small = prs.filter((p) => p.files <= 100);
  // Review comments GitHub would refuse for a line outside the diff hunks (the stand-in answers 422).
  const outsideHunk = reqs.filter(
    (r) =>
      r.operation === "pulls/create-review" &&
      r.status === 422 &&
      /part of the diff|same hunk/i.test(r.error ?? ""),
  ).length;
  const perDelivery = prs.map((p) => p.requests / Math.max(1, p.deliveries.length));
  const violations = standin.violations;
  const burst = prs
    .slice(0, concurrency)
    .map((p) => p.deliveries[0]?.ackMs)
    .filter((x): x is number => x !== undefined);
  const report: ReplayReport = {
    prs: prs.length,
    requests_total: reqs.length,
    requests_per_pr: {
      p50: percentile(
        prs.map((p) => p.requests),
        50,
      ),
      max: Math.max(0, ...prs.map((p) => p.requests)),
    },
    ack_ms: {
      p50: round(
        percentile(
          deliveries.map((d) => d.ackMs),
          50,
        ),
      ),
      p99: round(
        percentile(
          deliveries.map((d) => d.ackMs),
          99,
        ),
      ),
    },
    installation_token_requests: tokens,
    overlapping_suggestions: overlapping,
    suggestions_outside_hunk: outsideHunk,
    review_ms: { p50: round(percentile(reviewTimes, 50)), p95: round(percentile(reviewTimes, 95)) },
    review_beyond_write_spacing_ms: {
      p50: round(percentile(beyondSpacing, 50)),
      p95: round(percentile(beyondSpacing, 95)),
    },
    findings_total: prs.reduce((a, p) => a + p.findings, 0),
    comments_total: prs.reduce((a, p) => a + p.comments, 0),
    duplicate_comments: prs.reduce((a, p) => a + p.duplicates, 0),
    openapi_violations: violations.length,
    checks_completed: completed,
    checks_left_in_progress: inProgress,
    instances,
    kills,
    reviews_lost: lost,
    jobs_retried: retried,
    write_gap_min_ms: gapMin === null ? null : round(gapMin),
    wall_s: round((performance.now() - started) / 1000),
    errors,
    details: {
      options: { ...o, log: undefined } as Omit<ReplayOptions, "log">,
      deliveries: deliveries.length,
      skipped_deliveries: deliveries.filter((d) => d.skipped).length,
      requests_per_delivery: {
        p50: round(percentile(perDelivery, 50)),
        max: round(Math.max(0, ...perDelivery)),
      },
      ack_first_burst_ms: {
        n: burst.length,
        p50: round(percentile(burst, 50)),
        p99: round(percentile(burst, 99)),
      },
      requests_per_pr_small: {
        p50: percentile(
          small.map((p) => p.requests),
          50,
        ),
        max: Math.max(0, ...small.map((p) => p.requests)),
        prs: small.length,
      },
      requests_by_operation: byOp,
      shared_requests: { token: tokens, org_config: orgConfig },
      duplicates_same_fingerprint: dupSame,
      reposted_after_same_head_sync: reposted,
      reviews_total: reviews,
      violations_rejected: violations.filter((v) => v.rejects).length,
      violation_samples: [...new Set(violations.map((v) => `${v.operation}: ${v.message}`))].slice(
        0,
        20,
      ),
      faults_injected: faults,
      faults_applied_writes: appliedWrites,
      conclusions,
      failure_titles: failureTitles,
      orphan_check_runs: orphans.slice(0, 50),
      rss_kib: {
        baseline: rssBaseline,
        baseline_after_prs: baselineAfter,
        end: rssEnd,
        growth_pct:
          rssBaseline && rssEnd ? round(((rssEnd - rssBaseline) / rssBaseline) * 100) : null,
      },
      unhandled,
      ping_at_end: pingAtEnd,
      app_exit: app ? (app as AppProcess).exited : null,
      signatures,
      write_gap_min_pair: gapPair,
      write_spacing_floor_s: round(spacingFloorS),
      standin_loop_delay_ms: {
        p99: round(standin.loopDelay.percentile(99) / 1e6),
        max: round(standin.loopDelay.max / 1e6),
      },
      wall_ms: Math.round(performance.now() - started),
      per_pr: prs,
    },
  };
  lastRequests = reqs;
  return report;
}

/** The request log of the last replay (for excerpts in a report). */
export let lastRequests: RequestRecord[] = [];

/** A fixed-width table of the pull requests and the totals. */
export function formatReport(r: ReplayReport, maxRows = 400): string {
  const lines: string[] = [];
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  lines.push(
    `${pad("PR", 4)} ${"commit".padEnd(8)} ${pad("files", 5)} ${pad("finds", 5)} ${pad("cmts", 4)} ${pad("reqs", 6)} ${pad("dup", 3)}  ${"review ms (opened / same-head sync / next)".padEnd(44)} conclusions`,
  );
  for (const p of r.details.per_pr.slice(0, maxRows)) {
    const ms = p.deliveries
      .map((d) =>
        d.skipped ? "skipped" : d.reviewMs === null ? "timeout" : String(Math.round(d.reviewMs)),
      )
      .join(" / ");
    lines.push(
      `${pad(p.number, 4)} ${p.commit.slice(0, 8)} ${pad(p.files, 5)} ${pad(p.findings, 5)} ${pad(p.comments, 4)} ${pad(p.requests, 6)} ${pad(p.duplicates, 3)}  ${ms.padEnd(44)} ${p.deliveries.map((d) => d.conclusion ?? "-").join(", ")}`,
    );
  }
  lines.push("");
  const kv: [string, string][] = [
    ["pull requests", String(r.prs)],
    ["deliveries", String(r.details.deliveries)],
    ["requests total", String(r.requests_total)],
    ["requests per PR p50 / max", `${r.requests_per_pr.p50} / ${r.requests_per_pr.max}`],
    ["installation token requests (apart)", String(r.installation_token_requests)],
    ["skipped deliveries (reviewed already)", String(r.details.skipped_deliveries)],
    [
      "overlapping suggestions / outside hunk",
      `${r.overlapping_suggestions} / ${r.suggestions_outside_hunk}`,
    ],
    [
      "requests per PR (<=100 files) p50 / max",
      `${r.details.requests_per_pr_small.p50} / ${r.details.requests_per_pr_small.max}`,
    ],
    [
      "requests per delivery p50 / max",
      `${r.details.requests_per_delivery.p50} / ${r.details.requests_per_delivery.max}`,
    ],
    ["webhook ack ms p50 / p99", `${r.ack_ms.p50} / ${r.ack_ms.p99}`],
    ["instances / kills / jobs retried", `${r.instances} / ${r.kills} / ${r.jobs_retried}`],
    ["reviews lost", String(r.reviews_lost)],
    ["shortest write gap of one installation (ms)", String(r.write_gap_min_ms ?? "-")],
    ["least wall time the write spacing allows (s)", String(r.details.write_spacing_floor_s)],
    ["wall time (s)", String(r.wall_s)],
    [
      "webhook ack ms, first burst: n / p50 / p99",
      `${r.details.ack_first_burst_ms.n} / ${r.details.ack_first_burst_ms.p50} / ${r.details.ack_first_burst_ms.p99}`,
    ],
    ["review ms p50 / p95", `${r.review_ms.p50} / ${r.review_ms.p95}`],
    [
      "  less waits for 1 s request spacing",
      `${r.review_beyond_write_spacing_ms.p50} / ${r.review_beyond_write_spacing_ms.p95}`,
    ],
    [
      "findings / comments / reviews",
      `${r.findings_total} / ${r.comments_total} / ${r.details.reviews_total}`,
    ],
    [
      "duplicate comments (same fp / reposted)",
      `${r.duplicate_comments} (${r.details.duplicates_same_fingerprint} / ${r.details.reposted_after_same_head_sync})`,
    ],
    [
      "OpenAPI/GraphQL violations (rejected)",
      `${r.openapi_violations} (${r.details.violations_rejected})`,
    ],
    [
      "check runs completed / left in progress",
      `${r.checks_completed} / ${r.checks_left_in_progress}`,
    ],
    ["conclusions", JSON.stringify(r.details.conclusions)],
    [
      "faults injected",
      `${JSON.stringify(r.details.faults_injected)} (writes done before the fault: ${r.details.faults_applied_writes})`,
    ],
    [
      "RSS KiB after baseline / end",
      `${r.details.rss_kib.baseline} (after ${r.details.rss_kib.baseline_after_prs} PRs) / ${r.details.rss_kib.end} (${r.details.rss_kib.growth_pct ?? "?"}%)`,
    ],
    ["unhandled rejections", String(r.details.unhandled.length)],
    ["/ping at end", r.details.ping_at_end ? "PONG" : "no answer"],
    ["wall time s", String(Math.round(r.details.wall_ms / 1000))],
    ["errors", String(r.errors.length)],
  ];
  for (const [k, v] of kv) lines.push(`${k.padEnd(42)} ${v}`);
  for (const s of r.details.signatures)
    lines.push(
      `${`signature: ${s.name}`.padEnd(42)} HTTP ${s.status}, requests caused ${s.requestsSeen}`,
    );
  if (r.details.violation_samples.length)
    lines.push("", "violations:", ...r.details.violation_samples.map((v) => `  ${v}`));
  if (r.errors.length) lines.push("", "errors:", ...r.errors.slice(0, 30).map((e) => `  ${e}`));
  lines.push(
    "",
    "requests by operation:",
    ...Object.entries(r.details.requests_by_operation)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `  ${k.padEnd(50)} ${v}`),
  );
  return lines.join("\n");
}
