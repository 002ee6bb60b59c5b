// Storage of post-loan servicing: collection cases and their actions, early-warning flags, and the reads behind portfolio reports.
import { sql } from 'kysely';
import type { Db, Trx } from './credit.repository.ts';

// ------------------------------------------------------------------ collections

export interface OverdueLoanRow {
  readonly loanId: string;
  readonly currency: string;
  readonly customerAccountId: string;
  readonly daysPastDue: number;
  readonly principalOutstandingMinor: bigint;
  readonly penaltyOutstandingMinor: bigint;
  /** Unpaid principal, interest and fees of installments due before `today`. */
  readonly overdueMinor: bigint;
  readonly oldestDueDate: string | null;
  readonly assignee: string | null;
}

/**
 * Active loans past due, worst first (days past due descending, then id), within a DPD range and
 * optionally for one assignee; keyset after (dpd, id).
 */
export async function overdueLoans(
  db: Db,
  q: {
    readonly today: string;
    readonly dpdMin: number;
    readonly dpdMax: number;
    readonly assignee?: string;
    readonly loanId?: string;
    readonly after?: { readonly dpd: number; readonly id: string };
    readonly limit: number;
  },
): Promise<OverdueLoanRow[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select l.id::text as id, l.currency, l.customer_account_id::text as customer_account_id, l.days_past_due,
      l.principal_outstanding::text as principal_outstanding, l.penalty_outstanding::text as penalty_outstanding,
      c.assignee,
      (select coalesce(sum((i.principal - i.principal_paid) + (i.interest - i.interest_paid) + (i.fee - i.fee_paid)), 0)::text
         from credit.installments i where i.loan_id = l.id and i.due_date < ${q.today}::date) as overdue,
      (select min(i.due_date)::text from credit.installments i
         where i.loan_id = l.id and i.due_date < ${q.today}::date
           and (i.principal_paid < i.principal or i.interest_paid < i.interest or i.fee_paid < i.fee)) as oldest_due
    from credit.loans l
    left join credit.collection_cases c on c.loan_id = l.id
    where l.status = 'active' and l.days_past_due between ${q.dpdMin} and ${q.dpdMax}
      ${q.assignee === undefined ? sql`` : sql`and c.assignee = ${q.assignee}`}
      ${q.loanId === undefined ? sql`` : sql`and l.id = ${q.loanId}::uuid`}
      ${
        q.after === undefined
          ? sql``
          : sql`and (l.days_past_due < ${q.after.dpd} or (l.days_past_due = ${q.after.dpd} and l.id > ${q.after.id}::uuid))`
      }
    order by l.days_past_due desc, l.id
    limit ${q.limit}`.execute(db);
  return rows.map((r) => ({
    loanId: String(r.id),
    currency: String(r.currency),
    customerAccountId: String(r.customer_account_id),
    daysPastDue: Number(r.days_past_due),
    principalOutstandingMinor: BigInt(r.principal_outstanding as string),
    penaltyOutstandingMinor: BigInt(r.penalty_outstanding as string),
    overdueMinor: BigInt(r.overdue as string),
    oldestDueDate: r.oldest_due === null ? null : String(r.oldest_due),
    assignee: r.assignee === null ? null : String(r.assignee),
  }));
}

export type CollectionActionKind = 'assign' | 'note' | 'promise';

export interface CollectionAction {
  readonly id: string;
  readonly loanId: string;
  readonly kind: CollectionActionKind;
  readonly assignee: string | null;
  readonly note: string | null;
  readonly promisedAmountMinor: bigint | null;
  readonly promisedDate: string | null;
  readonly actor: string;
  readonly createdAt: Date;
}

export async function insertAction(trx: Trx, a: CollectionAction): Promise<void> {
  await sql`
    insert into credit.collection_actions (id, loan_id, kind, assignee, note, promised_amount, promised_date, actor, created_at)
    values (${a.id}::uuid, ${a.loanId}::uuid, ${a.kind}, ${a.assignee}, ${a.note},
      ${a.promisedAmountMinor === null ? null : a.promisedAmountMinor.toString()}::bigint, ${a.promisedDate}::date,
      ${a.actor}, ${a.createdAt.toISOString()}::timestamptz)`.execute(trx);
  if (a.kind === 'assign')
    await sql`
      insert into credit.collection_cases (loan_id, assignee, updated_at)
      values (${a.loanId}::uuid, ${a.assignee}, ${a.createdAt.toISOString()}::timestamptz)
      on conflict (loan_id) do update set assignee = excluded.assignee, updated_at = excluded.updated_at`.execute(trx);
}

/** Actions of the given loans, newest first. */
export async function actionsOf(db: Db, loanIds: readonly string[]): Promise<CollectionAction[]> {
  if (loanIds.length === 0) return [];
  const { rows } = await sql<Record<string, unknown>>`
    select id::text as id, loan_id::text as loan_id, kind, assignee, note, promised_amount::text as promised_amount,
      promised_date::text as promised_date, actor, created_at
    from credit.collection_actions
    where loan_id in (${sql.join(loanIds.map((id) => sql`${id}::uuid`))})
    order by created_at desc, id desc`.execute(db);
  return rows.map((r) => ({
    id: String(r.id),
    loanId: String(r.loan_id),
    kind: r.kind as CollectionActionKind,
    assignee: r.assignee === null ? null : String(r.assignee),
    note: r.note === null ? null : String(r.note),
    promisedAmountMinor: r.promised_amount === null ? null : BigInt(r.promised_amount as string),
    promisedDate: r.promised_date === null ? null : String(r.promised_date),
    actor: String(r.actor),
    createdAt: new Date(r.created_at as string),
  }));
}

/** Repaid amounts (not write-offs) of one loan after a time and up to a business date. */
export async function repaidSince(db: Db, loanId: string, since: Date, through: string): Promise<bigint> {
  const { rows } = await sql<{ total: string }>`
    select coalesce(sum(amount), 0)::text as total from credit.repayments
    where loan_id = ${loanId}::uuid and kind = 'repayment' and created_at >= ${since.toISOString()}::timestamptz
      and business_date <= ${through}::date`.execute(db);
  return BigInt(rows[0]?.total ?? '0');
}

// ------------------------------------------------------------------ early warnings

export type WarningKind = 'missed_payment' | 'falling_balance' | 'risk_decision';

export interface Warning {
  readonly id: string;
  readonly loanId: string;
  readonly kind: WarningKind;
  /** Unique per loan and kind: the same condition is flagged once (`period:3`, a risk decision id, a date). */
  readonly key: string;
  readonly reason: { readonly code: string; readonly en: string; readonly zh: string };
  readonly detail: Readonly<Record<string, unknown>>;
  readonly raisedAt: Date;
  readonly acknowledgedAt: Date | null;
  readonly acknowledgedBy: string | null;
}

/** Inserts flags not raised before; returns how many were new. */
export async function insertWarnings(db: Db, warnings: readonly Warning[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < warnings.length; i += 200) {
    const chunk = warnings.slice(i, i + 200);
    const { rows } = await sql<{ id: string }>`
      insert into credit.warnings (id, loan_id, kind, key, reason, detail, raised_at)
      values ${sql.join(
        chunk.map(
          (w) =>
            sql`(${w.id}::uuid, ${w.loanId}::uuid, ${w.kind}, ${w.key}, ${JSON.stringify(w.reason)}::jsonb,
              ${JSON.stringify(w.detail)}::jsonb, ${w.raisedAt.toISOString()}::timestamptz)`,
        ),
      )}
      on conflict (loan_id, kind, key) do nothing
      returning id::text as id`.execute(db);
    inserted += rows.length;
  }
  return inserted;
}

function warning(r: Record<string, unknown>): Warning {
  const json = <T>(v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  return {
    id: String(r.id),
    loanId: String(r.loan_id),
    kind: r.kind as WarningKind,
    key: String(r.key),
    reason: json(r.reason),
    detail: json(r.detail),
    raisedAt: new Date(r.raised_at as string),
    acknowledgedAt: r.acknowledged_at === null ? null : new Date(r.acknowledged_at as string),
    acknowledgedBy: r.acknowledged_by === null ? null : String(r.acknowledged_by),
  };
}

/** Flags newest first (raised_at desc, id desc), for one loan or the open queue; keyset after an id. */
export async function listWarnings(
  db: Db,
  q: { readonly loanId?: string; readonly openOnly: boolean; readonly after?: string; readonly limit: number },
): Promise<Warning[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select id::text as id, loan_id::text as loan_id, kind, key, reason, detail, raised_at, acknowledged_at, acknowledged_by
    from credit.warnings w
    where true
      ${q.loanId === undefined ? sql`` : sql`and w.loan_id = ${q.loanId}::uuid`}
      ${q.openOnly ? sql`and w.acknowledged_at is null` : sql``}
      ${
        q.after === undefined
          ? sql``
          : sql`and (w.raised_at, w.id) < (select raised_at, id from credit.warnings where id = ${q.after}::uuid)`
      }
    order by w.raised_at desc, w.id desc
    limit ${q.limit}`.execute(db);
  return rows.map(warning);
}

export async function acknowledgeWarning(db: Db, id: string, by: string, at: Date): Promise<Warning | undefined> {
  const { rows } = await sql<Record<string, unknown>>`
    update credit.warnings set acknowledged_at = coalesce(acknowledged_at, ${at.toISOString()}::timestamptz),
      acknowledged_by = coalesce(acknowledged_by, ${by})
    where id = ${id}::uuid
    returning id::text as id, loan_id::text as loan_id, kind, key, reason, detail, raised_at, acknowledged_at, acknowledged_by`.execute(
    db,
  );
  return rows[0] ? warning(rows[0]) : undefined;
}

/** Unpaid installments of active loans due before `today` (each is a missed payment). */
export async function missedInstallments(
  db: Db,
  today: string,
): Promise<{ loanId: string; period: number; dueDate: string; unpaidMinor: bigint; currency: string }[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select i.loan_id::text as loan_id, i.period, i.due_date::text as due_date, l.currency,
      ((i.principal - i.principal_paid) + (i.interest - i.interest_paid) + (i.fee - i.fee_paid))::text as unpaid
    from credit.installments i join credit.loans l on l.id = i.loan_id
    where l.status = 'active' and i.due_date < ${today}::date
      and (i.principal_paid < i.principal or i.interest_paid < i.interest or i.fee_paid < i.fee)
      and not exists (select 1 from credit.warnings w where w.loan_id = i.loan_id and w.kind = 'missed_payment'
        and w.key = 'period:' || i.period)
    order by i.loan_id, i.period`.execute(db);
  return rows.map((r) => ({
    loanId: String(r.loan_id),
    period: Number(r.period),
    dueDate: String(r.due_date),
    unpaidMinor: BigInt(r.unpaid as string),
    currency: String(r.currency),
  }));
}

/** Active loans in id order, a page at a time (the monitoring batch). */
export async function activeLoansPage(
  db: Db,
  after: string | undefined,
  limit: number,
): Promise<
  {
    loanId: string;
    applicationId: string;
    idNumber: string;
    customerAccountId: string;
    currency: string;
    since: Date;
  }[]
> {
  const { rows } = await sql<Record<string, unknown>>`
    select id::text as id, application_id::text as application_id, id_number,
      customer_account_id::text as customer_account_id, currency, created_at
    from credit.loans where status = 'active' ${after === undefined ? sql`` : sql`and id > ${after}::uuid`}
    order by id limit ${limit}`.execute(db);
  return rows.map((r) => ({
    loanId: String(r.id),
    applicationId: String(r.application_id),
    idNumber: String(r.id_number),
    customerAccountId: String(r.customer_account_id),
    currency: String(r.currency),
    since: new Date(r.created_at as string),
  }));
}

// ------------------------------------------------------------------ reports

export interface ApplicationFact {
  readonly band: string | null;
  readonly outcome: string;
  readonly pd: string | null;
  readonly currency: string;
  /** The business date the application was decided on. */
  readonly asOf: string;
}

/** Applications decided on business dates from `from` to `to` (inclusive). */
export async function applicationFacts(db: Db, from: string, to: string): Promise<ApplicationFact[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select decision->>'band' as band, outcome, decision->>'pd' as pd, currency, inputs->>'asOf' as as_of
    from credit.applications
    where created_at >= ${from}::date - interval '2 days' and created_at < ${to}::date + interval '2 days'
      and inputs->>'asOf' between ${from} and ${to}`.execute(db);
  return rows.map((r) => ({
    band: r.band === null || r.band === undefined ? null : String(r.band),
    outcome: String(r.outcome),
    pd: r.pd === null || r.pd === undefined ? null : String(r.pd),
    currency: String(r.currency),
    asOf: String(r.as_of),
  }));
}

export interface LoanFact {
  readonly id: string;
  readonly band: string | null;
  readonly currency: string;
  readonly principalMinor: bigint;
  readonly startDate: string;
  readonly status: string;
  readonly daysPastDue: number;
  readonly maxDaysPastDue: number;
  readonly closedDate: string | null;
  /** First business date each DPD threshold was reached (30 and 90 days). */
  readonly first30: string | null;
  readonly first90: string | null;
  /** Days past due on the roll-rate dates (null: not accrued that day). */
  readonly dpdFrom: number | null;
  readonly dpdTo: number | null;
}

/**
 * Loans disbursed on or before `asOf`, with their band, DPD history (accruals up to `asOf`) and days
 * past due on the two roll-rate dates.
 */
export async function loanFacts(db: Db, asOf: string, rollFrom: string, rollTo: string): Promise<LoanFact[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select l.id::text as id, a.decision->>'band' as band, l.currency, l.principal::text as principal,
      l.start_date::text as start_date, l.status, l.days_past_due, (l.closed_at at time zone 'UTC')::date::text as closed_date,
      coalesce(max(x.days_past_due), 0) as max_dpd,
      min(x.business_date) filter (where x.days_past_due >= 30)::text as first30,
      min(x.business_date) filter (where x.days_past_due >= 90)::text as first90,
      (select f.days_past_due from credit.accruals f where f.loan_id = l.id and f.business_date = ${rollFrom}::date) as dpd_from,
      (select t.days_past_due from credit.accruals t where t.loan_id = l.id and t.business_date = ${rollTo}::date) as dpd_to
    from credit.loans l
    join credit.applications a on a.id = l.application_id
    left join credit.accruals x on x.loan_id = l.id and x.business_date <= ${asOf}::date
    where l.start_date <= ${asOf}::date
    group by l.id, a.decision->>'band'
    order by l.id`.execute(db);
  return rows.map((r) => ({
    id: String(r.id),
    band: r.band === null || r.band === undefined ? null : String(r.band),
    currency: String(r.currency),
    principalMinor: BigInt(r.principal as string),
    startDate: String(r.start_date),
    status: String(r.status),
    daysPastDue: Number(r.days_past_due),
    maxDaysPastDue: Number(r.max_dpd),
    closedDate: r.closed_date === null ? null : String(r.closed_date),
    first30: r.first30 === null ? null : String(r.first30),
    first90: r.first90 === null ? null : String(r.first90),
    dpdFrom: r.dpd_from === null ? null : Number(r.dpd_from),
    dpdTo: r.dpd_to === null ? null : Number(r.dpd_to),
  }));
}
