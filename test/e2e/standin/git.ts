/**
 * Read access to a real git repository for the stand-in: objects through one
 * long-lived `git cat-file --batch`, trees through `git ls-tree`, and pull
 * request files computed by `git diff` the way GitHub lists them.
 */
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from "node:child_process";

export interface DiffEntry {
  filename: string;
  previous_filename?: string;
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  additions: number;
  deletions: number;
  changes: number;
  /** Blob id at head (at base for a removed file). */
  sha: string;
  /** Hunks only (from the first `@@`), without a final newline; absent for binary files and pure renames. */
  patch?: string;
}

export interface TreeEntry {
  path: string;
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  size?: number;
}

export interface BlobRead {
  oid: string;
  type: string;
  content: Buffer;
}

/**
 * A small child process that runs git for the stand-in. Starting a process
 * from the stand-in itself copies its large heap's page tables each time
 * (50-200 ms with the OpenAPI description loaded), holding its event loop,
 * which made the arrival times it records (the write gaps) late; from this
 * runner, whose heap is small, it costs little.
 */
const RUNNER = `
const { execFile } = require("node:child_process");
process.on("message", (m) => {
  execFile("git", m.args, { cwd: m.cwd, encoding: "utf8", maxBuffer: 512 << 20 }, (err, stdout) =>
    process.send({ id: m.id, out: err ? undefined : stdout, err: err ? String(err.message) : undefined }));
});
process.on("disconnect", () => process.exit(0));
`;

let runner: ChildProcess | null = null;
let runnerUsers = 0;
let nextRun = 0;
const runs = new Map<number, { resolve: (s: string) => void; reject: (e: Error) => void }>();

function gitRunner(): ChildProcess {
  if (runner) return runner;
  const child = spawn(process.execPath, ["-e", RUNNER], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    serialization: "advanced",
  });
  child.on("message", (m: { id: number; out?: string; err?: string }) => {
    const r = runs.get(m.id);
    runs.delete(m.id);
    if (runs.size === 0) channelOf(child)?.unref();
    if (!r) return;
    if (m.err !== undefined) r.reject(new Error(m.err));
    else r.resolve(m.out ?? "");
  });
  child.on("exit", () => {
    if (runner === child) runner = null;
    for (const r of runs.values()) r.reject(new Error("the git runner exited"));
    runs.clear();
  });
  // Held only while runs are pending: an idle runner keeps no test or bench alive.
  child.unref();
  channelOf(child)?.unref();
  runner = child;
  return child;
}

const channelOf = (child: ChildProcess) =>
  (child as unknown as { channel?: { ref(): void; unref(): void } }).channel;

function run(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const id = nextRun++;
    const child = gitRunner();
    runs.set(id, { resolve, reject });
    channelOf(child)?.ref();
    child.send({ id, cwd, args });
  });
}

interface Pending {
  resolve: (r: BlobRead | null) => void;
  reject: (e: Error) => void;
}

export class GitStore {
  private batch: ChildProcessWithoutNullStreams | null = null;
  private pending: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private diffCache = new Map<string, Promise<DiffEntry[]>>();
  private treeCache = new Map<string, Promise<TreeEntry[] | null>>();
  private mergeBaseCache = new Map<string, Promise<string>>();
  private typeCache = new Map<string, Promise<string | null>>();

  constructor(readonly dir: string) {
    runnerUsers++;
  }

  private ensureBatch(): ChildProcessWithoutNullStreams {
    if (this.batch) return this.batch;
    const p = spawn("git", ["cat-file", "--batch"], {
      cwd: this.dir,
      stdio: ["pipe", "pipe", "pipe"],
    });
    p.stdout.on("data", (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.drain();
    });
    p.on("exit", () => {
      this.batch = null;
      const left = this.pending.splice(0);
      for (const w of left) w.reject(new Error("git cat-file exited"));
    });
    p.stdin.on("error", () => undefined);
    this.batch = p;
    return p;
  }

  private drain(): void {
    while (this.pending.length) {
      const nl = this.buf.indexOf(10);
      if (nl < 0) return;
      const header = this.buf.subarray(0, nl).toString("utf8");
      if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
        this.buf = this.buf.subarray(nl + 1);
        this.pending.shift()!.resolve(null);
        continue;
      }
      const [oid, type, sizeText] = header.split(" ");
      const size = Number(sizeText);
      if (this.buf.length < nl + 1 + size + 1) return;
      const content = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.pending.shift()!.resolve({ oid, type, content });
    }
  }

  /** Reads an object by rev-parse expression (`SHA`, `SHA:path`). Null when it does not exist. */
  read(expression: string): Promise<BlobRead | null> {
    if (/[\n\r]/.test(expression)) return Promise.resolve(null);
    const p = this.ensureBatch();
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      p.stdin.write(`${expression}\n`);
    });
  }

  /** The object type of a revision ("commit", "tree", "blob") or null. */
  typeOf(rev: string): Promise<string | null> {
    let p = this.typeCache.get(rev);
    if (!p) {
      p = this.read(rev).then((r) => r?.type ?? null);
      this.typeCache.set(rev, p);
    }
    return p;
  }

  async isCommit(sha: string): Promise<boolean> {
    return /^[0-9a-f]{40}$/.test(sha) && (await this.typeOf(sha)) === "commit";
  }

  mergeBase(a: string, b: string): Promise<string> {
    const key = `${a}...${b}`;
    let p = this.mergeBaseCache.get(key);
    if (!p) {
      p = run(this.dir, ["merge-base", a, b]).then(
        (s) => s.trim(),
        () => a,
      );
      this.mergeBaseCache.set(key, p);
    }
    return p;
  }

  async isAncestor(a: string, b: string): Promise<boolean> {
    try {
      await run(this.dir, ["merge-base", "--is-ancestor", a, b]);
      return true;
    } catch {
      return false;
    }
  }

  /** `git ls-tree` of a tree-ish (commit or tree SHA, or ref). Null when it is not a tree-ish. */
  tree(treeish: string, recursive: boolean): Promise<TreeEntry[] | null> {
    const key = `${treeish}\u0000${recursive}`;
    let p = this.treeCache.get(key);
    if (!p) {
      p = this.lsTree(treeish, recursive);
      this.treeCache.set(key, p);
    }
    return p;
  }

  private async lsTree(treeish: string, recursive: boolean): Promise<TreeEntry[] | null> {
    if (treeish.startsWith("-")) return null;
    let out: string;
    try {
      out = await run(this.dir, [
        "ls-tree",
        "-z",
        "-l",
        ...(recursive ? ["-r", "-t"] : []),
        treeish,
      ]);
    } catch {
      return null;
    }
    const entries: TreeEntry[] = [];
    for (const rec of out.split("\0")) {
      if (!rec) continue;
      const tab = rec.indexOf("\t");
      const [mode, type, sha, size] = rec.slice(0, tab).split(/\s+/);
      const e: TreeEntry = { path: rec.slice(tab + 1), mode, type: type as TreeEntry["type"], sha };
      if (type === "blob") e.size = Number(size);
      entries.push(e);
    }
    return entries;
  }

  async treeSha(treeish: string): Promise<string | null> {
    const r = await this.read(`${treeish}^{tree}`);
    return r?.oid ?? null;
  }

  /** The files of `base...head` the way GitHub's "list pull request files" reports them. */
  diff(base: string, head: string): Promise<DiffEntry[]> {
    const key = `${base}..${head}`;
    let p = this.diffCache.get(key);
    if (!p) {
      p = this.computeDiff(base, head);
      this.diffCache.set(key, p);
      p.catch(() => this.diffCache.delete(key));
    }
    return p;
  }

  private async computeDiff(base: string, head: string): Promise<DiffEntry[]> {
    // Rename detection on, like GitHub.
    const common = ["-c", "core.quotepath=off", "diff", "--no-color", "--no-ext-diff", "-M"];
    const [raw, numstat, patch] = await Promise.all([
      run(this.dir, [...common, "-z", "--raw", "--no-abbrev", base, head]),
      run(this.dir, [...common, "-z", "--numstat", base, head]),
      run(this.dir, [...common, "--full-index", base, head]),
    ]);
    // --raw -z: ":oldmode newmode oldsha newsha status\0path\0[newpath\0]"
    const rawParts = raw.split("\0");
    const entries: DiffEntry[] = [];
    for (let i = 0; i < rawParts.length;) {
      const meta = rawParts[i];
      if (!meta) {
        i++;
        continue;
      }
      const [, , oldSha, newSha, status] = meta.slice(1).split(" ");
      const code = status[0];
      if (code === "R" || code === "C") {
        entries.push({
          filename: rawParts[i + 2],
          previous_filename: rawParts[i + 1],
          status: code === "R" ? "renamed" : "copied",
          additions: 0,
          deletions: 0,
          changes: 0,
          sha: newSha,
        });
        i += 3;
      } else {
        const st =
          code === "A" ? "added" : code === "D" ? "removed" : code === "T" ? "changed" : "modified";
        entries.push({
          filename: rawParts[i + 1],
          status: st,
          additions: 0,
          deletions: 0,
          changes: 0,
          sha: code === "D" ? oldSha : newSha,
        });
        i += 2;
      }
    }
    // --numstat -z: "add\tdel\tpath\0" or "add\tdel\t\0old\0new\0"
    const ns = numstat.split("\0");
    let k = 0;
    for (let i = 0; i < ns.length && k < entries.length;) {
      const rec = ns[i];
      if (!rec) {
        i++;
        continue;
      }
      const [a, d, p] = rec.split("\t");
      const e = entries[k++];
      e.additions = a === "-" ? 0 : Number(a);
      e.deletions = d === "-" ? 0 : Number(d);
      e.changes = e.additions + e.deletions;
      i += p === "" ? 3 : 1;
    }
    // Patches, in the same order as --raw.
    const sections = patch.split(/^diff --git /m).slice(1);
    sections.forEach((sec, idx) => {
      const e = entries[idx];
      if (!e) return;
      const at = sec.search(/^@@ /m);
      if (at < 0) return;
      let hunks = sec.slice(at);
      if (hunks.endsWith("\n")) hunks = hunks.slice(0, -1);
      e.patch = hunks;
    });
    return entries;
  }

  close(): void {
    if (this.batch) {
      this.batch.stdin.end();
      this.batch.kill();
      this.batch = null;
    }
    // The last store closed stops the runner.
    if (--runnerUsers <= 0 && runner) {
      runnerUsers = 0;
      runner.disconnect();
      runner = null;
    }
  }
}

/** The RIGHT/LEFT lines a patch shows, and which hunk each belongs to. */
export interface PatchLines {
  right: Map<number, number>;
  left: Map<number, number>;
  /** Number of lines in the patch (for the deprecated `position`). */
  positions: number;
}

export function patchLines(patch: string | undefined): PatchLines {
  const right = new Map<number, number>();
  const left = new Map<number, number>();
  let positions = 0;
  if (!patch) return { right, left, positions };
  let hunk = -1;
  let oldLn = 0;
  let newLn = 0;
  for (const line of patch.split("\n")) {
    const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (m) {
      hunk++;
      oldLn = Number(m[1]);
      newLn = Number(m[2]);
      if (hunk > 0) positions++;
      continue;
    }
    positions++;
    if (line.startsWith("\\")) continue;
    if (line.startsWith("+")) right.set(newLn++, hunk);
    else if (line.startsWith("-")) left.set(oldLn++, hunk);
    else {
      right.set(newLn++, hunk);
      left.set(oldLn++, hunk);
    }
  }
  return { right, left, positions };
}
