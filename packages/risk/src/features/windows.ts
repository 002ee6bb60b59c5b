import { assert } from '@zhirong/kernel';
import { SLOT, type WindowSpec } from './series.ts';

/**
 * Sliding windows over one entity's entries (time, value, item), all windows sharing one deque of
 * entries. Each window has a head pointer (absolute index of its oldest entry), a running count
 * and sum, a monotonic deque of indices for the maximum and a refcount map for distinct items, so
 * adding an entry and expiring old ones cost O(1) amortized.
 *
 * A window of length W at time t holds the entries with t − W < atMs ≤ t: an entry exactly W old
 * has expired. Entries must be added in time order (the caller checks {@link watermarkMs}).
 */
export class SlidingWindows {
  /** Entries, physically from absolute index {@link #base}. */
  #times: number[] = [];
  #values: number[] = [];
  #items: (string | undefined)[] = [];
  #base = 0;
  /** Absolute index of the next entry. */
  #next = 0;
  readonly #heads: number[];
  readonly #counts: number[];
  readonly #sums: number[];
  readonly #maxIndices: (number[] | null)[];
  readonly #maxFronts: number[];
  readonly #distinct: (Map<string, number> | null)[];
  /** The newest time this key was recorded or expired at; older events are rejected. */
  watermarkMs = Number.NEGATIVE_INFINITY;
  /** Second-chance bit for the owner's eviction queue (set when the key is recorded to). */
  referenced = false;

  constructor(
    readonly windows: readonly WindowSpec[],
    readonly entriesMax: number,
  ) {
    assert(windows.length > 0, 'a series needs a window');
    for (let i = 1; i < windows.length; i++) {
      assert((windows[i]?.ms ?? 0) > (windows[i - 1]?.ms ?? 0), 'windows must be shortest first');
    }
    const n = windows.length;
    this.#heads = new Array(n).fill(0);
    this.#counts = new Array(n).fill(0);
    this.#sums = new Array(n).fill(0);
    this.#maxIndices = windows.map((w) => (w.max ? [] : null));
    this.#maxFronts = new Array(n).fill(0);
    this.#distinct = windows.map((w) => (w.distinct ? new Map<string, number>() : null));
  }

  /** Entries retained (those inside the longest window, at most `entriesMax`). */
  get size(): number {
    return this.#next - (this.#heads[this.windows.length - 1] ?? 0);
  }

  #remove(w: number, index: number): void {
    const p = index - this.#base;
    this.#counts[w] = (this.#counts[w] ?? 0) - 1;
    this.#sums[w] = (this.#sums[w] ?? 0) - (this.#values[p] ?? 0);
    const distinct = this.#distinct[w];
    const item = this.#items[p];
    if (distinct && item !== undefined) {
      const refs = (distinct.get(item) ?? 0) - 1;
      if (refs <= 0) distinct.delete(item);
      else distinct.set(item, refs);
    }
    const maxIndices = this.#maxIndices[w];
    if (maxIndices && maxIndices[this.#maxFronts[w] ?? 0] === index) {
      const front = (this.#maxFronts[w] ?? 0) + 1;
      if (front > 64 && front * 2 > maxIndices.length) {
        maxIndices.splice(0, front);
        this.#maxFronts[w] = 0;
      } else this.#maxFronts[w] = front;
    }
    this.#heads[w] = index + 1;
  }

  /** Drops physical entries before the longest window's head (amortized: in batches). */
  #compact(): void {
    const oldest = this.#heads[this.windows.length - 1] ?? 0;
    const dead = oldest - this.#base;
    if (dead > 32 && dead * 2 > this.#times.length) {
      this.#times.splice(0, dead);
      this.#values.splice(0, dead);
      this.#items.splice(0, dead);
      this.#base = oldest;
    }
  }

  /** Expires every window to time `t`. Returns how many entries left the longest window. */
  expire(t: number): number {
    const last = this.windows.length - 1;
    const before = this.#heads[last] ?? 0;
    for (let w = 0; w <= last; w++) {
      const cutoff = t - (this.windows[w]?.ms ?? 0);
      let head = this.#heads[w] ?? 0;
      while (head < this.#next && (this.#times[head - this.#base] ?? 0) <= cutoff) {
        this.#remove(w, head);
        head++;
      }
    }
    if (t > this.watermarkMs) this.watermarkMs = t;
    this.#compact();
    return (this.#heads[last] ?? 0) - before;
  }

  /**
   * Adds an entry at time `t` (≥ every earlier entry). When `entriesMax` entries are already kept the
   * oldest is dropped from every window first; returns 1 then, else 0.
   */
  push(t: number, value: number, item: string | undefined): number {
    assert(t >= this.watermarkMs || this.watermarkMs === Number.NEGATIVE_INFINITY, 'entries arrive in time order');
    const last = this.windows.length - 1;
    let evicted = 0;
    if (this.size >= this.entriesMax) {
      const oldest = this.#heads[last] ?? 0;
      for (let w = 0; w <= last; w++) if (this.#heads[w] === oldest) this.#remove(w, oldest);
      evicted = 1;
      this.#compact();
    }
    const index = this.#next++;
    this.#times.push(t);
    this.#values.push(value);
    this.#items.push(item);
    for (let w = 0; w <= last; w++) {
      this.#counts[w] = (this.#counts[w] ?? 0) + 1;
      this.#sums[w] = (this.#sums[w] ?? 0) + value;
      const distinct = this.#distinct[w];
      if (distinct && item !== undefined) distinct.set(item, (distinct.get(item) ?? 0) + 1);
      const maxIndices = this.#maxIndices[w];
      if (maxIndices) {
        const front = this.#maxFronts[w] ?? 0;
        while (
          maxIndices.length > front &&
          (this.#values[(maxIndices[maxIndices.length - 1] ?? 0) - this.#base] ?? 0) <= value
        ) {
          maxIndices.pop();
        }
        maxIndices.push(index);
      }
    }
    if (t > this.watermarkMs) this.watermarkMs = t;
    return evicted;
  }

  /**
   * Writes count, sum, max, distinct and the member's entry count of every window at time `t` into `out` from
   * `offset` (5 slots per window), without changing anything: entries that would have expired by
   * `t` are scanned and left out.
   */
  read(t: number, member: string | undefined, out: Float64Array, offset: number): void {
    for (let w = 0; w < this.windows.length; w++) {
      const spec = this.windows[w] as WindowSpec;
      const cutoff = t - spec.ms;
      let head = this.#heads[w] ?? 0;
      let count = this.#counts[w] ?? 0;
      let sum = this.#sums[w] ?? 0;
      let expired: Map<string, number> | null = null;
      const distinct = this.#distinct[w];
      while (head < this.#next && (this.#times[head - this.#base] ?? 0) <= cutoff) {
        const p = head - this.#base;
        count--;
        sum -= this.#values[p] ?? 0;
        const item = this.#items[p];
        if (distinct && item !== undefined) {
          expired ??= new Map();
          expired.set(item, (expired.get(item) ?? 0) + 1);
        }
        head++;
      }
      let distinctCount = 0;
      let isMember = 0;
      if (distinct) {
        distinctCount = distinct.size;
        if (expired) for (const [item, n] of expired) if (distinct.get(item) === n) distinctCount--;
        if (member !== undefined) isMember = (distinct.get(member) ?? 0) - (expired?.get(member) ?? 0);
      }
      let max = 0;
      const maxIndices = this.#maxIndices[w];
      if (maxIndices) {
        let front = this.#maxFronts[w] ?? 0;
        while (front < maxIndices.length && (maxIndices[front] ?? 0) < head) front++;
        if (front < maxIndices.length) max = this.#values[(maxIndices[front] ?? 0) - this.#base] ?? 0;
      }
      const o = offset + w * 5;
      out[o + SLOT.count] = count;
      out[o + SLOT.sum] = sum;
      out[o + SLOT.max] = max;
      out[o + SLOT.distinct] = distinctCount;
      out[o + SLOT.member] = isMember;
    }
  }
}
