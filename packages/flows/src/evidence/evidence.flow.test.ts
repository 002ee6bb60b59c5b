// Proves ledger transfers reach the evidence log through the outbox exactly once (a replayed event adds nothing), each with a proof that verifies, and that the audit names a transfer edited behind the ledger's back — on PGlite and PostgreSQL.
import type { ChainService } from '@zhirong/chain';
import { verifyEvidence } from '@zhirong/chain/verifier';
import { testBackends } from '@zhirong/db/testing';
import { type CurrencyCode, formatId } from '@zhirong/kernel';
import type { LedgerModuleService } from '@zhirong/ledger';
import type { Platform } from '@zhirong/platform';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootFlowsPlatform } from '../testing.ts';
import type { EvidenceFlow } from './module.ts';

const CNY = 'CNY' as CurrencyCode;

describe.each(testBackends())('ledger → evidence log on %s', (backend) => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await bootFlowsPlatform(backend);
  });
  afterAll(() => platform.close());

  it('appends every committed transfer once, with a verifiable proof; the audit catches an edited amount', async () => {
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    const chain = platform.service<ChainService>('chain');
    const flow = platform.service<EvidenceFlow>('evidence');
    const ids = platform.context.ids;
    const [bank, alice] = [ids.uuid(), ids.uuid()];
    await ledger.createAccounts([
      { id: bank, currency: CNY, type: 'asset' },
      { id: alice, currency: CNY, type: 'liability' },
    ]);
    const transferIds: string[] = [];
    for (let batch = 0; batch < 3; batch++) {
      const requests = Array.from({ length: 7 }, (_, i) => ({
        kind: 'single' as const,
        id: ids.uuid(),
        debitAccountId: bank,
        creditAccountId: alice,
        amountMinor: BigInt(100 * (batch + 1) + i),
        currency: CNY,
      }));
      transferIds.push(...requests.map((r) => r.id));
      const results = await ledger.createTransfers(requests);
      expect(results.every((r) => r.status === 'created')).toBe(true);
    }
    await platform.relay.drain();
    expect(await chain.treeSize()).toBe(21);

    // At-least-once delivery: the same event again (as after a crash before the relay marked it) adds nothing.
    const { rows } = await sql<{ id: string; payload: unknown }>`
      select id, payload from platform.outbox where topic = 'ledger.transfers.created' order by id limit 1`.execute(
      platform.context.db.kysely,
    );
    const first = rows[0];
    if (!first) throw new Error('no ledger event');
    await platform.context.bus.publish([
      { id: first.id, topic: 'ledger.transfers.created', key: 'x', payload: first.payload, occurredAt: new Date(0) },
    ]);
    expect(await chain.treeSize()).toBe(21);

    const recordId = formatId('trf', transferIds[9] as string);
    const bundle = await chain.evidence('ledger.transfer', recordId);
    if (!bundle.ok) throw new Error(bundle.code);
    const body = await flow.recordBody('ledger.transfer', recordId);
    const report = await verifyEvidence(
      { ...bundle.value, record: { recordType: 'ledger.transfer', recordId, body: JSON.parse(JSON.stringify(body)) } },
      chain.publicKey,
    );
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);

    const clean = await flow.audit();
    expect(clean.problems).toEqual([]);
    expect(clean).toMatchObject({ ok: true, leaves: 21, recordsChecked: 21, recordsUnchecked: 0 });

    await sql`update ledger.transfers set amount = amount + 1 where id = ${transferIds[9]}::uuid`.execute(
      platform.context.db.kysely,
    );
    const tampered = await flow.audit();
    expect(tampered.ok).toBe(false);
    expect(tampered.problems.map((p) => `${p.check} ${p.subject}`)).toEqual([
      `record_changed ledger.transfer/${recordId}`,
    ]);
  });
});
