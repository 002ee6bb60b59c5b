// Proves the ledger's HTTP API end to end in-process: accounts, transfers, two-phase, batches, statements, and that bad input gets a specific problem+json and writes nothing.
import { testBackends } from '@zhirong/db/testing';
import { cryptoRng, formatId, IdGenerator, systemClock } from '@zhirong/kernel';
import { ledgerModule } from '@zhirong/ledger';
import type { Platform, ZhirongModule } from '@zhirong/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { bearer, bootTestPlatform, testKey } from './test-support.ts';

const ids = new IdGenerator(systemClock, cryptoRng);
const trf = () => ids.next('trf');
const acc = () => ids.next('acc');

describe.each(testBackends())('ledger HTTP API on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;
  let writer: Record<string, string>;
  let reader: Record<string, string>;

  beforeAll(async () => {
    platform = await bootTestPlatform(backend, {
      modules: [ledgerModule as unknown as ZhirongModule<Record<string, never>>],
    });
    app = await createApp(platform);
    writer = bearer(await testKey(platform, ['ledger:read', 'ledger:write']));
    reader = bearer(await testKey(platform, ['ledger:read']));
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...writer, ...headers }, payload: payload as object });
  const get = (url: string) => app.inject({ method: 'GET', url, headers: reader });

  async function account(body: Record<string, unknown> = {}) {
    const id = acc();
    const response = await post('/v1/ledger/accounts', { id, currency: 'CNY', type: 'liability', ...body });
    expect(response.statusCode, response.body).toBe(201);
    return id;
  }

  async function fundedPair(amount = '100.00') {
    const bank = await account({ type: 'asset' });
    const customer = await account({ flags: ['debits_must_not_exceed_credits'] });
    const funding = await post('/v1/ledger/transfers', {
      id: trf(),
      debitAccountId: bank,
      creditAccountId: customer,
      amount,
      currency: 'CNY',
    });
    expect(funding.statusCode, funding.body).toBe(201);
    return { bank, customer };
  }

  async function totals() {
    return (await get('/v1/ledger/totals')).json();
  }

  it('creates an account idempotently by id', async () => {
    const id = acc();
    const body = { id, currency: 'CNY', type: 'liability', code: 2011, flags: ['debits_must_not_exceed_credits'] };
    const first = await post('/v1/ledger/accounts', body);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ id, currency: 'CNY', status: 'active', balances: { posted: '0.00' } });
    expect((await post('/v1/ledger/accounts', body)).statusCode).toBe(200);
    const different = await post('/v1/ledger/accounts', { ...body, code: 2012 });
    expect(different.statusCode).toBe(409);
    expect(different.json().code).toBe('exists_with_different_fields');
    expect(different.headers['content-type']).toContain('application/problem+json');
  });

  it('moves money and replays a transfer by its id', async () => {
    const { bank, customer } = await fundedPair('100.00');
    const id = trf();
    const body = { id, debitAccountId: customer, creditAccountId: bank, amount: '30.25', currency: 'CNY' };
    const created = await post('/v1/ledger/transfers', body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id, type: 'single', amount: '30.25', currency: 'CNY' });
    const replay = await post('/v1/ledger/transfers', body);
    expect(replay.statusCode).toBe(200);
    expect(replay.json().createdAt).toBe(created.json().createdAt);
    const changed = await post('/v1/ledger/transfers', { ...body, amount: '30.26' });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().code).toBe('exists_with_different_fields');
    const balances = (await get(`/v1/ledger/accounts/${customer}`)).json().balances;
    expect(balances).toMatchObject({ posted: '69.75', available: '69.75' });
    expect((await get(`/v1/ledger/transfers/${id}`)).json().id).toBe(id);
  });

  it('refuses an overdraft with a problem in the asked language', async () => {
    const { bank, customer } = await fundedPair('10.00');
    const body = { id: trf(), debitAccountId: customer, creditAccountId: bank, amount: '10.01', currency: 'CNY' };
    const en = await post('/v1/ledger/transfers', body);
    expect(en.statusCode).toBe(422);
    expect(en.json()).toMatchObject({ code: 'exceeds_credits', status: 422 });
    expect(en.json().title).toContain(customer);
    const zh = await post('/v1/ledger/transfers', body, { 'accept-language': 'zh-CN,zh;q=0.9' });
    expect(zh.json().title).toContain('余额不足');
  });

  it('answers bad input with a specific 4xx code and writes nothing', async () => {
    const { bank, customer } = await fundedPair('50.00');
    const usd = await account({ currency: 'USD' });
    const before = await totals();
    const base = { id: trf(), debitAccountId: customer, creditAccountId: bank, amount: '1.00', currency: 'CNY' };
    const cases: [unknown, number, string][] = [
      [{ ...base, amount: '1.001' }, 400, 'amount_too_precise'],
      [{ ...base, amount: '0.00' }, 400, 'amount_zero'],
      [{ ...base, amount: '-1.00' }, 400, 'amount_negative'],
      [{ ...base, amount: '92233720368547758.08' }, 400, 'amount_too_large'],
      [{ ...base, amount: '1e3' }, 400, 'amount_malformed'],
      [{ ...base, amount: 1 }, 400, 'field_type_invalid'],
      [{ ...base, currency: 'XXX' }, 400, 'currency_unknown'],
      [{ ...base, extra: true }, 400, 'field_unknown'],
      [{ ...base, id: 'trf_nope' }, 400, 'id_malformed'],
      [{ ...base, debitAccountId: formatId('trf', ids.uuid()) }, 400, 'id_malformed'],
      [{ ...base, debitAccountId: acc() }, 404, 'account_not_found'],
      [{ ...base, creditAccountId: usd }, 422, 'currency_mismatch'],
      [{ ...base, creditAccountId: customer }, 422, 'accounts_must_be_different'],
      [{ id: trf(), amount: '1.00' }, 400, 'field_required'],
    ];
    for (const [payload, status, code] of cases) {
      const response = await post('/v1/ledger/transfers', payload);
      expect({ status: response.statusCode, code: response.json().code }, JSON.stringify(payload)).toEqual({
        status,
        code,
      });
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const malformed = await app.inject({
      method: 'POST',
      url: '/v1/ledger/transfers',
      headers: { ...writer, 'content-type': 'application/json' },
      payload: '{"id": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('json_malformed');
    expect(await totals()).toEqual(before);
  });

  it('runs a two-phase transfer: hold, partial post, no second resolution', async () => {
    const { bank, customer } = await fundedPair('100.00');
    const hold = trf();
    const pending = await post('/v1/ledger/transfers', {
      id: hold,
      debitAccountId: customer,
      creditAccountId: bank,
      amount: '60.00',
      currency: 'CNY',
      pending: true,
      timeoutSeconds: 3600,
    });
    expect(pending.statusCode).toBe(201);
    expect((await get(`/v1/ledger/accounts/${customer}`)).json().balances).toMatchObject({
      posted: '100.00',
      available: '40.00',
      debitsPending: '60.00',
    });
    const posted = await post(`/v1/ledger/transfers/${hold}/post`, { id: trf(), amount: '45.00' });
    expect(posted.statusCode, posted.body).toBe(201);
    expect(posted.json()).toMatchObject({ type: 'post_pending', amount: '45.00', pendingId: hold });
    expect((await get(`/v1/ledger/accounts/${customer}`)).json().balances).toMatchObject({
      posted: '55.00',
      available: '55.00',
      debitsPending: '0.00',
    });
    const again = await post(`/v1/ledger/transfers/${hold}/void`, { id: trf() });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('pending_transfer_already_posted');
    expect((await get(`/v1/ledger/transfers/${hold}`)).json().pendingState).toBe('posted');
  });

  it('voids a hold and reverses a posted transfer in part', async () => {
    const { bank, customer } = await fundedPair('100.00');
    const hold = trf();
    await post('/v1/ledger/transfers', {
      id: hold,
      debitAccountId: customer,
      creditAccountId: bank,
      amount: '20.00',
      currency: 'CNY',
      pending: true,
    });
    expect((await post(`/v1/ledger/transfers/${hold}/void`, { id: trf() })).statusCode).toBe(201);
    const payment = trf();
    await post('/v1/ledger/transfers', {
      id: payment,
      debitAccountId: customer,
      creditAccountId: bank,
      amount: '30.00',
      currency: 'CNY',
    });
    const reversal = await post(`/v1/ledger/transfers/${payment}/reverse`, { id: trf(), amount: '10.00' });
    expect(reversal.statusCode, reversal.body).toBe(201);
    expect(reversal.json()).toMatchObject({ reversesId: payment, debitAccountId: bank, creditAccountId: customer });
    const tooMuch = await post(`/v1/ledger/transfers/${payment}/reverse`, { id: trf(), amount: '20.01' });
    expect(tooMuch.json().code).toBe('exceeds_reversible_amount');
    expect((await get(`/v1/ledger/accounts/${customer}`)).json().balances.posted).toBe('80.00');
  });

  it('applies a batch with one result per item and atomic linked chains', async () => {
    const { bank, customer } = await fundedPair('100.00');
    const response = await post('/v1/ledger/transfers/batch', {
      transfers: [
        {
          type: 'single',
          id: trf(),
          debitAccountId: customer,
          creditAccountId: bank,
          amount: '10.00',
          currency: 'CNY',
        },
        {
          type: 'single',
          id: trf(),
          debitAccountId: customer,
          creditAccountId: bank,
          amount: '10.00',
          currency: 'CNY',
          linked: true,
        },
        {
          type: 'single',
          id: trf(),
          debitAccountId: customer,
          creditAccountId: bank,
          amount: '500.00',
          currency: 'CNY',
        },
        { type: 'single', id: trf(), debitAccountId: customer, creditAccountId: bank, amount: '5.00', currency: 'CNY' },
      ],
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().results.map((r: { status: string; code?: string }) => r.code ?? r.status)).toEqual([
      'created',
      'linked_event_failed',
      'exceeds_credits',
      'created',
    ]);
    expect((await get(`/v1/ledger/accounts/${customer}`)).json().balances.posted).toBe('85.00');
    const invalid = await post('/v1/ledger/transfers/batch', {
      transfers: [{ type: 'post_pending', id: trf() }],
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().code).toBe('field_required');
    const empty = await post('/v1/ledger/transfers/batch', { transfers: [] });
    expect(empty.statusCode).toBe(400);
  });

  it('pages a statement with running balances and answers balances as of an instant', async () => {
    const { bank, customer } = await fundedPair('100.00');
    for (const amount of ['1.00', '2.00', '3.00']) {
      await post('/v1/ledger/transfers', {
        id: trf(),
        debitAccountId: customer,
        creditAccountId: bank,
        amount,
        currency: 'CNY',
      });
    }
    const first = (await get(`/v1/ledger/accounts/${customer}/statement?limit=2`)).json();
    expect(first.data.map((l: { postedBalance: string }) => l.postedBalance)).toEqual(['100.00', '99.00']);
    expect(first.nextCursor).toBeTypeOf('string');
    const second = (await get(`/v1/ledger/accounts/${customer}/statement?limit=2&cursor=${first.nextCursor}`)).json();
    expect(
      second.data.map((l: { postedBalance: string; direction: string }) => [l.direction, l.postedBalance]),
    ).toEqual([
      ['debit', '97.00'],
      ['debit', '94.00'],
    ]);
    expect(second.nextCursor).toBeNull();
    const past = (await get(`/v1/ledger/accounts/${customer}?asOf=2000-01-01T00:00:00Z`)).json();
    expect(past.balances.posted).toBe('0.00');
    const bad = await get(`/v1/ledger/accounts/${customer}/statement?cursor=nonsense`);
    expect(bad.json().code).toBe('cursor_malformed');
  });

  it('freezes, refuses, unfreezes and closes only at zero', async () => {
    const { bank, customer } = await fundedPair('5.00');
    expect((await post(`/v1/ledger/accounts/${customer}/freeze`, undefined)).json().status).toBe('frozen');
    const refused = await post('/v1/ledger/transfers', {
      id: trf(),
      debitAccountId: customer,
      creditAccountId: bank,
      amount: '1.00',
      currency: 'CNY',
    });
    expect(refused.json().code).toBe('account_frozen');
    expect((await post(`/v1/ledger/accounts/${customer}/unfreeze`, undefined)).json().status).toBe('active');
    expect((await post(`/v1/ledger/accounts/${customer}/close`, undefined)).json().code).toBe(
      'account_balance_not_zero',
    );
    await post('/v1/ledger/transfers', {
      id: trf(),
      debitAccountId: customer,
      creditAccountId: bank,
      amount: '5.00',
      currency: 'CNY',
    });
    expect((await post(`/v1/ledger/accounts/${customer}/close`, undefined)).json().status).toBe('closed');
  });

  it('needs the write scope to write and keeps the books balanced', async () => {
    const denied = await app.inject({
      method: 'POST',
      url: '/v1/ledger/accounts',
      headers: reader,
      payload: { currency: 'CNY', type: 'asset' },
    });
    expect(denied.statusCode).toBe(403);
    for (const row of (await totals()).data) expect(row.balanced).toBe(true);
    const paths = Object.keys(
      (await app.inject({ method: 'GET', url: '/openapi.json', headers: reader })).json().paths,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/ledger/transfers',
        '/v1/ledger/transfers/batch',
        '/v1/ledger/accounts/{id}/statement',
      ]),
    );
  });
});
