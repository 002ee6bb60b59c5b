import { assert } from '@zhirong/kernel';
import { goesLeft, type Tree } from './tree.ts';

/**
 * Exact TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2): per-feature contributions of one row
 * for a tree ensemble, in O(leaves · depth²) per tree, with the path-dependent conditional
 * expectation weighted by node covers. For every row, Σ contributions = margin − expected margin.
 *
 * The paths live in flat typed arrays, one segment per recursion level, reused across trees and
 * calls: a decision explains 200 trees per request, and allocating path objects per node cost
 * milliseconds where the arithmetic costs tens of microseconds.
 */
class Workspace {
  stride = 0;
  feature = new Int32Array(0);
  zero = new Float64Array(0);
  one = new Float64Array(0);
  weight = new Float64Array(0);

  /** Room for paths up to `depth` splits long at every level. */
  ensure(depth: number): void {
    const stride = depth + 2;
    if (stride <= this.stride) return;
    const size = stride * (stride + 1);
    this.stride = stride;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }
}

const workspace = new Workspace();
const depths = new WeakMap<Tree, number>();

/** The cover-weighted mean leaf value of a tree (its contribution to the expected margin). */
export function treeExpectation(tree: Tree): number {
  const visit = (node: number): number => {
    if ((tree.feature[node] as number) < 0) return tree.value[node] as number;
    const l = tree.left[node] as number;
    const r = tree.right[node] as number;
    const cover = tree.cover[node] as number;
    return ((tree.cover[l] as number) * visit(l) + (tree.cover[r] as number) * visit(r)) / cover;
  };
  return visit(0);
}

/** Adds the row's contributions for one tree into `phi` (one slot per feature). */
export function treeShap(tree: Tree, row: ArrayLike<number>, phi: Float64Array): void {
  let depth = depths.get(tree);
  if (depth === undefined) {
    depth = depthOf(tree);
    depths.set(tree, depth);
  }
  workspace.ensure(depth);
  recurse(tree, row, phi, workspace, 0, 0, 0, 1, 1, -1);
}

function depthOf(tree: Tree): number {
  const visit = (node: number): number =>
    (tree.feature[node] as number) < 0
      ? 0
      : 1 + Math.max(visit(tree.left[node] as number), visit(tree.right[node] as number));
  return visit(0);
}

/** Appends (zero, one, feature) to the path of length `len` at `base`; returns the new length. */
function extend(ws: Workspace, base: number, len: number, zero: number, one: number, feature: number): number {
  const w = ws.weight;
  ws.feature[base + len] = feature;
  ws.zero[base + len] = zero;
  ws.one[base + len] = one;
  w[base + len] = len === 0 ? 1 : 0;
  for (let i = len - 1; i >= 0; i--) {
    w[base + i + 1] = (w[base + i + 1] as number) + (one * (w[base + i] as number) * (i + 1)) / (len + 1);
    w[base + i] = (zero * (w[base + i] as number) * (len - i)) / (len + 1);
  }
  return len + 1;
}

/** Removes element `index` from the path, undoing its extension; returns the new length. */
function unwind(ws: Workspace, base: number, len: number, index: number): number {
  const l = len - 1;
  const one = ws.one[base + index] as number;
  const zero = ws.zero[base + index] as number;
  const w = ws.weight;
  let next = w[base + l] as number;
  for (let j = l - 1; j >= 0; j--) {
    if (one !== 0) {
      const t = w[base + j] as number;
      w[base + j] = (next * (l + 1)) / ((j + 1) * one);
      next = t - ((w[base + j] as number) * zero * (l - j)) / (l + 1);
    } else {
      w[base + j] = ((w[base + j] as number) * (l + 1)) / (zero * (l - j));
    }
  }
  for (let j = index; j < l; j++) {
    ws.feature[base + j] = ws.feature[base + j + 1] as number;
    ws.zero[base + j] = ws.zero[base + j + 1] as number;
    ws.one[base + j] = ws.one[base + j + 1] as number;
  }
  return l;
}

/** Sum of the weights the path would have with element `index` unwound (without changing the path). */
function unwoundSum(ws: Workspace, base: number, len: number, index: number): number {
  const l = len - 1;
  const one = ws.one[base + index] as number;
  const zero = ws.zero[base + index] as number;
  const w = ws.weight;
  let next = w[base + l] as number;
  let total = 0;
  for (let j = l - 1; j >= 0; j--) {
    if (one !== 0) {
      const t = (next * (l + 1)) / ((j + 1) * one);
      total += t;
      next = (w[base + j] as number) - (t * zero * (l - j)) / (l + 1);
    } else {
      total += ((w[base + j] as number) * (l + 1)) / (zero * (l - j));
    }
  }
  return total;
}

function recurse(
  tree: Tree,
  row: ArrayLike<number>,
  phi: Float64Array,
  ws: Workspace,
  node: number,
  level: number,
  parentLen: number,
  zero: number,
  one: number,
  feature: number,
): void {
  const base = level * ws.stride;
  if (level > 0) {
    const from = base - ws.stride;
    ws.feature.copyWithin(base, from, from + parentLen);
    ws.zero.copyWithin(base, from, from + parentLen);
    ws.one.copyWithin(base, from, from + parentLen);
    ws.weight.copyWithin(base, from, from + parentLen);
  }
  let len = extend(ws, base, level > 0 ? parentLen : 0, zero, one, feature);
  const f = tree.feature[node] as number;
  if (f < 0) {
    const value = tree.value[node] as number;
    for (let i = 1; i < len; i++) {
      const w = unwoundSum(ws, base, len, i);
      const e = ws.feature[base + i] as number;
      phi[e] = (phi[e] as number) + w * ((ws.one[base + i] as number) - (ws.zero[base + i] as number)) * value;
    }
    return;
  }
  const left = tree.left[node] as number;
  const right = tree.right[node] as number;
  const goLeft = goesLeft(tree, node, row[f] as number);
  const hot = goLeft ? left : right;
  const cold = goLeft ? right : left;
  const cover = tree.cover[node] as number;
  assert(cover > 0, 'TreeSHAP needs positive covers');
  let incomingZero = 1;
  let incomingOne = 1;
  // A feature met again on the path: undo its earlier extension and carry its fractions.
  for (let i = 1; i < len; i++) {
    if (ws.feature[base + i] === f) {
      incomingZero = ws.zero[base + i] as number;
      incomingOne = ws.one[base + i] as number;
      len = unwind(ws, base, len, i);
      break;
    }
  }
  recurse(
    tree,
    row,
    phi,
    ws,
    hot,
    level + 1,
    len,
    (incomingZero * (tree.cover[hot] as number)) / cover,
    incomingOne,
    f,
  );
  recurse(tree, row, phi, ws, cold, level + 1, len, (incomingZero * (tree.cover[cold] as number)) / cover, 0, f);
}

/** Contributions of one row for a whole ensemble: Σφ + expected = margin. */
export function forestShap(trees: readonly Tree[], row: ArrayLike<number>, featureCount: number): Float64Array {
  const phi = new Float64Array(featureCount);
  for (const tree of trees) treeShap(tree, row, phi);
  return phi;
}
