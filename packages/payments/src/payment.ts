import type { CurrencyCode } from '@zhirong/kernel';

/**
 * A payment order and its lifecycle.
 *
 * ```
 * created ──► screened ──► authorized ──► settled ──► refunded (fully refunded)
 *    │           │  │          │  ▲          └──────► reversed (corrected by reversal)
 *    │           │  └─► review ┘  │ (released)
 *    │           │        └───────┴─► declined (review rejected: hold voided)
 *    └─► declined (risk gate)      authorized ──► reversed (hold voided: cancelled before capture)
 *                └─► failed (the ledger refused the hold: insufficient funds, frozen account, …)
 * ```
 * `review` is the state of a payment the risk gate sent to review: its funds are held in the
 * ledger (a pending transfer) until a reviewer releases it (→ authorized → settled) or rejects it
 * (→ declined, hold voided). Every transition is stored with its time and cause and emitted as the
 * event `payments.payment.<to-state>`.
 */
export const PAYMENT_STATES = [
  'created',
  'screened',
  'review',
  'authorized',
  'settled',
  'declined',
  'failed',
  'reversed',
  'refunded',
] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

/** The transitions table: from each state, the states it may go to. Anything else is refused. */
export const TRANSITIONS: Readonly<Record<PaymentState, readonly PaymentState[]>> = {
  created: ['screened', 'declined', 'failed'],
  screened: ['authorized', 'review', 'failed'],
  review: ['authorized', 'declined', 'failed'],
  authorized: ['settled', 'reversed', 'failed'],
  settled: ['refunded', 'reversed'],
  declined: [],
  failed: [],
  reversed: [],
  refunded: [],
};

export function canTransition(from: PaymentState, to: PaymentState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(state: PaymentState): boolean {
  return TRANSITIONS[state].length === 0;
}

/**
 * - `p2p`: between two customer accounts of the institution.
 * - `merchant`: consumer → merchant, the merchant discount fee split to fee income in the same chain.
 * - `payout`: to another bank, through the clearing account of the currency.
 * - `inbound`: a credit received from another bank, from the clearing account.
 */
export const PAYMENT_KINDS = ['p2p', 'merchant', 'payout', 'inbound'] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];

/** A party outside the institution (payout creditor, inbound debtor), as ISO 20022 names it. */
export interface ExternalParty {
  readonly name?: string;
  readonly iban?: string;
  readonly accountId?: string;
  readonly bic?: string;
  readonly country?: string;
}

export interface Transition {
  readonly from: PaymentState | null;
  readonly to: PaymentState;
  readonly at: Date;
  /** Machine-readable cause: `risk_approved`, `hold_placed`, `exceeds_credits`, `released`, … */
  readonly cause: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** The FX quote a payment used, recorded on the payment. */
export interface AppliedQuote {
  readonly quoteId: string;
  readonly sellCurrency: CurrencyCode;
  readonly buyCurrency: CurrencyCode;
  readonly sellAmountMinor: bigint;
  readonly buyAmountMinor: bigint;
  readonly midRate: string;
  readonly rate: string;
  readonly spreadBps: number;
  readonly expiresAt: Date;
}

export interface PaymentOrder {
  /** UUID (`pay_` at the edge). */
  readonly id: string;
  readonly kind: PaymentKind;
  readonly state: PaymentState;
  /** What the debtor pays, in the debit currency. */
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
  /** What the creditor receives: equal to the amount unless an FX quote converts it. */
  readonly creditAmountMinor: bigint;
  readonly creditCurrency: CurrencyCode;
  /** Ledger account ids (UUIDs), opaque to this package. Null where the party is external. */
  readonly debtorAccountId: string | null;
  readonly creditorAccountId: string | null;
  readonly debtor: ExternalParty | null;
  readonly creditor: ExternalParty | null;
  readonly merchantId: string | null;
  /** Merchant discount rate applied (decimal string) and the fee it gave. */
  readonly mdr: string | null;
  readonly feeMinor: bigint;
  readonly quote: AppliedQuote | null;
  /** `automatic` settles right after authorization; `manual` waits for capture. */
  readonly capture: 'automatic' | 'manual';
  readonly endToEndId: string | null;
  readonly remittanceInformation: string | null;
  readonly refundedMinor: bigint;
  /** The reason of a `declined`/`failed` state (`exceeds_credits`, a risk rule, …). */
  readonly failureCode: string | null;
  readonly riskVerdict: RiskVerdictRecord | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly transitions: readonly Transition[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface RiskVerdictRecord {
  readonly decision: 'approve' | 'review' | 'decline';
  readonly reason?: string;
  readonly score?: number;
  readonly policy?: string;
}

export const REFUND_STATES = ['pending', 'succeeded', 'failed'] as const;
export type RefundState = (typeof REFUND_STATES)[number];

export interface Refund {
  readonly id: string;
  readonly paymentId: string;
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
  readonly feeReturnedMinor: bigint;
  readonly state: RefundState;
  readonly failureCode: string | null;
  readonly reason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Event topics: one per state reached, plus refunds. */
export const paymentTopic = (state: PaymentState) => `payments.payment.${state}`;
/**
 * One event per committed write that recorded transitions, naming its payments (`pay_…` ids), so a
 * reader of every transition (the evidence log) handles a batch at once rather than one event per state.
 */
export const TRANSITIONS_RECORDED_TOPIC = 'payments.transitions.recorded';
export const REFUND_TOPICS = {
  succeeded: 'payments.refund.succeeded',
  failed: 'payments.refund.failed',
} as const;
