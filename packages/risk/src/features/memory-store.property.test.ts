// Proves the memory store's features equal a brute-force recomputation from the events strictly before each one (exact expiry at window boundaries), that repeating an id changes nothing and returns the first answer, and that memory stays within its bounds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FeatureVector, RiskEvent } from '../event.ts';
import { MemoryFeatureStore } from './memory-store.ts';
import { HOUR_MS, MINUTE_MS, WINDOWS } from './series.ts';

const T0 = Date.UTC(2026, 0, 1);

const eventArb = fc.record({
  gap: fc.oneof(
    fc.constantFrom(0, 1, MINUTE_MS - 1, MINUTE_MS, 10 * MINUTE_MS, HOUR_MS - 1, HOUR_MS, HOUR_MS + 1, 86_400_000),
    fc.integer({ min: 0, max: 2 * HOUR_MS }),
  ),
  type: fc.constantFrom('payment', 'payment', 'payment', 'login'),
  customer: fc.constantFrom('c1', 'c2', 'c3'),
  device: fc.option(fc.constantFrom('d1', 'd2'), { nil: undefined }),
  payee: fc.option(fc.constantFrom('p1', 'p2', 'p3'), { nil: undefined }),
  amount: fc.oneof(fc.constantFrom(0n, 1n, 100_00n), fc.bigInt({ min: 0n, max: 10_000_000n })),
  repeat: fc.boolean(),
});

type Spec = { at: number; e: RiskEvent };

function brute(history: readonly RiskEvent[], e: RiskEvent): Record<string, unknown> {
  const t = e.atMs;
  const inWindow = (x: RiskEvent, ms: number) => x.atMs > t - ms && x.atMs <= t;
  const payments = history.filter((x) => x.customerId === e.customerId && x.type === 'payment');
  const out: Record<string, unknown> = {};
  for (const w of ['1m', '10m', '1h', '24h', '7d', '30d'] as const) {
    out[`customer_count_${w}`] = payments.filter((x) => inWindow(x, WINDOWS[w])).length;
  }
  for (const w of ['1h', '24h'] as const) {
    out[`customer_sum_${w}`] =
      payments.filter((x) => inWindow(x, WINDOWS[w])).reduce((s, x) => s + Number(x.amountMinor), 0) / 100;
  }
  out.customer_max_24h =
    payments.filter((x) => inWindow(x, WINDOWS['24h'])).reduce((m, x) => Math.max(m, Number(x.amountMinor)), 0) / 100;
  out.customer_distinct_payees_24h = new Set(
    payments.filter((x) => x.payeeId !== undefined && inWindow(x, WINDOWS['24h'])).map((x) => x.payeeId),
  ).size;
  out.is_new_payee =
    e.payeeId === undefined ? null : !payments.some((x) => x.payeeId === e.payeeId && inWindow(x, WINDOWS['30d']));
  out.device_distinct_customers_24h =
    e.deviceId === undefined
      ? null
      : new Set(
          history.filter((x) => x.deviceId === e.deviceId && inWindow(x, WINDOWS['24h'])).map((x) => x.customerId),
        ).size;
  out.is_new_device =
    e.deviceId === undefined
      ? null
      : !history.some((x) => x.customerId === e.customerId && x.deviceId === e.deviceId && inWindow(x, WINDOWS['30d']));
  out.payee_count_1h =
    e.payeeId === undefined
      ? null
      : history.filter((x) => x.type === 'payment' && x.payeeId === e.payeeId && inWindow(x, HOUR_MS)).length;
  const previous = history.filter((x) => x.customerId === e.customerId);
  out.seconds_since_last_event = previous.length === 0 ? null : (t - (previous.at(-1) as RiskEvent).atMs) / 1000;
  return out;
}

function pick(vector: FeatureVector, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, vector[k]]));
}

describe('MemoryFeatureStore (property)', () => {
  it('equals brute force over random sequences; repeated ids return the first answer and record nothing', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 60 }), (steps) => {
        const store = new MemoryFeatureStore();
        const history: RiskEvent[] = [];
        const answers = new Map<string, FeatureVector>();
        const specs: Spec[] = [];
        let at = T0;
        steps.forEach((s, i) => {
          at += s.gap;
          const e: RiskEvent = {
            id: `e${i}`,
            type: s.type as RiskEvent['type'],
            subtype: s.type === 'payment' ? 'p2p' : 'password',
            atMs: at,
            customerId: s.customer,
            ...(s.device ? { deviceId: s.device } : {}),
            ...(s.payee && s.type === 'payment' ? { payeeId: s.payee } : {}),
            amountMinor: s.type === 'payment' ? s.amount : 0n,
            currency: 'CNY',
          };
          specs.push({ at, e });
          const vector = store.observeNow(e);
          const expected = brute(history, e);
          expect(pick(vector, Object.keys(expected))).toEqual(expected);
          history.push(e);
          answers.set(e.id, vector);
          if (s.repeat && specs.length > 1) {
            // Same id again (this one or an earlier one): the first answer, nothing recorded.
            const earlier = (specs[Math.floor(specs.length / 2)] as Spec).e;
            expect(store.observeNow(earlier)).toEqual(answers.get(earlier.id));
          }
        });
        expect(store.stats().observed).toBe(steps.length);
      }),
      { numRuns: 200 },
    );
  });

  it('stays within keysMax and entriesMax however many entities pass through', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 40 }),
        fc.integer({ min: 10, max: 200 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 50, maxLength: 300 }),
        (keysMax, entriesMax, customers) => {
          const store = new MemoryFeatureStore({ keysMax, entriesMax, entriesPerKeyMax: 4, idsMax: 20 });
          customers.forEach((c, i) => {
            store.observeNow({
              id: `e${i}`,
              type: 'payment',
              atMs: T0 + i * 1000,
              customerId: `c${c}`,
              deviceId: `d${c % 7}`,
              payeeId: `p${c % 11}`,
              amountMinor: 100n,
            });
            const stats = store.stats();
            expect(stats.keys).toBeLessThanOrEqual(keysMax);
            expect(stats.entries).toBeLessThanOrEqual(entriesMax);
            expect(stats.ids).toBeLessThanOrEqual(20);
          });
        },
      ),
      { numRuns: 50 },
    );
  });
});
