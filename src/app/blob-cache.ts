/**
 * File contents by git blob SHA, shared by the review jobs of this process:
 * a blob's content never changes, so a second review of the same pull request
 * (or of any commit sharing those files) reads unchanged docs from here
 * instead of GitHub. Bounded by total size; least recently used goes first.
 */
import type { FileContent } from "../core/changeset.js";

export class BlobCache {
  private readonly map = new Map<string, FileContent>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  private static size(c: FileContent): number {
    return c.kind === "text" ? c.text.length * 2 + 64 : 64;
  }

  get(blobSha: string): FileContent | undefined {
    const c = this.map.get(blobSha);
    if (c) {
      this.map.delete(blobSha);
      this.map.set(blobSha, c);
    }
    return c;
  }

  set(blobSha: string, content: FileContent): void {
    if (content.kind === "missing" || content.kind === "too-large") return;
    const size = BlobCache.size(content);
    if (size > this.maxBytes) return;
    const old = this.map.get(blobSha);
    if (old) {
      this.bytes -= BlobCache.size(old);
      this.map.delete(blobSha);
    }
    this.map.set(blobSha, content);
    this.bytes += size;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= BlobCache.size(v);
    }
  }

  get size(): number {
    return this.map.size;
  }
}
