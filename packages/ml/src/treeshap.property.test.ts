// Proves exact TreeSHAP on random trees (numeric and categorical splits, missing values): contributions add up to the margin minus the expected value, and equal brute-force Shapley values of the cover-weighted conditional expectation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileForest, goesLeft, predictForest, type Tree } from './tree.ts';
import { forestShap, treeExpectation } from './treeshap.ts';

const FEATURES = 4;

/** A random tree grown from a seed list of choices. */
function randomTree(choices: number[], maxDepth: number): Tree {
  let at = 0;
  const next = () => (choices[at++ % choices.length] as number) / 1000;
  const tree: Tree = {
    feature: [],
    threshold: [],
    left: [],
    right: [],
    defaultLeft: [],
    leftCategories: [],
    value: [],
    cover: [],
    gain: [],
  };
  const grow = (depth: number): number => {
    const index = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.defaultLeft.push(0);
    tree.leftCategories.push(null);
    tree.value.push(0);
    tree.cover.push(0);
    tree.gain.push(0);
    if (depth >= maxDepth || next() < 0.25) {
      tree.value[index] = next() * 4 - 2;
      tree.cover[index] = 1 + Math.floor(next() * 50);
      return index;
    }
    const feature = Math.floor(next() * FEATURES);
    tree.feature[index] = feature;
    tree.defaultLeft[index] = next() < 0.5 ? 1 : 0;
    if (feature === 3) tree.leftCategories[index] = [0, 2].filter(() => next() < 0.8);
    else tree.threshold[index] = next();
    const l = grow(depth + 1);
    const r = grow(depth + 1);
    tree.left[index] = l;
    tree.right[index] = r;
    tree.cover[index] = (tree.cover[l] as number) + (tree.cover[r] as number);
    return index;
  };
  grow(0);
  return tree;
}

/** E[f(x) | x_S] with the path-dependent (cover-weighted) rule TreeSHAP uses. */
function conditional(tree: Tree, row: number[], known: Set<number>, node = 0): number {
  const f = tree.feature[node] as number;
  if (f < 0) return tree.value[node] as number;
  const l = tree.left[node] as number;
  const r = tree.right[node] as number;
  if (known.has(f)) return conditional(tree, row, known, goesLeft(tree, node, row[f] as number) ? l : r);
  const c = tree.cover[node] as number;
  return (
    ((tree.cover[l] as number) * conditional(tree, row, known, l) +
      (tree.cover[r] as number) * conditional(tree, row, known, r)) /
    c
  );
}

function bruteForce(trees: Tree[], row: number[]): number[] {
  const m = FEATURES;
  const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
  const value = (set: Set<number>) => trees.reduce((sum, t) => sum + conditional(t, row, set), 0);
  const phi = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++) {
    for (let mask = 0; mask < 1 << m; mask++) {
      if (mask & (1 << i)) continue;
      const set = new Set<number>();
      for (let j = 0; j < m; j++) if (mask & (1 << j)) set.add(j);
      const weight = (factorial(set.size) * factorial(m - set.size - 1)) / factorial(m);
      const without = value(set);
      set.add(i);
      phi[i] = (phi[i] as number) + weight * (value(set) - without);
    }
  }
  return phi;
}

const rowArbitrary = fc.tuple(
  fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(Number.NaN)),
  fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(Number.NaN)),
  fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(0.5)),
  fc.oneof(fc.constantFrom(0, 1, 2, 3), fc.constant(Number.NaN)),
);

describe('TreeSHAP', () => {
  it('contributions sum to margin − expected value on random ensembles', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 5, maxLength: 80 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: 1, max: 5 }),
        rowArbitrary,
        (seeds, depth, row) => {
          const trees = seeds.map((s) => randomTree(s, depth));
          const x = Float64Array.from(row);
          const margin = predictForest(compileForest(trees), x, 1, FEATURES, 0)[0] as number;
          const expected = trees.reduce((sum, t) => sum + treeExpectation(t), 0);
          const phi = forestShap(trees, x, FEATURES);
          const total = phi.reduce((a, b) => a + b, 0);
          expect(total).toBeCloseTo(margin - expected, 9);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals brute-force Shapley values, including repeated features on a path', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 5, maxLength: 60 }), {
          minLength: 1,
          maxLength: 2,
        }),
        fc.integer({ min: 1, max: 4 }),
        rowArbitrary,
        (seeds, depth, row) => {
          const trees = seeds.map((s) => randomTree(s, depth));
          const phi = forestShap(trees, Float64Array.from(row), FEATURES);
          const expected = bruteForce(trees, row);
          for (let i = 0; i < FEATURES; i++) expect(phi[i]).toBeCloseTo(expected[i] as number, 9);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('gives a single-split stump its whole effect on the split feature', () => {
    const stump: Tree = {
      feature: [0, -1, -1],
      threshold: [0.5, 0, 0],
      left: [1, -1, -1],
      right: [2, -1, -1],
      defaultLeft: [1, 0, 0],
      leftCategories: [null, null, null],
      value: [0, -1, 3],
      cover: [4, 3, 1],
      gain: [1, 0, 0],
    };
    // Expected value: (3·−1 + 1·3)/4 = 0; a row going right gets φ0 = 3.
    const phi = forestShap([stump], [0.9, 0, 0, 0], FEATURES);
    expect(Array.from(phi)).toEqual([3, 0, 0, 0]);
    expect(forestShap([stump], [Number.NaN, 0, 0, 0], FEATURES)[0]).toBe(-1);
  });
});
