import type { CurrencyCode } from '@zhirong/kernel';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { FxRate } from './fx.ts';
import type {
  AppliedQuote,
  ExternalParty,
  PaymentKind,
  PaymentOrder,
  PaymentState,
  Refund,
  RefundState,
  RiskVerdictRecord,
  Transition,
} from './payment.ts';

/**
 * All SQL of the payments schema. Writes of the hot path are set-based (`unnest` of arrays): a
 * coalesced group of payments is inserted by one statement and finalised by another.
 */
// biome-ignore lint/suspicious/noExplicitAny: the payments package addresses its own schema with raw SQL
export type Db = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Trx = Transaction<any>;

interface PaymentRow {
  id: string;
  kind: string;
  state: string;
  amount: bigint;
  currency: string;
  credit_amount: bigint;
  credit_currency: string;
  debtor_account_id: string | null;
  creditor_account_id: string | null;
  debtor: ExternalParty | null;
  creditor: ExternalParty | null;
  merchant_id: string | null;
  mdr: string | null;
  fee: bigint;
  quote:
    | (Omit<AppliedQuote, 'sellAmountMinor' | 'buyAmountMinor' | 'expiresAt'> & {
        sellAmountMinor: string;
        buyAmountMinor: string;
        expiresAt: string;
      })
    | null;
  capture: string;
  end_to_end_id: string | null;
  remittance: string | null;
  refunded: bigint;
  failure_code: string | null;
  risk: RiskVerdictRecord | null;
  metadata: Record<string, unknown>;
  transitions: { from: string | null; to: string; at: string; cause: string; detail?: Record<string, unknown> }[];
  created_at: Date | string;
  updated_at: Date | string;
}

const PAYMENT_COLUMNS = sql.raw(
  'id, kind, state, amount, currency, credit_amount, credit_currency, debtor_account_id, creditor_account_id, debtor, creditor, merchant_id, mdr, fee, quote, capture, end_to_end_id, remittance, refunded, failure_code, risk, metadata, transitions, created_at, updated_at',
);

function toPayment(row: PaymentRow): PaymentOrder {
  return {
    id: row.id,
    kind: row.kind as PaymentKind,
    state: row.state as PaymentState,
    amountMinor: BigInt(row.amount),
    currency: row.currency as CurrencyCode,
    creditAmountMinor: BigInt(row.credit_amount),
    creditCurrency: row.credit_currency as CurrencyCode,
    debtorAccountId: row.debtor_account_id,
    creditorAccountId: row.creditor_account_id,
    debtor: row.debtor,
    creditor: row.creditor,
    merchantId: row.merchant_id,
    mdr: row.mdr,
    feeMinor: BigInt(row.fee),
    quote: row.quote
      ? {
          ...row.quote,
          sellAmountMinor: BigInt(row.quote.sellAmountMinor),
          buyAmountMinor: BigInt(row.quote.buyAmountMinor),
          expiresAt: new Date(row.quote.expiresAt),
        }
      : null,
    capture: row.capture as 'automatic' | 'manual',
    endToEndId: row.end_to_end_id,
    remittanceInformation: row.remittance,
    refundedMinor: BigInt(row.refunded),
    failureCode: row.failure_code,
    riskVerdict: row.risk,
    metadata: row.metadata,
    transitions: row.transitions.map((t) => ({
      from: t.from as PaymentState | null,
      to: t.to as PaymentState,
      at: new Date(t.at),
      cause: t.cause,
      ...(t.detail ? { detail: t.detail } : {}),
    })),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export function transitionJson(t: Transition) {
  return { from: t.from, to: t.to, at: t.at.toISOString(), cause: t.cause, ...(t.detail ? { detail: t.detail } : {}) };
}

function quoteJson(q: AppliedQuote | null): string | null {
  if (!q) return null;
  return JSON.stringify({
    ...q,
    sellAmountMinor: q.sellAmountMinor.toString(),
    buyAmountMinor: q.buyAmountMinor.toString(),
    expiresAt: q.expiresAt.toISOString(),
  });
}

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** The INSERT of payment orders (`on conflict do nothing`: an end-to-end id already taken skips its row). */
function insertPaymentsStatement(payments: readonly PaymentOrder[]): RawBuilder<unknown> {
  const p = payments;
  return sql`
    insert into payments.payments (id, kind, state, amount, currency, credit_amount, credit_currency, debtor_account_id,
      creditor_account_id, debtor, creditor, merchant_id, mdr, fee, quote, capture, end_to_end_id, remittance, refunded,
      failure_code, risk, metadata, transitions, created_at, updated_at)
    select id, kind, state, amount, currency, credit_amount, credit_currency, debtor_account_id, creditor_account_id,
      debtor::jsonb, creditor::jsonb, merchant_id, mdr, fee, quote::jsonb, capture, end_to_end_id, remittance, 0,
      failure_code, risk::jsonb, metadata::jsonb, transitions::jsonb, created_at, created_at
    from unnest(${p.map((x) => x.id)}::uuid[], ${p.map((x) => x.kind)}::text[], ${p.map((x) => x.state)}::text[],
      ${p.map((x) => x.amountMinor.toString())}::int8[], ${p.map((x) => x.currency)}::text[],
      ${p.map((x) => x.creditAmountMinor.toString())}::int8[], ${p.map((x) => x.creditCurrency)}::text[],
      ${p.map((x) => x.debtorAccountId)}::uuid[], ${p.map((x) => x.creditorAccountId)}::uuid[],
      ${p.map((x) => json(x.debtor))}::text[], ${p.map((x) => json(x.creditor))}::text[],
      ${p.map((x) => x.merchantId)}::uuid[], ${p.map((x) => x.mdr)}::text[], ${p.map((x) => x.feeMinor.toString())}::int8[],
      ${p.map((x) => quoteJson(x.quote))}::text[], ${p.map((x) => x.capture)}::text[], ${p.map((x) => x.endToEndId)}::text[],
      ${p.map((x) => x.remittanceInformation)}::text[], ${p.map((x) => x.failureCode)}::text[],
      ${p.map((x) => json(x.riskVerdict))}::text[], ${p.map((x) => JSON.stringify(x.metadata))}::text[],
      ${p.map((x) => JSON.stringify(x.transitions.map(transitionJson)))}::text[],
      ${p.map((x) => x.createdAt.toISOString())}::timestamptz[])
      as u(id, kind, state, amount, currency, credit_amount, credit_currency, debtor_account_id, creditor_account_id,
        debtor, creditor, merchant_id, mdr, fee, quote, capture, end_to_end_id, remittance, failure_code, risk, metadata,
        transitions, created_at)
    on conflict do nothing
    returning id`;
}

/**
 * The first write of a group of payments, as one statement: the orders, their idempotency keys,
 * their FX quote claims and their outbox events. Returns how many rows of each were written; the
 * caller rolls back when a count falls short (a replayed key, a taken end-to-end id or quote).
 */
export async function recordFirstWrite(
  db: Db | Trx,
  input: {
    payments: readonly PaymentOrder[];
    keys: readonly {
      principal: string;
      key: string;
      requestHash: string;
      resourceId: string | null;
      /** Set when the response is known at once (a declined payment): the payment's transition count. */
      transitions?: number;
    }[];
    quoteClaims: readonly { quoteId: string; paymentId: string }[];
    outboxInsert: RawBuilder<unknown>;
    at: Date;
  },
): Promise<void> {
  const { keys: k, quoteClaims: q } = input;
  const expected = [input.payments.length, k.length, q.length];
  await sql`
    with p as (${insertPaymentsStatement(input.payments)}),
    k as (
      insert into payments.idempotency_keys (principal, key, request_hash, resource_id, status_code, transitions, created_at)
      select principal, key, request_hash, resource_id, case when transitions is null then null else 201 end, transitions,
        ${input.at.toISOString()}::timestamptz
      from unnest(${k.map((r) => r.principal)}::text[], ${k.map((r) => r.key)}::text[],
        ${k.map((r) => r.requestHash)}::text[], ${k.map((r) => r.resourceId)}::uuid[], ${k.map((r) => r.transitions ?? null)}::int4[])
        as u(principal, key, request_hash, resource_id, transitions)
      on conflict do nothing
      returning 1),
    q as (
      update payments.fx_quotes fq set payment_id = u.payment_id
      from unnest(${q.map((c) => c.quoteId)}::uuid[], ${q.map((c) => c.paymentId)}::uuid[]) as u(quote_id, payment_id)
      where fq.id = u.quote_id and fq.payment_id is null and fq.expires_at > ${input.at.toISOString()}::timestamptz
      returning 1),
    o as (${input.outboxInsert})
    select payments.require_counts(${expected}::int[],
      array[(select count(*) from p), (select count(*) from k), (select count(*) from q)]::int[])`.execute(db);
}

export interface PaymentUpdate {
  readonly id: string;
  /** The state the payment must still be in for the update to apply. */
  readonly expected: PaymentState;
  readonly state: PaymentState;
  readonly transitions: readonly Transition[];
  readonly failureCode?: string | null;
  readonly at: Date;
}

function updatePaymentsStatement(updates: readonly PaymentUpdate[]): RawBuilder<{ id: string }> {
  const u = updates;
  return sql<{ id: string }>`
    update payments.payments p set state = u.state, transitions = p.transitions || u.transitions::jsonb,
      failure_code = coalesce(u.failure_code, p.failure_code), updated_at = u.at
    from unnest(${u.map((x) => x.id)}::uuid[], ${u.map((x) => x.expected)}::text[], ${u.map((x) => x.state)}::text[],
      ${u.map((x) => JSON.stringify(x.transitions.map(transitionJson)))}::text[], ${u.map((x) => x.failureCode ?? null)}::text[],
      ${u.map((x) => x.at.toISOString())}::timestamptz[]) as u(id, expected, state, transitions, failure_code, at)
    where p.id = u.id and p.state = u.expected
    returning p.id`;
}

/** Moves payments to new states, appending transitions; returns the ids updated (others had moved on). */
export async function updatePayments(trx: Trx, updates: readonly PaymentUpdate[]): Promise<Set<string>> {
  if (updates.length === 0) return new Set();
  const result = await updatePaymentsStatement(updates).execute(trx);
  return new Set(result.rows.map((r) => r.id));
}

/**
 * The final write of a group, as one statement: new states and transitions, the responses of
 * their idempotency keys, and their outbox events. Returns how many payments were updated.
 */
export async function recordFinalWrite(
  db: Db | Trx,
  input: {
    updates: readonly PaymentUpdate[];
    /** Keys of these payments get their response: status 201, the payment as of its n-th transition. */
    responses: readonly { resourceId: string; transitions: number }[];
    outboxInsert: RawBuilder<unknown>;
  },
): Promise<void> {
  const r = input.responses;
  await sql`
    with u as (${updatePaymentsStatement(input.updates)}),
    k as (
      update payments.idempotency_keys k set status_code = 201, transitions = r.transitions
      from unnest(${r.map((x) => x.resourceId)}::uuid[], ${r.map((x) => x.transitions)}::int4[]) as r(resource_id, transitions)
      where k.resource_id = r.resource_id and k.status_code is null
      returning 1),
    o as (${input.outboxInsert})
    select payments.require_counts(${[input.updates.length]}::int[], array[(select count(*) from u)]::int[])`.execute(
    db,
  );
}

/** The error `recordFirstWrite`/`recordFinalWrite` raise when a count falls short. */
export function isCountMismatch(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ZR001';
}

export async function loadPayments(db: Db | Trx, ids: readonly string[]): Promise<Map<string, PaymentOrder>> {
  if (ids.length === 0) return new Map();
  const result =
    await sql<PaymentRow>`select ${PAYMENT_COLUMNS} from payments.payments where id = any(${ids}::uuid[])`.execute(db);
  return new Map(result.rows.map((r) => [r.id, toPayment(r)]));
}

export async function lockPayments(trx: Trx, ids: readonly string[]): Promise<Map<string, PaymentOrder>> {
  if (ids.length === 0) return new Map();
  const result = await sql<PaymentRow>`
    select ${PAYMENT_COLUMNS} from payments.payments where id = any(${ids}::uuid[]) order by id for update`.execute(
    trx,
  );
  return new Map(result.rows.map((r) => [r.id, toPayment(r)]));
}

export async function lockPayment(trx: Trx, id: string): Promise<PaymentOrder | undefined> {
  const result =
    await sql<PaymentRow>`select ${PAYMENT_COLUMNS} from payments.payments where id = ${id}::uuid for update`.execute(
      trx,
    );
  const row = result.rows[0];
  return row ? toPayment(row) : undefined;
}

export async function setRefunded(trx: Trx, id: string, refundedMinor: bigint, at: Date): Promise<void> {
  await sql`update payments.payments set refunded = ${refundedMinor.toString()}::int8, updated_at = ${at.toISOString()}::timestamptz where id = ${id}::uuid`.execute(
    trx,
  );
}

export interface PaymentFilter {
  readonly limit: number;
  readonly afterId?: string;
  readonly state?: PaymentState;
  readonly accountId?: string;
  readonly endToEndId?: string;
}

export async function listPayments(db: Db, filter: PaymentFilter): Promise<PaymentOrder[]> {
  const conditions = [sql`true`];
  if (filter.afterId) conditions.push(sql`id < ${filter.afterId}::uuid`);
  if (filter.state) conditions.push(sql`state = ${filter.state}`);
  if (filter.endToEndId) conditions.push(sql`end_to_end_id = ${filter.endToEndId}`);
  if (filter.accountId) {
    conditions.push(
      sql`(debtor_account_id = ${filter.accountId}::uuid or creditor_account_id = ${filter.accountId}::uuid)`,
    );
  }
  const result = await sql<PaymentRow>`
    select ${PAYMENT_COLUMNS} from payments.payments where ${sql.join(conditions, sql` and `)}
    order by id desc limit ${filter.limit}`.execute(db);
  return result.rows.map(toPayment);
}

/** The smallest UUIDv7 of a millisecond: ids below it were generated earlier. */
export function uuidFloor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/**
 * Payments created in [from, to) (by their UUIDv7 id, through the primary key) still left between
 * their first write and their ledger step — by a crash or an unreachable ledger.
 */
export async function stalledPayments(db: Db, fromMs: number, toMs: number, limit: number): Promise<PaymentOrder[]> {
  const result = await sql<PaymentRow>`
    select ${PAYMENT_COLUMNS} from payments.payments
    where id >= ${uuidFloor(fromMs)}::uuid and id < ${uuidFloor(toMs)}::uuid and state in ('created', 'screened')
    order by id limit ${limit}`.execute(db);
  return result.rows.map(toPayment);
}

export async function existingEndToEndIds(trx: Trx, values: readonly string[]): Promise<Set<string>> {
  if (values.length === 0) return new Set();
  const result = await sql<{ end_to_end_id: string }>`
    select end_to_end_id from payments.payments where end_to_end_id = any(${values}::text[])`.execute(trx);
  return new Set(result.rows.map((r) => r.end_to_end_id));
}

// ---------------------------------------------------------------- idempotency

export interface IdempotencyRecord {
  readonly principal: string;
  readonly key: string;
  readonly requestHash: string;
  readonly resourceId: string | null;
  readonly statusCode: number | null;
  readonly response: unknown;
  /** For a payment create: the response is the payment as of this many transitions. */
  readonly transitions: number | null;
}

/** Claims keys; returns the `principal\nkey` of those claimed now (the others exist already). */
export async function claimKeys(
  trx: Trx,
  rows: readonly { principal: string; key: string; requestHash: string; resourceId: string | null }[],
  at: Date,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const result = await sql<{ principal: string; key: string }>`
    insert into payments.idempotency_keys (principal, key, request_hash, resource_id, created_at)
    select principal, key, request_hash, resource_id, ${at.toISOString()}::timestamptz
    from unnest(${rows.map((r) => r.principal)}::text[], ${rows.map((r) => r.key)}::text[],
      ${rows.map((r) => r.requestHash)}::text[], ${rows.map((r) => r.resourceId)}::uuid[]) as u(principal, key, request_hash, resource_id)
    on conflict do nothing
    returning principal, key`.execute(trx);
  return new Set(result.rows.map((r) => `${r.principal}\n${r.key}`));
}

export async function loadKeys(
  db: Db | Trx,
  rows: readonly { principal: string; key: string }[],
): Promise<Map<string, IdempotencyRecord>> {
  if (rows.length === 0) return new Map();
  const result = await sql<{
    principal: string;
    key: string;
    request_hash: string;
    resource_id: string | null;
    status_code: number | null;
    response: unknown;
    transitions: number | null;
  }>`
    select k.principal, k.key, k.request_hash, k.resource_id, k.status_code, k.response, k.transitions
    from payments.idempotency_keys k
    join unnest(${rows.map((r) => r.principal)}::text[], ${rows.map((r) => r.key)}::text[]) as u(principal, key)
      on k.principal = u.principal and k.key = u.key`.execute(db);
  return new Map(
    result.rows.map((r) => [
      `${r.principal}\n${r.key}`,
      {
        principal: r.principal,
        key: r.key,
        requestHash: r.request_hash,
        resourceId: r.resource_id,
        statusCode: r.status_code,
        response: r.response,
        transitions: r.transitions,
      },
    ]),
  );
}

export async function storeKeyResponse(
  db: Db | Trx,
  principal: string,
  key: string,
  statusCode: number,
  response: unknown,
): Promise<void> {
  await sql`update payments.idempotency_keys set status_code = ${statusCode}, response = ${JSON.stringify(response)}::json
    where principal = ${principal} and key = ${key}`.execute(db);
}

export async function releaseKey(db: Db | Trx, principal: string, key: string): Promise<void> {
  await sql`delete from payments.idempotency_keys where principal = ${principal} and key = ${key} and status_code is null`.execute(
    db,
  );
}

// ---------------------------------------------------------------- refunds

interface RefundRow {
  id: string;
  payment_id: string;
  amount: bigint;
  currency: string;
  fee_returned: bigint;
  state: string;
  failure_code: string | null;
  reason: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

function toRefund(r: RefundRow): Refund {
  return {
    id: r.id,
    paymentId: r.payment_id,
    amountMinor: BigInt(r.amount),
    currency: r.currency as CurrencyCode,
    feeReturnedMinor: BigInt(r.fee_returned),
    state: r.state as RefundState,
    failureCode: r.failure_code,
    reason: r.reason,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

export async function insertRefund(trx: Trx, refund: Refund): Promise<void> {
  await sql`
    insert into payments.refunds (id, payment_id, amount, currency, fee_returned, state, failure_code, reason, created_at, updated_at)
    values (${refund.id}::uuid, ${refund.paymentId}::uuid, ${refund.amountMinor.toString()}::int8, ${refund.currency},
      ${refund.feeReturnedMinor.toString()}::int8, ${refund.state}, ${refund.failureCode}, ${refund.reason},
      ${refund.createdAt.toISOString()}::timestamptz, ${refund.updatedAt.toISOString()}::timestamptz)`.execute(trx);
}

export async function finishRefund(
  trx: Trx,
  id: string,
  state: RefundState,
  failureCode: string | null,
  at: Date,
): Promise<boolean> {
  const result = await sql`
    update payments.refunds set state = ${state}, failure_code = ${failureCode}, updated_at = ${at.toISOString()}::timestamptz
    where id = ${id}::uuid and state = 'pending'`.execute(trx);
  return (result.numAffectedRows ?? 0n) > 0n;
}

export async function loadRefunds(db: Db | Trx, paymentId: string): Promise<Refund[]> {
  const result =
    await sql<RefundRow>`select * from payments.refunds where payment_id = ${paymentId}::uuid order by id`.execute(db);
  return result.rows.map(toRefund);
}

/** Refunds by their ids (uuids), in no particular order; unknown ids are left out. */
export async function loadRefundsByIds(db: Db | Trx, ids: readonly string[]): Promise<Refund[]> {
  if (ids.length === 0) return [];
  const result = await sql<RefundRow>`select * from payments.refunds where id = any(${[...ids]}::uuid[])`.execute(db);
  return result.rows.map(toRefund);
}

export async function loadRefund(db: Db | Trx, id: string): Promise<Refund | undefined> {
  const result = await sql<RefundRow>`select * from payments.refunds where id = ${id}::uuid`.execute(db);
  const row = result.rows[0];
  return row ? toRefund(row) : undefined;
}

export async function pendingRefunds(db: Db, before: Date, limit: number): Promise<Refund[]> {
  const result = await sql<RefundRow>`
    select * from payments.refunds where state = 'pending' and updated_at < ${before.toISOString()}::timestamptz
    order by updated_at limit ${limit}`.execute(db);
  return result.rows.map(toRefund);
}

// ---------------------------------------------------------------- merchants

export interface Merchant {
  readonly id: string;
  readonly name: string;
  readonly city: string;
  readonly country: string;
  readonly postalCode: string | null;
  readonly merchantCategoryCode: string;
  readonly currency: CurrencyCode;
  /** The ledger account the merchant is paid into (UUID). */
  readonly accountId: string;
  readonly mdr: string;
  /** Name in the merchant's own language (EMV QR template 64), e.g. 最佳运输. */
  readonly nameAlternate: string | null;
  readonly language: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
}

interface MerchantRow {
  id: string;
  name: string;
  city: string;
  country: string;
  postal_code: string | null;
  merchant_category_code: string;
  currency: string;
  account_id: string;
  mdr: string;
  name_alternate: string | null;
  language: string | null;
  metadata: Record<string, unknown>;
  created_at: Date | string;
}

function toMerchant(r: MerchantRow): Merchant {
  return {
    id: r.id,
    name: r.name,
    city: r.city,
    country: r.country,
    postalCode: r.postal_code,
    merchantCategoryCode: r.merchant_category_code,
    currency: r.currency as CurrencyCode,
    accountId: r.account_id,
    mdr: r.mdr,
    nameAlternate: r.name_alternate,
    language: r.language,
    metadata: r.metadata,
    createdAt: new Date(r.created_at),
  };
}

export async function insertMerchant(db: Db, m: Merchant): Promise<boolean> {
  const result = await sql`
    insert into payments.merchants (id, name, city, country, postal_code, merchant_category_code, currency, account_id, mdr,
      name_alternate, language, metadata, created_at)
    values (${m.id}::uuid, ${m.name}, ${m.city}, ${m.country}, ${m.postalCode}, ${m.merchantCategoryCode}, ${m.currency},
      ${m.accountId}::uuid, ${m.mdr}, ${m.nameAlternate}, ${m.language}, ${JSON.stringify(m.metadata)}::jsonb,
      ${m.createdAt.toISOString()}::timestamptz)
    on conflict (id) do nothing`.execute(db);
  return (result.numAffectedRows ?? 0n) > 0n;
}

export async function loadMerchants(db: Db | Trx, ids: readonly string[]): Promise<Map<string, Merchant>> {
  if (ids.length === 0) return new Map();
  const result = await sql<MerchantRow>`select * from payments.merchants where id = any(${ids}::uuid[])`.execute(db);
  return new Map(result.rows.map((r) => [r.id, toMerchant(r)]));
}

// ---------------------------------------------------------------- FX

export async function upsertRates(db: Db, rates: readonly FxRate[], at: Date): Promise<void> {
  if (rates.length === 0) return;
  await sql`
    insert into payments.fx_rates (base, quote, mid, spread_bps, updated_at)
    select base, quote, mid, spread_bps, ${at.toISOString()}::timestamptz
    from unnest(${rates.map((r) => r.base)}::text[], ${rates.map((r) => r.quote)}::text[], ${rates.map((r) => r.mid)}::text[],
      ${rates.map((r) => r.spreadBps)}::int4[]) as u(base, quote, mid, spread_bps)
    on conflict (base, quote) do update set mid = excluded.mid, spread_bps = excluded.spread_bps, updated_at = excluded.updated_at`.execute(
    db,
  );
  // One row per unordered pair: a rate set for EUR/CNY replaces a CNY/EUR row.
  await sql`
    delete from payments.fx_rates r
    using unnest(${rates.map((r) => r.base)}::text[], ${rates.map((r) => r.quote)}::text[]) as u(base, quote)
    where r.base = u.quote and r.quote = u.base`.execute(db);
}

export async function listRates(db: Db | Trx): Promise<(FxRate & { updatedAt: Date })[]> {
  const result = await sql<{ base: string; quote: string; mid: string; spread_bps: number; updated_at: Date | string }>`
    select base, quote, mid, spread_bps, updated_at from payments.fx_rates order by base, quote`.execute(db);
  return result.rows.map((r) => ({
    base: r.base,
    quote: r.quote,
    mid: r.mid,
    spreadBps: r.spread_bps,
    updatedAt: new Date(r.updated_at),
  }));
}

export interface StoredQuote {
  readonly id: string;
  readonly sellCurrency: CurrencyCode;
  readonly buyCurrency: CurrencyCode;
  readonly sellAmountMinor: bigint;
  readonly buyAmountMinor: bigint;
  readonly mid: string;
  readonly rate: string;
  readonly rateNumerator: bigint;
  readonly rateDenominator: bigint;
  readonly spreadBps: number;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly paymentId: string | null;
}

interface QuoteRow {
  id: string;
  sell_currency: string;
  buy_currency: string;
  sell_amount: bigint;
  buy_amount: bigint;
  mid: string;
  rate: string;
  rate_numerator: string;
  rate_denominator: string;
  spread_bps: number;
  created_at: Date | string;
  expires_at: Date | string;
  payment_id: string | null;
}

function toQuote(r: QuoteRow): StoredQuote {
  return {
    id: r.id,
    sellCurrency: r.sell_currency as CurrencyCode,
    buyCurrency: r.buy_currency as CurrencyCode,
    sellAmountMinor: BigInt(r.sell_amount),
    buyAmountMinor: BigInt(r.buy_amount),
    mid: r.mid,
    rate: r.rate,
    rateNumerator: BigInt(r.rate_numerator),
    rateDenominator: BigInt(r.rate_denominator),
    spreadBps: r.spread_bps,
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
    paymentId: r.payment_id,
  };
}

export async function insertQuote(db: Db, q: StoredQuote): Promise<void> {
  await sql`
    insert into payments.fx_quotes (id, sell_currency, buy_currency, sell_amount, buy_amount, mid, rate, rate_numerator,
      rate_denominator, spread_bps, created_at, expires_at)
    values (${q.id}::uuid, ${q.sellCurrency}, ${q.buyCurrency}, ${q.sellAmountMinor.toString()}::int8,
      ${q.buyAmountMinor.toString()}::int8, ${q.mid}, ${q.rate}, ${q.rateNumerator.toString()}, ${q.rateDenominator.toString()},
      ${q.spreadBps}, ${q.createdAt.toISOString()}::timestamptz, ${q.expiresAt.toISOString()}::timestamptz)`.execute(
    db,
  );
}

export async function loadQuotes(db: Db | Trx, ids: readonly string[]): Promise<Map<string, StoredQuote>> {
  if (ids.length === 0) return new Map();
  const result = await sql<QuoteRow>`select * from payments.fx_quotes where id = any(${ids}::uuid[])`.execute(db);
  return new Map(result.rows.map((r) => [r.id, toQuote(r)]));
}

/** Marks quotes as used by payments, if still unused and unexpired; returns the quote ids claimed. */
export async function claimQuotes(
  trx: Trx,
  claims: readonly { quoteId: string; paymentId: string }[],
  now: Date,
): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const result = await sql<{ id: string }>`
    update payments.fx_quotes q set payment_id = u.payment_id
    from unnest(${claims.map((c) => c.quoteId)}::uuid[], ${claims.map((c) => c.paymentId)}::uuid[]) as u(quote_id, payment_id)
    where q.id = u.quote_id and q.payment_id is null and q.expires_at > ${now.toISOString()}::timestamptz
    returning q.id`.execute(trx);
  return new Set(result.rows.map((r) => r.id));
}
