// SQL of AML cases: the case rows, their append-only trail and their attachments (bytes stored in the database).
import { sql, type Transaction } from 'kysely';
import type { AmlDb } from '../screening/screening.repository.ts';
import type {
  AmlCase,
  AttachmentMeta,
  CaseDecision,
  CaseStatus,
  CaseSubjectKind,
  TrailAction,
  TrailEntry,
} from './case.ts';

// biome-ignore lint/suspicious/noExplicitAny: the aml schema is reached through raw SQL only
export type AmlTrx = Transaction<any>;
type Runner = AmlDb | AmlTrx;

function caseOf(row: Record<string, unknown>): AmlCase {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | Date));
  return {
    id: row.id as string,
    subject: { kind: row.subject_kind as CaseSubjectKind, id: row.subject_id as string },
    customerId: row.customer_id as string,
    summary: row.summary as string,
    evidence: typeof row.evidence === 'string' ? JSON.parse(row.evidence) : row.evidence,
    status: row.status as CaseStatus,
    decision: (row.decision as CaseDecision | null) ?? null,
    decisionReason: (row.decision_reason as string | null) ?? null,
    assignee: (row.assignee as string | null) ?? null,
    escalationLevel: Number(row.escalation_level),
    slaHours: Number(row.sla_hours),
    openedAt: new Date(row.opened_at as string | Date),
    dueAt: new Date(row.due_at as string | Date),
    firstActionAt: date(row.first_action_at),
    closedAt: date(row.closed_at),
    closedBy: (row.closed_by as string | null) ?? null,
  };
}

/** Inserts the case unless one exists for its subject; returns the stored case and whether it is new. */
export async function insertCase(trx: AmlTrx, c: AmlCase): Promise<{ stored: AmlCase; created: boolean }> {
  const inserted = await sql<Record<string, unknown>>`
    insert into aml.cases (id, subject_kind, subject_id, customer_id, summary, evidence, status, decision,
      decision_reason, assignee, escalation_level, sla_hours, opened_at, due_at)
    values (${c.id}, ${c.subject.kind}, ${c.subject.id}, ${c.customerId}, ${c.summary},
      ${JSON.stringify(c.evidence ?? null)}::jsonb, ${c.status}, null, null, ${c.assignee}, 0, ${c.slaHours},
      ${c.openedAt}, ${c.dueAt})
    on conflict (subject_kind, subject_id) do nothing
    returning *`.execute(trx);
  const row = inserted.rows[0];
  if (row !== undefined) return { stored: caseOf(row), created: true };
  const existing = await sql<Record<string, unknown>>`
    select * from aml.cases where subject_kind = ${c.subject.kind} and subject_id = ${c.subject.id}`.execute(trx);
  return { stored: caseOf(existing.rows[0] as Record<string, unknown>), created: false };
}

export async function caseById(db: Runner, id: string, forUpdate = false): Promise<AmlCase | undefined> {
  const result = forUpdate
    ? await sql<Record<string, unknown>>`select * from aml.cases where id = ${id} for update`.execute(db)
    : await sql<Record<string, unknown>>`select * from aml.cases where id = ${id}`.execute(db);
  const row = result.rows[0];
  return row === undefined ? undefined : caseOf(row);
}

export async function updateCase(trx: AmlTrx, c: AmlCase): Promise<void> {
  await sql`update aml.cases set status = ${c.status}, decision = ${c.decision}, decision_reason = ${c.decisionReason},
      assignee = ${c.assignee}, escalation_level = ${c.escalationLevel}, due_at = ${c.dueAt},
      first_action_at = ${c.firstActionAt}, closed_at = ${c.closedAt}, closed_by = ${c.closedBy}
    where id = ${c.id}`.execute(trx);
}

export interface CaseFilter {
  readonly status?: readonly CaseStatus[];
  readonly assignee?: string;
  readonly unassigned?: boolean;
  readonly customerId?: string;
  readonly subjectKind?: CaseSubjectKind;
  readonly decision?: CaseDecision;
  /** Open or escalated cases whose deadline is before this instant. */
  readonly overdueAt?: Date;
  /** Keyset cursor: cases after this one in inbox order. */
  readonly after?: { dueAt: Date; id: string };
  readonly limit: number;
}

/** The inbox: most urgent deadline first, then id. */
export async function listCases(db: Runner, f: CaseFilter): Promise<AmlCase[]> {
  const where = [sql`true`];
  if (f.status && f.status.length > 0) where.push(sql`status in (${sql.join(f.status.map((s) => sql`${s}`))})`);
  if (f.assignee !== undefined) where.push(sql`assignee = ${f.assignee}`);
  if (f.unassigned) where.push(sql`assignee is null`);
  if (f.customerId !== undefined) where.push(sql`customer_id = ${f.customerId}`);
  if (f.subjectKind !== undefined) where.push(sql`subject_kind = ${f.subjectKind}`);
  if (f.decision !== undefined) where.push(sql`decision = ${f.decision}`);
  if (f.overdueAt !== undefined) where.push(sql`status <> 'closed' and due_at < ${f.overdueAt}`);
  if (f.after !== undefined) where.push(sql`(due_at, id) > (${f.after.dueAt}, ${f.after.id})`);
  const result = await sql<Record<string, unknown>>`
    select * from aml.cases where ${sql.join(where, sql` and `)} order by due_at, id limit ${f.limit}`.execute(db);
  return result.rows.map(caseOf);
}

export async function appendTrail(trx: AmlTrx, entries: readonly TrailEntry[]): Promise<void> {
  for (const e of entries) {
    await sql`insert into aml.case_trail (id, case_id, at, actor, action, detail)
      values (${e.id}, ${e.caseId}, ${e.at}, ${e.actor}, ${e.action}, ${JSON.stringify(e.detail)}::jsonb)`.execute(trx);
  }
}

export async function trailOf(db: Runner, caseId: string): Promise<TrailEntry[]> {
  const result = await sql<Record<string, unknown>>`
    select * from aml.case_trail where case_id = ${caseId} order by at, id`.execute(db);
  return result.rows.map((row) => ({
    id: row.id as string,
    caseId: row.case_id as string,
    at: new Date(row.at as string | Date),
    actor: row.actor as string,
    action: row.action as TrailAction,
    detail: (typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail) as Record<string, unknown>,
  }));
}

function attachmentOf(row: Record<string, unknown>): AttachmentMeta {
  return {
    id: row.id as string,
    caseId: row.case_id as string,
    fileName: row.file_name as string,
    contentType: row.content_type as string,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256 as string,
    addedBy: row.added_by as string,
    addedAt: new Date(row.added_at as string | Date),
  };
}

export async function insertAttachment(trx: AmlTrx, meta: AttachmentMeta, content: Uint8Array): Promise<void> {
  await sql`insert into aml.case_attachments (id, case_id, file_name, content_type, size_bytes, sha256, content,
      added_by, added_at)
    values (${meta.id}, ${meta.caseId}, ${meta.fileName}, ${meta.contentType}, ${meta.sizeBytes}, ${meta.sha256},
      ${content}, ${meta.addedBy}, ${meta.addedAt})`.execute(trx);
}

export async function attachmentsOf(db: Runner, caseId: string): Promise<AttachmentMeta[]> {
  const result = await sql<Record<string, unknown>>`
    select id, case_id, file_name, content_type, size_bytes, sha256, added_by, added_at
    from aml.case_attachments where case_id = ${caseId} order by added_at, id`.execute(db);
  return result.rows.map(attachmentOf);
}

export async function attachmentContent(
  db: Runner,
  caseId: string,
  id: string,
): Promise<{ meta: AttachmentMeta; content: Uint8Array } | undefined> {
  const result = await sql<Record<string, unknown>>`
    select * from aml.case_attachments where case_id = ${caseId} and id = ${id}`.execute(db);
  const row = result.rows[0];
  if (row === undefined) return undefined;
  return { meta: attachmentOf(row), content: new Uint8Array(row.content as Uint8Array) };
}
