/** The ledger API's JSON, as the console reads it (see GET /openapi.json). Amounts are decimal strings. */
export interface Account {
  readonly id: string;
  readonly currency: string;
  readonly type: 'asset' | 'liability' | 'equity' | 'income' | 'expense';
  readonly code: number;
  readonly ownerRef: string | null;
  readonly flags: readonly ('debits_must_not_exceed_credits' | 'credits_must_not_exceed_debits')[];
  readonly status: 'active' | 'frozen' | 'closed';
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly balances: {
    readonly debitsPending: string;
    readonly debitsPosted: string;
    readonly creditsPending: string;
    readonly creditsPosted: string;
    readonly posted: string;
    readonly available: string;
  };
  readonly createdAt: string;
}

export interface AccountPage {
  readonly data: readonly Account[];
  readonly nextCursor: string | null;
}

export interface StatementLine {
  readonly seq: string;
  readonly transferId: string;
  readonly type: string;
  readonly direction: 'debit' | 'credit';
  readonly amount: string;
  readonly counterpartyAccountId: string;
  readonly postedBalance: string;
  readonly availableBalance: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
}

export interface Statement {
  readonly account: Account;
  readonly data: readonly StatementLine[];
  readonly nextCursor: string | null;
}

export interface CurrencyOverview {
  readonly currency: string;
  readonly accounts: {
    readonly total: number;
    readonly active: number;
    readonly frozen: number;
    readonly closed: number;
  };
  readonly debitsPosted: string;
  readonly creditsPosted: string;
  readonly debitsPending: string;
  readonly creditsPending: string;
  readonly balanced: boolean;
  readonly pendingTransfers: number;
  readonly lastHour: { readonly transfers: number; readonly amount: string };
  readonly lastDay: { readonly transfers: number; readonly amount: string };
  readonly series: readonly { readonly start: string; readonly transfers: number; readonly amount: string }[];
}

export interface LedgerOverview {
  readonly asOf: string;
  readonly currencies: readonly CurrencyOverview[];
}

/** A display name from the metadata, if the account has one. */
export function accountName(account: Pick<Account, 'metadata'>): string | undefined {
  const name = account.metadata.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

export function memoOf(line: Pick<StatementLine, 'metadata'>): string {
  const memo = line.metadata.memo;
  return typeof memo === 'string' ? memo : '';
}
