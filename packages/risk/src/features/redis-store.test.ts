// Proves the Redis feature store, against the real Redis on 127.0.0.1:6379, gives exactly the memory store's features for the same simulated events (also with the per-key entry cap biting), peeks without writing, is idempotent, rejects late events atomically, rebuilds to the same features, and gives every key a TTL under its own prefix.
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RiskEvent } from '../event.ts';
import { FeatureStoreError } from './errors.ts';
import { MemoryFeatureStore } from './memory-store.ts';
import { RedisFeatureStore } from './redis-store.ts';
import { LONGEST_WINDOW_MS } from './series.ts';
import { type LabelledRiskEvent, simulatedRiskEvents } from './testing.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';

async function connect(): Promise<Redis | null> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch {
    redis.disconnect();
    return null;
  }
}

const redis = await connect();
if (!redis)
  process.stderr.write(
    `redis-store.test.ts: Redis at ${REDIS_URL} does not answer; the Redis feature store tests are skipped.\n`,
  );
// A unique prefix per run, so parallel runs never share keys (tests may read the clock; domain code may not).
const runPrefix = `test:risk:features:${process.pid}:${Date.now().toString(36)}`;

describe.skipIf(!redis)('RedisFeatureStore (real Redis)', () => {
  const client = redis as Redis;
  const stores: RedisFeatureStore[] = [];
  const open = (name: string, options: { entriesPerKeyMax?: number } = {}) => {
    const store = new RedisFeatureStore(client, { keyPrefix: `${runPrefix}:${name}`, ...options });
    stores.push(store);
    return store;
  };
  let events: LabelledRiskEvent[] = [];

  beforeAll(async () => {
    events = (await simulatedRiskEvents({ customers: 120, days: 8, seed: 3 })).slice(0, 2000);
  });

  afterAll(async () => {
    for (const store of stores) await store.clear();
    const left = await client.keys(`${runPrefix}:*`);
    await client.quit();
    expect(left).toEqual([]);
  });

  it('gives the memory store’s features, event for event, on 2,000 simulated events', async () => {
    expect(events.length).toBe(2000);
    const memory = new MemoryFeatureStore();
    const store = open('same');
    // All in flight at once: one connection keeps the order, and Redis runs the scripts one by one.
    const fromRedis = await Promise.all(events.map(({ event }) => store.observe(event)));
    const fromMemory = events.map(({ event }) => memory.observeNow(event));
    expect(fromRedis.length).toBe(events.length);
    for (let i = 0; i < events.length; i++) expect(fromRedis[i]).toEqual(fromMemory[i]);
  });

  it('stays equal when the per-key entry cap evicts entries', async () => {
    const memory = new MemoryFeatureStore({ entriesPerKeyMax: 5 });
    const store = open('capped', { entriesPerKeyMax: 5 });
    const slice = events.slice(0, 500);
    const fromRedis = await Promise.all(slice.map(({ event }) => store.observe(event)));
    slice.forEach(({ event }, i) => {
      expect(fromRedis[i]).toEqual(memory.observeNow(event));
    });
    expect(memory.stats().entriesEvicted).toBeGreaterThan(0);
  });

  it('peeks without writing, answers a repeated id with the first vector, rejects late events atomically', async () => {
    const store = open('edges');
    const memory = new MemoryFeatureStore();
    const t0 = Date.UTC(2026, 0, 5);
    const pay = (id: string, atMs: number, extra: Partial<RiskEvent> = {}): RiskEvent => ({
      id,
      type: 'payment',
      subtype: 'p2p',
      atMs,
      customerId: 'cus_1',
      deviceId: 'dev_1',
      payeeId: 'pay_1',
      amountMinor: 12_345_678_901_234n,
      currency: 'CNY',
      latitude: 31.2304,
      longitude: 121.4737,
      ...extra,
    });
    const first = await store.observe(pay('e1', t0));
    memory.observeNow(pay('e1', t0));
    const keysBefore = (await client.keys(`${runPrefix}:edges:*`)).length;
    const peeked = await store.peek(pay('p', t0 + 3_600_000));
    expect(peeked).toEqual(memory.peekNow(pay('p', t0 + 3_600_000)));
    expect(peeked.customer_count_24h).toBe(1);
    expect(peeked.customer_sum_24h).toBe(123_456_789_012.34);
    expect((await client.keys(`${runPrefix}:edges:*`)).length).toBe(keysBefore);
    expect(await store.observe(pay('e1', t0))).toEqual(first);
    const late = store.observe(pay('e2', t0 - 1, { customerId: 'cus_2' }));
    await expect(late).rejects.toBeInstanceOf(FeatureStoreError);
    await expect(late).rejects.toMatchObject({ code: 'feature_event_late' });
    const next = await store.observe(pay('e3', t0 + 1000, { customerId: 'cus_2' }));
    expect(next.device_distinct_customers_24h).toBe(1);
    expect(next.is_first_event).toBe(true);
    await expect(store.observe(pay('bad', t0 + 2000, { amountMinor: -1n }))).rejects.toMatchObject({
      code: 'feature_event_invalid',
    });
  });

  it('restart, same features: a store rebuilt from history matches the store that saw it live', async () => {
    const split = 400;
    const live = open('live');
    await Promise.all(events.slice(0, split).map(({ event }) => live.observe(event)));
    const rebuilt = open('rebuilt');
    await rebuilt.rebuild(events.slice(0, split).map((x) => x.event));
    for (const { event } of events.slice(split, split + 100)) {
      expect(await rebuilt.observe(event)).toEqual(await live.observe(event));
    }
  });

  it('equals the memory store on random sequences that hit window boundaries exactly (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            gap: fc.constantFrom(0, 1, 59_999, 60_000, 600_000, 3_599_999, 3_600_000, 86_400_000, 7 * 86_400_000),
            customer: fc.constantFrom('c1', 'c2'),
            device: fc.option(fc.constantFrom('d1', 'd2'), { nil: undefined }),
            payee: fc.option(fc.constantFrom('p1', 'p2'), { nil: undefined }),
            merchant: fc.option(fc.constantFrom('m1'), { nil: undefined }),
            subtype: fc.constantFrom('p2p', 'transfer_in', 'refund', 'purchase'),
            amount: fc.constantFrom(0n, 1n, 99n, 10_000n, 9_007_199_254_740_991n),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        fc.constantFrom(2, 4096),
        async (steps, cap) => {
          const store = open(`prop${run++}`, { entriesPerKeyMax: cap });
          const memory = new MemoryFeatureStore({ entriesPerKeyMax: cap });
          let at = Date.UTC(2026, 0, 1);
          const batch = steps.map((s, i): RiskEvent => {
            at += s.gap;
            return {
              id: `e${i}`,
              type: 'payment',
              subtype: s.subtype,
              atMs: at,
              customerId: s.customer,
              accountId: `a_${s.customer}`,
              ...(s.device ? { deviceId: s.device } : {}),
              ...(s.payee ? { payeeId: s.payee } : {}),
              ...(s.merchant ? { merchantId: s.merchant } : {}),
              amountMinor: s.amount,
            };
          });
          const fromRedis = await Promise.all(batch.map((e) => store.observe(e)));
          batch.forEach((e, i) => {
            expect(fromRedis[i]).toEqual(memory.observeNow(e));
          });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('gives every key a TTL of at most the longest window plus a day', async () => {
    const keys = await client.keys(`${runPrefix}:same:*`);
    expect(keys.length).toBeGreaterThan(100);
    for (const key of keys.slice(0, 200)) {
      const ttl = await client.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(LONGEST_WINDOW_MS + 86_400_000);
    }
  });
});
