// Proves the payments HTTP API end to end in-process on both engines: Idempotency-Key (stored response, 409 on a different body), precise problem+json for bad input, scopes, merchant QR generate → parse → pay with the fee split, a tampered QR refused with its position, FX rates and quotes, refunds, review release, and the OpenAPI listing.
import { testBackends } from '@zhirong/db/testing';
import { ledgerPaymentRail } from '@zhirong/flows';
import { cryptoRng, IdGenerator, systemClock } from '@zhirong/kernel';
import { ledgerModule } from '@zhirong/ledger';
import { amountThresholdPolicy, paymentsModule } from '@zhirong/payments';
import type { Platform, ZhirongModule } from '@zhirong/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { bearer, bootTestPlatform, testKey } from './test-support.ts';

const ids = new IdGenerator(systemClock, cryptoRng);

describe.each(testBackends())('payments HTTP API on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;
  let writer: Record<string, string>;
  let reader: Record<string, string>;
  let admin: Record<string, string>;
  let reviewer: Record<string, string>;

  beforeAll(async () => {
    platform = await bootTestPlatform(backend, {
      modules: [
        ledgerModule,
        paymentsModule({
          rail: ledgerPaymentRail,
          riskGate: () => amountThresholdPolicy({ CNY: { reviewAboveMinor: 1_000_00n } }),
        }),
      ] as unknown as ZhirongModule<Record<string, never>>[],
    });
    app = await createApp(platform);
    writer = bearer(await testKey(platform, ['payments:read', 'payments:write', 'ledger:read', 'ledger:write']));
    reader = bearer(await testKey(platform, ['payments:read']));
    admin = bearer(await testKey(platform, ['payments:read', 'payments:admin']));
    reviewer = bearer(await testKey(platform, ['payments:read', 'payments:review']));
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = writer) =>
    app.inject({ method: 'POST', url, headers, payload: payload as object });
  const get = (url: string, headers: Record<string, string> = reader) => app.inject({ method: 'GET', url, headers });

  async function account(funded = '0.00', currency = 'CNY') {
    const id = ids.next('acc');
    const created = await post('/v1/ledger/accounts', {
      id,
      currency,
      type: 'liability',
      flags: ['debits_must_not_exceed_credits'],
    });
    expect(created.statusCode, created.body).toBe(201);
    if (funded !== '0.00') {
      const bank = ids.next('acc');
      await post('/v1/ledger/accounts', { id: bank, currency, type: 'asset' });
      const funding = await post('/v1/ledger/transfers', {
        id: ids.next('trf'),
        debitAccountId: bank,
        creditAccountId: id,
        amount: funded,
        currency,
      });
      expect(funding.statusCode, funding.body).toBe(201);
    }
    return id;
  }

  async function available(id: string) {
    return (await get(`/v1/ledger/accounts/${id}`, writer)).json().balances.available as string;
  }

  it('creates a payment with an Idempotency-Key and replays the stored response', async () => {
    const alice = await account('100.00');
    const bob = await account();
    const body = { kind: 'p2p', amount: '12.50', currency: 'CNY', debtorAccountId: alice, creditorAccountId: bob };
    const key = { ...writer, 'idempotency-key': `order-${ids.uuid()}` };
    const first = await post('/v1/payments', body, key);
    expect(first.statusCode, first.body).toBe(201);
    const payment = first.json();
    expect(payment).toMatchObject({
      kind: 'p2p',
      state: 'settled',
      amount: '12.50',
      creditAmount: '12.50',
      debtorAccountId: alice,
    });
    expect(payment.id).toMatch(/^pay_/);
    expect(payment.transitions.map((t: { to: string }) => t.to)).toEqual([
      'created',
      'screened',
      'authorized',
      'settled',
    ]);

    const replay = await post('/v1/payments', body, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(payment);
    const different = await post('/v1/payments', { ...body, amount: '12.51' }, key);
    expect(different.statusCode).toBe(409);
    expect(different.headers['content-type']).toContain('application/problem+json');
    expect(different.json().code).toBe('idempotency_key_reused');
    expect(await available(bob)).toBe('12.50');

    const shown = await get(`/v1/payments/${payment.id}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ id: payment.id, state: 'settled', refunds: [] });
    const listed = await get(`/v1/payments?accountId=${bob}&state=settled`);
    expect(listed.json().data.map((p: { id: string }) => p.id)).toEqual([payment.id]);
    // The stored response is the payment as the create call answered, even after it has changed.
    expect((await post(`/v1/payments/${payment.id}/refunds`, { amount: '2.50' })).statusCode).toBe(201);
    const later = await post('/v1/payments', body, key);
    expect(later.json()).toEqual(payment);
    expect((await get(`/v1/payments/${payment.id}`)).json()).toMatchObject({ refunded: '2.50' });
  });

  it('refuses bad input with a precise problem and writes nothing', async () => {
    const alice = await account('10.00');
    const bob = await account();
    const base = { kind: 'p2p', amount: '1.00', currency: 'CNY', debtorAccountId: alice, creditorAccountId: bob };
    const cases: [unknown, number, string, Record<string, string>?][] = [
      [{ ...base, amount: '1.001' }, 400, 'amount_too_precise'],
      [{ ...base, amount: '-1.00' }, 400, 'amount_negative'],
      [{ ...base, amount: '0' }, 400, 'amount_zero'],
      [{ ...base, currency: 'XXX' }, 400, 'currency_unknown'],
      [{ ...base, debtorAccountId: 'acc_nope' }, 400, 'id_malformed'],
      [{ ...base, creditorAccountId: undefined }, 400, 'party_required'],
      [{ ...base, kind: 'merchant' }, 400, 'party_required'],
      [{ ...base, extra: 1 }, 400, 'field_unknown'],
      [{ ...base, kind: 'teleport' }, 400, 'field_invalid'],
      [{ ...base, merchantId: ids.next('mch') }, 400, 'party_not_allowed'],
      [{ ...base, quoteId: ids.next('fxq') }, 404, 'quote_not_found'],
      [base, 400, 'idempotency_key_invalid', { ...writer, 'idempotency-key': 'x'.repeat(256) }],
      [{ ...base, amount: '10.01' }, 201, '', writer],
    ];
    for (const [payload, status, code, headers] of cases) {
      const response = await post('/v1/payments', payload, headers ?? writer);
      expect(response.statusCode, `${JSON.stringify(payload)} → ${response.body}`).toBe(status);
      if (code) expect(response.json().code).toBe(code);
    }
    // Only the last one became a payment, and the ledger refused it (insufficient funds): nothing moved.
    expect(await available(alice)).toBe('10.00');
    const failed = (await get(`/v1/payments?accountId=${alice}`)).json().data;
    expect(failed.map((p: { state: string; failureCode: string }) => [p.state, p.failureCode])).toEqual([
      ['failed', 'exceeds_credits'],
    ]);
    expect((await post('/v1/payments', base, reader)).statusCode).toBe(403);
    expect((await get('/v1/payments/pay_01jdz3k8m6f0v8s4d2qf3a9b7c')).json().code).toBe('payment_not_found');
  });

  it('generates a merchant QR code, decodes it, and pays from it with the fee split', async () => {
    const merchantAccount = await account();
    const consumer = await account('500.00');
    const merchant = await post(
      '/v1/payments/merchants',
      {
        name: 'BEST TRANSPORT',
        city: 'BEIJING',
        country: 'CN',
        merchantCategoryCode: '4111',
        currency: 'CNY',
        accountId: merchantAccount,
        mdr: '0.006',
        nameAlternate: '最佳运输',
        language: 'ZH',
      },
      admin,
    );
    expect(merchant.statusCode, merchant.body).toBe(201);
    const merchantId = merchant.json().id;
    expect(
      (
        await post(
          '/v1/payments/merchants',
          {
            name: 'X',
            city: 'Y',
            country: 'CN',
            merchantCategoryCode: '1234',
            currency: 'CNY',
            accountId: merchantAccount,
            mdr: '0.5',
          },
          admin,
        )
      ).json().code,
    ).toBe('mdr_invalid');

    const generated = await post('/v1/payments/qr/generate', {
      merchantId,
      amount: '23.72',
      referenceLabel: 'INV-0042',
    });
    expect(generated.statusCode, generated.body).toBe(200);
    const { payload } = generated.json();
    expect(payload).toMatch(/^000201010212/);
    const decoded = await post('/v1/payments/qr/parse', { payload });
    expect(decoded.json()).toMatchObject({
      merchantId,
      amount: '23.72',
      currency: 'CNY',
      merchantName: 'BEST TRANSPORT',
      merchantCategoryCode: '4111',
      alternateLanguage: { language: 'ZH', merchantName: '最佳运输' },
      additionalData: { referenceLabel: 'INV-0042' },
    });

    const paid = await post(
      '/v1/payments/qr/pay',
      { payload, debtorAccountId: consumer },
      { ...writer, 'idempotency-key': ids.uuid() },
    );
    expect(paid.statusCode, paid.body).toBe(201);
    expect(paid.json()).toMatchObject({
      kind: 'merchant',
      state: 'settled',
      amount: '23.72',
      fee: '0.14',
      mdr: '0.006',
      merchantId,
    });
    expect(paid.json().remittanceInformation).toBe('INV-0042');
    expect(await available(merchantAccount)).toBe('23.58');
    expect(await available(consumer)).toBe('476.28');

    const mismatch = await post('/v1/payments/qr/pay', { payload, debtorAccountId: consumer, amount: '1.00' });
    expect(mismatch.json().code).toBe('qr_amount_mismatch');
    const staticCode = (await post('/v1/payments/qr/generate', { merchantId })).json().payload;
    expect((await post('/v1/payments/qr/pay', { payload: staticCode, debtorAccountId: consumer })).json().code).toBe(
      'qr_amount_required',
    );

    const tampered = payload.replace('23.72', '23.73');
    const refused = await app.inject({
      method: 'POST',
      url: '/v1/payments/qr/pay',
      headers: { ...writer, 'accept-language': 'zh-CN' },
      payload: { payload: tampered, debtorAccountId: consumer },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'qr_crc_mismatch', tag: '63', position: payload.length - 4 });
    expect(refused.json().title).toContain('CRC');
    expect(refused.json().title).toMatch(/[\u4e00-\u9fff]/);
    const malformed = await post('/v1/payments/qr/parse', { payload: '00020101021152' });
    expect(malformed.json()).toMatchObject({ code: 'qr_tlv_malformed', position: 12 });
    expect(await available(consumer)).toBe('476.28');
  });

  it('sets FX rates, quotes with a locked rate, and pays across currencies', async () => {
    expect(
      (await app.inject({ method: 'PUT', url: '/v1/payments/fx-rates', headers: writer, payload: { rates: [] } }))
        .statusCode,
    ).toBe(403);
    const bad = await app.inject({
      method: 'PUT',
      url: '/v1/payments/fx-rates',
      headers: admin,
      payload: { rates: [{ base: 'EUR', quote: 'CNY', mid: '-7', spreadBps: 20 }] },
    });
    expect(bad.json().code).toBe('fx_rate_invalid');
    const set = await app.inject({
      method: 'PUT',
      url: '/v1/payments/fx-rates',
      headers: admin,
      payload: { rates: [{ base: 'EUR', quote: 'CNY', mid: '7.8125', spreadBps: 20 }] },
    });
    expect(set.statusCode, set.body).toBe(200);
    const quote = await post('/v1/payments/quotes', {
      sellCurrency: 'EUR',
      buyCurrency: 'CNY',
      sellAmount: '100.00',
      ttlSeconds: 120,
    });
    expect(quote.statusCode, quote.body).toBe(201);
    expect(quote.json()).toMatchObject({
      sellAmount: '100.00',
      buyAmount: '779.68',
      midRate: '7.8125000000',
      rate: '7.7968750000',
      spreadBps: 20,
    });
    const payer = await account('200.00', 'EUR');
    const payee = await account();
    const paid = await post('/v1/payments', {
      kind: 'p2p',
      amount: '100.00',
      currency: 'EUR',
      debtorAccountId: payer,
      creditorAccountId: payee,
      quoteId: quote.json().id,
    });
    expect(paid.statusCode, paid.body).toBe(201);
    expect(paid.json()).toMatchObject({
      state: 'settled',
      creditAmount: '779.68',
      creditCurrency: 'CNY',
      quote: { id: quote.json().id },
    });
    expect(await available(payee)).toBe('779.68');
    expect((await get(`/v1/payments/quotes/${quote.json().id}`)).json().usedByPaymentId).toBe(paid.json().id);
    expect((await post('/v1/payments/quotes', { sellCurrency: 'EUR', buyCurrency: 'CNY' })).statusCode).toBe(400);
  });

  it('refunds, releases a reviewed payment, and checks scopes on review and reversal', async () => {
    const payer = await account('5000.00');
    const payee = await account();
    const paid = (
      await post('/v1/payments', {
        kind: 'p2p',
        amount: '100.00',
        currency: 'CNY',
        debtorAccountId: payer,
        creditorAccountId: payee,
      })
    ).json();
    const refund = await post(
      `/v1/payments/${paid.id}/refunds`,
      { amount: '40.00', reason: 'damaged' },
      { ...writer, 'idempotency-key': 'refund-1' },
    );
    expect(refund.statusCode, refund.body).toBe(201);
    expect(refund.json().refund).toMatchObject({ amount: '40.00', state: 'succeeded' });
    const again = await post(
      `/v1/payments/${paid.id}/refunds`,
      { amount: '40.00', reason: 'damaged' },
      { ...writer, 'idempotency-key': 'refund-1' },
    );
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await post(`/v1/payments/${paid.id}/refunds`, { amount: '60.01' })).json().code).toBe(
      'refund_exceeds_payment',
    );
    expect(await available(payee)).toBe('60.00');
    expect((await post(`/v1/payments/${paid.id}/reverse`, {})).statusCode).toBe(403);

    const held = (
      await post('/v1/payments', {
        kind: 'p2p',
        amount: '2000.00',
        currency: 'CNY',
        debtorAccountId: payer,
        creditorAccountId: payee,
      })
    ).json();
    expect(held.state).toBe('review');
    expect((await post(`/v1/payments/${held.id}/release`, {})).statusCode).toBe(403);
    const released = await post(`/v1/payments/${held.id}/release`, {}, reviewer);
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json().state).toBe('settled');
    expect(await available(payee)).toBe('2060.00');
  });

  it('lists the payments routes in the OpenAPI document', async () => {
    const doc = (await get('/openapi.json', admin)).json();
    for (const path of [
      '/v1/payments/',
      '/v1/payments/{id}',
      '/v1/payments/quotes',
      '/v1/payments/qr/pay',
      '/v1/payments/{id}/refunds',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});
