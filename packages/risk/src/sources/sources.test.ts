// Proves the labelled sources are faithful: a simulator run maps to the same events and label counts as its summary, deterministically for a seed, with balances and payees mapped right; the PaySim sample reads as 3,000 events with 500 frauds, exact amounts, and bad rows reported by line; and the time split never puts one instant on both sides.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AML_TYPOLOGIES, FRAUD_TYPES } from '@zhirong/simulator';
import { beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from './errors.ts';
import { type LabelledRiskEvent, splitByTime } from './labelled.ts';
import { PAYSIM_COLUMNS, parsePaysim, paysimEvents } from './paysim.ts';
import { collectSimulatorEvents, simulatorEvents } from './simulator.ts';

// The shared data sits beside the checkout (../shared/data); ZHIRONG_SHARED_DATA names it elsewhere.
const SHARED_DATA = [
  process.env.ZHIRONG_SHARED_DATA,
  new URL('../../../../../shared/data', import.meta.url).pathname,
  '/work/shared/data',
].find((dir) => dir !== undefined && existsSync(dir));
const PAYSIM = join(SHARED_DATA ?? '/nonexistent', 'paysim-sample/paysim_sample.csv');
const config = { customers: 300, days: 10, seed: 5, fraudRates: { mule_network: 8, account_takeover: 8 } };

describe('simulatorEvents', () => {
  let run: Awaited<ReturnType<typeof collectSimulatorEvents>>;
  beforeAll(async () => {
    run = await collectSimulatorEvents(config);
  });

  it('yields every event in time order with the summary’s label counts', () => {
    const { events, summary } = run;
    expect(events).toHaveLength(summary.counts.events);
    expect(events.filter((e) => e.fraud !== null)).toHaveLength(summary.counts.fraudEvents);
    expect(events.filter((e) => e.aml !== null)).toHaveLength(summary.counts.amlEvents);
    expect(summary.counts.fraudEvents).toBeGreaterThan(0);
    for (let i = 1; i < events.length; i++) {
      expect((events[i] as LabelledRiskEvent).event.atMs).toBeGreaterThanOrEqual(
        (events[i - 1] as LabelledRiskEvent).event.atMs,
      );
    }
    const byType: Record<string, number> = {};
    for (const { event } of events) byType[event.type] = (byType[event.type] ?? 0) + 1;
    expect(byType).toEqual(Object.fromEntries(Object.entries(summary.counts.eventsByType).filter(([, n]) => n > 0)));
    expect(events.filter((e) => e.event.attributes?.status === 'declined')).toHaveLength(
      summary.counts.paymentsDeclined,
    );
    for (const { fraud, aml } of events) {
      if (fraud !== null) expect(FRAUD_TYPES).toContain(fraud);
      if (aml !== null) expect(AML_TYPOLOGIES).toContain(aml);
    }
    expect(events.some((e) => e.fraud === 'mule_network')).toBe(true);
    expect(events.every((e) => /^cus_[1-9]\d*$/.test(e.event.customerId))).toBe(true);
    expect(new Set(events.map((e) => e.event.id)).size).toBe(events.length);
  });

  it('is deterministic for a seed and differs for another', async () => {
    const a = run;
    const b = await collectSimulatorEvents(config);
    const c = await collectSimulatorEvents({ ...config, seed: 6 });
    expect(b.events).toEqual(a.events);
    expect(c.events).not.toEqual(a.events);
  });

  it('maps payments: payer account, payee, balance before, declined payments unchanged', () => {
    const { events } = run;
    const payments = events.map((e) => e.event).filter((e) => e.type === 'payment');
    const out = payments.filter((e) => e.attributes?.direction === 'out');
    expect(out.length).toBeGreaterThan(100);
    for (const e of out) {
      expect(e.accountId).toMatch(/^AC\d{9}$/);
      expect(e.currency).toBe('CNY');
      expect(e.amountMinor).toBeGreaterThan(0n);
    }
    const purchase = out.find((e) => e.subtype === 'purchase' && e.merchantId !== undefined);
    expect(purchase?.payeeId).toMatch(/^AC\d{9}$/);
    expect(purchase?.merchantCategoryCode).toMatch(/^\d{4}$/);
    // Replaying each account: an outgoing payment starts from what the previous event left (a
    // completed payment takes its amount, a declined one nothing; money in reports its balance after).
    const known = new Map<string, bigint>();
    let checked = 0;
    for (const e of payments) {
      const account = e.accountId as string;
      if (e.attributes?.direction === 'in') {
        const after = e.attributes.balanceAfterMinor;
        if (typeof after === 'number') known.set(account, BigInt(after));
        continue;
      }
      if (e.balanceBeforeMinor === undefined) continue;
      const expected = known.get(account);
      if (expected !== undefined) {
        expect(e.balanceBeforeMinor).toBe(expected);
        checked++;
      }
      const completed = e.attributes?.status === 'completed';
      known.set(account, completed ? e.balanceBeforeMinor - e.amountMinor : e.balanceBeforeMinor);
      if (e.payeeId !== undefined) known.delete(e.payeeId);
    }
    expect(checked).toBeGreaterThan(100);
    const declined = out.filter((e) => e.attributes?.status === 'declined');
    for (const e of declined) expect(e.balanceBeforeMinor).toBeLessThan(e.amountMinor);
    const logins = events.filter((e) => e.event.type === 'login');
    expect(logins.every((e) => e.event.amountMinor === 0n && e.event.deviceId !== undefined)).toBe(true);
  });

  it('stops the run when the consumer stops early', async () => {
    let seen = 0;
    for await (const _ of simulatorEvents(config)) {
      seen++;
      if (seen === 10) break;
    }
    expect(seen).toBe(10);
  });

  it('rejects a bad configuration', async () => {
    await expect(collectSimulatorEvents({ customers: 1 })).rejects.toThrow(/customers/);
  });
});

describe('paysimEvents', () => {
  it.skipIf(SHARED_DATA === undefined)('reads the 3,000-row sample: 500 frauds, exact amounts, in time order', () => {
    const { events, rejected } = paysimEvents(PAYSIM);
    expect(events).toHaveLength(3_000);
    expect(rejected).toEqual([]);
    expect(events.filter((e) => e.fraud === 'paysim')).toHaveLength(500);
    expect(events.every((e) => e.aml === null)).toBe(true);
    const first = events.find((e) => e.event.id === 'paysim_2')?.event;
    expect(first).toMatchObject({
      type: 'payment',
      subtype: 'cash_out',
      customerId: 'C2013481049',
      payeeId: 'C810221553',
      amountMinor: 17_673_238n,
      balanceBeforeMinor: 2_159_700n,
      currency: 'USD',
      atMs: Date.UTC(2026, 0, 1) + 158 * 3_600_000,
    });
    for (let i = 1; i < events.length; i++) {
      expect((events[i] as LabelledRiskEvent).event.atMs).toBeGreaterThanOrEqual(
        (events[i - 1] as LabelledRiskEvent).event.atMs,
      );
    }
    const frauds = events.filter((e) => e.fraud !== null).map((e) => e.event.subtype);
    expect(new Set(frauds)).toEqual(new Set(['transfer', 'cash_out']));
  });

  it('parses amounts in the currency asked for, refusing more decimals than it has', () => {
    const csv = `${PAYSIM_COLUMNS.join(',')}\n1,PAYMENT,12.5,C1,100.0,87.5,M2,0.0,0.0,0,0\n`;
    expect(parsePaysim(csv, 'x.csv', { currency: 'CNY' }).events[0]?.event.amountMinor).toBe(1_250n);
    expect(parsePaysim(csv, 'x.csv', { currency: 'KWD' }).events[0]?.event.amountMinor).toBe(12_500n);
    expect(() => parsePaysim(csv, 'x.csv', { currency: 'JPY' })).toThrow(/amount_too_precise/);
    expect(() => parsePaysim(csv, 'x.csv', { currency: 'ZZZ' })).toThrow(SourceError);
    expect(parsePaysim(csv, 'x.csv').events[0]?.event.merchantId).toBe('M2');
  });

  it('reports every malformed row with its line number', () => {
    const good = '1,PAYMENT,12.50,C1,100.0,87.5,M2,0.0,0.0,0,0';
    const csv = [
      PAYSIM_COLUMNS.join(','),
      good,
      '2,PAYMENT,1e5,C1,100.0,87.5,M2,0.0,0.0,0,0',
      good,
      '3,REFUND,1.00,C1,100.0,87.5,M2,0.0,0.0,0,0',
      '4,PAYMENT,1.00,C1,100.0,87.5,M2,0.0,0.0,2,0',
      '5,PAYMENT,1.00,C1',
      '0,PAYMENT,1.00,C1,100.0,87.5,M2,0.0,0.0,0,0',
    ].join('\n');
    try {
      parsePaysim(csv, 'bad.csv');
      expect.unreachable();
    } catch (error) {
      const e = error as SourceError;
      expect(e.code).toBe('source_rows_invalid');
      expect(e.issues.map((i) => i.line)).toEqual([3, 5, 6, 7, 8]);
      expect(e.message).toContain('line 3');
      expect(e.issues[0]?.reason).toContain('amount_malformed');
      expect(e.messageZh).toContain('5 行无效');
    }
    const skipped = parsePaysim(csv, 'bad.csv', { onInvalidRow: 'skip' });
    expect(skipped.events).toHaveLength(2);
    expect(skipped.rejected).toHaveLength(5);
    expect(() => parsePaysim('step,type\n1,PAYMENT', 'h.csv')).toThrow(/header/);
    expect(() => paysimEvents('/nonexistent/paysim.csv')).toThrow(/cannot be read/);
  });
});

describe('splitByTime', () => {
  const at = (atMs: number, id: string) => ({ event: { id, atMs }, fraud: null, aml: null });

  it('splits by time, keeping one instant on one side', () => {
    const events = [at(5, 'e'), at(1, 'a'), at(3, 'c'), at(3, 'd'), at(2, 'b'), at(6, 'f')];
    const split = splitByTime(events, 0.5);
    expect(split.train.map((e) => e.event.id)).toEqual(['a', 'b']);
    expect(split.heldOut.map((e) => e.event.id)).toEqual(['c', 'd', 'e', 'f']);
    expect(split.cutMs).toBe(3);
    expect(splitByTime(events, 0.8).train).toHaveLength(4);
    expect(events.map((e) => e.event.id)).toEqual(['e', 'a', 'c', 'd', 'b', 'f']);
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => splitByTime([], 1)).toThrow(SourceError);
    expect(() => splitByTime([], 0)).toThrow(/trainFraction/);
    expect(splitByTime([], 0.7)).toEqual({ train: [], heldOut: [], cutMs: 0 });
  });
});
