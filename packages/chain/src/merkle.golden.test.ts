// Proves the Merkle tree and both verifiers reproduce the RFC 6962 reference vectors (the 8-leaf Certificate Transparency test tree: every root, node, inclusion and consistency proof) and refuse tampered proofs, wrong sizes and wrong roots.
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, hashChildren, hashLeaf, MemoryTree, sha256 } from './merkle.ts';
import {
  base64ToBytes,
  bytesToHex,
  hexToBytes,
  verifyConsistency as webVerifyConsistency,
  verifyInclusion as webVerifyInclusion,
} from './verifier/verifier.ts';

// transparency-dev/merkle testonly/constants.go: the leaf inputs, every node and every root.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const NODES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// testonly/reference_test.go: TestRefConsistencyProof.
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
// Inclusion proofs of the reference tree (transparency-dev inclusion vectors), as (leaf, size, path).
const INCLUSION: [number, number, string[]][] = [
  [0, 1, []],
  [0, 8, [NODES[0]?.[1], NODES[1]?.[1], NODES[2]?.[1]] as string[]],
  [5, 8, [NODES[0]?.[4], NODES[1]?.[3], NODES[2]?.[0]] as string[]],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];

const hex = (b: Uint8Array) => bytesToHex(b);
const tree = new MemoryTree();
for (const leaf of LEAVES) tree.append(hashLeaf(hexToBytes(leaf)));
const sync = (data: Uint8Array) => sha256(data);

describe('RFC 6962 reference vectors', () => {
  it('hash leaves and children as the reference does', () => {
    expect(hex(EMPTY_ROOT)).toBe(ROOTS[0]);
    expect(hex(hashLeaf(new Uint8Array(0)))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(hex(hashLeaf(new TextEncoder().encode('L123456')))).toBe(
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
    expect(hex(hashChildren(new TextEncoder().encode('N123'), new TextEncoder().encode('N456')))).toBe(
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
  });

  it('build every node and the root of every size 0..8', () => {
    NODES.forEach((level, l) => {
      level.forEach((h, i) => {
        expect(hex(tree.node({ level: l, index: i })), `node ${l}:${i}`).toBe(h);
      });
    });
    for (let size = 0; size <= 8; size++) expect(hex(tree.root(size)), `root ${size}`).toBe(ROOTS[size]);
  });

  it('produce and verify the reference inclusion proofs with both verifiers', async () => {
    for (const [leaf, size, path] of INCLUSION) {
      const proof = tree.inclusionProof(leaf, size);
      expect(proof.map(hex), `inclusion ${leaf}/${size}`).toEqual(path);
      const input = {
        leafIndex: leaf,
        treeSize: size,
        leafHash: tree.node({ level: 0, index: leaf }),
        proof,
        rootHash: hexToBytes(ROOTS[size] as string),
      };
      expect(await webVerifyInclusion(input)).toBe(true);
      expect(await webVerifyInclusion(input, sync)).toBe(true);
    }
  });

  it('produce and verify the reference consistency proofs', async () => {
    for (const [size1, size2, path] of CONSISTENCY) {
      const proof = tree.consistencyProof(size1, size2);
      expect(proof.map(hex), `consistency ${size1}→${size2}`).toEqual(path);
      const input = {
        size1,
        size2,
        root1: hexToBytes(ROOTS[size1] as string),
        root2: hexToBytes(ROOTS[size2] as string),
        proof,
      };
      expect(await webVerifyConsistency(input)).toBe(true);
    }
  });

  it('verify every inclusion and consistency pair of the 8-leaf tree', async () => {
    for (let size = 1; size <= 8; size++) {
      for (let leaf = 0; leaf < size; leaf++) {
        const ok = await webVerifyInclusion(
          {
            leafIndex: leaf,
            treeSize: size,
            leafHash: tree.node({ level: 0, index: leaf }),
            proof: tree.inclusionProof(leaf, size),
            rootHash: hexToBytes(ROOTS[size] as string),
          },
          sync,
        );
        expect(ok, `${leaf}/${size}`).toBe(true);
      }
      for (let size1 = 0; size1 <= size; size1++) {
        const ok = await webVerifyConsistency(
          {
            size1,
            size2: size,
            root1: hexToBytes(ROOTS[size1] as string),
            root2: hexToBytes(ROOTS[size] as string),
            proof: tree.consistencyProof(size1, size),
          },
          sync,
        );
        expect(ok, `${size1}→${size}`).toBe(true);
      }
    }
  });

  it('refuse tampered proofs, wrong sizes, wrong indexes, wrong roots, truncated and padded proofs', async () => {
    const proof = tree.inclusionProof(5, 8);
    const base = {
      leafIndex: 5,
      treeSize: 8,
      leafHash: tree.node({ level: 0, index: 5 }),
      proof,
      rootHash: hexToBytes(ROOTS[8] as string),
    };
    expect(await webVerifyInclusion(base)).toBe(true);
    const flipped = proof.map((p, i) => (i === 1 ? Buffer.from(p.map((b, j) => (j === 0 ? b ^ 1 : b))) : p));
    expect(await webVerifyInclusion({ ...base, proof: flipped })).toBe(false);
    // A path shape can fit two sizes (5 of 7 and 5 of 8 share one); the signed head binds size and root together.
    expect(await webVerifyInclusion({ ...base, treeSize: 6 })).toBe(false);
    expect(await webVerifyInclusion({ ...base, treeSize: 9 })).toBe(false);
    expect(await webVerifyInclusion({ ...base, leafIndex: 4 })).toBe(false);
    expect(await webVerifyInclusion({ ...base, leafIndex: 8 })).toBe(false);
    expect(await webVerifyInclusion({ ...base, rootHash: hexToBytes(ROOTS[7] as string) })).toBe(false);
    expect(await webVerifyInclusion({ ...base, proof: proof.slice(0, 2) })).toBe(false);
    expect(await webVerifyInclusion({ ...base, proof: [...proof, proof[0] as Buffer] })).toBe(false);
    expect(await webVerifyInclusion({ ...base, leafHash: tree.node({ level: 0, index: 4 }) })).toBe(false);

    const consistency = tree.consistencyProof(6, 8);
    const c = { size1: 6, size2: 8, root1: hexToBytes(ROOTS[6] as string), root2: hexToBytes(ROOTS[8] as string) };
    expect(await webVerifyConsistency({ ...c, proof: consistency })).toBe(true);
    expect(await webVerifyConsistency({ ...c, root1: c.root2, root2: c.root1, proof: consistency })).toBe(false);
    expect(await webVerifyConsistency({ ...c, size1: 5, proof: consistency })).toBe(false);
    expect(await webVerifyConsistency({ ...c, size2: 9, proof: consistency })).toBe(false);
    expect(await webVerifyConsistency({ ...c, proof: consistency.slice(1) })).toBe(false);
    expect(await webVerifyConsistency({ ...c, proof: [...consistency, consistency[0] as Buffer] })).toBe(false);
    expect(await webVerifyConsistency({ ...c, size1: 9, proof: consistency })).toBe(false);
    expect(await webVerifyConsistency({ ...c, proof: [] })).toBe(false);
    expect(base64ToBytes(Buffer.from(ROOTS[1] as string, 'hex').toString('base64'))).toEqual(
      hexToBytes(ROOTS[1] as string),
    );
  });
});
