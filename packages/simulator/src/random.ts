import { assert, type Rng, SeededRng } from '@zhirong/kernel';

/**
 * The simulator's random numbers. A run is seeded once through the kernel's SeededRng; from it come
 * the four 32-bit root words every stream is derived from. Each stream is an SFC32 generator
 * (Chris Doty-Humphrey's Small Fast Chaotic PRNG, 128-bit state, passes PractRand) keyed by the
 * root words and a purpose plus up to two indices (customer, day …). Streams are independent of the
 * order they are created in, so a customer's day is the same whatever else the run generates.
 *
 * Why not SeededRng everywhere: it is BigInt SplitMix64, about 20× slower than SFC32 on 32-bit
 * integer arithmetic, and a run draws hundreds of millions of numbers.
 */
export class SimRandom implements Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spareNormal = Number.NaN;

  constructor(a: number, b: number, c: number, d: number) {
    this.#a = a | 0;
    this.#b = b | 0;
    this.#c = c | 0;
    this.#d = d | 0;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  float(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** A uniform integer in [0, bound). */
  int(bound: number): number {
    assert(Number.isSafeInteger(bound) && bound > 0, 'bound must be a positive safe integer');
    return Math.floor(this.float() * bound);
  }

  /** A uniform integer in [low, high], both included. */
  between(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  /** A uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.float();
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      let word = this.u32();
      for (let j = i; j < Math.min(i + 4, length); j++) {
        out[j] = word & 0xff;
        word >>>= 8;
      }
    }
    return out;
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  /** A standard normal draw (Marsaglia's polar method; the second value is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.#spareNormal)) {
      const spare = this.#spareNormal;
      this.#spareNormal = Number.NaN;
      return spare;
    }
    for (;;) {
      const u = 2 * this.float() - 1;
      const v = 2 * this.float() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.#spareNormal = v * m;
        return u * m;
      }
    }
  }

  /** A log-normal draw with the given median and shape σ (of the underlying normal). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** A Poisson count with mean `lambda` (Knuth's product method below 30, a rounded normal above). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }

  /** `floor(x)` plus one with probability `frac(x)`: an integer whose mean is exactly `x`. */
  roundStochastic(x: number): number {
    const whole = Math.floor(x);
    return whole + (this.float() < x - whole ? 1 : 0);
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'cannot pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** `count` distinct indices in [0, bound), in draw order (Floyd-style rejection; count ≤ bound). */
  distinct(bound: number, count: number): number[] {
    assert(count <= bound, 'cannot draw more distinct values than exist');
    const seen = new Set<number>();
    const out: number[] = [];
    while (out.length < count) {
      const value = this.int(bound);
      if (!seen.has(value)) {
        seen.add(value);
        out.push(value);
      }
    }
    return out;
  }
}

/** A 32-bit finaliser (murmur3 fmix32): spreads the bits of a word. */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable 32-bit hash of a few integers (order matters). */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) h = mix32((h ^ mix32(value | 0)) + Math.imul(h, 31));
  return h >>> 0;
}

/** Purposes of the independent streams of one run. */
export const STREAM = Object.freeze({
  customer: 1,
  merchant: 2,
  social: 3,
  day: 4,
  scenario: 5,
  loan: 6,
  ledgerId: 7,
  merchantDay: 8,
});

/** The root of a run: derives independent, reproducible streams from one seed. */
export class StreamFactory {
  readonly #root: readonly [number, number, number, number];

  constructor(seed: number | bigint) {
    const kernel = new SeededRng(seed);
    const words = kernel.bytes(16);
    const view = new DataView(words.buffer);
    this.#root = [view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(12)];
  }

  /** The stream for `purpose` and up to two indices. */
  stream(purpose: number, first = 0, second = 0): SimRandom {
    const [r0, r1, r2, r3] = this.#root;
    return new SimRandom(
      mix32(r0 ^ mix32(purpose)),
      mix32(r1 ^ mix32(first + 0x632be59b)),
      mix32(r2 ^ mix32(second + 0x5bd1e995)),
      r3 ^ mix32(purpose * 0x27d4eb2f + first),
    );
  }
}

/** Weighted choice over a fixed table: cumulative weights and a binary search. */
export class WeightedPicker<T> {
  readonly items: readonly T[];
  readonly #cumulative: Float64Array;
  readonly #total: number;

  constructor(items: readonly T[], weights: readonly number[]) {
    assert(items.length > 0 && items.length === weights.length, 'one positive weight per item');
    this.items = items;
    this.#cumulative = new Float64Array(weights.length);
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      const weight = weights[i] ?? 0;
      assert(weight >= 0 && Number.isFinite(weight), 'weights must be finite and not negative');
      total += weight;
      this.#cumulative[i] = total;
    }
    assert(total > 0, 'weights must not all be zero');
    this.#total = total;
  }

  index(random: SimRandom): number {
    const target = random.float() * this.#total;
    let low = 0;
    let high = this.#cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.#cumulative[mid] ?? 0) > target) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  pick(random: SimRandom): T {
    return this.items[this.index(random)] as T;
  }
}
