// SQL of AML reporting: the recorded transactions (idempotent by source id), the reports with their files, and their submissions.
import { sql } from 'kysely';
import type { AmlTrx } from '../cases/cases.repository.ts';
import type { AmlDb } from '../screening/screening.repository.ts';
import type { ReportBody, ReportError, ReportKind } from './report-format.ts';
import type { Channel, CustomerType, Direction, Region, ReportableTransaction } from './transaction.ts';

type Runner = AmlDb | AmlTrx;

function transactionOf(row: Record<string, unknown>): ReportableTransaction {
  return {
    id: row.id as string,
    customerId: row.customer_id as string,
    customerType: row.customer_type as CustomerType,
    channel: row.channel as Channel,
    region: row.region as Region,
    direction: row.direction as Direction,
    amountMinor: BigInt(row.amount_minor as string | number | bigint),
    currency: row.currency as string,
    occurredAt: new Date(row.occurred_at as string | Date),
    counterparty: typeof row.counterparty === 'string' ? JSON.parse(row.counterparty) : (row.counterparty as object),
  };
}

/** Inserts the transactions not yet recorded; returns the fingerprints stored for the ids given. */
export async function insertTransactions(
  trx: AmlTrx,
  rows: readonly { t: ReportableTransaction; businessDay: string; fingerprint: string }[],
  recordedAt: Date,
): Promise<{ inserted: Set<string>; fingerprints: Map<string, string> }> {
  const inserted = new Set<string>();
  for (const { t, businessDay, fingerprint } of rows) {
    const result = await sql<{ id: string }>`
      insert into aml.report_transactions (id, customer_id, customer_type, channel, region, direction, amount_minor,
        currency, occurred_at, business_day, counterparty, fingerprint, recorded_at)
      values (${t.id}, ${t.customerId}, ${t.customerType}, ${t.channel}, ${t.region}, ${t.direction},
        ${t.amountMinor.toString()}::bigint, ${t.currency}, ${t.occurredAt}, ${businessDay}::date,
        ${JSON.stringify(t.counterparty)}::jsonb, ${fingerprint}, ${recordedAt})
      on conflict (id) do nothing returning id`.execute(trx);
    if (result.rows.length === 1) inserted.add(t.id);
  }
  const ids = rows.map((r) => r.t.id);
  const stored =
    ids.length === 0
      ? { rows: [] }
      : await sql<{ id: string; fingerprint: string }>`
          select id, fingerprint from aml.report_transactions where id in (${sql.join(ids)})`.execute(trx);
  return { inserted, fingerprints: new Map(stored.rows.map((r) => [r.id, r.fingerprint])) };
}

export async function transactionsOfDay(db: Runner, businessDay: string): Promise<ReportableTransaction[]> {
  const result = await sql<Record<string, unknown>>`
    select * from aml.report_transactions where business_day = ${businessDay}::date order by id`.execute(db);
  return result.rows.map(transactionOf);
}

export async function transactionsByIds(db: Runner, ids: readonly string[]): Promise<ReportableTransaction[]> {
  if (ids.length === 0) return [];
  const result = await sql<Record<string, unknown>>`
    select * from aml.report_transactions where id in (${sql.join(ids)}) order by occurred_at, id`.execute(db);
  return result.rows.map(transactionOf);
}

export async function transactionsOfCustomer(
  db: Runner,
  customerId: string,
  from: Date,
  to: Date,
  limit: number,
): Promise<ReportableTransaction[]> {
  const result = await sql<Record<string, unknown>>`
    select * from aml.report_transactions where customer_id = ${customerId} and occurred_at >= ${from}
      and occurred_at <= ${to} order by occurred_at, id limit ${limit}`.execute(db);
  return result.rows.map(transactionOf);
}

export interface ReportRecord {
  readonly id: string;
  readonly kind: ReportKind;
  readonly businessDay: string | null;
  readonly caseId: string | null;
  readonly status: 'generated' | 'submitted';
  readonly entryCount: number;
  readonly body: ReportBody;
  readonly xml: string;
  readonly csv: string;
  readonly xmlSha256: string;
  readonly csvSha256: string;
  readonly validationErrors: readonly ReportError[];
  readonly configVersion: string;
  readonly generatedAt: Date;
  readonly dueAt: Date;
  readonly submittedAt: Date | null;
  readonly submittedBy: string | null;
  readonly submissionReference: string | null;
}

function json<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

function dayText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).slice(0, 10);
}

function reportOf(row: Record<string, unknown>): ReportRecord {
  return {
    id: row.id as string,
    kind: row.kind as ReportKind,
    businessDay: dayText(row.business_day),
    caseId: (row.case_id as string | null) ?? null,
    status: row.status as 'generated' | 'submitted',
    entryCount: Number(row.entry_count),
    body: json<ReportBody>(row.body),
    xml: row.xml as string,
    csv: row.csv as string,
    xmlSha256: row.xml_sha256 as string,
    csvSha256: row.csv_sha256 as string,
    validationErrors: json<ReportError[]>(row.validation_errors),
    configVersion: row.config_version as string,
    generatedAt: new Date(row.generated_at as string | Date),
    dueAt: new Date(row.due_at as string | Date),
    submittedAt: row.submitted_at ? new Date(row.submitted_at as string | Date) : null,
    submittedBy: (row.submitted_by as string | null) ?? null,
    submissionReference: (row.submission_reference as string | null) ?? null,
  };
}

/** Inserts a report unless one exists for its day (large-value) or case (suspicious); returns the stored one. */
export async function insertReport(trx: AmlTrx, r: ReportRecord): Promise<{ stored: ReportRecord; created: boolean }> {
  const result = await sql<Record<string, unknown>>`
    insert into aml.reports (id, kind, business_day, case_id, status, entry_count, body, xml, csv, xml_sha256,
      csv_sha256, validation_errors, config_version, generated_at, due_at)
    values (${r.id}, ${r.kind}, ${r.businessDay}::date, ${r.caseId}, ${r.status}, ${r.entryCount},
      ${JSON.stringify(r.body)}::jsonb, ${r.xml}, ${r.csv}, ${r.xmlSha256}, ${r.csvSha256},
      ${JSON.stringify(r.validationErrors)}::jsonb, ${r.configVersion}, ${r.generatedAt}, ${r.dueAt})
    on conflict do nothing returning *`.execute(trx);
  const row = result.rows[0];
  if (row !== undefined) return { stored: reportOf(row), created: true };
  const existing =
    r.kind === 'large_value'
      ? await sql<Record<string, unknown>>`
          select * from aml.reports where kind = 'large_value' and business_day = ${r.businessDay}::date`.execute(trx)
      : await sql<Record<string, unknown>>`select * from aml.reports where case_id = ${r.caseId}`.execute(trx);
  return { stored: reportOf(existing.rows[0] as Record<string, unknown>), created: false };
}

export async function reportById(db: Runner, id: string, forUpdate = false): Promise<ReportRecord | undefined> {
  const result = forUpdate
    ? await sql<Record<string, unknown>>`select * from aml.reports where id = ${id} for update`.execute(db)
    : await sql<Record<string, unknown>>`select * from aml.reports where id = ${id}`.execute(db);
  const row = result.rows[0];
  return row === undefined ? undefined : reportOf(row);
}

export async function listReports(
  db: Runner,
  f: {
    kind?: ReportKind;
    status?: 'generated' | 'submitted';
    overdueAt?: Date;
    from?: string;
    to?: string;
    limit: number;
  },
): Promise<ReportRecord[]> {
  const where = [sql`true`];
  if (f.kind) where.push(sql`kind = ${f.kind}`);
  if (f.status) where.push(sql`status = ${f.status}`);
  if (f.overdueAt) where.push(sql`status = 'generated' and due_at < ${f.overdueAt}`);
  if (f.from) where.push(sql`generated_at >= ${f.from}::date`);
  if (f.to) where.push(sql`generated_at < (${f.to}::date + 1)`);
  const result = await sql<Record<string, unknown>>`
    select * from aml.reports where ${sql.join(where, sql` and `)} order by due_at, id limit ${f.limit}`.execute(db);
  return result.rows.map(reportOf);
}

export async function recordSubmission(
  trx: AmlTrx,
  s: {
    id: string;
    reportId: string;
    format: 'xml' | 'csv';
    sha256: string;
    reference: string;
    by: string;
    at: Date;
    onTime: boolean;
  },
): Promise<void> {
  await sql`insert into aml.report_submissions (id, report_id, format, sha256, reference, submitted_by, submitted_at, on_time)
    values (${s.id}, ${s.reportId}, ${s.format}, ${s.sha256}, ${s.reference}, ${s.by}, ${s.at}, ${s.onTime})`.execute(
    trx,
  );
  await sql`update aml.reports set status = 'submitted', submitted_at = ${s.at}, submitted_by = ${s.by},
      submission_reference = ${s.reference} where id = ${s.reportId}`.execute(trx);
}

export async function customerTypeOf(db: Runner, customerId: string): Promise<CustomerType | undefined> {
  const result = await sql<{ customer_type: CustomerType }>`
    select customer_type from aml.kyc_profiles where customer_id = ${customerId}`.execute(db);
  return result.rows[0]?.customer_type;
}
