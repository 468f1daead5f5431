/**
 * `g3doc-review check`: reviews a git range (or a whole tree) of a local
 * checkout with the same engine the GitHub App uses.
 * Exit status: 0 no error reported, 1 an error reported, 2 bad usage / bad
 * config / unknown revision / not a repository.
 */
import { resolve } from "node:path";
import { review } from "../core/engine.js";
import { ConfigError } from "../config/load.js";
import { GitChangeSet } from "./changeset-git.js";
import { options } from "./options.js";
import { UsageError, repoRoot, resolveRev, mergeBase } from "./git.js";
import { FORMATTERS } from "./formatters/index.js";
import { FIX_USAGE, parseFixArgs, runFix } from "./fix.js";

import { CONFIG_PATH, readCliConfig } from "./config.js";

export { CONFIG_PATH };

export const USAGE = `Usage:
  g3doc-review check [--repo DIR] (--base REV [--head REV] | --all [--head REV])
                     [--config FILE] [--format text|json|sarif|rdjson|github]

  --repo DIR     the git checkout to review (default: the current folder)
  --base REV     review the change from the merge base of REV and --head to --head
  --head REV     the revision under review (default: HEAD)
  --all          audit every doc at --head instead of a change
  --config FILE  config file (default: ${CONFIG_PATH} at --head, if present)
  --format F     text (default), json, sarif, rdjson or github

${FIX_USAGE}
Exit status: 0 when no error is reported, 1 when one is, 2 on bad usage,
a bad config, an unknown revision or a folder that is not a git repository.
`;

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
}

export interface CheckArgs {
  repo: string;
  base?: string;
  head: string;
  all: boolean;
  config?: string;
  format: string;
}

export function parseCheckArgs(argv: string[], cwd: string): CheckArgs {
  const args: CheckArgs = { repo: cwd, head: "HEAD", all: false, format: "text" };
  for (const { flag, raw: a, value } of options(argv)) {
    switch (flag) {
      case "--repo":
        args.repo = resolve(cwd, value());
        break;
      case "--base":
        args.base = value();
        break;
      case "--head":
        args.head = value();
        break;
      case "--all":
        args.all = true;
        break;
      case "--config":
        args.config = resolve(cwd, value());
        break;
      case "--format":
        args.format = value();
        break;
      default:
        throw new UsageError(`unknown option "${a}"`);
    }
  }
  if (args.all && args.base) throw new UsageError("give either --base REV or --all, not both");
  if (!args.all && !args.base)
    throw new UsageError("give --base REV to review a change, or --all to audit every doc");
  if (!FORMATTERS[args.format])
    throw new UsageError(
      `unknown format "${args.format}"; use one of ${Object.keys(FORMATTERS).join(", ")}`,
    );
  return args;
}

export async function runCheck(args: CheckArgs, io: Io): Promise<number> {
  const root = await repoRoot(args.repo);
  const head = await resolveRev(root, args.head);
  const base = args.base ? await mergeBase(root, await resolveRev(root, args.base), head) : null;
  const cs = await GitChangeSet.create(root, base, head);

  const config = await readCliConfig(cs, args.config);

  const result = await review(cs, config, { mode: args.all ? "all" : "change" });
  io.stdout(
    FORMATTERS[args.format]({ base, head, findings: result.findings, notes: result.notes }),
  );
  return result.findings.some((f) => f.severity === "error") ? 1 : 0;
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "--help" || command === "-h" || command === "help") {
      io.stdout(USAGE);
      return 0;
    }
    if (command === "fix") return await runFix(parseFixArgs(rest, io.cwd), io);
    if (command !== "check")
      throw new UsageError(command ? `unknown command "${command}"` : "no command given");
    return await runCheck(parseCheckArgs(rest, io.cwd), io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      // One line, so that CI logs and scripts show the whole reason.
      const hint =
        e instanceof UsageError &&
        /no command|unknown command|unknown option|needs a value|give /.test(e.message)
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
}
