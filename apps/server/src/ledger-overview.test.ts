// Proves GET /v1/ledger/overview over HTTP: exact per-currency totals and balance check, accounts by status, open holds, value moved in the last hour and day (single and posted transfers only), the per-minute series, its 2-second cache, and its scope.
import { testBackends } from '@zhirong/db/testing';
import { IdGenerator } from '@zhirong/kernel';
import { ManualClock, SeededRng } from '@zhirong/kernel/testing';
import { ledgerModule } from '@zhirong/ledger';
import type { Platform, ZhirongModule } from '@zhirong/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { bearer, bootTestPlatform, testKey } from './test-support.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe.each(testBackends())('ledger overview on %s', (backend) => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 30, 15));
  const ids = new IdGenerator(clock, new SeededRng(3));
  let platform: Platform;
  let app: ZhirongApp;
  let writer: Record<string, string>;
  let reader: Record<string, string>;

  beforeAll(async () => {
    platform = await bootTestPlatform(backend, {
      clock,
      modules: [ledgerModule as unknown as ZhirongModule<Record<string, never>>],
    });
    app = await createApp(platform, { consoleDir: false });
    writer = bearer(await testKey(platform, ['ledger:read', 'ledger:write']));
    reader = bearer(await testKey(platform, ['ledger:read']));
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const account = async (currency: string, type = 'liability') => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/ledger/accounts',
      headers: writer,
      payload: { currency, type },
    });
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  };
  const transfer = async (from: string, to: string, amount: string, currency: string, pending = false) => {
    const id = ids.next('trf');
    const response = await app.inject({
      method: 'POST',
      url: '/v1/ledger/transfers',
      headers: writer,
      payload: {
        id,
        debitAccountId: from,
        creditAccountId: to,
        amount,
        currency,
        ...(pending ? { pending: true } : {}),
      },
    });
    expect(response.statusCode).toBe(201);
    return id;
  };
  const overview = async () => {
    clock.advance(2_000); // past the cache
    const response = await app.inject({ url: '/v1/ledger/overview', headers: reader });
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it('adds up totals, statuses, holds and volume per currency, exactly', async () => {
    const bank = await account('CNY', 'asset');
    const alice = await account('CNY');
    const bob = await account('CNY');
    const usdBank = await account('USD', 'asset');
    const usdCarol = await account('USD');
    await transfer(bank, alice, '92233720368547.58', 'CNY'); // two hours ago
    clock.advance(2 * HOUR);
    await transfer(bank, bob, '0.01', 'CNY');
    await transfer(alice, bob, '100.10', 'CNY');
    const hold = await transfer(alice, bob, '50.00', 'CNY', true);
    await app.inject({
      method: 'POST',
      url: `/v1/ledger/transfers/${hold}/post`,
      headers: writer,
      payload: { id: ids.next('trf'), amount: '20.00' },
    });
    await transfer(alice, bob, '7.00', 'CNY', true); // stays open
    await transfer(usdBank, usdCarol, '5.25', 'USD');
    await app.inject({ method: 'POST', url: `/v1/ledger/accounts/${usdCarol}/freeze`, headers: writer, payload: {} });

    const view = await overview();
    expect(view.currencies.map((c: { currency: string }) => c.currency)).toEqual(['CNY', 'USD']);
    const [cny, usd] = view.currencies;
    expect(cny).toMatchObject({
      accounts: { total: 3, active: 3, frozen: 0, closed: 0 },
      debitsPosted: '92233720368667.69',
      creditsPosted: '92233720368667.69',
      debitsPending: '7.00',
      creditsPending: '7.00',
      balanced: true,
      pendingTransfers: 1,
      // single 0.01 + single 100.10 + posted 20.00; the pending transfers move nothing yet
      lastHour: { transfers: 3, amount: '120.11' },
      lastDay: { transfers: 4, amount: '92233720368667.69' },
    });
    expect(usd).toMatchObject({
      accounts: { total: 2, active: 1, frozen: 1, closed: 0 },
      debitsPosted: '5.25',
      lastHour: { transfers: 1, amount: '5.25' },
    });
    expect(cny.series).toHaveLength(60);
    expect(cny.series.at(-1)).toMatchObject({ start: '2026-03-01T11:30:00.000Z', transfers: 3, amount: '120.11' });
    expect(cny.series.slice(0, -1).every((b: { transfers: number }) => b.transfers === 0)).toBe(true);
  });

  it('moves amounts out of the hour and the day as time passes', async () => {
    clock.advance(HOUR);
    const later = (await overview()).currencies[0];
    expect(later.lastHour).toEqual({ transfers: 0, amount: '0.00' });
    expect(later.lastDay.transfers).toBe(4);
    clock.advance(22 * HOUR);
    const nextDay = (await overview()).currencies[0];
    expect(nextDay.lastDay).toEqual({ transfers: 3, amount: '120.11' });
    clock.advance(2 * HOUR);
    expect((await overview()).currencies[0].lastDay).toEqual({ transfers: 0, amount: '0.00' });
  });

  it('serves a cached answer for two seconds', async () => {
    const first = await overview();
    const [bank, alice] = [await account('CNY', 'asset'), await account('CNY')];
    await transfer(bank, alice, '1.00', 'CNY');
    const cached = await app.inject({ url: '/v1/ledger/overview', headers: reader });
    expect(cached.json().asOf).toBe(first.asOf);
    const fresh = await overview();
    expect(fresh.currencies[0].lastHour).toEqual({ transfers: 1, amount: '1.00' });
  });

  it('needs ledger:read', async () => {
    const other = bearer(await testKey(platform, ['admin']));
    expect((await app.inject({ url: '/v1/ledger/overview', headers: other })).statusCode).toBe(200);
    const none = await app.inject({ url: '/v1/ledger/overview' });
    expect(none.statusCode).toBe(401);
  });
});
