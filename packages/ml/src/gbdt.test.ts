// Proves the GBDT learns real signal (numeric, categorical and missing-value patterns), is deterministic for a seed and identical with one or two threads, stops early on a validation set, and that the fast forest predictor agrees with walking each tree.
import { SeededRng } from '@zhirong/kernel';
import { describe, expect, it } from 'vitest';
import type { Dataset, FeatureSpec } from './data.ts';
import { trainGbdt } from './gbdt.ts';
import { auc } from './metrics.ts';
import { compileForest, goesLeft, predictForest, type Tree } from './tree.ts';

/** x0 numeric (signal), x1 categorical (codes 1 and 4 are risky — not ordinal), x2 numeric with informative gaps, x3 noise. */
function dataset(rows: number, seed: number): Dataset {
  const rng = new SeededRng(seed);
  const features: FeatureSpec[] = [
    { name: 'x0', type: 'numeric' },
    { name: 'x1', type: 'categorical', categories: ['a', 'b', 'c', 'd', 'e', 'f'] },
    { name: 'x2', type: 'numeric' },
    { name: 'x3', type: 'numeric' },
  ];
  const x = new Float64Array(rows * 4);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const x0 = rng.float();
    const x1 = rng.int(6);
    const missing = rng.float() < 0.2;
    const x2 = rng.float();
    x.set([x0, x1, missing ? Number.NaN : x2, rng.float()], r * 4);
    const z = -1 + 3 * (x0 - 0.5) + (x1 === 1 || x1 === 4 ? 1.5 : -0.5) + (missing ? 1.5 : 0);
    y[r] = rng.float() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { features, rows, x, y };
}

function walk(tree: Tree, row: Float64Array): number {
  let node = 0;
  while ((tree.feature[node] as number) >= 0) {
    node = goesLeft(tree, node, row[tree.feature[node] as number] as number)
      ? (tree.left[node] as number)
      : (tree.right[node] as number);
  }
  return tree.value[node] as number;
}

describe('GBDT', () => {
  const train = dataset(4000, 1);
  const test = dataset(2000, 2);
  const params = { rounds: 60, learningRate: 0.1, earlyStoppingRounds: 0 };

  it('learns numeric, categorical and missing-value signal', () => {
    const fit = trainGbdt(train, params, new SeededRng(7));
    const margin = predictForest(compileForest(fit.trees), test.x, test.rows, 4, fit.baseScore);
    expect(auc(test.y as Uint8Array, margin)).toBeGreaterThan(0.8);
    // The categorical feature is split by set membership, the missing values get their own direction.
    const categoricalSplits = fit.trees.flatMap((t) => t.leftCategories.filter((c) => c !== null));
    expect(categoricalSplits.length).toBeGreaterThan(0);
    const risky = new Set([1, 4]);
    const first = categoricalSplits[0] as number[];
    const leftIsRisky = first.every((c) => risky.has(c));
    const leftIsSafe = first.every((c) => !risky.has(c));
    expect(leftIsRisky || leftIsSafe).toBe(true);
    // A row with x2 missing scores higher than the same row with any x2 value.
    const row = (x2: number) => Float64Array.of(0.5, 0, x2, 0.5);
    const score = (x2: number) => predictForest(compileForest(fit.trees), row(x2), 1, 4, fit.baseScore)[0] as number;
    expect(score(Number.NaN)).toBeGreaterThan(score(0.2));
    expect(score(Number.NaN)).toBeGreaterThan(score(0.8));
  });

  it('is deterministic for a seed, the same with two threads, and different for another seed', () => {
    const sampled = { ...params, subsample: 0.7, colsample: 0.75 };
    const a = trainGbdt(train, sampled, new SeededRng(11));
    const b = trainGbdt(train, sampled, new SeededRng(11));
    const c = trainGbdt(train, sampled, new SeededRng(12));
    expect(JSON.stringify(a.trees)).toBe(JSON.stringify(b.trees));
    expect(JSON.stringify(a.trees)).not.toBe(JSON.stringify(c.trees));
    const big = dataset(20_000, 3);
    const one = trainGbdt(big, { rounds: 5, earlyStoppingRounds: 0 }, new SeededRng(5), undefined, { threads: 1 });
    const two = trainGbdt(big, { rounds: 5, earlyStoppingRounds: 0 }, new SeededRng(5), undefined, { threads: 2 });
    expect(JSON.stringify(two.trees)).toBe(JSON.stringify(one.trees));
  });

  it('stops early on a validation set and keeps the best round', () => {
    const fit = trainGbdt(train, { rounds: 2000, learningRate: 0.3, earlyStoppingRounds: 10 }, new SeededRng(1), test);
    expect(fit.earlyStopped).toBe(true);
    expect(fit.trees.length).toBeLessThan(200);
    const best = Math.min(...fit.validationLoss);
    expect(fit.validationLoss[fit.trees.length - 1]).toBe(best);
  });

  it('picks the round count by cross-validation on small data and on a held-out share on larger data, then refits', () => {
    const small = trainGbdt(train, { rounds: 500, learningRate: 0.3, maxDepth: 3 }, new SeededRng(1));
    expect(small.earlyStopped).toBe(true);
    expect(small.rounds).toBeLessThan(500);
    expect(small.trainingMargin?.length).toBe(train.rows);
    const large = dataset(12_000, 4);
    const fit = trainGbdt(large, { rounds: 500, learningRate: 0.3, maxDepth: 3 }, new SeededRng(1));
    expect(fit.validationLoss.length).toBeGreaterThan(0);
    expect(fit.trainingMargin?.length).toBe(large.rows);
    // Refit on every row: a few more rounds than the held-out run chose.
    const best = fit.validationLoss.indexOf(Math.min(...fit.validationLoss)) + 1;
    expect(fit.rounds).toBe(Math.round(best / (1 - 0.15)));
    expect(fit.trees.length).toBe(fit.rounds);
  });

  it('the compiled forest predicts exactly what walking each tree gives, leaf limits hold', () => {
    const fit = trainGbdt(train, { ...params, maxLeaves: 8, maxDepth: 4 }, new SeededRng(3));
    for (const tree of fit.trees) {
      expect(tree.feature.filter((f) => f < 0).length).toBeLessThanOrEqual(8);
    }
    const forest = compileForest(fit.trees);
    const margins = predictForest(forest, test.x, 200, 4, fit.baseScore);
    for (let r = 0; r < 200; r++) {
      const row = test.x.subarray(r * 4, r * 4 + 4);
      const expected = fit.trees.reduce((sum, t) => sum + walk(t, row), fit.baseScore);
      expect(margins[r]).toBeCloseTo(expected, 12);
    }
  });
});
