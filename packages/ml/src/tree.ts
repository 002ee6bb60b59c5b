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
 * All trees of an ensemble flattened for fast prediction, in two layouts.
 *
 * Walk layout (any depth). Node k: `info[2k]` is −1 for a leaf, otherwise the feature index with
 * bit 24 set when missing values go left and bit 25 set for a categorical split; `info[2k + 1]` is
 * the left child, and the right child is always left + 1. `threshold[k]` is the split value, or the
 * output of a leaf.
 *
 * Heap layout (when the deepest tree has at most `HEAP_DEPTH_MAX` splits on a path, `depth` ≥ 0).
 * Every tree is padded to a complete binary tree of `depth` levels: inner node i (0-based, per tree
 * `2^depth − 1` of them) has children 2i + 1 (left) and 2i + 2 (right), and leaf j is heap node
 * `2^depth − 1 + j`. A leaf of the original tree that sits higher up becomes a padding subtree
 * whose inner nodes test anything (feature 0, threshold 0) and whose leaves all hold the same
 * value, so every row reaches a leaf with exactly the original value after exactly `depth` steps:
 * no leaf test, no child arrays, and a fixed trip count that lets several rows be walked at once.
 * `heapCode[n]` is the feature, with bit 25 set for a categorical split; `heapNanRight[n]` is 1
 * when a missing value goes right; `heapCategoryRight` holds 256 "goes right" bytes per
 * categorical split, at `heapCategoryOffset[n]`.
 */
export interface CompiledForest {
  readonly roots: Int32Array;
  readonly info: Int32Array;
  readonly threshold: Float64Array;
  /** Per node, the offset of its 256-entry "goes left" table in `categoryLeft` (categorical splits only). */
  readonly categoryOffset: Int32Array;
  readonly categoryLeft: Uint8Array;
  /** Levels of the heap layout, or −1 when the forest is too deep for it (the walk layout is used). */
  readonly depth: number;
  readonly heapCode: Int32Array;
  readonly heapThreshold: Float64Array;
  readonly heapNanRight: Uint8Array;
  readonly heapCategoryOffset: Int32Array;
  readonly heapCategoryRight: Uint8Array;
  readonly heapLeaf: Float64Array;
}

const DEFAULT_LEFT = 1 << 24;
const CATEGORICAL = 1 << 25;
const FEATURE_MASK = (1 << 24) - 1;
/**
 * Deepest forest given the heap layout: 2^8 leaves per tree (about 5 KB), so even 2,000 trees stay
 * near 10 MB; deeper forests (maxDepth up to 16) would pad to too much memory and use the walk.
 */
export const HEAP_DEPTH_MAX = 8;

/** Splits on the longest root-to-leaf path (0 for a single leaf). Children have larger indices (checked on load). */
export function treeDepth(tree: Tree): number {
  const depth = new Int32Array(tree.feature.length);
  let max = 0;
  for (let node = 0; node < tree.feature.length; node++) {
    if ((tree.feature[node] as number) < 0) {
      if ((depth[node] as number) > max) max = depth[node] as number;
      continue;
    }
    depth[tree.left[node] as number] = (depth[node] as number) + 1;
    depth[tree.right[node] as number] = (depth[node] as number) + 1;
  }
  return max;
}

export function compileForest(trees: readonly Tree[], heapDepthMax = HEAP_DEPTH_MAX): CompiledForest {
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
  const walk = { roots, info, threshold, categoryOffset, categoryLeft };
  const depth = trees.reduce((max, tree) => Math.max(max, treeDepth(tree)), 0);
  if (depth > heapDepthMax) {
    return {
      ...walk,
      depth: -1,
      heapCode: new Int32Array(0),
      heapThreshold: new Float64Array(0),
      heapNanRight: new Uint8Array(0),
      heapCategoryOffset: new Int32Array(0),
      heapCategoryRight: new Uint8Array(0),
      heapLeaf: new Float64Array(0),
    };
  }
  const inner = 2 ** depth - 1;
  const leaves = 2 ** depth;
  const heapCode = new Int32Array(trees.length * inner);
  const heapThreshold = new Float64Array(trees.length * inner);
  const heapNanRight = new Uint8Array(trees.length * inner);
  const heapCategoryOffset = new Int32Array(trees.length * inner);
  const heapCategoryRight = new Uint8Array(categorical * 256);
  const heapLeaf = new Float64Array(trees.length * leaves);
  let heapCat = 0;
  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t] as Tree;
    const innerBase = t * inner;
    // (original node, heap node, level); padding inner nodes keep code 0, threshold 0.
    const stack: [number, number, number][] = [[0, 0, 0]];
    while (stack.length > 0) {
      const [node, h, level] = stack.pop() as [number, number, number];
      if (level === depth) {
        heapLeaf[t * leaves + h - inner] = tree.value[node] as number;
        continue;
      }
      const feature = tree.feature[node] as number;
      if (feature < 0) {
        stack.push([node, 2 * h + 1, level + 1], [node, 2 * h + 2, level + 1]);
        continue;
      }
      const set = tree.leftCategories[node];
      heapCode[innerBase + h] = feature | (set ? CATEGORICAL : 0);
      heapThreshold[innerBase + h] = tree.threshold[node] as number;
      heapNanRight[innerBase + h] = tree.defaultLeft[node] === 1 ? 0 : 1;
      if (set) {
        heapCategoryOffset[innerBase + h] = heapCat;
        heapCategoryRight.fill(1, heapCat, heapCat + 256);
        for (const code of set) heapCategoryRight[heapCat + code] = 0;
        heapCat += 256;
      }
      stack.push([tree.left[node] as number, 2 * h + 1, level + 1], [tree.right[node] as number, 2 * h + 2, level + 1]);
    }
  }
  return {
    ...walk,
    depth,
    heapCode,
    heapThreshold,
    heapNanRight,
    heapCategoryOffset,
    heapCategoryRight,
    heapLeaf,
  };
}

/** Rows scored together per tree: the block's features stay in cache while each tree is walked. */
const BLOCK_ROWS = 64;
/** Rows per block in the heap layout (measured: 64 and 256 equal within noise; 256 slightly ahead). */
const HEAP_BLOCK_ROWS = 256;

/**
 * Sum of leaf outputs over the forest for each row of the row-major matrix `x` (p columns), plus
 * `base`. Each row's sum is taken in tree order, starting from `base`, in both layouts, so the
 * margins are the same bit for bit whichever layout runs.
 */
export function predictForest(
  forest: CompiledForest,
  x: Float64Array,
  rows: number,
  p: number,
  base: number,
  out = new Float64Array(rows),
): Float64Array {
  // Fewer than four rows (the risk engine's single-row decisions) take the walk: it stops at each
  // row's real leaf, while the heap always takes `depth` steps and gains only from walking four rows
  // together (measured on a 31-leaf depth-6 model: one row p50 25 µs walk, 28 µs heap).
  return forest.depth >= 0 && rows >= 4
    ? predictHeap(forest, x, rows, p, base, out)
    : predictWalk(forest, x, rows, p, base, out);
}

/** The walk layout: a leaf test per node (any depth). */
export function predictWalk(
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

/**
 * One step from heap node i (of the tree whose inner nodes start at `nodes`) for the row at
 * `rowBase`. A top-level function with its arrays as arguments: V8 inlines it into the loops below
 * (a closure over the same arrays measured about 40 % slower).
 */
function heapStep(
  code: Int32Array,
  thr: Float64Array,
  nanRight: Uint8Array,
  catOffset: Int32Array,
  catRight: Uint8Array,
  x: Float64Array,
  nodes: number,
  i: number,
  rowBase: number,
): number {
  const n = nodes + i;
  const c = code[n] as number;
  const v = x[rowBase + (c & FEATURE_MASK)] as number;
  let right: number;
  if (c < CATEGORICAL) right = +(v > (thr[n] as number)) | (+Number.isNaN(v) & (nanRight[n] as number));
  else if (Number.isNaN(v)) right = nanRight[n] as number;
  else right = catRight[(catOffset[n] as number) + (v & 255)] as number;
  return 2 * i + 1 + right;
}

/**
 * The heap layout: four rows walk each tree together, `depth` steps each without a leaf test.
 * A numeric step goes right when v > threshold, or when v is missing and missing goes right — for
 * a non-missing v that is exactly "not v ≤ threshold", the walk layout's test. The four chains are
 * independent, so the processor overlaps their loads instead of waiting on one row's path.
 */
function predictHeap(
  forest: CompiledForest,
  x: Float64Array,
  rows: number,
  p: number,
  base: number,
  out: Float64Array,
): Float64Array {
  const { depth, heapCode: code, heapThreshold: thr, heapNanRight: nanRight } = forest;
  const { heapCategoryOffset: catOffset, heapCategoryRight: catRight, heapLeaf: leaf } = forest;
  const treeCount = forest.roots.length;
  const inner = 2 ** depth - 1;
  const leaves = inner + 1;
  out.fill(base, 0, rows);
  for (let start = 0; start < rows; start += HEAP_BLOCK_ROWS) {
    const end = Math.min(rows, start + HEAP_BLOCK_ROWS);
    for (let t = 0; t < treeCount; t++) {
      const nodes = t * inner;
      const leafBase = t * leaves - inner;
      let r = start;
      for (; r + 4 <= end; r += 4) {
        const b0 = r * p;
        const b1 = b0 + p;
        const b2 = b1 + p;
        const b3 = b2 + p;
        let i0 = 0;
        let i1 = 0;
        let i2 = 0;
        let i3 = 0;
        for (let d = 0; d < depth; d++) {
          i0 = heapStep(code, thr, nanRight, catOffset, catRight, x, nodes, i0, b0);
          i1 = heapStep(code, thr, nanRight, catOffset, catRight, x, nodes, i1, b1);
          i2 = heapStep(code, thr, nanRight, catOffset, catRight, x, nodes, i2, b2);
          i3 = heapStep(code, thr, nanRight, catOffset, catRight, x, nodes, i3, b3);
        }
        out[r] = (out[r] as number) + (leaf[leafBase + i0] as number);
        out[r + 1] = (out[r + 1] as number) + (leaf[leafBase + i1] as number);
        out[r + 2] = (out[r + 2] as number) + (leaf[leafBase + i2] as number);
        out[r + 3] = (out[r + 3] as number) + (leaf[leafBase + i3] as number);
      }
      for (; r < end; r++) {
        const b = r * p;
        let i = 0;
        for (let d = 0; d < depth; d++) i = heapStep(code, thr, nanRight, catOffset, catRight, x, nodes, i, b);
        out[r] = (out[r] as number) + (leaf[leafBase + i] as number);
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
