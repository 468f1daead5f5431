/**
 * The GitHub Action: reviews the pull request of the workflow's event with
 * the app's engine and publisher, without hosting the app.
 *
 * - When the workflow's token may write (a pull request from a branch of the
 *   same repository, or `pull_request_target`), it runs the app's review job
 *   (`app/job.ts`) with that token: one check run with annotations and a
 *   summary, and one review with suggestions.
 * - When it may not (a fork's `pull_request`: GitHub gives a read-only
 *   token), or when GitHub refuses the check run, it reviews the change in
 *   the workflow's checkout (from the merge base to the head, through git),
 *   writes at most 10 annotations of each level (GitHub's limit per step) and
 *   every finding into the job summary (`GITHUB_STEP_SUMMARY`).
 *
 * Inputs (`action.yml`): `token`, `config` (a config file in the repository,
 * read at the merge base, so a pull request cannot change its own review),
 * `fail-on` and `paths` (override the config's `review.failOn` and `paths`).
 */
import { appendFileSync, readFileSync } from "node:fs";
import { ProbotOctokit } from "probot";
import type { Config } from "../config/defaults.js";
import { ConfigError, parseConfigText, resolveConfig, sizeProblem } from "../config/load.js";
import type { Severity } from "../core/finding.js";
import { review } from "../core/engine.js";
import { ConfigReader } from "../app/config.js";
import { runReview, type JobOutcome, type Logger } from "../app/job.js";
import { DEFAULT_RETRY, describeError, withRetries, type Octokit } from "../app/octokit.js";
import { payloadProblem } from "../app/payloads.js";
import { pullInfo } from "../app/pulls.js";
import { conclusionFor } from "../app/publish/check-run.js";
import { codeSpan, escapeMarkdown } from "../app/publish/escape.js";
import { GitChangeSet } from "../cli/changeset-git.js";
import { git, mergeBase, repoRoot, UsageError } from "../cli/git.js";
import { annotated, formatGithub } from "../cli/formatters/github.js";
import { formatStepSummary } from "../cli/formatters/step-summary.js";

export type Env = Record<string, string | undefined>;

export interface ActionIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

const FAIL_ON = ["error", "warning", "notice", "never"] as const;

/** An input as the runner passes it: `INPUT_` and the name in upper case, spaces as `_`. */
export function input(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

/** What the inputs change in the config. */
export interface Overrides {
  failOn?: Severity | "never";
  paths?: string[];
}

export function overridesOf(env: Env): Overrides {
  const out: Overrides = {};
  const failOn = input(env, "fail-on");
  if (failOn) {
    if (!(FAIL_ON as readonly string[]).includes(failOn))
      throw new UsageError(
        `input fail-on: ${JSON.stringify(failOn.slice(0, 40))} is not one of ${FAIL_ON.join(", ")}`,
      );
    out.failOn = failOn as Overrides["failOn"];
  }
  const paths = input(env, "paths")
    .split(/[\n,]/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (paths.length > 0) out.paths = paths;
  return out;
}

function applyOverrides(config: Config, o: Overrides): Config {
  const user = {
    ...(o.paths ? { paths: o.paths } : {}),
    ...(o.failOn ? { review: { failOn: o.failOn } } : {}),
  };
  if (Object.keys(user).length === 0) return config;
  // Through the schema, so a bad glob is refused as in a config file.
  const checked = resolveConfig(parseConfigText(JSON.stringify(user), "action inputs"));
  return {
    ...config,
    paths: o.paths ? checked.paths : config.paths,
    review: { ...config.review, failOn: o.failOn ?? config.review.failOn },
  };
}

/** A config file of the repository, read from git at `rev` (never from the working tree). */
async function configAt(root: string, rev: string, path: string): Promise<Config> {
  const r = await git(root, ["cat-file", "blob", `${rev}:${path}`]);
  if (r.code !== 0) throw new ConfigError(`${path}: not found at ${rev.slice(0, 12)}`);
  const text = new TextDecoder("utf-8", { fatal: false }).decode(r.stdout);
  const tooBig = sizeProblem(text, path);
  if (tooBig) throw new ConfigError(tooBig);
  const user = parseConfigText(text, path);
  if (user._extends !== undefined)
    throw new ConfigError(
      `${path}: _extends is not followed for the config input; name a file without _extends`,
    );
  return resolveConfig(user);
}

interface PullEvent {
  action?: string;
  repository: { name: string; full_name?: string; owner: { login: string } };
  pull_request: {
    number: number;
    draft?: boolean;
    state?: string;
    changed_files?: number;
    head: { sha: string; repo?: { full_name?: string } | null };
    base: { sha: string; repo?: { full_name?: string } | null };
  };
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

function logger(io: ActionIo): Logger {
  const line = (level: string, obj: unknown, msg?: string) => {
    const err = (obj as { err?: unknown })?.err;
    const detail = err !== undefined ? `: ${describeError(err)}` : "";
    io.stderr(`g3doc-review ${level}: ${oneLine(msg ?? "")}${detail}\n`);
  };
  return {
    info: (o, m) => line("info", o, m),
    warn: (o, m) => line("warning", o, m),
    error: (o, m) => line("error", o, m),
  };
}

/** Makes sure a commit is in the checkout, fetching it when the checkout is shallow. */
async function ensureCommit(root: string, sha: string): Promise<void> {
  const has = async () => (await git(root, ["cat-file", "-e", `${sha}^{commit}`])).code === 0;
  if (await has()) return;
  await git(root, ["fetch", "--no-tags", "--quiet", "origin", sha]);
  if (!(await has()))
    throw new UsageError(
      `commit ${sha.slice(0, 12)} is not in the checkout; check out with actions/checkout's fetch-depth: 0`,
    );
}

/** The review in the checkout, reported as annotations and the job summary. */
async function annotate(
  env: Env,
  io: ActionIo,
  event: PullEvent,
  config: () => Promise<Config>,
  why: string,
): Promise<number> {
  const root = await repoRoot(env.GITHUB_WORKSPACE || process.cwd());
  const pr = event.pull_request;
  await ensureCommit(root, pr.head.sha);
  await ensureCommit(root, pr.base.sha);
  let base: string;
  try {
    base = await mergeBase(root, pr.base.sha, pr.head.sha);
  } catch {
    throw new UsageError(
      "the merge base of the pull request is not in the checkout; check out with actions/checkout's fetch-depth: 0",
    );
  }
  const cs = await GitChangeSet.create(root, base, pr.head.sha);
  const cfg = await config();
  const result = await review(cs, cfg, { mode: "change" });
  const report = {
    base: cs.base,
    head: cs.head,
    findings: result.findings,
    notes: [why, ...result.notes],
  };
  io.stdout(formatGithub(report));
  const summaryFile = env.GITHUB_STEP_SUMMARY;
  if (summaryFile)
    appendFileSync(
      summaryFile,
      formatStepSummary(report, {
        annotated: annotated(report.findings, report.notes.length).length,
      }),
    );
  return conclusionFor(result.findings, cfg.review.failOn) === "failure" ? 1 : 0;
}

/** Runs the action; returns the step's exit code. Never throws. */
export async function runAction(env: Env, io: ActionIo): Promise<number> {
  try {
    return await run(env, io);
  } catch (err) {
    const problems =
      err instanceof ConfigError
        ? err.problems
        : err instanceof UsageError
          ? [err.message]
          : [`internal error: ${describeError(err)}`];
    for (const p of problems) io.stdout(`::error title=g3doc-review::${escapeData(oneLine(p))}\n`);
    return 2;
  }
}

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** The pull request event the workflow runs on, checked as the app checks a payload. */
function readPullEvent(env: Env): PullEvent {
  if (!env.GITHUB_EVENT_PATH) throw new UsageError("GITHUB_EVENT_PATH is not set");
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8"));
  } catch (err) {
    throw new UsageError(`the event file could not be read (${describeError(err)})`);
  }
  const problem = payloadProblem("pull_request", payload);
  if (problem) throw new UsageError(`the event is not a pull request event: ${problem}`);
  return payload as PullEvent;
}

/** The job summary of a review the app's job ran (the details are in its check run). */
function outcomeSummary(outcome: JobOutcome): string {
  const lines = [
    "## g3doc-review",
    "",
    outcome.status === "reviewed"
      ? `Reviewed: ${outcome.conclusion}; ${outcome.comments ?? 0} review comment(s) posted, ${outcome.resolved ?? 0} thread(s) resolved.`
      : `Review ${codeSpan(outcome.status)}${outcome.conclusion ? ` (${outcome.conclusion})` : ""}.`,
  ];
  if (outcome.error) lines.push("", `> ${escapeMarkdown(oneLine(outcome.error))}`);
  return lines.join("\n") + "\n";
}

/** The token may not write (403): the review falls back to annotations. */
const refusedByToken = (err: unknown) =>
  (err as { status?: number }).status === 403 || /\b403\b|not accessible/i.test(String(err));

/** The app's job with the workflow's token; a refused write is a failed outcome, not an error. */
async function reviewWithToken(
  io: ActionIo,
  octokit: Octokit,
  event: PullEvent,
  eventName: string,
  loadConfig: () => Promise<Config>,
): Promise<JobOutcome> {
  const pr = event.pull_request;
  const owner = event.repository.owner.login;
  const repo = event.repository.name;
  try {
    return await runReview(
      {
        owner,
        repo,
        headSha: pr.head.sha,
        pull: pullInfo(owner, repo, pr),
        trigger: `${eventName}.${event.action ?? ""}`,
      },
      {
        octokit,
        log: logger(io),
        jobKey: `action:${owner}/${repo}#${pr.number}`,
        loadConfig,
        // The workflow's token writes as github-actions[bot]: only its threads are the action's.
        appSlug: async () => "github-actions",
      },
      new AbortController().signal,
    );
  } catch (err) {
    if (!refusedByToken(err)) throw err;
    return { status: "failed" as const, error: describeError(err) };
  }
}

async function run(env: Env, io: ActionIo): Promise<number> {
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  if (eventName !== "pull_request" && eventName !== "pull_request_target") {
    io.stdout(
      `::notice title=g3doc-review::Nothing to review: the workflow ran on ${escapeData(eventName || "an unknown event")}, not on a pull request.\n`,
    );
    return 0;
  }
  const event = readPullEvent(env);
  const pr = event.pull_request;
  const owner = event.repository.owner.login;
  const repo = event.repository.name;
  const overrides = overridesOf(env);
  const configInput = input(env, "config");
  const token = input(env, "token") || env.GITHUB_TOKEN || "";
  if (!token) throw new UsageError("no token: set the token input (default: github.token)");

  const octokit = withRetries(
    new ProbotOctokit({
      auth: { token },
      baseUrl: env.GITHUB_API_URL || "https://api.github.com",
    }) as unknown as Octokit,
    DEFAULT_RETRY,
  );
  const loadConfig = async (): Promise<Config> => {
    if (!configInput)
      return applyOverrides(await new ConfigReader(octokit, owner, repo).load(), overrides);
    const root = await repoRoot(env.GITHUB_WORKSPACE || process.cwd());
    await ensureCommit(root, pr.base.sha);
    return applyOverrides(await configAt(root, pr.base.sha, configInput), overrides);
  };

  const headRepo = pr.head.repo?.full_name;
  const baseRepo = pr.base.repo?.full_name ?? event.repository.full_name;
  const fork = eventName === "pull_request" && headRepo !== undefined && headRepo !== baseRepo;
  if (fork)
    return annotate(
      env,
      io,
      event,
      loadConfig,
      "A fork's pull request gets a read-only token: findings are annotations and the job summary.",
    );

  const outcome = await reviewWithToken(io, octokit, event, eventName, loadConfig);
  if (outcome.status === "failed" && refusedByToken(outcome.error))
    return annotate(
      env,
      io,
      event,
      loadConfig,
      "The token may not write check runs (permissions checks: write and pull-requests: write are needed): findings are annotations and the job summary.",
    );
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, outcomeSummary(outcome));
  if (outcome.status === "failed" || outcome.status === "too-costly") return 2;
  return outcome.conclusion === "failure" ? 1 : 0;
}
