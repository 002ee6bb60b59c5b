// Proves payments move money only through the ledger, correctly, on PGlite and PostgreSQL: p2p and merchant payments (fee split), review/release/reject, decline, manual capture and cancel, refunds (never above what was paid, even concurrently), reversals, payouts and inbound credits via clearing, FX via liquidity accounts with locked quotes, idempotency, events, and recovery after a crash between the ledger and the final write.
import { testBackends } from '@zhirong/db/testing';
import { type CurrencyCode, formatId, ManualClock } from '@zhirong/kernel';
import {
  amountThresholdPolicy,
  type CreateOutcome,
  type CreatePaymentInput,
  merchantFee,
  type PaymentOrder,
  PaymentsService,
  parseMdr,
  TRANSITIONS_RECORDED_TOPIC,
} from '@zhirong/payments';
import type { DomainEvent } from '@zhirong/platform';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerPaymentRail, systemAccountId } from './ledger-rail.ts';
import { openPaymentsTestPlatform, type PaymentsTestPlatform } from './testing.ts';

const CNY = 'CNY' as CurrencyCode;

function settledPayment(outcome: CreateOutcome): PaymentOrder {
  if (!outcome.ok) throw new Error(`payment refused: ${outcome.code}`);
  if (outcome.replayed) throw new Error('unexpected replay');
  return outcome.payment;
}

describe.each(testBackends())('payment flows on %s', (backend) => {
  let t: PaymentsTestPlatform;
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 1, 0, 0));
  const events: DomainEvent[] = [];
  let keySeq = 0;
  const ctx = (extra: { key?: string; hash?: string } = {}) => ({
    principal: 'key_test',
    actor: 'key_test',
    ...(extra.key ? { idempotencyKey: extra.key, requestHash: extra.hash ?? 'same' } : {}),
  });
  const pay = async (input: CreatePaymentInput) =>
    settledPayment(await t.payments.createPayment(input, ctx({ key: `k${keySeq++}` })));

  beforeAll(async () => {
    // Above 1,000.00 a payment goes to review; above 50,000.00 it is declined.
    const riskGate = amountThresholdPolicy({ CNY: { reviewAboveMinor: 100_000n, declineAboveMinor: 5_000_000n } });
    t = await openPaymentsTestPlatform(backend, { riskGate, clock });
    t.platform.context.bus.subscribe('payments.>', (event) => {
      events.push(event);
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function verified() {
    const report = await t.ledger.verify();
    expect(report.problems ?? [], JSON.stringify(report)).toEqual([]);
    expect(report.ok).toBe(true);
  }

  it('settles a p2p payment: hold and post in one chain, every transition recorded', async () => {
    const alice = await t.account('CNY', 100_00n);
    const bob = await t.account('CNY');
    const payment = await pay({
      kind: 'p2p',
      amountMinor: 30_25n,
      currency: CNY,
      debtorAccountId: alice,
      creditorAccountId: bob,
    });
    expect(payment.state).toBe('settled');
    expect(payment.transitions.map((tr) => [tr.from, tr.to, tr.cause])).toEqual([
      [null, 'created', 'requested'],
      ['created', 'screened', 'risk_approved'],
      ['screened', 'authorized', 'hold_placed'],
      ['authorized', 'settled', 'posted'],
    ]);
    expect(await t.balance(alice)).toBe(69_75n);
    expect(await t.balance(bob)).toBe(30_25n);
    const stored = await t.payments.getPayment(payment.id);
    expect(stored?.payment.state).toBe('settled');
    expect(stored?.payment.transitions).toHaveLength(4);
    await verified();
  });

  it('splits the merchant discount fee to fee income in the same chain', async () => {
    const consumer = await t.account('CNY', 1_000_00n);
    const merchantAccount = await t.account('CNY');
    const merchantId = t.ids.uuid();
    const created = await t.payments.createMerchant({
      id: merchantId,
      name: 'TEA HOUSE',
      city: 'HANGZHOU',
      country: 'CN',
      postalCode: null,
      merchantCategoryCode: '5812',
      currency: CNY,
      accountId: merchantAccount,
      mdr: '0.0038',
      nameAlternate: '茶馆',
      language: 'ZH',
      metadata: {},
    });
    expect(created.ok).toBe(true);
    const feeIncome = systemAccountId('fee_income', 'CNY');
    const feeBefore = await t.balance(feeIncome).catch(() => 0n);
    const payment = await pay({
      kind: 'merchant',
      amountMinor: 258_88n,
      currency: CNY,
      debtorAccountId: consumer,
      merchantId,
    });
    const { feeMinor } = merchantFee(258_88n, parseMdr('0.0038') as NonNullable<ReturnType<typeof parseMdr>>);
    expect(feeMinor).toBe(98n); // 258.88 × 0.38 % = 0.983744 → 0.98
    expect(payment).toMatchObject({ state: 'settled', feeMinor, mdr: '0.0038', creditorAccountId: merchantAccount });
    expect(await t.balance(merchantAccount)).toBe(258_88n - feeMinor);
    expect((await t.balance(feeIncome)) - feeBefore).toBe(feeMinor);
    expect(await t.balance(consumer)).toBe(1_000_00n - 258_88n);

    // Refund part, then the rest: the fee comes back in proportion, in total exactly once.
    const first = await t.payments.refund(payment.id, { amountMinor: 100_00n }, ctx());
    expect(first.ok && first.value.refund).toMatchObject({
      state: 'succeeded',
      amountMinor: 100_00n,
      feeReturnedMinor: 38n,
    });
    const rest = await t.payments.refund(payment.id, {}, ctx());
    expect(rest.ok && rest.value.refund).toMatchObject({
      state: 'succeeded',
      amountMinor: 158_88n,
      feeReturnedMinor: 60n,
    });
    expect(rest.ok && rest.value.payment.state).toBe('refunded');
    expect(await t.balance(consumer)).toBe(1_000_00n);
    expect(await t.balance(merchantAccount)).toBe(0n);
    expect((await t.balance(feeIncome)) - feeBefore).toBe(0n);
    const over = await t.payments.refund(payment.id, { amountMinor: 1n }, ctx());
    expect(over).toMatchObject({ ok: false, code: 'payment_state_invalid' });
    await verified();
  });

  it('fails a payment the ledger refuses, moving nothing', async () => {
    const poor = await t.account('CNY', 10_00n);
    const other = await t.account('CNY');
    const payment = await pay({
      kind: 'p2p',
      amountMinor: 10_01n,
      currency: CNY,
      debtorAccountId: poor,
      creditorAccountId: other,
    });
    expect(payment).toMatchObject({ state: 'failed', failureCode: 'exceeds_credits' });
    expect(payment.transitions.at(-1)).toMatchObject({ from: 'screened', to: 'failed', cause: 'exceeds_credits' });
    expect(await t.balance(poor)).toBe(10_00n);
    expect(await t.balance(other)).toBe(0n);
  });

  it('holds a payment under review until released, and voids the hold when rejected', async () => {
    const rich = await t.account('CNY', 10_000_00n);
    const payee = await t.account('CNY');
    const held = await pay({
      kind: 'p2p',
      amountMinor: 2_000_00n,
      currency: CNY,
      debtorAccountId: rich,
      creditorAccountId: payee,
    });
    expect(held.state).toBe('review');
    expect(held.riskVerdict).toMatchObject({ decision: 'review', reason: 'amount_above_review_threshold' });
    const account = await t.ledger.getAccount(rich);
    expect(account?.balances.debitsPending).toBe(2_000_00n); // funds held, not moved
    expect(await t.balance(payee)).toBe(0n);

    const released = await t.payments.release(held.id, ctx());
    expect(released.ok && released.value.state).toBe('settled');
    expect(released.ok && released.value.transitions.slice(-2).map((tr) => tr.cause)).toEqual([
      'review_released',
      'posted',
    ]);
    expect(await t.balance(payee)).toBe(2_000_00n);
    // Releasing again answers with the settled payment and moves nothing more.
    expect((await t.payments.release(held.id, ctx())).ok).toBe(true);
    expect(await t.balance(payee)).toBe(2_000_00n);

    const second = await pay({
      kind: 'p2p',
      amountMinor: 3_000_00n,
      currency: CNY,
      debtorAccountId: rich,
      creditorAccountId: payee,
    });
    const rejected = await t.payments.reject(second.id, ctx(), 'customer could not confirm');
    expect(rejected.ok && rejected.value).toMatchObject({ state: 'declined', failureCode: 'review_rejected' });
    expect((await t.ledger.getAccount(rich))?.balances.debitsPending).toBe(0n);
    expect(await t.balance(rich)).toBe(8_000_00n);
    expect(await t.payments.release(second.id, ctx())).toMatchObject({ ok: false, code: 'payment_state_invalid' });
    await verified();
  });

  it('declines on the risk verdict without touching the ledger', async () => {
    const rich = await t.account('CNY', 100_000_00n);
    const payee = await t.account('CNY');
    const payment = await pay({
      kind: 'p2p',
      amountMinor: 60_000_00n,
      currency: CNY,
      debtorAccountId: rich,
      creditorAccountId: payee,
    });
    expect(payment).toMatchObject({ state: 'declined', failureCode: 'amount_above_decline_threshold' });
    expect(payment.transitions.map((tr) => tr.to)).toEqual(['created', 'declined']);
    expect((await t.ledger.getAccount(rich))?.entryCount).toBe(1n); // only its funding
  });

  it('captures or cancels a manual-capture authorization exactly once', async () => {
    const payer = await t.account('CNY', 100_00n);
    const payee = await t.account('CNY');
    const a = await pay({
      kind: 'p2p',
      amountMinor: 40_00n,
      currency: CNY,
      debtorAccountId: payer,
      creditorAccountId: payee,
      capture: 'manual',
    });
    const b = await pay({
      kind: 'p2p',
      amountMinor: 50_00n,
      currency: CNY,
      debtorAccountId: payer,
      creditorAccountId: payee,
      capture: 'manual',
    });
    expect([a.state, b.state]).toEqual(['authorized', 'authorized']);
    const [c1, c2] = await Promise.all([t.payments.capture(a.id, ctx()), t.payments.capture(a.id, ctx())]);
    expect(c1.ok && c1.value.state).toBe('settled');
    expect(c2.ok && c2.value.state).toBe('settled');
    expect(await t.balance(payee)).toBe(40_00n);
    expect(await t.payments.cancel(a.id, ctx())).toMatchObject({ ok: false, code: 'payment_state_invalid' });
    const cancelled = await t.payments.cancel(b.id, ctx());
    expect(cancelled.ok && cancelled.value.state).toBe('reversed');
    expect(await t.balance(payer)).toBe(60_00n);
    expect((await t.ledger.getAccount(payer))?.balances.debitsPending).toBe(0n);
    await verified();
  });

  it('never refunds more than was paid, even with concurrent refunds', async () => {
    const payer = await t.account('CNY', 100_00n);
    const payee = await t.account('CNY', 0n, { overdraft: true });
    const payment = await pay({
      kind: 'p2p',
      amountMinor: 100_00n,
      currency: CNY,
      debtorAccountId: payer,
      creditorAccountId: payee,
    });
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () => t.payments.refund(payment.id, { amountMinor: 30_00n }, ctx())),
    );
    const succeeded = attempts.filter((r) => r.ok);
    expect(succeeded).toHaveLength(3);
    for (const r of attempts.filter((x) => !x.ok)) expect(r).toMatchObject({ code: 'refund_exceeds_payment' });
    expect(await t.balance(payer)).toBe(90_00n);
    const stored = await t.payments.getPayment(payment.id);
    expect(stored?.payment.refundedMinor).toBe(90_00n);
    expect(stored?.refunds.filter((r) => r.state === 'succeeded')).toHaveLength(3);
    expect(await t.payments.refund(payment.id, { amountMinor: 10_01n }, ctx())).toMatchObject({
      ok: false,
      code: 'refund_exceeds_payment',
    });
  });

  it('gives the reservation back when the ledger refuses a refund', async () => {
    const payer = await t.account('CNY', 100_00n);
    const payee = await t.account('CNY');
    const other = await t.account('CNY');
    const payment = await pay({
      kind: 'p2p',
      amountMinor: 100_00n,
      currency: CNY,
      debtorAccountId: payer,
      creditorAccountId: payee,
    });
    await pay({ kind: 'p2p', amountMinor: 80_00n, currency: CNY, debtorAccountId: payee, creditorAccountId: other });
    const refused = await t.payments.refund(payment.id, { amountMinor: 50_00n }, ctx());
    expect(refused).toMatchObject({ ok: false, code: 'refund_failed', params: { reason: 'exceeds_credits' } });
    expect((await t.payments.getPayment(payment.id))?.payment.refundedMinor).toBe(0n);
    const smaller = await t.payments.refund(payment.id, { amountMinor: 20_00n }, ctx());
    expect(smaller.ok).toBe(true);
  });

  it('reverses a settled payment leg by leg', async () => {
    const payer = await t.account('CNY', 100_00n);
    const payee = await t.account('CNY');
    const payment = await pay({
      kind: 'p2p',
      amountMinor: 75_00n,
      currency: CNY,
      debtorAccountId: payer,
      creditorAccountId: payee,
    });
    const reversed = await t.payments.reverse(payment.id, ctx(), 'duplicate order');
    expect(reversed.ok && reversed.value.state).toBe('reversed');
    expect(await t.balance(payer)).toBe(100_00n);
    expect(await t.balance(payee)).toBe(0n);
    expect(await t.payments.refund(payment.id, {}, ctx())).toMatchObject({ ok: false, code: 'payment_state_invalid' });
    await verified();
  });

  it('pays out through the clearing account and credits inbound transfers from it', async () => {
    const customer = await t.account('CNY', 500_00n);
    const clearing = systemAccountId('clearing', 'CNY');
    const clearingBefore = await t.balance(clearing).catch(() => 0n);
    const payout = await pay({
      kind: 'payout',
      amountMinor: 200_00n,
      currency: CNY,
      debtorAccountId: customer,
      creditor: { name: 'Zhang San', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
      endToEndId: `E2E-${t.ids.uuid().slice(0, 8)}`,
    });
    expect(payout.state).toBe('settled');
    // Clearing is an asset account: a payout credits it (the bank owes the other bank less... the money left).
    expect((await t.balance(clearing)) - clearingBefore).toBe(-200_00n);
    const inbound = await pay({
      kind: 'inbound',
      amountMinor: 50_00n,
      currency: CNY,
      creditorAccountId: customer,
      debtor: { name: 'Li Si', iban: 'GB29NWBK60161331926819' },
    });
    expect(inbound.state).toBe('settled');
    expect(await t.balance(customer)).toBe(350_00n);
    expect((await t.balance(clearing)) - clearingBefore).toBe(-150_00n);
    const missing = await t.payments.createPayment(
      { kind: 'payout', amountMinor: 1n, currency: CNY, debtorAccountId: customer },
      ctx(),
    );
    expect(missing).toMatchObject({ ok: false, code: 'party_required', params: { field: 'creditor' } });
  });

  it('converts through per-currency liquidity accounts at a locked quote, recorded on the payment', async () => {
    const rates = await t.payments.setRates([{ base: 'USD', quote: 'CNY', mid: '7.1234', spreadBps: 50 }]);
    expect(rates.ok).toBe(true);
    const quote = await t.payments.createQuote({ sellCurrency: 'CNY', buyCurrency: 'USD', sellAmountMinor: 1_000_00n });
    if (!quote.ok) throw new Error(quote.code);
    expect(quote.value).toMatchObject({ buyAmountMinor: 139_68n, spreadBps: 50 }); // 1000 / 7.1234 × 0.995 = 139.68048…
    const payer = await t.account('CNY', 2_000_00n);
    const payee = await t.account('USD');
    const payment = await pay({
      kind: 'p2p',
      amountMinor: 1_000_00n,
      currency: CNY,
      debtorAccountId: payer,
      creditorAccountId: payee,
      quoteId: quote.value.id,
    });
    expect(payment).toMatchObject({ state: 'settled', creditAmountMinor: 139_68n, creditCurrency: 'USD' });
    expect(payment.quote).toMatchObject({ quoteId: quote.value.id, rate: quote.value.rate, midRate: '0.1403824016' });
    expect(await t.balance(payer)).toBe(1_000_00n);
    expect(await t.balance(payee)).toBe(139_68n);
    expect(await t.balance(systemAccountId('liquidity', 'CNY'))).toBe(-1_000_00n);
    expect(await t.balance(systemAccountId('liquidity', 'USD'))).toBe(139_68n);

    const reuse = await t.payments.createPayment(
      {
        kind: 'p2p',
        amountMinor: 1_000_00n,
        currency: CNY,
        debtorAccountId: payer,
        creditorAccountId: payee,
        quoteId: quote.value.id,
      },
      ctx(),
    );
    expect(reuse).toMatchObject({ ok: false, code: 'quote_already_used' });
    const later = await t.payments.createQuote({
      sellCurrency: 'USD',
      buyCurrency: 'CNY',
      buyAmountMinor: 100_00n,
      ttlMs: 30_000,
    });
    if (!later.ok) throw new Error(later.code);
    expect(later.value.sellAmountMinor).toBe(14_11n); // 100 CNY at 7.087783 = 14.1088… USD, rounded up
    clock.advance(31_000);
    const expired = await t.payments.createPayment(
      {
        kind: 'p2p',
        amountMinor: later.value.sellAmountMinor,
        currency: 'USD',
        debtorAccountId: payee,
        creditorAccountId: payer,
        quoteId: later.value.id,
      },
      ctx(),
    );
    expect(expired).toMatchObject({ ok: false, code: 'quote_expired' });
    expect(
      await t.payments.createQuote({ sellCurrency: 'CNY', buyCurrency: 'EUR', sellAmountMinor: 1n }),
    ).toMatchObject({
      ok: false,
      code: 'fx_rate_unavailable',
    });
    await verified();
  });

  it('is idempotent by key: same request → stored response, other request → 409, concurrent → one payment', async () => {
    const payer = await t.account('CNY', 100_00n);
    const payee = await t.account('CNY');
    const input: CreatePaymentInput = {
      kind: 'p2p',
      amountMinor: 10_00n,
      currency: CNY,
      debtorAccountId: payer,
      creditorAccountId: payee,
    };
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => t.payments.createPayment(input, ctx({ key: 'order-77', hash: 'h1' }))),
    );
    const created = outcomes.filter((o) => o.ok && !o.replayed);
    expect(created).toHaveLength(1);
    for (const o of outcomes) {
      if (!o.ok) expect(o.code).toBe('idempotency_key_in_progress');
    }
    const replay = await t.payments.createPayment(input, ctx({ key: 'order-77', hash: 'h1' }));
    expect(replay).toMatchObject({ ok: true, replayed: true, statusCode: 201 });
    expect(replay.ok && replay.replayed && (replay.response as { state: string }).state).toBe('settled');
    expect(await t.payments.createPayment(input, ctx({ key: 'order-77', hash: 'h2' }))).toMatchObject({
      ok: false,
      code: 'idempotency_key_reused',
    });
    expect(await t.balance(payee)).toBe(10_00n);
  });

  it('rejects a second payment with the same end-to-end id', async () => {
    const payer = await t.account('CNY', 100_00n);
    const payee = await t.account('CNY');
    const input: CreatePaymentInput = {
      kind: 'p2p',
      amountMinor: 1_00n,
      currency: CNY,
      debtorAccountId: payer,
      creditorAccountId: payee,
      endToEndId: `E2E-DUP-${backend}`,
    };
    const [a, b] = await Promise.all([t.payments.createPayment(input, ctx()), t.payments.createPayment(input, ctx())]);
    expect([a, b].filter((o) => o.ok)).toHaveLength(1);
    expect([a, b].find((o) => !o.ok)).toMatchObject({ code: 'end_to_end_id_exists' });
    expect(await t.balance(payee)).toBe(1_00n);
  });

  it('emits one event per transition, in order, through the outbox', async () => {
    const payer = await t.account('CNY', 100_00n);
    const payee = await t.account('CNY');
    const payment = await pay({
      kind: 'p2p',
      amountMinor: 5_00n,
      currency: CNY,
      debtorAccountId: payer,
      creditorAccountId: payee,
    });
    await t.platform.relay.drain();
    const mine = events.filter((e) => e.key === formatId('pay', payment.id) && e.topic !== TRANSITIONS_RECORDED_TOPIC);
    // Besides, each write that recorded transitions (one or two here) names its payments in one event (the evidence log reads these).
    const recorded = events.filter(
      (e) =>
        e.topic === TRANSITIONS_RECORDED_TOPIC &&
        (e.payload as { paymentIds: string[] }).paymentIds.includes(formatId('pay', payment.id)),
    );
    expect(recorded.length).toBeGreaterThanOrEqual(1);
    expect(mine.map((e) => e.topic)).toEqual([
      'payments.payment.created',
      'payments.payment.screened',
      'payments.payment.authorized',
      'payments.payment.settled',
    ]);
    expect(mine.at(-1)?.payload).toMatchObject({
      id: formatId('pay', payment.id),
      state: 'settled',
      from: 'authorized',
      cause: 'posted',
      amount: '5.00',
      currency: 'CNY',
      debtorAccountId: formatId('acc', payer),
    });
  });

  it('writes a group with its ledger batch in one transaction: a crash before the commit leaves nothing', async () => {
    const payer = await t.account('CNY', 100_00n);
    const payee = await t.account('CNY');
    const real = ledgerPaymentRail(t.platform.context);
    // The process "dies" after the ledger rows and the orders are written, before the commit.
    const crashing = new PaymentsService({
      db: t.platform.context.db.kysely,
      clock,
      ids: t.platform.context.ids,
      outbox: t.platform.context.outbox,
      riskGate: { screenPayment: async () => ({ decision: 'approve' }) },
      rail: {
        execute: (steps, options) =>
          real.execute(steps, {
            inTransaction: async (trx, results) => {
              await options?.inTransaction?.(trx, results);
              throw new Error('connection lost before commit');
            },
          }),
      },
    });
    const input: CreatePaymentInput = {
      kind: 'p2p',
      amountMinor: 9_99n,
      currency: CNY,
      debtorAccountId: payer,
      creditorAccountId: payee,
    };
    expect(await crashing.createPayment(input, ctx({ key: 'crash-0' }))).toMatchObject({
      ok: false,
      code: 'payments_unavailable',
    });
    expect(await t.balance(payee)).toBe(0n);
    expect((await t.ledger.getAccount(payer))?.balances.debitsPending).toBe(0n);
    // The key was not kept either: the client's retry goes through, once.
    const retried = settledPayment(await t.payments.createPayment(input, ctx({ key: 'crash-0' })));
    expect(retried.state).toBe('settled');
    expect(await t.balance(payee)).toBe(9_99n);
    await verified();
  });

  it('recovers a payment whose final write was lost after the ledger committed, without moving money twice', async () => {
    const payer = await t.account('CNY', 100_00n);
    const payee = await t.account('CNY');
    const real = ledgerPaymentRail(t.platform.context);
    // A group with a conflict (two payments with one end-to-end id) takes the careful path: first
    // write, ledger, final write. The process "dies" right after the ledger commit.
    const crashing = new PaymentsService({
      db: t.platform.context.db.kysely,
      clock,
      ids: t.platform.context.ids,
      outbox: t.platform.context.outbox,
      riskGate: { screenPayment: async () => ({ decision: 'approve' }) },
      rail: {
        async execute(steps, options) {
          if (options?.inTransaction) return real.execute(steps, options);
          await real.execute(steps);
          throw new Error('connection lost after commit');
        },
      },
    });
    const input: CreatePaymentInput = {
      kind: 'p2p',
      amountMinor: 12_34n,
      currency: CNY,
      debtorAccountId: payer,
      creditorAccountId: payee,
      endToEndId: `E2E-CRASH-${backend}`,
    };
    const [first, second] = await crashing.createPayments([
      { input, context: ctx({ key: 'crash-1' }) },
      { input, context: ctx() },
    ]);
    expect(second).toMatchObject({ ok: false, code: 'end_to_end_id_exists' });
    const stuck = settledPayment(first as CreateOutcome);
    expect(stuck.state).toBe('screened');
    expect(await t.balance(payee)).toBe(12_34n); // the ledger did commit
    // A retry by the client meanwhile is told to wait, not given a second payment.
    expect(await t.payments.createPayment(input, ctx({ key: 'crash-1' }))).toMatchObject({
      ok: false,
      code: 'idempotency_key_in_progress',
    });
    clock.advance(11_000);
    expect(await t.payments.recoverStalled()).toBeGreaterThanOrEqual(1);
    const recovered = await t.payments.getPayment(stuck.id);
    expect(recovered?.payment.state).toBe('settled');
    expect(await t.balance(payee)).toBe(12_34n);
    expect(await t.balance(payer)).toBe(87_66n);
    const replay = await t.payments.createPayment(input, ctx({ key: 'crash-1' }));
    expect(replay.ok && replay.replayed && (replay.response as { state: string }).state).toBe('settled');
    await verified();
  });

  it('keeps every balance consistent over random concurrent payments, refunds and reversals', async () => {
    const accounts = await Promise.all(Array.from({ length: 4 }, () => t.account('CNY', 500_00n)));
    const op = fc.oneof(
      fc.record({
        type: fc.constant('pay' as const),
        from: fc.nat(3),
        to: fc.nat(3),
        amount: fc.bigInt({ min: 1n, max: 300_00n }),
      }),
      fc.record({
        type: fc.constant('refund' as const),
        which: fc.nat(20),
        amount: fc.bigInt({ min: 1n, max: 200_00n }),
      }),
      fc.record({ type: fc.constant('reverse' as const), which: fc.nat(20) }),
    );
    const made: PaymentOrder[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        await Promise.all(
          ops.map(async (o) => {
            if (o.type === 'pay') {
              if (o.from === o.to) return;
              const outcome = await t.payments.createPayment(
                {
                  kind: 'p2p',
                  amountMinor: o.amount,
                  currency: CNY,
                  debtorAccountId: accounts[o.from] as string,
                  creditorAccountId: accounts[o.to] as string,
                },
                ctx(),
              );
              if (outcome.ok && !outcome.replayed) made.push(outcome.payment);
            } else if (made.length > 0) {
              const target = made[o.which % made.length] as PaymentOrder;
              if (o.type === 'refund') await t.payments.refund(target.id, { amountMinor: o.amount }, ctx());
              else await t.payments.reverse(target.id, ctx());
            }
          }),
        );
        let total = 0n;
        for (const a of accounts) total += await t.balance(a);
        expect(total).toBe(2_000_00n);
        for (const p of (await t.payments.getPayments(made.map((m) => m.id))).values()) {
          expect(p.refundedMinor <= p.amountMinor).toBe(true);
          if (p.state === 'refunded') expect(p.refundedMinor).toBe(p.amountMinor);
        }
      }),
      { numRuns: 6 },
    );
    await verified();
  });
});
