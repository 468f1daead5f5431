/**
 * A change set that records what a review's setup read, and one that answers
 * from such a record: an audit's worker threads rebuild the main thread's
 * setup (core/setup.ts) from the same reads, without reading again.
 */
import type { ChangeSet, ChangedFile, FileContent, Side } from "./changeset.js";

/** What the setup read: the paths listed and the files read, per side. */
export interface Recorded {
  base: string | null;
  head: string;
  files: ChangedFile[];
  repository?: string;
  filesTruncated?: boolean;
  lists: Partial<Record<Side, string[]>>;
  reads: Array<[Side, string, FileContent]>;
}

/** Passes reads through to `inner`, recording them until `stop`. */
export class RecordingChangeSet implements ChangeSet {
  private record: Recorded | null;

  constructor(private readonly inner: ChangeSet) {
    this.record = {
      base: inner.base,
      head: inner.head,
      files: inner.files,
      repository: inner.repository,
      filesTruncated: inner.filesTruncated,
      lists: {},
      reads: [],
    };
  }

  get base() {
    return this.inner.base;
  }
  get head() {
    return this.inner.head;
  }
  get files() {
    return this.inner.files;
  }
  get repository() {
    return this.inner.repository;
  }
  get filesTruncated() {
    return this.inner.filesTruncated;
  }

  async listPaths(side: Side): Promise<string[]> {
    const list = await this.inner.listPaths(side);
    if (this.record) this.record.lists[side] = list;
    return list;
  }

  async read(paths: readonly string[], side: Side): Promise<Map<string, FileContent>> {
    const got = await this.inner.read(paths, side);
    if (this.record) for (const [p, c] of got) this.record.reads.push([side, p, c]);
    return got;
  }

  /** What was read so far; nothing is recorded after. */
  stop(): Recorded {
    if (!this.record) throw new Error("the recording was stopped already");
    const r = this.record;
    this.record = null;
    return r;
  }
}

/** Answers the reads of a record; a read it did not record is an error (the setup is pure). */
export class ReplayChangeSet implements ChangeSet {
  readonly base: string | null;
  readonly head: string;
  readonly files: ChangedFile[];
  readonly repository?: string;
  readonly filesTruncated?: boolean;
  private readonly contents = new Map<string, FileContent>();

  constructor(private readonly recorded: Recorded) {
    this.base = recorded.base;
    this.head = recorded.head;
    this.files = recorded.files;
    this.repository = recorded.repository;
    this.filesTruncated = recorded.filesTruncated;
    for (const [side, p, c] of recorded.reads) this.contents.set(`${side}\u0000${p}`, c);
  }

  async listPaths(side: Side): Promise<string[]> {
    const list = this.recorded.lists[side];
    if (!list) throw new Error(`the ${side} side's paths were not recorded`);
    return list;
  }

  async read(paths: readonly string[], side: Side): Promise<Map<string, FileContent>> {
    const out = new Map<string, FileContent>();
    for (const p of paths) {
      const c = this.contents.get(`${side}\u0000${p}`);
      if (!c) throw new Error(`${p} (${side}) was not recorded`);
      out.set(p, c);
    }
    return out;
  }
}
