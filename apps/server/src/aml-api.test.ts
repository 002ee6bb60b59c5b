// Proves the AML screening HTTP API in-process on both databases: loading list versions (CSV and FollowTheMoney), listing versions, screening with scores and features, whitelisting a reviewed false positive, scopes, and bilingual problem+json for a missing column, an unknown list and a bad body.
import { amlModule } from '@zhirong/aml';
import { testBackends } from '@zhirong/db/testing';
import type { Platform, ZhirongModule } from '@zhirong/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { bearer, bootTestPlatform, testKey } from './test-support.ts';

describe.each(testBackends())('AML screening HTTP API on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;
  let writer: Record<string, string>;
  let screener: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    platform = await bootTestPlatform(backend, {
      modules: [amlModule] as unknown as ZhirongModule<Record<string, never>>[],
    });
    app = await createApp(platform);
    writer = bearer(await testKey(platform, ['aml:read', 'aml:write', 'aml:screen']));
    admin = bearer(await testKey(platform, ['admin']));
    screener = bearer(await testKey(platform, ['aml:screen']));
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const post = (url: string, payload: unknown, headers = writer) =>
    app.inject({ method: 'POST', url, headers, payload: payload as object });

  it('loads a list, screens names and honours the whitelist', async () => {
    const csv = ['full_name,date_of_birth,nationality', '张伟,1970-05-01,CN', 'Vladimir Putin,1952-10-07,RU'].join(
      '\n',
    );
    const loaded = await post('/v1/aml/lists', { name: 'un-sc', kind: 'sanctions', format: 'csv', content: csv });
    expect(loaded.statusCode, loaded.body).toBe(201);
    expect(loaded.json()).toMatchObject({ list: 'un-sc', version: 1, entryCount: 2, sourceFormat: 'csv' });

    const ftm = JSON.stringify({ id: 'Q1', schema: 'Person', properties: { name: ['Vladimir Putin'] } });
    const second = await post('/v1/aml/lists', { name: 'un-sc', kind: 'sanctions', format: 'ftm', content: ftm });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json()).toMatchObject({ version: 2, entryCount: 1 });
    const versions = await app.inject({ method: 'GET', url: '/v1/aml/lists/un-sc/versions', headers: writer });
    expect(versions.json().data.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    const third = await post('/v1/aml/lists', { name: 'un-sc', kind: 'sanctions', format: 'csv', content: csv });
    expect(third.json()).toMatchObject({ version: 3 });
    const screened = await post(
      '/v1/aml/screening',
      { list: 'un-sc', names: [{ fullName: 'Zhang Wei', dateOfBirth: '1970-05-01' }, { fullName: 'Jane Doe' }] },
      screener,
    );
    expect(screened.statusCode, screened.body).toBe(200);
    const body = screened.json();
    expect(body.version).toBe(3);
    expect(body.results.map((r: { match: number | null }) => r.match)).toEqual([0, null]);
    expect(body.results[0].explanation.tokens.length).toBe(2);

    const whitelisted = await post('/v1/aml/screening/whitelist', {
      list: 'un-sc',
      input: { fullName: 'Zhang Wei', dateOfBirth: '1970-05-01' },
      entry: 0,
      reviewer: 'analyst-1',
      reason: 'different person',
    });
    expect(whitelisted.statusCode, whitelisted.body).toBe(204);
    const again = await post('/v1/aml/screening', {
      list: 'un-sc',
      names: [{ fullName: 'ZHANG Wei', dateOfBirth: '1970-05-01' }],
    });
    expect(again.json().results[0].match).toBeNull();
  });

  it('answers problem+json for bad input and missing scopes', async () => {
    const noColumn = await post('/v1/aml/lists', { name: 'pep', kind: 'pep', format: 'csv', content: 'name\nX\n' });
    expect(noColumn.statusCode).toBe(422);
    expect(noColumn.headers['content-type']).toContain('application/problem+json');
    expect(noColumn.json().code).toBe('list_column_missing');
    const zh = await app.inject({
      method: 'POST',
      url: '/v1/aml/lists',
      headers: { ...writer, 'accept-language': 'zh-CN' },
      payload: { name: 'pep', kind: 'pep', format: 'csv', content: 'name\nX\n' },
    });
    expect(zh.json().title).toContain('缺少列');
    const unknown = await post('/v1/aml/screening', { list: 'nope', names: [{ fullName: 'X' }] });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('list_not_found');
    const badBody = await post('/v1/aml/screening', { list: 'un-sc', names: [], extra: 1 });
    expect(badBody.statusCode).toBe(400);
    const forbidden = await post(
      '/v1/aml/lists',
      { name: 'x', kind: 'pep', format: 'csv', content: 'full_name\nX' },
      screener,
    );
    expect(forbidden.statusCode).toBe(403);
  });

  it('lists every route in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json', headers: admin })).json();
    for (const path of [
      '/v1/aml/lists',
      '/v1/aml/lists/{name}/versions',
      '/v1/aml/screening',
      '/v1/aml/screening/whitelist',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});
