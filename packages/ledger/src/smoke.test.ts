// Smoke: a deposit, a two-phase hold and an overdraft attempt behave on each backend.
import { testBackends } from '@zhirong/db/testing';
import type { CurrencyCode } from '@zhirong/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestLedger } from './testing.ts';

describe.each(testBackends())('ledger smoke on %s', (backend) => {
  let t: Awaited<ReturnType<typeof openTestLedger>>;
  beforeAll(async () => {
    t = await openTestLedger(backend);
  });
  afterAll(async () => t?.db.close());
  it('moves money', async () => {
    const CNY = 'CNY' as CurrencyCode;
    const bank = t.ids.uuid();
    const alice = t.ids.uuid();
    const r = await t.ledger.createAccounts([
      { id: bank, currency: CNY, type: 'asset' },
      { id: alice, currency: CNY, type: 'liability', flags: ['debits_must_not_exceed_credits'] },
    ]);
    expect(r.map((x) => x.status)).toEqual(['created', 'created']);
    const dep = t.ids.uuid();
    const res = await t.ledger.createTransfers([
      { kind: 'single', id: dep, debitAccountId: bank, creditAccountId: alice, amountMinor: 10000n, currency: CNY },
      {
        kind: 'single',
        id: t.ids.uuid(),
        debitAccountId: alice,
        creditAccountId: bank,
        amountMinor: 20000n,
        currency: CNY,
      },
      {
        kind: 'pending',
        id: t.ids.uuid(),
        debitAccountId: alice,
        creditAccountId: bank,
        amountMinor: 4000n,
        currency: CNY,
        timeoutSeconds: 60,
      },
    ]);
    expect(res.map((x) => (x.status === 'failed' ? x.code : x.status))).toEqual([
      'created',
      'exceeds_credits',
      'created',
    ]);
    const again = await t.ledger.createTransfers([
      { kind: 'single', id: dep, debitAccountId: bank, creditAccountId: alice, amountMinor: 10000n, currency: CNY },
    ]);
    expect(again[0]?.status).toBe('exists');
    const acc = await t.ledger.getAccount(alice);
    expect(acc?.balances).toEqual({
      debitsPending: 4000n,
      debitsPosted: 0n,
      creditsPending: 0n,
      creditsPosted: 10000n,
    });
    const report = await t.ledger.verify();
    expect(report.problems).toEqual([]);
  });
});
