/**
 * The command line: one table of options for every command, parsed with
 * Node's `util.parseArgs`; usage texts are made from the same table. Errors
 * are UsageErrors that say what to do, with "did you mean" for a typo.
 */
import { parseArgs } from "node:util";
import { closest } from "../config/suggest.js";
import { UsageError } from "./git.js";

export type Command = "check" | "fix";
export const COMMANDS: readonly Command[] = ["check", "fix"];

interface OptionSpec {
  type: "string" | "boolean";
  /** The value's name in the usage text. */
  arg?: string;
  multiple?: boolean;
  short?: string;
  commands: readonly Command[];
  /** The help text, per command where it differs. */
  help: string | Partial<Record<Command, string>>;
}

export const OPTIONS: Record<string, OptionSpec> = {
  repo: {
    type: "string",
    arg: "DIR",
    commands: ["check", "fix"],
    help: "the git checkout (default: the current folder)",
  },
  base: {
    type: "string",
    arg: "REV",
    commands: ["check", "fix"],
    help: {
      check:
        "review the change from the merge base of REV and the head to the\nhead, as a pull request shows it",
      fix: "fix the lines the working tree changed since the merge base of REV\nand HEAD (committed or not, untracked docs included)",
    },
  },
  head: {
    type: "string",
    arg: "REV",
    commands: ["check"],
    help: "the revision under review (default: HEAD)",
  },
  worktree: {
    type: "boolean",
    commands: ["check"],
    help: "review the working tree instead of a revision: uncommitted and\nuntracked changes count, as fix sees them (the config too)",
  },
  all: {
    type: "boolean",
    commands: ["check", "fix"],
    help: { check: "audit every doc instead of a change", fix: "fix every line of every doc" },
  },
  jobs: {
    type: "string",
    arg: "N",
    commands: ["check", "fix"],
    help: "with --all, share the docs out over N threads (default: one per\ncore); the findings are the same with any N",
  },
  rule: {
    type: "string",
    arg: "ID",
    multiple: true,
    commands: ["fix"],
    help:
      "only this rule's fixes (repeatable, or comma-separated); the\n" +
      "formatter's jobs are line-length, list-marker, trailing-whitespace,\n" +
      "blank-lines and final-newline",
  },
  config: {
    type: "string",
    arg: "FILE",
    commands: ["check", "fix"],
    help: "config file (default: .github/g3doc-review.yml at the head, if\npresent)",
  },
  format: {
    type: "string",
    arg: "F",
    commands: ["check"],
    help: "text (default), json, sarif, rdjson or github",
  },
  reformat: {
    type: "boolean",
    commands: ["fix"],
    help:
      "also do the house formatter's jobs where no finding asked: refill\n" +
      "paragraphs to the line limit, pad list markers, strip trailing\n" +
      "whitespace, collapse blank lines (default: only what check reports)",
  },
  "dry-run": {
    type: "boolean",
    commands: ["fix"],
    help: "print the changes as a unified diff; write nothing",
  },
  help: { type: "boolean", short: "h", commands: ["check", "fix"], help: "show this help" },
};

export const SYNOPSIS: Record<Command, string> = {
  check: `g3doc-review check [--repo DIR] (--base REV | --all) [--head REV | --worktree]
                   [--config FILE] [--format text|json|sarif|rdjson|github]
                   [--jobs N]`,
  fix: `g3doc-review fix [--repo DIR] (--base REV | --all) [--rule ID ...]
                 [--config FILE] [--reformat] [--dry-run] [--jobs N]`,
};

const SUMMARY: Record<Command, string> = {
  check: "Reviews a change, or every doc, of a git checkout.",
  fix: "Applies the review's mechanical fixes to the working tree.",
};

export const EXIT_STATUS = `Exit status: 0 when no error is reported, 1 when one is, 2 on bad usage,
a bad config, an unknown revision or a folder that is not a git repository,
3 on an internal error.`;

/** Words filled into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** The option rows of one command's usage, from the option table. */
function optionRows(command: Command): string {
  return Object.entries(OPTIONS)
    .filter(([, o]) => o.commands.includes(command))
    .map(([name, o]) => {
      const flag = `${o.short ? `-${o.short}, ` : ""}--${name}${o.arg ? ` ${o.arg}` : ""}`;
      const help = typeof o.help === "string" ? o.help : (o.help[command] ?? "");
      const [first, ...more] = wrap(help.replace(/\n/g, " "), 80 - 19);
      return [`  ${flag.padEnd(16)} ${first}`, ...more.map((l) => `${" ".repeat(19)}${l}`)];
    })
    .flat()
    .join("\n");
}

/** The usage text of one command. */
export function commandUsage(command: Command): string {
  return `Usage:\n  ${SYNOPSIS[command]}\n\n${SUMMARY[command]}\n\n${optionRows(command)}\n`;
}

/** The usage of every command, with their options. */
export function usage(): string {
  return `Usage:
  ${SYNOPSIS.check}
  ${SYNOPSIS.fix}
  g3doc-review --version

check: ${SUMMARY.check}

${optionRows("check")}

fix: ${SUMMARY.fix}

${optionRows("fix")}

${EXIT_STATUS}
`;
}

/** Every option name, with the commands that have it. */
const ALL_FLAGS = Object.keys(OPTIONS).map((n) => `--${n}`);

function unknownOption(command: Command, raw: string): UsageError {
  const flag = raw.split("=")[0];
  const name = flag.replace(/^--?/, "");
  const other = OPTIONS[name];
  if (other && !other.commands.includes(command))
    return new UsageError(
      `${flag} is an option of ${other.commands.join(" and ")}, not ${command}`,
    );
  const own = ALL_FLAGS.filter((f) => OPTIONS[f.slice(2)].commands.includes(command));
  const hint = flag.startsWith("--") ? closest(flag, own) : undefined;
  return new UsageError(`unknown option "${flag}"${hint ? `; did you mean ${hint}?` : ""}`);
}

export type ParsedOptions = Record<string, string | boolean | string[] | undefined>;

/** The options of one command, or a UsageError that says what is wrong. */
export function parseOptions(command: Command, argv: readonly string[]): ParsedOptions {
  const options = Object.fromEntries(
    Object.entries(OPTIONS)
      .filter(([, o]) => o.commands.includes(command))
      .map(([name, o]) => [
        name,
        {
          type: o.type,
          ...(o.multiple ? { multiple: true } : {}),
          ...(o.short ? { short: o.short } : {}),
        },
      ]),
  );
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false })
      .values as ParsedOptions;
  } catch (e) {
    throw usageErrorOf(command, argv, e as Error & { code?: string });
  }
}

/** parseArgs's errors, said the command's way. */
function usageErrorOf(
  command: Command,
  argv: readonly string[],
  e: Error & { code?: string },
): Error {
  const quoted = e.message.match(/'([^']+)'/)?.[1] ?? "";
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return unknownOption(command, quoted);
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const flag = quoted.split(" ")[0];
      // A string option given no value (at the end, or followed by another option).
      if (/argument missing|argument is ambiguous/.test(e.message))
        return new UsageError(`${flag} needs a value`);
      return new UsageError(`${flag} does not take a value`);
    }
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return new UsageError(
        `unexpected argument "${argv.find((a) => !a.startsWith("-")) ?? quoted}"; options start with --`,
      );
    default:
      return e;
  }
}

/** `--jobs N`: a whole number of threads from 1 to 64, or the default when not given. */
export function jobsOption(raw: unknown, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== "string" || !/^\d+$/.test(raw.trim()) || n < 1 || n > 64)
    throw new UsageError(
      `--jobs takes a whole number of threads from 1 to 64, not ${JSON.stringify(raw)}`,
    );
  return n;
}
