// Proves the screening benchmark on a small seeded list: the same seed gives the same list, noisy variants are found and unrelated names are not flagged at the accuracy targets, and the report carries every figure the issue asks for.
import { describe, expect, it } from 'vitest';
import { runScreeningBench } from './bench-screening.ts';
import { generateList } from './generator.ts';
import { DEFAULT_THRESHOLD } from './screening.ts';

describe('runScreeningBench', () => {
  it('generates the same list for the same seed', () => {
    expect(generateList(50, 3)).toEqual(generateList(50, 3));
    expect(generateList(50, 3)).not.toEqual(generateList(50, 4));
  });

  it('meets the accuracy targets on a 20,000-entry list', () => {
    const r = runScreeningBench({
      listSize: 20_000,
      inputs: 2_000,
      seed: 11,
      threshold: DEFAULT_THRESHOLD,
      twoNoisesShare: 0,
    });
    expect(r.variants + r.unrelated).toBe(2_000);
    expect(r.recall_variants_indistinguishable_ok).toBeGreaterThanOrEqual(0.98);
    expect(r.false_positive_rate_unrelated).toBeLessThanOrEqual(0.005);
    expect(r.mean_candidates_scored).toBeLessThan(200);
    expect(Object.keys(r.recall_by_noise).sort()).toEqual(
      ['case_and_spacing', 'double', 'drop', 'pinyin', 'reorder', 'replace', 'shift_year', 'transpose'].sort(),
    );
    for (const key of ['index_build_seconds', 'names_per_second', 'peak_rss_mb'] as const) {
      expect(r[key]).toBeGreaterThan(0);
    }
  });
});
