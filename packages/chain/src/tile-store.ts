// The tile store: node hashes read from tiles (upper tiles cached in process memory), and the rebuild of every tile from the leaves (the 0002 migration and the benchmark's bulk build).
import * as repo from './chain.repository.ts';
import { appendLeaves, type NodeId, nodeKey, type StoredNode } from './merkle.ts';
import { subtreeFromTile, TILE_HEIGHT, type TileId, tileKey, tileSpan, tilesForNodes, tileWrites } from './tiles.ts';

/** Bytes of upper tiles (tile level ≥ 1) a process keeps: 2 KiB each, 1/64 of the hashes of the log. */
export const TILE_CACHE_BYTES_MAX = 64 * 1024 * 1024;
/** Bytes of leaf tiles a process keeps: the right edge (in most proofs) and the recently read. */
export const LEAF_TILE_CACHE_BYTES_MAX = 4 * 1024 * 1024;
const TILE_BYTES = 2 ** TILE_HEIGHT * 32;

export interface TileReadStats {
  /** Queries that read tiles. */
  readonly queries: number;
  /** Tile rows read. */
  readonly rows: number;
  /** Tiles served from memory. */
  readonly cached: number;
}

interface CachedTile {
  readonly hashes: Buffer;
  /** Subtree roots already rebuilt from this tile, by `start * 65536 + count`. */
  readonly roots: Map<number, Buffer>;
}

/** A least-recently-used map of tiles, bounded in bytes (a tile counts twice: itself and its rebuilt roots). */
class TileLru {
  readonly #map = new Map<string, CachedTile>();
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get(key: string): CachedTile | undefined {
    const entry = this.#map.get(key);
    if (entry !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: CachedTile): void {
    const old = this.#map.get(key);
    if (old !== undefined) {
      this.#map.delete(key);
      this.#bytes -= old.hashes.length * 2;
    }
    this.#map.set(key, entry);
    this.#bytes += entry.hashes.length * 2;
    for (const [oldest, tile] of this.#map) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#map.delete(oldest);
      this.#bytes -= tile.hashes.length * 2;
    }
  }
}

/**
 * Resolves node hashes from tiles, keeping tiles in memory once read: a tile only grows at its
 * end, so a cached tile answers every node inside the hashes it held when read, and a node beyond
 * them re-reads the tile. Tiles of level ≥ 1 (one hash in 64 and up: 2.5 MB at 10 million
 * leaves) have a large budget, so after warming up a proof reads at most its leaf's tile; leaf
 * tiles (the bulk of the log) a small one, which keeps the right edge of the tree — in most
 * proofs — and the recently read. Both are least-recently-used and belong to one service (one log).
 */
export class TileReader {
  readonly #upper: TileLru;
  readonly #leaves: TileLru;
  #queries = 0;
  #rows = 0;
  #cached = 0;

  readonly #upperBytes: number;

  constructor(upperBytes = TILE_CACHE_BYTES_MAX, leafBytes = LEAF_TILE_CACHE_BYTES_MAX) {
    this.#upperBytes = upperBytes;
    this.#upper = new TileLru(upperBytes);
    this.#leaves = new TileLru(leafBytes);
  }

  get stats(): TileReadStats {
    return { queries: this.#queries, rows: this.#rows, cached: this.#cached };
  }

  /**
   * Reads the upper tiles (level ≥ 1) into memory, highest levels first, as many as the upper
   * budget holds (one query; 2.5 MB at 10 million leaves). Returns how many were read.
   */
  async preload(db: repo.Db): Promise<number> {
    const rows = await repo.upperTiles(db, Math.floor(this.#upperBytes / (TILE_BYTES * 2)));
    for (const [key, hashes] of rows) this.#upper.set(key, { hashes, roots: new Map() });
    return rows.size;
  }

  /** Hashes of the given nodes, keyed `level:index`, with one query for the tiles not in memory. */
  async nodes(db: repo.Db | repo.Trx, nodes: readonly NodeId[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    if (nodes.length === 0) return out;
    const needed = tilesForNodes(nodes);
    const tiles = new Map<string, CachedTile>();
    const missing: TileId[] = [];
    for (const { tile, bytes } of needed) {
      const cached = (tile.level === 0 ? this.#leaves : this.#upper).get(tileKey(tile));
      if (cached !== undefined && cached.hashes.length >= bytes) {
        tiles.set(tileKey(tile), cached);
        this.#cached++;
      } else missing.push(tile);
    }
    if (missing.length > 0) {
      const read = await repo.loadTiles(db, missing);
      this.#queries++;
      this.#rows += read.size;
      for (const tile of missing) {
        const key = tileKey(tile);
        const hashes = read.get(key);
        if (hashes === undefined) continue;
        const entry: CachedTile = { hashes, roots: new Map() };
        tiles.set(key, entry);
        (tile.level === 0 ? this.#leaves : this.#upper).set(key, entry);
      }
    }
    for (const node of nodes) {
      const span = tileSpan(node);
      const tile = tiles.get(tileKey(span.tile));
      if (tile === undefined) continue;
      const memo = span.start * 65536 + span.count;
      let hash = tile.roots.get(memo);
      if (hash === undefined) {
        if (tile.hashes.length < (span.start + span.count) * 32) continue;
        hash = subtreeFromTile(tile.hashes, span.start, span.count);
        tile.roots.set(memo, hash);
      }
      out.set(nodeKey(node), hash);
    }
    return out;
  }
}

/** Leaves per page of the tile rebuild. */
const REBUILD_PAGE = 65_536;

/**
 * Builds every tile from the stored leaf hashes (pages of 65,536 leaves, the append path's own
 * code): what the 0002 migration runs on a log stored the old way, and how the benchmark finishes
 * its bulk-built tree. Existing tiles are overwritten with the same content.
 */
export async function buildTilesFromLeaves(
  db: repo.Db | repo.Trx,
  size: number,
  progress?: (built: number) => void,
): Promise<void> {
  let frontier: StoredNode[] = [];
  let built = 0;
  // The right-edge tile of each level, as last written: the prefix the next page extends.
  const edge = new Map<string, Buffer>();
  while (built < size) {
    const leaves = await repo.leafHashPage(db, built, Math.min(REBUILD_PAGE, size - built));
    const grown = appendLeaves(built, frontier, leaves);
    const writes = tileWrites(built, leaves, grown.nodes, edge);
    await repo.writeTiles(db, writes);
    for (const write of writes) {
      if (write.hashes.length < TILE_BYTES) edge.set(tileKey(write), write.hashes);
      else edge.delete(tileKey(write));
    }
    frontier = grown.frontier;
    built = grown.size;
    progress?.(built);
  }
}
