/**
 * `npm run bench:engine`: the engine's cost against the parser's.
 *
 * For each corpus: files, bytes, the time of the engine's `review` in audit
 * mode over an in-memory change set of the docs, the time of `parseOnly`
 * over the same docs, their ratio, and MB/s of the engine. Both are measured
 * in the same run, warm (one warm-up pass each), wall and CPU time.
 *
 *   node lib-tools/tools/bench/engine.js [--only gvisor|large|repeated|dense] [--limit-mb N] [--json FILE]
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
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { review } from "../../src/core/engine.js";
import { parseOnly } from "../../src/core/markdown/parse.js";
import { resolveConfig } from "../../src/config/load.js";
import { AuditChangeSet } from "./memory-changeset.js";
import { angleSoup, deepBuild, denseMarkdown, manyDocRules, punctuationSoup } from "./dense.js";
import { sharedDir } from "../paths.js";

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
  return {
    name: "large",
    ...loadTree(dir, "g3doc/large", limitBytes),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function repeated(limitBytes: number): Corpus | string {
  if (!existsSync(GVISOR_G3DOC)) return `${GVISOR_G3DOC} is absent`;
  const target = Math.min(limitBytes, REPEATED_MB * 1048576);
  const docs = new Map<string, string>();
  const otherPaths: string[] = [];
  let bytes = 0;
  for (let copy = 0; bytes < target; copy++) {
    // Copy 0 is the tree itself; the others sit in folders of their own, links intact.
    const t = loadTree(GVISOR_G3DOC, copy === 0 ? "g3doc" : `g3doc/copy-${copy}`, Infinity);
    for (const [p, text] of t.docs) {
      docs.set(p, text);
      bytes += Buffer.byteLength(text);
    }
    otherPaths.push(...t.otherPaths);
  }
  return { name: "repeated", docs, otherPaths };
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
  ];
  const body = rows.map((r) => [
    r.name,
    String(r.files),
    (r.bytes / 1048576).toFixed(2),
    r.engine_ms.toFixed(0),
    r.parse_ms.toFixed(0),
    r.ratio.toFixed(2),
    r.mb_per_s.toFixed(3),
    r.engine_cpu_ms.toFixed(0),
    r.parse_cpu_ms.toFixed(0),
    r.ratio_cpu.toFixed(2),
    String(r.findings),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

export function parseArgs(argv: string[]): { only?: string; limitMb: number; json?: string } {
  const out: { only?: string; limitMb: number; json?: string } = { limitMb: Infinity };
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
    else
      throw new Error(
        `unknown option "${argv[i]}"; use --only gvisor|large|repeated|dense, --limit-mb N, --json FILE`,
      );
  }
  return out;
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs>;
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
        rows.push(await measure(c));
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

await main();
