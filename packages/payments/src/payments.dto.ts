import { formatAmount, formatId, parseAmount, parseId } from '@zhirong/kernel';
import { problem } from '@zhirong/platform';
import { type PaymentsErrorCode, paymentsErrors } from './errors.ts';
import type { Merchant, StoredQuote } from './payment.repository.ts';
import type { PaymentOrder, Refund } from './payment.ts';

/** Translation between the JSON the API speaks (prefixed ids, decimal-string amounts) and the domain. */
export const PAYMENT_PREFIX = 'pay';
export const REFUND_PREFIX = 'rfd';
export const MERCHANT_PREFIX = 'mch';
export const QUOTE_PREFIX = 'fxq';
/** Ledger account ids as the ledger's API writes them; payments treats them as opaque references. */
export const ACCOUNT_PREFIX = 'acc';

export function fail(code: PaymentsErrorCode, params?: Record<string, unknown>, pointer?: string): never {
  throw problem(paymentsErrors, code, {
    ...(params ? { params } : {}),
    ...(pointer ? { extensions: { pointer } } : {}),
  });
}

export function uuidOf(prefix: string, text: string, pointer?: string): string {
  const parsed = parseId(prefix, text);
  if (!parsed.ok) fail('id_malformed', { value: text, kind: prefix }, pointer);
  return parsed.value;
}

export function amountMinor(text: string, currency: string, pointer?: string): bigint {
  const parsed = parseAmount(text, currency);
  if (!parsed.ok) fail(parsed.code, { currency }, pointer);
  return parsed.value;
}

const accountRef = (id: string | null) => (id ? formatId(ACCOUNT_PREFIX, id) : null);

export function paymentJson(p: PaymentOrder, refunds?: readonly Refund[]) {
  return {
    id: formatId(PAYMENT_PREFIX, p.id),
    kind: p.kind,
    state: p.state,
    amount: formatAmount(p.amountMinor, p.currency),
    currency: p.currency,
    creditAmount: formatAmount(p.creditAmountMinor, p.creditCurrency),
    creditCurrency: p.creditCurrency,
    debtorAccountId: accountRef(p.debtorAccountId),
    creditorAccountId: accountRef(p.creditorAccountId),
    debtor: p.debtor,
    creditor: p.creditor,
    merchantId: p.merchantId ? formatId(MERCHANT_PREFIX, p.merchantId) : null,
    mdr: p.mdr,
    fee: formatAmount(p.feeMinor, p.currency),
    quote: p.quote
      ? {
          id: formatId(QUOTE_PREFIX, p.quote.quoteId),
          sellCurrency: p.quote.sellCurrency,
          buyCurrency: p.quote.buyCurrency,
          sellAmount: formatAmount(p.quote.sellAmountMinor, p.quote.sellCurrency),
          buyAmount: formatAmount(p.quote.buyAmountMinor, p.quote.buyCurrency),
          midRate: p.quote.midRate,
          rate: p.quote.rate,
          spreadBps: p.quote.spreadBps,
          expiresAt: p.quote.expiresAt.toISOString(),
        }
      : null,
    capture: p.capture,
    endToEndId: p.endToEndId,
    remittanceInformation: p.remittanceInformation,
    refunded: formatAmount(p.refundedMinor, p.currency),
    failureCode: p.failureCode,
    risk: p.riskVerdict,
    metadata: p.metadata,
    transitions: p.transitions.map((t) => ({
      from: t.from,
      to: t.to,
      at: t.at.toISOString(),
      cause: t.cause,
      ...(t.detail ? { detail: t.detail } : {}),
    })),
    ...(refunds ? { refunds: refunds.map(refundJson) } : {}),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export type PaymentJson = ReturnType<typeof paymentJson>;

export function refundJson(r: Refund) {
  return {
    id: formatId(REFUND_PREFIX, r.id),
    paymentId: formatId(PAYMENT_PREFIX, r.paymentId),
    amount: formatAmount(r.amountMinor, r.currency),
    currency: r.currency,
    feeReturned: formatAmount(r.feeReturnedMinor, r.currency),
    state: r.state,
    failureCode: r.failureCode,
    reason: r.reason,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function merchantJson(m: Merchant) {
  return {
    id: formatId(MERCHANT_PREFIX, m.id),
    name: m.name,
    city: m.city,
    country: m.country,
    postalCode: m.postalCode,
    merchantCategoryCode: m.merchantCategoryCode,
    currency: m.currency,
    accountId: formatId(ACCOUNT_PREFIX, m.accountId),
    mdr: m.mdr,
    nameAlternate: m.nameAlternate,
    language: m.language,
    metadata: m.metadata,
    createdAt: m.createdAt.toISOString(),
  };
}

export function quoteJson(q: StoredQuote) {
  return {
    id: formatId(QUOTE_PREFIX, q.id),
    sellCurrency: q.sellCurrency,
    buyCurrency: q.buyCurrency,
    sellAmount: formatAmount(q.sellAmountMinor, q.sellCurrency),
    buyAmount: formatAmount(q.buyAmountMinor, q.buyCurrency),
    midRate: q.mid,
    rate: q.rate,
    spreadBps: q.spreadBps,
    createdAt: q.createdAt.toISOString(),
    expiresAt: q.expiresAt.toISOString(),
    usedByPaymentId: q.paymentId ? formatId(PAYMENT_PREFIX, q.paymentId) : null,
  };
}

/** Event payloads speak the API's language (prefixed ids, decimal amounts): webhooks forward them as they are. */
export function paymentEventPayload(p: PaymentOrder, from: string | null, cause: string, at: Date) {
  return {
    id: formatId(PAYMENT_PREFIX, p.id),
    kind: p.kind,
    state: p.state,
    from,
    cause,
    at: at.toISOString(),
    amount: formatAmount(p.amountMinor, p.currency),
    currency: p.currency,
    creditAmount: formatAmount(p.creditAmountMinor, p.creditCurrency),
    creditCurrency: p.creditCurrency,
    debtorAccountId: accountRef(p.debtorAccountId),
    creditorAccountId: accountRef(p.creditorAccountId),
    merchantId: p.merchantId ? formatId(MERCHANT_PREFIX, p.merchantId) : null,
    fee: formatAmount(p.feeMinor, p.currency),
    endToEndId: p.endToEndId,
    refunded: formatAmount(p.refundedMinor, p.currency),
    failureCode: p.failureCode,
  };
}
