import { assert } from '@zhirong/kernel';
import { goesLeft, type Tree } from './tree.ts';

/**
 * Exact TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2): per-feature contributions of one row
 * for a tree ensemble, in O(leaves · depth²) per tree, with the path-dependent conditional
 * expectation weighted by node covers. For every row, Σ contributions = margin − expected margin.
 */
interface PathElement {
  feature: number;
  zero: number;
  one: number;
  weight: number;
}

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
  const maxDepth = depthOf(tree);
  // One path buffer per recursion level, so unwinding never allocates.
  const paths: PathElement[][] = Array.from({ length: maxDepth + 2 }, () => []);
  recurse(tree, row, phi, 0, paths, 0, 1, 1, -1);
}

function depthOf(tree: Tree): number {
  const visit = (node: number): number =>
    (tree.feature[node] as number) < 0
      ? 0
      : 1 + Math.max(visit(tree.left[node] as number), visit(tree.right[node] as number));
  return visit(0);
}

function copyPath(from: readonly PathElement[], to: PathElement[], length: number): void {
  to.length = length;
  for (let i = 0; i < length; i++) {
    const e = from[i] as PathElement;
    const t = to[i];
    if (t) {
      t.feature = e.feature;
      t.zero = e.zero;
      t.one = e.one;
      t.weight = e.weight;
    } else to[i] = { ...e };
  }
}

function extend(path: PathElement[], zero: number, one: number, feature: number): void {
  const l = path.length;
  path.push({ feature, zero, one, weight: l === 0 ? 1 : 0 });
  for (let i = l - 1; i >= 0; i--) {
    const e = path[i] as PathElement;
    const next = path[i + 1] as PathElement;
    next.weight += (one * e.weight * (i + 1)) / (l + 1);
    e.weight = (zero * e.weight * (l - i)) / (l + 1);
  }
}

/** Removes element `index` from the path, undoing its extension. */
function unwind(path: PathElement[], index: number): void {
  const l = path.length - 1;
  const { one, zero } = path[index] as PathElement;
  let next = (path[l] as PathElement).weight;
  for (let j = l - 1; j >= 0; j--) {
    const e = path[j] as PathElement;
    if (one !== 0) {
      const t = e.weight;
      e.weight = (next * (l + 1)) / ((j + 1) * one);
      next = t - (e.weight * zero * (l - j)) / (l + 1);
    } else {
      e.weight = (e.weight * (l + 1)) / (zero * (l - j));
    }
  }
  for (let j = index; j < l; j++) {
    const e = path[j] as PathElement;
    const n = path[j + 1] as PathElement;
    e.feature = n.feature;
    e.zero = n.zero;
    e.one = n.one;
  }
  path.length = l;
}

/** Sum of the weights the path would have with element `index` unwound (without changing the path). */
function unwoundSum(path: readonly PathElement[], index: number): number {
  const l = path.length - 1;
  const { one, zero } = path[index] as PathElement;
  let next = (path[l] as PathElement).weight;
  let total = 0;
  for (let j = l - 1; j >= 0; j--) {
    if (one !== 0) {
      const w = (next * (l + 1)) / ((j + 1) * one);
      total += w;
      next = (path[j] as PathElement).weight - (w * zero * (l - j)) / (l + 1);
    } else {
      total += ((path[j] as PathElement).weight * (l + 1)) / (zero * (l - j));
    }
  }
  return total;
}

function recurse(
  tree: Tree,
  row: ArrayLike<number>,
  phi: Float64Array,
  node: number,
  paths: PathElement[][],
  level: number,
  zero: number,
  one: number,
  feature: number,
): void {
  const path = paths[level] as PathElement[];
  if (level > 0) copyPath(paths[level - 1] as PathElement[], path, (paths[level - 1] as PathElement[]).length);
  else path.length = 0;
  extend(path, zero, one, feature);
  const f = tree.feature[node] as number;
  if (f < 0) {
    const value = tree.value[node] as number;
    for (let i = 1; i < path.length; i++) {
      const e = path[i] as PathElement;
      const w = unwoundSum(path, i);
      phi[e.feature] = (phi[e.feature] as number) + w * (e.one - e.zero) * value;
    }
    return;
  }
  const left = tree.left[node] as number;
  const right = tree.right[node] as number;
  const v = row[f] as number;
  const [hot, cold] = goesLeft(tree, node, v) ? [left, right] : [right, left];
  const cover = tree.cover[node] as number;
  assert(cover > 0, 'TreeSHAP needs positive covers');
  let incomingZero = 1;
  let incomingOne = 1;
  // A feature met again on the path: undo its earlier extension and carry its fractions.
  let k = -1;
  for (let i = 1; i < path.length; i++) {
    if ((path[i] as PathElement).feature === f) {
      k = i;
      break;
    }
  }
  if (k >= 0) {
    incomingZero = (path[k] as PathElement).zero;
    incomingOne = (path[k] as PathElement).one;
    unwind(path, k);
  }
  recurse(tree, row, phi, hot, paths, level + 1, (incomingZero * (tree.cover[hot] as number)) / cover, incomingOne, f);
  recurse(tree, row, phi, cold, paths, level + 1, (incomingZero * (tree.cover[cold] as number)) / cover, 0, f);
}

/** Contributions of one row for a whole ensemble: Σφ + expected = margin. */
export function forestShap(trees: readonly Tree[], row: ArrayLike<number>, featureCount: number): Float64Array {
  const phi = new Float64Array(featureCount);
  for (const tree of trees) treeShap(tree, row, phi);
  return phi;
}
