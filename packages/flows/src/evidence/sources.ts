// The evidence log's table of record types: for each, the outbox topics naming its records, the ids an event names, and how to read the records' canonical bodies (used both to append and to audit).
import { createHash } from 'node:crypto';
import {
  type AmlScreeningService,
  amlWorkbenchOf,
  REPORT_GENERATED_TOPIC,
  REPORT_PREFIX,
  REPORT_SUBMITTED_TOPIC,
  type ReportRecord,
} from '@zhirong/aml';
import {
  APPLICATION_PREFIX,
  type Application,
  type CreditService,
  DECISION_RECORD_TYPE,
  decisionBytes,
} from '@zhirong/credit';
import { canonicalJson, formatId, LIMITS, parseId } from '@zhirong/kernel';
import { type LedgerModuleService, TRANSFER_PREFIX, transferJson } from '@zhirong/ledger';
import {
  PAYMENT_PREFIX,
  type PaymentOrder,
  type PaymentsService,
  paymentJson,
  REFUND_PREFIX,
  REFUND_TOPICS,
  refundJson,
  TRANSITIONS_RECORDED_TOPIC,
} from '@zhirong/payments';
import type { DomainEvent } from '@zhirong/platform';
import { DECISION_PREFIX, DECISIONS_TOPIC, type DecisionRecord, decisionJson, type RiskService } from '@zhirong/risk';
import { type ScfService, STEP_PREFIX, STEP_RECORD_TYPE, stepRecordBody } from '@zhirong/scf';

/** The topic on which domains log records themselves (a protocol shared with packages/chain). */
export const EVIDENCE_RECORDS_TOPIC = 'evidence.records';

export const LEDGER_TRANSFER_RECORD = 'ledger.transfer';
export const PAYMENT_TRANSITION_RECORD = 'payments.transition';
export const PAYMENT_REFUND_RECORD = 'payments.refund';
export const RISK_DECISION_RECORD = 'risk.decision';
export const CREDIT_DECISION_RECORD = DECISION_RECORD_TYPE;
export const CREDIT_CONSENT_RECORD = 'credit.consent';
export const AML_REPORT_RECORD = 'aml.report';
export const AML_REPORT_SUBMISSION_RECORD = 'aml.report.submission';

/** A generated regulatory report as logged: what was reported, and digests of both files. */
export function amlReportBody(r: ReportRecord): unknown {
  return {
    id: formatId(REPORT_PREFIX, r.id),
    kind: r.kind,
    businessDay: r.businessDay,
    caseId: r.caseId,
    entryCount: r.entryCount,
    configVersion: r.configVersion,
    xmlSha256: r.xmlSha256,
    csvSha256: r.csvSha256,
    generatedAt: r.generatedAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
  };
}

/** A report's submission as logged: which files went, when, by whom, under which reference. */
export function amlSubmissionBody(r: ReportRecord): unknown {
  return {
    id: formatId(REPORT_PREFIX, r.id),
    xmlSha256: r.xmlSha256,
    csvSha256: r.csvSha256,
    submittedAt: r.submittedAt?.toISOString() ?? null,
    submittedBy: r.submittedBy,
    submissionReference: r.submissionReference,
  };
}

/**
 * One record type on the log. The flow subscribes to `topics`; for each event it takes the
 * subject ids `idsOf` names, reads every record of those subjects with `load` and appends them in
 * one batch. The audit and `chain proof --with-body` read records back with the same `load`
 * (grouping record ids by `subjectOf`), so a record re-read later hashes the same unless its row changed.
 */
export interface EvidenceSource {
  readonly recordType: string;
  /** Outbox topics whose events name records of this type; none when the domain logs them itself (`evidence.records`). */
  readonly topics: readonly string[];
  /** The subject ids an event names (as logged, e.g. `trf_…`); empty when it names none of this type. */
  idsOf(event: DomainEvent): readonly string[];
  /** The subject a record id belongs to (a payment for `pay_…:2`); the record id itself by default. */
  subjectOf?(recordId: string): string;
  /** Canonical bodies of every record of these subjects, by record id, as stored now; unknown ids are left out. */
  load(subjectIds: readonly string[]): Promise<ReadonlyMap<string, unknown>>;
}

/** Looks up another module's service; undefined when the module is not registered. */
export type ServiceLookup = <S>(name: string) => S | undefined;

/** Ids read per domain query. */
export const LOAD_BATCH_MAX = LIMITS.transferBatchSizeMax;

function uuidsOf(prefix: string, ids: readonly string[]): string[] {
  return ids.flatMap((id) => {
    const parsed = parseId(prefix, id);
    return parsed.ok ? [parsed.value] : [];
  });
}

async function inChunks<T>(ids: readonly string[], read: (chunk: string[]) => Promise<readonly T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += LOAD_BATCH_MAX) out.push(...(await read(ids.slice(i, i + LOAD_BATCH_MAX))));
  return out;
}

function objectsAt(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    : [];
}

function stringsAt(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A payment state change: the payment's facts that never change, and the n-th transition (0: created). */
export function transitionBody(payment: PaymentOrder, index: number): unknown {
  const {
    state: _state,
    refunded: _refunded,
    failureCode: _failureCode,
    risk: _risk,
    updatedAt: _updatedAt,
    transitions,
    ...facts
  } = paymentJson(payment);
  return { payment: facts, index, transition: transitions[index] };
}

export const transitionRecordId = (paymentId: string, index: number) =>
  `${formatId(PAYMENT_PREFIX, paymentId)}:${index}`;

/** A risk decision as stored (append-only): its API JSON and the fingerprint of its event. */
export function riskDecisionBody(d: DecisionRecord): unknown {
  return { ...decisionJson(d), fingerprint: d.fingerprint };
}

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** The credit decision body exactly as packages/credit logs it when it decides (digests of inputs and decision). */
export function creditDecisionBody(a: Application): unknown {
  return {
    id: formatId(APPLICATION_PREFIX, a.id),
    inputsDigest: sha256(canonicalJson(a.inputs)),
    decisionDigest: sha256(decisionBytes(a.decision)),
    outcome: a.decision.outcome,
    modelVersion: a.decision.modelVersion,
    policyVersion: a.decision.policyVersion,
  };
}

/**
 * The applicant's data-use consent as stored with the application, and what it was given for. No
 * applicant data: the body is shown to whoever asks for a proof, and the application names the person.
 */
export function creditConsentBody(a: Application): unknown {
  return { application: formatId(APPLICATION_PREFIX, a.id), purpose: 'credit.application', consent: a.consent };
}

/** Every record type the platform logs, for the modules registered (one entry per type). */
/** What `amlWorkbenchOf` builds the AML services from. */
export type AmlWorkbenchContext = Parameters<typeof amlWorkbenchOf>[1];

export function evidenceSources(service: ServiceLookup, platform?: AmlWorkbenchContext): EvidenceSource[] {
  const sources: EvidenceSource[] = [];
  const ledger = service<LedgerModuleService>('ledger');
  if (ledger) {
    sources.push({
      recordType: LEDGER_TRANSFER_RECORD,
      // One event per committed ledger batch, naming its transfers.
      topics: ['ledger.transfers.created'],
      idsOf: (event) =>
        stringsAt((event.payload as { transferIds?: unknown })?.transferIds).map((id) => formatId(TRANSFER_PREFIX, id)),
      async load(ids) {
        const transfers = await inChunks(uuidsOf(TRANSFER_PREFIX, ids), (chunk) => ledger.ledger.getTransfers(chunk));
        return new Map(transfers.map((t) => [formatId(TRANSFER_PREFIX, t.id), transferJson(t)]));
      },
    });
  }
  const scf = service<ScfService>('scf');
  if (scf) {
    sources.push({
      recordType: STEP_RECORD_TYPE,
      topics: [], // scf logs each step itself, on `evidence.records`.
      idsOf: () => [],
      async load(ids) {
        const bodies = new Map<string, unknown>();
        for (const [id, result] of await scf.completedSteps(uuidsOf(STEP_PREFIX, ids))) {
          let body: unknown;
          try {
            body = stepRecordBody(result.step, result.outputs);
          } catch (error) {
            // An output row is gone: the step can no longer be rebuilt, which the audit reports as a change.
            body = { unreadable: String((error as Error).message) };
          }
          bodies.set(formatId(STEP_PREFIX, id), body);
        }
        return bodies;
      },
    });
  }
  const payments = service<PaymentsService>('payments');
  if (payments) {
    sources.push({
      recordType: PAYMENT_TRANSITION_RECORD,
      // One event per committed payments write, naming the payments it recorded transitions of.
      topics: [TRANSITIONS_RECORDED_TOPIC],
      idsOf: (event) => stringsAt((event.payload as { paymentIds?: unknown })?.paymentIds),
      subjectOf: (recordId) => recordId.split(':')[0] ?? recordId,
      async load(ids) {
        const bodies = new Map<string, unknown>();
        for (const chunk of await inChunks(uuidsOf(PAYMENT_PREFIX, ids), async (c) => [
          await payments.getPayments(c),
        ])) {
          for (const payment of chunk.values()) {
            payment.transitions.forEach((_, i) => {
              bodies.set(transitionRecordId(payment.id, i), transitionBody(payment, i));
            });
          }
        }
        return bodies;
      },
    });
  }
  if (payments) {
    sources.push({
      recordType: PAYMENT_REFUND_RECORD,
      // A refund is logged once it is final (succeeded or failed); a pending refund is not a record yet.
      topics: [REFUND_TOPICS.succeeded, REFUND_TOPICS.failed],
      idsOf: (event) => {
        const id = (event.payload as { id?: unknown })?.id;
        return typeof id === 'string' ? [id] : [];
      },
      async load(ids) {
        const refunds = await inChunks(uuidsOf(REFUND_PREFIX, ids), (chunk) => payments.getRefunds(chunk));
        return new Map(
          refunds.filter((r) => r.state !== 'pending').map((r) => [formatId(REFUND_PREFIX, r.id), refundJson(r)]),
        );
      },
    });
  }
  const risk = service<RiskService>('risk');
  if (risk) {
    sources.push({
      recordType: RISK_DECISION_RECORD,
      // One event per committed batch of decisions.
      topics: [DECISIONS_TOPIC],
      idsOf: (event) =>
        objectsAt((event.payload as { decisions?: unknown })?.decisions).flatMap((d) =>
          typeof d.id === 'string' ? [formatId(DECISION_PREFIX, d.id)] : [],
        ),
      async load(ids) {
        const decisions = await inChunks(uuidsOf(DECISION_PREFIX, ids), (chunk) => risk.getDecisions(chunk));
        return new Map(decisions.map((d) => [formatId(DECISION_PREFIX, d.id), riskDecisionBody(d)]));
      },
    });
  }
  const credit = service<CreditService>('credit');
  if (credit) {
    const applications = (ids: readonly string[]) =>
      inChunks(uuidsOf(APPLICATION_PREFIX, ids), (chunk) => credit.getApplications(chunk));
    sources.push({
      recordType: CREDIT_DECISION_RECORD,
      topics: [], // credit logs each decision itself, on `evidence.records`, in the deciding transaction.
      idsOf: () => [],
      async load(ids) {
        return new Map(
          (await applications(ids)).map((a) => [formatId(APPLICATION_PREFIX, a.id), creditDecisionBody(a)]),
        );
      },
    });
    sources.push({
      recordType: CREDIT_CONSENT_RECORD,
      // Every application is decided with the applicant's consent: the decision's event names it.
      topics: [EVIDENCE_RECORDS_TOPIC],
      idsOf: (event) =>
        objectsAt((event.payload as { records?: unknown })?.records).flatMap((r) =>
          r.recordType === CREDIT_DECISION_RECORD && typeof r.recordId === 'string' ? [r.recordId] : [],
        ),
      async load(ids) {
        return new Map(
          (await applications(ids)).map((a) => [formatId(APPLICATION_PREFIX, a.id), creditConsentBody(a)]),
        );
      },
    });
  }
  const screening = service<AmlScreeningService>('aml');
  if (screening && platform) {
    const reports = amlWorkbenchOf(screening, platform).reports;
    // Reports are few (one a day, plus one per suspicious case): read one by one.
    const read = async (ids: readonly string[]) => {
      const out: ReportRecord[] = [];
      for (const id of uuidsOf(REPORT_PREFIX, ids)) {
        try {
          out.push(await reports.get(id));
        } catch {
          // Gone or never stored: left out, as the contract says.
        }
      }
      return out;
    };
    sources.push({
      recordType: AML_REPORT_RECORD,
      topics: [REPORT_GENERATED_TOPIC],
      idsOf: (event) => [event.key],
      async load(ids) {
        return new Map((await read(ids)).map((r) => [formatId(REPORT_PREFIX, r.id), amlReportBody(r)]));
      },
    });
    sources.push({
      recordType: AML_REPORT_SUBMISSION_RECORD,
      topics: [REPORT_SUBMITTED_TOPIC],
      idsOf: (event) => [event.key],
      async load(ids) {
        return new Map(
          (await read(ids))
            .filter((r) => r.submittedAt !== null)
            .map((r) => [formatId(REPORT_PREFIX, r.id), amlSubmissionBody(r)]),
        );
      },
    });
  }
  return sources;
}
