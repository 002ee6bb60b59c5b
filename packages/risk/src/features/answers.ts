import type { FeatureValue, FeatureVector } from '../event.ts';
import { FEATURE_CATALOG } from './catalog.ts';
import { vectorOf } from './vector.ts';

const CHUNK_SLOTS = 4096;
const WIDTH = FEATURE_CATALOG.length;
const STRING_FEATURES = FEATURE_CATALOG.flatMap((f, i) => (f.type === 'string' ? [i] : []));

/**
 * The answers `observe` gave, by event id, so a repeated id gets the same vector back. Vectors are
 * packed into chunks of doubles (null → NaN, booleans → 0/1; string features kept aside), because
 * holding ~90-property objects for 100,000 events costs more in garbage collection than the whole
 * feature computation. Ids live in two generations of `capacity / 2`: when the current one is full
 * the previous one is forgotten at once (no Map deletes on the hot path).
 */
export class AnswerMemory {
  readonly #half: number;
  readonly #chunks: Float64Array[] = [];
  readonly #strings: (string | null)[] = [];
  #current = new Map<string, number>();
  #previous = new Map<string, number>();
  #counter = 0;
  forgotten = 0;

  constructor(capacity: number) {
    this.#half = Math.max(1, Math.ceil(capacity / 2));
  }

  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  get(id: string): FeatureVector | undefined {
    const slot = this.#current.get(id) ?? this.#previous.get(id);
    return slot === undefined ? undefined : this.#decode(slot);
  }

  /** Remembers the answer for `id`, given as values in catalog order. */
  set(id: string, values: readonly FeatureValue[]): void {
    if (this.#current.size >= this.#half) {
      this.forgotten += this.#previous.size;
      this.#previous = this.#current;
      this.#current = new Map();
    }
    const slot = this.#counter;
    this.#counter = (this.#counter + 1) % (2 * this.#half);
    this.#current.set(id, slot);
    this.#encode(slot, values);
  }

  clear(): void {
    this.#current.clear();
    this.#previous.clear();
    this.#chunks.length = 0;
    this.#strings.length = 0;
  }

  #encode(slot: number, values: readonly FeatureValue[]): void {
    const chunkIndex = Math.floor(slot / CHUNK_SLOTS);
    while (this.#chunks.length <= chunkIndex) this.#chunks.push(new Float64Array(CHUNK_SLOTS * WIDTH));
    const chunk = this.#chunks[chunkIndex] as Float64Array;
    const base = (slot % CHUNK_SLOTS) * WIDTH;
    for (let i = 0; i < WIDTH; i++) {
      const value = values[i];
      chunk[base + i] = typeof value === 'number' ? value : typeof value === 'boolean' ? (value ? 1 : 0) : Number.NaN;
    }
    for (let k = 0; k < STRING_FEATURES.length; k++) {
      const value = values[STRING_FEATURES[k] as number];
      this.#strings[slot * STRING_FEATURES.length + k] = typeof value === 'string' ? value : null;
    }
  }

  #decode(slot: number): FeatureVector {
    const chunk = this.#chunks[Math.floor(slot / CHUNK_SLOTS)] as Float64Array;
    const base = (slot % CHUNK_SLOTS) * WIDTH;
    const values: FeatureValue[] = new Array(WIDTH);
    for (let i = 0; i < WIDTH; i++) {
      const feature = FEATURE_CATALOG[i] as (typeof FEATURE_CATALOG)[number];
      const x = chunk[base + i] ?? Number.NaN;
      values[i] = Number.isNaN(x) ? null : feature.type === 'boolean' ? x === 1 : x;
    }
    for (let k = 0; k < STRING_FEATURES.length; k++) {
      values[STRING_FEATURES[k] as number] = this.#strings[slot * STRING_FEATURES.length + k] ?? null;
    }
    return vectorOf(values);
  }
}
