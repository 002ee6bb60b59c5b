// Proves sliding windows equal a brute-force recomputation over random entry sequences: count, sum, max, distinct and an item's entry count, with exact expiry at the boundary (an entry exactly W old is out), read-only reads at later times, and the per-key entry cap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SLOT, type WindowSpec } from './series.ts';
import { SlidingWindows } from './windows.ts';

const WINDOWS: readonly WindowSpec[] = [
  { name: '1m', ms: 10, max: true, distinct: true },
  { name: '10m', ms: 25, max: false, distinct: true },
  { name: '1h', ms: 60, max: true, distinct: false },
];

interface Entry {
  t: number;
  value: number;
  item: string | undefined;
  evicted: boolean;
}

function brute(entries: readonly Entry[], t: number, member: string | undefined): number[] {
  const out: number[] = [];
  for (const w of WINDOWS) {
    const inside = entries.filter((e) => !e.evicted && e.t > t - w.ms && e.t <= t);
    const items = new Set(inside.flatMap((e) => (e.item === undefined ? [] : [e.item])));
    out.push(
      inside.length,
      inside.reduce((s, e) => s + e.value, 0),
      w.max ? inside.reduce((m, e) => Math.max(m, e.value), 0) : 0,
      w.distinct ? items.size : 0,
      w.distinct && member !== undefined ? inside.filter((e) => e.item === member).length : 0,
    );
  }
  return out;
}

const step = fc.record({
  // Gaps that land on window boundaries (10, 25, 60) and just beside them.
  gap: fc.oneof(fc.constantFrom(0, 1, 9, 10, 11, 24, 25, 26, 59, 60, 61), fc.integer({ min: 0, max: 80 })),
  value: fc.oneof(fc.constantFrom(0, 1, 2 ** 40), fc.integer({ min: 0, max: 1000 })),
  item: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: undefined }),
  member: fc.option(fc.constantFrom('a', 'b', 'z'), { nil: undefined }),
  peekAhead: fc.option(fc.constantFrom(0, 9, 10, 25, 60, 61, 100), { nil: undefined }),
});

describe('SlidingWindows', () => {
  it('matches brute force over random sequences (with and without an entry cap)', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80 }), fc.constantFrom(1, 2, 3, 5, 1000), (steps, cap) => {
        const windows = new SlidingWindows(WINDOWS, cap);
        const entries: Entry[] = [];
        const out = new Float64Array(WINDOWS.length * 5);
        let t = 1000;
        for (const s of steps) {
          t += s.gap;
          if (s.peekAhead !== undefined) {
            // A read at a later time changes nothing and sees exactly the entries still inside.
            windows.read(t + s.peekAhead, s.member, out, 0);
            expect(Array.from(out)).toEqual(brute(entries, t + s.peekAhead, s.member));
          }
          windows.expire(t);
          windows.read(t, s.member, out, 0);
          expect(Array.from(out)).toEqual(brute(entries, t, s.member));
          const live = entries.filter((e) => !e.evicted && e.t > t - 60);
          if (live.length >= cap) (live[0] as Entry).evicted = true;
          windows.push(t, s.value, s.item);
          entries.push({ t, value: s.value, item: s.item, evicted: false });
          expect(windows.size).toBe(Math.min(cap, entries.filter((e) => !e.evicted && e.t > t - 60).length));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('expires an entry exactly at its window length', () => {
    const windows = new SlidingWindows(WINDOWS, 100);
    const out = new Float64Array(WINDOWS.length * 5);
    windows.push(100, 7, 'a');
    windows.read(109, undefined, out, 0);
    expect(out[SLOT.count]).toBe(1);
    windows.read(110, undefined, out, 0);
    expect(out[SLOT.count]).toBe(0);
    expect(out[5 + SLOT.count]).toBe(1);
  });
});
