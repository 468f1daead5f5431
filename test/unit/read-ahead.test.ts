/**
 * The audit's runner in this thread (core/audit.ts `localRunner`) reads the
 * next batch of docs while it runs the current one, and turns the event loop
 * between docs so that what the read got so far is taken in: the thread does
 * not wait for git or the API between two batches.
 */
import { describe, expect, test } from "@jest/globals";
import { localRunner, READ_BATCH } from "../../src/core/audit.js";
import type { FileContent, Side } from "../../src/core/changeset.js";
import type { Recorded } from "../../src/core/recorded.js";
import { prepareReview } from "../../src/core/setup.js";
import { resolveConfig } from "../../src/config/load.js";
import { MemoryChangeSet } from "../helpers/memory-changeset.js";

/** A tree of `n` docs, named so that their order is the audit's. */
function docs(n: number): Record<string, string> {
  const t: Record<string, string> = {};
  for (let i = 0; i < n; i++) t[`g3doc/d${String(i).padStart(3, "0")}.md`] = `# Doc ${i}\n`;
  return t;
}

/** A change set whose reads answer a turn of the event loop later (as git's and the API's do), logging when. */
class LoggedChangeSet extends MemoryChangeSet {
  readonly log: string[] = [];
  failAt = -1;
  private calls = 0;

  override read(paths: readonly string[], side: Side): Promise<Map<string, FileContent>> {
    const call = this.calls++;
    this.log.push(`read ${call} asked`);
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        this.log.push(`read ${call} answered`);
        if (call === this.failAt) reject(new Error(`read ${call} failed`));
        else resolve(super.read(paths, side));
      }),
    );
  }
}

async function run(cs: LoggedChangeSet) {
  const config = resolveConfig({});
  const setup = await prepareReview(cs, config, { mode: "all" });
  cs.log.length = 0;
  const runner = await localRunner((step, path) => {
    if (step === "parse") cs.log.push(`doc ${path.slice("g3doc/d".length, -".md".length)}`);
  })({ setup, cs, recorded: {} as Recorded, userConfig: config });
  return runner.first(setup.toReview);
}

describe("the local runner reads ahead", () => {
  test("the next batch is asked for, and answered, before the current batch's docs are done", async () => {
    const n = READ_BATCH + 5;
    const cs = new LoggedChangeSet(null, docs(n));
    const out = await run(cs);
    expect(out.map((o) => o.path)).toEqual(Object.keys(docs(n)));
    const at = (entry: string) => {
      const i = cs.log.indexOf(entry);
      expect(i).toBeGreaterThanOrEqual(0);
      return i;
    };
    const lastOfFirst = `doc ${String(READ_BATCH - 1).padStart(3, "0")}`;
    // Asked for before the first batch's first doc runs...
    expect(at("read 1 asked")).toBeLessThan(at("doc 000"));
    // ...and taken in while the first batch runs, not after it.
    expect(at("read 1 answered")).toBeLessThan(at(lastOfFirst));
    // One read per batch, no more.
    expect(cs.log.filter((e) => e.endsWith("asked"))).toEqual(["read 0 asked", "read 1 asked"]);
  });

  test("a read that fails ahead fails the audit with its own message when its batch is reached", async () => {
    const cs = new LoggedChangeSet(null, docs(2 * READ_BATCH + 1));
    cs.failAt = 1;
    await expect(run(cs)).rejects.toThrow("read 1 failed");
    // The first batch ran in full before the failure was met; the third was never asked for.
    expect(cs.log.filter((e) => e.startsWith("doc ")).length).toBe(READ_BATCH);
    expect(cs.log).not.toContain("read 2 asked");
  });
});
