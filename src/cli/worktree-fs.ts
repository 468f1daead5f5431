/**
 * Reading and writing files of a working tree without ever leaving it.
 *
 * A repository can hold symbolic links (committed, or made by anyone with
 * write access to the checkout), and a pull request's author chooses where
 * they point: `g3doc/shell.md -> ../../victim/.bashrc`. Neither reads nor
 * writes follow one, at any depth: every folder on the way is checked with
 * `lstat`, the file is opened with `O_NOFOLLOW` (and `O_NONBLOCK`, so a FIFO
 * cannot hang the command), and the opened file's real path is checked to
 * be the expected path under the repository's real root, so a folder swapped
 * for a link between the check and the open is caught too.
 */
import { constants } from "node:fs";
import { lstat, open, readlink, realpath, type FileHandle } from "node:fs/promises";
import { join } from "node:path";

/** What reading one path of the working tree gave. */
export type WorktreeRead =
  | { kind: "file"; data: Buffer }
  | { kind: "missing" }
  /** The path, or a folder on the way (`at`), is a symbolic link: not followed. */
  | { kind: "link"; at: string }
  /** Not a regular file (a folder, a FIFO, a device). */
  | { kind: "special" };

/** A repository-relative path that names nothing outside the root: no `..`, no empty or absolute parts, no control characters. */
export function isPlainRelativePath(path: string): boolean {
  if (path === "" || path.startsWith("/")) return false;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) < 0x20) return false;
  return path.split("/").every((p) => p !== "" && p !== "." && p !== "..");
}

export class WorktreeFs {
  private realRoot: string | undefined;
  /** Folders (relative) already seen to be real folders, not links. */
  private readonly plainDirs = new Set<string>([""]);

  constructor(private readonly root: string) {}

  private async rootPath(): Promise<string> {
    return (this.realRoot ??= await realpath(this.root));
  }

  /** Where the path stops being plain: a link, something missing, or null when every folder on the way is a real folder. */
  private async walk(path: string): Promise<WorktreeRead | null> {
    const root = await this.rootPath();
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (this.plainDirs.has(dir)) continue;
      let st;
      try {
        st = await lstat(join(root, dir));
      } catch {
        return { kind: "missing" };
      }
      if (st.isSymbolicLink()) return { kind: "link", at: dir };
      if (!st.isDirectory()) return { kind: "missing" };
      this.plainDirs.add(dir);
    }
    return null;
  }

  /** Opens a plain file of the tree, or says why not. The caller closes the handle. */
  private async openPlain(
    path: string,
    flags: number,
  ): Promise<{ fh: FileHandle } | Exclude<WorktreeRead, { kind: "file" }>> {
    if (!isPlainRelativePath(path)) return { kind: "missing" };
    const stop = await this.walk(path);
    if (stop) return stop as Exclude<WorktreeRead, { kind: "file" }>;
    const root = await this.rootPath();
    const full = join(root, path);
    let fh: FileHandle;
    try {
      fh = await open(full, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ELOOP") return { kind: "link", at: path };
      if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing" };
      if (code === "EISDIR" || code === "ENXIO") return { kind: "special" };
      throw e;
    }
    try {
      if (!(await fh.stat()).isFile()) {
        await fh.close();
        return { kind: "special" };
      }
      if ((await this.openedPath(fh, full)) !== full) {
        await fh.close();
        return { kind: "link", at: path };
      }
    } catch (e) {
      await fh.close();
      throw e;
    }
    return { fh };
  }

  /** The real path of an open file: from /proc where there is one, else the real path of its name. */
  private async openedPath(fh: FileHandle, full: string): Promise<string> {
    try {
      return await readlink(`/proc/self/fd/${fh.fd}`);
    } catch {
      try {
        return await realpath(full);
      } catch {
        return "";
      }
    }
  }

  /** Reads a file of the tree, never through a link. */
  async read(path: string): Promise<WorktreeRead> {
    const opened = await this.openPlain(path, constants.O_RDONLY);
    if (!("fh" in opened)) return opened;
    try {
      return { kind: "file", data: await opened.fh.readFile() };
    } finally {
      await opened.fh.close();
    }
  }

  /**
   * Replaces the content of a file of the tree, never through a link, and only
   * when it still holds `before` (what the fix was computed from; a byte-order
   * mark aside, which the read dropped). Returns
   * why it did not, or null when it wrote.
   */
  async replace(path: string, before: string, after: string): Promise<string | null> {
    const opened = await this.openPlain(path, constants.O_RDWR);
    if (!("fh" in opened)) {
      if (opened.kind === "link")
        return opened.at === path
          ? "it is a symbolic link"
          : `${opened.at} is a symbolic link, so it may point out of the repository`;
      return opened.kind === "missing" ? "it is gone" : "it is not a regular file";
    }
    const { fh } = opened;
    try {
      const now = (await fh.readFile()).toString("utf8");
      if ((now.charCodeAt(0) === 0xfeff ? now.slice(1) : now) !== before)
        return "it changed while it was being fixed";
      const data = Buffer.from(after, "utf8");
      await fh.truncate(0);
      await fh.write(data, 0, data.length, 0);
      return null;
    } finally {
      await fh.close();
    }
  }
}

/** The note for a path that was not read because of a link. */
export function linkNote(path: string, at: string): string {
  const which = at === path ? "it is" : `${at} is`;
  return `${path}: skipped, ${which} a symbolic link (links are never followed, so nothing outside the repository is read or written).`;
}
