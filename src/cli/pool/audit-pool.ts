/**
 * An audit's docs shared out over threads (`--jobs N`): the main thread and
 * N - 1 worker threads. The main thread reads the docs in batches and sends
 * each batch to the next worker with room, and takes batches itself in
 * between; each thread runs the audit's passes (core/audit.ts) on its
 * batches. The outcomes come back in the docs' order, so the findings and
 * notes are the same with any number of threads. (The main thread takes its
 * share rather than wait: one heap fewer, for the same cores.)
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ChangeSet, FileContent } from "../../core/changeset.js";
import type { Setup } from "../../core/setup.js";
import type { DocAnchors } from "../../core/markdown/slug.js";
import {
  againPass,
  compacted,
  detached,
  firstPass,
  localRunner,
  READ_BATCH,
  readAhead,
  turn,
  type AgainWork,
  type AnchorMap,
  type DocOutcome,
  type DocRunner,
  type DocRunnerFactory,
} from "../../core/audit.js";
import type { FromAuditWorker, ToAuditWorker, WorkerInput } from "./audit-worker.js";

/** Below this many docs, threads cost more than they give: the audit runs in this thread. */
export const MIN_DOCS_FOR_THREADS = 2 * READ_BATCH;

/**
 * A worker's young generation, in MB (V8's default: 48, two 16 MB semi-spaces
 * and as much again for large objects). An audit allocates a doc's tree and
 * drops it once its rules ran; with 64 MB a batch's trees mostly die young
 * instead of being copied into the old generation and collected there.
 * Measured on the gVisor tree repeated to 20 MB (`check --all`, 2 threads):
 * 33.4 s and 60 s of CPU with the default, 28.5 s and 51 s with 64 MB, 30 to
 * 31 s with 96 or 144 MB; peak RSS 475, 525 and 620 MB.
 */
const WORKER_YOUNG_MB = 64;

/** Batches sent to a worker before it answered one (so it never waits for the main thread). */
const IN_FLIGHT = 2;

/** The compiled worker beside this module, when there is one. */
export function auditWorkerScript(): string | undefined {
  const path = fileURLToPath(new URL("./audit-worker.js", import.meta.url));
  return existsSync(path) ? path : undefined;
}

/** The default number of threads: one per core. */
export function defaultJobs(): number {
  return availableParallelism();
}

interface Pending {
  resolve: (outcomes: DocOutcome[]) => void;
  reject: (err: Error) => void;
}

class Thread {
  readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;

  constructor(script: string, input: WorkerInput, strings: Map<string, string>) {
    this.worker = new Worker(script, {
      workerData: input,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
    });
    this.worker.on("message", (msg: FromAuditWorker) => {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (!p) return;
      if (msg.type === "done") p.resolve(compacted(msg.outcomes, strings));
      else p.reject(new Error(`a worker thread failed: ${msg.message}`));
    });
    const fail = (err: Error) => {
      this.failure = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on("error", (err) => fail(new Error(`a worker thread failed: ${err.message}`)));
    this.worker.on("exit", (code) =>
      fail(new Error(`a worker thread stopped (exit code ${code})`)),
    );
  }

  send(msg: ToAuditWorker): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(msg);
  }

  call(msg: ToAuditWorker & { id: number }): Promise<DocOutcome[]> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.pending.set(msg.id, { resolve, reject });
      this.worker.postMessage(msg);
    });
  }
}

class PoolRunner implements DocRunner {
  private nextId = 0;
  /** The anchors of the docs the main thread read itself. */
  private readonly known = new Map<string, DocAnchors | null>();

  constructor(
    private readonly setup: Setup,
    private readonly threads: Thread[],
    private readonly cs: ChangeSet,
    private readonly batch: number,
    private readonly strings: Map<string, string>,
  ) {}

  /**
   * Sends `items` in batches to the worker threads, and runs batches on the
   * main thread with `here`; the outcomes in the items' order.
   */
  private async spread<T>(
    items: readonly T[],
    pathOf: (item: T) => string,
    message: (
      id: number,
      batch: readonly T[],
      contents: Map<string, FileContent>,
    ) => ToAuditWorker & { id: number },
    here: (item: T, content: FileContent | undefined) => DocOutcome,
  ): Promise<DocOutcome[]> {
    const batches: T[][] = [];
    for (let i = 0; i < items.length; i += this.batch) batches.push(items.slice(i, i + this.batch));
    const results: DocOutcome[][] = new Array(batches.length);
    let next = 0;
    const feed = async (thread: Thread) => {
      while (next < batches.length) {
        const i = next++;
        const contents = await this.cs.read(batches[i].map(pathOf), "head");
        results[i] = await thread.call(message(this.nextId++, batches[i], contents));
      }
    };
    // The main thread claims its next batch, and starts reading it, before it
    // runs the current one (a worker has IN_FLIGHT batches sent for that).
    const claim = () =>
      next < batches.length ? readAhead(this.cs, next, batches[next++].map(pathOf)) : undefined;
    const onMain = async () => {
      for (let ahead = claim(); ahead;) {
        const i = ahead.index;
        const contents = await ahead.contents;
        ahead = claim();
        const out: DocOutcome[] = [];
        for (const item of batches[i]) {
          await turn(); // the workers are fed between two docs
          out.push(here(item, contents.get(pathOf(item))));
        }
        results[i] = detached(out, this.strings);
      }
    };
    await Promise.all([
      ...this.threads.flatMap((t) => Array.from({ length: IN_FLIGHT }, () => feed(t))),
      onMain(),
    ]);
    return results.flat();
  }

  first(paths: readonly string[]): Promise<DocOutcome[]> {
    return this.spread(
      paths,
      (p) => p,
      (id, batch, contents) => ({
        type: "first",
        id,
        docs: batch.map((path) => ({ path, content: contents.get(path) })),
      }),
      (path, content) => firstPass(this.setup, path, content, this.known, this.strings),
    );
  }

  again(work: readonly AgainWork[], anchors: AnchorMap): Promise<DocOutcome[]> {
    if (work.length === 0) return Promise.resolve([]);
    const entries = [...anchors];
    for (const t of this.threads) t.send({ type: "anchors", anchors: entries });
    return this.spread(
      work,
      (w) => w.path,
      (id, batch, contents) => ({
        type: "again",
        id,
        docs: batch.map((w) => ({ work: w, content: contents.get(w.path) })),
      }),
      (w, content) => againPass(this.setup, w, content, anchors),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}

export interface PoolOptions {
  /** The compiled worker (default: the one beside this module). */
  script?: string;
  /** Docs sent to a thread at once (default READ_BATCH). */
  batch?: number;
  /** Fewest docs for threads (default MIN_DOCS_FOR_THREADS). */
  minDocs?: number;
  /** Told how many threads an audit runs on, this one included (0: this one alone). */
  onStart?: (threads: number) => void;
}

/**
 * An audit's runner over `jobs` threads (this one and `jobs - 1` workers); in
 * this thread alone when `jobs` is 1, the audit has fewer than
 * MIN_DOCS_FOR_THREADS docs, or the compiled worker is not there (the sources
 * run under a test runner).
 */
export function auditPool(jobs: number, opts: PoolOptions = {}): DocRunnerFactory {
  const script = opts.script ?? auditWorkerScript();
  const batch = opts.batch ?? READ_BATCH;
  const minDocs = opts.minDocs ?? MIN_DOCS_FOR_THREADS;
  return (input) => {
    const docs = input.setup.toReview.length;
    const n = Math.min(jobs, Math.ceil(docs / batch));
    if (!script || n <= 1 || docs < minDocs) {
      opts.onStart?.(0);
      return localRunner()(input);
    }
    opts.onStart?.(n);
    const strings = new Map<string, string>();
    const data: WorkerInput = {
      recorded: input.recorded,
      config: input.userConfig,
      maxDocBytes: input.setup.maxBytes,
    };
    return new PoolRunner(
      input.setup,
      Array.from({ length: n - 1 }, () => new Thread(script, data, strings)),
      input.cs,
      batch,
      strings,
    );
  };
}
