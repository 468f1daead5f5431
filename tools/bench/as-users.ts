/**
 * The command as users run it, beside markdownlint-cli2, on one git
 * repository of a corpus: `g3doc-review check --all --format json` into a
 * file, and `markdownlint-cli2 "**\/*.md"` with a Google-like config, each
 * as a process of its own under `/usr/bin/time`, which gives wall time, CPU
 * and peak resident memory. Both run in the same invocation, one after the
 * other, so their ratio is fair on a noisy machine.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./stats.js";

/** The config both tools get: the Google-like subset markdownlint can say. */
export const MARKDOWNLINT_CONFIG = {
  config: {
    default: true,
    MD013: { line_length: 80, code_blocks: false, tables: false, headings: false },
    MD007: { indent: 4 },
    MD004: false,
    MD029: false,
    MD030: false,
    MD033: false,
    MD041: false,
  },
  noProgress: true,
};

export interface ProcessCost {
  ms: number;
  cpu_ms: number;
  peak_rss_mb: number;
  exit: number;
  /** Bytes the tool wrote as its report. */
  output_bytes: number;
}

export interface AsUsers {
  command: ProcessCost & { findings: number };
  markdownlint: ProcessCost & { findings: number };
}

/** The project's root (where package.json is), from lib-tools/tools/bench/. */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("package.json not found above the bench");
    dir = up;
  }
  return dir;
}

/**
 * Runs `argv` in `cwd` under /usr/bin/time, its standard output into
 * `outFile` (and standard error too when `errToOut`).
 */
export function timeProcess(
  argv: string[],
  cwd: string,
  outFile: string,
  errToOut = false,
): ProcessCost {
  const timeFile = `${outFile}.time`;
  const out = openSync(outFile, "w");
  try {
    const r = spawnSync("/usr/bin/time", ["-o", timeFile, "-f", "%e %U %S %M", ...argv], {
      cwd,
      stdio: ["ignore", out, errToOut ? out : "pipe"],
      maxBuffer: 64 * 1048576,
    });
    if (r.error) throw r.error;
    const [wall, user, sys, rssKb] = readFileSync(timeFile, "utf8")
      .trim()
      .split("\n")
      .pop()!
      .split(" ")
      .map(Number);
    if (![wall, user, sys, rssKb].every(Number.isFinite))
      throw new Error(`could not read /usr/bin/time's figures for ${argv.join(" ")}`);
    return {
      ms: Math.round(wall * 1000),
      cpu_ms: Math.round((user + sys) * 1000),
      peak_rss_mb: Math.round(rssKb / 1024),
      exit: r.status ?? -1,
      output_bytes: statSync(outFile).size,
    };
  } finally {
    closeSync(out);
  }
}

/** Makes `dir` a git repository with one commit of everything in it. */
export function commitAll(dir: string): void {
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], {
      cwd: dir,
      stdio: "ignore",
    });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "--no-verify", "-m", "corpus");
}

/**
 * Writes both tools' configs into the repository at `dir` (committed
 * afterwards by the caller): ours reviews every `.md` file.
 */
export function writeConfigs(dir: string): void {
  mkdirSync(join(dir, ".github"), { recursive: true });
  writeFileSync(join(dir, ".github", "g3doc-review.yml"), 'paths: ["**/*.md"]\n');
  writeFileSync(
    join(dir, ".markdownlint-cli2.jsonc"),
    JSON.stringify(MARKDOWNLINT_CONFIG, null, 2) + "\n",
  );
}

/** Runs both tools on the committed repository at `repo`; reports go to `outDir`. */
export function measureAsUsers(repo: string, outDir: string): AsUsers {
  const root = projectRoot();
  const markdownlintBin = join(
    root,
    "node_modules",
    "markdownlint-cli2",
    "markdownlint-cli2-bin.mjs",
  );
  if (!existsSync(markdownlintBin))
    throw new Error(`${markdownlintBin} is absent: run npm ci first`);
  const ourBin = join(root, "lib", "cli", "bin.js");
  if (!existsSync(ourBin)) throw new Error(`${ourBin} is absent: run npm run build first`);
  const ourOut = join(outDir, "g3doc-review.json");
  const command = timeProcess(
    [process.execPath, ourBin, "check", "--all", "--format", "json"],
    repo,
    ourOut,
  );
  if (command.exit !== 0 && command.exit !== 1)
    throw new Error(`g3doc-review check exited ${command.exit}; its report is ${ourOut}`);
  const report = JSON.parse(readFileSync(ourOut, "utf8")) as { findings?: unknown[] };
  const theirOut = join(outDir, "markdownlint.txt");
  const markdownlint = timeProcess(
    [process.execPath, markdownlintBin, "**/*.md"],
    repo,
    theirOut,
    true,
  );
  if (markdownlint.exit !== 0 && markdownlint.exit !== 1)
    throw new Error(`markdownlint-cli2 exited ${markdownlint.exit}; its output is ${theirOut}`);
  // Its default formatter writes one line per finding: "path:line[:column] MDnnn/...".
  const findings = readFileSync(theirOut, "utf8")
    .split("\n")
    .filter((l) => / MD\d{3}\//.test(l)).length;
  return {
    command: { ...command, findings: report.findings?.length ?? 0 },
    markdownlint: { ...markdownlint, findings },
  };
}

/** Several runs of both tools, in one figure each. */
export interface AsUsersRuns {
  /** Our wall over theirs, run by run (each pair one after the other). */
  ratios: number[];
  /** The median of `ratios`: the figure a noisy machine moves least. */
  vs_markdownlint: number;
  /** Median wall and CPU time of each tool; its largest peak RSS; its findings (the same every run). */
  command: { ms: number; cpu_ms: number; peak_rss_mb: number; findings: number };
  markdownlint: { ms: number; cpu_ms: number; peak_rss_mb: number; findings: number };
}

/** Folds runs of measureAsUsers into medians (peak memory: the largest seen). */
export function summarizeRuns(runs: readonly AsUsers[]): AsUsersRuns {
  if (runs.length === 0) throw new Error("no runs to summarize");
  const fold = (pick: (r: AsUsers) => ProcessCost & { findings: number }) => ({
    ms: median(runs.map((r) => pick(r).ms)),
    cpu_ms: median(runs.map((r) => pick(r).cpu_ms)),
    peak_rss_mb: Math.max(...runs.map((r) => pick(r).peak_rss_mb)),
    findings: pick(runs[runs.length - 1]).findings,
  });
  const ratios = runs.map((r) => Math.round((r.command.ms / r.markdownlint.ms) * 100) / 100);
  return {
    ratios,
    vs_markdownlint: Math.round(median(ratios) * 100) / 100,
    command: fold((r) => r.command),
    markdownlint: fold((r) => r.markdownlint),
  };
}
