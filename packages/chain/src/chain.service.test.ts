// Proves the evidence log on PGlite and PostgreSQL: batched appends are idempotent and build exactly the RFC 6962 tree, proofs read from the database verify with the standalone verifier against signed heads, witness cosignatures make a head final at k of n, and the audit names a tampered leaf, node or record.
import { testBackends } from '@zhirong/db/testing';
import { SeededRng } from '@zhirong/kernel';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyDigest, type ChainService } from './chain.service.ts';
import { signingKeyFromSeed } from './keys.ts';
import { hashLeaf, MemoryTree, sha256 } from './merkle.ts';
import { openTestChain } from './testing.ts';
import {
  bytesToHex,
  cosignatureText,
  envelopeBytes,
  verifyConsistency,
  verifyEvidence,
  verifyInclusion,
  verifySignedHead,
} from './verifier/verifier.ts';

const record = (i: number) => ({
  recordType: 'test.record',
  recordId: `r${i}`,
  body: { n: i, amount: 100n * BigInt(i), tag: 'x' },
});

describe.each(testBackends())('evidence log on %s', (backend) => {
  let chain: ChainService;
  let close: () => Promise<void>;
  let db: Awaited<ReturnType<typeof openTestChain>>['db'];
  let publicKey: Uint8Array;
  const reference = new MemoryTree();

  beforeAll(async () => {
    const opened = await openTestChain(backend, { quorum: 2 });
    chain = opened.chain;
    db = opened.db;
    publicKey = opened.key.publicKey;
    close = () => opened.db.close();
  });
  afterAll(() => close());

  const referenceAppend = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const r = record(i);
      reference.append(
        hashLeaf(
          envelopeBytes({ recordType: r.recordType, recordId: r.recordId, sha256: bodyDigest(r.body).toString('hex') }),
        ),
      );
    }
  };

  it('appends in batches, idempotently, and builds the reference tree', async () => {
    const empty = await chain.signHead();
    expect(empty.treeSize).toBe(0);
    expect(await verifySignedHead(empty, publicKey)).toBe(true);

    const first = await chain.append(Array.from({ length: 37 }, (_, i) => record(i)));
    expect(first).toMatchObject({ ok: true, value: { appended: 37, existing: 0, treeSize: 37 } });
    referenceAppend(0, 37);
    // A replayed batch overlapping new records: old ones are existing, new ones appended, duplicates in a batch once.
    const second = await chain.append([...Array.from({ length: 50 }, (_, i) => record(i)), record(49)]);
    expect(second).toMatchObject({ ok: true, value: { appended: 13, existing: 37, treeSize: 50 } });
    referenceAppend(37, 50);
    expect((await chain.rootAt(50)).equals(reference.root(50))).toBe(true);
    expect((await chain.rootAt(33)).equals(reference.root(33))).toBe(true);

    // Same id, another body: a conflict, never a second leaf.
    const changed = await chain.append([{ recordType: 'test.record', recordId: 'r3', body: { n: 'changed' } }]);
    expect(changed).toMatchObject({ ok: true, value: { appended: 0, conflicts: [{ recordId: 'r3' }], treeSize: 50 } });

    const invalid = await chain.append([record(60), { recordType: 'Bad Type', recordId: 'x', body: 1 }]);
    expect(invalid).toMatchObject({ ok: false, code: 'chain_record_invalid' });
    expect(await chain.treeSize()).toBe(50);
  });

  it('appends inside a caller transaction, together with the caller’s own write', async () => {
    await db.kysely.transaction().execute(async (trx) => {
      const result = await chain.appendInTransaction(trx, [record(50), record(51)]);
      expect(result).toMatchObject({ appended: 2, treeSize: 52 });
    });
    referenceAppend(50, 52);
    await expect(
      db.kysely.transaction().execute(async (trx) => {
        await chain.appendInTransaction(trx, [record(52)]);
        throw new Error('the caller rolls back');
      }),
    ).rejects.toThrow('rolls back');
    expect(await chain.treeSize()).toBe(52);
  });

  it('serves inclusion and consistency proofs that verify against signed heads', async () => {
    const head = await chain.signHead();
    expect(head.treeSize).toBe(52);
    expect(await verifySignedHead(head, publicKey)).toBe(true);
    const otherKey = signingKeyFromSeed(new SeededRng(99).bytes(32)).publicKey;
    expect(await verifySignedHead(head, otherKey)).toBe(false);
    expect(await verifySignedHead({ ...head, treeSize: 51 }, publicKey)).toBe(false);

    for (const [leaf, size] of [
      [0, 52],
      [51, 52],
      [31, 32],
      [17, 40],
    ] as const) {
      const proof = await chain.inclusionProof(leaf, size);
      if (!proof.ok) throw new Error(proof.code);
      expect(proof.value.map(bytesToHex)).toEqual(reference.inclusionProof(leaf, size).map(bytesToHex));
      const ok = await verifyInclusion({
        leafIndex: leaf,
        treeSize: size,
        leafHash: reference.node({ level: 0, index: leaf }),
        proof: proof.value,
        rootHash: await chain.rootAt(size),
      });
      expect(ok).toBe(true);
    }
    const consistency = await chain.consistencyProof(13, 52);
    if (!consistency.ok) throw new Error(consistency.code);
    expect(
      await verifyConsistency({
        size1: 13,
        size2: 52,
        root1: reference.root(13),
        root2: Buffer.from(head.rootHash, 'base64'),
        proof: consistency.value,
      }),
    ).toBe(true);
    expect(await chain.inclusionProof(52, 52)).toMatchObject({ ok: false, code: 'chain_size_invalid' });
    expect(await chain.inclusionProof(1, 53)).toMatchObject({ ok: false, code: 'chain_size_invalid' });
    expect(await chain.consistencyProof(10, 5)).toMatchObject({ ok: false, code: 'chain_size_invalid' });
  });

  it('gives an evidence bundle a third party verifies with only the public key; tampering fails', async () => {
    const bundle = await chain.evidence('test.record', 'r7');
    if (!bundle.ok) throw new Error(bundle.code);
    const withBody = {
      ...bundle.value,
      record: {
        recordType: 'test.record',
        recordId: 'r7',
        body: JSON.parse(JSON.stringify(record(7).body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))),
      },
    };
    const report = await verifyEvidence(withBody, publicKey);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    const tamperedBody = await verifyEvidence(
      { ...withBody, record: { ...withBody.record, body: { ...withBody.record.body, n: 8 } } },
      publicKey,
    );
    expect(tamperedBody.ok).toBe(false);
    expect(tamperedBody.checks.find((c) => c.name === 'record_matches_leaf')?.ok).toBe(false);
    const otherLeaf = await verifyEvidence({ ...bundle.value, leaf: { ...bundle.value.leaf, index: 8 } }, publicKey);
    expect(otherLeaf.ok).toBe(false);
    const wrongKey = await verifyEvidence(bundle.value, signingKeyFromSeed(new SeededRng(5).bytes(32)).publicKey);
    expect(wrongKey.ok).toBe(false);
    expect(await chain.evidence('test.record', 'nope')).toMatchObject({ ok: false, code: 'chain_record_not_found' });
  });

  it('counts witness cosignatures: final at k of n; refuses strangers, forged and mismatched ones', async () => {
    const head = await chain.signHead();
    const witnesses = [11, 12, 13].map((seed) => signingKeyFromSeed(new SeededRng(seed).bytes(32)));
    for (const [i, w] of witnesses.slice(0, 2).entries()) {
      expect(await chain.registerWitness(`bank-${i}`, bytesToHex(w.publicKey))).toMatchObject({ ok: true });
    }
    expect(await chain.registerWitness('bank-0', bytesToHex(witnesses[0]?.publicKey as Uint8Array))).toMatchObject({
      ok: true,
    });
    expect(await chain.registerWitness('bank-0', bytesToHex(witnesses[2]?.publicKey as Uint8Array))).toMatchObject({
      ok: false,
      code: 'witness_exists',
    });
    const cosign = (w: (typeof witnesses)[number], at = 1000, h = head) => ({
      witnessPublicKey: bytesToHex(w.publicKey),
      head: { treeSize: h.treeSize, rootHash: h.rootHash, timestampMs: h.timestampMs },
      timestampMs: at,
      signature: Buffer.from(w.sign(new TextEncoder().encode(cosignatureText(h, at)))).toString('base64'),
    });
    const [a, b, stranger] = witnesses as [(typeof witnesses)[0], (typeof witnesses)[0], (typeof witnesses)[0]];
    expect(await chain.addCosignature(cosign(a))).toMatchObject({ ok: true, value: { cosignatures: 1, final: false } });
    expect(await chain.addCosignature(cosign(a))).toMatchObject({ ok: true, value: { cosignatures: 1 } });
    expect(await chain.addCosignature(cosign(stranger))).toMatchObject({ ok: false, code: 'witness_unknown' });
    expect(await chain.addCosignature({ ...cosign(b), timestampMs: 999 })).toMatchObject({
      ok: false,
      code: 'cosignature_invalid',
    });
    expect(
      await chain.addCosignature(
        cosign(b, 1000, { ...head, rootHash: Buffer.from(sha256(new Uint8Array([1]))).toString('base64') }),
      ),
    ).toMatchObject({ ok: false, code: 'cosignature_head_mismatch' });
    expect(await chain.latestFinalHead()).toBeUndefined();
    expect(await chain.addCosignature(cosign(b))).toMatchObject({ ok: true, value: { cosignatures: 2, final: true } });
    const final = await chain.latestFinalHead();
    expect(final?.treeSize).toBe(head.treeSize);
    expect(final?.final).toBe(true);
    // The bundle now carries the final head; a checker that trusts these witnesses sees the quorum.
    const bundle = await chain.evidence('test.record', 'r1');
    if (!bundle.ok) throw new Error(bundle.code);
    const keys = [a, b].map((w) => bytesToHex(w.publicKey));
    expect((await verifyEvidence(bundle.value, publicKey, { witnesses: { keys, quorum: 2 } })).ok).toBe(true);
    expect(
      (await verifyEvidence(bundle.value, publicKey, { witnesses: { keys: keys.slice(0, 1), quorum: 2 } })).ok,
    ).toBe(false);
  });

  it('audits clean, then names a tampered record, leaf and node', async () => {
    const bodies = new Map(
      Array.from({ length: 52 }, (_, i) => [
        `r${i}`,
        JSON.parse(JSON.stringify(record(i).body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))),
      ]),
    );
    const resolvers = new Map([
      [
        'test.record',
        async (ids: readonly string[]) => new Map(ids.filter((id) => bodies.has(id)).map((id) => [id, bodies.get(id)])),
      ],
    ]);
    const clean = await chain.audit(resolvers);
    expect(clean.problems).toEqual([]);
    expect(clean).toMatchObject({ ok: true, leaves: 52, recordsChecked: 52 });

    bodies.set('r9', { n: 9, amount: '1', tag: 'x' });
    bodies.delete('r10');
    await sql`update chain.leaves set leaf_hash = decode(repeat('00', 32), 'hex') where idx = 20`.execute(db.kysely);
    // The copy of leaf 30's hash in its tile: the one proofs are built from.
    await sql`update chain.tiles set hashes = overlay(hashes placing decode(repeat('11', 32), 'hex') from 30 * 32 + 1 for 32)
      where level = 0 and idx = 0`.execute(db.kysely);
    const tampered = await chain.audit(resolvers);
    expect(tampered.ok).toBe(false);
    const found = tampered.problems.map((p) => `${p.check} ${p.subject}`);
    expect(found).toContain('record_changed test.record/r9');
    expect(found).toContain('record_missing test.record/r10');
    expect(found).toContain('leaf_hash test.record/r20');
    expect(found).toContain('node_hash node 0:30');
    expect(found.some((f) => f.startsWith('head_root'))).toBe(true);
  });
});
