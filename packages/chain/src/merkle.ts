import { hash } from 'node:crypto';
import { assert } from '@zhirong/kernel';

/**
 * The RFC 6962 / RFC 9162 Merkle tree on the server: synchronous SHA-256 from node:crypto, the
 * recursive proof definitions turned into lists of leaf ranges, and the decomposition of each
 * range into the complete subtrees the database stores.
 *
 * A stored node `(level, index)` is the root of the complete subtree over leaves
 * `[index·2^level, (index+1)·2^level)`; level 0 is a leaf hash. A complete subtree never changes
 * once its last leaf is appended, so a proof for any earlier tree size is built from the same rows.
 */
export const HASH_BYTES = 32;
const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

export function sha256(data: Uint8Array): Buffer {
  return hash('sha256', data, 'buffer');
}

export function hashLeaf(data: Uint8Array): Buffer {
  return sha256(Buffer.concat([LEAF_PREFIX, data]));
}

// One scratch buffer for the 65 bytes of a node's input: a node is hashed per append, so no allocation.
const NODE_INPUT = Buffer.alloc(1 + 2 * HASH_BYTES);
NODE_INPUT[0] = 1;

export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_BYTES || right.length !== HASH_BYTES) {
    return sha256(Buffer.concat([NODE_PREFIX, left, right], 1 + left.length + right.length));
  }
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 1 + HASH_BYTES);
  return hash('sha256', NODE_INPUT, 'buffer');
}

/** The leaf hash of UTF-8 text: SHA-256 of 0x00 followed by the text's bytes, without a copy. */
export function hashLeafText(text: string): Buffer {
  return hash('sha256', `\u0000${text}`, 'buffer');
}

export const EMPTY_ROOT: Buffer = sha256(new Uint8Array(0));

/** A stored complete subtree. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** A half-open range of leaf indexes `[start, end)` whose Merkle tree hash a proof needs. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/** The largest power of two strictly below n (n ≥ 2). */
export function largestPowerOfTwoBelow(n: number): number {
  assert(Number.isSafeInteger(n) && n >= 2, 'n ≥ 2');
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function log2Exact(n: number): number {
  let level = 0;
  let k = 1;
  while (k < n) {
    k *= 2;
    level++;
  }
  assert(k === n, 'a power of two');
  return level;
}

/**
 * The complete subtrees whose combination is MTH(D[start:end]), left to right: the largest
 * aligned power of two first, then the rest recursively (RFC 6962's split at k).
 */
export function rangeNodes(range: LeafRange): NodeId[] {
  const out: NodeId[] = [];
  let start = range.start;
  const end = range.end;
  assert(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start < end, 'a non-empty range');
  while (start < end) {
    const size = end - start;
    const k = size === 1 ? 1 : isPowerOfTwo(size) ? size : largestPowerOfTwoBelow(size);
    const level = log2Exact(k);
    assert(start % k === 0, 'proof ranges are aligned');
    out.push({ level, index: start / k });
    start += k;
  }
  return out;
}

export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** Folds the hashes of `rangeNodes(range)` from the right into the range's Merkle tree hash. */
export function combineRange(hashes: readonly Uint8Array[]): Buffer {
  assert(hashes.length > 0, 'at least one node');
  let acc: Buffer = Buffer.from(hashes[hashes.length - 1] as Uint8Array);
  for (let i = hashes.length - 2; i >= 0; i--) acc = hashChildren(hashes[i] as Uint8Array, acc);
  return acc;
}

/** RFC 6962 PATH(m, D[0:n]) as the ranges whose hashes form the proof, leaf to root. */
export function inclusionRanges(leafIndex: number, treeSize: number): LeafRange[] {
  assert(leafIndex >= 0 && leafIndex < treeSize, 'leaf index inside the tree');
  const out: LeafRange[] = [];
  const path = (m: number, start: number, end: number): void => {
    if (end - start === 1) return;
    const k = largestPowerOfTwoBelow(end - start);
    if (m < start + k) {
      path(m, start, start + k);
      out.push({ start: start + k, end });
    } else {
      path(m, start + k, end);
      out.push({ start, end: start + k });
    }
  };
  path(leafIndex, 0, treeSize);
  return out;
}

/** RFC 6962 PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true) as ranges. */
export function consistencyRanges(size1: number, size2: number): LeafRange[] {
  assert(size1 >= 0 && size1 <= size2, 'size1 ≤ size2');
  if (size1 === 0 || size1 === size2) return [];
  const out: LeafRange[] = [];
  const subproof = (m: number, start: number, end: number, whole: boolean): void => {
    if (m === end - start) {
      if (!whole) out.push({ start, end });
      return;
    }
    const k = largestPowerOfTwoBelow(end - start);
    if (m <= k) {
      subproof(m, start, start + k, whole);
      out.push({ start: start + k, end });
    } else {
      subproof(m - k, start + k, end, false);
      out.push({ start, end: start + k });
    }
  };
  subproof(size1, 0, size2, true);
  return out;
}

/** Every distinct node the given ranges decompose into (what one database read must fetch). */
export function nodesForRanges(ranges: readonly LeafRange[]): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const range of ranges) for (const node of rangeNodes(range)) seen.set(`${node.level}:${node.index}`, node);
  return [...seen.values()];
}

export const nodeKey = (node: NodeId) => `${node.level}:${node.index}`;

/** Builds each range's hash from fetched node hashes; a missing node is a broken store (an assertion). */
export function hashesForRanges(ranges: readonly LeafRange[], nodes: ReadonlyMap<string, Uint8Array>): Buffer[] {
  return ranges.map((range) =>
    combineRange(
      rangeNodes(range).map((node) => {
        const h = nodes.get(nodeKey(node));
        assert(h !== undefined, `node ${nodeKey(node)} is stored`);
        return h;
      }),
    ),
  );
}

/** The right edge of a tree of `size` leaves: the complete subtrees of `[0, size)`, left to right. */
export function frontierNodes(size: number): NodeId[] {
  return size === 0 ? [] : rangeNodes({ start: 0, end: size });
}

export interface StoredNode extends NodeId {
  readonly hash: Buffer;
}

/**
 * Appends leaf hashes to a tree of `size` leaves whose frontier hashes are given (left to right,
 * as `frontierNodes(size)`): returns every new complete subtree at level ≥ 1 and the new frontier.
 * Pure and in memory: the caller writes the nodes in one statement.
 */
export function appendLeaves(
  size: number,
  frontier: readonly StoredNode[],
  leafHashes: readonly Buffer[],
): { nodes: StoredNode[]; frontier: StoredNode[]; size: number } {
  const stack: StoredNode[] = [...frontier];
  const nodes: StoredNode[] = [];
  let next = size;
  for (const leaf of leafHashes) {
    let node: StoredNode = { level: 0, index: next, hash: leaf };
    next++;
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined || top.level !== node.level) break;
      stack.pop();
      node = { level: node.level + 1, index: top.index / 2, hash: hashChildren(top.hash, node.hash) };
      nodes.push(node);
    }
    stack.push(node);
  }
  return { nodes, frontier: stack, size: next };
}

/** The root of a tree from its frontier (`frontierNodes(size)` order). */
export function rootFromFrontier(frontier: readonly StoredNode[]): Buffer {
  return frontier.length === 0 ? EMPTY_ROOT : combineRange(frontier.map((n) => n.hash));
}

/**
 * A whole tree in memory, every level kept: for tests, fixtures and the benchmark's reference.
 * Proofs come from the same range functions the database path uses.
 */
export class MemoryTree {
  readonly levels: Buffer[][] = [[]];

  get size(): number {
    return this.levels[0]?.length ?? 0;
  }

  append(leafHash: Buffer): void {
    let level = 0;
    let hashValue = leafHash;
    for (;;) {
      const row = this.levels[level] ?? [];
      this.levels[level] = row;
      row.push(hashValue);
      const index = row.length - 1;
      if (index % 2 === 0) return;
      hashValue = hashChildren(row[index - 1] as Buffer, hashValue);
      level++;
    }
  }

  node(node: NodeId): Buffer {
    const h = this.levels[node.level]?.[node.index];
    assert(h !== undefined, `node ${nodeKey(node)} exists`);
    return h;
  }

  #lookup(ranges: readonly LeafRange[]): Map<string, Buffer> {
    return new Map(nodesForRanges(ranges).map((n) => [nodeKey(n), this.node(n)]));
  }

  root(size = this.size): Buffer {
    if (size === 0) return EMPTY_ROOT;
    const ranges = [{ start: 0, end: size }];
    return hashesForRanges(ranges, this.#lookup(ranges))[0] as Buffer;
  }

  inclusionProof(leafIndex: number, size = this.size): Buffer[] {
    const ranges = inclusionRanges(leafIndex, size);
    return hashesForRanges(ranges, this.#lookup(ranges));
  }

  consistencyProof(size1: number, size2 = this.size): Buffer[] {
    const ranges = consistencyRanges(size1, size2);
    return hashesForRanges(ranges, this.#lookup(ranges));
  }
}
