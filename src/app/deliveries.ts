import type { Redis as RedisLike } from "ioredis";

/**
 * Webhook deliveries already taken in: a redelivered webhook (same
 * `X-GitHub-Delivery` id) is not queued twice. In memory, bounded (LRU);
 * `RedisDeliveryLog` shares it between instances.
 */
export interface DeliveryLog {
  /** Records the id; true when it had been recorded before. */
  seen(id: string): boolean | Promise<boolean>;
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
  done(pull: string, key: string): boolean | Promise<boolean>;
  /** A review of `pull` started: any earlier review of it no longer counts. */
  started(pull: string, key: string): void | Promise<void>;
  /** The review `key` of `pull` ended (ok: successfully). */
  finished(pull: string, key: string, ok?: boolean): void | Promise<void>;
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

/** The delivery log in Redis, shared by every instance: one key per delivery id, kept a day. */
export class RedisDeliveryLog implements DeliveryLog {
  constructor(
    private readonly redis: RedisLike,
    private readonly prefix: string,
    private readonly ttlS = 86_400,
  ) {}

  async seen(id: string): Promise<boolean> {
    const set = await this.redis.set(`${this.prefix}:delivery:${id}`, "1", "EX", this.ttlS, "NX");
    return set === null;
  }
}

/**
 * The review memo in Redis, shared by every instance: a hash per pull request
 * (`last`: the last successful review, `running`: the newest queued or
 * running one), kept a week after its last change.
 */
export class RedisReviewMemo implements ReviewMemo {
  constructor(
    private readonly redis: RedisLike,
    private readonly prefix: string,
    private readonly ttlS = 7 * 86_400,
  ) {}

  private k(pull: string): string {
    return `${this.prefix}:memo:${pull}`;
  }

  async done(pull: string, key: string): Promise<boolean> {
    const [running, last] = await this.redis.hmget(this.k(pull), "running", "last");
    return running === key || last === key;
  }

  async started(pull: string, key: string): Promise<void> {
    await this.redis
      .multi()
      .hdel(this.k(pull), "last")
      .hset(this.k(pull), "running", key)
      .expire(this.k(pull), this.ttlS)
      .exec();
  }

  async finished(pull: string, key: string, ok = true): Promise<void> {
    // Only the newest review of the pull request counts (checked and changed in one step).
    await this.redis.eval(
      `if redis.call("HGET", KEYS[1], "running") ~= ARGV[1] then return 0 end
       redis.call("HDEL", KEYS[1], "running")
       if ARGV[2] == "1" then redis.call("HSET", KEYS[1], "last", ARGV[1]) end
       redis.call("EXPIRE", KEYS[1], ARGV[3])
       return 1`,
      1,
      this.k(pull),
      key,
      ok ? "1" : "0",
      String(this.ttlS),
    );
  }
}
