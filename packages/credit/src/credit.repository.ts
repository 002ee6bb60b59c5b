import { assert } from '@zhirong/kernel';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DecisionInputs, DecisionRecord } from './decision.ts';
import type { InstallmentState } from './loan.ts';
import type { Product } from './product.ts';
import type { DayCount, RepaymentMethod } from './schedule.ts';

// biome-ignore lint/suspicious/noExplicitAny: the credit schema is reached through raw SQL
export type Db = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
export type Trx = Transaction<any>;

function jsonOf<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function uuidArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  const text = String(value ?? '{}');
  return text === '{}' ? [] : text.slice(1, -1).split(',');
}

// ------------------------------------------------------------------ products

type ProductRow = Record<string, unknown>;

function product(r: ProductRow): Product {
  return {
    id: String(r.id),
    name: String(r.name),
    currency: String(r.currency),
    amountMinMinor: BigInt(r.amount_min as string),
    amountMaxMinor: BigInt(r.amount_max as string),
    termMin: Number(r.term_min),
    termMax: Number(r.term_max),
    method: r.method as RepaymentMethod,
    dayCount: r.day_count as DayCount,
    annualRateMin: String(r.annual_rate_min),
    annualRateMax: String(r.annual_rate_max),
    upfrontFeeRate: String(r.upfront_fee_rate),
    monthlyFeeRate: String(r.monthly_fee_rate),
    graceDays: Number(r.grace_days),
    penaltyRate: String(r.penalty_rate),
    aprCap: String(r.apr_cap),
    aprMax: String(r.apr_max),
    createdAt: new Date(r.created_at as string),
  };
}

export async function insertProduct(db: Db, p: Product): Promise<void> {
  await sql`
    insert into credit.products (id, name, currency, amount_min, amount_max, term_min, term_max, method, day_count,
      annual_rate_min, annual_rate_max, upfront_fee_rate, monthly_fee_rate, grace_days, penalty_rate, apr_cap, apr_max, created_at)
    values (${p.id}::uuid, ${p.name}, ${p.currency}, ${p.amountMinMinor.toString()}::bigint, ${p.amountMaxMinor.toString()}::bigint,
      ${p.termMin}, ${p.termMax}, ${p.method}, ${p.dayCount}, ${p.annualRateMin}, ${p.annualRateMax}, ${p.upfrontFeeRate},
      ${p.monthlyFeeRate}, ${p.graceDays}, ${p.penaltyRate}, ${p.aprCap}, ${p.aprMax}, ${p.createdAt.toISOString()}::timestamptz)
  `.execute(db);
}

export async function getProduct(db: Db | Trx, id: string): Promise<Product | undefined> {
  const { rows } = await sql<ProductRow>`select * from credit.products where id = ${id}::uuid`.execute(db);
  return rows[0] ? product(rows[0]) : undefined;
}

export async function listProducts(db: Db, limit: number, afterId?: string): Promise<Product[]> {
  const { rows } = await sql<ProductRow>`
    select * from credit.products where ${afterId ?? null}::uuid is null or id > ${afterId ?? null}::uuid
    order by id limit ${limit}`.execute(db);
  return rows.map(product);
}

// ------------------------------------------------------------------ applications

export interface Application {
  readonly id: string;
  readonly productId: string;
  readonly idNumber: string;
  readonly applicant: Readonly<Record<string, unknown>>;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly termMonths: number;
  readonly consent: Readonly<Record<string, unknown>>;
  readonly inputs: DecisionInputs;
  readonly decision: DecisionRecord;
  readonly status: 'decided' | 'accepted';
  readonly loanId: string | null;
  readonly createdAt: Date;
}

function application(r: Record<string, unknown>): Application {
  return {
    id: String(r.id),
    productId: String(r.product_id),
    idNumber: String(r.id_number),
    applicant: jsonOf(r.applicant),
    amountMinor: BigInt(r.amount as string),
    currency: String(r.currency),
    termMonths: Number(r.term_months),
    consent: jsonOf(r.consent),
    inputs: jsonOf(r.inputs),
    decision: jsonOf(r.decision),
    status: r.status as Application['status'],
    loanId: r.loan_id === null ? null : String(r.loan_id),
    createdAt: new Date(r.created_at as string),
  };
}

export async function insertApplication(trx: Trx, a: Application): Promise<void> {
  await sql`
    insert into credit.applications (id, product_id, id_number, applicant, amount, currency, term_months, consent, inputs,
      decision, outcome, model_version, policy_version, status, loan_id, created_at)
    values (${a.id}::uuid, ${a.productId}::uuid, ${a.idNumber}, ${JSON.stringify(a.applicant)}::jsonb,
      ${a.amountMinor.toString()}::bigint, ${a.currency}, ${a.termMonths}, ${JSON.stringify(a.consent)}::jsonb,
      ${JSON.stringify(a.inputs)}::jsonb, ${JSON.stringify(a.decision)}::jsonb, ${a.decision.outcome},
      ${a.decision.modelVersion}, ${a.decision.policyVersion}, ${a.status}, null, ${a.createdAt.toISOString()}::timestamptz)
  `.execute(trx);
}

export async function getApplication(db: Db | Trx, id: string, lock = false): Promise<Application | undefined> {
  const { rows } = lock
    ? await sql<Record<string, unknown>>`select * from credit.applications where id = ${id}::uuid for update`.execute(
        db,
      )
    : await sql<Record<string, unknown>>`select * from credit.applications where id = ${id}::uuid`.execute(db);
  return rows[0] ? application(rows[0]) : undefined;
}

/** Applications by their ids (uuids), in no particular order; ids not stored are left out. */
export async function getApplications(db: Db | Trx, ids: readonly string[]): Promise<Application[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<Record<string, unknown>>`
    select * from credit.applications where id = any(${[...ids]}::uuid[])`.execute(db);
  return rows.map(application);
}

export async function listApplications(db: Db, limit: number, afterId?: string): Promise<Application[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select * from credit.applications where ${afterId ?? null}::uuid is null or id > ${afterId ?? null}::uuid
    order by id limit ${limit}`.execute(db);
  return rows.map(application);
}

export async function markAccepted(trx: Trx, applicationId: string, loanId: string): Promise<void> {
  await sql`update credit.applications set status = 'accepted', loan_id = ${loanId}::uuid where id = ${applicationId}::uuid`.execute(
    trx,
  );
}

/** The applicant's loans here: earlier loans by status and their worst current days past due. */
export interface EarlierLoans {
  readonly count: number;
  readonly active: number;
  readonly closed: number;
  readonly writtenOff: number;
  readonly maxDaysPastDue: number;
}

/**
 * The applicant's active loans here and the installments they pay a month (the largest one of
 * each), with all their earlier loans here by status — one query.
 */
export async function activeLoansOf(
  db: Db | Trx,
  idNumber: string,
): Promise<{ count: number; monthlyMinor: bigint; earlier: EarlierLoans }> {
  const { rows } = await sql<Record<string, string | number | null>>`
    select count(*) filter (where l.status = 'active')::text as count,
      coalesce(sum(m.monthly) filter (where l.status = 'active'), 0)::text as monthly,
      count(*)::text as total,
      count(*) filter (where l.status = 'closed')::text as closed,
      count(*) filter (where l.status = 'written_off')::text as written_off,
      coalesce(max(l.days_past_due), 0)::text as max_dpd
    from credit.loans l
    left join lateral (
      select max(principal + interest + fee) as monthly from credit.installments i
      where i.loan_id = l.id and l.status = 'active') m on true
    where l.id_number = ${idNumber}`.execute(db);
  const row = rows[0] ?? {};
  return {
    count: Number(row.count ?? 0),
    monthlyMinor: BigInt(row.monthly ?? '0'),
    earlier: {
      count: Number(row.total ?? 0),
      active: Number(row.count ?? 0),
      closed: Number(row.closed ?? 0),
      writtenOff: Number(row.written_off ?? 0),
      maxDaysPastDue: Number(row.max_dpd ?? 0),
    },
  };
}

// ------------------------------------------------------------------ loans

export type LoanStatus = 'active' | 'closed' | 'written_off';

export interface Loan {
  readonly id: string;
  readonly applicationId: string;
  readonly productId: string;
  readonly idNumber: string;
  readonly customerAccountId: string;
  readonly currency: string;
  readonly principalMinor: bigint;
  readonly annualRate: string;
  readonly penaltyRate: string;
  readonly graceDays: number;
  readonly method: RepaymentMethod;
  readonly dayCount: DayCount;
  readonly startDate: string;
  readonly upfrontFeeMinor: bigint;
  readonly status: LoanStatus;
  readonly principalOutstandingMinor: bigint;
  readonly interestAccruedMinor: bigint;
  readonly penaltyOutstandingMinor: bigint;
  readonly penaltyPaidMinor: bigint;
  readonly accruedThrough: string;
  readonly daysPastDue: number;
  readonly disbursementTransferIds: readonly string[];
  readonly createdAt: Date;
  readonly closedAt: Date | null;
}

function loan(r: Record<string, unknown>): Loan {
  return {
    id: String(r.id),
    applicationId: String(r.application_id),
    productId: String(r.product_id),
    idNumber: String(r.id_number),
    customerAccountId: String(r.customer_account_id),
    currency: String(r.currency),
    principalMinor: BigInt(r.principal as string),
    annualRate: String(r.annual_rate),
    penaltyRate: String(r.penalty_rate),
    graceDays: Number(r.grace_days),
    method: r.method as RepaymentMethod,
    dayCount: r.day_count as DayCount,
    startDate: String(r.start_date),
    upfrontFeeMinor: BigInt(r.upfront_fee as string),
    status: r.status as LoanStatus,
    principalOutstandingMinor: BigInt(r.principal_outstanding as string),
    interestAccruedMinor: BigInt(r.interest_accrued as string),
    penaltyOutstandingMinor: BigInt(r.penalty_outstanding as string),
    penaltyPaidMinor: BigInt(r.penalty_paid as string),
    accruedThrough: String(r.accrued_through),
    daysPastDue: Number(r.days_past_due),
    disbursementTransferIds: uuidArray(r.disbursement_transfer_ids),
    createdAt: new Date(r.created_at as string),
    closedAt: r.closed_at === null ? null : new Date(r.closed_at as string),
  };
}

export async function insertLoan(trx: Trx, l: Loan, installments: readonly InstallmentState[]): Promise<void> {
  await sql`
    insert into credit.loans (id, application_id, product_id, id_number, customer_account_id, currency, principal, annual_rate,
      penalty_rate, grace_days, method, day_count, start_date, upfront_fee, status, principal_outstanding, interest_accrued,
      penalty_outstanding, penalty_paid, accrued_through, days_past_due, disbursement_transfer_ids, created_at, closed_at)
    values (${l.id}::uuid, ${l.applicationId}::uuid, ${l.productId}::uuid, ${l.idNumber}, ${l.customerAccountId}::uuid,
      ${l.currency}, ${l.principalMinor.toString()}::bigint, ${l.annualRate}, ${l.penaltyRate}, ${l.graceDays}, ${l.method},
      ${l.dayCount}, ${l.startDate}::date, ${l.upfrontFeeMinor.toString()}::bigint, ${l.status},
      ${l.principalOutstandingMinor.toString()}::bigint, 0, 0, 0, ${l.accruedThrough}::date, 0,
      ${l.disbursementTransferIds}::uuid[], ${l.createdAt.toISOString()}::timestamptz, null)
  `.execute(trx);
  await writeInstallments(trx, l.id, installments, true);
}

export async function writeInstallments(
  trx: Trx,
  loanId: string,
  installments: readonly InstallmentState[],
  insert = false,
): Promise<void> {
  if (installments.length === 0) return;
  const col = (f: (i: InstallmentState) => bigint) => installments.map((i) => f(i).toString());
  if (insert) {
    await sql`
      insert into credit.installments (loan_id, period, from_date, due_date, principal, interest, fee, principal_paid, interest_paid, fee_paid)
      select ${loanId}::uuid, * from unnest(${installments.map((i) => i.period)}::int[], ${installments.map((i) => i.fromDate)}::date[],
        ${installments.map((i) => i.dueDate)}::date[], ${col((i) => i.principalMinor)}::bigint[], ${col((i) => i.interestMinor)}::bigint[],
        ${col((i) => i.feeMinor)}::bigint[], ${col((i) => i.principalPaidMinor)}::bigint[], ${col((i) => i.interestPaidMinor)}::bigint[],
        ${col((i) => i.feePaidMinor)}::bigint[])`.execute(trx);
    return;
  }
  await sql`
    update credit.installments t set principal = u.principal, interest = u.interest, fee = u.fee,
      principal_paid = u.principal_paid, interest_paid = u.interest_paid, fee_paid = u.fee_paid
    from unnest(${installments.map((i) => i.period)}::int[], ${col((i) => i.principalMinor)}::bigint[],
      ${col((i) => i.interestMinor)}::bigint[], ${col((i) => i.feeMinor)}::bigint[], ${col((i) => i.principalPaidMinor)}::bigint[],
      ${col((i) => i.interestPaidMinor)}::bigint[], ${col((i) => i.feePaidMinor)}::bigint[])
      as u(period, principal, interest, fee, principal_paid, interest_paid, fee_paid)
    where t.loan_id = ${loanId}::uuid and t.period = u.period`.execute(trx);
}

export async function getLoan(db: Db | Trx, id: string, lock = false): Promise<Loan | undefined> {
  const { rows } = lock
    ? await sql<Record<string, unknown>>`select * from credit.loans where id = ${id}::uuid for update`.execute(db)
    : await sql<Record<string, unknown>>`select * from credit.loans where id = ${id}::uuid`.execute(db);
  return rows[0] ? loan(rows[0]) : undefined;
}

export async function getLoanByApplication(db: Db | Trx, applicationId: string): Promise<Loan | undefined> {
  const { rows } = await sql<Record<string, unknown>>`
    select * from credit.loans where application_id = ${applicationId}::uuid`.execute(db);
  return rows[0] ? loan(rows[0]) : undefined;
}

export async function listLoans(db: Db, limit: number, afterId?: string, status?: LoanStatus): Promise<Loan[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select * from credit.loans
    where (${afterId ?? null}::uuid is null or id > ${afterId ?? null}::uuid) and (${status ?? null}::text is null or status = ${status ?? null})
    order by id limit ${limit}`.execute(db);
  return rows.map(loan);
}

function installment(r: Record<string, unknown>): InstallmentState {
  return {
    period: Number(r.period),
    fromDate: String(r.from_date),
    dueDate: String(r.due_date),
    principalMinor: BigInt(r.principal as string),
    interestMinor: BigInt(r.interest as string),
    feeMinor: BigInt(r.fee as string),
    principalPaidMinor: BigInt(r.principal_paid as string),
    interestPaidMinor: BigInt(r.interest_paid as string),
    feePaidMinor: BigInt(r.fee_paid as string),
  };
}

export async function installmentsOf(db: Db | Trx, loanId: string): Promise<InstallmentState[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select * from credit.installments where loan_id = ${loanId}::uuid order by period`.execute(db);
  return rows.map(installment);
}

/**
 * What the accrual through `date` needs of each loan, without reading whole schedules: the
 * installments not yet due at `accrued_through` whose period starts before `date`, the unpaid ones
 * already due, and the summed interest of the rest that is due and fully paid (it counts in full).
 */
export async function installmentsForAccrual(
  trx: Trx,
  loanIds: readonly string[],
  date: string,
): Promise<{ installments: Map<string, InstallmentState[]>; settledInterest: Map<string, bigint> }> {
  const installments = new Map<string, InstallmentState[]>(loanIds.map((id) => [id, []]));
  const settledInterest = new Map<string, bigint>();
  if (loanIds.length === 0) return { installments, settledInterest };
  const { rows } = await sql<Record<string, unknown>>`
    select i.loan_id, i.period, i.from_date, i.due_date, i.principal, i.interest, i.fee, i.principal_paid, i.interest_paid,
      i.fee_paid,
      (i.due_date <= l.accrued_through and i.principal_paid = i.principal and i.interest_paid = i.interest
        and i.fee_paid = i.fee) as settled
    from credit.loans l join credit.installments i on i.loan_id = l.id
    where l.id = any(${loanIds}::uuid[]) and i.loan_id = any(${loanIds}::uuid[])
      and (i.due_date <= l.accrued_through or i.from_date < ${date}::date)
    order by i.loan_id, i.period`.execute(trx);
  for (const r of rows) {
    const loanId = String(r.loan_id);
    if (r.settled === true)
      settledInterest.set(loanId, (settledInterest.get(loanId) ?? 0n) + BigInt(r.interest as string));
    else installments.get(loanId)?.push(installment(r));
  }
  return { installments, settledInterest };
}

export async function updateLoanState(
  trx: Trx,
  id: string,
  state: {
    readonly status: LoanStatus;
    readonly principalOutstandingMinor: bigint;
    readonly penaltyOutstandingMinor: bigint;
    readonly penaltyPaidMinor: bigint;
    readonly daysPastDue: number;
    readonly closedAt: Date | null;
  },
): Promise<void> {
  assert(state.principalOutstandingMinor >= 0n, 'the balance never goes negative');
  await sql`
    update credit.loans set status = ${state.status}, principal_outstanding = ${state.principalOutstandingMinor.toString()}::bigint,
      penalty_outstanding = ${state.penaltyOutstandingMinor.toString()}::bigint, penalty_paid = ${state.penaltyPaidMinor.toString()}::bigint,
      days_past_due = ${state.daysPastDue}, closed_at = ${state.closedAt?.toISOString() ?? null}::timestamptz
    where id = ${id}::uuid`.execute(trx);
}

// ------------------------------------------------------------------ accrual batch

/** Active loans not yet accrued through `date`, locked (skipping rows another worker holds). */
export async function loansToAccrue(trx: Trx, date: string, limit: number): Promise<Loan[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select * from credit.loans where status = 'active' and accrued_through < ${date}::date
    order by accrued_through, id limit ${limit} for update skip locked`.execute(trx);
  return rows.map(loan);
}

export interface AccrualRow {
  readonly loanId: string;
  readonly businessDate: string;
  readonly interestMinor: bigint;
  readonly penaltyMinor: bigint;
  readonly daysPastDue: number;
}

/** Inserts accrual rows (a (loan, date) pair already there is skipped: the batch is idempotent). */
export async function insertAccruals(trx: Trx, rows: readonly AccrualRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into credit.accruals (loan_id, business_date, interest, penalty, days_past_due)
    select * from unnest(${rows.map((r) => r.loanId)}::uuid[], ${rows.map((r) => r.businessDate)}::date[],
      ${rows.map((r) => r.interestMinor.toString())}::bigint[], ${rows.map((r) => r.penaltyMinor.toString())}::bigint[],
      ${rows.map((r) => r.daysPastDue)}::int[])
    on conflict (loan_id, business_date) do nothing`.execute(trx);
}

export async function setAccrued(
  trx: Trx,
  updates: readonly {
    id: string;
    through: string;
    interestMinor: bigint;
    penaltyAddedMinor: bigint;
    daysPastDue: number;
  }[],
): Promise<void> {
  if (updates.length === 0) return;
  await sql`
    update credit.loans l set accrued_through = u.through, interest_accrued = u.interest,
      penalty_outstanding = l.penalty_outstanding + u.penalty, days_past_due = u.dpd
    from unnest(${updates.map((u) => u.id)}::uuid[], ${updates.map((u) => u.through)}::date[],
      ${updates.map((u) => u.interestMinor.toString())}::bigint[], ${updates.map((u) => u.penaltyAddedMinor.toString())}::bigint[],
      ${updates.map((u) => u.daysPastDue)}::int[]) as u(id, through, interest, penalty, dpd)
    where l.id = u.id`.execute(trx);
}

export async function accrualsOf(db: Db, loanId: string): Promise<AccrualRow[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select * from credit.accruals where loan_id = ${loanId}::uuid order by business_date`.execute(db);
  return rows.map((r) => ({
    loanId: String(r.loan_id),
    businessDate: String(r.business_date),
    interestMinor: BigInt(r.interest as string),
    penaltyMinor: BigInt(r.penalty as string),
    daysPastDue: Number(r.days_past_due),
  }));
}

// ------------------------------------------------------------------ repayments

export interface Repayment {
  readonly id: string;
  readonly loanId: string;
  readonly kind: 'repayment' | 'write_off';
  readonly businessDate: string;
  readonly amountMinor: bigint;
  readonly penaltyMinor: bigint;
  readonly feesMinor: bigint;
  readonly interestMinor: bigint;
  readonly principalMinor: bigint;
  readonly prepaidPrincipalMinor: bigint;
  readonly transferIds: readonly string[];
  readonly createdAt: Date;
}

export async function insertRepayment(trx: Trx, r: Repayment): Promise<void> {
  await sql`
    insert into credit.repayments (id, loan_id, kind, business_date, amount, penalty, fees, interest, principal, prepaid_principal, transfer_ids, created_at)
    values (${r.id}::uuid, ${r.loanId}::uuid, ${r.kind}, ${r.businessDate}::date, ${r.amountMinor.toString()}::bigint,
      ${r.penaltyMinor.toString()}::bigint, ${r.feesMinor.toString()}::bigint, ${r.interestMinor.toString()}::bigint,
      ${r.principalMinor.toString()}::bigint, ${r.prepaidPrincipalMinor.toString()}::bigint, ${r.transferIds}::uuid[],
      ${r.createdAt.toISOString()}::timestamptz)`.execute(trx);
}

export async function repaymentsOf(db: Db, loanId: string): Promise<Repayment[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select * from credit.repayments where loan_id = ${loanId}::uuid order by created_at, id`.execute(db);
  return rows.map((r) => ({
    id: String(r.id),
    loanId: String(r.loan_id),
    kind: r.kind as Repayment['kind'],
    businessDate: String(r.business_date),
    amountMinor: BigInt(r.amount as string),
    penaltyMinor: BigInt(r.penalty as string),
    feesMinor: BigInt(r.fees as string),
    interestMinor: BigInt(r.interest as string),
    principalMinor: BigInt(r.principal as string),
    prepaidPrincipalMinor: BigInt(r.prepaid_principal as string),
    transferIds: uuidArray(r.transfer_ids),
    createdAt: new Date(r.created_at as string),
  }));
}

// ------------------------------------------------------------------ idempotency keys
