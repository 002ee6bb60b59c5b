// Proves the heap-layout forest predictor gives margins bit-identical to the walk layout and to walking each tree node by node, on random ensembles (unbalanced trees, numeric and categorical splits, missing values both ways) and random rows, for any row count.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FastRng } from './random.ts';
import { compileForest, goesLeft, HEAP_DEPTH_MAX, predictForest, predictWalk, type Tree, treeDepth } from './tree.ts';

const FEATURES = 5;
/** Features 3 and 4 are categorical (codes 0..15); 0..2 numeric. */
const CATEGORICAL_FROM = 3;
/** Thresholds come from a small grid so that rows often hit them exactly (the ≤ boundary). */
const GRID = [-1, -0.5, 0, 0.25, 0.5, 1, 2];

function randomTree(seed: number, maxDepth: number, leafChance: number): Tree {
  const rng = new FastRng(seed);
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
  // Breadth-first like the trainer's artefacts: children get larger indices than their parent.
  const grow = (index: number, depth: number): [number, number][] => {
    if (depth >= maxDepth || (depth > 0 && rng.float() < leafChance)) {
      tree.value[index] = (rng.float() - 0.5) * 2 ** (rng.int(20) - 10);
      return [];
    }
    const feature = rng.int(FEATURES);
    tree.feature[index] = feature;
    tree.defaultLeft[index] = rng.int(2);
    if (feature >= CATEGORICAL_FROM) {
      const set: number[] = [];
      for (let c = 0; c < 16; c++) if (rng.float() < 0.4) set.push(c);
      tree.leftCategories[index] = set;
    } else {
      tree.threshold[index] = GRID[rng.int(GRID.length)] as number;
    }
    const l = tree.feature.length;
    for (const k of [l, l + 1]) {
      tree.feature[k] = -1;
      tree.threshold[k] = 0;
      tree.left[k] = -1;
      tree.right[k] = -1;
      tree.defaultLeft[k] = 0;
      tree.leftCategories[k] = null;
      tree.value[k] = 0;
      tree.cover[k] = 1;
      tree.gain[k] = 0;
    }
    tree.left[index] = l;
    tree.right[index] = l + 1;
    return [
      [l, depth + 1],
      [l + 1, depth + 1],
    ];
  };
  for (const key of Object.keys(tree) as (keyof Tree)[])
    (tree[key] as unknown[]).push(key === 'leftCategories' ? null : 0);
  tree.feature[0] = -1;
  tree.cover[0] = 1;
  const queue: [number, number][] = [[0, 0]];
  for (let q = 0; q < queue.length; q++) queue.push(...grow(...(queue[q] as [number, number])));
  return tree;
}

function randomRows(seed: number, rows: number, odd: boolean): Float64Array {
  const rng = new FastRng(seed);
  const x = new Float64Array(rows * FEATURES);
  for (let i = 0; i < x.length; i++) {
    const f = i % FEATURES;
    const u = rng.float();
    if (u < 0.15) x[i] = Number.NaN;
    else if (f >= CATEGORICAL_FROM) {
      // Unseen codes (16, 40) as the risk engine encodes unknown categories; odd values only where asked.
      x[i] =
        odd && u < 0.2
          ? ([300, -1, 2.5, Number.POSITIVE_INFINITY][rng.int(4)] as number)
          : rng.int(17) + (u < 0.2 ? 24 : 0);
    } else if (u < 0.45) x[i] = GRID[rng.int(GRID.length)] as number;
    else if (u < 0.5) x[i] = u < 0.475 ? -0 : Number.NEGATIVE_INFINITY;
    else x[i] = (rng.float() - 0.5) * 6;
  }
  return x;
}

/** The reference: walk each tree from its root with `goesLeft`, summing in tree order from `base`. */
function walkTrees(trees: Tree[], x: Float64Array, rows: number, base: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = base;
    for (const tree of trees) {
      let node = 0;
      while ((tree.feature[node] as number) >= 0) {
        const v = x[r * FEATURES + (tree.feature[node] as number)] as number;
        node = goesLeft(tree, node, v) ? (tree.left[node] as number) : (tree.right[node] as number);
      }
      sum += tree.value[node] as number;
    }
    out[r] = sum;
  }
  return out;
}

const bits = (a: Float64Array) => Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length), String);

describe('forest prediction layouts', () => {
  it('heap, walk and tree-by-tree margins are bit-identical on random forests and rows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 31 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: HEAP_DEPTH_MAX }),
        fc.double({ min: 0, max: 0.6, noNaN: true }),
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        (seeds, maxDepth, leafChance, rows, rowSeed, base) => {
          const trees = seeds.map((s) => randomTree(s, maxDepth, leafChance));
          const x = randomRows(rowSeed, rows, false);
          const forest = compileForest(trees);
          expect(forest.depth).toBe(Math.max(...trees.map(treeDepth)));
          const heap = predictForest(forest, x, rows, FEATURES, base);
          expect(bits(heap)).toEqual(bits(walkTrees(trees, x, rows, base)));
          expect(bits(heap)).toEqual(bits(predictWalk(forest, x, rows, FEATURES, base)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with the walk layout on codes outside 0..255, fractions and infinities at categorical splits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 6 }), (seed, maxDepth) => {
        const trees = [1, 2, 3, 4].map((k) => randomTree(seed + k, maxDepth, 0.2));
        const x = randomRows(seed, 33, true);
        const forest = compileForest(trees);
        expect(bits(predictForest(forest, x, 33, FEATURES, 0.5))).toEqual(
          bits(predictWalk(forest, x, 33, FEATURES, 0.5)),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('falls back to the walk layout for forests deeper than the heap limit, with the same margins', () => {
    const trees = [11, 12, 13].map((s) => randomTree(s, 5, 0));
    const x = randomRows(7, 9, false);
    const shallowLimit = compileForest(trees, 3);
    expect(shallowLimit.depth).toBe(-1);
    expect(compileForest(trees).depth).toBe(5);
    expect(bits(predictForest(shallowLimit, x, 9, FEATURES, 0))).toEqual(
      bits(predictForest(compileForest(trees), x, 9, FEATURES, 0)),
    );
    expect(bits(predictForest(shallowLimit, x, 9, FEATURES, 0))).toEqual(bits(walkTrees(trees, x, 9, 0)));
  });

  it('a single-leaf forest gives base plus the leaf for every row', () => {
    const leaf = randomTree(1, 0, 0);
    const forest = compileForest([leaf]);
    expect(forest.depth).toBe(0);
    const out = predictForest(forest, randomRows(3, 6, false), 6, FEATURES, 1);
    expect(Array.from(out)).toEqual(new Array(6).fill(1 + (leaf.value[0] as number)));
  });
});
