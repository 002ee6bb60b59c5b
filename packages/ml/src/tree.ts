import { assert } from '@zhirong/kernel';

/**
 * One regression tree in the artefact's array form. Node 0 is the root; a leaf has `feature`
 * −1. Numeric split: x ≤ threshold goes left. Categorical split: codes listed in
 * `leftCategories[node]` go left. A missing value (NaN) follows `defaultLeft`.
 */
export interface Tree {
  readonly feature: number[];
  readonly threshold: number[];
  readonly left: number[];
  readonly right: number[];
  /** 1: missing values go left. */
  readonly defaultLeft: number[];
  /** For categorical splits, the category codes that go left; null for numeric splits and leaves. */
  readonly leftCategories: (number[] | null)[];
  /** Leaf outputs on the margin (log-odds) scale, learning rate applied; 0 on inner nodes. */
  readonly value: number[];
  /** Training rows that reached the node (TreeSHAP's weights). */
  readonly cover: number[];
  /** Loss reduction of the split; 0 on leaves. */
  readonly gain: number[];
}

/** All trees of an ensemble flattened into typed arrays for fast prediction. */
export interface CompiledForest {
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly defaultLeft: Uint8Array;
  /** Offset of the node's 256-entry "goes left" table in `categoryLeft`, −1 for numeric splits. */
  readonly categoryOffset: Int32Array;
  readonly categoryLeft: Uint8Array;
  readonly value: Float64Array;
}

export function compileForest(trees: readonly Tree[]): CompiledForest {
  let total = 0;
  let categorical = 0;
  for (const tree of trees) {
    total += tree.feature.length;
    for (const set of tree.leftCategories) if (set) categorical++;
  }
  const out = {
    roots: new Int32Array(trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    defaultLeft: new Uint8Array(total),
    categoryOffset: new Int32Array(total).fill(-1),
    categoryLeft: new Uint8Array(categorical * 256),
    value: new Float64Array(total),
  };
  let base = 0;
  let catBase = 0;
  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t] as Tree;
    out.roots[t] = base;
    for (let i = 0; i < tree.feature.length; i++) {
      const k = base + i;
      const feature = tree.feature[i] as number;
      out.feature[k] = feature;
      out.threshold[k] = tree.threshold[i] as number;
      out.left[k] = feature < 0 ? -1 : base + (tree.left[i] as number);
      out.right[k] = feature < 0 ? -1 : base + (tree.right[i] as number);
      out.defaultLeft[k] = tree.defaultLeft[i] as number;
      out.value[k] = tree.value[i] as number;
      const set = tree.leftCategories[i];
      if (set) {
        out.categoryOffset[k] = catBase;
        for (const code of set) out.categoryLeft[catBase + code] = 1;
        catBase += 256;
      }
    }
    base += tree.feature.length;
  }
  return out;
}

/** Sum of leaf outputs over the forest for each row of the row-major matrix `x` (p columns), plus `base`. */
export function predictForest(
  forest: CompiledForest,
  x: Float64Array,
  rows: number,
  p: number,
  base: number,
  out = new Float64Array(rows),
): Float64Array {
  const { roots, feature, threshold, left, right, defaultLeft, categoryOffset, categoryLeft, value } = forest;
  const treeCount = roots.length;
  for (let r = 0; r < rows; r++) {
    const rowBase = r * p;
    let sum = base;
    for (let t = 0; t < treeCount; t++) {
      let node = roots[t] as number;
      let f = feature[node] as number;
      while (f >= 0) {
        const v = x[rowBase + f] as number;
        let goLeft: boolean;
        if (Number.isNaN(v)) goLeft = defaultLeft[node] === 1;
        else {
          const offset = categoryOffset[node] as number;
          goLeft = offset < 0 ? v <= (threshold[node] as number) : categoryLeft[offset + (v & 255)] === 1;
        }
        node = goLeft ? (left[node] as number) : (right[node] as number);
        f = feature[node] as number;
      }
      sum += value[node] as number;
    }
    out[r] = sum;
  }
  return out;
}

/** Which child a row takes at an inner node (shared by prediction and TreeSHAP). */
export function goesLeft(tree: Tree, node: number, v: number): boolean {
  if (Number.isNaN(v)) return tree.defaultLeft[node] === 1;
  const set = tree.leftCategories[node];
  return set ? set.includes(v) : v <= (tree.threshold[node] as number);
}

/** Structural checks on a tree read from an artefact; returns a reason or undefined. */
export function treeProblem(tree: Tree, featureCount: number): string | undefined {
  const n = tree.feature.length;
  if (n === 0) return 'a tree has no nodes';
  for (const key of [
    'threshold',
    'left',
    'right',
    'defaultLeft',
    'leftCategories',
    'value',
    'cover',
    'gain',
  ] as const) {
    if (!Array.isArray(tree[key]) || tree[key].length !== n) return `tree array ${key} has the wrong length`;
  }
  const seen = new Uint8Array(n);
  const stack = [0];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    if (seen[node]) return 'a tree node is reached twice';
    seen[node] = 1;
    const f = tree.feature[node] as number;
    if (!Number.isInteger(f) || f < -1 || f >= featureCount) return 'a tree uses an unknown feature';
    if (!Number.isFinite(tree.value[node]) || !Number.isFinite(tree.cover[node]))
      return 'a tree holds a non-finite number';
    if (f < 0) continue;
    const l = tree.left[node] as number;
    const r = tree.right[node] as number;
    if (!Number.isInteger(l) || !Number.isInteger(r) || l <= node || r <= node || l >= n || r >= n) {
      return 'a tree child index is out of range';
    }
    const set = tree.leftCategories[node];
    if (set && !set.every((c) => Number.isInteger(c) && c >= 0 && c < 256)) return 'a category code is out of range';
    stack.push(l, r);
  }
  assert(seen.length === n, 'seen covers the tree');
  if (seen.some((s) => s === 0)) return 'a tree has unreachable nodes';
  return undefined;
}
