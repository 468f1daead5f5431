/**
 * The worker-thread side of an audit's pool (see audit-pool.ts): it rebuilds
 * the review's setup from the main thread's recorded reads, then runs the
 * audit's passes (core/audit.ts) on the docs the main thread sends, in the
 * order sent.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { FileContent } from "../../core/changeset.js";
import type { Config } from "../../config/defaults.js";
import { prepareReview, type Setup } from "../../core/setup.js";
import {
  againPass,
  firstPass,
  type AgainWork,
  type AnchorMap,
  type DocOutcome,
} from "../../core/audit.js";
import type { DocAnchors } from "../../core/markdown/slug.js";
import { ReplayChangeSet, type Recorded } from "../../core/recorded.js";

export interface WorkerInput {
  recorded: Recorded;
  config: Config;
  maxDocBytes: number;
}

/** What the main thread sends. */
export type ToAuditWorker =
  | { type: "first"; id: number; docs: Array<{ path: string; content?: FileContent }> }
  | { type: "anchors"; anchors: Array<[string, DocAnchors | null]> }
  | { type: "again"; id: number; docs: Array<{ work: AgainWork; content?: FileContent }> };

/** What the worker sends back. */
export type FromAuditWorker =
  | { type: "done"; id: number; outcomes: DocOutcome[] }
  | { type: "failed"; id: number; message: string };

const port = parentPort;
if (!port) throw new Error("audit-worker.js runs only as a worker thread");
const input = workerData as WorkerInput;

const setupReady: Promise<Setup> = prepareReview(
  new ReplayChangeSet(input.recorded),
  input.config,
  {
    mode: "all",
    maxDocBytes: input.maxDocBytes,
  },
);
// A failed setup is told with each batch's answer.
setupReady.catch(() => {});
const known = new Map<string, DocAnchors | null>();
/** The strings of the anchors this worker keeps (see core/audit.ts `keptAnchors`). */
const strings = new Map<string, string>();
let anchors: AnchorMap = new Map();

async function handle(msg: ToAuditWorker): Promise<FromAuditWorker | null> {
  if (msg.type === "anchors") {
    anchors = new Map(msg.anchors);
    return null;
  }
  try {
    const setup = await setupReady;
    const outcomes =
      msg.type === "first"
        ? msg.docs.map((d) => firstPass(setup, d.path, d.content, known, strings))
        : msg.docs.map((d) => againPass(setup, d.work, d.content, anchors));
    return { type: "done", id: msg.id, outcomes };
  } catch (err) {
    return {
      type: "failed",
      id: msg.id,
      message: err instanceof Error ? err.message : String(err),
    };
  }
}

// Messages are handled one after the other, in the order they came.
let chain: Promise<void> = Promise.resolve();
port.on("message", (msg: ToAuditWorker) => {
  chain = chain.then(async () => {
    const reply = await handle(msg);
    if (reply) port.postMessage(reply);
  });
});
