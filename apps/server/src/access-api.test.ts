// Proves /v1/access over HTTP: admins create, list, read and revoke keys; the plaintext appears only in the create response; the hash never leaves the server.
import { testBackends } from '@zhirong/db/testing';
import type { Platform } from '@zhirong/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { bearer, bootTestPlatform, probeModule, testKey } from './test-support.ts';

describe.each(testBackends())('access API on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;
  let admin: string;

  beforeAll(async () => {
    platform = await bootTestPlatform(backend, { modules: [probeModule()] });
    app = await createApp(platform);
    admin = await testKey(platform, ['admin']);
  });

  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const post = (payload: unknown, key = admin) =>
    app.inject({ method: 'POST', url: '/v1/access/keys', headers: bearer(key), payload: payload as object });

  it('creates a key, returns its plaintext once with no-store, and the key works at once', async () => {
    const response = await post({ name: 'teller app', scopes: ['ledger:read', 'ledger:read'] });
    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body.key).toMatch(/^zrk_[0-9a-z]{26}_[A-Za-z0-9_-]{43}$/);
    expect(body.apiKey).toMatchObject({
      name: 'teller app',
      scopes: ['ledger:read'],
      status: 'active',
      expiresAt: null,
      revokedAt: null,
    });
    expect(body.apiKey.createdBy).toMatch(/^key_/);
    expect(Object.keys(body.apiKey).sort()).toEqual(
      ['createdAt', 'createdBy', 'expiresAt', 'id', 'name', 'revokedAt', 'revokedBy', 'scopes', 'status'].sort(),
    );
    expect((await app.inject({ url: '/v1/probe/read', headers: bearer(body.key) })).statusCode).toBe(200);

    const listed = await app.inject({ url: '/v1/access/keys?limit=500', headers: bearer(admin) });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(body.key.slice(31));
    expect(listed.body).not.toMatch(/sha256|digest|secret|"key"/i);
    expect(listed.json().items.map((k: { id: string }) => k.id)).toContain(body.apiKey.id);

    const one = await app.inject({ url: `/v1/access/keys/${body.apiKey.id}`, headers: bearer(admin) });
    expect(one.json()).toEqual(body.apiKey);
  });

  it('refuses unknown scopes, bad names and past expiry dates with their codes', async () => {
    const unknown = await post({ name: 'x', scopes: ['ledger:read', 'treasury:write'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'scope_unknown', scope: 'treasury:write' });
    const blank = await post({ name: '   ', scopes: ['ledger:read'] });
    expect(blank.json().code).toBe('api_key_name_invalid');
    const past = await post({ name: 'x', scopes: ['ledger:read'], expiresAt: '2000-01-01T00:00:00Z' });
    expect(past.json().code).toBe('api_key_expiry_invalid');
    const notADate = await post({ name: 'x', scopes: ['ledger:read'], expiresAt: 'tomorrow' });
    expect(notADate.json()).toMatchObject({ code: 'field_invalid', errors: [{ pointer: '/expiresAt' }] });
    const future = await post({ name: 'x', scopes: ['ledger:read'], expiresAt: '2999-01-01T00:00:00+08:00' });
    expect(future.statusCode).toBe(201);
    expect(future.json().apiKey.expiresAt).toBe('2998-12-31T16:00:00.000Z');
  });

  it('revokes a key (idempotently) and the key stops working immediately', async () => {
    const created = (await post({ name: 'temp', scopes: ['ledger:write'] })).json();
    const url = `/v1/access/keys/${created.apiKey.id}`;
    const revoked = await app.inject({ method: 'DELETE', url, headers: bearer(admin) });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ status: 'revoked', revokedBy: expect.stringMatching(/^key_/) });
    const again = await app.inject({ method: 'DELETE', url, headers: bearer(admin) });
    expect(again.json().revokedAt).toBe(revoked.json().revokedAt);
    const refused = await app.inject({ url: '/v1/probe/open', headers: bearer(created.key) });
    expect(refused.json().code).toBe('api_key_revoked');
  });

  it('answers unknown and malformed key ids, and protects the last admin key', async () => {
    const unknown = await app.inject({
      method: 'DELETE',
      url: '/v1/access/keys/key_01jd8x3r5m0e9bq2c7k4n6v1wz',
      headers: bearer(admin),
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('api_key_not_found');
    const malformed = await app.inject({
      url: '/v1/access/keys/acc_01jd8x3r5m0e9bq2c7k4n6v1wz',
      headers: bearer(admin),
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'field_invalid', errors: [{ pointer: '/id', location: 'params' }] });

    const own = `key_${admin.slice(4, 30)}`;
    const last = await app.inject({ method: 'DELETE', url: `/v1/access/keys/${own}`, headers: bearer(admin) });
    expect(last.statusCode).toBe(409);
    expect(last.json().code).toBe('api_key_last_admin');
  });

  it('pages with limit and cursor, and rejects a forged cursor', async () => {
    const first = (await app.inject({ url: '/v1/access/keys?limit=2', headers: bearer(admin) })).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toMatch(/^key_/);
    const second = (
      await app.inject({ url: `/v1/access/keys?limit=2&cursor=${first.nextCursor}`, headers: bearer(admin) })
    ).json();
    expect(second.items[0].id > first.items[1].id).toBe(true);
    const forged = await app.inject({ url: '/v1/access/keys?cursor=DROP', headers: bearer(admin) });
    expect(forged.json().code).toBe('api_key_cursor_invalid');
  });

  it('lists the known scopes, including those declared by modules', async () => {
    const response = await app.inject({ url: '/v1/access/scopes', headers: bearer(admin) });
    expect(response.json().items.map((s: { scope: string }) => s.scope)).toEqual([
      'admin',
      'ledger:read',
      'ledger:write',
    ]);
  });
});
