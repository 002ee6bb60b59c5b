// Proves the webhooks HTTP API in-process on both databases: registering endpoints (secret shown once, Idempotency-Key replays and conflicts), listing and paging, changing, disabling and enabling, rotating secrets, deliveries and attempts with cursors, redelivery of dead deliveries, scopes, bilingual problem+json for bad input — and a ledger transfer arriving at a real receiver as a signed webhook.
import { testBackends } from '@zhirong/db/testing';
import { cryptoRng, formatId, IdGenerator, systemClock } from '@zhirong/kernel';
import { ledgerModule } from '@zhirong/ledger';
import type { Platform, ZhirongModule } from '@zhirong/platform';
import {
  SIGNATURE_HEADER,
  verifyWebhookSignature,
  type WebhooksModuleService,
  webhooksModule,
} from '@zhirong/webhooks';
import { TestReceiver } from '@zhirong/webhooks/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { bearer, bootTestPlatform, testKey } from './test-support.ts';

const ids = new IdGenerator(systemClock, cryptoRng);

describe.each(testBackends())('webhooks HTTP API on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;
  let receiver: TestReceiver;
  let writer: Record<string, string>;
  let reader: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    platform = await bootTestPlatform(backend, {
      env: {
        ZHIRONG_WEBHOOKS_ALLOW_HTTP: 'true',
        ZHIRONG_WEBHOOKS_ALLOWED_HOSTS: '127.0.0.1',
        ZHIRONG_WEBHOOKS_ATTEMPTS_MAX: '2',
        ZHIRONG_WEBHOOKS_SECRET_KEY: Buffer.alloc(32, 3).toString('base64'),
      },
      modules: [ledgerModule, webhooksModule] as unknown as ZhirongModule<Record<string, never>>[],
    });
    app = await createApp(platform);
    writer = bearer(await testKey(platform, ['webhooks:read', 'webhooks:write']));
    reader = bearer(await testKey(platform, ['webhooks:read']));
    admin = bearer(await testKey(platform, ['admin']));
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
    await receiver?.close();
  });

  const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url,
      headers: { ...writer, ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const get = (url: string, headers = reader) => app.inject({ method: 'GET', url, headers });
  const webhooks = () => platform.service<WebhooksModuleService>('webhooks').webhooks;

  async function register(body: Record<string, unknown> = {}) {
    const response = await post('/v1/webhooks/endpoints', {
      url: receiver.url(),
      eventTypes: ['partner.test.*'],
      ...body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  it('registers an endpoint and shows its secret only once', async () => {
    const created = await register({ description: 'settlement notices', eventTypes: ['payments.payment.*'] });
    expect(created).toMatchObject({
      url: receiver.url(),
      description: 'settlement notices',
      eventTypes: ['payments.payment.*'],
      status: 'active',
      previousSecretExpiresAt: null,
    });
    expect(created.id).toMatch(/^whe_/);
    expect(created.secret).toMatch(/^whsec_/);
    const shown = await get(`/v1/webhooks/endpoints/${created.id}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json().secret).toBeUndefined();
    expect(shown.body).not.toContain(created.secret);
    expect(shown.json()).toEqual({ ...created, secret: undefined });
  });

  it('replays a registration sent again with the same Idempotency-Key, and refuses the key for another body', async () => {
    const key = { 'idempotency-key': `reg-${ids.uuid()}` };
    const body = { url: receiver.url('/idem'), eventTypes: ['payments.>'] };
    const first = await post('/v1/webhooks/endpoints', body, key);
    expect(first.statusCode).toBe(201);
    const again = await post('/v1/webhooks/endpoints', body, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await post('/v1/webhooks/endpoints', { ...body, eventTypes: ['payments.payment.*'] }, key);
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('idempotency_key_reused');
    // Two concurrent requests with one key: one registers, the other waits for it and replays.
    const raceKey = { 'idempotency-key': `race-${ids.uuid()}` };
    const raceBody = { url: receiver.url('/race'), eventTypes: ['payments.>'] };
    const [a, b] = await Promise.all([
      post('/v1/webhooks/endpoints', raceBody, raceKey),
      post('/v1/webhooks/endpoints', raceBody, raceKey),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().id).toBe(b.json().id);
    expect([a.headers['idempotent-replayed'], b.headers['idempotent-replayed']].filter(Boolean)).toEqual(['true']);
    const bad = await post('/v1/webhooks/endpoints', body, { 'idempotency-key': 'has space' });
    expect(bad.json().code).toBe('idempotency_key_invalid');
    const list = (await get('/v1/webhooks/endpoints?limit=500')).json().data as { url: string }[];
    expect(list.filter((e) => e.url === body.url)).toHaveLength(1);
    expect(list.filter((e) => e.url === raceBody.url)).toHaveLength(1);
  });

  it('answers bad input with a specific problem in the asked language, and stores nothing', async () => {
    const before = (await get('/v1/webhooks/endpoints?limit=500')).json().data.length;
    const cases: [unknown, number, string][] = [
      [{ url: 'http://10.0.0.8/hooks', eventTypes: ['>'] }, 400, 'endpoint_url_forbidden'],
      [{ url: 'http://169.254.169.254/latest', eventTypes: ['>'] }, 400, 'endpoint_url_forbidden'],
      [{ url: 'https://user:pw@partner.example.com/', eventTypes: ['>'] }, 400, 'endpoint_url_invalid'],
      [{ url: 'partner.example.com', eventTypes: ['>'] }, 400, 'endpoint_url_invalid'],
      [{ url: 'https://partner.example.com/', eventTypes: ['Payments.*'] }, 400, 'event_type_pattern_invalid'],
      [{ url: 'https://partner.example.com/', eventTypes: [] }, 400, 'field_invalid'],
      [{ url: 'https://partner.example.com/' }, 400, 'field_required'],
      [{ url: 'https://partner.example.com/', eventTypes: ['>'], secret: 'mine' }, 400, 'field_unknown'],
    ];
    for (const [payload, status, code] of cases) {
      const response = await post('/v1/webhooks/endpoints', payload);
      expect({ status: response.statusCode, code: response.json().code }, JSON.stringify(payload)).toEqual({
        status,
        code,
      });
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const zh = await post(
      '/v1/webhooks/endpoints',
      { url: 'http://192.168.1.1/', eventTypes: ['>'] },
      {
        'accept-language': 'zh-CN',
      },
    );
    expect(zh.json().title).toContain('私有');
    expect(zh.json().title).toContain('192.168.1.1');
    expect((await get('/v1/webhooks/endpoints?limit=500')).json().data.length).toBe(before);
    expect((await get('/v1/webhooks/endpoints/whe_nope')).json().code).toBe('id_malformed');
    const missing = await get(`/v1/webhooks/endpoints/${formatId('whe', ids.uuid())}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('endpoint_not_found');
    expect((await get('/v1/webhooks/deliveries?cursor=bad')).json().code).toBe('cursor_malformed');
  });

  it('enforces the webhooks scopes', async () => {
    const denied = await post('/v1/webhooks/endpoints', { url: receiver.url(), eventTypes: ['>'] }, reader);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('forbidden_scope');
    const anonymous = await app.inject({ method: 'GET', url: '/v1/webhooks/endpoints' });
    expect(anonymous.statusCode).toBe(401);
    expect((await get('/v1/webhooks/deliveries', admin)).statusCode).toBe(200);
  });

  it('pages endpoints, changes, disables, enables and rotates the secret of one', async () => {
    for (let i = 0; i < 3; i++) await register({ url: receiver.url(`/page/${i}`) });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; nextCursor: string | null } = (
        await get(`/v1/webhooks/endpoints?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());

    const created = await register();
    const patched = await app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/endpoints/${created.id}`,
      headers: writer,
      payload: { eventTypes: ['payments.refund.created'], description: 'refunds feed' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ eventTypes: ['payments.refund.created'], description: 'refunds feed' });
    const emptyPatch = await app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/endpoints/${created.id}`,
      headers: writer,
      payload: {},
    });
    expect(emptyPatch.statusCode).toBe(400);

    expect((await post(`/v1/webhooks/endpoints/${created.id}/disable`)).json().status).toBe('disabled');
    expect(
      (await get('/v1/webhooks/endpoints?status=disabled&limit=500')).json().data.map((e: { id: string }) => e.id),
    ).toContain(created.id);
    expect((await post(`/v1/webhooks/endpoints/${created.id}/enable`)).json().status).toBe('active');

    const key = { 'idempotency-key': `rot-${ids.uuid()}` };
    const rotated = await post(
      `/v1/webhooks/endpoints/${created.id}/rotate-secret`,
      { previousSecretValidSeconds: 60 },
      key,
    );
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect(rotated.json().secret).not.toBe(created.secret);
    expect(rotated.json().previousSecretExpiresAt).not.toBeNull();
    // A retried rotation returns the same new secret instead of rotating twice.
    const retried = await post(
      `/v1/webhooks/endpoints/${created.id}/rotate-secret`,
      { previousSecretValidSeconds: 60 },
      key,
    );
    expect(retried.json().secret).toBe(rotated.json().secret);
    const tooLong = await post(`/v1/webhooks/endpoints/${created.id}/rotate-secret`, {
      previousSecretValidSeconds: 10_000_000,
    });
    expect(tooLong.statusCode).toBe(400);
  });

  it('delivers a ledger transfer to a real receiver; lists deliveries and attempts; redelivers a dead one', async () => {
    const endpoint = await register({ url: receiver.url('/ledger'), eventTypes: ['ledger.transfers.created'] });
    const writerLedger = bearer(await testKey(platform, ['ledger:read', 'ledger:write']));
    const account = async (type: string, flags: string[] = []) => {
      const r = await app.inject({
        method: 'POST',
        url: '/v1/ledger/accounts',
        headers: writerLedger,
        payload: { currency: 'CNY', type, flags },
      });
      return r.json().id as string;
    };
    const bank = await account('asset');
    const alice = await account('liability', ['debits_must_not_exceed_credits']);
    const transferId = ids.next('trf');
    const moved = await app.inject({
      method: 'POST',
      url: '/v1/ledger/transfers',
      headers: writerLedger,
      payload: { id: transferId, debitAccountId: bank, creditAccountId: alice, amount: '88.00', currency: 'CNY' },
    });
    expect(moved.statusCode).toBe(201);

    receiver.behave = () => ({ status: 500, body: 'down for maintenance' });
    // What the module's start() does, without its timers (the test drives the relay and the worker).
    const unsubscribe = platform.context.bus.subscribe('>', (event) =>
      webhooks()
        .recordEvent(event)
        .then(() => {}),
    );
    await platform.relay.drain();
    unsubscribe();
    expect((await webhooks().deliverDue()).claimed).toBe(1);
    const list = (await get(`/v1/webhooks/deliveries?endpointId=${endpoint.id}`)).json();
    expect(list.data).toHaveLength(1);
    const delivery = list.data[0];
    expect(delivery).toMatchObject({
      endpointId: endpoint.id,
      eventType: 'ledger.transfers.created',
      status: 'pending',
      attempts: 1,
      lastStatusCode: 500,
    });
    expect(delivery.id).toMatch(/^whd_/);
    expect(delivery.eventId).toMatch(/^evt_/);

    // Attempts run out (ZHIRONG_WEBHOOKS_ATTEMPTS_MAX=2): force the retry due now, then it dies.
    await platform.context.db.kysely
      .updateTable('webhooks.deliveries' as never)
      .set({ next_attempt_at: new Date(0) } as never)
      .execute();
    await webhooks().deliverDue();
    const dead = (await get(`/v1/webhooks/deliveries/${delivery.id}`)).json();
    expect(dead).toMatchObject({ status: 'dead', attempts: 2, nextAttemptAt: null });
    expect((await get(`/v1/webhooks/deliveries?status=dead&endpointId=${endpoint.id}`)).json().data).toHaveLength(1);

    const attempts = (await get(`/v1/webhooks/deliveries/${delivery.id}/attempts?limit=1`)).json();
    expect(attempts.data).toHaveLength(1);
    expect(attempts.data[0]).toMatchObject({
      number: 1,
      outcome: 'failed',
      statusCode: 500,
      responseBody: 'down for maintenance',
    });
    expect(attempts.nextCursor).not.toBeNull();
    const rest = (await get(`/v1/webhooks/deliveries/${delivery.id}/attempts?cursor=${attempts.nextCursor}`)).json();
    expect(rest.data.map((a: { number: number }) => a.number)).toEqual([2]);
    expect(rest.nextCursor).toBeNull();

    receiver.behave = () => ({ status: 200 });
    const redelivered = await post(`/v1/webhooks/deliveries/${delivery.id}/redeliver`);
    expect(redelivered.statusCode, redelivered.body).toBe(202);
    expect(redelivered.json()).toMatchObject({ status: 'pending', attemptsSinceRedelivery: 0, redeliveries: 1 });
    expect((await webhooks().deliverDue()).succeeded).toBe(1);
    expect((await get(`/v1/webhooks/deliveries/${delivery.id}`)).json()).toMatchObject({
      status: 'succeeded',
      attempts: 3,
    });

    const last = receiver.requests.at(-1);
    if (!last) throw new Error('no request');
    const body = JSON.parse(last.body);
    expect(body.type).toBe('ledger.transfers.created');
    expect(body.data).toMatchObject({ count: 1, transferIds: [expect.any(String)] });
    expect(
      verifyWebhookSignature({
        payload: last.body,
        header: last.headers[SIGNATURE_HEADER] as string,
        secret: endpoint.secret,
      }).ok,
    ).toBe(true);

    const unknown = await post(`/v1/webhooks/deliveries/${formatId('whd', ids.uuid())}/redeliver`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('delivery_not_found');
  });

  it('lists every route in the OpenAPI document', async () => {
    const doc = (await get('/openapi.json', admin)).json();
    for (const path of [
      '/v1/webhooks/endpoints',
      '/v1/webhooks/endpoints/{id}',
      '/v1/webhooks/endpoints/{id}/rotate-secret',
      '/v1/webhooks/deliveries',
      '/v1/webhooks/deliveries/{id}/attempts',
      '/v1/webhooks/deliveries/{id}/redeliver',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});
