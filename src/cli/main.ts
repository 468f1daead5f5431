/**
 * `g3doc-review check`: reviews a git range (or a whole tree, or the working
 * tree) of a local checkout with the same engine the GitHub App uses.
 * Exit status: 0 no error reported, 1 an error reported, 2 bad usage / bad
 * config / unknown revision / not a repository, 3 an internal error.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { review, type ReviewResult } from "../core/engine.js";
import { compareFindings, type Finding } from "../core/finding.js";
import type { Config } from "../config/defaults.js";
import { mergeOverlapping, MAX_REPARSE_CHARS } from "../core/present/merge-overlapping.js";
import type { FileLayout } from "../core/fix/window.js";
import type { ChangeSet } from "../core/changeset.js";
import { ConfigError } from "../config/load.js";
import { closest } from "../config/suggest.js";
import { closing, GitChangeSet } from "./changeset-git.js";
import { WorktreeChangeSet } from "./changeset-worktree.js";
import {
  COMMANDS,
  commandUsage,
  jobsOption,
  parseOptions,
  usage,
  type Command,
} from "./options.js";
import { auditPool, defaultJobs } from "./pool/audit-pool.js";
import { READ_BATCH } from "../core/audit.js";
import { UsageError, repoRoot, resolveRev, mergeBase } from "./git.js";
import { formatStepSummary } from "./formatters/step-summary.js";
import { annotated } from "./formatters/github.js";
import { CHUNKED_FORMATTERS, FORMATTERS } from "./formatters/index.js";
import { batched } from "./formatters/json-chunks.js";
import { parseFixArgs, runFix } from "./fix.js";
import { startProgress } from "./progress.js";
import { CONFIG_PATH, readCliConfig } from "./config.js";

export { CONFIG_PATH };

export const USAGE = usage();

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  /** stderr's file descriptor when it is a terminal: long runs show progress there. */
  progressFd?: number;
  /**
   * Appends to the job summary of a GitHub Actions step (`GITHUB_STEP_SUMMARY`),
   * when there is one: `--format github` lists every finding there.
   */
  stepSummary?: (markdown: string) => void;
}

export interface CheckArgs {
  repo: string;
  base?: string;
  head: string;
  /** Review the working tree (uncommitted changes) instead of `head`. */
  worktree: boolean;
  all: boolean;
  config?: string;
  format: string;
  /** Threads of an audit (`--jobs`). */
  jobs: number;
}

/** The package's version, from its package.json. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

export function parseCheckArgs(argv: string[], cwd: string): CheckArgs {
  const o = parseOptions("check", argv);
  const args: CheckArgs = {
    repo: o.repo ? resolve(cwd, o.repo as string) : cwd,
    base: o.base as string | undefined,
    head: (o.head as string | undefined) ?? "HEAD",
    worktree: o.worktree === true,
    all: o.all === true,
    config: o.config ? resolve(cwd, o.config as string) : undefined,
    format: (o.format as string | undefined) ?? "text",
    jobs: jobsOption(o.jobs, defaultJobs()),
  };
  if (args.all && args.base) throw new UsageError("give either --base REV or --all, not both");
  if (!args.all && !args.base)
    throw new UsageError("give --base REV to review a change, or --all to audit every doc");
  if (args.worktree && o.head !== undefined)
    throw new UsageError("give either --head REV or --worktree, not both");
  if (!FORMATTERS[args.format])
    throw new UsageError(
      `unknown format "${args.format}"; use one of ${Object.keys(FORMATTERS).join(", ")}`,
    );
  return args;
}

/** The change set of a check: commits (`--head`), or the working tree (`--worktree`). */
async function checkChangeSet(
  args: CheckArgs,
  root: string,
): Promise<GitChangeSet | WorktreeChangeSet> {
  if (args.worktree) {
    const headCommit = await resolveRev(root, "HEAD");
    const base = args.base
      ? await mergeBase(root, await resolveRev(root, args.base), headCommit)
      : null;
    return WorktreeChangeSet.create(root, base);
  }
  const head = await resolveRev(root, args.head);
  const base = args.base ? await mergeBase(root, await resolveRev(root, args.base), head) : null;
  return GitChangeSet.create(root, base, head);
}

export async function runCheck(args: CheckArgs, io: Io): Promise<number> {
  const root = await repoRoot(args.repo);
  return closing(await checkChangeSet(args, root), (cs) => checkWith(cs, args, io));
}

async function checkWith(
  cs: GitChangeSet | WorktreeChangeSet,
  args: CheckArgs,
  io: Io,
): Promise<number> {
  const config = await readCliConfig(cs, args.config);

  const progress = startProgress(io.progressFd, "g3doc-review: reviewing");
  let result;
  // A change's docs with suggestions to merge keep their layouts from the review's parse.
  const layouts = new Map<string, FileLayout | null>();
  try {
    result = await review(cs, config, {
      mode: args.all ? "all" : "change",
      docRunner: auditPool(args.jobs),
      layouts,
    });
  } finally {
    await progress.stop();
  }
  const report = {
    base: cs.base,
    head: cs.head,
    findings: await presented(cs, result, config, layouts),
    // Working-tree files a symbolic link kept from being read (check --worktree) are named too.
    notes: cs instanceof WorktreeChangeSet ? [...cs.notes, ...result.notes] : result.notes,
  };
  for (const chunk of batched(CHUNKED_FORMATTERS[args.format](report))) io.stdout(chunk);
  if (args.format === "github" && io.stepSummary)
    io.stepSummary(formatStepSummary(report, { annotated: annotated(report.findings).length }));
  return result.findings.some((f) => f.severity === "error") ? 1 : 0;
}

/**
 * The findings as the app presents them: overlapping suggestions of a file
 * merged into one over the union of their lines (GitHub applies each
 * suggestion over its own lines), carried by the first finding; the others
 * are still reported, without a suggestion.
 */
async function presented(
  cs: ChangeSet,
  result: ReviewResult,
  config: Config,
  layouts: ReadonlyMap<string, FileLayout | null>,
): Promise<Finding[]> {
  // The findings come sorted by path: merged a batch of docs at a time, so that only the
  // batch's texts are held (and re-parsed) at once.
  const byPath = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const list = byPath.get(f.path);
    if (list) list.push(f);
    else byPath.set(f.path, [f]);
  }
  const paths = [...byPath.keys()];
  const batches: string[][] = [];
  for (let i = 0; i < paths.length; i += READ_BATCH) batches.push(paths.slice(i, i + READ_BATCH));
  // The docs of each batch with two suggestions or more (those that may overlap): only their texts are read.
  const toRead = batches.map((batch) =>
    batch.filter((p) => byPath.get(p)!.filter((f) => f.suggestion !== null).length >= 2),
  );
  const textsOf = async (i: number) => {
    const texts = new Map<string, string>();
    for (const [p, c] of await cs.read(toRead[i], "head"))
      if (c.kind === "text") texts.set(p, c.text);
    return texts;
  };
  // Re-parsing to merge rewraps and list-marker fixes is bounded as in the app's review, by
  // MAX_REPARSE_CHARS for the whole run, so that the command reports what the review shows.
  let budget = MAX_REPARSE_CHARS;
  const out: Finding[] = [];
  for (let i = 0; i < batches.length; i++) {
    const findings = batches[i].flatMap((p) => byPath.get(p)!);
    if (toRead[i].length === 0) {
      out.push(...findings);
      continue;
    }
    const merged = mergeOverlapping(findings, await textsOf(i), config.lineLength, budget, layouts);
    budget -= merged.reparsed;
    out.push(...merged.findings);
    for (const riders of merged.riders.values())
      for (const f of riders) out.push({ ...f, suggestion: null });
  }
  return out.sort(compareFindings);
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

/** What went wrong, for stderr: one line per problem, never a stack trace. */
function reportError(e: unknown, io: Io): number {
  if (e instanceof ConfigError) {
    for (const p of e.problems) io.stderr(`g3doc-review: ${oneLine(p)}\n`);
    return 2;
  }
  if (e instanceof UsageError) {
    // One line, so that CI logs and scripts show the whole reason.
    const hint =
      /no command|unknown command|unknown option|needs a value|give |not take|option of|unexpected argument/.test(
        e.message,
      )
        ? ` (run "g3doc-review --help" for usage)`
        : "";
    io.stderr(`g3doc-review: ${oneLine(e.message)}${hint}\n`);
    return 2;
  }
  io.stderr(
    `g3doc-review: internal error: ${oneLine((e as Error).message)}; please report this with the command you ran\n`,
  );
  return 3;
}

function isCommand(s: string | undefined): s is Command {
  return (COMMANDS as readonly string[]).includes(s ?? "");
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "--help" || command === "-h" || command === "help") {
      io.stdout(isCommand(rest[0]) ? commandUsage(rest[0]) : USAGE);
      return 0;
    }
    if (command === "--version" || command === "-V") {
      io.stdout(`${version()}\n`);
      return 0;
    }
    if (!isCommand(command)) {
      const hint = command?.startsWith("-") ? "" : closestCommand(command);
      throw new UsageError(command ? `unknown command "${command}"${hint}` : "no command given");
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout(commandUsage(command));
      return 0;
    }
    if (command === "fix") return await runFix(parseFixArgs(rest, io.cwd), io);
    return await runCheck(parseCheckArgs(rest, io.cwd), io);
  } catch (e) {
    return reportError(e, io);
  }
}

function closestCommand(word: string | undefined): string {
  const near = word ? closest(word, COMMANDS) : undefined;
  return near ? `; did you mean ${near}?` : "";
}
