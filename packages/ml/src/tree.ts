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

/**
 * All trees of an ensemble flattened for fast prediction. Node k: `info[2k]` is −1 for a leaf,
 * otherwise the feature index with bit 24 set when missing values go left and bit 25 set for a
 * categorical split; `info[2k + 1]` is the left child, and the right child is always left + 1.
 * `threshold[k]` is the split value, or the output of a leaf. Numeric nodes (the common case)
 * need two loads and one comparison.
 */
export interface CompiledForest {
  readonly roots: Int32Array;
  readonly info: Int32Array;
  readonly threshold: Float64Array;
  /** Per node, the offset of its 256-entry "goes left" table in `categoryLeft` (categorical splits only). */
  readonly categoryOffset: Int32Array;
  readonly categoryLeft: Uint8Array;
}

const DEFAULT_LEFT = 1 << 24;
const CATEGORICAL = 1 << 25;
const FEATURE_MASK = (1 << 24) - 1;

export function compileForest(trees: readonly Tree[]): CompiledForest {
  let total = 0;
  let categorical = 0;
  for (const tree of trees) {
    total += tree.feature.length;
    for (const set of tree.leftCategories) if (set) categorical++;
  }
  const roots = new Int32Array(trees.length);
  const info = new Int32Array(total * 2);
  const threshold = new Float64Array(total);
  const categoryOffset = new Int32Array(total).fill(-1);
  const categoryLeft = new Uint8Array(categorical * 256);
  let next = 0;
  let catBase = 0;
  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t] as Tree;
    // Breadth-first renumbering so that siblings are adjacent.
    roots[t] = next++;
    const queue: [number, number][] = [[0, roots[t] as number]];
    for (let q = 0; q < queue.length; q++) {
      const [node, k] = queue[q] as [number, number];
      const feature = tree.feature[node] as number;
      if (feature < 0) {
        info[2 * k] = -1;
        threshold[k] = tree.value[node] as number;
        continue;
      }
      const left = next;
      next += 2;
      const set = tree.leftCategories[node];
      info[2 * k] = feature | (tree.defaultLeft[node] === 1 ? DEFAULT_LEFT : 0) | (set ? CATEGORICAL : 0);
      info[2 * k + 1] = left;
      threshold[k] = tree.threshold[node] as number;
      if (set) {
        categoryOffset[k] = catBase;
        for (const code of set) categoryLeft[catBase + code] = 1;
        catBase += 256;
      }
      queue.push([tree.left[node] as number, left], [tree.right[node] as number, left + 1]);
    }
  }
  return { roots, info, threshold, categoryOffset, categoryLeft };
}

/** Rows scored together per tree: the block's features stay in L1 while each tree is walked. */
const BLOCK_ROWS = 64;

/** Sum of leaf outputs over the forest for each row of the row-major matrix `x` (p columns), plus `base`. */
export function predictForest(
  forest: CompiledForest,
  x: Float64Array,
  rows: number,
  p: number,
  base: number,
  out = new Float64Array(rows),
): Float64Array {
  const { roots, info, threshold, categoryOffset, categoryLeft } = forest;
  const treeCount = roots.length;
  out.fill(base, 0, rows);
  for (let start = 0; start < rows; start += BLOCK_ROWS) {
    const end = Math.min(rows, start + BLOCK_ROWS);
    for (let t = 0; t < treeCount; t++) {
      const root = roots[t] as number;
      for (let r = start; r < end; r++) {
        const rowBase = r * p;
        let node = root;
        let code = info[2 * node] as number;
        while (code >= 0) {
          const v = x[rowBase + (code & FEATURE_MASK)] as number;
          const left = info[2 * node + 1] as number;
          if ((code & CATEGORICAL) === 0 && !Number.isNaN(v)) {
            node = v <= (threshold[node] as number) ? left : left + 1;
          } else if (Number.isNaN(v)) {
            node = (code & DEFAULT_LEFT) !== 0 ? left : left + 1;
          } else {
            node = categoryLeft[(categoryOffset[node] as number) + (v & 255)] === 1 ? left : left + 1;
          }
          code = info[2 * node] as number;
        }
        out[r] = (out[r] as number) + (threshold[node] as number);
      }
    }
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
