// Proves lending end to end on the real ledger (PGlite, and PostgreSQL when configured): a product over its APR cap is refused, bad applications get specific codes and store nothing, a good one is decided and replays byte for byte, acceptance disburses once through linked transfers, accrual is idempotent per date, an overdue loan earns penalty and moves through buckets, repayment pays penalty first and a payoff closes the loan with loans receivable back to zero, and write-off moves the rest to losses.
import { accruedInterestThrough, type CreditService } from '@zhirong/credit';
import { testBackends } from '@zhirong/db/testing';
import { type CurrencyCode, ManualClock } from '@zhirong/kernel';
import { type LedgerModuleService, postedBalance } from '@zhirong/ledger';
import type { Platform } from '@zhirong/platform';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditSystemAccountIds } from './module.ts';
import { applicationFor, bootLendingPlatform, ok, PRODUCT } from './testing.ts';

const CNY = 'CNY' as CurrencyCode;
const DAY_MS = 86_400_000;

describe.each(testBackends())('lending on %s', (backend) => {
  let platform: Platform;
  // 2026-01-10 10:00 in Shanghai.
  const clock = new ManualClock(Date.UTC(2026, 0, 10, 2, 0, 0));
  const ids: Record<string, string> = {};
  let credit: CreditService;

  beforeAll(async () => {
    platform = await bootLendingPlatform(backend, clock);
    credit = platform.service<CreditService>('credit');
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    for (const name of ['cash', 'li', 'wang']) ids[name] = platform.context.ids.uuid();
    await ledger.createAccounts([
      { id: ids.cash as string, currency: CNY, type: 'asset' },
      { id: ids.li as string, currency: CNY, type: 'liability', flags: ['debits_must_not_exceed_credits'] },
      { id: ids.wang as string, currency: CNY, type: 'liability', flags: ['debits_must_not_exceed_credits'] },
    ]);
    // Li has 5,000.00 of her own in the account.
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
  });
  afterAll(() => platform.close());

  const systemBalance = async (role: Parameters<typeof creditSystemAccountIds>[0]) => {
    let sum = 0n;
    for (const id of creditSystemAccountIds(role, 'CNY')) sum += await balance(id);
    return sum;
  };
  const balance = async (id: string) => {
    const account = await platform.service<LedgerModuleService>('ledger').ledger.getAccount(id);
    if (!account) return 0n;
    return postedBalance(account.type, account.balances);
  };
  const count = async (table: string) => {
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(`credit.${table}`)}`.execute(
      platform.context.db.kysely,
    );
    return Number(rows[0]?.n);
  };

  it('creates products and refuses pricing above the APR cap', async () => {
    const product = ok(await credit.createProduct(PRODUCT));
    ids.product = product.id;
    expect(product.aprCap).toBe('0.24');
    expect(Number(product.aprMax)).toBeGreaterThan(0.18);
    const greedy = await credit.createProduct({ ...PRODUCT, annualRateMax: '0.22', upfrontFeeRate: '0.03' });
    expect(greedy).toMatchObject({ ok: false, code: 'product_apr_exceeds_cap' });
    expect(await credit.createProduct({ ...PRODUCT, minAmount: '5000.00', maxAmount: '100.00' })).toMatchObject({
      ok: false,
      code: 'product_range_invalid',
    });
    expect(await credit.listProducts(10)).toHaveLength(1);
  });

  it('refuses bad applications with specific codes and stores nothing', async () => {
    const productId = ids.product as string;
    const good = applicationFor(productId);
    const minor = applicationFor(productId, { birth: '20100101' });
    expect(await credit.apply(minor)).toMatchObject({ ok: false, code: 'applicant_under_age', params: { age: 16 } });
    const badId = `${good.applicant.idNumber.slice(0, 17)}${good.applicant.idNumber.endsWith('1') ? '2' : '1'}`;
    expect(await credit.apply(applicationFor(productId, { idNumber: badId }))).toMatchObject({
      ok: false,
      code: 'id_number_check_digit',
    });
    expect(await credit.apply({ ...good, consent: { ...good.consent, granted: false } })).toMatchObject({
      ok: false,
      code: 'consent_missing',
    });
    expect(await credit.apply(applicationFor(productId, { amount: '500.00' }))).toMatchObject({
      ok: false,
      code: 'amount_out_of_range',
    });
    expect(await credit.apply({ ...good, termMonths: 48 })).toMatchObject({ ok: false, code: 'term_out_of_range' });
    expect(await credit.apply({ ...good, applicant: { ...good.applicant, phone: '12345' } })).toMatchObject({
      ok: false,
      code: 'phone_invalid',
    });
    expect(await count('applications')).toBe(0);
  });

  it('approves a good applicant with a limit, a capped risk-based rate and reasons, and replays byte for byte', async () => {
    const application = ok(await credit.apply(applicationFor(ids.product as string)));
    ids.application = application.id;
    const d = application.decision;
    expect(d.outcome).toBe('approve');
    expect(d.modelVersion).toMatch(/^sha256:/);
    expect(Number(d.pd)).toBeLessThan(0.08);
    expect(Number(d.apr)).toBeLessThanOrEqual(0.24);
    expect(Number(d.annualRate)).toBeGreaterThanOrEqual(0.08);
    expect(d.approvedAmountMinor).toBe('2000000');
    expect(d.reasons.length).toBeLessThanOrEqual(4);
    for (const r of d.reasons) expect(r.zh.length > 0 && r.en.length > 0).toBe(true);
    const replay = ok(await credit.replay(application.id));
    expect(replay.identical).toBe(true);
    // A tampered stored input no longer reproduces the decision.
    await sql`update credit.applications set inputs = jsonb_set(inputs, '{bureauScore}', '420') where id = ${application.id}::uuid`.execute(
      platform.context.db.kysely,
    );
    expect(ok(await credit.replay(application.id)).identical).toBe(false);
    await sql`update credit.applications set inputs = jsonb_set(inputs, '{bureauScore}', '790') where id = ${application.id}::uuid`.execute(
      platform.context.db.kysely,
    );
    expect(ok(await credit.replay(application.id)).identical).toBe(true);
  });

  it('disburses once through linked transfers: customer, fee income, loans receivable', async () => {
    const view = ok(
      await credit.accept({ applicationId: ids.application as string, customerAccountId: ids.li as string }),
    );
    ids.loan = view.loan.id;
    expect(view.loan.principalMinor).toBe(2_000_000n);
    expect(view.loan.upfrontFeeMinor).toBe(20_000n);
    expect(view.installments).toHaveLength(12);
    expect(view.installments.reduce((s, i) => s + i.principalMinor, 0n)).toBe(2_000_000n);
    expect(await balance(ids.li as string)).toBe(500_000n + 1_980_000n);
    expect(await systemBalance('fee_income')).toBe(20_000n);
    expect(await systemBalance('loans_receivable')).toBe(2_000_000n);
    const again = await credit.accept({
      applicationId: ids.application as string,
      customerAccountId: ids.li as string,
    });
    expect(again).toMatchObject({ ok: false, code: 'application_already_accepted' });
    expect(await balance(ids.li as string)).toBe(2_480_000n);
  });

  it('accrues daily interest idempotently per business date', async () => {
    clock.advance(10 * DAY_MS);
    const today = credit.today();
    const first = ok(await credit.accrue(today));
    expect(first).toMatchObject({ loans: 1, rows: 10 });
    const again = ok(await credit.accrue(today));
    expect(again).toMatchObject({ loans: 0, rows: 0 });
    const view = await credit.loan(ids.loan as string);
    expect(view?.loan.interestAccruedMinor).toBe(accruedInterestThrough(view?.installments ?? [], today));
    expect(first.interestMinor).toBe(view?.loan.interestAccruedMinor);
    expect(await count('accruals')).toBe(10);
    expect(await credit.accrue('2099-01-01')).toMatchObject({ ok: false, code: 'credit_date_invalid' });
  });

  it('counts days past due, buckets and penalty; a repayment pays penalty first; a payoff closes the loan', async () => {
    // The first installment fell due on 2026-02-10; 40 days later nothing has been paid.
    clock.set(Date.UTC(2026, 2, 22, 2, 0, 0));
    ok(await credit.accrue(credit.today()));
    let view = await credit.loan(ids.loan as string);
    expect(view?.loan.daysPastDue).toBe(40);
    expect(view?.bucket).toBe('M2');
    const penalty = view?.loan.penaltyOutstandingMinor ?? 0n;
    expect(penalty > 0n).toBe(true);
    const partial = ok(await credit.repay(ids.loan as string, penalty + 100n));
    expect(partial.repayment.penaltyMinor).toBe(penalty);
    expect(partial.repayment.feesMinor + partial.repayment.interestMinor + partial.repayment.principalMinor).toBe(100n);
    expect(partial.repayment.interestMinor).toBe(100n);
    view = await credit.loan(ids.loan as string);
    const payoff = view?.payoffMinor ?? 0n;
    expect(await credit.repay(ids.loan as string, payoff + 1n)).toMatchObject({
      ok: false,
      code: 'repayment_exceeds_due',
    });
    const full = ok(await credit.repay(ids.loan as string, payoff));
    expect(full.view.loan.status).toBe('closed');
    expect(full.view.loan.principalOutstandingMinor).toBe(0n);
    expect(await systemBalance('loans_receivable')).toBe(0n);
    const income = (await systemBalance('interest_income')) + (await systemBalance('penalty_income'));
    // What Li paid in total beyond the principal is the lender's interest and penalty income.
    expect(await balance(ids.li as string)).toBe(2_480_000n - 2_000_000n - income);
    expect(await credit.repay(ids.loan as string, 100n)).toMatchObject({ ok: false, code: 'loan_not_active' });
  });

  it('accrues exactly past installments paid on time (read as a settled sum, not row by row)', async () => {
    const zhao = applicationFor(ids.product as string, { birth: '19791111' });
    const application = ok(
      await credit.apply({ ...zhao, applicant: { ...zhao.applicant, name: '赵敏', phone: '13700002222' } }),
    );
    const loan = ok(await credit.accept({ applicationId: application.id, customerAccountId: ids.li as string })).loan;
    const first = (await credit.loan(loan.id))?.installments[0];
    if (!first) throw new Error('no schedule');
    clock.set(Date.parse(`${first.dueDate}T02:00:00Z`));
    ok(await credit.accrue(credit.today()));
    ok(await credit.repay(loan.id, first.principalMinor + first.interestMinor + first.feeMinor));
    clock.advance(20 * DAY_MS);
    ok(await credit.accrue(credit.today()));
    const view = await credit.loan(loan.id);
    expect(view?.loan.daysPastDue).toBe(0);
    expect(view?.loan.penaltyOutstandingMinor).toBe(0n);
    expect(view?.loan.interestAccruedMinor).toBe(accruedInterestThrough(view?.installments ?? [], credit.today()));
    const rows = await credit.accruals(loan.id);
    expect(rows.reduce((s, r) => s + r.interestMinor, 0n)).toBe(view?.loan.interestAccruedMinor);
  });

  it('writes off a loan only in M3+, moving the outstanding principal to losses', async () => {
    const productId = ids.product as string;
    const wang = applicationFor(productId, { birth: '19850620' });
    const application = ok(
      await credit.apply({ ...wang, applicant: { ...wang.applicant, name: '王伟', phone: '13900001111' } }),
    );
    expect(application.decision.outcome).toBe('approve');
    const loan = ok(await credit.accept({ applicationId: application.id, customerAccountId: ids.wang as string })).loan;
    expect(await credit.writeOff(loan.id)).toMatchObject({ ok: false, code: 'loan_write_off_not_allowed' });
    clock.advance(140 * DAY_MS);
    ok(await credit.accrue(credit.today()));
    const overdue = await credit.loan(loan.id);
    expect(overdue?.bucket).toBe('M3+');
    const receivableBefore = await systemBalance('loans_receivable');
    const written = ok(await credit.writeOff(loan.id));
    expect(written.loan.status).toBe('written_off');
    expect(await systemBalance('loan_losses')).toBe(loan.principalMinor);
    expect(await systemBalance('loans_receivable')).toBe(receivableBefore - loan.principalMinor);
  });
});
