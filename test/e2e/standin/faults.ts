/** Seeded randomness and the faults the stand-in can inject. */

/** mulberry32: small, fast, and the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * - `500`: an internal error before anything was done.
 * - `502`: a bad gateway; for a write, half the time GitHub had already done it.
 * - `secondary-rate-limit`: 403 with `retry-after`, nothing done.
 * - `reset`: the connection is destroyed; for a write, half the time after it was done.
 * - `slow`: the request is done, and the answer comes only after `slowMs`.
 */
export type FaultKind = "500" | "502" | "secondary-rate-limit" | "reset" | "slow";

export const ALL_FAULTS: FaultKind[] = ["500", "502", "secondary-rate-limit", "reset", "slow"];

export interface FaultPlan {
  kind: FaultKind;
  /** True when the request's effect happens even though the client sees a failure. */
  applied: boolean;
}

export class FaultInjector {
  private readonly rng: () => number;

  constructor(
    readonly rate: number,
    seed: number,
    readonly kinds: FaultKind[] = ALL_FAULTS,
  ) {
    this.rng = seededRandom(seed);
  }

  /** Decides the fault of one request (null: answer normally). Draws the same number of values every call. */
  next(isWrite: boolean): FaultPlan | null {
    const a = this.rng();
    const b = this.rng();
    const c = this.rng();
    if (this.rate <= 0 || a >= this.rate || this.kinds.length === 0) return null;
    const kind = this.kinds[Math.floor(b * this.kinds.length)];
    const applied = kind === "slow" || (isWrite && (kind === "502" || kind === "reset") && c < 0.5);
    return { kind, applied };
  }
}
