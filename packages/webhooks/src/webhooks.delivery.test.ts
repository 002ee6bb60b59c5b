// Proves webhook delivery end to end against a real local HTTP receiver on both databases: fan-out by event type (once per event and endpoint), signed requests the receiver verifies, retries with backoff through failures and timeouts until the receiver recovers, dead-lettering after N attempts, redelivery, disabled endpoints holding deliveries, secret rotation, encryption at rest, SSRF refusal at connect time, and several workers never sending a delivery twice.

import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestDatabase } from '@zhirong/db/testing';
import { testBackends } from '@zhirong/db/testing';
import { formatId, ManualClock } from '@zhirong/kernel';
import type { DomainEvent } from '@zhirong/platform';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from './signature.ts';
import { openTestWebhooks, openWebhooksTestDatabase, TestReceiver, truncateWebhooks } from './testing.ts';
import { DELIVERY_PREFIX, EVENT_PREFIX } from './webhook.ts';
import * as repo from './webhooks.repository.ts';

type Harness = Awaited<ReturnType<typeof openTestWebhooks>>;

const BACKOFF = { baseMs: 10_000, capMs: 600_000 };

describe.each(testBackends())('webhook delivery on %s', (backend) => {
  let receiver: TestReceiver;
  let database: TestDatabase;
  let h: Harness;
  let clock: ManualClock;
  const cleanups: (() => Promise<void>)[] = [];

  // One database for the suite, emptied before each test: opening a database costs more than a test.
  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    database = await openWebhooksTestDatabase(backend);
  });
  afterAll(async () => {
    await receiver?.close();
    await database?.close();
  });
  afterEach(async () => {
    receiver.requests.length = 0;
    receiver.behave = () => ({ status: 200, body: 'ok' });
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open(options: Parameters<typeof openTestWebhooks>[1] = {}) {
    clock = new ManualClock(Date.UTC(2026, 0, 1));
    await truncateWebhooks(database);
    h = await openTestWebhooks(backend, { clock, backoff: BACKOFF, db: database, ...options });
    cleanups.push(() => h.close());
    return h;
  }

  let eventSeq = 0;
  function event(topic: string, payload?: unknown): DomainEvent {
    eventSeq += 1;
    return { id: h.ids.uuid(), topic, key: 'k1', payload: payload ?? { n: eventSeq }, occurredAt: clock.now() };
  }

  async function endpoint(eventTypes: string[], url = receiver.url()) {
    const created = await h.service.createEndpoint({ url, eventTypes });
    if (!created.ok) throw new Error(created.code);
    return created.value;
  }

  /** Moves the clock past the delivery's next attempt. */
  async function advancePastNextAttempt(deliveryId: string) {
    const d = await h.service.getDelivery(deliveryId);
    if (!d) throw new Error('no delivery');
    clock.set(Math.max(clock.nowMs(), d.nextAttemptAt.getTime()));
  }

  it('fans an event out to the matching endpoints once, however often it is published', async () => {
    await open();
    const payments = await endpoint(['payments.payment.*']);
    const everything = await endpoint(['>']);
    const ledger = await endpoint(['ledger.transfers.created', 'ledger.account.*']);
    const e1 = event('payments.payment.settled');
    expect(await h.service.recordEvent(e1)).toBe(2);
    expect(await h.service.recordEvent(e1)).toBe(0); // the bus delivers at least once
    expect(await h.service.recordEvent(event('payments.payment.refund.created'))).toBe(1); // `*` is one level
    expect(await h.service.recordEvent(event('ledger.transfers.created'))).toBe(2);
    const deliveries = await h.service.listDeliveries({ limit: 50 });
    expect(deliveries).toHaveLength(5);
    const byEndpoint = (id: string) => deliveries.filter((d) => d.endpointId === id).map((d) => d.eventType);
    expect(byEndpoint(payments.endpoint.id)).toEqual(['payments.payment.settled']);
    expect(byEndpoint(ledger.endpoint.id)).toEqual(['ledger.transfers.created']);
    expect(byEndpoint(everything.endpoint.id).sort()).toEqual([
      'ledger.transfers.created',
      'payments.payment.refund.created',
      'payments.payment.settled',
    ]);
    // An event no (active) endpoint wants is not stored at all.
    await h.service.setEndpointStatus(everything.endpoint.id, 'disabled');
    expect(await h.service.recordEvent(event('risk.decision.made'))).toBe(0);
    expect(await h.service.recordEvent(event('payments.refund'))).toBe(0);
    expect(await h.service.recordEvent({ ...event('payments.payment.settled'), id: 'not-a-uuid' })).toBe(0);
    const { rows } = await sql<{ n: bigint }>`select count(*)::bigint as n from webhooks.events`.execute(h.db.kysely);
    expect(rows[0]?.n).toBe(3n);
  });

  it('POSTs the event signed; the receiver verifies it, and the attempt is recorded', async () => {
    await open();
    const { endpoint: ep, secret } = await endpoint(['ledger.>']);
    const e = event('ledger.transfers.created', { count: 2, transferIds: ['a', 'b'], amountMinor: 150000n });
    await h.service.recordEvent(e);
    expect(await h.service.deliverDue()).toEqual({ claimed: 1, succeeded: 1, retrying: 0, dead: 0 });
    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0];
    if (!request) throw new Error('no request');
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers[EVENT_ID_HEADER]).toBe(formatId(EVENT_PREFIX, e.id));
    expect(request.headers['zhirong-event-type']).toBe('ledger.transfers.created');
    expect(request.headers['zhirong-delivery-attempt']).toBe('1');
    expect(JSON.parse(request.body)).toEqual({
      id: formatId(EVENT_PREFIX, e.id),
      type: 'ledger.transfers.created',
      createdAt: '2026-01-01T00:00:00.000Z',
      key: 'k1',
      data: { count: 2, transferIds: ['a', 'b'], amountMinor: '150000' },
    });
    const header = request.headers[SIGNATURE_HEADER] as string;
    expect(verifyWebhookSignature({ payload: request.body, header, secret, clock }).ok).toBe(true);
    expect(verifyWebhookSignature({ payload: `${request.body.slice(0, -1)} }`, header, secret, clock })).toMatchObject({
      code: 'signature_mismatch',
    });
    clock.advance(5 * 60 * 1000 + 1000);
    expect(verifyWebhookSignature({ payload: request.body, header, secret, clock })).toMatchObject({
      code: 'timestamp_outside_tolerance',
    });

    const [delivery] = await h.service.listDeliveries({ limit: 10, endpointId: ep.id });
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200, lastError: null });
    expect(request.headers['zhirong-delivery-id']).toBe(formatId(DELIVERY_PREFIX, delivery?.id ?? ''));
    const attempts = await h.service.listAttempts({ deliveryId: delivery?.id ?? '', limit: 10 });
    expect(attempts).toEqual([
      expect.objectContaining({ number: 1, outcome: 'succeeded', statusCode: 200, error: null, responseBody: 'ok' }),
    ]);
    expect(attempts[0]?.latencyMs).toBeGreaterThanOrEqual(0);
    // Nothing is due any more.
    expect((await h.service.deliverDue()).claimed).toBe(0);
  });

  it('retries a failing receiver with backoff until it recovers, recording each attempt', async () => {
    await open();
    await endpoint(['orders.>']);
    await h.service.recordEvent(event('orders.order.created'));
    const bigError = 'E'.repeat(5000);
    receiver.behave = () => ({ status: 500, body: bigError });

    expect(await h.service.deliverDue()).toMatchObject({ claimed: 1, retrying: 1 });
    const [first] = await h.service.listDeliveries({ limit: 1 });
    if (!first) throw new Error('no delivery');
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500 });
    expect(first.lastError).toContain('500');
    // Full jitter: the first retry waits within [0, base].
    const wait1 = first.nextAttemptAt.getTime() - clock.nowMs();
    expect(wait1).toBeGreaterThanOrEqual(0);
    expect(wait1).toBeLessThanOrEqual(BACKOFF.baseMs);
    if (wait1 > 0) expect((await h.service.deliverDue()).claimed).toBe(0); // not due yet

    await advancePastNextAttempt(first.id);
    expect(await h.service.deliverDue()).toMatchObject({ claimed: 1, retrying: 1 });
    const second = await h.service.getDelivery(first.id);
    const wait2 = (second?.nextAttemptAt.getTime() ?? 0) - clock.nowMs();
    expect(wait2).toBeLessThanOrEqual(2 * BACKOFF.baseMs);

    receiver.behave = () => ({ status: 204 });
    await advancePastNextAttempt(first.id);
    expect(await h.service.deliverDue()).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(await h.service.getDelivery(first.id)).toMatchObject({ status: 'succeeded', attempts: 3 });
    const attempts = await h.service.listAttempts({ deliveryId: first.id, limit: 10 });
    expect(attempts.map((a) => [a.number, a.statusCode, a.outcome])).toEqual([
      [1, 500, 'failed'],
      [2, 500, 'failed'],
      [3, 204, 'succeeded'],
    ]);
    expect(attempts[0]?.responseBody).toBe('E'.repeat(2048)); // truncated for the record
    // The same event id and the same body on every attempt; the attempt header counts up.
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
    expect(receiver.requests.map((r) => r.headers['zhirong-delivery-attempt'])).toEqual(['1', '2', '3']);
  });

  it('gives up on a receiver that does not answer within the timeout, and delivers once it answers', async () => {
    await open({ timeoutMs: 250 });
    await endpoint(['orders.>']);
    await h.service.recordEvent(event('orders.order.created'));
    receiver.behave = () => 'hang';
    expect(await h.service.deliverDue()).toMatchObject({ claimed: 1, retrying: 1 });
    const [delivery] = await h.service.listDeliveries({ limit: 1 });
    if (!delivery) throw new Error('no delivery');
    expect(delivery.lastError).toMatch(/^timeout: /);
    expect(delivery.lastStatusCode).toBeNull();
    receiver.behave = () => ({ status: 200 });
    await advancePastNextAttempt(delivery.id);
    expect(await h.service.deliverDue()).toMatchObject({ succeeded: 1 });
  });

  it('records a refused connection as a failed attempt', async () => {
    await open();
    const closed = await new TestReceiver().start();
    const url = closed.url();
    await closed.close();
    await endpoint(['orders.>'], url);
    await h.service.recordEvent(event('orders.order.created'));
    expect(await h.service.deliverDue()).toMatchObject({ retrying: 1 });
    const [delivery] = await h.service.listDeliveries({ limit: 1 });
    expect(delivery?.lastError).toMatch(/^connection_refused: /);
  });

  it('marks a delivery dead after N failed attempts, and redelivers it on request', async () => {
    await open({ attemptsMax: 3 });
    await endpoint(['orders.>']);
    await h.service.recordEvent(event('orders.order.created'));
    receiver.behave = () => ({ status: 503 });
    const [delivery] = await h.service.listDeliveries({ limit: 1 });
    if (!delivery) throw new Error('no delivery');
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      await advancePastNextAttempt(delivery.id);
      await h.service.deliverDue();
      statuses.push((await h.service.getDelivery(delivery.id))?.status ?? '?');
    }
    expect(statuses).toEqual(['pending', 'pending', 'dead']);
    const dead = await h.service.getDelivery(delivery.id);
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, cycleAttempts: 3, lastStatusCode: 503 });
    expect(dead?.deadAt).toEqual(clock.now());
    clock.advance(24 * 60 * 60 * 1000);
    expect((await h.service.deliverDue()).claimed).toBe(0); // dead stays dead
    expect((await h.service.listDeliveries({ limit: 10, status: 'dead' })).map((d) => d.id)).toEqual([delivery.id]);

    receiver.behave = () => ({ status: 200 });
    const requeued = await h.service.redeliver(delivery.id);
    expect(requeued).toMatchObject({
      ok: true,
      value: { status: 'pending', cycleAttempts: 0, redeliveries: 1, deadAt: null },
    });
    expect(await h.service.deliverDue()).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(await h.service.getDelivery(delivery.id)).toMatchObject({ status: 'succeeded', attempts: 4 });
    // A succeeded delivery can be sent again too (a receiver that lost it).
    expect((await h.service.redeliver(delivery.id)).ok).toBe(true);
    expect(await h.service.deliverDue()).toMatchObject({ succeeded: 1 });
    expect(receiver.requests).toHaveLength(5);
    expect(await h.service.redeliver(h.ids.uuid())).toMatchObject({ ok: false, code: 'delivery_not_found' });
  });

  it('holds the deliveries of a disabled endpoint until it is enabled, and refuses to redeliver to it', async () => {
    await open();
    const { endpoint: ep } = await endpoint(['orders.>']);
    await h.service.recordEvent(event('orders.order.created'));
    await h.service.setEndpointStatus(ep.id, 'disabled');
    expect((await h.service.deliverDue()).claimed).toBe(0);
    const [held] = await h.service.listDeliveries({ limit: 1 });
    expect(held).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await h.service.redeliver(held?.id ?? '')).toMatchObject({ ok: false, code: 'endpoint_disabled' });
    await h.service.setEndpointStatus(ep.id, 'active');
    expect(await h.service.deliverDue()).toMatchObject({ succeeded: 1 });
  });

  it('signs with both secrets while a rotation overlaps, then with the new one only', async () => {
    await open();
    const { endpoint: ep, secret: oldSecret } = await endpoint(['orders.>']);
    const rotated = await h.service.rotateSecret(ep.id, { previousSecretValidSeconds: 3600 });
    if (!rotated.ok) throw new Error(rotated.code);
    const newSecret = rotated.value.secret;
    expect(newSecret).not.toBe(oldSecret);
    expect(newSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(rotated.value.endpoint.previousSecretExpiresAt).toEqual(new Date(clock.nowMs() + 3_600_000));

    await h.service.recordEvent(event('orders.order.created'));
    await h.service.deliverDue();
    const during = receiver.requests.at(-1);
    if (!during) throw new Error('no request');
    const header = during.headers[SIGNATURE_HEADER] as string;
    expect(header.match(/v1=/g)).toHaveLength(2);
    for (const secret of [oldSecret, newSecret]) {
      expect(verifyWebhookSignature({ payload: during.body, header, secret, clock }).ok).toBe(true);
    }

    clock.advance(3_600_001);
    await h.service.recordEvent(event('orders.order.created'));
    await h.service.deliverDue();
    const after = receiver.requests.at(-1);
    if (!after) throw new Error('no request');
    const afterHeader = after.headers[SIGNATURE_HEADER] as string;
    expect(afterHeader.match(/v1=/g)).toHaveLength(1);
    expect(verifyWebhookSignature({ payload: after.body, header: afterHeader, secret: newSecret, clock }).ok).toBe(
      true,
    );
    expect(verifyWebhookSignature({ payload: after.body, header: afterHeader, secret: oldSecret, clock }).ok).toBe(
      false,
    );
    expect(await h.service.rotateSecret(h.ids.uuid())).toMatchObject({ ok: false, code: 'endpoint_not_found' });
  });

  it('encrypts signing secrets at rest when a key is configured, and still signs with them', async () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    await open({ secretKey: key });
    const { secret } = await endpoint(['orders.>']);
    const { rows } = await sql<{ secret_sealed: string }>`select secret_sealed from webhooks.endpoints`.execute(
      h.db.kysely,
    );
    expect(rows[0]?.secret_sealed).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(rows[0]?.secret_sealed).not.toContain(secret.slice('whsec_'.length));
    await h.service.recordEvent(event('orders.order.created'));
    await h.service.deliverDue();
    const request = receiver.requests.at(-1);
    expect(
      verifyWebhookSignature({
        payload: request?.body ?? '',
        header: request?.headers[SIGNATURE_HEADER] as string,
        secret,
        clock,
      }).ok,
    ).toBe(true);
  });

  it('refuses, at connect time, a host name that resolves to a private address; allows it when listed', async () => {
    const resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    await open({ allowedHosts: [], resolver });
    await endpoint(['orders.>'], `http://partner.example:${receiver.port}/hooks`);
    await h.service.recordEvent(event('orders.order.created'));
    expect(await h.service.deliverDue()).toMatchObject({ retrying: 1 });
    const [refused] = await h.service.listDeliveries({ limit: 1 });
    expect(refused?.lastError).toMatch(/^address_forbidden: /);
    expect(receiver.requests).toHaveLength(0);
    expect(await h.service.createEndpoint({ url: receiver.url(), eventTypes: ['>'] })).toMatchObject({
      ok: false,
      code: 'endpoint_url_forbidden',
    });

    const allowed = await openTestWebhooks(backend, {
      clock,
      resolver,
      allowedHosts: ['partner.example'],
      db: database,
    });
    cleanups.push(() => allowed.close());
    // The same endpoint, its delivery redelivered through a service whose policy lists the name.
    const [refusedDelivery] = await allowed.service.listDeliveries({ limit: 1 });
    expect((await allowed.service.redeliver(refusedDelivery?.id ?? '')).ok).toBe(true);
    expect(await allowed.service.deliverDue()).toMatchObject({ succeeded: 1 });
    expect(receiver.requests[0]?.headers.host).toBe(`partner.example:${receiver.port}`);
  });

  it('speaks TLS to https endpoints and refuses a certificate it cannot trust', async () => {
    const resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    await open({ allowHttp: false, allowedHosts: ['partner.example'], resolver });
    const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
    let reached = 0;
    const tls = createHttpsServer(
      { key: fixture('test-only-partner.key.pem'), cert: fixture('test-only-partner.cert.pem') },
      (_req, res) => {
        reached += 1;
        res.end('ok');
      },
    );
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      tls.closeAllConnections();
      await new Promise((resolve) => tls.close(resolve));
    });
    const port = (tls.address() as AddressInfo).port;
    await endpoint(['orders.>'], `https://partner.example:${port}/hooks`);
    await h.service.recordEvent(event('orders.order.created'));
    expect(await h.service.deliverDue()).toMatchObject({ retrying: 1 });
    const [delivery] = await h.service.listDeliveries({ limit: 1 });
    expect(delivery?.lastError).toMatch(/^tls_failed: /);
    expect(reached).toBe(0);
  });

  it('validates endpoints: URL policy and event-type patterns', async () => {
    await open({ allowHttp: false });
    expect(await h.service.createEndpoint({ url: receiver.url(), eventTypes: ['>'] })).toMatchObject({
      code: 'endpoint_url_insecure',
    });
    for (const pattern of ['', 'Ledger.x', 'ledger..x', 'ledger.*.x', 'ledger.>.x', '.ledger', 'ledger.']) {
      expect(
        await h.service.createEndpoint({ url: 'https://partner.example.com/h', eventTypes: [pattern] }),
      ).toMatchObject({ code: 'event_type_pattern_invalid' });
    }
    expect(await h.service.createEndpoint({ url: 'https://partner.example.com/h', eventTypes: [] })).toMatchObject({
      code: 'event_type_pattern_invalid',
    });
    expect(
      await h.service.createEndpoint({
        url: 'https://partner.example.com/h',
        eventTypes: ['>'],
        description: 'x'.repeat(501),
      }),
    ).toMatchObject({ code: 'endpoint_description_too_long' });
    expect(await h.service.listEndpoints({ limit: 10 })).toEqual([]);
  });

  it('gives each due delivery to exactly one of several concurrent workers', async () => {
    await open({ batchMax: 4 });
    const other = await openTestWebhooks(backend, { clock, db: h.db, batchMax: 4 });
    cleanups.push(() => other.close());
    await endpoint(['orders.>']);
    await endpoint(['orders.order.*']);
    for (let i = 0; i < 15; i++) await h.service.recordEvent(event('orders.order.created'));
    let passes = 0;
    for (;;) {
      const reports = await Promise.all([
        h.service.deliverDue(),
        other.service.deliverDue(),
        h.service.deliverDue(),
        other.service.deliverDue(),
      ]);
      passes += 1;
      if (reports.every((r) => r.claimed === 0) || passes > 20) break;
    }
    const deliveryIds = receiver.requests.map((r) => r.headers['zhirong-delivery-id']);
    expect(deliveryIds).toHaveLength(30);
    expect(new Set(deliveryIds).size).toBe(30);
    expect(await h.service.listDeliveries({ limit: 100, status: 'succeeded' })).toHaveLength(30);
  });

  it('lets another worker retake a delivery whose worker died mid-attempt, and ignores the late write', async () => {
    await open({ timeoutMs: 1000 });
    await endpoint(['orders.>']);
    await h.service.recordEvent(event('orders.order.created'));
    // A worker claims the delivery and dies before writing anything.
    const token = h.ids.uuid();
    const lease = { now: clock.now(), leaseUntil: new Date(clock.nowMs() + 31_000), token, limit: 10 };
    const [claimed] = await repo.claimDue(h.db.kysely, lease);
    if (!claimed) throw new Error('nothing claimed');
    expect((await h.service.deliverDue()).claimed).toBe(0); // held by the lease
    clock.advance(31_000);
    expect(await h.service.deliverDue()).toMatchObject({ claimed: 1, succeeded: 1 });
    // The dead worker comes back and writes its outcome: recorded as an attempt, state untouched.
    const kept = await repo.recordAttempts(h.db.kysely, {
      token,
      now: clock.now(),
      attempts: [
        {
          attemptId: h.ids.uuid(),
          deliveryId: claimed.id,
          number: 1,
          startedAt: clock.now(),
          latencyMs: 1,
          statusCode: 500,
          error: 'http_status: 500',
          responseBody: '',
          status: 'pending',
          nextAttemptAt: clock.now(),
        },
      ],
    });
    expect(kept.size).toBe(0);
    expect(await h.service.getDelivery(claimed.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(await h.service.listAttempts({ deliveryId: claimed.id, limit: 10 })).toHaveLength(2);
  });

  it('runs work once per Idempotency-Key, replays it sealed, refuses another request, and forgets keys after a day', async () => {
    await open({ secretKey: Buffer.alloc(32, 5).toString('base64') });
    const request = { principal: 'key_a', key: 'k-1', fingerprint: 'POST /v1/webhooks/endpoints {"a":1}' };
    let runs = 0;
    const work = async () => {
      runs += 1;
      return { statusCode: 201, body: { secret: 'whsec_visible_once', runs } };
    };
    expect(await h.service.idempotent(request, work)).toEqual({
      ok: true,
      value: { statusCode: 201, body: { secret: 'whsec_visible_once', runs: 1 }, replayed: false },
    });
    expect(await h.service.idempotent(request, work)).toEqual({
      ok: true,
      value: { statusCode: 201, body: { secret: 'whsec_visible_once', runs: 1 }, replayed: true },
    });
    expect(await h.service.idempotent({ ...request, principal: 'key_b' }, work)).toMatchObject({
      value: { replayed: false },
    });
    expect(await h.service.idempotent({ ...request, fingerprint: 'other' }, work)).toMatchObject({
      ok: false,
      code: 'idempotency_key_reused',
    });
    const { rows } = await sql<{
      response_sealed: string;
    }>`select response_sealed from webhooks.idempotency_keys`.execute(h.db.kysely);
    for (const row of rows) expect(row.response_sealed).not.toContain('whsec_visible_once');
    expect(runs).toBe(2);
    clock.advance(24 * 60 * 60 * 1000 + 1);
    expect(await h.service.sweepIdempotencyKeys()).toBe(2);
    expect(await h.service.idempotent({ ...request, fingerprint: 'other' }, work)).toMatchObject({ ok: true });
  });

  it('pages deliveries newest first and attempts oldest first', async () => {
    await open();
    await endpoint(['orders.>']);
    for (let i = 0; i < 5; i++) {
      await h.service.recordEvent(event('orders.order.created'));
      clock.advance(1);
    }
    const all = await h.service.listDeliveries({ limit: 10 });
    expect(all.map((d) => d.createdAt.getTime())).toEqual([...all.map((d) => d.createdAt.getTime())].sort().reverse());
    const firstPage = await h.service.listDeliveries({ limit: 2 });
    const secondPage = await h.service.listDeliveries({ limit: 2, beforeId: firstPage.at(-1)?.id ?? '' });
    expect([...firstPage, ...secondPage].map((d) => d.id)).toEqual(all.slice(0, 4).map((d) => d.id));
  });
});
