// Proves the lending servicing HTTP API in-process: an overdue loan in the collections queue by bucket with its amount due, assignment, notes and a promise (bad ones refused with codes), monitoring flags listed per loan and in an acknowledgeable queue, the portfolio report, and scopes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testBackends } from '@zhirong/db/testing';
import { creditModule } from '@zhirong/flows';
import { type CurrencyCode, formatId, ManualClock } from '@zhirong/kernel';
import { type LedgerModuleService, ledgerModule } from '@zhirong/ledger';
import type { Platform, ZhirongModule } from '@zhirong/platform';
import { makeResidentId } from '@zhirong/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { bearer, bootTestPlatform, testKey } from './test-support.ts';

const CNY = 'CNY' as CurrencyCode;
const DAY_MS = 86_400_000;

describe.each(testBackends())('lending servicing HTTP API on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;
  let all: Record<string, string>;
  let reader: Record<string, string>;
  let loanId = '';
  // 2026-03-01 10:00 in Shanghai.
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 2, 0, 0));

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zhirong-credit-servicing-api-'));
    platform = await bootTestPlatform(backend, {
      env: { ZHIRONG_DATA_DIR: dataDir },
      modules: [ledgerModule, creditModule] as unknown as ZhirongModule<Record<string, never>>[],
      clock,
    });
    app = await createApp(platform);
    all = bearer(await testKey(platform, ['admin']));
    reader = bearer(await testKey(platform, ['credit:read']));
    const customer = platform.context.ids.uuid();
    await platform
      .service<LedgerModuleService>('ledger')
      .ledger.createAccounts([
        { id: customer, currency: CNY, type: 'liability', flags: ['debits_must_not_exceed_credits'] },
      ]);
    const product = await post('/v1/credit/products', {
      name: 'Salary loan',
      currency: 'CNY',
      minAmount: '1000.00',
      maxAmount: '100000.00',
      minTermMonths: 6,
      maxTermMonths: 24,
      method: 'equal-principal',
      annualRateMin: '0.07',
      annualRateMax: '0.15',
    });
    const decided = await post('/v1/credit/applications', {
      productId: product.json().id,
      amount: '12000.00',
      termMonths: 12,
      applicant: {
        name: '张伟',
        idNumber: makeResidentId({ regionCode: '440305', birthDate: '19880808', sex: 'M' }, 7),
        phone: '13600001234',
        monthlyIncome: '30000.00',
        employment: { type: 'doctor', months: 96 },
      },
      external: { bureauScore: 800, inquiries6m: 0, existingLoans: 0, hasMortgage: true },
      consent: { granted: true, version: 'v1', grantedAt: '2026-01-01T00:00:00Z' },
    });
    expect(decided.json().decision.outcome).toBe('approve');
    const loan = await post('/v1/credit/loans', {
      applicationId: decided.json().id,
      customerAccountId: formatId('acc', customer),
    });
    expect(loan.statusCode, loan.body).toBe(201);
    loanId = loan.json().id;
    // The first installment (due 2026-04-01) is 40 days past due on 2026-05-11.
    clock.advance(71 * DAY_MS);
    expect((await post('/v1/credit/accruals', { businessDate: '2026-05-11' })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = all) =>
    app.inject({ method: 'POST', url, headers, payload: payload as object });
  const get = (url: string, headers: Record<string, string> = all) => app.inject({ method: 'GET', url, headers });

  it('lists the overdue loan in its bucket with the amount due', async () => {
    const queue = await get('/v1/credit/collections', reader);
    expect(queue.statusCode, queue.body).toBe(200);
    const [entry] = queue.json().data;
    expect(entry).toMatchObject({ loanId, bucket: 'M2', daysPastDue: 40, oldestDueDate: '2026-04-01' });
    // 等额本金 at band A's 7 %: installments 1 and 2 are due — 2 × 1,000.00 principal + 12,000.00 × 0.07 / 12
    // (70.00) + 11,000.00 × 0.07 / 12 (64.17) interest; the penalty on top.
    expect(entry.overdue).toBe('2134.17');
    expect(Number(entry.amountDue)).toBeCloseTo(2134.17 + Number(entry.penalty), 2);
    expect(Number(entry.penalty)).toBeGreaterThan(0);
    expect((await get('/v1/credit/collections?bucket=M1', reader)).json().data).toEqual([]);
    expect((await get('/v1/credit/collections?bucket=M2', reader)).json().data).toHaveLength(1);
    expect((await get('/v1/credit/collections?bucket=M9', reader)).statusCode).toBe(400);
  });

  it('assigns, notes and takes a promise; refuses bad ones and readers', async () => {
    const assigned = await post(`/v1/credit/collections/${loanId}/assignee`, { assignee: 'collector.li' });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().assignee).toBe('collector.li');
    const noted = await post(`/v1/credit/collections/${loanId}/notes`, { note: 'Called, no answer' });
    expect(noted.statusCode).toBe(201);
    const promised = await post(`/v1/credit/collections/${loanId}/promises`, { amount: '1200.00', date: '2026-05-15' });
    expect(promised.statusCode, promised.body).toBe(201);
    expect(promised.json().promise).toMatchObject({ amount: '1200.00', date: '2026-05-15', status: 'pending' });
    const late = await post(`/v1/credit/collections/${loanId}/promises`, { amount: '1200.00', date: '2026-05-01' });
    expect(late.statusCode).toBe(400);
    expect(late.json()).toMatchObject({ code: 'credit_input_invalid' });
    const badAmount = await post(`/v1/credit/collections/${loanId}/promises`, { amount: '1.234', date: '2026-05-15' });
    expect(badAmount.json().code).toBe('amount_too_precise');
    expect((await post(`/v1/credit/collections/${loanId}/notes`, { note: 'x' }, reader)).statusCode).toBe(403);
    expect((await post('/v1/credit/collections/lpr_bad/notes', { note: 'x' })).json().code).toBe('id_malformed');
    const history = await get(`/v1/credit/collections/${loanId}`, reader);
    expect(history.json().actions.map((a: { kind: string }) => a.kind)).toEqual(['promise', 'note', 'assign']);
    expect((await get('/v1/credit/collections?assignee=collector.li', reader)).json().data).toHaveLength(1);
  });

  it('flags missed payments once, lists them per loan and in the queue, and acknowledges them', async () => {
    const run = await post('/v1/credit/monitoring', {});
    expect(run.statusCode, run.body).toBe(200);
    // Installments 1 (2026-04-01) and 2 (2026-05-01) are unpaid; the balance never fell (no earlier history).
    expect(run.json().raised).toEqual({ missed_payment: 2, falling_balance: 0, risk_decision: 0 });
    expect((await post('/v1/credit/monitoring', {})).json().raised.missed_payment).toBe(0);
    const flags = (await get(`/v1/credit/loans/${loanId}/warnings`, reader)).json().data;
    expect(flags.map((f: { detail: { period: number } }) => f.detail.period).sort()).toEqual([1, 2]);
    expect(flags[0].id).toMatch(/^lew_/);
    const acked = await post(`/v1/credit/warnings/${flags[0].id}/acknowledge`, {});
    expect(acked.json().acknowledgedBy).toBeTruthy();
    expect((await get('/v1/credit/warnings', reader)).json().data).toHaveLength(1);
    const missing = await post(`/v1/credit/warnings/${formatId('lew', platform.context.ids.uuid())}/acknowledge`, {});
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('credit_warning_not_found');
  });

  it('reports the portfolio', async () => {
    const report = await get('/v1/credit/reports/portfolio?days=90', reader);
    expect(report.statusCode, report.body).toBe(200);
    const body = report.json();
    expect(body.asOf).toBe('2026-05-11');
    expect(body.bands).toEqual([expect.objectContaining({ applications: 1, approved: 1, loans: 1, bad: 0 })]);
    expect(body.vintages[0]).toMatchObject({ vintage: '2026-03', loans: 1 });
    expect(body.vintages[0].curve.at(-1)).toMatchObject({ mob: 2, bad: 1, rate: '1.0000' });
    expect((await get('/v1/credit/reports/portfolio?asOf=2030-01-01', reader)).json().code).toBe('credit_date_invalid');
  });
});
