// Proves the risk HTTP API in-process: decisions with reasons and features, idempotent by event id
// and 409 on a changed event; specific problem+json for bad input (in zh-CN too) and for rules that
// do not compile (with line and column); scopes; rulesets, lists, cases and models over HTTP.
import { testBackends } from '@zhirong/db/testing';
import type { Platform, ZhirongModule } from '@zhirong/platform';
import { riskModule } from '@zhirong/risk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { bearer, bootTestPlatform, testKey } from './test-support.ts';

describe.each(testBackends())('risk HTTP API on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;
  let all: Record<string, string>;
  let decider: Record<string, string>;

  beforeAll(async () => {
    platform = await bootTestPlatform(backend, {
      modules: [riskModule] as unknown as ZhirongModule<Record<string, never>>[],
    });
    app = await createApp(platform);
    platform.start();
    await platform.relay.stop();
    all = bearer(await testKey(platform, ['admin']));
    decider = bearer(await testKey(platform, ['risk:decide']));
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = all) =>
    app.inject({ method: 'POST', url, headers, payload: payload as object });
  const get = (url: string, headers: Record<string, string> = all) => app.inject({ method: 'GET', url, headers });
  const event = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    type: 'payment',
    subtype: 'p2p',
    customerId: 'cus_api',
    accountId: 'acc_api',
    deviceId: 'dev_api',
    payeeId: 'acc_payee',
    amount: '128.50',
    currency: 'CNY',
    ...extra,
  });

  it('decides, explains and stores; a repeated event id returns the stored decision; a changed one is 409', async () => {
    const first = await post('/v1/risk/decisions', event('api-1'), decider);
    expect(first.statusCode).toBe(201);
    const body = first.json();
    expect(body).toMatchObject({ eventId: 'api-1', decision: 'approve', versions: { rulesets: ['default@1'] } });
    expect(body.id).toMatch(/^rdc_/);
    expect(Object.keys(body.features).length).toBeGreaterThanOrEqual(40);
    expect(body.event.amount).toBe('128.50');
    const again = await post('/v1/risk/decisions', event('api-1'), decider);
    expect(again.json(), again.body).toMatchObject({ id: body.id });
    const changed = await post('/v1/risk/decisions', event('api-1', { amount: '999.00' }), decider);
    expect(changed.statusCode).toBe(409);
    expect(changed.headers['content-type']).toContain('application/problem+json');
    expect(changed.json().code).toBe('risk_event_conflict');
    expect((await get(`/v1/risk/decisions/${body.id}`)).json().id).toBe(body.id);
    // The decider may decide but not read.
    expect((await get(`/v1/risk/decisions/${body.id}`, decider)).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/v1/risk/decisions', payload: event('api-x') })).statusCode).toBe(
      401,
    );
  });

  it('answers bad input with a specific problem, in Chinese when asked', async () => {
    const bad = await post('/v1/risk/decisions', event('api-2', { amount: '12.345' }), {
      ...decider,
      'accept-language': 'zh-CN',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('amount_too_precise');
    expect(bad.json().title).toMatch(/[\u4e00-\u9fff]/);
    const noCurrency = await post('/v1/risk/decisions', event('api-3', { currency: undefined }), decider);
    expect(noCurrency.json().code).toBe('risk_event_invalid');
    const unknownType = await post('/v1/risk/decisions', event('api-4', { type: 'teleport' }), decider);
    expect(unknownType.statusCode).toBe(400);
    const badId = await get('/v1/risk/decisions/rdc_nope');
    expect(badId.json().code).toBe('id_malformed');
  });

  it('refuses a ruleset that does not compile, naming rule, line and column', async () => {
    const response = await post('/v1/risk/rulesets', {
      name: 'bad_rules',
      eventTypes: ['payment'],
      rules: [
        { id: 'r1', condition: 'amount >= 10 and\n  is_new_payee ==', action: 'review', reason: { en: 'x', zh: 'x' } },
      ],
    });
    expect(response.statusCode).toBe(422);
    const problem = response.json();
    expect(problem.code).toBe('rule_invalid');
    expect(problem.errors[0]).toMatchObject({ ruleId: 'r1', line: 2 });
    const check = await post('/v1/risk/rulesets/check', {
      rules: [{ id: 'r2', condition: 'channel + 1 > 2', action: 'review', reason: { en: 'x', zh: 'x' } }],
    });
    expect(check.json()).toMatchObject({ ok: false });
  });

  it('runs rulesets, lists and cases over HTTP', async () => {
    const created = await post('/v1/risk/rulesets', {
      name: 'api_review',
      eventTypes: ['payment'],
      rules: [{ id: 'big', condition: 'amount >= 10000', action: 'review', reason: { en: 'Large', zh: '大额' } }],
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await post(`/v1/risk/rulesets/${id}/promote`, { target: 'live' })).json().status).toBe('live');

    expect((await post('/v1/risk/lists', { name: 'vip', kind: 'allow', entityKind: 'customer' })).statusCode).toBe(201);
    expect((await post('/v1/risk/lists', { name: 'vip', kind: 'allow', entityKind: 'customer' })).json().code).toBe(
      'list_exists',
    );
    await post('/v1/risk/lists/vip/entries', { entries: [{ value: 'cus_vip', reason: 'private banking' }] });

    const vip = await post(
      '/v1/risk/decisions',
      event('api-5', { customerId: 'cus_vip', amount: '20000.00' }),
      decider,
    );
    expect(vip.json().decision).toBe('approve');
    expect(vip.json().reasons[0]).toMatchObject({ source: 'list', code: 'vip' });
    const held = await post('/v1/risk/decisions', event('api-6', { amount: '20000.00' }), decider);
    expect(held.json().decision).toBe('review');

    const queue = (await get('/v1/risk/cases?status=open')).json().items as { id: string; eventId: string }[];
    const open = queue.find((c) => c.eventId === 'api-6');
    expect(open?.id).toMatch(/^rcs_/);
    const viewed = await get(`/v1/risk/cases/${open?.id}`);
    expect(viewed.json().decision.eventId).toBe('api-6');
    const closed = await post(`/v1/risk/cases/${open?.id}/close`, { outcome: 'legitimate', note: 'customer called' });
    expect(closed.json()).toMatchObject({ status: 'closed', outcome: 'legitimate' });
    expect((await post(`/v1/risk/cases/${open?.id}/close`, { outcome: 'fraud' })).json().code).toBe('case_closed');

    const back = await post('/v1/risk/rulesets/rollback', { name: 'api_review' });
    expect(back.json().code).toBe('ruleset_no_previous');
    expect((await get('/v1/risk/features')).json().items.length).toBeGreaterThanOrEqual(40);
    expect((await get('/v1/risk/models')).json().items).toEqual([]);
  });
});
