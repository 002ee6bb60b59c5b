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

/** `EV` and the sequence number in 10 digits. */
export function eventId(sequence: number): string {
  return `EV${(10_000_000_000 + sequence).toString().slice(1)}`;
}

export class SimEvent {
  /** The customer who acted (payer, or the payee of money arriving from outside); −1 for none. */
  customer: number;
  from = -1;
  to = -1;
  merchant = -1;
  amountMinor = 0n;
  channel = '';
  device = '';
  ip = '';
  status: EventStatus;
  reason = '';
  /** A party outside the bank: employer, biller, another bank's account (`X…`, `V…`, `K…`). */
  externalRef = '';
  loan = -1;
  /** Index of the fraud scenario this event belongs to, or −1. */
  fraud = -1;
  /** Index of the AML scenario this event belongs to, or −1. */
  aml = -1;
  /** The payer tops the account up from another bank rather than miss this payment (loan instalments). */
  mustSucceed = false;
  /** Set when the run orders the day: the sequence number (1, 2, …) and the balances after the event. */
  seq = 0;
  fromBalanceMinor: bigint | null = null;
  toBalanceMinor: bigint | null = null;

  constructor(
    public tsMs: number,
    readonly type: EventType,
    readonly subtype: string,
    customer: number,
  ) {
    this.customer = customer;
    this.status = type === 'payment' ? 'completed' : 'success';
  }

  /** `EV0000000001`: the id, from the sequence number. */
  get id(): string {
    return eventId(this.seq);
  }
}

export function newEvent(tsMs: number, type: EventType, subtype: string, customer: number): SimEvent {
  return new SimEvent(tsMs, type, subtype, customer);
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
