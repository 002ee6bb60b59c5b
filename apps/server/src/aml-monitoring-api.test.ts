// Proves the AML monitoring HTTP API in-process on both databases: scenario versions (draft, live, rollback), bilingual problem+json for bad parameters, an unknown alert and a bad transition, and alerts listed with filters and paging after transactions are ingested.
import { type AmlModuleService, amlModule } from '@zhirong/aml';
import { testBackends } from '@zhirong/db/testing';
import type { Platform, ZhirongModule } from '@zhirong/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { bearer, bootTestPlatform, testKey } from './test-support.ts';

describe.each(testBackends())('AML monitoring HTTP API on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;
  let writer: Record<string, string>;
  let reader: Record<string, string>;

  beforeAll(async () => {
    platform = await bootTestPlatform(backend, {
      modules: [amlModule] as unknown as ZhirongModule<Record<string, never>>[],
    });
    app = await createApp(platform);
    writer = bearer(await testKey(platform, ['aml:read', 'aml:write']));
    reader = bearer(await testKey(platform, ['aml:read']));
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const post = (url: string, payload: unknown, headers = writer) =>
    app.inject({ method: 'POST', url, headers, payload: payload as object });
  const get = (url: string, headers = reader) => app.inject({ method: 'GET', url, headers });

  it('versions a scenario draft → live and rolls back; bad input gets its code', async () => {
    const list = await get('/v1/aml/scenarios');
    expect(list.statusCode, list.body).toBe(200);
    const fanOut = list.json().data.find((v: { scenario: string }) => v.scenario === 'fan_out');
    expect(fanOut).toMatchObject({
      version: 1,
      status: 'live',
      params: { counterpartiesMin: 5, eachMinMinor: '300000' },
    });

    const draft = await post('/v1/aml/scenarios/fan_out/versions', { params: { counterpartiesMin: 7 } });
    expect(draft.statusCode, draft.body).toBe(201);
    expect(draft.json()).toMatchObject({ version: 2, status: 'draft', params: { counterpartiesMin: 7 } });
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/aml/scenarios/fan_out/versions',
      headers: { ...writer, 'accept-language': 'zh-CN' },
      payload: { params: { eachMinMinor: 12 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'scenario_params_invalid' });
    expect(bad.json().detail ?? bad.json().title).toMatch(/参数/);
    expect((await post('/v1/aml/scenarios/fan_out/versions', { params: {} }, reader)).statusCode).toBe(403);

    const live = await post('/v1/aml/scenarios/fan_out/versions/2/status', { status: 'live' });
    expect(live.statusCode, live.body).toBe(200);
    const again = await post('/v1/aml/scenarios/fan_out/versions/1/status', { status: 'live' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'scenario_transition_invalid' });
    const back = await post('/v1/aml/scenarios/fan_out/rollback', {});
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ version: 1, status: 'live' });
  });

  it('lists ingested alerts with filters and a cursor, and shows one', async () => {
    const { monitoring } = platform.service<AmlModuleService>('aml');
    const t0 = Date.UTC(2026, 3, 1);
    for (const hub of ['H1', 'H2']) {
      const txs = [{ id: `${hub}-in`, from: 'EXT', to: hub, amountMinor: 30_000_000n, currency: 'CNY', atMs: t0 }];
      for (let i = 0; i < 6; i++) {
        txs.push({
          id: `${hub}-${i}`,
          from: hub,
          to: `${hub}R${i}`,
          amountMinor: 3_000_000n,
          currency: 'CNY',
          atMs: t0 + (i + 1) * 3_600_000,
        });
      }
      await monitoring.ingest(txs);
    }
    const first = await get('/v1/aml/alerts?limit=1');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().data).toHaveLength(1);
    const next = first.json().next as string;
    const second = await get(`/v1/aml/alerts?limit=1&cursor=${next}`);
    expect(second.json().data).toHaveLength(1);
    expect(second.json().next).toBeNull();
    const byParty = await get('/v1/aml/alerts?party=H2R3');
    expect(byParty.json().data.map((a: { focus: string }) => a.focus)).toEqual(['H2']);
    const one = await get(`/v1/aml/alerts/${byParty.json().data[0].id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ scenario: 'fan_out', mode: 'live', status: 'open' });
    expect(one.json().transactionIds).toEqual(['H2-in', 'H2-0', 'H2-1', 'H2-2', 'H2-3', 'H2-4', 'H2-5']);
    const missing = await get('/v1/aml/alerts/00000000-0000-7000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'alert_not_found' });
  });
});
