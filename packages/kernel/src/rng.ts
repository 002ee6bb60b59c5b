import { assert } from './assert.ts';

/** Randomness is passed in: cryptographic in production, seeded in tests and simulations. */
export interface Rng {
  /** Fills and returns `length` random bytes. */
  bytes(length: number): Uint8Array;
  /** A uniform integer in [0, bound). */
  int(bound: number): number;
  /** A uniform float in [0, 1). Never for money. */
  float(): number;
}

function intFromFloat(rng: Rng, bound: number): number {
  assert(Number.isSafeInteger(bound) && bound > 0, 'bound must be a positive safe integer');
  return Math.floor(rng.float() * bound);
}

// Random bytes are drawn from the OS in 4 KiB blocks: one getRandomValues call per id costs
// more than the rest of generating the id.
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let poolOffset = 0;

function cryptoBytes(length: number): Uint8Array {
  if (length > POOL_BYTES) {
    const out = new Uint8Array(length);
    globalThis.crypto.getRandomValues(out);
    return out;
  }
  if (poolOffset + length > pool.length) {
    pool = new Uint8Array(POOL_BYTES);
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  // Copy out, so a caller that keeps or edits the bytes cannot see or change later draws.
  const out = pool.slice(poolOffset, poolOffset + length);
  poolOffset += length;
  return out;
}

export const cryptoRng: Rng = {
  bytes: cryptoBytes,
  float() {
    const bytes = cryptoBytes(8);
    const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
    // 53 random bits → [0, 1)
    return (view.getUint32(0) * 2 ** 21 + (view.getUint32(4) >>> 11)) / 2 ** 53;
  },
  int(bound) {
    return intFromFloat(cryptoRng, bound);
  },
};

/**
 * Deterministic generator (SplitMix64) for tests and the simulator: same seed, same sequence.
 * Not cryptographic.
 */
export class SeededRng implements Rng {
  #state: bigint;
  constructor(seed: number | bigint) {
    this.#state = BigInt.asUintN(64, BigInt(seed));
  }
  #next64(): bigint {
    this.#state = BigInt.asUintN(64, this.#state + 0x9e3779b97f4a7c15n);
    let z = this.#state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  }
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 8) {
      let word = this.#next64();
      for (let j = i; j < Math.min(i + 8, length); j++) {
        out[j] = Number(word & 0xffn);
        word >>= 8n;
      }
    }
    return out;
  }
  float(): number {
    return Number(this.#next64() >> 11n) / 2 ** 53;
  }
  int(bound: number): number {
    return intFromFloat(this, bound);
  }
}
