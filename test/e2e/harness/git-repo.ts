/** A git repository in a folder of a test's own: run git in it, and commit files (path -> text). */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface GitRepo {
  /** Runs git in the folder; its trimmed output. */
  git(...args: string[]): string;
  /** Writes the files, commits them all, and returns the new commit's SHA. */
  commitFiles(files: Record<string, string>, message?: string): string;
}

export function gitRepo(dir: string): GitRepo {
  const git = (...a: string[]) =>
    execFileSync("git", a, {
      cwd: dir,
      encoding: "utf8",
      maxBuffer: 1 << 28,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.com",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.com",
      },
    }).trim();
  const commitFiles = (files: Record<string, string>, message = "change") => {
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    git("add", "-A");
    git("commit", "-q", "-m", message);
    return git("rev-parse", "HEAD");
  };
  return { git, commitFiles };
}
