/**
 * The worker-thread side of the review pool (see review-pool.ts): runs the
 * engine on a change set whose reads are answered by the main thread, where
 * the GitHub client lives. Parsing and rules are CPU-bound and synchronous;
 * here they cannot delay the main thread's webhook answers.
 *
 * It tells the main thread its thread id (so the pool can read the thread's
 * CPU time while it is busy) and each step of a review with the heap in use
 * (so the pool can stop a review over its budget and name the doc it was
 * busy with).
 */
import { readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parentPort } from "node:worker_threads";
import { review, type ReviewStep } from "../core/engine.js";
import type { ChangeSet, ChangedFile, FileContent, Side } from "../core/changeset.js";
import type { Config } from "../config/defaults.js";
import type { ReviewOptions } from "../core/engine.js";
import { presentReview, slimmed, type PresentInput } from "./publish/present.js";
import type { FileLayout } from "../core/fix/window.js";
import type { ReviewThread } from "./publish/threads.js";

/** What the main thread sends. */
export type ToWorker =
  | {
      type: "review";
      job: number;
      meta: ChangeSetMeta;
      config: Config;
      options: ReviewOptions;
      /** Present the result too (the app's threads are asked for with a `threads` call). */
      present?: PresentInput;
    }
  /** Changed files of the review that follows (a large change comes in parts). */
  | { type: "files"; job: number; files: ChangedFile[] }
  /** Texts of a read's answer that follows (a large answer comes in parts). */
  | { type: "reply-part"; call: number; entries: [string, FileContent][] }
  | { type: "reply"; call: number; ok: true; value: unknown }
  | { type: "reply"; call: number; ok: false; message: string };

/** What the worker sends back. */
export type FromWorker =
  | { type: "call"; job: number; call: number; method: "listPaths"; args: [Side] }
  | { type: "call"; job: number; call: number; method: "read"; args: [readonly string[], Side] }
  | { type: "call"; job: number; call: number; method: "threads"; args: [] }
  | { type: "done"; job: number; result: unknown }
  | { type: "failed"; job: number; message: string }
  /** Sent once at start: the worker's thread id, when the system tells it (Linux: /proc/thread-self). */
  | { type: "ready"; tid: number | null }
  /** A review's step begins; `heapMb` is the worker's heap in use. */
  | { type: "step"; job: number; step: ReviewStep; path?: string; heapMb: number };

export interface ChangeSetMeta {
  base: string | null;
  head: string;
  files: ChangedFile[];
  filesTruncated?: boolean;
}

const port = parentPort;
if (!port) throw new Error("review-worker.js runs only as a worker thread");

function threadId(): number | null {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}
/**
 * Reviews are batch work; the main thread answers webhooks and /ping. On a
 * busy machine the system scheduler would share the cores evenly between
 * them, so a worker lowers its own thread's priority (Linux: per thread):
 * niceness G3DOC_REVIEW_WORKER_NICE, 10 unless set (0 leaves it alone).
 */
function lowerPriority(tid: number | null, env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env.G3DOC_REVIEW_WORKER_NICE;
  const nice = raw === undefined || raw.trim() === "" ? 10 : Number(raw);
  if (tid === null || !Number.isInteger(nice) || nice <= 0 || nice > 19) return null;
  try {
    setPriority(tid, nice);
    return getPriority(tid);
  } catch {
    return null;
  }
}

const tid = threadId();
lowerPriority(tid);
port.postMessage({ type: "ready", tid } as FromWorker);

/**
 * V8 lets a new heap fill to half its limit before it first collects: with
 * the review budget's 2.5 GB limit, a 3,000-file review whose live data was
 * 60 MB took the process past 1 GB of garbage. So the worker collects itself
 * once its heap in use has grown by COLLECT_AFTER_MB since the last
 * collection (a full collection of a review's live data takes tens of ms).
 * At 32 MB that review's worker peaked at 81 MB of heap in use (113 MB at
 * 64 MB) for 45 s of CPU time against its budget of 60 s.
 * The function comes from V8 (`--expose-gc`, set for this thread's new
 * context); where that fails, V8 alone decides.
 */
export const COLLECT_AFTER_MB = 32;

function collector(): (() => void) | null {
  try {
    setFlagsFromString("--expose-gc");
    const gc: unknown = runInNewContext("gc");
    return typeof gc === "function" ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

const collect = collector();
let afterLastCollection = 0;

/** The heap in use, in MB, after a collection when it grew by COLLECT_AFTER_MB. */
function heapInUseMb(): number {
  let used = getHeapStatistics().used_heap_size / 1048576;
  if (collect && used - afterLastCollection > COLLECT_AFTER_MB) {
    collect();
    used = getHeapStatistics().used_heap_size / 1048576;
    afterLastCollection = used;
  }
  return used;
}

function stepReporter(job: number) {
  return (step: ReviewStep, path?: string) =>
    port!.postMessage({
      type: "step",
      job,
      step,
      path,
      heapMb: heapInUseMb(),
    } as FromWorker);
}

let nextCall = 1;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

function call<T>(
  job: number,
  method: "listPaths" | "read" | "threads",
  args: unknown[],
): Promise<T> {
  const id = nextCall++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    port!.postMessage({ type: "call", job, call: id, method, args } as FromWorker);
  });
}

function proxy(job: number, meta: ChangeSetMeta): ChangeSet {
  return {
    base: meta.base,
    head: meta.head,
    files: meta.files,
    filesTruncated: meta.filesTruncated,
    listPaths: (side: Side) => call<string[]>(job, "listPaths", [side]),
    read: (paths: readonly string[], side: Side) =>
      call<Map<string, FileContent>>(job, "read", [paths, side]),
  };
}

/** The review, then its presentation when asked for, beside the findings. */
async function reviewAndPresent(job: number, msg: Extract<ToWorker, { type: "review" }>) {
  const cs = proxy(job, msg.meta);
  // Only a review presented here keeps layouts: they never cross threads.
  const layouts = msg.present ? new Map<string, FileLayout | null>() : undefined;
  const result = await review(cs, msg.config, {
    ...msg.options,
    layouts,
    onStep: stepReporter(job),
    // This thread's copy of the file list: its diffs are parsed by then.
    onSetup: () => {
      for (const f of msg.meta.files) f.patch = null;
    },
  });
  if (!msg.present) return result;
  const threads = await call<ReviewThread[]>(job, "threads", []);
  return slimmed(result, await presentReview(cs, result, threads, msg.present, layouts));
}

/** Parts received so far: the next review's files, and read answers' texts by call. */
let filesOf: { job: number; files: ChangedFile[] } | undefined;
const answerParts = new Map<number, [string, FileContent][]>();

function onReply(msg: Extract<ToWorker, { type: "reply" }>): void {
  const p = pending.get(msg.call);
  const parts = answerParts.get(msg.call) ?? [];
  answerParts.delete(msg.call);
  if (!p) return;
  pending.delete(msg.call);
  if (!msg.ok) p.reject(new Error(msg.message));
  else if (parts.length > 0 && msg.value instanceof Map)
    p.resolve(new Map([...parts, ...msg.value]));
  else p.resolve(msg.value);
}

port.on("message", (msg: ToWorker) => {
  if (msg.type === "reply") return onReply(msg);
  if (msg.type === "reply-part") {
    if (!pending.has(msg.call)) return;
    const parts = answerParts.get(msg.call);
    if (parts) for (const e of msg.entries) parts.push(e);
    else answerParts.set(msg.call, msg.entries);
    return;
  }
  if (msg.type === "files") {
    // One review at a time: parts of another job are from a review that was stopped.
    if (filesOf?.job !== msg.job) filesOf = { job: msg.job, files: [] };
    for (const f of msg.files) filesOf.files.push(f);
    return;
  }
  const { job } = msg;
  if (filesOf?.job === job) {
    for (const f of msg.meta.files) filesOf.files.push(f);
    msg.meta.files = filesOf.files;
  }
  filesOf = undefined;
  reviewAndPresent(job, msg).then(
    // One message: the plan's findings stay the result's own objects on the other side.
    (result) => port.postMessage({ type: "done", job, result } as FromWorker),
    (err: unknown) =>
      port.postMessage({
        type: "failed",
        job,
        message: err instanceof Error ? err.message : String(err),
      } as FromWorker),
  );
});
