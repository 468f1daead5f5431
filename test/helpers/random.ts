/** A small seeded generator (mulberry32) for tests of random input: a failure can be replayed. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `least` to `least + spread - 1` of `pieces` (the count, then each, picked by `next`), joined. */
export function randomPieces(
  next: () => number,
  pieces: readonly string[],
  least: number,
  spread: number,
): string {
  let t = "";
  const len = least + Math.floor(next() * spread);
  for (let i = 0; i < len; i++) t += pieces[Math.floor(next() * pieces.length)];
  return t;
}
