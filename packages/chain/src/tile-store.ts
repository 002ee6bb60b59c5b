// The tile store: node hashes read from tiles (upper tiles cached in process memory), and the rebuild of every tile from the leaves (the 0002 migration and the benchmark's bulk build).
import * as repo from './chain.repository.ts';
import { appendLeaves, type NodeId, nodeKey, type StoredNode } from './merkle.ts';
import { subtreeFromTile, TILE_HEIGHT, type TileId, tileKey, tileSpan, tilesForNodes, tileWrites } from './tiles.ts';

/** Bytes of upper tiles (tile level ≥ 1) a process keeps: 2 KiB each, 1/64 of the hashes of the log. */
export const TILE_CACHE_BYTES_MAX = 64 * 1024 * 1024;

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

/**
 * Resolves node hashes from tiles. Tiles of level ≥ 1 (every 64th hash and up) are cached in
 * memory once read: a tile only grows at its end, so a cached tile answers every node inside the
 * hashes it held when read, and a node beyond them re-reads the tile. Level-0 tiles (the leaf
 * hashes, the bulk of the log) are always read from the database. The cache is bounded (oldest
 * first out) and belongs to one service, i.e. one log.
 */
export class TileReader {
  readonly #cache = new Map<string, CachedTile>();
  readonly #maxBytes: number;
  #bytes = 0;
  #queries = 0;
  #rows = 0;
  #cached = 0;

  constructor(maxBytes = TILE_CACHE_BYTES_MAX) {
    this.#maxBytes = maxBytes;
  }

  get stats(): TileReadStats {
    return { queries: this.#queries, rows: this.#rows, cached: this.#cached };
  }

  /** Hashes of the given nodes, keyed `level:index`, with one query for the tiles not in memory. */
  async nodes(db: repo.Db | repo.Trx, nodes: readonly NodeId[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    if (nodes.length === 0) return out;
    const needed = tilesForNodes(nodes);
    const tiles = new Map<string, CachedTile>();
    const missing: TileId[] = [];
    for (const { tile, bytes } of needed) {
      const cached = this.#cache.get(tileKey(tile));
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
        if (tile.level >= 1) this.#remember(key, entry);
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
        if (span.tile.level >= 1) tile.roots.set(memo, hash);
      }
      out.set(nodeKey(node), hash);
    }
    return out;
  }

  #remember(key: string, entry: CachedTile): void {
    const old = this.#cache.get(key);
    if (old !== undefined) {
      this.#cache.delete(key);
      this.#bytes -= old.hashes.length * 2;
    }
    // Counted twice: the tile, and at most as much again of rebuilt subtree roots.
    this.#cache.set(key, entry);
    this.#bytes += entry.hashes.length * 2;
    for (const [oldest, tile] of this.#cache) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#cache.delete(oldest);
      this.#bytes -= tile.hashes.length * 2;
    }
  }
}

const TILE_BYTES = 2 ** TILE_HEIGHT * 32;

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
