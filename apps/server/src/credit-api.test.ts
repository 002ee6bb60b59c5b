// Proves the lending HTTP API in-process: products (a cap-breaking one refused), an application decided in one call with Idempotency-Key replay and conflict, specific problem+json codes for bad input with nothing stored (in zh-CN too), replay, acceptance with disbursement, a repayment, scopes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testBackends } from '@zhirong/db/testing';
import { creditModule } from '@zhirong/flows';
import { type CurrencyCode, formatId } from '@zhirong/kernel';
import { type LedgerModuleService, ledgerModule } from '@zhirong/ledger';
import type { Platform, ZhirongModule } from '@zhirong/platform';
import { makeResidentId } from '@zhirong/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { bearer, bootTestPlatform, testKey } from './test-support.ts';

const CNY = 'CNY' as CurrencyCode;

describe.each(testBackends())('lending HTTP API on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;
  let all: Record<string, string>;
  let reader: Record<string, string>;
  let customer = '';

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zhirong-credit-api-'));
    platform = await bootTestPlatform(backend, {
      env: { ZHIRONG_DATA_DIR: dataDir },
      modules: [ledgerModule, creditModule] as unknown as ZhirongModule<Record<string, never>>[],
    });
    app = await createApp(platform);
    all = bearer(await testKey(platform, ['admin']));
    reader = bearer(await testKey(platform, ['credit:read']));
    customer = platform.context.ids.uuid();
    await platform
      .service<LedgerModuleService>('ledger')
      .ledger.createAccounts([
        { id: customer, currency: CNY, type: 'liability', flags: ['debits_must_not_exceed_credits'] },
      ]);
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...all, ...headers }, payload: payload as object });
  const get = (url: string, headers: Record<string, string> = all) => app.inject({ method: 'GET', url, headers });
  let productId = '';
  const application = (overrides: Record<string, unknown> = {}) => ({
    productId,
    amount: '30000.00',
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
    ...overrides,
  });

  it('creates and lists products; refuses one whose pricing breaks the cap', async () => {
    const body = {
      name: 'Salary loan',
      currency: 'CNY',
      minAmount: '1000.00',
      maxAmount: '100000.00',
      minTermMonths: 6,
      maxTermMonths: 24,
      method: 'equal-principal',
      annualRateMin: '0.07',
      annualRateMax: '0.15',
    };
    const created = await post('/v1/credit/products', body);
    expect(created.statusCode, created.body).toBe(201);
    productId = created.json().id;
    expect(productId).toMatch(/^lpr_/);
    const capped = await post('/v1/credit/products', { ...body, annualRateMax: '0.30' });
    expect(capped.statusCode).toBe(422);
    expect(capped.json().code).toBe('product_apr_exceeds_cap');
    expect((await get('/v1/credit/products', reader)).json().data).toHaveLength(1);
  });

  it('decides an application in one call, replays it under its Idempotency-Key, and refuses bad input', async () => {
    const first = await post('/v1/credit/applications', application(), { 'idempotency-key': 'app-1' });
    expect(first.statusCode, first.body).toBe(201);
    const decided = first.json();
    expect(decided.decision.outcome).toBe('approve');
    expect(decided.applicant.idNumberMasked).toMatch(/^\*{14}/);
    const again = await post('/v1/credit/applications', application(), { 'idempotency-key': 'app-1' });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(decided);
    const conflict = await post('/v1/credit/applications', application({ amount: '1000.00' }), {
      'idempotency-key': 'app-1',
    });
    expect(conflict.statusCode).toBe(409);

    const minor = application();
    minor.applicant = {
      ...minor.applicant,
      idNumber: makeResidentId({ regionCode: '440305', birthDate: '20150101', sex: 'M' }, 7),
    };
    const refused = await post('/v1/credit/applications', minor, { 'accept-language': 'zh-CN' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'applicant_under_age' });
    expect(refused.json().title).toContain('年满 18 周岁');
    const noConsent = await post(
      '/v1/credit/applications',
      application({ consent: { granted: false, version: 'v1', grantedAt: '2026-01-01T00:00:00Z' } }),
    );
    expect(noConsent.json().code).toBe('consent_missing');
    const tooMuch = await post('/v1/credit/applications', application({ amount: '500000.00' }));
    expect(tooMuch.json().code).toBe('amount_out_of_range');
    expect((await get('/v1/credit/applications', reader)).json().data).toHaveLength(1);

    const replay = await post(`/v1/credit/applications/${decided.id}/replay`, {});
    expect(replay.json()).toMatchObject({ identical: true });
    const forbidden = await post('/v1/credit/applications', application(), reader);
    expect(forbidden.statusCode).toBe(403);

    const loan = await post('/v1/credit/loans', {
      applicationId: decided.id,
      customerAccountId: formatId('acc', customer),
    });
    expect(loan.statusCode, loan.body).toBe(201);
    const view = loan.json();
    expect(view).toMatchObject({ status: 'active', principal: '30000.00', bucket: 'current' });
    expect(view.installments).toHaveLength(12);
    const twice = await post('/v1/credit/loans', {
      applicationId: decided.id,
      customerAccountId: formatId('acc', customer),
    });
    expect(twice.json().code).toBe('application_already_accepted');
    const repaid = await post(
      `/v1/credit/loans/${view.id}/repayments`,
      { amount: '1000.00' },
      { 'idempotency-key': 'pay-1' },
    );
    expect(repaid.statusCode, repaid.body).toBe(201);
    expect(repaid.json().repayment.allocation.prepaidPrincipal).toBe('1000.00');
    expect((await get(`/v1/credit/loans/${view.id}`, reader)).json().principalOutstanding).toBe('29000.00');
  });
});
