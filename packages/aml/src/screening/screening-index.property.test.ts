// Proves the blocking index loses nothing a full scan would find for names one noise away from a listed name (reordered, transposed, doubled, replaced or dropped letters, shifted birth year, pinyin for characters), over random seeded lists; and that it scores far fewer candidates than the list holds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateList, noisyVariants } from './generator.ts';
import { buildScreeningIndex, DEFAULT_THRESHOLD, subjectOf } from './screening.ts';

describe('ScreeningIndex against a full scan', () => {
  it('finds the entry a full scan finds, for every single-noise variant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const list = generateList(400, seed);
        const index = buildScreeningIndex(list.map((p) => ({ ...p })));
        let scanned = 0;
        for (const v of noisyVariants(list, 40, seed + 1)) {
          const subject = subjectOf(v.person);
          const full = index.screenFullScan(subject, { threshold: DEFAULT_THRESHOLD });
          const fast = index.screen(subject, { threshold: DEFAULT_THRESHOLD });
          expect(fast.candidates).toBeLessThan(list.length);
          scanned += fast.candidates;
          if (full.entry !== null) {
            // Equal scores can pick different (duplicate) entries; the score must be the same.
            expect(fast.score).toBe(full.score);
            expect(fast.entry).not.toBeNull();
          } else expect(fast.entry).toBeNull();
        }
        expect(scanned / 40).toBeLessThan(list.length / 10);
      }),
      { numRuns: 12 },
    );
  });

  it('finds nearly everything a full scan finds when two noises are combined', () => {
    const list = generateList(600, 77);
    const index = buildScreeningIndex(list);
    let found = 0;
    let fastFound = 0;
    for (const v of noisyVariants(list, 300, 78, 1)) {
      const subject = subjectOf(v.person);
      if (index.screenFullScan(subject, { threshold: DEFAULT_THRESHOLD }).entry === null) continue;
      found++;
      if (index.screen(subject, { threshold: DEFAULT_THRESHOLD }).entry !== null) fastFound++;
    }
    expect(found).toBeGreaterThan(150);
    expect(fastFound / found).toBeGreaterThan(0.95);
  });
});
