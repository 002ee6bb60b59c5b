// Proves the AML cases, reports and KYC HTTP API in-process on both databases: onboarding screens and rates a customer, a list upload under an Idempotency-Key loads once, a hit's case is viewed (recorded), attached to and decided suspicious, its report generated, downloaded, validated and submitted; the large-value report of a day; scopes and problem+json.
import { amlModule } from '@zhirong/aml';
import { testBackends } from '@zhirong/db/testing';
import type { Platform, ZhirongModule } from '@zhirong/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { bearer, bootTestPlatform, testKey } from './test-support.ts';

describe.each(testBackends())('AML cases and reports HTTP API on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;
  let officer: Record<string, string>;
  let screenerOnly: Record<string, string>;

  beforeAll(async () => {
    platform = await bootTestPlatform(backend, {
      modules: [amlModule] as unknown as ZhirongModule<Record<string, never>>[],
    });
    app = await createApp(platform);
    officer = bearer(await testKey(platform, ['aml:write', 'aml:cases', 'aml:reports', 'aml:kyc']));
    screenerOnly = bearer(await testKey(platform, ['aml:screen']));
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const send = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers = officer) =>
    app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('runs onboarding → hit → case → suspicious report → submission', async () => {
    const list = {
      name: 'un-sc',
      kind: 'sanctions',
      format: 'csv',
      content: 'full_name,date_of_birth\n张伟,1970-05-01\n',
    };
    const keyed = { ...officer, 'idempotency-key': 'list-upload-1' };
    const first = await send('POST', '/v1/aml/lists', list, keyed);
    expect(first.statusCode, first.body).toBe(201);
    const retry = await send('POST', '/v1/aml/lists', list, keyed);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    const reused = await send('POST', '/v1/aml/lists', { ...list, name: 'other' }, keyed);
    expect(reused.statusCode).toBe(409);

    const onboard = await send('PUT', '/v1/aml/kyc/customers/cus-1', {
      customerType: 'personal',
      fullName: 'Zhang Wei',
      dateOfBirth: '1970-05-01',
      country: 'CN',
      products: ['current_account'],
      pep: false,
    });
    expect(onboard.statusCode, onboard.body).toBe(200);
    const body = onboard.json();
    expect(body.screening.hits).toBe(1);
    expect(body.rating).toMatchObject({ rating: 'medium', reasons: [{ code: 'open_screening_hit' }] });
    const caseId = body.screening.cases[0].id as string;
    expect(caseId).toMatch(/^amc_/);

    const inbox = await send('GET', '/v1/aml/cases?status=open&subjectKind=screening_hit');
    expect(inbox.json().items.map((c: { id: string }) => c.id)).toEqual([caseId]);
    const viewed = await send('GET', `/v1/aml/cases/${caseId}`);
    expect(viewed.json().trail.map((e: { action: string }) => e.action)).toEqual(['opened', 'viewed']);

    const attached = await send('POST', `/v1/aml/cases/${caseId}/attachments`, {
      fileName: 'note.txt',
      contentType: 'text/plain',
      contentBase64: Buffer.from('same person').toString('base64'),
    });
    expect(attached.statusCode, attached.body).toBe(201);
    const file = await send('GET', `/v1/aml/cases/${caseId}/attachments/${attached.json().id}`);
    expect(file.body).toBe('same person');
    expect(file.headers['x-content-sha256']).toBe(attached.json().sha256);

    const decided = await send('POST', `/v1/aml/cases/${caseId}/decision`, {
      decision: 'suspicious',
      reason: 'Confirmed sanctions match.',
    });
    expect(decided.json()).toMatchObject({ status: 'closed', decision: 'suspicious' });
    const rating = await send('GET', '/v1/aml/kyc/customers/cus-1');
    expect(rating.json().rating).toMatchObject({ rating: 'high', trigger: 'case_decided' });

    const generated = await send('POST', '/v1/aml/reports/suspicious', { caseId });
    expect(generated.statusCode, generated.body).toBe(201);
    const reportId = generated.json().id as string;
    expect(generated.json()).toMatchObject({ kind: 'suspicious', caseId, validationErrors: [] });
    const xml = await send('GET', `/v1/aml/reports/${reportId}/file?format=xml`);
    expect(xml.headers['content-type']).toContain('application/xml');
    expect(xml.body).toContain('<Reason>Confirmed sanctions match.</Reason>');
    expect((await send('POST', `/v1/aml/reports/${reportId}/validation`)).json()).toEqual({ xml: [], csv: [] });
    const submitted = await send('POST', `/v1/aml/reports/${reportId}/submission`, { format: 'xml', reference: 'R-1' });
    expect(submitted.json()).toMatchObject({ status: 'submitted', submissionReference: 'R-1' });
  });

  it('records transactions and generates the large-value report of a day', async () => {
    const recorded = await send('POST', '/v1/aml/reports/transactions', {
      transactions: [
        {
          id: 'x1',
          customerId: 'cus-2',
          customerType: 'personal',
          channel: 'cash',
          region: 'domestic',
          direction: 'in',
          amount: '30000',
          currency: 'CNY',
          occurredAt: '2026-06-01T01:00:00Z',
        },
        {
          id: 'x2',
          customerId: 'cus-2',
          customerType: 'personal',
          channel: 'cash',
          region: 'domestic',
          direction: 'in',
          amount: '20000.00',
          currency: 'CNY',
          occurredAt: '2026-06-01T02:00:00Z',
        },
      ],
    });
    expect(recorded.json()).toEqual({ recorded: 2, duplicates: 0 });
    const aggregates = await send('GET', '/v1/aml/reports/aggregates?date=2026-06-01');
    expect(aggregates.json().items).toMatchObject([{ customerId: 'cus-2', total: '50000.00', reportable: true }]);
    const report = await send('POST', '/v1/aml/reports/large-value', { date: '2026-06-01' });
    expect(report.statusCode, report.body).toBe(201);
    expect(report.json()).toMatchObject({ kind: 'large_value', entryCount: 1, dueAt: '2026-06-08T16:00:00.000Z' });
    const csv = await send('GET', `/v1/aml/reports/${report.json().id}/file?format=csv`);
    expect(csv.body.split('\r\n')[0]).toContain('report_id,kind,institution_code');
    const bad = await send('POST', '/v1/aml/reports/large-value', { date: '2026-02-30' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('report_date_invalid');
  });

  it('keeps cases and reports behind their scopes', async () => {
    expect((await send('GET', '/v1/aml/cases', undefined, screenerOnly)).statusCode).toBe(403);
    expect((await send('GET', '/v1/aml/reports', undefined, screenerOnly)).statusCode).toBe(403);
    const missing = await send('GET', '/v1/aml/cases/amc_0000000000000000000000000a');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('aml_case_not_found');
  });
});
