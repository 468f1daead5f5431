/**
 * `npm run bench:engine`: the engine's cost against the parser's.
 *
 * For each corpus: files, bytes, the time of the engine's `review` in audit
 * mode over an in-memory change set of the docs, the time of `parseOnly`
 * over the same docs, their ratio, and MB/s of the engine. Both are measured
 * in the same run, warm (one warm-up pass each), wall and CPU time.
 *
 * For the corpora users audit as a whole (repeated and large) it also runs
 * the command as users run it, `check --all --format json` into a file, and
 * markdownlint-cli2 with a Google-like config, as processes on a git
 * repository of the corpus (tools/bench/as-users.ts), and adds to the row
 * command_ms, peak_rss_mb, markdownlint_ms, markdownlint_peak_rss_mb and
 * vs_markdownlint (our wall over theirs, same run).
 *
 *   node lib-tools/tools/bench/engine.js [--only gvisor|large|repeated|dense] [--limit-mb N]
 *     [--json FILE] [--no-command | --command-only] [--runs N]
 *
 * `--runs N` runs the two processes N times in turn (ours, theirs, ours...)
 * and reports medians (peak RSS: the largest), `vs_markdownlint` being the
 * median of the N ratios, each of a pair run one after the other; the row's
 * `vs_markdownlint_runs` lists them.
 *
 * Corpora (read from ../shared at run time; a corpus is skipped, with a
 * message, when its data is absent):
 *   gvisor    the .md files of gVisor's g3doc tree;
 *   large     the markdown-large tarball, unpacked into a temporary folder;
 *   repeated  the gVisor tree repeated under distinct folders to at least 20 MB;
 *   dense     built in (tools/bench/dense.ts), the worst cases of size and shape:
 *             one 5 MB doc dense in markup and 200 KB of random Markdown
 *             punctuation (row "dense"); 1 MB of `<a <a <a ...` in 32 KB
 *             paragraphs and 1 MB of it on one line ("dense-angle"); a 1 MB
 *             BUILD file of 8,000 doc() rules ("dense-build-rules"); a BUILD
 *             file nested 2,000 deep ("dense-build-deep"). For a BUILD row the
 *             parse is remark's parse of the same bytes, the yardstick of the
 *             bad-input tests.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { review } from "../../src/core/engine.js";
import { parseOnly } from "../../src/core/markdown/parse.js";
import { resolveConfig } from "../../src/config/load.js";
import { AuditChangeSet } from "./memory-changeset.js";
import { angleSoup, deepBuild, denseMarkdown, manyDocRules, punctuationSoup } from "./dense.js";
import { sharedDir } from "../paths.js";
import { commitAll, measureAsUsers, summarizeRuns, writeConfigs } from "./as-users.js";

export const SHARED = sharedDir();
const GVISOR_G3DOC = join(SHARED, "corpus", "gvisor", "g3doc-head", "g3doc");
const LARGE_TARBALL = join(SHARED, "corpus", "markdown-large", "markdown-large.tar.xz");
const REPEATED_MB = 20;

interface Corpus {
  name: string;
  docs: Map<string, string>;
  otherPaths: string[];
  /** Files the review reads that are not docs (BUILD files): path -> text. */
  files?: Map<string, string>;
  cleanup?: () => void;
  /** Makes the corpus a git repository on disk, for the command as users run it. */
  repo?: () => string;
}

export interface Row {
  name: string;
  files: number;
  bytes: number;
  engine_ms: number;
  parse_ms: number;
  ratio: number;
  mb_per_s: number;
  engine_cpu_ms: number;
  parse_cpu_ms: number;
  ratio_cpu: number;
  findings: number;
  notes: number;
  /** The command as users run it (check --all --format json into a file), when measured. */
  command_ms?: number;
  command_cpu_ms?: number;
  peak_rss_mb?: number;
  command_findings?: number;
  markdownlint_ms?: number;
  markdownlint_cpu_ms?: number;
  markdownlint_peak_rss_mb?: number;
  markdownlint_findings?: number;
  /** Our wall time over markdownlint-cli2's, same run. */
  vs_markdownlint?: number;
  /** With --runs N: each pair's ratio, in the order run. */
  vs_markdownlint_runs?: number[];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The files under `dir` as repository paths under `prefix`: .md files read, the rest only listed. */
function loadTree(
  dir: string,
  prefix: string,
  limitBytes: number,
): { docs: Map<string, string>; otherPaths: string[] } {
  const docs = new Map<string, string>();
  const otherPaths: string[] = [];
  let bytes = 0;
  for (const file of walk(dir).sort()) {
    const path = `${prefix}/${relative(dir, file).split(sep).join("/")}`;
    if (!file.endsWith(".md")) {
      otherPaths.push(path);
      continue;
    }
    if (bytes >= limitBytes) continue;
    const text = readFileSync(file, "utf8");
    docs.set(path, text);
    bytes += Buffer.byteLength(text);
  }
  return { docs, otherPaths };
}

function gvisor(limitBytes: number): Corpus | string {
  if (!existsSync(GVISOR_G3DOC)) return `${GVISOR_G3DOC} is absent`;
  return { name: "gvisor", ...loadTree(GVISOR_G3DOC, "g3doc", limitBytes) };
}

function large(limitBytes: number): Corpus | string {
  if (!existsSync(LARGE_TARBALL)) return `${LARGE_TARBALL} is absent`;
  const dir = mkdtempSync(join(tmpdir(), "g3doc-review-bench-"));
  execFileSync("tar", ["-xJf", LARGE_TARBALL, "-C", dir]);
  // Under g3doc/, so that the default config reviews every file.
  const tree = loadTree(dir, "g3doc/large", limitBytes);
  return {
    name: "large",
    ...tree,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    repo: () => {
      const repo = join(dir, "repo");
      mkdirSync(repo);
      // The docs the in-memory run reads (all of them unless --limit-mb).
      for (const [path, text] of tree.docs) {
        const file = join(repo, path.slice("g3doc/large/".length));
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
      writeConfigs(repo);
      commitAll(repo);
      return repo;
    },
  };
}

function repeated(limitBytes: number): Corpus | string {
  if (!existsSync(GVISOR_G3DOC)) return `${GVISOR_G3DOC} is absent`;
  const target = Math.min(limitBytes, REPEATED_MB * 1048576);
  const docs = new Map<string, string>();
  const otherPaths: string[] = [];
  let bytes = 0;
  let copies = 0;
  for (let copy = 0; bytes < target; copy++, copies++) {
    // Copy 0 is the tree itself; the others sit in folders of their own, links intact.
    const t = loadTree(GVISOR_G3DOC, copy === 0 ? "g3doc" : `g3doc/copy-${copy}`, Infinity);
    for (const [p, text] of t.docs) {
      docs.set(p, text);
      bytes += Buffer.byteLength(text);
    }
    otherPaths.push(...t.otherPaths);
  }
  let dir: string | undefined;
  return {
    name: "repeated",
    docs,
    otherPaths,
    cleanup: () => dir && rmSync(dir, { recursive: true, force: true }),
    repo: () => {
      dir = mkdtempSync(join(tmpdir(), "g3doc-review-bench-"));
      // The same tree: copy 0 at g3doc/, the others under g3doc/copy-N/, images and BUILD files included.
      cpSync(GVISOR_G3DOC, join(dir, "g3doc"), { recursive: true });
      for (let copy = 1; copy < copies; copy++)
        cpSync(GVISOR_G3DOC, join(dir, "g3doc", `copy-${copy}`), { recursive: true });
      writeConfigs(dir);
      commitAll(dir);
      return dir;
    },
  };
}

function dense(limitBytes: number): Corpus[] {
  const mb = Math.min(limitBytes, 1048576);
  const docs = new Map<string, string>([
    ["g3doc/dense.md", denseMarkdown(Math.min(limitBytes, 5 * 1048576))],
    ["g3doc/punctuation.md", punctuationSoup(Math.min(limitBytes, 200_000))],
  ]);
  const index = new Map([["g3doc/index.md", "# Index\n\nThe docs.\n"]]);
  return [
    { name: "dense", docs, otherPaths: ["g3doc/guide.md"] },
    {
      name: "dense-angle",
      docs: new Map([
        ["g3doc/angle.md", angleSoup(mb)],
        ["g3doc/angle-line.md", `${"<a ".repeat(Math.floor(mb / 3)).trimEnd()}\n`],
      ]),
      otherPaths: [],
    },
    {
      name: "dense-build-rules",
      docs: index,
      otherPaths: [],
      files: new Map([["g3doc/BUILD", manyDocRules(Math.max(1, Math.floor(mb / 131)))]]),
    },
    {
      name: "dense-build-deep",
      docs: index,
      otherPaths: [],
      files: new Map([["g3doc/BUILD", deepBuild(2000)]]),
    },
  ];
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function timed<T>(fn: () => T): { value: T; ms: number; cpuMs: number } {
  gc();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, ms, cpuMs: (c.user + c.system) / 1000 };
}

async function timedAsync<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; ms: number; cpuMs: number }> {
  gc();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, ms, cpuMs: (c.user + c.system) / 1000 };
}

export async function measure(c: Corpus): Promise<Row> {
  const texts = [...c.docs.values(), ...(c.files?.values() ?? [])];
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const config = resolveConfig({});
  const parseAll = () => {
    for (const t of texts) parseOnly(t);
  };
  const engine = () =>
    review(new AuditChangeSet(c.docs, c.otherPaths, c.files), config, { mode: "all" });
  // Warm-up: one pass of each.
  parseAll();
  await engine();
  const p = timed(parseAll);
  const e = await timedAsync(engine);
  const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    name: c.name,
    files: c.docs.size + (c.files?.size ?? 0),
    bytes,
    engine_ms: round(e.ms, 1),
    parse_ms: round(p.ms, 1),
    ratio: round(e.ms / p.ms),
    mb_per_s: round(bytes / 1048576 / (e.ms / 1000), 3),
    engine_cpu_ms: round(e.cpuMs, 1),
    parse_cpu_ms: round(p.cpuMs, 1),
    ratio_cpu: round(e.cpuMs / p.cpuMs),
    findings: e.value.findings.length,
    notes: e.value.notes.length,
  };
}

/** A figure for the table; "-" where not measured. */
const fixed = (x: number | undefined, digits: number) =>
  x === undefined || Number.isNaN(x) ? "-" : x.toFixed(digits);

function table(rows: Row[]): string {
  const head = [
    "corpus",
    "files",
    "MB",
    "engine ms",
    "parse ms",
    "ratio",
    "MB/s",
    "engine cpu",
    "parse cpu",
    "ratio cpu",
    "findings",
    "command ms",
    "markdownlint ms",
    "vs markdownlint",
    "peak RSS MB",
    "markdownlint RSS MB",
  ];
  const body = rows.map((r) => [
    r.name,
    String(r.files),
    (r.bytes / 1048576).toFixed(2),
    fixed(r.engine_ms, 0),
    fixed(r.parse_ms, 0),
    fixed(r.ratio, 2),
    fixed(r.mb_per_s, 3),
    fixed(r.engine_cpu_ms, 0),
    fixed(r.parse_cpu_ms, 0),
    fixed(r.ratio_cpu, 2),
    fixed(r.findings, 0),
    fixed(r.command_ms, 0),
    fixed(r.markdownlint_ms, 0),
    fixed(r.vs_markdownlint, 2),
    fixed(r.peak_rss_mb, 0),
    fixed(r.markdownlint_peak_rss_mb, 0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

export interface Args {
  only?: string;
  limitMb: number;
  json?: string;
  /** Skip the command-vs-markdownlint-cli2 processes. */
  noCommand?: boolean;
  /** Only the command-vs-markdownlint-cli2 processes (no in-process engine and parse). */
  commandOnly?: boolean;
  /** Pairs of command and markdownlint-cli2 runs (default 1). */
  runs: number;
}

export function parseArgs(argv: string[]): Args {
  const out: Args = { limitMb: Infinity, runs: 1 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes("=") ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--only") {
      out.only = value();
      if (!["gvisor", "large", "repeated", "dense"].includes(out.only))
        throw new Error(`--only takes gvisor, large, repeated or dense, not "${out.only}"`);
    } else if (flag === "--limit-mb") {
      out.limitMb = Number(value());
      if (!(out.limitMb > 0)) throw new Error("--limit-mb takes a positive number of MB");
    } else if (flag === "--json") out.json = value();
    else if (flag === "--no-command") out.noCommand = true;
    else if (flag === "--command-only") out.commandOnly = true;
    else if (flag === "--runs") {
      out.runs = Number(value());
      if (!Number.isInteger(out.runs) || out.runs < 1 || out.runs > 20)
        throw new Error("--runs takes a whole number from 1 to 20");
    } else
      throw new Error(
        `unknown option "${argv[i]}"; use --only gvisor|large|repeated|dense, --limit-mb N, --json FILE, --no-command, --command-only, --runs N`,
      );
  }
  if (out.noCommand && out.commandOnly)
    throw new Error("--no-command and --command-only exclude each other");
  return out;
}

/** The row's command-vs-markdownlint-cli2 figures, from processes run on the corpus's repository. */
function asUsers(c: Corpus, runs: number): Partial<Row> {
  const repo = c.repo!();
  const outDir = mkdtempSync(join(tmpdir(), "g3doc-review-bench-out-"));
  try {
    const each = [];
    for (let i = 0; i < runs; i++) {
      process.stdout.write(
        `  check --all --format json and markdownlint-cli2 on ${repo}${runs > 1 ? ` (run ${i + 1} of ${runs})` : ""}...\n`,
      );
      each.push(measureAsUsers(repo, outDir));
    }
    const r = summarizeRuns(each);
    if (runs > 1) process.stdout.write(`  ours / theirs, run by run: ${r.ratios.join(", ")}\n`);
    return {
      command_ms: r.command.ms,
      command_cpu_ms: r.command.cpu_ms,
      peak_rss_mb: r.command.peak_rss_mb,
      command_findings: r.command.findings,
      markdownlint_ms: r.markdownlint.ms,
      markdownlint_cpu_ms: r.markdownlint.cpu_ms,
      markdownlint_peak_rss_mb: r.markdownlint.peak_rss_mb,
      markdownlint_findings: r.markdownlint.findings,
      vs_markdownlint: r.vs_markdownlint,
      vs_markdownlint_runs: r.ratios,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function blankRow(c: Corpus): Row {
  const bytes = [...c.docs.values(), ...(c.files?.values() ?? [])].reduce(
    (n, t) => n + Buffer.byteLength(t),
    0,
  );
  const nan = Number.NaN;
  return {
    name: c.name,
    files: c.docs.size + (c.files?.size ?? 0),
    bytes,
    engine_ms: nan,
    parse_ms: nan,
    ratio: nan,
    mb_per_s: nan,
    engine_cpu_ms: nan,
    parse_cpu_ms: nan,
    ratio_cpu: nan,
    findings: nan,
    notes: nan,
  };
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench:engine: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const limitBytes = args.limitMb * 1048576;
  const makers: [string, (limit: number) => Corpus | Corpus[] | string][] = [
    ["gvisor", gvisor],
    ["large", large],
    ["repeated", repeated],
    ["dense", dense],
  ];
  const rows: Row[] = [];
  for (const [name, make] of makers) {
    if (args.only && args.only !== name) continue;
    const made = make(limitBytes);
    if (typeof made === "string") {
      process.stdout.write(`skipping ${name}: ${made} (the corpus lives in ../shared)\n`);
      continue;
    }
    for (const c of Array.isArray(made) ? made : [made]) {
      try {
        const files = c.docs.size + (c.files?.size ?? 0);
        process.stdout.write(`measuring ${c.name}: ${files} files...\n`);
        const row = args.commandOnly ? blankRow(c) : await measure(c);
        if (c.repo && !args.noCommand) Object.assign(row, asUsers(c, args.runs));
        rows.push(row);
      } finally {
        c.cleanup?.();
      }
    }
  }
  process.stdout.write(
    `\n${table(rows)}\n\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB${Number.isFinite(args.limitMb) ? `; limited to ${args.limitMb} MB per corpus` : ""}\n`,
  );
  if (args.json) {
    writeFileSync(
      args.json,
      JSON.stringify(
        { corpora: rows, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) },
        null,
        2,
      ) + "\n",
    );
    process.stdout.write(`wrote ${args.json}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await main();
