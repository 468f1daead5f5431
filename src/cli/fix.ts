/**
 * `g3doc-review fix`: applies the review's fixes to the working tree, the way
 * gVisor's maintainers' formatter would on import (paragraphs filled to the
 * line limit, list markers padded, trailing whitespace stripped) plus the
 * rules' own suggestions (terminology, ...). Only lines the change touched
 * are fixed, unless --all. Code blocks, tables, HTML blocks and
 * `<!-- mdformat off -->` regions are never changed. Running it twice changes
 * nothing the second time.
 */
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fixDocs, fixRuleIds } from "../core/fix/apply.js";
import { unifiedDiff } from "../core/fix/line-diff.js";
import { WorktreeChangeSet } from "./changeset-worktree.js";
import { readCliConfig } from "./config.js";
import { options } from "./options.js";
import { UsageError, repoRoot, resolveRev, mergeBase } from "./git.js";
import type { Io } from "./main.js";

export const FIX_USAGE = `  g3doc-review fix [--repo DIR] (--base REV | --all) [--rule ID ...]
                   [--config FILE] [--dry-run]

  --base REV     fix the lines the working tree changed since the merge base
                 of REV and HEAD (committed or not, untracked docs included)
  --all          fix every line of every doc in the working tree
  --rule ID      only this rule's fixes (repeatable); the formatter's jobs are
                 line-length, list-marker, trailing-whitespace, blank-lines
                 and final-newline
  --dry-run      print the changes as a unified diff; write nothing
`;

export interface FixArgs {
  repo: string;
  base?: string;
  all: boolean;
  rules: string[];
  config?: string;
  dryRun: boolean;
}

export function parseFixArgs(argv: string[], cwd: string): FixArgs {
  const args: FixArgs = { repo: cwd, all: false, rules: [], dryRun: false };
  for (const { flag, raw: a, value } of options(argv)) {
    switch (flag) {
      case "--repo":
        args.repo = resolve(cwd, value());
        break;
      case "--base":
        args.base = value();
        break;
      case "--all":
        args.all = true;
        break;
      case "--rule":
        args.rules.push(
          ...value()
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        );
        break;
      case "--config":
        args.config = resolve(cwd, value());
        break;
      case "--dry-run":
        args.dryRun = true;
        break;
      default:
        throw new UsageError(`unknown option "${a}"`);
    }
  }
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
  const cs = await WorktreeChangeSet.create(root, base);

  const config = await readCliConfig(cs, args.config);

  const result = await fixDocs(cs, config, {
    mode: args.all ? "all" : "change",
    rules: args.rules,
  });
  for (const n of result.notes) io.stderr(`note: ${n}\n`);
  if (result.files.length === 0) {
    io.stdout(args.dryRun ? "" : "Nothing to fix.\n");
    return 0;
  }
  if (args.dryRun) {
    for (const f of result.files) io.stdout(unifiedDiff(f.before, f.after, f.path));
    return 0;
  }
  let total = 0;
  for (const f of result.files) {
    await writeFile(join(root, f.path), f.after, "utf8");
    total += f.fixes;
    const rules = Object.entries(f.byRule)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([r, n]) => `${r} ${n}`)
      .join(", ");
    io.stdout(`${f.path}: ${f.fixes} fix${f.fixes === 1 ? "" : "es"} (${rules})\n`);
  }
  io.stdout(
    `Fixed ${result.files.length} doc${result.files.length === 1 ? "" : "s"} (${total} fix${total === 1 ? "" : "es"}).\n`,
  );
  return 0;
}
