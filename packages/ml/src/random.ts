import type { Rng } from '@zhirong/kernel';

/**
 * A fast 32-bit generator (mulberry32) for the inner loops of training — row and column sampling
 * draw millions of numbers per tree, and the kernel's SeededRng (SplitMix64 over BigInt) is made
 * for correctness, not throughput. It is seeded from the injected Rng, so a seed still fixes
 * every draw.
 */
export class FastRng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  static from(rng: Rng): FastRng {
    return new FastRng(rng.int(2 ** 32));
  }
  /** A uniform float in [0, 1). */
  float(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** A uniform integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.float() * bound);
  }
}
