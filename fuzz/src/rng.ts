/**
 * A small seeded PRNG (sfc32, seeded through splitmix32): the same seed gives the same inputs on every
 * machine, so a run can be repeated with `--seed`.
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const split = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = split();
    this.#b = split();
    this.#c = split();
    this.#d = split();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return n <= 1 ? 0 : Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /**
   * A size skewed towards small values (most mutations touch a few bytes, a few touch many): an integer in
   * [1, max] with roughly log-uniform distribution.
   */
  small(max: number): number {
    if (max <= 1) return 1;
    const bits = Math.log2(max);
    return Math.min(max, Math.max(1, Math.floor(2 ** ((this.u32() / 0x1_0000_0000) * bits))));
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}

/** FNV-1a over the bytes: the harness derives piece sizes and options from it, so a saved input replays exactly. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}

/**
 * Cuts `bytes` into pieces of random sizes (1 byte to a few KiB, sometimes empty), so streaming parsers see
 * state cross piece boundaries at every kind of position. Same bytes, same `seed`: same cuts.
 */
export function randomPieces(bytes: Uint8Array, seed: number): Uint8Array[] {
  const rng = new Rng(seed);
  const pieces: Uint8Array[] = [];
  let at = 0;
  const style = rng.int(4);
  while (at < bytes.length) {
    let n: number;
    if (style === 0)
      n = rng.range(1, 3); // tiny pieces: every boundary position
    else if (style === 1) n = rng.small(64);
    else n = rng.small(4096);
    if (rng.chance(0.02)) pieces.push(bytes.subarray(at, at)); // empty pieces are allowed too
    pieces.push(bytes.subarray(at, at + n));
    at += n;
  }
  return pieces;
}
