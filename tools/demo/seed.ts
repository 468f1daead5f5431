/**
 * Builds a git repository from the seed scenario shipped in
 * `examples/seed-420b791a3d/` (base commit, then head commit), for the demo
 * and the tests.
 */
import { mkdir, readFile, writeFile, readdir, mkdtemp } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { projectRoot } from "../paths.js";

export const SEED_DIR = join(projectRoot(), "examples", "seed-420b791a3d");

export interface SeedOptions {
  /** Put security.png in the head commit (default false: the demo's missing image). */
  withImage?: boolean;
  /** Extra files for the head commit (path -> content). */
  extraHead?: Record<string, string>;
  /** Replace files in the head commit (path -> content). */
  replaceHead?: Record<string, string>;
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out;
}

/** The files a BUILD file names (src and data), for placeholders. */
export function namedFiles(build: string): string[] {
  return [...build.matchAll(/"([^"/\s]+\.(?:png|svg|md))"/g)].map((m) => m[1]);
}

const PNG_PLACEHOLDER = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082",
  "hex",
);

async function writeSide(repo: string, side: "base" | "head", opts: SeedOptions): Promise<void> {
  const root = join(SEED_DIR, side);
  const files = await listFiles(root);
  for (const f of files) {
    const target = join(repo, f);
    await mkdir(dirname(target), { recursive: true });
    const replacement = side === "head" ? opts.replaceHead?.[f] : undefined;
    await writeFile(target, replacement ?? (await readFile(join(root, f))));
  }
  for (const build of files.filter((f) => posix.basename(f) === "BUILD")) {
    const folder = posix.dirname(build);
    for (const name of namedFiles(await readFile(join(root, build), "utf8"))) {
      const rel = posix.join(folder, name);
      if (files.includes(rel)) continue;
      if (side === "head" && rel === "g3doc/architecture_guide/security.png" && !opts.withImage)
        continue;
      const target = join(repo, rel);
      await mkdir(dirname(target), { recursive: true });
      const title = name.replace(/\.md$/, "").replace(/[_-]/g, " ");
      await writeFile(
        target,
        name.endsWith(".png")
          ? PNG_PLACEHOLDER
          : name.endsWith(".svg")
            ? `<svg xmlns="http://www.w3.org/2000/svg"/>\n`
            : `# ${title}\n`,
      );
    }
  }
  if (side === "head") {
    for (const [p, content] of Object.entries(opts.extraHead ?? {})) {
      await mkdir(dirname(join(repo, p)), { recursive: true });
      await writeFile(join(repo, p), content);
    }
  }
}

function run(repo: string, args: string[]): void {
  execFileSync("git", args, {
    cwd: repo,
    stdio: "ignore",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Seed",
      GIT_AUTHOR_EMAIL: "seed@example.com",
      GIT_COMMITTER_NAME: "Seed",
      GIT_COMMITTER_EMAIL: "seed@example.com",
      GIT_AUTHOR_DATE: "2020-05-15T20:03:54-07:00",
      GIT_COMMITTER_DATE: "2020-05-15T20:03:54-07:00",
    },
  });
}

/** Creates the repository in a new temporary folder and returns its path. */
export async function buildSeedRepo(opts: SeedOptions = {}, dir?: string): Promise<string> {
  const repo = dir ?? (await mkdtemp(join(tmpdir(), "g3doc-review-seed-")));
  run(repo, ["init", "-q", "-b", "main"]);
  await writeSide(repo, "base", opts);
  run(repo, ["add", "-A"]);
  run(repo, ["commit", "-q", "-m", "Base: before gVisor 420b791a3d"]);
  // The head side replaces the base files.
  run(repo, ["rm", "-q", "-r", "--cached", "."]);
  execFileSync("find", [
    repo,
    "-mindepth",
    "1",
    "-maxdepth",
    "1",
    "!",
    "-name",
    ".git",
    "-exec",
    "rm",
    "-rf",
    "{}",
    "+",
  ]);
  await writeSide(repo, "head", opts);
  run(repo, ["add", "-A"]);
  run(repo, ["commit", "-q", "-m", "Minor formatting updates for gvisor.dev."]);
  return repo;
}
