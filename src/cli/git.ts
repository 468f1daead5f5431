/** Running git, with errors a user can act on. Only the CLI runs git. */
import { spawn } from "node:child_process";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

export function git(cwd: string, args: string[], input?: string | Buffer): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (e) =>
      reject(new UsageError(`cannot run git (${e.message}); install git and try again`)),
    );
    child.on("close", (code) =>
      resolve({
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString("utf8"),
        code: code ?? 1,
      }),
    );
    child.stdin.on("error", () => {});
    child.stdin.end(input ?? "");
  });
}

export async function gitText(cwd: string, args: string[]): Promise<string> {
  const r = await git(cwd, args);
  if (r.code !== 0) throw new Error(`git ${args[0]} failed: ${r.stderr.trim().split("\n")[0]}`);
  return r.stdout.toString("utf8");
}

/** The top of the work tree that holds `dir`, or a UsageError. */
export async function repoRoot(dir: string): Promise<string> {
  let r: GitResult;
  try {
    r = await git(dir, ["rev-parse", "--show-toplevel"]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || /ENOENT|spawn/.test(String(e)))
      throw new UsageError(`${dir} does not exist; pass --repo with the folder of a git checkout`);
    throw e;
  }
  if (r.code !== 0)
    throw new UsageError(
      `${dir} is not a git repository; run inside a checkout or pass --repo DIR`,
    );
  return r.stdout.toString("utf8").trim();
}

/** The commit SHA a revision names, or a UsageError that says what to do. */
export async function resolveRev(root: string, rev: string): Promise<string> {
  if (rev.startsWith("-")) throw new UsageError(`"${rev}" is not a revision`);
  const r = await git(root, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
  if (r.code !== 0)
    throw new UsageError(
      `unknown revision "${rev}": check the name with "git log", or fetch it first (e.g. "git fetch origin ${rev}")`,
    );
  return r.stdout.toString("utf8").trim();
}

export async function mergeBase(root: string, a: string, b: string): Promise<string> {
  const r = await git(root, ["merge-base", a, b]);
  if (r.code !== 0)
    throw new UsageError(
      `revisions ${a.slice(0, 12)} and ${b.slice(0, 12)} have no common ancestor; pick a --base on the same history`,
    );
  return r.stdout.toString("utf8").trim();
}
