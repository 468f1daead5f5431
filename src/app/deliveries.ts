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
