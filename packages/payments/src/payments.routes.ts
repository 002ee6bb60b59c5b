import { createHash } from 'node:crypto';
import type {} from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  canonicalJson,
  formatAmount,
  formatId,
  IDEMPOTENCY_KEY_PATTERN,
  type IdGenerator,
  LIMITS,
} from '@zhirong/kernel';
import { problem } from '@zhirong/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { paymentsErrors } from './errors.ts';
import { PAYMENT_KINDS, PAYMENT_STATES, type PaymentState } from './payment.ts';
import {
  ACCOUNT_PREFIX,
  amountMinor,
  fail,
  MERCHANT_PREFIX,
  merchantJson,
  PAYMENT_PREFIX,
  paymentJson,
  QUOTE_PREFIX,
  quoteJson,
  refundJson,
  uuidOf,
} from './payments.dto.ts';
import {
  type CreatePaymentInput,
  IdempotencyConflict,
  type PaymentsService,
  type RequestContext,
} from './payments.service.ts';
import { buildMerchantQr, type MerchantQr, parseMerchantQr, QrBuildError } from './qr.ts';

const IdString = (prefix: string) =>
  Type.String({ minLength: 1, maxLength: 64, description: `A \`${prefix}_\` id (TypeID: prefix + UUIDv7 in base32)` });
const Amount = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Decimal string in major units with at most the currency minor digits, e.g. "1500.00"',
  examples: ['1500.00'],
});
const Currency = Type.String({ minLength: 3, maxLength: 3, description: 'ISO 4217 code', examples: ['CNY'] });
const Metadata = Type.Record(Type.String(), Type.Unknown(), { description: 'Free-form JSON, at most 4 KiB' });
const Limit = Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax, default: LIMITS.pageSizeDefault });
const strict = { additionalProperties: false } as const;
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

const Party = Type.Object(
  {
    name: Type.Optional(Text(140)),
    iban: Type.Optional(Type.String({ pattern: '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$' })),
    accountId: Type.Optional(Text(34)),
    bic: Type.Optional(Type.String({ pattern: '^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$' })),
    country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  },
  strict,
);

const PaymentBody = Type.Object(
  {
    kind: Type.Union(PAYMENT_KINDS.map((k) => Type.Literal(k))),
    amount: Amount,
    currency: Currency,
    debtorAccountId: Type.Optional(IdString(ACCOUNT_PREFIX)),
    creditorAccountId: Type.Optional(IdString(ACCOUNT_PREFIX)),
    merchantId: Type.Optional(IdString(MERCHANT_PREFIX)),
    quoteId: Type.Optional(IdString(QUOTE_PREFIX)),
    debtor: Type.Optional(Party),
    creditor: Type.Optional(Party),
    capture: Type.Optional(Type.Union([Type.Literal('automatic'), Type.Literal('manual')])),
    endToEndId: Type.Optional(Type.String({ minLength: 1, maxLength: 35, pattern: '^[\\x21-\\x7e]+$' })),
    remittanceInformation: Type.Optional(Text(140)),
    metadata: Type.Optional(Metadata),
  },
  strict,
);

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, strict);
const ReasonBody = Type.Object({ reason: Type.Optional(Text(500)) }, strict);
const RefundBody = Type.Object(
  { amount: Type.Optional(Amount), reason: Type.Optional(Text(500)) },
  { ...strict, description: 'Without an amount, the rest of the payment is refunded.' },
);

const read = { scope: 'payments:read' } as const;
const write = { scope: 'payments:write' } as const;
const review = { scope: 'payments:review' } as const;
const admin = { scope: 'payments:admin' } as const;

export interface PaymentsRouteDeps {
  readonly payments: PaymentsService;
  readonly ids: IdGenerator;
  /** GUID of this institution's merchant account template (EMV QR ID 26, sub-object 00). */
  readonly qrNetworkId: string;
}

/** The principal, the Idempotency-Key and a digest of the request. */
export function requestContext(request: FastifyRequest): RequestContext {
  const header = request.headers['idempotency-key'];
  const principal = request.principal?.keyId ?? 'anonymous';
  if (header === undefined) return { principal, actor: principal };
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(header)) fail('idempotency_key_invalid');
  const path = request.url.split('?')[0] ?? '';
  const requestHash = createHash('sha256')
    .update(`${request.method} ${path}\n${canonicalJson(request.body ?? null)}`)
    .digest('base64url');
  return { principal, actor: principal, idempotencyKey: header, requestHash };
}

function sendStored(reply: FastifyReply, statusCode: number, body: unknown, replayed: boolean) {
  if (replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(statusCode).send(body);
}

function withConflicts<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((error: unknown) => {
    if (error instanceof IdempotencyConflict) fail(error.code);
    throw error;
  });
}

export async function paymentsRoutes(appBase: FastifyInstance, deps: PaymentsRouteDeps): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { payments, ids } = deps;
  const tags = ['payments'];

  const paymentInput = (b: Static<typeof PaymentBody>): CreatePaymentInput => {
    if (b.metadata !== undefined && Buffer.byteLength(JSON.stringify(b.metadata)) > LIMITS.metadataBytesMax) {
      fail('metadata_too_large', { max: LIMITS.metadataBytesMax }, '/metadata');
    }
    return {
      kind: b.kind,
      amountMinor: amountMinor(b.amount, b.currency, '/amount'),
      currency: b.currency,
      debtorAccountId: b.debtorAccountId ? uuidOf(ACCOUNT_PREFIX, b.debtorAccountId, '/debtorAccountId') : null,
      creditorAccountId: b.creditorAccountId ? uuidOf(ACCOUNT_PREFIX, b.creditorAccountId, '/creditorAccountId') : null,
      merchantId: b.merchantId ? uuidOf(MERCHANT_PREFIX, b.merchantId, '/merchantId') : null,
      quoteId: b.quoteId ? uuidOf(QUOTE_PREFIX, b.quoteId, '/quoteId') : null,
      debtor: b.debtor ?? null,
      creditor: b.creditor ?? null,
      capture: b.capture ?? 'automatic',
      endToEndId: b.endToEndId ?? null,
      remittanceInformation: b.remittanceInformation ?? null,
      metadata: b.metadata ?? {},
    };
  };

  const create = async (reply: FastifyReply, input: CreatePaymentInput, context: RequestContext) => {
    const outcome = await payments.createPayment(input, context);
    if (!outcome.ok) fail(outcome.code, outcome.params);
    if (outcome.replayed) return sendStored(reply, outcome.statusCode, outcome.response, true);
    return reply.code(201).send(paymentJson(outcome.payment));
  };

  app.post(
    '/',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a payment order: risk gate, hold, and (automatic capture) settlement',
        description:
          'Send an `Idempotency-Key` header: a retry with the same key and body returns the stored response; with another body, 409.',
        body: PaymentBody,
      },
    },
    async (request, reply) => create(reply, paymentInput(request.body), requestContext(request)),
  );

  app.get(
    '/',
    {
      config: read,
      schema: {
        tags,
        summary: 'List payments, newest first',
        querystring: Type.Object(
          {
            limit: Type.Optional(Limit),
            cursor: Type.Optional(Type.String({ maxLength: 64 })),
            state: Type.Optional(Type.Union(PAYMENT_STATES.map((s) => Type.Literal(s)))),
            accountId: Type.Optional(IdString(ACCOUNT_PREFIX)),
            endToEndId: Type.Optional(Type.String({ maxLength: 35 })),
          },
          strict,
        ),
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? LIMITS.pageSizeDefault;
      const list = await payments.listPayments({
        limit: limit + 1,
        ...(q.cursor ? { afterId: uuidOf(PAYMENT_PREFIX, q.cursor, '/cursor') } : {}),
        ...(q.state ? { state: q.state as PaymentState } : {}),
        ...(q.accountId ? { accountId: uuidOf(ACCOUNT_PREFIX, q.accountId, '/accountId') } : {}),
        ...(q.endToEndId ? { endToEndId: q.endToEndId } : {}),
      });
      const page = list.slice(0, limit);
      const last = page.at(-1);
      return {
        data: page.map((p) => paymentJson(p)),
        nextCursor: list.length > limit && last ? formatId(PAYMENT_PREFIX, last.id) : null,
      };
    },
  );

  app.get(
    '/:id',
    { config: read, schema: { tags, summary: 'A payment with its transitions and refunds', params: IdParams } },
    async (request) => {
      const found = await payments.getPayment(uuidOf(PAYMENT_PREFIX, request.params.id, '/id'));
      if (!found) fail('payment_not_found', { id: request.params.id });
      return paymentJson(found.payment, found.refunds);
    },
  );

  const operations = [
    ['capture', write, 'Capture (post) an authorized payment with manual capture'],
    ['cancel', write, 'Cancel an authorized payment: the hold is voided'],
    ['release', review, 'Release a payment held for review: it is authorized and settled'],
    ['reject', review, 'Reject a payment held for review: the hold is voided and it is declined'],
    ['reverse', admin, 'Reverse a settled payment: every ledger leg is corrected'],
  ] as const;
  for (const [action, config, summary] of operations) {
    app.post(
      `/:id/${action}`,
      {
        config: { scope: config.scope as string },
        schema: { tags, summary, params: IdParams, body: Type.Optional(ReasonBody) },
      },
      async (request, reply) => {
        const id = uuidOf(PAYMENT_PREFIX, request.params.id, '/id');
        const context = requestContext(request);
        const reason = request.body?.reason;
        const result = await withConflicts(
          payments.idempotent(context, async () => {
            const outcome =
              action === 'capture'
                ? await payments.capture(id, context)
                : action === 'cancel'
                  ? await payments.cancel(id, context)
                  : action === 'release'
                    ? await payments.release(id, context)
                    : action === 'reject'
                      ? await payments.reject(id, context, reason)
                      : await payments.reverse(id, context, reason);
            if (!outcome.ok) fail(outcome.code, outcome.params);
            return { statusCode: 200, body: paymentJson(outcome.value) };
          }),
        );
        return sendStored(reply, result.statusCode, result.body, result.replayed);
      },
    );
  }

  app.post(
    '/:id/refunds',
    {
      config: write,
      schema: { tags, summary: 'Refund all or part of a settled payment', params: IdParams, body: RefundBody },
    },
    async (request, reply) => {
      const id = uuidOf(PAYMENT_PREFIX, request.params.id, '/id');
      const context = requestContext(request);
      const result = await withConflicts(
        payments.idempotent(context, async () => {
          let amount: bigint | undefined;
          if (request.body.amount !== undefined) {
            const found = await payments.getPayment(id);
            if (!found) fail('payment_not_found', { id: request.params.id });
            amount = amountMinor(request.body.amount, found.payment.currency, '/amount');
          }
          const outcome = await payments.refund(
            id,
            {
              ...(amount === undefined ? {} : { amountMinor: amount }),
              ...(request.body.reason ? { reason: request.body.reason } : {}),
            },
            context,
          );
          if (!outcome.ok) fail(outcome.code, outcome.params);
          return {
            statusCode: 201,
            body: { refund: refundJson(outcome.value.refund), payment: paymentJson(outcome.value.payment) },
          };
        }),
      );
      return sendStored(reply, result.statusCode, result.body, result.replayed);
    },
  );

  // ---------------------------------------------------------------- FX

  const RateItem = Type.Object(
    {
      base: Currency,
      quote: Currency,
      mid: Type.String({ minLength: 1, maxLength: 32, description: 'Units of quote per unit of base, e.g. "7.1234"' }),
      spreadBps: Type.Integer({ minimum: 0, maximum: 1000 }),
    },
    strict,
  );

  app.get('/fx-rates', { config: read, schema: { tags, summary: 'The FX rate table' } }, async () => ({
    data: (await payments.listRates()).map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() })),
  }));

  app.put(
    '/fx-rates',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Set FX rates (mid and spread per pair); other pairs are kept',
        body: Type.Object({ rates: Type.Array(RateItem, { minItems: 1, maxItems: 500 }) }, strict),
      },
    },
    async (request) => {
      const outcome = await payments.setRates(request.body.rates);
      if (!outcome.ok) fail(outcome.code, outcome.params);
      return { data: (await payments.listRates()).map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() })) };
    },
  );

  app.post(
    '/quotes',
    {
      config: write,
      schema: {
        tags,
        summary: 'Quote a conversion: a locked rate with spread and expiry',
        description: 'Give `sellAmount` (the debtor pays this) or `buyAmount` (the creditor receives this), not both.',
        body: Type.Object(
          {
            sellCurrency: Currency,
            buyCurrency: Currency,
            sellAmount: Type.Optional(Amount),
            buyAmount: Type.Optional(Amount),
            ttlSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
          },
          strict,
        ),
      },
    },
    async (request, reply) => {
      const b = request.body;
      if ((b.sellAmount === undefined) === (b.buyAmount === undefined)) {
        fail('party_required', { kind: 'quote', field: 'exactly one of sellAmount and buyAmount' });
      }
      const context = requestContext(request);
      const result = await withConflicts(
        payments.idempotent(context, async () => {
          const outcome = await payments.createQuote({
            sellCurrency: b.sellCurrency,
            buyCurrency: b.buyCurrency,
            ...(b.sellAmount !== undefined
              ? { sellAmountMinor: amountMinor(b.sellAmount, b.sellCurrency, '/sellAmount') }
              : {}),
            ...(b.buyAmount !== undefined
              ? { buyAmountMinor: amountMinor(b.buyAmount, b.buyCurrency, '/buyAmount') }
              : {}),
            ...(b.ttlSeconds ? { ttlMs: b.ttlSeconds * 1000 } : {}),
          });
          if (!outcome.ok) fail(outcome.code, outcome.params);
          return { statusCode: 201, body: quoteJson(outcome.value) };
        }),
      );
      return sendStored(reply, result.statusCode, result.body, result.replayed);
    },
  );

  app.get(
    '/quotes/:id',
    { config: read, schema: { tags, summary: 'An FX quote', params: IdParams } },
    async (request) => {
      const quote = await payments.getQuote(uuidOf(QUOTE_PREFIX, request.params.id, '/id'));
      if (!quote) fail('quote_not_found', { id: request.params.id });
      return quoteJson(quote);
    },
  );

  // ---------------------------------------------------------------- merchants

  app.post(
    '/merchants',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Register a merchant (idempotent by id): settlement account, MCC and discount rate',
        body: Type.Object(
          {
            id: Type.Optional(IdString(MERCHANT_PREFIX)),
            name: Type.String({ minLength: 1, maxLength: 25, pattern: '^[\\x20-\\x7e]+$' }),
            city: Type.String({ minLength: 1, maxLength: 15, pattern: '^[\\x20-\\x7e]+$' }),
            country: Type.String({ pattern: '^[A-Z]{2}$' }),
            postalCode: Type.Optional(Type.String({ minLength: 1, maxLength: 10, pattern: '^[\\x20-\\x7e]+$' })),
            merchantCategoryCode: Type.String({ pattern: '^[0-9]{4}$' }),
            currency: Currency,
            accountId: IdString(ACCOUNT_PREFIX),
            mdr: Type.String({
              minLength: 1,
              maxLength: 16,
              description: 'Merchant discount rate, e.g. "0.006" (0.6 %)',
            }),
            nameAlternate: Type.Optional(Text(25)),
            language: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
            metadata: Type.Optional(Metadata),
          },
          strict,
        ),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const outcome = await payments.createMerchant({
        id: b.id ? uuidOf(MERCHANT_PREFIX, b.id, '/id') : ids.uuid(),
        name: b.name,
        city: b.city,
        country: b.country,
        postalCode: b.postalCode ?? null,
        merchantCategoryCode: b.merchantCategoryCode,
        currency: b.currency as never,
        accountId: uuidOf(ACCOUNT_PREFIX, b.accountId, '/accountId'),
        mdr: b.mdr,
        nameAlternate: b.nameAlternate ?? null,
        language: b.language ?? null,
        metadata: b.metadata ?? {},
      });
      if (!outcome.ok) fail(outcome.code, outcome.params);
      return reply.code(outcome.value.created ? 201 : 200).send(merchantJson(outcome.value.merchant));
    },
  );

  app.get(
    '/merchants/:id',
    { config: read, schema: { tags, summary: 'A merchant', params: IdParams } },
    async (request) => {
      const merchant = await payments.getMerchant(uuidOf(MERCHANT_PREFIX, request.params.id, '/id'));
      if (!merchant) fail('merchant_not_found', { id: request.params.id });
      return merchantJson(merchant);
    },
  );

  // ---------------------------------------------------------------- QR

  app.post(
    '/qr/generate',
    {
      config: write,
      schema: {
        tags,
        summary: 'Generate an EMV merchant-presented QR payload (static, or dynamic with an amount)',
        body: Type.Object(
          {
            merchantId: IdString(MERCHANT_PREFIX),
            amount: Type.Optional(Amount),
            billNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 25, pattern: '^[\\x20-\\x7e]+$' })),
            referenceLabel: Type.Optional(Type.String({ minLength: 1, maxLength: 25, pattern: '^[\\x20-\\x7e]+$' })),
            terminalLabel: Type.Optional(Type.String({ minLength: 1, maxLength: 25, pattern: '^[\\x20-\\x7e]+$' })),
          },
          strict,
        ),
      },
    },
    async (request) => {
      const b = request.body;
      const merchant = await payments.getMerchant(uuidOf(MERCHANT_PREFIX, b.merchantId, '/merchantId'));
      if (!merchant) fail('merchant_not_found', { id: b.merchantId });
      const amount = b.amount === undefined ? undefined : amountMinor(b.amount, merchant.currency, '/amount');
      const additionalData = {
        ...(b.billNumber ? { billNumber: b.billNumber } : {}),
        ...(b.referenceLabel ? { referenceLabel: b.referenceLabel } : {}),
        ...(b.terminalLabel ? { terminalLabel: b.terminalLabel } : {}),
      };
      try {
        const payload = buildMerchantQr({
          merchantAccount: {
            tag: '26',
            guid: deps.qrNetworkId,
            fields: { '01': formatId(MERCHANT_PREFIX, merchant.id) },
          },
          merchantCategoryCode: merchant.merchantCategoryCode,
          currency: merchant.currency,
          ...(amount === undefined ? {} : { amountMinor: amount }),
          countryCode: merchant.country,
          merchantName: merchant.name,
          merchantCity: merchant.city,
          ...(merchant.postalCode ? { postalCode: merchant.postalCode } : {}),
          ...(Object.keys(additionalData).length ? { additionalData } : {}),
          ...(merchant.nameAlternate && merchant.language
            ? { alternateLanguage: { language: merchant.language, merchantName: merchant.nameAlternate } }
            : {}),
        });
        return {
          payload,
          merchantId: b.merchantId,
          pointOfInitiation: amount === undefined ? 'static' : 'dynamic',
          amount: amount === undefined ? null : formatAmount(amount, merchant.currency),
          currency: merchant.currency,
        };
      } catch (error) {
        if (error instanceof QrBuildError) fail('qr_build_invalid', { message: error.message });
        throw error;
      }
    },
  );

  const QrBody = Type.Object({ payload: Type.String({ minLength: 1, maxLength: 4096 }) }, strict);

  const decode = (payload: string) => {
    const parsed = parseMerchantQr(payload);
    if (!parsed.ok) {
      const e = parsed.error;
      throw problem(paymentsErrors, e.code, {
        params: { position: e.position, tag: e.tag ?? '', message: e.message },
        extensions: { position: e.position, ...(e.tag ? { tag: e.tag } : {}) },
      });
    }
    return parsed.qr;
  };

  const ourMerchantId = (qr: MerchantQr): string | undefined => {
    for (const account of qr.merchantAccounts) {
      if (account.guid?.toLowerCase() === deps.qrNetworkId.toLowerCase() && account.fields['01'])
        return account.fields['01'];
    }
    return undefined;
  };

  app.post(
    '/qr/parse',
    { config: read, schema: { tags, summary: 'Decode and check an EMV merchant-presented QR payload', body: QrBody } },
    async (request) => {
      const qr = decode(request.body.payload);
      return qrJson(qr, ourMerchantId(qr) ?? null);
    },
  );

  app.post(
    '/qr/pay',
    {
      config: write,
      schema: {
        tags,
        summary: 'Pay a merchant from a scanned QR payload (creates a merchant payment)',
        body: Type.Object(
          {
            payload: Type.String({ minLength: 1, maxLength: 4096 }),
            debtorAccountId: IdString(ACCOUNT_PREFIX),
            amount: Type.Optional(Amount),
            capture: Type.Optional(Type.Union([Type.Literal('automatic'), Type.Literal('manual')])),
          },
          strict,
        ),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const qr = decode(b.payload);
      const merchantRef = ourMerchantId(qr);
      if (!merchantRef) fail('qr_merchant_unknown');
      const merchantId = uuidOf(MERCHANT_PREFIX, merchantRef, '/payload');
      let amount = qr.amountMinor;
      if (b.amount !== undefined) {
        const given = amountMinor(b.amount, qr.currency, '/amount');
        if (amount !== undefined && given !== amount) {
          fail('qr_amount_mismatch', { expected: formatAmount(amount, qr.currency), given: b.amount });
        }
        amount = given;
      }
      if (amount === undefined) fail('qr_amount_required');
      const reference = qr.additionalData?.referenceLabel ?? qr.additionalData?.billNumber;
      return create(
        reply,
        {
          kind: 'merchant',
          amountMinor: amount,
          currency: qr.currency,
          debtorAccountId: uuidOf(ACCOUNT_PREFIX, b.debtorAccountId, '/debtorAccountId'),
          merchantId,
          capture: b.capture ?? 'automatic',
          ...(reference ? { remittanceInformation: reference } : {}),
          metadata: {
            qr: {
              crc: qr.crc,
              pointOfInitiation: qr.pointOfInitiation ?? null,
              additionalData: qr.additionalData ?? {},
            },
          },
        },
        requestContext(request),
      );
    },
  );
}

export function qrJson(qr: MerchantQr, merchantId: string | null) {
  return {
    pointOfInitiation: qr.pointOfInitiation ?? null,
    merchantAccounts: qr.merchantAccounts,
    merchantCategoryCode: qr.merchantCategoryCode,
    currency: qr.currency,
    currencyNumeric: qr.currencyNumeric,
    amount: qr.amountMinor === undefined ? null : formatAmount(qr.amountMinor, qr.currency),
    tipIndicator: qr.tipIndicator ?? null,
    countryCode: qr.countryCode,
    merchantName: qr.merchantName,
    merchantCity: qr.merchantCity,
    postalCode: qr.postalCode ?? null,
    additionalData: qr.additionalData ?? null,
    alternateLanguage: qr.alternateLanguage ?? null,
    crc: qr.crc,
    merchantId,
    objects: qr.objects,
  };
}
