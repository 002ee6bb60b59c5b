// Proves the tile math for any tile height and tree: every node of any proof rebuilds exactly from the tiles, and tiles written by appends in arbitrary batches equal the tiles of the whole tree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendLeaves,
  consistencyRanges,
  frontierNodes,
  hashLeaf,
  inclusionRanges,
  MemoryTree,
  nodesForRanges,
  type StoredNode,
} from './merkle.ts';
import { nodeFromTiles, storedAtTileLevel, tileKey, tileSpan, tilesForNodes, tileWrites } from './tiles.ts';

const BIG = new MemoryTree();
for (let i = 0; i < 700; i++) BIG.append(hashLeaf(new TextEncoder().encode(`leaf ${i}`)));

/** The tiles of a tree of `size` leaves straight from its levels: the expected store. */
function tilesOf(tree: MemoryTree, size: number, height: number): Map<string, Buffer> {
  const width = 2 ** height;
  const out = new Map<string, Buffer>();
  for (let level = 0; storedAtTileLevel(size, level, height) > 0; level++) {
    const row = (tree.levels[level * height] ?? []).slice(0, storedAtTileLevel(size, level, height));
    for (let i = 0; i < row.length; i += width)
      out.set(`${level}/${i / width}`, Buffer.concat(row.slice(i, i + width)));
  }
  return out;
}

/** Appends leaves [0, size) in the given batches the way the service does, writing tiles into a map. */
function appendInBatches(size: number, batches: readonly number[], height: number): Map<string, Buffer> {
  const store = new Map<string, Buffer>();
  let built = 0;
  let frontier: StoredNode[] = [];
  let i = 0;
  while (built < size) {
    const n = Math.min(size - built, batches[i++ % batches.length] ?? 1);
    // The frontier is rebuilt from the stored tiles, as the service does; it must match the carried one.
    const ids = frontierNodes(built);
    const fromTiles = ids.map((id) => ({ ...id, hash: nodeFromTiles(id, store, height) }));
    expect(fromTiles.map((f) => f.hash.toString('hex'))).toEqual(frontier.map((f) => f.hash.toString('hex')));
    const leaves = Array.from({ length: n }, (_, k) => BIG.node({ level: 0, index: built + k }));
    const grown = appendLeaves(built, fromTiles, leaves);
    for (const write of tileWrites(built, leaves, grown.nodes, store, height)) store.set(tileKey(write), write.hashes);
    frontier = grown.frontier;
    built = grown.size;
  }
  return store;
}

const height = fc.integer({ min: 1, max: 6 });
const size = fc.oneof(
  fc.integer({ min: 1, max: 700 }),
  fc.constantFrom(1, 2, 63, 64, 65, 127, 128, 129, 511, 512, 513),
);

describe('tiles', () => {
  it('a node lies in one tile, aligned, and its hash rebuilds from that tile', () => {
    fc.assert(
      fc.property(height, size, fc.nat(), (h, n, pick) => {
        const tiles = tilesOf(BIG, n, h);
        const leaf = pick % n;
        const ranges = [...inclusionRanges(leaf, n), ...consistencyRanges(1 + (pick % n), n)];
        for (const node of nodesForRanges(ranges)) {
          const span = tileSpan(node, h);
          expect(span.start % span.count).toBe(0);
          expect(span.start + span.count).toBeLessThanOrEqual(2 ** h);
          expect(span.tile.level * h).toBeLessThanOrEqual(node.level);
          expect(nodeFromTiles(node, tiles, h).equals(BIG.node(node))).toBe(true);
        }
        // The frontier (the root's nodes) too.
        for (const node of frontierNodes(n)) expect(nodeFromTiles(node, tiles, h).equals(BIG.node(node))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('tiles written by appends in any batches equal the whole tree’s tiles', () => {
    fc.assert(
      fc.property(
        height,
        size,
        fc.array(fc.integer({ min: 1, max: 150 }), { minLength: 1, maxLength: 6 }),
        (h, n, b) => {
          const written = appendInBatches(n, b, h);
          const expected = tilesOf(BIG, n, h);
          expect([...written.keys()].sort()).toEqual([...expected.keys()].sort());
          for (const [key, hashes] of expected) expect(written.get(key)?.equals(hashes)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a proof reads at most one tile per tile level for its path, plus the right edge', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 2 ** 40 }), fc.nat(), (n, pick) => {
        const leaf = pick % n;
        const tiles = tilesForNodes(nodesForRanges(inclusionRanges(leaf, n)));
        const levels = Math.ceil(Math.log2(n) / 6) + 1;
        expect(tiles.length).toBeLessThanOrEqual(2 * levels);
        for (const t of tiles) expect(t.bytes).toBeLessThanOrEqual(64 * 32);
      }),
    );
  });

  it('refuses to rebuild a node from a tile that does not hold it yet', () => {
    const tiles = tilesOf(BIG, 10, 3);
    expect(() => nodeFromTiles({ level: 1, index: 5 }, tiles, 3)).toThrow();
    expect(nodeFromTiles({ level: 1, index: 4 }, tiles, 3).equals(BIG.node({ level: 1, index: 4 }))).toBe(true);
  });
});
