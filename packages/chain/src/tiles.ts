// Tile math for the evidence log's storage: where a node's hash lives, how it is rebuilt from a tile, and which tiles an append writes.
import { assert } from '@zhirong/kernel';
import { HASH_BYTES, hashChildren, type NodeId, type StoredNode } from './merkle.ts';

/**
 * Hashes are stored in tiles, as in Go's transparency-log `tlog` design: tile `(t, i)` of height
 * H holds the hashes of tree level `t·H`, indexes `[i·2^H, (i+1)·2^H)`, concatenated (32 bytes
 * each; a tile on the right edge holds fewer). Only every H-th level is stored; a node at level
 * `t·H + r` (0 ≤ r < H) is the root of 2^r consecutive hashes of one tile and is rebuilt from them
 * (2^r − 1 hashes). Tile level 0 holds the leaf hashes. A tile only ever grows at its end: the
 * hashes it holds never change, which is what lets a process cache them.
 */
export const TILE_HEIGHT = 6;

export interface TileId {
  /** Tile level t: the tile holds hashes of tree level t·H. */
  readonly level: number;
  readonly index: number;
}

export const tileKey = (tile: TileId) => `${tile.level}/${tile.index}`;

/** Where a node's hash comes from: `count` hashes (a power of two) from `start` in one tile. */
export interface TileSpan {
  readonly tile: TileId;
  readonly start: number;
  readonly count: number;
}

export function tileSpan(node: NodeId, height = TILE_HEIGHT): TileSpan {
  assert(Number.isSafeInteger(height) && height >= 1 && height <= 16, 'tile height 1..16');
  const width = 2 ** height;
  const level = Math.floor(node.level / height);
  const count = 2 ** (node.level - level * height);
  const base = node.index * count;
  assert(Number.isSafeInteger(base), 'node inside the 2^53 tree');
  const index = Math.floor(base / width);
  return { tile: { level, index }, start: base - index * width, count };
}

/** The distinct tiles the given nodes are rebuilt from, with the bytes each one must hold. */
export function tilesForNodes(nodes: readonly NodeId[], height = TILE_HEIGHT): { tile: TileId; bytes: number }[] {
  const out = new Map<string, { tile: TileId; bytes: number }>();
  for (const node of nodes) {
    const span = tileSpan(node, height);
    const key = tileKey(span.tile);
    const bytes = (span.start + span.count) * HASH_BYTES;
    const seen = out.get(key);
    if (!seen || seen.bytes < bytes) out.set(key, { tile: span.tile, bytes });
  }
  return [...out.values()];
}

/** The Merkle root of the `count` (a power of two) hashes from `start` in a tile's bytes. */
export function subtreeFromTile(tile: Uint8Array, start: number, count: number): Buffer {
  assert(count >= 1 && (count & (count - 1)) === 0, 'a power of two');
  assert(tile.length >= (start + count) * HASH_BYTES, 'the tile holds the subtree');
  const at = (i: number) => tile.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
  if (count === 1) return Buffer.from(at(start));
  let row: Buffer[] = [];
  for (let i = 0; i < count; i += 2) row.push(hashChildren(at(start + i), at(start + i + 1)));
  while (row.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < row.length; i += 2) next.push(hashChildren(row[i] as Buffer, row[i + 1] as Buffer));
    row = next;
  }
  return row[0] as Buffer;
}

/** A node's hash from the tiles it lives in (a missing or short tile is a broken store). */
export function nodeFromTiles(node: NodeId, tiles: ReadonlyMap<string, Uint8Array>, height = TILE_HEIGHT): Buffer {
  const span = tileSpan(node, height);
  const tile = tiles.get(tileKey(span.tile));
  assert(
    tile !== undefined && tile.length >= (span.start + span.count) * HASH_BYTES,
    `tile ${tileKey(span.tile)} holds node ${node.level}:${node.index}`,
  );
  return subtreeFromTile(tile, span.start, span.count);
}

export interface TileWrite extends TileId {
  /** The tile's whole content after the append. */
  readonly hashes: Buffer;
}

/**
 * The tiles an append of `leafHashes` to a tree of `size` leaves writes, each with its whole new
 * content. `nodes` are the new complete subtrees `appendLeaves` returned; `existing` must hold the
 * stored content of each tile the append extends (the partial tile at the right edge of each
 * level — the tiles the frontier of `size` is read from).
 */
export function tileWrites(
  size: number,
  leafHashes: readonly Buffer[],
  nodes: readonly StoredNode[],
  existing: ReadonlyMap<string, Uint8Array>,
  height = TILE_HEIGHT,
): TileWrite[] {
  const width = 2 ** height;
  const byLevel = new Map<number, { first: number; hashes: Buffer[] }>();
  if (leafHashes.length > 0) byLevel.set(0, { first: size, hashes: [...leafHashes] });
  for (const node of nodes) {
    if (node.level % height !== 0) continue;
    const t = node.level / height;
    const entry = byLevel.get(t);
    if (entry === undefined) byLevel.set(t, { first: node.index, hashes: [node.hash] });
    else {
      assert(node.index === entry.first + entry.hashes.length, 'new nodes of a level are contiguous');
      entry.hashes.push(node.hash);
    }
  }
  const out: TileWrite[] = [];
  for (const [level, { first, hashes }] of [...byLevel].sort((a, b) => a[0] - b[0])) {
    let position = first;
    let taken = 0;
    while (taken < hashes.length) {
      const index = Math.floor(position / width);
      const offset = position - index * width;
      const n = Math.min(width - offset, hashes.length - taken);
      const parts: Uint8Array[] = [];
      if (offset > 0) {
        const prefix = existing.get(tileKey({ level, index }));
        assert(
          prefix !== undefined && prefix.length >= offset * HASH_BYTES,
          `tile ${level}/${index} holds ${offset} hashes`,
        );
        parts.push(prefix.subarray(0, offset * HASH_BYTES));
      }
      for (let i = 0; i < n; i++) parts.push(hashes[taken + i] as Buffer);
      out.push({ level, index, hashes: Buffer.concat(parts) });
      taken += n;
      position += n;
    }
  }
  return out;
}

/** How many hashes of tile level t a tree of `size` leaves has stored. */
export function storedAtTileLevel(size: number, level: number, height = TILE_HEIGHT): number {
  return Math.floor(size / 2 ** (level * height));
}
