/**
 * `g3doc-review fix`: applies to the working tree exactly the suggestions
 * that `check` reports for the same range (narrowed by --rule), nothing
 * else. With --reformat it also does the house formatter's jobs, the way
 * gVisor's maintainers' formatter would on import (paragraphs filled to the
 * line limit, list markers padded, trailing whitespace stripped, blank lines
 * collapsed). Only lines the change touched are fixed, unless --all. Code
 * blocks, tables, HTML blocks and `<!-- mdformat off -->` regions are never
 * changed. Running it twice changes nothing the second time.
 */
import { resolve } from "node:path";
import { fixDocs, fixRuleIds } from "../core/fix/apply.js";
import { unifiedDiff } from "../core/fix/line-diff.js";
import { WorktreeChangeSet } from "./changeset-worktree.js";
import { closing } from "./changeset-git.js";
import { readCliConfig } from "./config.js";
import { jobsOption, parseOptions } from "./options.js";
import { auditPool, defaultJobs } from "./pool/audit-pool.js";
import { startProgress } from "./progress.js";
import { UsageError, repoRoot, resolveRev, mergeBase } from "./git.js";
import type { Io } from "./main.js";

export interface FixArgs {
  repo: string;
  base?: string;
  all: boolean;
  rules: string[];
  config?: string;
  dryRun: boolean;
  /** Also the house formatter's jobs (see core/fix/format.ts). */
  reformat: boolean;
  /** Threads of an audit (`--jobs`). */
  jobs: number;
}

export function parseFixArgs(argv: string[], cwd: string): FixArgs {
  const o = parseOptions("fix", argv);
  const args: FixArgs = {
    repo: o.repo ? resolve(cwd, o.repo as string) : cwd,
    base: o.base as string | undefined,
    all: o.all === true,
    rules: ((o.rule as string[] | undefined) ?? []).flatMap((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    config: o.config ? resolve(cwd, o.config as string) : undefined,
    dryRun: o["dry-run"] === true,
    reformat: o.reformat === true,
    jobs: jobsOption(o.jobs, defaultJobs()),
  };
  if (args.all && args.base) throw new UsageError("give either --base REV or --all, not both");
  if (!args.all && !args.base)
    throw new UsageError("give --base REV to fix a change, or --all to fix every doc");
  const known = new Set(fixRuleIds());
  for (const r of args.rules)
    if (!known.has(r))
      throw new UsageError(`unknown rule "${r}" for --rule; use one of ${[...known].join(", ")}`);
  return args;
}

export async function runFix(args: FixArgs, io: Io): Promise<number> {
  const root = await repoRoot(args.repo);
  const base = args.base
    ? await mergeBase(root, await resolveRev(root, args.base), await resolveRev(root, "HEAD"))
    : null;
  return closing(await WorktreeChangeSet.create(root, base), (cs) => fixWith(cs, args, io));
}

async function fixWith(cs: WorktreeChangeSet, args: FixArgs, io: Io): Promise<number> {
  const config = await readCliConfig(cs, args.config);

  const progress = startProgress(io.progressFd, "g3doc-review: fixing");
  const result = await fixDocs(cs, config, {
    mode: args.all ? "all" : "change",
    rules: args.rules,
    reformat: args.reformat,
    docRunner: auditPool(args.jobs),
  }).finally(() => progress.stop());
  for (const n of [...cs.notes, ...result.notes])
    io.stderr(`note: ${n}
`);
  if (result.files.length === 0) {
    io.stdout(args.dryRun ? "" : "Nothing to fix.\n");
    return 0;
  }
  if (args.dryRun) {
    for (const f of result.files) io.stdout(unifiedDiff(f.before, f.after, f.path));
    return 0;
  }
  let total = 0;
  let written = 0;
  for (const f of result.files) {
    // Never through a link, and only over the text the fixes were computed from.
    const refused = await cs.fs.replace(f.path, f.before, f.after);
    if (refused) {
      io.stderr(`note: ${f.path}: not written, ${refused}.\n`);
      continue;
    }
    written++;
    total += f.fixes;
    const rules = Object.entries(f.byRule)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([r, n]) => `${r} ${n}`)
      .join(", ");
    io.stdout(`${f.path}: ${f.fixes} fix${f.fixes === 1 ? "" : "es"} (${rules})\n`);
  }
  io.stdout(
    `Fixed ${written} doc${written === 1 ? "" : "s"} (${total} fix${total === 1 ? "" : "es"}).\n`,
  );
  return 0;
}
