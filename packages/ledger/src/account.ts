import type { CurrencyCode } from '@zhirong/kernel';

export const ACCOUNT_TYPES = ['asset', 'liability', 'equity', 'income', 'expense'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export const ACCOUNT_STATUSES = ['active', 'frozen', 'closed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/**
 * At most one balance limit per account — the two flags of the API are mutually exclusive, so the
 * type holds one value rather than two booleans that could both be set.
 * - `debits_must_not_exceed_credits`: debits (posted + pending) ≤ posted credits — a customer
 *   deposit account that must not be overdrawn.
 * - `credits_must_not_exceed_debits`: the mirror image, for asset accounts such as a loan receivable.
 */
export type BalanceLimit = 'none' | 'debits_must_not_exceed_credits' | 'credits_must_not_exceed_debits';
export const ACCOUNT_FLAGS = ['debits_must_not_exceed_credits', 'credits_must_not_exceed_debits'] as const;
export type AccountFlag = (typeof ACCOUNT_FLAGS)[number];

export interface Balances {
  readonly debitsPending: bigint;
  readonly debitsPosted: bigint;
  readonly creditsPending: bigint;
  readonly creditsPosted: bigint;
}

export const ZERO_BALANCES: Balances = Object.freeze({
  debitsPending: 0n,
  debitsPosted: 0n,
  creditsPending: 0n,
  creditsPosted: 0n,
});

export interface Account {
  /** UUID (the `acc_` prefix lives only at the edge). */
  readonly id: string;
  readonly currency: CurrencyCode;
  readonly type: AccountType;
  /** The institution's chart-of-accounts code or category, 0–2^31−1. */
  readonly code: number;
  /** Who the account belongs to in another domain (a customer id), opaque to the ledger. */
  readonly ownerRef: string | null;
  readonly limit: BalanceLimit;
  readonly status: AccountStatus;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly balances: Balances;
  /** Number of entries written to the account; the sequence number of its latest entry. */
  readonly entryCount: bigint;
  readonly createdAt: Date;
}

/** What the transfer engine needs of an account: the fields a transfer can be refused on, and its balances. */
export type AccountState = Pick<Account, 'id' | 'currency' | 'limit' | 'status' | 'balances' | 'entryCount'>;

/** Debit-normal accounts grow with debits; the rest grow with credits. */
export function isDebitNormal(type: AccountType): boolean {
  return type === 'asset' || type === 'expense';
}

/** The posted balance on the account's normal side (may be negative if the account is "upside down"). */
export function postedBalance(type: AccountType, b: Balances): bigint {
  return isDebitNormal(type) ? b.debitsPosted - b.creditsPosted : b.creditsPosted - b.debitsPosted;
}

/** The posted balance less amounts held by pending transfers that would reduce it. */
export function availableBalance(type: AccountType, b: Balances): bigint {
  return isDebitNormal(type)
    ? b.debitsPosted - b.creditsPosted - b.creditsPending
    : b.creditsPosted - b.debitsPosted - b.debitsPending;
}

/** Whether the balances respect the account's limit: the invariant no transfer may break. */
export function withinLimit(limit: BalanceLimit, b: Balances): boolean {
  switch (limit) {
    case 'none':
      return true;
    case 'debits_must_not_exceed_credits':
      return b.debitsPending + b.debitsPosted <= b.creditsPosted;
    case 'credits_must_not_exceed_debits':
      return b.creditsPending + b.creditsPosted <= b.debitsPosted;
  }
}

export function flagsToLimit(flags: readonly AccountFlag[]): BalanceLimit | 'conflict' {
  const debits = flags.includes('debits_must_not_exceed_credits');
  const credits = flags.includes('credits_must_not_exceed_debits');
  if (debits && credits) return 'conflict';
  return debits ? 'debits_must_not_exceed_credits' : credits ? 'credits_must_not_exceed_debits' : 'none';
}

export function limitToFlags(limit: BalanceLimit): AccountFlag[] {
  return limit === 'none' ? [] : [limit];
}

export function isZero(b: Balances): boolean {
  return b.debitsPending === 0n && b.creditsPending === 0n && b.debitsPosted === b.creditsPosted;
}
