/**
 * One simulated event. Money moves `from` → `to` (account indices); the ledger posts it as a
 * transfer debiting `from` and crediting `to`. Non-money events (logins, account changes, loan
 * applications) carry `amountMinor` 0 or the amount applied for and no accounts.
 */
export const EVENT_TYPES = ['payment', 'login', 'account_change', 'loan_application'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Payment subtypes: what the money is for. */
export const PAYMENT_SUBTYPES = [
  'salary',
  'pension',
  'allowance',
  'purchase',
  'refund',
  'bill',
  'rent',
  'p2p',
  'cash_deposit',
  'cash_withdrawal',
  'transfer_in',
  'transfer_out',
  'loan_disbursement',
  'loan_repayment',
] as const;
export type PaymentSubtype = (typeof PAYMENT_SUBTYPES)[number];
export const ACCOUNT_CHANGE_SUBTYPES = ['password_reset', 'phone_change', 'device_bind', 'payee_added'] as const;

export type EventStatus = 'completed' | 'declined' | 'success' | 'failed';

export interface SimEvent {
  tsMs: number;
  type: EventType;
  subtype: string;
  /** The customer who acted (payer, or the payee of money arriving from outside); −1 for none. */
  customer: number;
  from: number;
  to: number;
  merchant: number;
  amountMinor: bigint;
  channel: string;
  device: string;
  ip: string;
  status: EventStatus;
  reason: string;
  /** A party outside the bank: employer, biller, another bank's account (`X…`, `V…`, `K…`). */
  externalRef: string;
  loan: number;
  /** Index of the fraud scenario this event belongs to, or −1. */
  fraud: number;
  /** Index of the AML scenario this event belongs to, or −1. */
  aml: number;
  /** The payer tops the account up from another bank rather than miss this payment (loan instalments). */
  mustSucceed: boolean;
  /** Set when the run orders the day: the sequence number (1, 2, …), the event id and the balances after it. */
  seq: number;
  id: string;
  fromBalanceMinor: bigint | null;
  toBalanceMinor: bigint | null;
}

export function newEvent(tsMs: number, type: EventType, subtype: string, customer: number): SimEvent {
  return {
    tsMs,
    type,
    subtype,
    customer,
    from: -1,
    to: -1,
    merchant: -1,
    amountMinor: 0n,
    channel: '',
    device: '',
    ip: '',
    status: type === 'payment' ? 'completed' : 'success',
    reason: '',
    externalRef: '',
    loan: -1,
    fraud: -1,
    aml: -1,
    mustSucceed: false,
    seq: 0,
    id: '',
    fromBalanceMinor: null,
    toBalanceMinor: null,
  };
}

export function payment(
  tsMs: number,
  subtype: PaymentSubtype,
  customer: number,
  from: number,
  to: number,
  amountMinor: bigint,
  channel: string,
): SimEvent {
  const event = newEvent(tsMs, 'payment', subtype, customer);
  event.from = from;
  event.to = to;
  event.amountMinor = amountMinor;
  event.channel = channel;
  return event;
}

/** CNY amount (a float from a distribution) → whole fen, at least 1. */
export function fen(cny: number): bigint {
  return BigInt(Math.max(1, Math.round(cny * 100)));
}

/** CNY amount rounded to a whole multiple of `step` yuan (at least one step), in fen. */
export function roundYuan(cny: number, step: number): bigint {
  return BigInt(Math.max(1, Math.round(cny / step)) * step * 100);
}
