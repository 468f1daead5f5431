/**
 * One `git cat-file --batch` process for all of a command's reads of file
 * contents, started on the first read and kept for the next ones.
 *
 * An audit reads its docs in batches; a `git` process per batch is started by
 * forking the command's whole process, whose heap is by then hundreds of MB:
 * on markdown-large, 86 batches cost the main thread 3.2 s in `spawn`. Here
 * the process is forked once, while the heap is small. Reads are answered in
 * turn. While no read waits, the process does not hold the command open: it
 * ends when its input closes with the command, or when `close` ends it (the
 * commands do, and wait for it, so that no git outlives them).
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { UsageError } from "./git.js";

interface Request {
  count: number;
  decode: (body: Buffer | null) => unknown;
  results: unknown[];
  resolve: (results: unknown[]) => void;
  reject: (err: Error) => void;
}

const OBJECT_HEADER = /^[0-9a-f]{40,64} ([a-z]+) (\d{1,15})$/;

/** How much of git's error output is kept for the message. */
const STDERR_KEPT = 4096;

export class CatFile {
  private child: ChildProcessWithoutNullStreams | undefined;
  private buf = Buffer.allocUnsafe(1 << 16);
  private start = 0;
  private end = 0;
  private current: Request | undefined;
  private turn: Promise<unknown> = Promise.resolve();
  private stderr = "";
  /** Processes started so far (one, unless git stopped). */
  processes = 0;

  constructor(private readonly root: string) {}

  /**
   * The objects named by `specs` (`rev:path`, no line breaks), in order, each
   * given to `decode` as it arrives: its bytes when it is a blob, else null
   * (missing, ambiguous, a tree). `decode` must not keep the bytes.
   */
  read<T>(specs: readonly string[], decode: (body: Buffer | null) => T): Promise<T[]> {
    const run = () => this.run(specs, decode) as Promise<T[]>;
    const p = this.turn.then(run, run);
    this.turn = p.catch(() => undefined);
    return p;
  }

  /** The running git's process id, if one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Ends the process, and resolves once it has exited (it also ends by
   * itself when the command does, but may outlive it by a moment).
   */
  close(): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      child.once("close", () => resolve());
      // Held while it ends, so that the command waits for it.
      this.hold(true);
      child.stdin.end();
    });
  }

  private run(specs: readonly string[], decode: (body: Buffer | null) => unknown) {
    if (specs.length === 0) return Promise.resolve([]);
    return new Promise<unknown[]>((resolve, reject) => {
      const child = this.process();
      this.current = { count: specs.length, decode, results: [], resolve, reject };
      this.hold(true);
      child.stdin.write(specs.map((s) => `${s}\n`).join(""));
    });
  }

  private process(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn("git", ["cat-file", "--batch"], {
      cwd: this.root,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
    });
    this.child = child;
    this.processes++;
    this.stderr = "";
    this.start = this.end = 0;
    child.stdout.on("data", (d: Buffer) => {
      this.append(d);
      this.parse();
    });
    child.stderr.on("data", (d: Buffer) => {
      if (this.stderr.length < STDERR_KEPT) this.stderr += d.toString("utf8");
    });
    child.stdin.on("error", () => {});
    child.on("error", (e) =>
      this.fail(child, new UsageError(`cannot run git (${e.message}); install git and try again`)),
    );
    child.on("close", (code) =>
      this.fail(
        child,
        new Error(`git cat-file failed: ${this.stderr.trim() || `it stopped (exit code ${code})`}`),
      ),
    );
    return child;
  }

  /** Keeps the command open while a read waits, and lets it end otherwise. */
  private hold(on: boolean): void {
    const c = this.child;
    if (!c) return;
    // The pipes are sockets (net.Socket), which can be unreferenced like the process.
    for (const h of [c, c.stdin, c.stdout, c.stderr] as { ref(): void; unref(): void }[]) {
      if (on) h.ref();
      else h.unref();
    }
  }

  private fail(child: ChildProcessWithoutNullStreams, err: Error): void {
    if (this.child !== child) return;
    this.child = undefined;
    const r = this.current;
    this.current = undefined;
    r?.reject(err);
  }

  private append(d: Buffer): void {
    if (this.end + d.length > this.buf.length) {
      const live = this.end - this.start;
      const size = Math.max(this.buf.length, 2 * (live + d.length));
      const next = size > this.buf.length ? Buffer.allocUnsafe(size) : this.buf;
      this.buf.copy(next, 0, this.start, this.end);
      this.buf = next;
      this.start = 0;
      this.end = live;
    }
    d.copy(this.buf, this.end);
    this.end += d.length;
  }

  /** Takes the answers that arrived whole: a header line, then for an object its bytes and a line break. */
  private parse(): void {
    for (let r = this.current; r; r = this.current) {
      const nl = this.buf.subarray(this.start, this.end).indexOf(10);
      if (nl < 0) return;
      const lineEnd = this.start + nl;
      const header = this.buf.toString("utf8", this.start, lineEnd);
      // `<oid> <type> <size>` for an object; `<name> missing` (or ambiguous) otherwise.
      const m = OBJECT_HEADER.exec(header);
      if (!m) {
        r.results.push(r.decode(null));
        this.start = lineEnd + 1;
      } else {
        const size = Number(m[2]);
        if (this.end - (lineEnd + 1) < size + 1) return;
        const body = this.buf.subarray(lineEnd + 1, lineEnd + 1 + size);
        r.results.push(r.decode(m[1] === "blob" ? body : null));
        this.start = lineEnd + 1 + size + 1;
      }
      if (r.results.length === r.count) {
        this.current = undefined;
        this.hold(false);
        r.resolve(r.results);
      }
    }
  }
}
