/**
 * `npm run fix:consistency`: `fix` agrees with `check` on real Markdown that
 * is not g3doc, the markdown-large corpus (four repositories:
 * kubernetes/community, kubernetes/enhancements, rust-lang/book,
 * rust-lang/rfcs), each audited on its own as `precision:sample` does it
 * (`paths: ["**\/*.md"]`, no other setting). Per project it prints the docs,
 * the findings, the docs fix changed, and the three ways fix can disagree
 * (see agreement.ts): lines fix changed that no finding reported, findings
 * with a suggestion that check still reports on the fixed text, and blocks
 * that parse differently after fix away from the findings meant to change
 * them. Exit status 1 when any of them is not zero, 2 on bad usage.
 *
 *   node lib-tools/tools/fix/consistency.js [--dir DIR] [--only NAME] [--offset N] [--limit N] [--show N]
 *
 * - `--dir DIR`: every folder in DIR is a project (default: the corpus,
 *   unpacked into a temporary folder).
 * - `--only NAME`: only the project NAME (repeatable).
 * - `--offset N`: leave out the first N docs of each project, in path order
 *   (with `--limit`, a project can be checked in parts).
 * - `--limit N`: only the first N docs of each project (after the offset), in path order.
 * - `--show N`: print at most N of each kind of disagreement per project (default 20).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveConfig } from "../../src/config/load.js";
import { TextChangeSet } from "../../src/core/fix/apply.js";
import { mdFiles, sharedDir } from "../paths.js";
import { checkFixAgreement } from "./agreement.js";

const TARBALL = join(sharedDir(), "corpus", "markdown-large", "markdown-large.tar.xz");

export interface ProjectResult {
  name: string;
  docs: number;
  reported: number;
  fixedDocs: number;
  unreported: string[];
  leftWithSuggestion: string[];
  meaningDifferences: string[];
  ms: number;
}

/** Fix and check on one project: every `.md` under `root` (the first `limit` of them), audited. */
export async function projectAgreement(
  name: string,
  root: string,
  limit = Infinity,
  offset = 0,
): Promise<ProjectResult> {
  const t0 = performance.now();
  const paths = mdFiles(root).slice(offset, offset + limit);
  const texts = new Map(paths.map((p) => [p, readFileSync(join(root, p), "utf8")]));
  const a = await checkFixAgreement(
    new TextChangeSet(texts),
    resolveConfig({ paths: ["**/*.md"] }),
    "all",
  );
  return {
    name,
    docs: paths.length,
    reported: a.reported,
    fixedDocs: a.fixedDocs,
    unreported: a.unreported,
    leftWithSuggestion: a.leftWithSuggestion.map(
      (f) => `${f.path}:${f.line} ${f.rule}: ${f.message.slice(0, 100)}`,
    ),
    meaningDifferences: a.meaningDifferences,
    ms: Math.round(performance.now() - t0),
  };
}

/** The report lines, and whether any project disagrees. */
export function summarize(
  results: readonly ProjectResult[],
  show = 20,
): { lines: string[]; failed: boolean } {
  const lines = [
    "project                     docs  findings  fixed  unreported  left-with-suggestion  meaning-differences  seconds",
  ];
  let failed = false;
  for (const r of results) {
    const bad = r.unreported.length + r.leftWithSuggestion.length + r.meaningDifferences.length;
    if (bad > 0) failed = true;
    lines.push(
      `${r.name.padEnd(26)} ${String(r.docs).padStart(5)} ${String(r.reported).padStart(9)} ${String(r.fixedDocs).padStart(6)} ` +
        `${String(r.unreported.length).padStart(11)} ${String(r.leftWithSuggestion.length).padStart(21)} ` +
        `${String(r.meaningDifferences.length).padStart(20)} ${(r.ms / 1000).toFixed(1).padStart(8)}`,
    );
  }
  for (const r of results)
    for (const [what, xs] of [
      ["changed but not reported", r.unreported],
      ["still reported with a suggestion after fix", r.leftWithSuggestion],
      ["parses differently after fix", r.meaningDifferences],
    ] as const)
      for (const x of xs.slice(0, show)) lines.push(`${r.name}: ${what}: ${x}`);
  lines.push(
    failed
      ? "FAILED: fix and check disagree (see above)"
      : "ok: fix and check agree on every project",
  );
  return { lines, failed };
}

interface Args {
  dir?: string;
  only: string[];
  limit: number;
  offset: number;
  show: number;
}

function parseArgs(argv: readonly string[]): Args | string {
  const args: Args = { only: [], limit: Infinity, offset: 0, show: 20 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (!["--dir", "--only", "--offset", "--limit", "--show"].includes(flag))
      return `unknown argument ${flag}`;
    if (value === undefined) return `${flag} needs a value`;
    i++;
    if (flag === "--dir") args.dir = value;
    else if (flag === "--only") args.only.push(value);
    else {
      const n = Number(value);
      const least = flag === "--offset" ? 0 : 1;
      if (!Number.isInteger(n) || n < least)
        return `${flag} needs a whole number of at least ${least}, not ${value}`;
      if (flag === "--offset") args.offset = n;
      else if (flag === "--limit") args.limit = n;
      else args.show = n;
    }
  }
  return args;
}

/** Runs the check on every project in `dir`; returns the exit status. */
async function onFolder(dir: string, args: Args, log: (s: string) => void): Promise<number> {
  const names = readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isDirectory())
    .sort();
  const missing = args.only.filter((n) => !names.includes(n));
  if (missing.length > 0) {
    log(`no project ${missing.join(", ")} in ${dir} (there are: ${names.join(", ")})`);
    return 2;
  }
  if (names.length === 0) {
    log(`no project in ${dir}: each project is a folder in it`);
    return 2;
  }
  const results: ProjectResult[] = [];
  for (const name of args.only.length > 0 ? args.only : names)
    results.push(await projectAgreement(name, join(dir, name), args.limit, args.offset));
  const s = summarize(results, args.show);
  for (const l of s.lines) log(l);
  return s.failed ? 1 : 0;
}

/** The command: 0 when fix and check agree everywhere, 1 when they do not, 2 on bad usage. */
export async function runConsistency(
  argv: readonly string[],
  log: (s: string) => void = console.log,
): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    log(
      `${args}\nusage: fix:consistency [--dir DIR] [--only NAME] [--offset N] [--limit N] [--show N]`,
    );
    return 2;
  }
  if (args.dir !== undefined) {
    if (!existsSync(args.dir) || !statSync(args.dir).isDirectory()) {
      log(`--dir ${args.dir}: no such folder`);
      return 2;
    }
    return onFolder(args.dir, args, log);
  }
  if (!existsSync(TARBALL)) {
    log(`skipped: ${TARBALL} is absent`);
    return 0;
  }
  const dir = mkdtempSync(join(tmpdir(), "g3doc-review-fix-consistency-"));
  try {
    execFileSync("tar", ["-xJf", TARBALL, "-C", dir]);
    return await onFolder(dir, args, log);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1]))
  process.exitCode = await runConsistency(process.argv.slice(2));
