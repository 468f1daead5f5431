/**
 * How far V8 lets a heap grow between two full collections, for the command.
 *
 * An audit's live data is small (the findings kept, a batch's trees), but it
 * allocates a tree per doc and drops it, and the trees that outlive a young
 * collection die in the old generation. V8 then lets that generation grow to
 * up to four times what the last full collection kept before it collects it
 * again, in each thread. A factor of two keeps it nearer what is live.
 * Measured with `check --all --format json` (2 threads, the same report):
 * peak RSS on the gVisor tree repeated to 20 MB 478-518 MB with V8's default,
 * 357-380 MB with 100%, 323-333 MB with 50% (whose extra collections cost time);
 * figures for markdown-large in the README.
 *
 * V8 reads this setting at every full collection, in every thread, so it
 * applies when set once the process runs. A `--heap-growing-percent` given to
 * node by the user is kept.
 */
import { setFlagsFromString } from "node:v8";

export const HEAP_GROWING_PERCENT = 100;

/** Sets the heap's growing factor unless node was given one; true when it set it. */
export function tuneHeap(
  execArgv: readonly string[] = process.execArgv,
  set: (flags: string) => void = setFlagsFromString,
): boolean {
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) return false;
  set(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
