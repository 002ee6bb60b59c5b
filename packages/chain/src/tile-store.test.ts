// Proves the tile storage on PGlite and PostgreSQL: a log stored the 0001 way (a row per node) migrates to tiles with every root and proof unchanged, a multi-level log appended in uneven batches gives exactly the reference proofs (also from a second process's cold cache), and the audit names a tampered or extra tile hash.
import { migrateSchema } from '@zhirong/db';
import { openTestDatabase, testBackends } from '@zhirong/db/testing';
import { cryptoRng, IdGenerator, SeededRng, systemClock } from '@zhirong/kernel';
import { createLogger } from '@zhirong/platform';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ChainService } from './chain.service.ts';
import { signingKeyFromSeed } from './keys.ts';
import { hashLeaf, MemoryTree } from './merkle.ts';
import { chainMigrations } from './migrations.ts';
import { openTestChain } from './testing.ts';
import { envelopeBytes } from './verifier/verifier.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const digest = (i: number) => Buffer.from(new SeededRng(i + 1).bytes(32)).toString('hex');
const record = (i: number) => ({ recordType: 'test.tile', recordId: `t${i}`, bodySha256: digest(i) });
const leafOf = (i: number) =>
  hashLeaf(envelopeBytes({ recordType: 'test.tile', recordId: `t${i}`, sha256: digest(i) }));

function reference(size: number): MemoryTree {
  const tree = new MemoryTree();
  for (let i = 0; i < size; i++) tree.append(leafOf(i));
  return tree;
}

const SIZE = 4_500; // three tile levels: leaves, level 6 (70 hashes), level 12 (1 hash)
const REF = reference(SIZE);

function serviceOn(db: Awaited<ReturnType<typeof openTestDatabase>>): ChainService {
  return new ChainService({
    db: db.kysely,
    clock: systemClock,
    ids: new IdGenerator(systemClock, cryptoRng),
    logger: createLogger({ level: 'silent' }),
    key: signingKeyFromSeed(new SeededRng(1).bytes(32)),
    witnessQuorum: 1,
  });
}

async function expectSameProofs(chain: ChainService, tree: MemoryTree, size: number, rng: SeededRng): Promise<void> {
  for (let k = 0; k < 25; k++) {
    const n = 1 + rng.int(size);
    const leaf = rng.int(n);
    const proof = await chain.inclusionProof(leaf, n);
    if (!proof.ok) throw new Error(proof.code);
    expect(proof.value.map(hex)).toEqual(tree.inclusionProof(leaf, n).map(hex));
    const from = 1 + rng.int(n);
    const consistency = await chain.consistencyProof(from, n);
    if (!consistency.ok) throw new Error(consistency.code);
    expect(consistency.value.map(hex)).toEqual(tree.consistencyProof(from, n).map(hex));
    expect(hex(await chain.rootAt(n))).toBe(hex(tree.root(n)));
  }
}

describe.each(testBackends())('tile storage on %s', (backend) => {
  it('migrates a log stored a row per node to tiles: same roots, same proofs, audit clean, appends go on', async () => {
    const db = await openTestDatabase(backend);
    try {
      await migrateSchema(db.kysely, {
        schema: 'chain',
        migrations: { '0001_log': chainMigrations.migrations['0001_log'] as never },
      });
      const size = 1_000;
      const tree = reference(size);
      await sql`
        insert into chain.leaves (idx, record_type, record_id, body_sha256, leaf_hash, appended_at)
        select t.ord - 1, 'test.tile', t.id, decode(t.body, 'hex'), decode(t.leaf, 'hex'), now()
        from unnest(${Array.from({ length: size }, (_, i) => `t${i}`)}::text[],
          ${Array.from({ length: size }, (_, i) => digest(i))}::text[],
          ${Array.from({ length: size }, (_, i) => hex(leafOf(i)))}::text[]) with ordinality as t(id, body, leaf, ord)
      `.execute(db.kysely);
      const nodes = tree.levels.slice(1).flatMap((row, l) => row.map((h, index) => ({ level: l + 1, index, h })));
      await sql`
        insert into chain.nodes (level, idx, hash)
        select level, idx, decode(h, 'hex')
        from unnest(${nodes.map((n) => n.level)}::smallint[], ${nodes.map((n) => String(n.index))}::bigint[],
          ${nodes.map((n) => hex(n.h))}::text[]) as t(level, idx, h)
      `.execute(db.kysely);
      await sql`update chain.state set tree_size = ${size} where id = 1`.execute(db.kysely);

      const report = await migrateSchema(db.kysely, chainMigrations);
      expect(report.applied).toEqual(['0002_tiles']);
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from information_schema.tables where table_schema = 'chain' and table_name = 'nodes'`.execute(
        db.kysely,
      );
      expect(rows[0]?.n).toBe(0);

      const chain = serviceOn(db);
      expect(await chain.treeSize()).toBe(size);
      await expectSameProofs(chain, tree, size, new SeededRng(7));
      expect((await chain.audit()).problems).toEqual([]);

      const more = await chain.append(Array.from({ length: 100 }, (_, i) => record(size + i)));
      expect(more).toMatchObject({ ok: true, value: { appended: 100, treeSize: size + 100 } });
      expect(hex(await chain.rootAt(size + 100))).toBe(hex(REF.root(size + 100)));
    } finally {
      await db.close();
    }
  });

  it('serves the reference proofs from a multi-level log appended in uneven batches, also from a cold process', async () => {
    const { chain, db } = await openTestChain(backend);
    try {
      let built = 0;
      for (const n of [1, 62, 2, 4_031, 1, 64, 339]) {
        const result = await chain.append(Array.from({ length: n }, (_, i) => record(built + i)));
        expect(result).toMatchObject({ ok: true, value: { appended: n } });
        built += n;
        expect(hex(await chain.rootAt(built))).toBe(hex(REF.root(built)));
      }
      expect(built).toBe(SIZE);
      await expectSameProofs(chain, REF, SIZE, new SeededRng(3));
      // Another service on the same database (another process): its cache is empty.
      await expectSameProofs(serviceOn(db), REF, SIZE, new SeededRng(4));
      // The upper tiles were served from memory the second time round.
      expect(chain.tileReads.cached).toBeGreaterThan(0);
      // Preloaded, the upper tiles (levels 1 and 2: three tiles) are never read again by a proof.
      const fresh = serviceOn(db);
      expect(await fresh.preloadTiles()).toBe(3);
      const rng = new SeededRng(5);
      for (let k = 0; k < 20; k++) {
        const before = fresh.tileReads.rows;
        const leaf = rng.int(SIZE);
        const proof = await fresh.inclusionProof(leaf, SIZE);
        if (!proof.ok) throw new Error(proof.code);
        expect(proof.value.map(hex)).toEqual(REF.inclusionProof(leaf, SIZE).map(hex));
        // The leaf's tile and, the first time, the right edge's.
        expect(fresh.tileReads.rows - before).toBeLessThanOrEqual(k === 0 ? 2 : 1);
      }

      expect((await chain.audit()).problems).toEqual([]);
      // A node at level 6 (index 3) and a hash beyond the tree.
      await sql`update chain.tiles set hashes = overlay(hashes placing decode(repeat('22', 32), 'hex') from 3 * 32 + 1 for 32)
        where level = 1 and idx = 0`.execute(db.kysely);
      await sql`update chain.tiles set hashes = hashes || decode(repeat('33', 32), 'hex') where level = 0 and idx = 70`.execute(
        db.kysely,
      );
      const audit = await chain.audit();
      expect(audit.ok).toBe(false);
      const found = audit.problems.map((p) => `${p.check} ${p.subject}`);
      expect(found).toContain('node_hash node 6:3');
      expect(found).toContain('tile_extra tile level 0');
    } finally {
      await db.close();
    }
  });
});
