/**
 * Progress on a terminal for long runs: after `delayMs` (about 2 s), one
 * status line on stderr, rewritten every second, erased at the end. It is
 * written from a small worker thread straight to the file descriptor, since
 * the review keeps the main thread busy for seconds at a time.
 */
import { Worker } from "node:worker_threads";
import { writeSync } from "node:fs";

const TICKER = `
const { workerData, parentPort } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const { fd, label, delayMs, intervalMs } = workerData;
let text = label;
let shown = false;
const started = Date.now();
parentPort.on("message", (m) => { text = m; });
function tick() {
  const s = Math.round((Date.now() - started) / 1000);
  try { writeSync(fd, "\\r\\x1b[K" + text + " (" + s + " s)"); shown = true; } catch {}
}
setTimeout(() => { tick(); setInterval(tick, intervalMs); }, delayMs);
`;

export interface Progress {
  /** What is being done now (shown from the next tick on). */
  update(text: string): void;
  /** Stops the ticker and erases its line. */
  stop(): Promise<void>;
}

const NONE: Progress = { update: () => {}, stop: async () => {} };

/** A ticker on `fd` (a terminal), or nothing when `fd` is undefined. */
export function startProgress(
  fd: number | undefined,
  label: string,
  options: { delayMs?: number; intervalMs?: number } = {},
): Progress {
  if (fd === undefined) return NONE;
  const worker = new Worker(TICKER, {
    eval: true,
    workerData: {
      fd,
      label,
      delayMs: options.delayMs ?? 2000,
      intervalMs: options.intervalMs ?? 1000,
    },
    stdout: false,
    stderr: false,
  });
  worker.unref();
  const started = Date.now();
  const delayMs = options.delayMs ?? 2000;
  return {
    update: (text) => worker.postMessage(text),
    stop: async () => {
      await worker.terminate();
      if (Date.now() - started < delayMs) return;
      try {
        writeSync(fd, "\r\x1b[K");
      } catch {
        // The terminal went away: nothing to erase.
      }
    },
  };
}
