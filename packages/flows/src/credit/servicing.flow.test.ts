// Proves post-loan servicing on the real ledger and risk engine (PGlite and PostgreSQL): an overdue loan enters the collections queue in its bucket with the amount due, takes an assignee, notes and a promise that is kept by a repayment; monitoring flags a missed payment, a falling balance and a new risk decision once each; flags are listed per loan and in an acknowledgeable queue; the portfolio report reads the book.
import type { CreditService } from '@zhirong/credit';
import { testBackends } from '@zhirong/db/testing';
import { type CurrencyCode, formatId, ManualClock } from '@zhirong/kernel';
import type { LedgerModuleService } from '@zhirong/ledger';
import type { Platform } from '@zhirong/platform';
import type { RiskService } from '@zhirong/risk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationFor, bootLendingPlatform, ok, PRODUCT } from './testing.ts';

const CNY = 'CNY' as CurrencyCode;
const DAY_MS = 86_400_000;

describe.each(testBackends())('lending servicing on %s', (backend) => {
  let platform: Platform;
  // 2026-01-10 10:00 in Shanghai.
  const clock = new ManualClock(Date.UTC(2026, 0, 10, 2, 0, 0));
  let credit: CreditService;
  let risk: RiskService;
  let ledger: LedgerModuleService['ledger'];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    platform = await bootLendingPlatform(backend, clock, { withRisk: true });
    credit = platform.service<CreditService>('credit');
    risk = platform.service<RiskService>('risk');
    ledger = platform.service<LedgerModuleService>('ledger').ledger;
    for (const name of ['cash', 'li']) ids[name] = platform.context.ids.uuid();
    await ledger.createAccounts([
      { id: ids.cash as string, currency: CNY, type: 'asset' },
      { id: ids.li as string, currency: CNY, type: 'liability', flags: ['debits_must_not_exceed_credits'] },
    ]);
    await ledger.createTransfers([
      {
        kind: 'single',
        id: platform.context.ids.uuid(),
        debitAccountId: ids.cash as string,
        creditAccountId: ids.li as string,
        amountMinor: 500_000n,
        currency: CNY,
      },
    ]);
    const ruleset = await risk.createRuleset(
      {
        name: 'big_payments',
        eventTypes: ['payment'],
        rules: [
          {
            id: 'big_payment',
            condition: 'is_payment and amount >= 1000',
            action: 'review',
            reason: { en: 'Large payment', zh: '大额支付' },
          },
        ],
      },
      'analyst',
    );
    await risk.promote(ruleset.id, 'live', 'analyst');
    const product = ok(await credit.createProduct(PRODUCT));
    const application = ok(await credit.apply(applicationFor(product.id)));
    expect(application.decision.outcome).toBe('approve');
    const view = ok(await credit.accept({ applicationId: application.id, customerAccountId: ids.li as string }));
    ids.loan = view.loan.id;
    ids.band = application.decision.band as string;
  });
  afterAll(() => platform?.close());

  it('queues an overdue loan in its bucket with the amount due and nothing for current loans', async () => {
    expect(await credit.servicing.queue({ limit: 10 })).toEqual([]);
    // First installment due 2026-02-10; on 2026-02-25 it is 15 days past due.
    clock.advance(46 * DAY_MS);
    expect(credit.today()).toBe('2026-02-25');
    ok(await credit.accrue('2026-02-25'));
    const view = await credit.loan(ids.loan as string);
    const first = view?.installments[0];
    const queue = await credit.servicing.queue({ limit: 10 });
    expect(queue).toHaveLength(1);
    const entry = queue[0];
    expect(entry).toMatchObject({ loanId: ids.loan, bucket: 'M1', daysPastDue: 15, oldestDueDate: '2026-02-10' });
    const installmentTotal = (first?.principalMinor ?? 0n) + (first?.interestMinor ?? 0n) + (first?.feeMinor ?? 0n);
    expect(entry?.overdueMinor).toBe(installmentTotal);
    expect(view?.loan.penaltyOutstandingMinor ?? 0n).toBeGreaterThan(0n);
    expect(entry?.amountDueMinor).toBe(installmentTotal + (view?.loan.penaltyOutstandingMinor ?? 0n));
    expect(await credit.servicing.queue({ bucket: 'M2', limit: 10 })).toEqual([]);
    expect(await credit.servicing.queue({ bucket: 'M1', limit: 10 })).toHaveLength(1);
  });

  it('takes an assignee, notes and a promise to pay, refusing bad ones', async () => {
    const loanId = ids.loan as string;
    ok(await credit.servicing.act(loanId, { kind: 'assign', assignee: 'collector.wang' }, 'lead'));
    ok(await credit.servicing.act(loanId, { kind: 'note', note: '电话联系，客户称下周还款' }, 'collector.wang'));
    expect(await credit.servicing.act(loanId, { kind: 'note', note: '  ' }, 'x')).toMatchObject({
      ok: false,
      code: 'credit_input_invalid',
    });
    expect(
      await credit.servicing.act(loanId, { kind: 'promise', amountMinor: 100n, date: '2026-02-24' }, 'x'),
    ).toMatchObject({ ok: false, code: 'credit_input_invalid', params: { field: 'date' } });
    const due = (await credit.servicing.queue({ limit: 1 }))[0]?.amountDueMinor ?? 0n;
    const entry = ok(
      await credit.servicing.act(loanId, { kind: 'promise', amountMinor: due, date: '2026-02-28' }, 'collector.wang'),
    );
    expect(entry.assignee).toBe('collector.wang');
    expect(entry.notes.map((n) => n.note)).toEqual(['电话联系，客户称下周还款']);
    expect(entry.promise).toMatchObject({ amountMinor: due, date: '2026-02-28', status: 'pending', repaidMinor: 0n });
    expect(await credit.servicing.queue({ assignee: 'collector.wang', limit: 10 })).toHaveLength(1);
    expect(await credit.servicing.queue({ assignee: 'someone.else', limit: 10 })).toHaveLength(0);
    expect((await credit.servicing.collectionCase(loanId))?.actions?.map((a) => a.kind)).toEqual([
      'promise',
      'note',
      'assign',
    ]);
  });

  it('flags a missed payment, a falling balance and a new risk decision once each', async () => {
    const loanId = ids.loan as string;
    // Li moves most of her money out (24,800.00 → 4,800.00), and a large payment of hers is reviewed.
    await ledger.createTransfers([
      {
        kind: 'single',
        id: platform.context.ids.uuid(),
        debitAccountId: ids.li as string,
        creditAccountId: ids.cash as string,
        amountMinor: 2_000_000n,
        currency: CNY,
      },
    ]);
    const payment = await risk.decide({
      id: 'pay_servicing_test_1',
      type: 'payment',
      atMs: clock.now().getTime(),
      customerId: formatId('acc', ids.li as string),
      accountId: formatId('acc', ids.li as string),
      amountMinor: 200_000n,
      currency: 'CNY',
    });
    expect(payment.decision).toBe('review');
    expect(await credit.servicing.monitor()).toEqual({ missed_payment: 1, falling_balance: 1, risk_decision: 1 });
    expect(await credit.servicing.monitor()).toEqual({ missed_payment: 0, falling_balance: 0, risk_decision: 0 });
    const flags = await credit.servicing.warnings({ loanId, openOnly: false, limit: 10 });
    expect(flags.map((f) => f.kind).sort()).toEqual(['falling_balance', 'missed_payment', 'risk_decision']);
    const missed = flags.find((f) => f.kind === 'missed_payment');
    expect(missed).toMatchObject({ key: 'period:1', detail: { period: 1, dueDate: '2026-02-10' } });
    expect(flags.find((f) => f.kind === 'falling_balance')?.detail).toMatchObject({
      before: '24800.00',
      now: '4800.00',
    });
    expect(flags.find((f) => f.kind === 'risk_decision')).toMatchObject({
      key: `risk:${payment.id}`,
      reason: { code: 'risk_review' },
    });
    expect(flags.every((f) => f.raisedAt.getTime() === clock.now().getTime())).toBe(true);
    // The open queue loses a flag once it is acknowledged.
    expect(await credit.servicing.warnings({ openOnly: true, limit: 10 })).toHaveLength(3);
    const acked = await credit.servicing.acknowledge(missed?.id as string, 'collector.wang');
    expect(acked).toMatchObject({ acknowledgedBy: 'collector.wang' });
    expect(await credit.servicing.warnings({ openOnly: true, limit: 10 })).toHaveLength(2);
    expect(await credit.servicing.acknowledge(platform.context.ids.uuid(), 'x')).toBeUndefined();
  });

  it('marks the promise kept when the amount is repaid and the loan leaves the queue', async () => {
    const loanId = ids.loan as string;
    const due = (await credit.servicing.queue({ limit: 1 }))[0]?.amountDueMinor ?? 0n;
    clock.advance(DAY_MS);
    ok(await credit.repay(loanId, due));
    expect(await credit.servicing.queue({ limit: 10 })).toEqual([]);
    const entry = await credit.servicing.collectionCase(loanId);
    expect(entry).toMatchObject({ daysPastDue: 0, bucket: 'current', amountDueMinor: 0n });
    expect(entry?.promise).toMatchObject({ status: 'kept', repaidMinor: due });
  });

  it('reports the book: approval by band, the loan in its band and vintage', async () => {
    const report = ok(await credit.servicing.report({ days: 60 }));
    expect(report.asOf).toBe('2026-02-26');
    const band = report.bands.find((b) => b.band === ids.band);
    expect(band).toMatchObject({ applications: 1, approved: 1, approvalRate: '1.0000', loans: 1, bad: 0 });
    expect(report.vintages).toEqual([
      { vintage: '2026-01', loans: 1, curve: [{ mob: 1, observed: 1, bad: 0, rate: '0.0000' }] },
    ]);
    expect(ok(await credit.servicing.report({ asOf: '2026-02-25', days: 30 })).bands).toEqual([
      expect.objectContaining({ band: ids.band, applications: 0, loans: 1 }),
    ]);
    expect(await credit.servicing.report({ asOf: '2027-01-01' })).toMatchObject({
      ok: false,
      code: 'credit_date_invalid',
    });
  });

  it('decides with the platform data: earlier loans here and the account balance, inflows and spending', async () => {
    const productId = (await credit.listProducts(1))[0]?.id as string;
    const repaid = (await credit.repayments(ids.loan as string))[0]?.amountMinor ?? 0n;
    const app = ok(await credit.apply({ ...applicationFor(productId), accountId: ids.li as string }, { dryRun: true }));
    // In: 5,000.00 and the 19,800.00 disbursed; out: 20,000.00 and the repayment — all within 90 days.
    expect(app.inputs.platform).toEqual({
      earlierLoans: { count: 1, active: 1, closed: 0, writtenOff: 0, maxDaysPastDue: 0 },
      account: {
        id: ids.li,
        days: 90,
        balanceMinor: (2_480_000n - 2_000_000n - repaid).toString(),
        inflowsMinor: '2480000',
        outflowsMinor: (2_000_000n + repaid).toString(),
      },
    });
    expect(app.decision.checks.find((c) => c.rule === 'prior_write_off')).toMatchObject({ passed: true });
    expect(
      await credit.apply({ ...applicationFor(productId), accountId: platform.context.ids.uuid() }, { dryRun: true }),
    ).toMatchObject({ ok: false, code: 'credit_account_not_found' });
  });
});
