import { assert, type CurrencyCode } from '@zhirong/kernel';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Receivable, ReceivableStatus, StepKind } from './receivable.ts';

// biome-ignore lint/suspicious/noExplicitAny: the scf schema is reached through raw SQL
export type Db = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
export type Trx = Transaction<any>;

export type StepStatus = 'pending' | 'completed' | 'failed';

/** Money a step moves, and the children it creates: stored with the step so a crash can finish it. */
export interface StepPlan {
  readonly money: readonly { debitAccountId: string; creditAccountId: string; amountMinor: string }[];
  readonly children: readonly { holderAccountId: string; amountMinor: string; financed: boolean }[];
  readonly settles: boolean;
  readonly [detail: string]: unknown;
}

export interface Step {
  readonly id: string;
  readonly kind: StepKind;
  readonly status: StepStatus;
  readonly inputId: string | null;
  readonly outputIds: readonly string[];
  readonly transferIds: readonly string[];
  readonly details: StepPlan;
  readonly failureCode: string | null;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
}

type ReceivableRow = {
  id: string;
  root_id: string;
  parent_id: string | null;
  issuer_account_id: string;
  holder_account_id: string;
  amount: bigint;
  currency: string;
  issue_date: string;
  maturity_date: string;
  debt_reference: string;
  financed: boolean;
  status: ReceivableStatus;
  created_by_step_id: string;
  spent_by_step_id: string | null;
};

const RECEIVABLE_COLUMNS = sql`id, root_id, parent_id, issuer_account_id, holder_account_id, amount, currency,
  issue_date, maturity_date, debt_reference, financed, status, created_by_step_id, spent_by_step_id`;

function receivable(r: ReceivableRow): Receivable {
  return {
    id: r.id,
    rootId: r.root_id,
    parentId: r.parent_id,
    issuerAccountId: r.issuer_account_id,
    holderAccountId: r.holder_account_id,
    amountMinor: BigInt(r.amount),
    currency: r.currency as CurrencyCode,
    issueDate: String(r.issue_date),
    maturityDate: String(r.maturity_date),
    debtReference: r.debt_reference,
    financed: r.financed,
    status: r.status,
    createdByStepId: r.created_by_step_id,
    spentByStepId: r.spent_by_step_id,
  };
}

type StepRow = {
  id: string;
  kind: StepKind;
  status: StepStatus;
  input_id: string | null;
  output_ids: string[];
  transfer_ids: string[];
  details: StepPlan;
  failure_code: string | null;
  created_at: Date;
  completed_at: Date | null;
};

/** uuid[] comes back as an array (node-postgres) or as `{a,b}` text (PGlite without a parser). */
function uuidArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  const text = String(value ?? '{}');
  return text === '{}' ? [] : text.slice(1, -1).split(',');
}

function step(r: StepRow): Step {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    inputId: r.input_id,
    outputIds: uuidArray(r.output_ids),
    transferIds: uuidArray(r.transfer_ids),
    details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as StepPlan,
    failureCode: r.failure_code,
    createdAt: r.created_at,
    completedAt: r.completed_at,
  };
}

const STEP_COLUMNS = sql`id, kind, status, input_id, output_ids, transfer_ids, details, failure_code, created_at, completed_at`;

export async function insertStep(trx: Trx, s: Step): Promise<void> {
  await sql`
    insert into scf.steps (id, kind, status, input_id, output_ids, transfer_ids, details, failure_code, created_at, completed_at)
    values (${s.id}::uuid, ${s.kind}, ${s.status}, ${s.inputId}::uuid, ${s.outputIds}::uuid[], ${s.transferIds}::uuid[],
            ${JSON.stringify(s.details)}::jsonb, ${s.failureCode}, ${s.createdAt.toISOString()}::timestamptz,
            ${s.completedAt?.toISOString() ?? null}::timestamptz)
  `.execute(trx);
}

export async function finishStep(
  trx: Trx,
  id: string,
  status: 'completed' | 'failed',
  outputIds: readonly string[],
  failureCode: string | null,
  at: Date,
): Promise<void> {
  await sql`
    update scf.steps set status = ${status}, output_ids = ${outputIds}::uuid[], failure_code = ${failureCode},
      completed_at = ${at.toISOString()}::timestamptz
    where id = ${id}::uuid and status = 'pending'
  `.execute(trx);
}

export async function insertReceivables(trx: Trx, rows: readonly Receivable[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into scf.receivables (id, root_id, parent_id, issuer_account_id, holder_account_id, amount, currency, issue_date,
      maturity_date, debt_reference, financed, status, created_by_step_id, spent_by_step_id, created_at)
    select id, root_id, parent_id, issuer, holder, amount, currency, issue_date, maturity_date, debt_reference, financed,
      status, created_by, null, ${at.toISOString()}::timestamptz
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.rootId)}::uuid[], ${rows.map((r) => r.parentId)}::uuid[],
                ${rows.map((r) => r.issuerAccountId)}::uuid[], ${rows.map((r) => r.holderAccountId)}::uuid[],
                ${rows.map((r) => r.amountMinor.toString())}::bigint[], ${rows.map((r) => r.currency)}::text[],
                ${rows.map((r) => r.issueDate)}::date[], ${rows.map((r) => r.maturityDate)}::date[],
                ${rows.map((r) => r.debtReference)}::text[], ${rows.map((r) => r.financed)}::boolean[],
                ${rows.map((r) => r.status)}::text[], ${rows.map((r) => r.createdByStepId)}::uuid[])
      as t(id, root_id, parent_id, issuer, holder, amount, currency, issue_date, maturity_date, debt_reference, financed, status, created_by)
  `.execute(trx);
}

/** Moves a receivable between statuses; asserts it was in `from` (the row lock makes that hold). */
export async function setStatus(
  trx: Trx,
  id: string,
  from: ReceivableStatus,
  to: ReceivableStatus,
  stepId: string | null,
): Promise<void> {
  const result = await sql`
    update scf.receivables set status = ${to}, spent_by_step_id = ${stepId}::uuid
    where id = ${id}::uuid and status = ${from}
  `.execute(trx);
  assert(Number(result.numAffectedRows ?? 0n) === 1, `receivable ${id} was ${from}`);
}

export async function lockReceivables(trx: Trx, ids: readonly string[]): Promise<Map<string, Receivable>> {
  const { rows } = await sql<ReceivableRow>`
    select ${RECEIVABLE_COLUMNS} from scf.receivables where id = any(${[...ids].sort()}::uuid[]) order by id for update
  `.execute(trx);
  return new Map(rows.map((r) => [r.id, receivable(r)]));
}

export async function loadReceivables(db: Db, ids: readonly string[]): Promise<Map<string, Receivable>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<ReceivableRow>`
    select ${RECEIVABLE_COLUMNS} from scf.receivables where id = any(${ids}::uuid[])
  `.execute(db);
  return new Map(rows.map((r) => [r.id, receivable(r)]));
}

export interface ReceivableFilter {
  readonly holderAccountId?: string;
  readonly rootId?: string;
  readonly status?: ReceivableStatus;
  readonly afterId?: string;
  readonly limit: number;
}

export async function listReceivables(db: Db, f: ReceivableFilter): Promise<Receivable[]> {
  const { rows } = await sql<ReceivableRow>`
    select ${RECEIVABLE_COLUMNS} from scf.receivables
    where (${f.holderAccountId ?? null}::uuid is null or holder_account_id = ${f.holderAccountId ?? null}::uuid)
      and (${f.rootId ?? null}::uuid is null or root_id = ${f.rootId ?? null}::uuid)
      and (${f.status ?? null}::text is null or status = ${f.status ?? null}::text)
      and (${f.afterId ?? null}::uuid is null or id > ${f.afterId ?? null}::uuid)
    order by id limit ${f.limit}
  `.execute(db);
  return rows.map(receivable);
}

/** Active receivables matured on or before `onDate`. */
export async function dueReceivables(db: Db, onDate: string, limit: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select id from scf.receivables where status = 'active' and maturity_date <= ${onDate}::date order by maturity_date, id limit ${limit}
  `.execute(db);
  return rows.map((r) => r.id);
}

export async function loadSteps(db: Db | Trx, ids: readonly string[]): Promise<Map<string, Step>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<StepRow>`select ${STEP_COLUMNS} from scf.steps where id = any(${ids}::uuid[])`.execute(db);
  return new Map(rows.map((r) => [r.id, step(r)]));
}

export async function lockPendingStep(trx: Trx, id: string): Promise<Step | undefined> {
  const { rows } = await sql<StepRow>`
    select ${STEP_COLUMNS} from scf.steps where id = ${id}::uuid and status = 'pending' for update skip locked
  `.execute(trx);
  return rows[0] ? step(rows[0]) : undefined;
}

export async function pendingStepsBefore(db: Db, before: Date, limit: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select id from scf.steps where status = 'pending' and created_at <= ${before.toISOString()}::timestamptz order by created_at limit ${limit}
  `.execute(db);
  return rows.map((r) => r.id);
}

// ------------------------------------------------------------------ idempotency keys
