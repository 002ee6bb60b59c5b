// Proves, for arbitrary trees, that every inclusion and consistency proof verifies, that any flipped bit, other index or other size makes it fail, and that appending in arbitrary batches builds exactly the tree a leaf-by-leaf build does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendLeaves,
  frontierNodes,
  hashLeaf,
  MemoryTree,
  nodeKey,
  rootFromFrontier,
  type StoredNode,
  sha256,
} from './merkle.ts';
import { verifyConsistency, verifyInclusion } from './verifier/verifier.ts';

const sync = (data: Uint8Array) => sha256(data);

function treeOf(size: number): MemoryTree {
  const tree = new MemoryTree();
  for (let i = 0; i < size; i++) tree.append(hashLeaf(new TextEncoder().encode(`leaf ${i}`)));
  return tree;
}

const BIG = treeOf(300);
// Sizes lean toward the edges: 1, powers of two and their neighbours.
const size = fc.oneof(
  fc.integer({ min: 1, max: 300 }),
  fc.constantFrom(1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 255, 256, 257),
);

function flip(proof: readonly Buffer[], which: number, bit: number): Buffer[] {
  return proof.map((p, i) => {
    if (i !== which % proof.length) return p;
    const copy = Buffer.from(p);
    copy[bit % 32] = (copy[bit % 32] ?? 0) ^ (1 << (bit % 8));
    return copy;
  });
}

describe('Merkle proofs (property)', () => {
  it('an inclusion proof verifies, and a flipped bit or another leaf never does', async () => {
    await fc.assert(
      fc.asyncProperty(
        size.chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }), fc.nat(), fc.nat())),
        async ([n, leaf, which, bit]) => {
          const proof = BIG.inclusionProof(leaf, n);
          const input = {
            leafIndex: leaf,
            treeSize: n,
            leafHash: BIG.node({ level: 0, index: leaf }),
            proof,
            rootHash: BIG.root(n),
          };
          expect(await verifyInclusion(input, sync)).toBe(true);
          if (proof.length > 0)
            expect(await verifyInclusion({ ...input, proof: flip(proof, which, bit) }, sync)).toBe(false);
          const other = (leaf + 1 + (which % Math.max(1, n - 1))) % n;
          if (other !== leaf) {
            expect(await verifyInclusion({ ...input, leafHash: BIG.node({ level: 0, index: other }) }, sync)).toBe(
              false,
            );
          }
          if (n < 300) expect(await verifyInclusion({ ...input, rootHash: BIG.root(n + 1) }, sync)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a consistency proof verifies between any two sizes, and a tampered one never does', async () => {
    await fc.assert(
      fc.asyncProperty(
        size.chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n), fc.nat(), fc.nat())),
        async ([m, n, which, bit]) => {
          const proof = BIG.consistencyProof(m, n);
          const input = { size1: m, size2: n, root1: BIG.root(m), root2: BIG.root(n), proof };
          expect(await verifyConsistency(input, sync)).toBe(true);
          if (proof.length > 0)
            expect(await verifyConsistency({ ...input, proof: flip(proof, which, bit) }, sync)).toBe(false);
          if (m > 0 && m < n) {
            // A root that is not the tree's: the proof cannot lead to it.
            expect(await verifyConsistency({ ...input, root1: BIG.root(m - 1) }, sync)).toBe(false);
            expect(await verifyConsistency({ ...input, root2: BIG.root(n - 1) }, sync)).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('appending in arbitrary batches produces the same nodes, frontier and root', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }), (batches) => {
        const stored = new Map<string, Buffer>();
        let frontier: StoredNode[] = [];
        let n = 0;
        for (const count of batches) {
          const leaves = Array.from({ length: count }, (_, i) => BIG.node({ level: 0, index: (n + i) % 300 }));
          const reference = new MemoryTree();
          for (let i = 0; i < n + count; i++) reference.append(BIG.node({ level: 0, index: i % 300 }));
          const result = appendLeaves(n, frontier, leaves);
          for (const node of result.nodes) stored.set(nodeKey(node), node.hash);
          n = result.size;
          frontier = result.frontier;
          expect(frontier.map(nodeKey)).toEqual(frontierNodes(n).map(nodeKey));
          expect(rootFromFrontier(frontier).equals(reference.root())).toBe(true);
          for (const [key, h] of stored) {
            const [level, index] = key.split(':').map(Number) as [number, number];
            expect(h.equals(reference.node({ level, index })), key).toBe(true);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
