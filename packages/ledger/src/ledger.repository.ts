import { assert, type CurrencyCode } from '@zhirong/kernel';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Account, AccountState, AccountStatus, AccountType, BalanceLimit, Balances } from './account.ts';
import type { EngineOutput, PendingRecord } from './transfer.engine.ts';
import type { Entry, PendingState, Transfer, TransferKind } from './transfer.ts';

/**
 * All SQL of the ledger. Reads that decide a batch lock the accounts first (in id order, so
 * concurrent batches cannot deadlock); writes are set-based (`unnest` of arrays), one statement per
 * table per batch, which is what lets one transaction carry thousands of transfers.
 */
// biome-ignore lint/suspicious/noExplicitAny: the ledger addresses its own schema with raw SQL
export type Db = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Trx = Transaction<any>;

interface AccountRow {
  id: string;
  currency: string;
  type: string;
  code: number;
  owner_ref: string | null;
  balance_limit: string;
  status: string;
  metadata: Record<string, unknown>;
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
  entry_count: bigint;
  created_at: Date;
}

interface TransferRow {
  id: string;
  kind: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: bigint;
  currency: string;
  pending_id: string | null;
  reverses_id: string | null;
  timeout_seconds: number;
  code: number;
  metadata: Record<string, unknown>;
  linked: boolean;
  created_at: Date;
}

const ACCOUNT_COLUMNS = sql.raw(
  'id, currency, type, code, owner_ref, balance_limit, status, metadata, debits_pending, debits_posted, credits_pending, credits_posted, entry_count, created_at',
);
const TRANSFER_COLUMNS = sql.raw(
  'id, kind, debit_account_id, credit_account_id, amount, currency, pending_id, reverses_id, timeout_seconds, code, metadata, linked, created_at',
);

function balancesOf(
  row: Pick<AccountRow, 'debits_pending' | 'debits_posted' | 'credits_pending' | 'credits_posted'>,
): Balances {
  return {
    debitsPending: BigInt(row.debits_pending),
    debitsPosted: BigInt(row.debits_posted),
    creditsPending: BigInt(row.credits_pending),
    creditsPosted: BigInt(row.credits_posted),
  };
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    currency: row.currency as CurrencyCode,
    type: row.type as AccountType,
    code: row.code,
    ownerRef: row.owner_ref,
    limit: row.balance_limit as BalanceLimit,
    status: row.status as AccountStatus,
    metadata: row.metadata,
    balances: balancesOf(row),
    entryCount: BigInt(row.entry_count),
    createdAt: new Date(row.created_at),
  };
}

export function toTransfer(row: TransferRow): Transfer {
  return {
    id: row.id,
    kind: row.kind as TransferKind,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amountMinor: BigInt(row.amount),
    currency: row.currency as CurrencyCode,
    pendingId: row.pending_id,
    reversesId: row.reverses_id,
    timeoutSeconds: row.timeout_seconds,
    code: row.code,
    metadata: row.metadata,
    linked: row.linked,
    createdAt: new Date(row.created_at),
  };
}

const json = (value: unknown) => JSON.stringify(value);
const str = (value: bigint) => value.toString();

/*
 * PostgreSQL array literals built directly for values that never need quoting (integers, UUIDs,
 * booleans, our own enum words, ISO instants): the driver's generic array encoder escapes every
 * element, which costs more than the insert of a large batch. Free text (metadata) still goes
 * through the driver.
 */
const literal = (values: readonly (string | number | bigint | null)[]) =>
  `{${values.map((v) => (v === null ? 'NULL' : v)).join(',')}}`;
const boolLiteral = (values: readonly boolean[]) => `{${values.map((v) => (v ? 't' : 'f')).join(',')}}`;

// ---------------------------------------------------------------- accounts

export interface NewAccountRow {
  id: string;
  currency: string;
  type: AccountType;
  code: number;
  ownerRef: string | null;
  limit: BalanceLimit;
  metadata: Readonly<Record<string, unknown>>;
  createdAt: Date;
}

/** Inserts the accounts that do not exist yet; returns the ids that were inserted. */
export async function insertAccounts(trx: Trx, rows: readonly NewAccountRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const result = await sql<{ id: string }>`
    insert into ledger.accounts (id, currency, type, code, owner_ref, balance_limit, metadata, created_at)
    select id, currency, type, code, owner_ref, balance_limit, metadata::jsonb, ${rows[0]?.createdAt.toISOString()}::timestamptz
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.currency)}::text[], ${rows.map((r) => r.type)}::text[],
                ${rows.map((r) => r.code)}::int4[], ${rows.map((r) => r.ownerRef)}::text[], ${rows.map((r) => r.limit)}::text[],
                ${rows.map((r) => json(r.metadata))}::text[])
      as t(id, currency, type, code, owner_ref, balance_limit, metadata)
    on conflict (id) do nothing
    returning id`.execute(trx);
  return new Set(result.rows.map((r) => r.id));
}

export async function loadAccounts(db: Db | Trx, ids: readonly string[]): Promise<Map<string, Account>> {
  if (ids.length === 0) return new Map();
  const result = await sql<AccountRow>`
    select ${ACCOUNT_COLUMNS} from ledger.accounts where id = any(${ids}::uuid[])`.execute(db);
  return new Map(result.rows.map((r) => [r.id, toAccount(r)]));
}

/**
 * Locks the accounts for the rest of the transaction, in id order (no deadlocks between batches),
 * reading only what the engine decides on.
 */
export async function lockAccounts(trx: Trx, ids: readonly string[]): Promise<Map<string, AccountState>> {
  if (ids.length === 0) return new Map();
  const sorted = [...new Set(ids)].sort();
  const result = await sql<
    Pick<
      AccountRow,
      | 'id'
      | 'currency'
      | 'balance_limit'
      | 'status'
      | 'debits_pending'
      | 'debits_posted'
      | 'credits_pending'
      | 'credits_posted'
      | 'entry_count'
    >
  >`
    select id, currency, balance_limit, status, debits_pending, debits_posted, credits_pending, credits_posted, entry_count
    from ledger.accounts where id = any(${literal(sorted)}::uuid[]) order by id for update`.execute(trx);
  return new Map(
    result.rows.map((row) => [
      row.id,
      {
        id: row.id,
        currency: row.currency as CurrencyCode,
        limit: row.balance_limit as BalanceLimit,
        status: row.status as AccountStatus,
        balances: balancesOf(row),
        entryCount: BigInt(row.entry_count),
      },
    ]),
  );
}

/** Locks one account and reads all of it. */
export async function lockAccount(trx: Trx, id: string): Promise<Account | undefined> {
  const result =
    await sql<AccountRow>`select ${ACCOUNT_COLUMNS} from ledger.accounts where id = ${id}::uuid for update`.execute(
      trx,
    );
  const row = result.rows[0];
  return row ? toAccount(row) : undefined;
}

export async function updateAccountStatus(trx: Trx, id: string, status: AccountStatus): Promise<void> {
  await sql`update ledger.accounts set status = ${status} where id = ${id}::uuid`.execute(trx);
}

export interface AccountFilter {
  currency?: string;
  ownerRef?: string;
  afterId?: string;
  limit: number;
}

export async function listAccounts(db: Db, filter: AccountFilter): Promise<Account[]> {
  const result = await sql<AccountRow>`
    select ${ACCOUNT_COLUMNS} from ledger.accounts
    where (${filter.currency ?? null}::text is null or currency = ${filter.currency ?? null})
      and (${filter.ownerRef ?? null}::text is null or owner_ref = ${filter.ownerRef ?? null})
      and (${filter.afterId ?? null}::uuid is null or id > ${filter.afterId ?? null}::uuid)
    order by id limit ${filter.limit}`.execute(db);
  return result.rows.map(toAccount);
}

// ---------------------------------------------------------------- transfers

export async function loadTransfers(db: Db | Trx, ids: readonly string[]): Promise<Map<string, Transfer>> {
  if (ids.length === 0) return new Map();
  const result = await sql<TransferRow>`
    select ${TRANSFER_COLUMNS} from ledger.transfers where id = any(${[...new Set(ids)]}::uuid[])`.execute(db);
  return new Map(result.rows.map((r) => [r.id, toTransfer(r)]));
}

/** Reads pending states; call after locking the pending transfers' accounts so the states cannot change under us. */
export async function loadPendingRecords(trx: Trx, pendings: readonly Transfer[]): Promise<Map<string, PendingRecord>> {
  const records = new Map<string, PendingRecord>();
  const ids = pendings.filter((t) => t.kind === 'pending').map((t) => t.id);
  if (ids.length === 0) return records;
  const result = await sql<{ transfer_id: string; state: string; expires_at: Date | null }>`
    select transfer_id, state, expires_at from ledger.pending_transfers where transfer_id = any(${ids}::uuid[])`.execute(
    trx,
  );
  const byId = new Map(pendings.map((t) => [t.id, t]));
  for (const row of result.rows) {
    const transfer = byId.get(row.transfer_id);
    if (!transfer) continue;
    records.set(row.transfer_id, {
      transfer,
      state: row.state as PendingState,
      expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
    });
  }
  return records;
}

export async function loadReversedSums(trx: Trx, ids: readonly string[]): Promise<Map<string, bigint>> {
  if (ids.length === 0) return new Map();
  const result = await sql<{ reverses_id: string; total: bigint }>`
    select reverses_id, sum(amount)::int8 as total from ledger.transfers
    where reverses_id = any(${ids}::uuid[]) group by reverses_id`.execute(trx);
  return new Map(result.rows.map((r) => [r.reverses_id, BigInt(r.total)]));
}

/**
 * Writes everything a batch decided in one statement (data-modifying CTEs: one round trip), plus
 * the caller's outbox insert. Transfers whose id already exists are skipped (`on conflict do
 * nothing`); the returned count tells the caller whether that happened.
 */
export async function writeBatch(
  trx: Trx,
  output: EngineOutput,
  outboxInsert?: RawBuilder<unknown>,
): Promise<{ inserted: number }> {
  const t = output.transfers;
  if (t.length === 0) return { inserted: 0 };
  // The engine emits each transfer's two entries together, debit first.
  const e = output.entries;
  assert(e.length === 2 * t.length, 'two entries per transfer');
  const debit = (i: number) => e[2 * i] as Entry;
  const credit = (i: number) => e[2 * i + 1] as Entry;
  const col = (f: (x: Entry) => bigint, side: (i: number) => Entry) => literal(t.map((_, i) => f(side(i))));
  // A pending transfer created and resolved in the same batch is inserted in its final state: the
  // CTEs of one statement do not see each other's rows.
  const resolvedNow = new Map(output.pendingResolved.map((r) => [r.pendingId, r]));
  const p = output.pendingCreated;
  const r = output.pendingResolved.filter((x) => !p.some((c) => c.transferId === x.pendingId));
  const a = [...output.touchedAccounts.values()];
  const result = await sql<{ inserted: number; resolved: number }>`
    with inserted as (
      insert into ledger.transfers (id, kind, debit_account_id, credit_account_id, amount, currency, pending_id, reverses_id,
        timeout_seconds, code, metadata, linked, created_at,
        debit_seq, debit_debits_pending, debit_debits_posted, debit_credits_pending, debit_credits_posted,
        credit_seq, credit_debits_pending, credit_debits_posted, credit_credits_pending, credit_credits_posted)
      select id, kind, debit_account_id, credit_account_id, amount, currency, pending_id, reverses_id,
             timeout_seconds, code, metadata::jsonb, linked, created_at, ds, ddpe, ddpo, dcpe, dcpo, cs, cdpe, cdpo, ccpe, ccpo
      from unnest(${literal(t.map((x) => x.id))}::uuid[], ${literal(t.map((x) => x.kind))}::text[], ${literal(t.map((x) => x.debitAccountId))}::uuid[],
                  ${literal(t.map((x) => x.creditAccountId))}::uuid[], ${literal(t.map((x) => x.amountMinor))}::int8[],
                  ${literal(t.map((x) => x.currency))}::text[], ${literal(t.map((x) => x.pendingId))}::uuid[], ${literal(t.map((x) => x.reversesId))}::uuid[],
                  ${literal(t.map((x) => x.timeoutSeconds))}::int4[], ${literal(t.map((x) => x.code))}::int4[],
                  ${t.map((x) => json(x.metadata))}::text[], ${boolLiteral(t.map((x) => x.linked))}::bool[],
                  ${literal(t.map((x) => x.createdAt.toISOString()))}::timestamptz[],
                  ${col((x) => x.seq, debit)}::int8[], ${col((x) => x.debitsPending, debit)}::int8[],
                  ${col((x) => x.debitsPosted, debit)}::int8[], ${col((x) => x.creditsPending, debit)}::int8[],
                  ${col((x) => x.creditsPosted, debit)}::int8[],
                  ${col((x) => x.seq, credit)}::int8[], ${col((x) => x.debitsPending, credit)}::int8[],
                  ${col((x) => x.debitsPosted, credit)}::int8[], ${col((x) => x.creditsPending, credit)}::int8[],
                  ${col((x) => x.creditsPosted, credit)}::int8[])
        as u(id, kind, debit_account_id, credit_account_id, amount, currency, pending_id, reverses_id,
             timeout_seconds, code, metadata, linked, created_at, ds, ddpe, ddpo, dcpe, dcpo, cs, cdpe, cdpo, ccpe, ccpo)
      on conflict (id) do nothing
      returning 1
    ), pending_created as (
      insert into ledger.pending_transfers (transfer_id, expires_at, state, resolved_by)
      select * from unnest(${literal(p.map((x) => x.transferId))}::uuid[], ${literal(p.map((x) => x.expiresAt?.toISOString() ?? null))}::timestamptz[],
                           ${literal(p.map((x) => resolvedNow.get(x.transferId)?.state ?? 'pending'))}::text[],
                           ${literal(p.map((x) => resolvedNow.get(x.transferId)?.resolvedBy ?? null))}::uuid[])
      returning 1
    ), pending_resolved as (
      update ledger.pending_transfers p set state = u.state, resolved_by = u.resolved_by
      from unnest(${literal(r.map((x) => x.pendingId))}::uuid[], ${literal(r.map((x) => x.state))}::text[], ${literal(r.map((x) => x.resolvedBy))}::uuid[])
        as u(pending_id, state, resolved_by)
      where p.transfer_id = u.pending_id and p.state = 'pending'
      returning 1
    ), accounts_updated as (
      update ledger.accounts acc set debits_pending = u.dpe, debits_posted = u.dpo, credits_pending = u.cpe,
        credits_posted = u.cpo, entry_count = u.n
      from unnest(${literal(a.map((x) => x.id))}::uuid[], ${literal(a.map((x) => x.balances.debitsPending))}::int8[],
                  ${literal(a.map((x) => x.balances.debitsPosted))}::int8[], ${literal(a.map((x) => x.balances.creditsPending))}::int8[],
                  ${literal(a.map((x) => x.balances.creditsPosted))}::int8[], ${literal(a.map((x) => x.entryCount))}::int8[])
        as u(id, dpe, dpo, cpe, cpo, n)
      where acc.id = u.id
      returning 1
    )${outboxInsert ? sql`, events as (${outboxInsert} returning 1)` : sql``}
    select (select count(*) from inserted)::int4 as inserted, (select count(*) from pending_resolved)::int4 as resolved,
           (select count(*) from accounts_updated)::int4 as accounts`.execute(trx);
  const counts = result.rows[0];
  assert(counts !== undefined, 'the write statement returns one row');
  if (counts.inserted === t.length && counts.resolved !== r.length) {
    throw new Error('a pending transfer changed state under a held lock');
  }
  return { inserted: counts.inserted };
}

/** Pending transfers whose timeout has passed, oldest first. */
export async function duePendingTransfers(db: Db, now: Date, limit: number): Promise<string[]> {
  const result = await sql<{ transfer_id: string }>`
    select transfer_id from ledger.pending_transfers
    where state = 'pending' and expires_at is not null and expires_at <= ${now.toISOString()}::timestamptz
    order by expires_at limit ${limit}`.execute(db);
  return result.rows.map((r) => r.transfer_id);
}

export async function pendingStateOf(
  db: Db,
  id: string,
): Promise<{ state: PendingState; expiresAt: Date | null } | undefined> {
  const result = await sql<{ state: string; expires_at: Date | null }>`
    select state, expires_at from ledger.pending_transfers where transfer_id = ${id}::uuid`.execute(db);
  const row = result.rows[0];
  return row
    ? { state: row.state as PendingState, expiresAt: row.expires_at ? new Date(row.expires_at) : null }
    : undefined;
}

// ---------------------------------------------------------------- history

export interface StatementQuery {
  accountId: string;
  from?: Date;
  to?: Date;
  afterSeq?: bigint;
  limit: number;
}

/**
 * One side of the account history: the transfers where the account is on `side`, as entries.
 * Both sides are read and merged by sequence number.
 */
function historySide(accountId: string, side: 'debit' | 'credit') {
  const prefix = sql.raw(side);
  return sql`
    select ${TRANSFER_COLUMNS}, ${side === 'debit'}::boolean as is_debit, ${prefix}_seq as seq,
           ${prefix}_debits_pending as e_debits_pending, ${prefix}_debits_posted as e_debits_posted,
           ${prefix}_credits_pending as e_credits_pending, ${prefix}_credits_posted as e_credits_posted
    from ledger.transfers where ${prefix}_account_id = ${accountId}::uuid`;
}

interface HistoryRow extends TransferRow {
  is_debit: boolean;
  seq: bigint;
  e_debits_pending: bigint;
  e_debits_posted: bigint;
  e_credits_pending: bigint;
  e_credits_posted: bigint;
}

function toStatementLine(accountId: string, row: HistoryRow): Entry & { transfer: Transfer } {
  const transfer = toTransfer(row);
  return {
    accountId,
    seq: BigInt(row.seq),
    transferId: transfer.id,
    isDebit: row.is_debit,
    amountMinor: transfer.amountMinor,
    debitsPending: BigInt(row.e_debits_pending),
    debitsPosted: BigInt(row.e_debits_posted),
    creditsPending: BigInt(row.e_credits_pending),
    creditsPosted: BigInt(row.e_credits_posted),
    createdAt: transfer.createdAt,
    transfer,
  };
}

/** Entries of one account in sequence order, each with the balances right after it. */
export async function statementEntries(db: Db, q: StatementQuery): Promise<(Entry & { transfer: Transfer })[]> {
  const after = q.afterSeq === undefined ? null : str(q.afterSeq);
  const from = q.from?.toISOString() ?? null;
  const to = q.to?.toISOString() ?? null;
  const filter = sql`
    and (${after}::int8 is null or h.seq > ${after}::int8)
    and (${from}::timestamptz is null or h.created_at >= ${from}::timestamptz)
    and (${to}::timestamptz is null or h.created_at < ${to}::timestamptz)`;
  const result = await sql<HistoryRow>`
    select * from (
      (select * from (${historySide(q.accountId, 'debit')}) h where true ${filter} order by h.seq limit ${q.limit})
      union all
      (select * from (${historySide(q.accountId, 'credit')}) h where true ${filter} order by h.seq limit ${q.limit})
    ) both_sides order by seq limit ${q.limit}`.execute(db);
  return result.rows.map((row) => toStatementLine(q.accountId, row));
}

/** The account's balances as they stood at `at` (zero before its first entry). */
export async function balancesAsOf(db: Db, accountId: string, at: Date): Promise<Balances & { seq: bigint }> {
  const instant = at.toISOString();
  const result = await sql<HistoryRow>`
    select * from (
      (select * from (${historySide(accountId, 'debit')}) h where h.created_at <= ${instant}::timestamptz order by h.seq desc limit 1)
      union all
      (select * from (${historySide(accountId, 'credit')}) h where h.created_at <= ${instant}::timestamptz order by h.seq desc limit 1)
    ) both_sides order by seq desc limit 1`.execute(db);
  const row = result.rows[0];
  if (!row) return { debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n, seq: 0n };
  const e = toStatementLine(accountId, row);
  return {
    debitsPending: e.debitsPending,
    debitsPosted: e.debitsPosted,
    creditsPending: e.creditsPending,
    creditsPosted: e.creditsPosted,
    seq: e.seq,
  };
}

export interface CurrencyTotals {
  currency: string;
  accounts: number;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

export async function totalsPerCurrency(db: Db): Promise<CurrencyTotals[]> {
  const result = await sql<{
    currency: string;
    accounts: bigint;
    dpe: string;
    dpo: string;
    cpe: string;
    cpo: string;
  }>`
    select currency, count(*)::int8 as accounts, sum(debits_pending)::text as dpe, sum(debits_posted)::text as dpo,
           sum(credits_pending)::text as cpe, sum(credits_posted)::text as cpo
    from ledger.accounts group by currency order by currency`.execute(db);
  return result.rows.map((r) => ({
    currency: r.currency,
    accounts: Number(r.accounts),
    debitsPending: BigInt(r.dpe),
    debitsPosted: BigInt(r.dpo),
    creditsPending: BigInt(r.cpe),
    creditsPosted: BigInt(r.cpo),
  }));
}
