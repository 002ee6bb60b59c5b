// Types, limits and the SLA clock of AML cases: what a case is about, its states and the deadline it carries.

import type { Clock, IdGenerator } from '@zhirong/kernel';
import type { Outbox } from '@zhirong/platform';
import type { AmlDb } from '../screening/screening.repository.ts';

export const CASE_SUBJECT_KINDS = ['alert', 'screening_hit'] as const;
export type CaseSubjectKind = (typeof CASE_SUBJECT_KINDS)[number];
/** What a case investigates: a monitoring alert or a screening hit, by its id in its own table. */
export interface CaseSubject {
  readonly kind: CaseSubjectKind;
  readonly id: string;
}

export const CASE_STATUSES = ['open', 'escalated', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CASE_DECISIONS = ['false_positive', 'suspicious'] as const;
export type CaseDecision = (typeof CASE_DECISIONS)[number];
export const TRAIL_ACTIONS = [
  'opened',
  'viewed',
  'assigned',
  'note',
  'attachment_added',
  'attachment_viewed',
  'escalated',
  'decided',
  'reported',
] as const;
export type TrailAction = (typeof TRAIL_ACTIONS)[number];

export interface AmlCase {
  readonly id: string;
  readonly subject: CaseSubject;
  readonly customerId: string;
  readonly summary: string;
  /** What opened the case (the hit's score and features, the alert's parties and amounts), as given. */
  readonly evidence: unknown;
  readonly status: CaseStatus;
  readonly decision: CaseDecision | null;
  readonly decisionReason: string | null;
  readonly assignee: string | null;
  readonly escalationLevel: number;
  /** The SLA the deadline was computed with, in hours. */
  readonly slaHours: number;
  readonly openedAt: Date;
  readonly dueAt: Date;
  readonly firstActionAt: Date | null;
  readonly closedAt: Date | null;
  readonly closedBy: string | null;
}

export interface TrailEntry {
  readonly id: string;
  readonly caseId: string;
  readonly at: Date;
  readonly actor: string;
  readonly action: TrailAction;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface AttachmentMeta {
  readonly id: string;
  readonly caseId: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly addedBy: string;
  readonly addedAt: Date;
}

/** The SLA clock: hours from opening to the deadline per subject kind, and after each escalation. */
export interface CaseSlaConfig {
  readonly openHours: Readonly<Record<CaseSubjectKind, number>>;
  readonly escalatedHours: number;
  /** Largest attachment accepted, in bytes. */
  readonly attachmentBytesMax: number;
  readonly attachmentContentTypes: readonly string[];
}

export const DEFAULT_CASE_SLA: CaseSlaConfig = {
  // A screening hit may stop a customer's onboarding or a payment: it is reviewed within a day.
  openHours: { alert: 72, screening_hit: 24 },
  escalatedHours: 48,
  attachmentBytesMax: 5 * 1024 * 1024,
  attachmentContentTypes: [
    'application/pdf',
    'image/png',
    'image/jpeg',
    'text/plain',
    'text/csv',
    'application/json',
    'application/xml',
  ],
};

/** Rows per inbox page. */
export const CASE_PAGE_MAX = 500;
export const NOTE_LENGTH_MAX = 4000;
export const REASON_LENGTH_MAX = 4000;

export const CASE_OPENED_TOPIC = 'aml.case.opened';
export const CASE_DECIDED_TOPIC = 'aml.case.decided';
export const CASE_ESCALATED_TOPIC = 'aml.case.escalated';

/** What the AML services are built from (passed in by the module or a test). */
export interface AmlDeps {
  readonly db: AmlDb;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly outbox: Outbox;
}

export function addHours(at: Date, hours: number): Date {
  return new Date(at.getTime() + hours * 3_600_000);
}
