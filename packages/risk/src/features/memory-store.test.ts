// Proves the feature catalog and the memory store: every feature described and typed, exact expiry, idempotency, late and invalid events rejected without a write, the account-takeover and travel signals, restart-by-rebuild giving the same features, and bounded memory.
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeatureVector, RiskEvent } from '../event.ts';
import { FEATURE_CATALOG } from './catalog.ts';
import { FeatureStoreError } from './errors.ts';
import { MemoryFeatureStore } from './memory-store.ts';
import { HOUR_MS, MINUTE_MS } from './series.ts';
import { type LabelledRiskEvent, simulatedRiskEvents } from './testing.ts';
import { vectorOf } from './vector.ts';

const T0 = Date.UTC(2026, 2, 1, 2, 0, 0); // 10:00 in Beijing

const pay = (id: string, atMs: number, amountMinor: bigint, extra: Partial<RiskEvent> = {}): RiskEvent => ({
  id,
  type: 'payment',
  subtype: 'p2p',
  atMs,
  customerId: 'cus_1',
  accountId: 'acc_1',
  amountMinor,
  currency: 'CNY',
  ...extra,
});

/** Features whose value is neither null nor of the catalog's type. */
function typeMismatches(vector: FeatureVector): string[] {
  return FEATURE_CATALOG.filter((f) => vector[f.name] !== null && typeof vector[f.name] !== f.type).map((f) => f.name);
}

function rejects(action: () => unknown, code: string): FeatureStoreError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(FeatureStoreError);
    expect((error as FeatureStoreError).code).toBe(code);
    return error as FeatureStoreError;
  }
  throw new Error(`expected ${code}`);
}

describe('FEATURE_CATALOG', () => {
  it('has 40+ uniquely named features with en and zh descriptions, and vectors match it', () => {
    expect(FEATURE_CATALOG.length).toBeGreaterThanOrEqual(40);
    expect(new Set(FEATURE_CATALOG.map((f) => f.name)).size).toBe(FEATURE_CATALOG.length);
    for (const f of FEATURE_CATALOG) {
      expect(f.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(f.description.en.length).toBeGreaterThan(5);
      expect(f.description.zh).toMatch(/[\u4e00-\u9fff]/);
    }
    const store = new MemoryFeatureStore();
    const vector = store.observeNow(pay('e1', T0, 12_345n, { deviceId: 'dev_1', payeeId: 'pay_1' }));
    expect(Object.keys(vector)).toEqual(FEATURE_CATALOG.map((f) => f.name));
    expect(typeMismatches(vector)).toEqual([]);
    // vector.ts is written out from the catalog: value i lands under catalog name i.
    const byIndex = vectorOf(FEATURE_CATALOG.map((_, i) => i));
    expect(Object.keys(byIndex)).toEqual(FEATURE_CATALOG.map((f) => f.name));
    expect(FEATURE_CATALOG.filter((f, i) => byIndex[f.name] !== i)).toEqual([]);
    expect(vector.amount).toBe(123.45);
    expect(vector.hour_of_day).toBe(10);
    expect(vector.is_first_event).toBe(true);
  });
});

describe('MemoryFeatureStore', () => {
  it('expires exactly at the window length: at t0 + 1h − 1 ms the payment counts, at t0 + 1h it does not', async () => {
    const store = new MemoryFeatureStore();
    await store.observe(pay('e1', T0, 100n));
    expect((await store.peek(pay('x', T0 + HOUR_MS - 1, 1n))).customer_count_1h).toBe(1);
    expect((await store.peek(pay('x', T0 + HOUR_MS, 1n))).customer_count_1h).toBe(0);
    expect((await store.peek(pay('x', T0 + HOUR_MS, 1n))).customer_count_24h).toBe(1);
    expect((await store.peek(pay('x', T0 + MINUTE_MS, 1n))).customer_count_1m).toBe(0);
    // peek recorded nothing, so an event back at T0 + 1 min is still in order.
    const v = await store.observe(pay('e2', T0 + MINUTE_MS - 1, 50n));
    expect(v.customer_count_1m).toBe(1);
    expect(v.customer_sum_1h).toBe(1);
    expect(store.stats().observed).toBe(2);
  });

  it('is idempotent on the id and rejects late and invalid events without recording them', () => {
    const store = new MemoryFeatureStore();
    const first = store.observeNow(pay('e1', T0, 100n, { deviceId: 'dev_1' }));
    expect(store.observeNow(pay('e1', T0, 100n, { deviceId: 'dev_1' }))).toEqual(first);
    expect(store.observeNow(pay('e2', T0 + 1000, 100n)).customer_count_1h).toBe(1);
    const late = rejects(() => store.observeNow(pay('e3', T0 + 500, 100n)), 'feature_event_late');
    expect(late.message).toContain('customer:cus_1');
    expect(late.messageZh).toContain('按时间顺序');
    // Another customer on the same device is late for the device.
    rejects(
      () => store.observeNow(pay('e4', T0 - 1, 1n, { customerId: 'cus_2', deviceId: 'dev_1' })),
      'feature_event_late',
    );
    rejects(() => store.observeNow(pay('e5', T0 + 2000, -1n)), 'feature_event_invalid');
    rejects(() => store.observeNow(pay('', T0 + 2000, 1n)), 'feature_event_invalid');
    rejects(() => store.observeNow(pay('e6', T0 + 2000, 1n, { latitude: 30 })), 'feature_event_invalid');
    rejects(() => store.observeNow(pay('e7', T0 + 2000, 1n, { currency: 'XXQ' })), 'feature_event_invalid');
    rejects(
      () => store.observeNow(pay('e9', T0 + 2000, 1n, { attributes: { status: {} as unknown as string } })),
      'feature_event_invalid',
    );
    const stats = store.stats();
    expect(stats).toMatchObject({ observed: 2, duplicates: 1, rejectedLate: 2 });
    expect(store.observeNow(pay('e8', T0 + 3000, 1n)).customer_count_1h).toBe(2);
  });

  it('sees an account takeover: new device and IP, phone change, new payee, balance drained', () => {
    const store = new MemoryFeatureStore();
    const base = { customerId: 'cus_1', amountMinor: 0n } as const;
    for (let day = 0; day < 10; day++) {
      store.observeNow(
        pay(`h${day}`, T0 + day * 86_400_000, 20_000n + BigInt(day * 100), {
          deviceId: 'phone',
          ip: '1.1.1.1',
          payeeId: 'shop',
        }),
      );
    }
    const t = T0 + 11 * 86_400_000;
    const login = store.observeNow({ ...base, id: 'l1', type: 'login', atMs: t, deviceId: 'evil', ip: '9.9.9.9' });
    expect(login).toMatchObject({ is_new_device: true, is_new_ip: true, customer_distinct_devices_30d: 1 });
    store.observeNow({
      ...base,
      id: 'a1',
      type: 'account_change',
      subtype: 'phone_change',
      atMs: t + 120_000,
      deviceId: 'evil',
    });
    store.observeNow({
      ...base,
      id: 'a2',
      type: 'account_change',
      subtype: 'payee_added',
      atMs: t + 240_000,
      deviceId: 'evil',
    });
    const theft = store.observeNow(
      pay('x1', t + 400_000, 900_000n, {
        deviceId: 'evil',
        ip: '9.9.9.9',
        payeeId: 'mule',
        subtype: 'transfer_out',
        balanceBeforeMinor: 950_000n,
      }),
    );
    expect(theft).toMatchObject({
      is_new_device: false,
      device_first_seen_1h: true,
      is_new_payee: true,
      payee_first_paid_1h: true,
      account_change_before_payment_1h: true,
      seconds_since_phone_change: 280,
      seconds_since_payee_added: 160,
      seconds_since_last_login: 400,
      balance_drained: true,
      is_transfer_out: true,
      customer_history_size: 10,
      amount_percentile: 1,
      amount_is_round: true,
    });
    expect(theft.amount_zscore as number).toBeGreaterThan(100);
    expect(theft.amount_to_balance_ratio as number).toBeCloseTo(900 / 950, 12);
  });

  it('measures travel speed between located events', () => {
    const store = new MemoryFeatureStore();
    store.observeNow(pay('b', T0, 1n, { latitude: 39.9042, longitude: 116.4074 })); // Beijing
    const shanghai = store.observeNow(pay('s', T0 + 30 * MINUTE_MS, 1n, { latitude: 31.2304, longitude: 121.4737 }));
    expect(shanghai.geo_distance_km as number).toBeGreaterThan(1000);
    expect(shanghai.geo_distance_km as number).toBeLessThan(1100);
    expect(shanghai.impossible_travel).toBe(true);
    const train = store.observeNow(pay('t', T0 + 10 * HOUR_MS, 1n, { latitude: 39.9042, longitude: 116.4074 }));
    expect(train.impossible_travel).toBe(false);
    expect(train.geo_speed_kmh as number).toBeLessThan(200);
  });

  it('keeps memory bounded and counts evictions', () => {
    const store = new MemoryFeatureStore({ keysMax: 50, entriesPerKeyMax: 3, idsMax: 10 });
    for (let i = 0; i < 200; i++)
      store.observeNow(pay(`e${i}`, T0 + i, 1n, { customerId: `c${i % 30}`, payeeId: `p${i % 40}` }));
    const stats = store.stats();
    expect(stats.keys).toBeLessThanOrEqual(50);
    expect(stats.keysEvicted).toBeGreaterThan(0);
    expect(stats.ids).toBeLessThanOrEqual(10);
    expect(stats.idsEvicted).toBeGreaterThan(0);
    const capped = new MemoryFeatureStore({ entriesPerKeyMax: 3 });
    for (let i = 0; i < 5; i++) capped.observeNow(pay(`e${i}`, T0 + i, 1n));
    expect(capped.stats().entriesEvicted).toBeGreaterThan(0);
    expect(capped.peekNow(pay('x', T0 + 10, 1n)).customer_count_1h).toBe(3);
  });

  it('rejects bad options and use after close', async () => {
    expect(() => new MemoryFeatureStore({ keysMax: 0 })).toThrow(FeatureStoreError);
    expect(() => new MemoryFeatureStore({ homeCountry: 'china' })).toThrow(FeatureStoreError);
    const store = new MemoryFeatureStore();
    await store.close();
    await expect(store.observe(pay('e', T0, 1n))).rejects.toMatchObject({ code: 'feature_store_closed' });
  });
});

describe('MemoryFeatureStore on simulated events', () => {
  let events: LabelledRiskEvent[] = [];
  beforeAll(async () => {
    events = await simulatedRiskEvents({
      customers: 200,
      days: 12,
      seed: 5,
      // Far more fraud than the defaults, so every pattern below occurs several times.
      fraudRates: { account_takeover: 100, card_testing: 100, mule_network: 30, refund_abuse: 30 },
    });
  });

  it('restart, same features: a store rebuilt from the history gives the live store’s vectors for the next events', async () => {
    const split = Math.floor(events.length * 0.8);
    const live = new MemoryFeatureStore();
    for (const { event } of events.slice(0, split)) live.observeNow(event);
    const rebuilt = new MemoryFeatureStore();
    async function* history() {
      for (const { event } of events.slice(0, split)) yield event;
    }
    await rebuilt.rebuild(history());
    expect(rebuilt.stats().entries).toBe(live.stats().entries);
    for (const { event } of events.slice(split)) {
      expect(rebuilt.observeNow(event)).toEqual(live.observeNow(event));
    }
  });

  it('separates the fraud patterns from everyday payments', () => {
    const store = new MemoryFeatureStore();
    const ato: boolean[] = [];
    const cardTesting: number[] = [];
    const legit: number[] = [];
    let legitAto = 0;
    let legitPayments = 0;
    for (const { event, fraud } of events) {
      const v = store.observeNow(event);
      if (event.type !== 'payment') continue;
      if (fraud === 'account_takeover') ato.push(v.account_change_before_payment_1h === true);
      else if (fraud === 'card_testing') cardTesting.push(v.device_count_10m as number);
      else if (fraud === null) {
        legitPayments++;
        if (v.account_change_before_payment_1h === true) legitAto++;
        legit.push((v.device_count_10m as number | null) ?? 0);
      }
    }
    expect(ato.length).toBeGreaterThan(10);
    expect(ato.filter(Boolean).length / ato.length).toBeGreaterThan(0.8);
    expect(legitAto / legitPayments).toBeLessThan(0.01);
    expect(cardTesting.length).toBeGreaterThan(20);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(cardTesting)).toBeGreaterThan(3 * mean(legit));
  });
});
