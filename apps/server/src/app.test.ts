// Proves the HTTP edge: only health is public, keys and scopes are enforced on every other route, every failure is problem+json in en or zh-CN with a stable code, and docs, metrics and request ids work.
import { testBackends } from '@zhirong/db/testing';
import { ManualClock } from '@zhirong/kernel/testing';
import type { Platform } from '@zhirong/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { bearer, bootTestPlatform, probeModule, testKey } from './test-support.ts';

const PROBLEM_JSON = /^application\/problem\+json/;

describe.each(testBackends())('server app on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;
  let admin: string;
  let reader: string;
  let writer: string;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));

  beforeAll(async () => {
    platform = await bootTestPlatform(backend, {
      env: { ZHIRONG_BODY_LIMIT_BYTES: '2048' },
      modules: [probeModule()],
      clock,
    });
    app = await createApp(platform);
    admin = await testKey(platform, ['admin']);
    reader = await testKey(platform, ['ledger:read']);
    writer = await testKey(platform, ['ledger:write']);
  });

  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  describe('authentication', () => {
    const guarded = [
      ['GET', '/v1/access/keys'],
      ['POST', '/v1/access/keys'],
      ['DELETE', '/v1/access/keys/key_01jd8x3r5m0e9bq2c7k4n6v1wz'],
      ['GET', '/v1/probe/open'],
      ['GET', '/metrics'],
      ['GET', '/openapi.json'],
      ['GET', '/docs'],
      ['GET', '/docs/static/swagger-ui.css'],
      ['GET', '/v1/no/such/route'],
      ['POST', '/no/such/route'],
    ] as const;

    it('lets anyone reach /healthz and /readyz, even with a bad key', async () => {
      for (const url of ['/healthz', '/readyz']) {
        const response = await app.inject({ url, headers: bearer('zrk_wrong') });
        expect(response.statusCode, url).toBe(200);
      }
      expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
      expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    });

    it.each(guarded)('refuses %s %s without a key (401 unauthenticated)', async (method, url) => {
      const response = await app.inject({ method, url });
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.json().code).toBe('unauthenticated');
    });

    it.each(guarded)('refuses %s %s with a wrong key (401 api_key_invalid)', async (method, url) => {
      const wrongSecret = `${admin.slice(0, 31)}${admin[31] === 'A' ? 'B' : 'A'}${admin.slice(32)}`;
      for (const headers of [bearer('zrk_not_a_key'), bearer(wrongSecret), { 'x-api-key': wrongSecret }]) {
        const response = await app.inject({ method, url, headers });
        expect(response.statusCode).toBe(401);
        expect(response.json().code).toBe('api_key_invalid');
      }
    });

    it('refuses a key without the route scope (403 forbidden_scope), admin passes every scope', async () => {
      for (const [url, key] of [
        ['/v1/access/keys', reader],
        ['/metrics', writer],
        ['/v1/probe/read', writer],
      ] as const) {
        const response = await app.inject({ url, headers: bearer(key) });
        expect(response.statusCode, url).toBe(403);
        expect(response.json()).toMatchObject({ code: 'forbidden_scope', status: 403 });
      }
      expect((await app.inject({ url: '/v1/probe/read', headers: bearer(reader) })).statusCode).toBe(200);
      expect((await app.inject({ url: '/v1/probe/read', headers: bearer(admin) })).statusCode).toBe(200);
    });

    it('accepts a key with no particular scope on routes that declare none, by either header', async () => {
      expect((await app.inject({ url: '/v1/probe/open', headers: bearer(reader) })).statusCode).toBe(200);
      expect((await app.inject({ url: '/v1/probe/open', headers: { 'x-api-key': reader } })).statusCode).toBe(200);
      expect(
        (await app.inject({ url: '/v1/probe/open', headers: { authorization: `bearer  ${reader}` } })).statusCode,
      ).toBe(200);
      const principal = await app.inject({ url: '/v1/probe/read', headers: bearer(reader) });
      expect(principal.json().keyId).toMatch(/^key_/);
    });

    it('says api_key_expired and api_key_revoked for keys that were once good', async () => {
      const expiring = await testKey(platform, ['ledger:read'], { expiresAt: new Date(clock.nowMs() + 60_000) });
      expect((await app.inject({ url: '/v1/probe/open', headers: bearer(expiring) })).statusCode).toBe(200);
      clock.advance(60_000);
      const expired = await app.inject({ url: '/v1/probe/open', headers: bearer(expiring) });
      expect(expired.statusCode).toBe(401);
      expect(expired.json().code).toBe('api_key_expired');

      const doomed = await testKey(platform, ['ledger:read']);
      const id = `key_${doomed.slice(4, 30)}`;
      expect(
        (await app.inject({ method: 'DELETE', url: `/v1/access/keys/${id}`, headers: bearer(admin) })).statusCode,
      ).toBe(200);
      const revoked = await app.inject({ url: '/v1/probe/open', headers: bearer(doomed) });
      expect(revoked.statusCode).toBe(401);
      expect(revoked.json().code).toBe('api_key_revoked');
    });
  });

  describe('problem details', () => {
    it('renders RFC 9457 members, with the title in the language asked for', async () => {
      const en = await app.inject({ url: '/v1/access/keys', headers: { 'accept-language': 'en-US,en;q=0.9' } });
      const zh = await app.inject({
        url: '/v1/access/keys',
        headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' },
      });
      for (const response of [en, zh]) {
        const body = response.json();
        expect(body).toMatchObject({
          type: 'https://zhirong.dev/problems/unauthenticated',
          status: 401,
          code: 'unauthenticated',
          instance: response.headers['x-request-id'],
        });
        expect(typeof body.title).toBe('string');
      }
      expect(en.json().title).toMatch(/^Credentials are required/);
      expect(zh.json().title).toMatch(/^需要身份凭证/);
    });

    it('answers malformed JSON with 400 json_malformed, not a crash', async () => {
      for (const payload of ['{"name": ', '{"name": "x",}', 'nope', '{"__proto__": {"x": 1}}']) {
        const response = await app.inject({
          method: 'POST',
          url: '/v1/probe/amount',
          headers: { ...bearer(writer), 'content-type': 'application/json' },
          payload,
        });
        expect(response.statusCode, payload).toBe(400);
        expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
        expect(response.json().code).toBe('json_malformed');
      }
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    });

    it('rejects a number where a string is required instead of coercing it, naming the field', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/probe/amount',
        headers: bearer(writer),
        payload: { amount: 5 },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'field_type_invalid',
        detail: expect.stringContaining('/amount'),
        errors: [{ pointer: '/amount', location: 'body', code: 'field_type_invalid' }],
      });
      const ok = await app.inject({
        method: 'POST',
        url: '/v1/probe/amount',
        headers: bearer(writer),
        payload: { amount: '5.00' },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ amount: '5.00' });
    });

    it('maps each validation failure to its own code and JSON pointer', async () => {
      const cases = [
        [{ amount: '1', extra: true }, 'field_unknown', '/extra'],
        [{ amount: '1', nested: { count: 1, sneaky: 1 } }, 'field_unknown', '/nested/sneaky'],
        [{ currency: 'CNY' }, 'field_required', '/amount'],
        [{ amount: '1', nested: { count: '1' } }, 'field_type_invalid', '/nested/count'],
        [{ amount: '1e5' }, 'field_invalid', '/amount'],
        [{ amount: '1', currency: 'CNYX' }, 'field_invalid', '/currency'],
        [{ amount: '1', nested: { count: -1 } }, 'field_invalid', '/nested/count'],
        [['1'], 'field_type_invalid', ''],
      ] as const;
      for (const [payload, code, pointer] of cases) {
        const response = await app.inject({
          method: 'POST',
          url: '/v1/probe/amount',
          headers: bearer(writer),
          payload,
        });
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(response.json().code, JSON.stringify(payload)).toBe(code);
        expect(response.json().errors[0].pointer, JSON.stringify(payload)).toBe(pointer);
      }
    });

    it('coerces query strings but still validates them', async () => {
      const ok = await app.inject({ url: '/v1/access/keys?limit=1', headers: bearer(admin) });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().items).toHaveLength(1);
      const bad = await app.inject({ url: '/v1/access/keys?limit=abc', headers: bearer(admin) });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({
        code: 'field_type_invalid',
        errors: [{ pointer: '/limit', location: 'querystring' }],
      });
      const big = await app.inject({ url: '/v1/access/keys?limit=501', headers: bearer(admin) });
      expect(big.json().code).toBe('field_invalid');
      const extra = await app.inject({ url: '/v1/access/keys?limt=5', headers: bearer(admin) });
      expect(extra.json()).toMatchObject({
        code: 'field_unknown',
        errors: [{ pointer: '/limt', location: 'querystring' }],
      });
    });

    it('answers an empty body, a foreign content type and an oversized body with their codes', async () => {
      const headers = bearer(writer);
      const missing = await app.inject({ method: 'POST', url: '/v1/probe/amount', headers });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().code).toBe('body_empty');
      const empty = await app.inject({
        method: 'POST',
        url: '/v1/probe/amount',
        headers: { ...headers, 'content-type': 'application/json' },
      });
      expect(empty.json().code).toBe('body_empty');
      const text = await app.inject({
        method: 'POST',
        url: '/v1/probe/amount',
        headers: { ...headers, 'content-type': 'text/plain' },
        payload: 'amount=5',
      });
      expect(text.statusCode).toBe(415);
      expect(text.json().code).toBe('content_type_unsupported');
      const large = await app.inject({
        method: 'POST',
        url: '/v1/probe/amount',
        headers,
        payload: { amount: '1', currency: 'x'.repeat(4096) },
      });
      expect(large.statusCode).toBe(413);
      expect(large.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(large.json().code).toBe('body_too_large');
    });

    it('answers an unknown route with 404 route_not_found', async () => {
      const response = await app.inject({ url: '/v1/nothing/here?x=1', headers: bearer(reader) });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(response.json()).toMatchObject({ code: 'route_not_found', detail: 'GET /v1/nothing/here' });
      const wrongMethod = await app.inject({ method: 'PATCH', url: '/v1/access/keys', headers: bearer(admin) });
      expect(wrongMethod.json().code).toBe('route_not_found');
    });

    it('answers a crash with 500 internal_error and keeps the message and stack to itself', async () => {
      const response = await app.inject({
        url: '/v1/probe/boom',
        headers: { ...bearer(reader), 'accept-language': 'zh-CN' },
      });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toMatchObject({ code: 'internal_error', title: expect.stringMatching(/服务器内部错误/) });
      expect(response.body).not.toMatch(/hunter2|at .*\.ts/);
    });
  });

  describe('edges', () => {
    it('echoes a well-formed X-Request-Id and replaces anything else with a req_ id', async () => {
      const kept = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'lb-7f3a:01' } });
      expect(kept.headers['x-request-id']).toBe('lb-7f3a:01');
      for (const bad of ['x'.repeat(129), 'has space', '<script>', '']) {
        const replaced = await app.inject({ url: '/healthz', headers: { 'x-request-id': bad } });
        expect(replaced.headers['x-request-id'], bad).toMatch(/^req_[0-9a-z]{26}$/);
      }
      const failed = await app.inject({ url: '/v1/access/keys', headers: { 'x-request-id': 'trace-42' } });
      expect(failed.headers['x-request-id']).toBe('trace-42');
      expect(failed.json().instance).toBe('trace-42');
    });

    it('serialises bigint as a decimal string instead of crashing', async () => {
      const response = await app.inject({ url: '/v1/probe/bigint', headers: bearer(reader) });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ amountMinor: '12345678901234567890', nested: ['1'] });
    });

    it('sets the helmet security headers', async () => {
      const response = await app.inject({ url: '/healthz' });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    });

    it('publishes a valid OpenAPI 3.1 document listing the module routes and their scopes', async () => {
      const response = await app.inject({ url: '/openapi.json', headers: bearer(reader) });
      expect(response.statusCode).toBe(200);
      const doc = response.json();
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info).toMatchObject({ title: 'Zhirong API', version: expect.any(String) });
      expect(doc.components.securitySchemes).toEqual({
        bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
        apiKeyHeader: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
      });
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/v1/access/keys', '/v1/access/keys/{id}', '/healthz', '/readyz', '/metrics']),
      );
      expect(doc.paths['/v1/access/keys'].post.security).toEqual([
        { bearerAuth: ['admin'] },
        { apiKeyHeader: ['admin'] },
      ]);
      expect(doc.paths['/healthz'].get.security).toEqual([]);
      expect(doc.paths['/openapi.json']).toBeUndefined();
      // Every operation has responses and every path parameter is declared.
      for (const [path, item] of Object.entries<
        Record<string, { responses?: unknown; parameters?: { name: string; in: string }[] }>
      >(doc.paths)) {
        for (const operation of Object.values(item)) {
          expect(operation.responses, path).toBeDefined();
          for (const name of path.match(/\{(\w+)\}/g) ?? []) {
            expect(
              operation.parameters?.some((p) => p.in === 'path' && `{${p.name}}` === name),
              `${path} ${name}`,
            ).toBe(true);
          }
        }
      }
    });

    it('serves the Swagger UI at /docs to any valid key', async () => {
      const response = await app.inject({ url: '/docs', headers: bearer(reader) });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/text\/html/);
      expect(response.body).toContain('swagger-ui');
    });

    it('serves Prometheus metrics to admin keys, with request durations by route template', async () => {
      await app.inject({ url: '/v1/probe/read', headers: bearer(reader) });
      const response = await app.inject({ url: '/metrics', headers: bearer(admin) });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body).toMatch(
        /http_request_duration_seconds_bucket\{[^}]*method="GET",route="\/v1\/probe\/read",status_code="200"/,
      );
      expect(response.body).toMatch(/route="\/v1\/access\/keys\/:id"/);
      expect(response.body).toContain('zhirong_process_cpu_user_seconds_total');
    });
  });
});

describe.each(testBackends())('readiness on %s', (backend) => {
  it('answers /readyz with 503 not_ready once the database is gone', async () => {
    const platform = await bootTestPlatform(backend);
    const app = await createApp(platform, { readinessTimeoutMs: 500 });
    try {
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
      await platform.context.db.close();
      const response = await app.inject({ url: '/readyz', headers: { 'accept-language': 'zh-CN' } });
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(response.json()).toMatchObject({ code: 'not_ready', status: 503, title: '服务尚未就绪' });
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
