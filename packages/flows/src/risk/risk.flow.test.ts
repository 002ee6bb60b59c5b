// Proves the risk engine is the payments risk gate, on PGlite and PostgreSQL: every payment gets a
// stored decision; a live rule that declines rejects the payment with the rule as the reason; a
// review holds the funds and opens a case, and closing the case releases the payment (legitimate)
// or rejects it and voids the hold (fraud).
import { testBackends } from '@zhirong/db/testing';
import { type CurrencyCode, formatId, ManualClock } from '@zhirong/kernel';
import type { CreatePaymentInput, PaymentOrder } from '@zhirong/payments';
import type { RiskService } from '@zhirong/risk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPaymentsTestPlatform, type PaymentsTestPlatform } from '../payments/testing.ts';

const CNY = 'CNY' as CurrencyCode;

describe.each(testBackends())('payments screened by the risk engine on %s', (backend) => {
  let t: PaymentsTestPlatform;
  let risk: RiskService;
  const clock = new ManualClock(Date.UTC(2026, 11, 6, 2, 0, 0));
  let keySeq = 0;
  const ctx = () => ({ principal: 'key_test', actor: 'key_test', idempotencyKey: `k${keySeq++}`, requestHash: 'h' });
  const pay = async (input: CreatePaymentInput): Promise<PaymentOrder> => {
    clock.advance(60_000);
    const outcome = await t.payments.createPayment(input, ctx());
    if (!outcome.ok || outcome.replayed) throw new Error('payment refused or replayed');
    return outcome.payment;
  };

  beforeAll(async () => {
    t = await openPaymentsTestPlatform(backend, { clock, riskEngine: true });
    t.platform.start();
    await t.platform.relay.stop();
    risk = t.platform.service<RiskService>('risk');
    const ruleset = await risk.createRuleset(
      {
        name: 'payment_limits',
        eventTypes: ['payment'],
        rules: [
          {
            id: 'too_big',
            condition: 'amount >= 50000',
            action: 'decline',
            reason: { en: 'Over the limit', zh: '超过限额' },
          },
          { id: 'big', condition: 'amount >= 1000', action: 'review', reason: { en: 'Large payment', zh: '大额支付' } },
        ],
      },
      'analyst',
    );
    await risk.promote(ruleset.id, 'live', 'analyst');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('approves an ordinary payment and stores the decision under the payment id', async () => {
    const alice = await t.account('CNY', 10_000_00n);
    const bob = await t.account('CNY');
    const p = await pay({
      kind: 'p2p',
      amountMinor: 50_00n,
      currency: CNY,
      debtorAccountId: alice,
      creditorAccountId: bob,
    });
    expect(p.state).toBe('settled');
    expect(p.riskVerdict).toMatchObject({ decision: 'approve' });
    expect(p.riskVerdict?.policy).toContain('payment_limits@1');
    const [decision] = await risk.listDecisions({ customerId: formatId('acc', alice), limit: 10 });
    expect(decision?.eventId).toBe(formatId('pay', p.id));
  });

  it('declines with the rule as the reason', async () => {
    const alice = await t.account('CNY', 100_000_00n);
    const bob = await t.account('CNY');
    const p = await pay({
      kind: 'p2p',
      amountMinor: 60_000_00n,
      currency: CNY,
      debtorAccountId: alice,
      creditorAccountId: bob,
    });
    expect(p.state).toBe('declined');
    expect(p.riskVerdict).toMatchObject({ decision: 'decline', reason: 'too_big' });
    expect(await t.balance(alice)).toBe(100_000_00n);
  });

  it('holds a payment in review until its case is closed: legitimate releases, fraud rejects', async () => {
    const alice = await t.account('CNY', 10_000_00n);
    const bob = await t.account('CNY');
    const first = await pay({
      kind: 'p2p',
      amountMinor: 2_000_00n,
      currency: CNY,
      debtorAccountId: alice,
      creditorAccountId: bob,
    });
    const second = await pay({
      kind: 'p2p',
      amountMinor: 3_000_00n,
      currency: CNY,
      debtorAccountId: alice,
      creditorAccountId: bob,
    });
    expect([first.state, second.state]).toEqual(['review', 'review']);
    expect((await t.ledger.getAccount(alice))?.balances.debitsPending).toBe(5_000_00n);

    const cases = await risk.listCases({ status: 'open', limit: 50 });
    const caseOf = (p: PaymentOrder) => cases.find((c) => c.eventId === formatId('pay', p.id));
    await risk.closeCase(caseOf(first)?.id as string, 'legitimate', 'stf_ana');
    await risk.closeCase(caseOf(second)?.id as string, 'fraud', 'stf_ana');
    await t.platform.relay.drain();

    const settled = (await t.payments.getPayment(first.id))?.payment;
    const declined = (await t.payments.getPayment(second.id))?.payment;
    expect(settled?.state).toBe('settled');
    expect(declined).toMatchObject({ state: 'declined', failureCode: 'review_rejected' });
    expect(await t.balance(bob)).toBe(2_000_00n);
    expect(await t.balance(alice)).toBe(8_000_00n);
    expect((await t.ledger.getAccount(alice))?.balances.debitsPending).toBe(0n);
    // A redelivered event changes nothing.
    await t.platform.relay.drain();
    expect(await t.balance(bob)).toBe(2_000_00n);
  });
});
