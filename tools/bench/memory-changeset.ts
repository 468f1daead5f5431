/** An audit change set over files held in memory (the benchmark's input). */
import type { ChangeSet, FileContent, Side } from "../../src/core/changeset.js";

export class AuditChangeSet implements ChangeSet {
  readonly base = null;
  readonly head = "bench";
  readonly files = [];
  private readonly paths: string[];

  /** `docs`: path -> text; `otherPaths`: files that exist at head but are not read (images, BUILD files). */
  constructor(
    private readonly docs: Map<string, string>,
    otherPaths: string[] = [],
    /** Other files the review may read (BUILD files): path -> text. */
    private readonly extra: Map<string, string> = new Map(),
  ) {
    this.paths = [...new Set([...docs.keys(), ...extra.keys(), ...otherPaths])].sort();
  }

  async listPaths(side: Side): Promise<string[]> {
    return side === "head" ? this.paths : [];
  }

  async read(paths: readonly string[], side: Side): Promise<Map<string, FileContent>> {
    const out = new Map<string, FileContent>();
    for (const p of paths) {
      const text = side === "head" ? (this.docs.get(p) ?? this.extra.get(p)) : undefined;
      out.set(p, text === undefined ? { kind: "missing" } : { kind: "text", text });
    }
    return out;
  }
}
