/**
 * Webhook deliveries already taken in: a redelivered webhook (same
 * `X-GitHub-Delivery` id) is not queued twice. In memory, bounded (LRU);
 * `DeliveryLog` is the seam for a shared store.
 */
export interface DeliveryLog {
  /** Records the id; true when it had been recorded before. */
  seen(id: string): boolean;
}

export class LruDeliveryLog implements DeliveryLog {
  private readonly ids = new Map<string, true>();

  constructor(private readonly capacity = 10_000) {}

  seen(id: string): boolean {
    if (this.ids.has(id)) {
      this.ids.delete(id);
      this.ids.set(id, true);
      return true;
    }
    this.ids.set(id, true);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value as string);
    return false;
  }
}

/**
 * Reviews done in this process: a pull_request event for a (pull request,
 * head, base) already reviewed, and not superseded since, needs no second
 * review. `ReviewMemo` is the seam for a shared store.
 */
export interface ReviewMemo {
  /** True when `key` is the last successful review of `pull`, or is being reviewed now. */
  done(pull: string, key: string): boolean;
  /** A review of `pull` started: any earlier review of it no longer counts. */
  started(pull: string, key: string): void;
  /** The review `key` of `pull` ended (ok: successfully). */
  finished(pull: string, key: string, ok?: boolean): void;
}

export class LruReviewMemo implements ReviewMemo {
  private readonly last = new Map<string, string>();
  /** Reviews queued or running (bounded by the queue). */
  private readonly running = new Map<string, string>();

  constructor(private readonly capacity = 5_000) {}

  done(pull: string, key: string): boolean {
    if (this.running.get(pull) === key) return true;
    const k = this.last.get(pull);
    if (k === undefined) return false;
    this.last.delete(pull);
    this.last.set(pull, k);
    return k === key;
  }

  started(pull: string, key: string): void {
    this.last.delete(pull);
    this.running.set(pull, key);
  }

  finished(pull: string, key: string, ok = true): void {
    // Only the newest review of the pull request counts.
    if (this.running.get(pull) !== key) return;
    this.running.delete(pull);
    if (!ok) return;
    this.last.delete(pull);
    this.last.set(pull, key);
    if (this.last.size > this.capacity) this.last.delete(this.last.keys().next().value as string);
  }
}
