// scratch
import { describe, expect, it } from 'vitest';
import { openPaymentsTestPlatform } from './testing.ts';

describe('scratch', () => {
  it('works', async () => {
    const t = await openPaymentsTestPlatform('pglite');
    const a = await t.account('CNY', 10000n);
    const b = await t.account('CNY');
    const out = await t.payments.createPayment({ kind: 'p2p', amountMinor: 1500n, currency: 'CNY', debtorAccountId: a, creditorAccountId: b }, { principal: 'x', idempotencyKey: 'k1', requestHash: 'h' });
    expect(out.ok && !out.replayed && out.payment.state).toBe('settled');
    expect(await t.balance(b)).toBe(1500n);
    const again = await t.payments.createPayment({ kind: 'p2p', amountMinor: 1500n, currency: 'CNY', debtorAccountId: a, creditorAccountId: b }, { principal: 'x', idempotencyKey: 'k1', requestHash: 'h' });
    expect(again.ok && again.replayed).toBe(true);
    await t.close();
  });
});
