/**
 * The working-tree adapter of the change set: head is the files on disk
 * (tracked and untracked, as `git status` sees them), base is a revision read
 * with git. The patch of a file is `git diff REV -- path` against the working
 * tree; an untracked file is all added lines.
 *
 * Files on disk are read through `WorktreeFs`: a symbolic link (the file or a
 * folder on its way) is never followed, and reads as missing with a note
 * naming it (`notes`).
 */
import type { ChangeSet, ChangedFile, FileContent, Side } from "../core/changeset.js";
import { GitChangeSet, decodeContent, parseNameStatus } from "./changeset-git.js";
import { gitText } from "./git.js";
import { WorktreeFs, linkNote } from "./worktree-fs.js";

export const WORKTREE = "WORKTREE";

/** A patch that adds every line of `text`. */
export function addedPatch(text: string): string {
  const lines = text === "" ? [] : text.replace(/\r?\n$/, "").split(/\r?\n/);
  if (lines.length === 0) return "";
  return `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join("\n")}\n`;
}

/** Files git tracks in the working tree plus untracked ones it does not ignore. */
async function worktreePaths(root: string): Promise<{ tracked: string[]; untracked: string[] }> {
  const tracked = (await gitText(root, ["ls-files", "-z", "--cached"])).split("\0").filter(Boolean);
  const deleted = new Set(
    (await gitText(root, ["ls-files", "-z", "--deleted"])).split("\0").filter(Boolean),
  );
  const untracked = (await gitText(root, ["ls-files", "-z", "--others", "--exclude-standard"]))
    .split("\0")
    .filter(Boolean);
  return { tracked: [...new Set(tracked)].filter((p) => !deleted.has(p)), untracked };
}

/** Reads the working tree's files, never through a link; notes each path a link kept it from reading. */
class DiskReader {
  readonly notes: string[] = [];
  private readonly noted = new Set<string>();
  constructor(readonly fs: WorktreeFs) {}

  async read(path: string): Promise<FileContent> {
    const r = await this.fs.read(path);
    if (r.kind === "file") return decodeContent(r.data);
    if (r.kind === "link" && !this.noted.has(path)) {
      this.noted.add(path);
      this.notes.push(linkNote(path, r.at));
    }
    return { kind: "missing" };
  }
}

export class WorktreeChangeSet implements ChangeSet {
  readonly head = WORKTREE;
  private readonly git: GitChangeSet | null;

  private constructor(
    private readonly disk: DiskReader,
    readonly base: string | null,
    readonly files: ChangedFile[],
    private readonly headPaths: string[],
    root: string,
  ) {
    this.git = base ? new GitChangeSet(root, base, base, []) : null;
  }

  /** Paths that were not read because they are, or lie under, a symbolic link. */
  get notes(): readonly string[] {
    return this.disk.notes;
  }

  /** The working tree's files, as this change set reads them (never through a link). */
  get fs(): WorktreeFs {
    return this.disk.fs;
  }

  /** Ends the base's `git cat-file`, if one runs, and waits for it to exit. */
  async close(): Promise<void> {
    await this.git?.close();
  }

  /** The change from `base` (a commit SHA) to the working tree; with no base, an audit of the working tree. */
  static async create(root: string, base: string | null): Promise<WorktreeChangeSet> {
    const disk = new DiskReader(new WorktreeFs(root));
    const { tracked, untracked } = await worktreePaths(root);
    const headPaths = [...new Set([...tracked, ...untracked])].sort();
    const files: ChangedFile[] = [];
    if (base) {
      const raw = await gitText(root, [
        "diff",
        "--name-status",
        "-z",
        "-M",
        "--no-color",
        base,
        "--",
      ]);
      for (const e of parseNameStatus(raw)) files.push({ ...e, patch: null });
      for (const f of files) {
        if (f.status === "removed") continue;
        const args = [
          "diff",
          "-M",
          "--no-color",
          "--no-ext-diff",
          "--src-prefix=a/",
          "--dst-prefix=b/",
          base,
          "--",
        ];
        const p = await gitText(
          root,
          f.previousPath ? [...args, f.previousPath, f.path] : [...args, f.path],
        );
        if (/^Binary files /m.test(p)) f.patch = null;
        else f.patch = /^@@ /m.test(p) ? p.slice(p.search(/^@@ /m)) : "";
      }
      const known = new Set(files.map((f) => f.path));
      for (const p of untracked) {
        if (known.has(p)) continue;
        const c = await disk.read(p);
        files.push({
          status: "added",
          path: p,
          patch: c.kind === "text" ? addedPatch(c.text) : null,
        });
      }
      files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
    return new WorktreeChangeSet(disk, base, files, headPaths, root);
  }

  async listPaths(side: Side): Promise<string[]> {
    if (side === "head") return this.headPaths;
    return this.git ? this.git.listPaths("base") : [];
  }

  async read(paths: readonly string[], side: Side): Promise<Map<string, FileContent>> {
    if (side === "base") {
      if (!this.git) return new Map(paths.map((p) => [p, { kind: "missing" }]));
      return this.git.read(paths, "base");
    }
    const out = new Map<string, FileContent>();
    for (const p of paths) out.set(p, await this.disk.read(p));
    return out;
  }
}
