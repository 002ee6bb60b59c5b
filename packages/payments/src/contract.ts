/**
 * The payments package's public contract.
 *
 * @example
 * const outcome = await payments.createPayment(
 *   { kind: 'p2p', amountMinor: 1500n, currency: 'CNY', debtorAccountId: alice, creditorAccountId: bob },
 *   { principal: 'key_…', idempotencyKey: 'order-42' },
 * );
 * if (outcome.ok && !outcome.replayed) console.log(outcome.payment.state); // 'settled'
 */
export { type PaymentsErrorCode, paymentsErrors } from './errors.ts';
export { type FeeSplit, feeReturned, MDR_MAX, merchantFee, parseMdr } from './fee.ts';
export {
  buyAmountFor,
  type CustomerRate,
  type FxRate,
  findCustomerRate,
  rateText,
  SPREAD_BPS_MAX,
  sellAmountFor,
} from './fx.ts';
export type { Merchant, StoredQuote } from './payment.repository.ts';
export {
  type AppliedQuote,
  canTransition,
  type ExternalParty,
  isTerminal,
  PAYMENT_KINDS,
  PAYMENT_STATES,
  type PaymentKind,
  type PaymentOrder,
  type PaymentState,
  paymentTopic,
  REFUND_TOPICS,
  type Refund,
  type RefundState,
  type RiskVerdictRecord,
  TRANSITIONS,
  TRANSITIONS_RECORDED_TOPIC,
  type Transition,
} from './payment.ts';
export {
  ACCOUNT_PREFIX,
  MERCHANT_PREFIX,
  merchantJson,
  PAYMENT_PREFIX,
  paymentJson,
  QUOTE_PREFIX,
  quoteJson,
  REFUND_PREFIX,
  refundJson,
} from './payments.dto.ts';
export type { CreateOutcome, CreatePaymentInput, Outcome, RequestContext } from './payments.service.ts';
export {
  ADDITIONAL_DATA_FIELDS,
  type AdditionalData,
  buildMerchantQr,
  crc16CcittFalse,
  emvCrc,
  type MerchantAccountInfo,
  type MerchantQr,
  type MerchantQrInput,
  parseMerchantQr,
  QrBuildError,
  type QrDataObject,
  type QrError,
  type QrErrorCode,
  type QrParseResult,
} from './qr.ts';
export type { PaymentRail, RailExecuteOptions, RailResult, RailStep } from './rail.ts';
export { divide, parseDecimal, type Rational, type RoundingMode } from './rate.ts';
export {
  amountThresholdPolicy,
  approveAllPolicy,
  type PaymentScreening,
  type RiskGate,
  type RiskVerdict,
} from './risk.ts';
