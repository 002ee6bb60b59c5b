// Proves the metrics match hand-computed values, treat tied scores exactly (AUC = pairwise Mann–Whitney count), and that PSI, lift and calibration tables add up.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auc,
  brier,
  calibrationTable,
  confusion,
  evaluate,
  gini,
  ks,
  liftTable,
  logLoss,
  prAuc,
  psi,
} from './metrics.ts';

describe('ranking metrics', () => {
  it('match hand-computed values', () => {
    const y = [0, 0, 1, 1];
    const s = [0.1, 0.4, 0.35, 0.8];
    // Pairs (pos, neg): (0.35 > 0.1), (0.35 < 0.4), (0.8 > both) → 3 of 4.
    expect(auc(y, s)).toBe(0.75);
    expect(gini(y, s)).toBe(0.5);
    // Average precision (scikit-learn's example): 0.8333…
    expect(prAuc(y, s)).toBeCloseTo(0.8333333333, 9);
    // KS: after 0.8 → TPR .5 FPR 0; after 0.4 → .5/.5; after .35 → 1/.5 → max .5
    expect(ks(y, s)).toBe(0.5);
  });

  it('count a tie between a positive and a negative as one half', () => {
    expect(auc([0, 1], [0.5, 0.5])).toBe(0.5);
    // y: 0 1 0 1 with scores .5 .5 .2 .9: pairs (pos .5 vs neg .5) ½, (pos .5 vs .2) 1, (.9 vs .5) 1, (.9 vs .2) 1 → 3.5/4
    expect(auc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBe(0.875);
    // A constant score carries no ranking: exactly 0.5, KS 0.
    expect(auc([0, 1, 1, 0, 1], [3, 3, 3, 3, 3])).toBe(0.5);
    expect(ks([0, 1, 1, 0, 1], [3, 3, 3, 3, 3])).toBe(0);
  });

  it('equal the pairwise Mann–Whitney count on random data with many ties, whatever the row order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 5 })), {
          minLength: 2,
          maxLength: 60,
        }),
        (pairs) => {
          const y = pairs.map((p) => p[0]);
          const s = pairs.map((p) => p[1] / 5);
          const pos = y.filter((v) => v === 1).length;
          if (pos === 0 || pos === y.length) return;
          let wins = 0;
          for (let i = 0; i < y.length; i++) {
            for (let j = 0; j < y.length; j++) {
              if (y[i] === 1 && y[j] === 0) wins += (s[i] as number) > (s[j] as number) ? 1 : s[i] === s[j] ? 0.5 : 0;
            }
          }
          const expected = wins / (pos * (y.length - pos));
          expect(auc(y, s)).toBeCloseTo(expected, 12);
          const reversed = [...pairs].reverse();
          expect(
            auc(
              reversed.map((p) => p[0]),
              reversed.map((p) => p[1] / 5),
            ),
          ).toBe(auc(y, s));
        },
      ),
    );
  });
});

describe('probability metrics', () => {
  it('log loss, Brier and the confusion matrix match hand-computed values', () => {
    const y = [1, 0, 1, 0];
    const p = [0.9, 0.2, 0.4, 0.6];
    expect(logLoss(y, p)).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.4)) / 4, 12);
    expect(brier(y, p)).toBeCloseTo((0.01 + 0.04 + 0.36 + 0.36) / 4, 12);
    const c = confusion(y, p, 0.5);
    expect(c).toMatchObject({ tp: 1, fp: 1, tn: 1, fn: 1, precision: 0.5, recall: 0.5, accuracy: 0.5, f1: 0.5 });
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 6); // clipped, finite
  });

  it('lift and gain tables cover every row and reach a cumulative gain of 1', () => {
    const y = Array.from({ length: 100 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const s = Array.from({ length: 100 }, (_, i) => (i % 4 === 0 ? 0.5 + i / 1000 : i / 1000));
    const table = liftTable(y, s);
    expect(table).toHaveLength(10);
    expect(table.reduce((sum, r) => sum + r.rows, 0)).toBe(100);
    expect(table.at(-1)?.cumulativeGain).toBe(1);
    expect(table[0]?.rate).toBe(1);
    expect(table[0]?.lift).toBe(4);
    const calibration = calibrationTable(y, s, 5);
    expect(calibration.reduce((sum, r) => sum + r.rows, 0)).toBe(100);
    expect(calibration.at(-1)?.observedRate).toBeGreaterThan(calibration[0]?.observedRate ?? 1);
  });

  it('PSI is 0 for identical samples, grows with a shift, and keeps a missing-value bin', () => {
    const base = Array.from({ length: 1000 }, (_, i) => i / 1000);
    expect(psi(base, base).value).toBeCloseTo(0, 12);
    const shifted = base.map((v) => v + 0.3);
    expect(psi(base, shifted).value).toBeGreaterThan(0.25);
    const withGaps = base.map((v, i) => (i % 10 === 0 ? Number.NaN : v));
    const result = psi(base, withGaps);
    expect(result.bins.at(-1)?.upper).toBeNull();
    expect(result.bins.at(-1)?.actual).toBeCloseTo(0.1, 12);
    // Hand-computed: ten equal bins expected 0.1 each; actual puts everything in the last bin.
    const allHigh = base.map(() => 0.9999);
    const value = psi(base, allHigh).value;
    const expected = 9 * (1e-4 - 0.1) * Math.log(1e-4 / 0.1) + (1 - 0.1) * Math.log(1 / 0.1);
    expect(value).toBeCloseTo(expected, 9);
  });

  it('evaluate bundles the headline metrics', () => {
    const e = evaluate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(e).toMatchObject({ rows: 4, positives: 2, auc: 0.75, ks: 0.5 });
  });
});
