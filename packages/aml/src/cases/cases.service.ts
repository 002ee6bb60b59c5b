// The AML case service: inbox, assignment, SLA deadlines and escalation, notes, attachments and decisions, each recorded in the append-only trail.
import { createHash } from 'node:crypto';
import { AmlError } from '../errors.ts';
import {
  type AmlCase,
  type AmlDeps,
  type AttachmentMeta,
  addHours,
  CASE_DECIDED_TOPIC,
  CASE_ESCALATED_TOPIC,
  CASE_OPENED_TOPIC,
  CASE_PAGE_MAX,
  type CaseDecision,
  type CaseSlaConfig,
  type CaseSubject,
  DEFAULT_CASE_SLA,
  type TrailAction,
  type TrailEntry,
} from './case.ts';
import type { AmlTrx, CaseFilter } from './cases.repository.ts';
import * as repo from './cases.repository.ts';

export interface OpenCaseInput {
  readonly subject: CaseSubject;
  readonly customerId: string;
  readonly summary: string;
  readonly evidence: unknown;
}

/** Called inside the transaction of a change that can move a customer's risk (a case opened or decided). */
export type CaseChangeListener = (trx: AmlTrx, customerIds: readonly string[], trigger: string) => Promise<void>;

export interface CaseView {
  readonly case: AmlCase;
  readonly trail: readonly TrailEntry[];
  readonly attachments: readonly AttachmentMeta[];
}

/** Cases opened per call. */
export const OPEN_CASES_MAX = 1000;

export class AmlCaseService {
  readonly #deps: AmlDeps;
  readonly #sla: CaseSlaConfig;
  #listeners: CaseChangeListener[] = [];

  constructor(deps: AmlDeps, sla: CaseSlaConfig = DEFAULT_CASE_SLA) {
    this.#deps = deps;
    this.#sla = sla;
  }

  /** Registers a listener run inside every transaction that opens or decides a case. */
  onChange(listener: CaseChangeListener): void {
    this.#listeners.push(listener);
  }

  get sla(): CaseSlaConfig {
    return this.#sla;
  }

  #entry(caseId: string, actor: string, action: TrailAction, detail: Record<string, unknown> = {}): TrailEntry {
    return { id: this.#deps.ids.uuid(), caseId, at: this.#deps.clock.now(), actor, action, detail };
  }

  /**
   * Opens one case per subject; a subject that already has a case returns it (`created: false`), so
   * a retried hit or alert never opens a second case. The deadline is the subject kind's SLA.
   */
  async openCases(inputs: readonly OpenCaseInput[], by: string): Promise<{ case: AmlCase; created: boolean }[]> {
    if (inputs.length > OPEN_CASES_MAX) throw new Error(`openCases: at most ${OPEN_CASES_MAX} cases per call`);
    if (inputs.length === 0) return [];
    const now = this.#deps.clock.now();
    return this.#deps.db.transaction().execute(async (trx) => {
      const out: { case: AmlCase; created: boolean }[] = [];
      const events = [];
      const trail: TrailEntry[] = [];
      for (const input of inputs) {
        const slaHours = this.#sla.openHours[input.subject.kind];
        const candidate: AmlCase = {
          id: this.#deps.ids.uuid(),
          subject: input.subject,
          customerId: input.customerId,
          summary: input.summary,
          evidence: input.evidence,
          status: 'open',
          decision: null,
          decisionReason: null,
          assignee: null,
          escalationLevel: 0,
          slaHours,
          openedAt: now,
          dueAt: addHours(now, slaHours),
          firstActionAt: null,
          closedAt: null,
          closedBy: null,
        };
        const { stored, created } = await repo.insertCase(trx, candidate);
        if (!created && stored.customerId !== input.customerId) {
          throw new AmlError('case_subject_conflict', { kind: input.subject.kind, subject: input.subject.id });
        }
        if (created) {
          trail.push(
            this.#entry(stored.id, by, 'opened', { subject: input.subject, dueAt: stored.dueAt.toISOString() }),
          );
          events.push({
            topic: CASE_OPENED_TOPIC,
            key: stored.id,
            payload: { caseId: stored.id, subject: stored.subject, customerId: stored.customerId },
          });
        }
        out.push({ case: stored, created });
      }
      await repo.appendTrail(trx, trail);
      if (events.length > 0) await this.#deps.outbox.enqueue(trx, events);
      const opened = [...new Set(out.filter((o) => o.created).map((o) => o.case.customerId))];
      if (opened.length > 0) for (const listener of this.#listeners) await listener(trx, opened, 'case_opened');
      return out;
    });
  }

  async list(
    filter: Omit<CaseFilter, 'limit' | 'after'> & { limit?: number; afterId?: string; overdue?: boolean },
  ): Promise<AmlCase[]> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), CASE_PAGE_MAX);
    let after: CaseFilter['after'];
    if (filter.afterId !== undefined) {
      const cursor = await repo.caseById(this.#deps.db, filter.afterId);
      if (cursor === undefined) throw new AmlError('aml_case_not_found', { id: filter.afterId });
      after = { dueAt: cursor.dueAt, id: cursor.id };
    }
    const { afterId: _afterId, overdue, ...rest } = filter;
    return repo.listCases(this.#deps.db, {
      ...rest,
      ...(overdue ? { overdueAt: this.#deps.clock.now() } : {}),
      limit,
      ...(after ? { after } : {}),
    });
  }

  /** A case with its trail and attachments; the view itself is recorded in the trail first. */
  async view(id: string, by: string): Promise<CaseView> {
    return this.#deps.db.transaction().execute(async (trx) => {
      const c = (await repo.caseById(trx, id)) ?? this.#notFound(id);
      await repo.appendTrail(trx, [this.#entry(id, by, 'viewed')]);
      return { case: c, trail: await repo.trailOf(trx, id), attachments: await repo.attachmentsOf(trx, id) };
    });
  }

  async trail(id: string): Promise<TrailEntry[]> {
    if ((await repo.caseById(this.#deps.db, id)) === undefined) this.#notFound(id);
    return repo.trailOf(this.#deps.db, id);
  }

  assign(id: string, assignee: string, by: string): Promise<AmlCase> {
    return this.#change(id, by, 'assigned', { assignee }, (c) => ({ ...c, assignee }));
  }

  note(id: string, text: string, by: string): Promise<AmlCase> {
    return this.#change(id, by, 'note', { text }, (c) => c);
  }

  /**
   * Escalates a case: one level up, optionally to another assignee, with a new deadline of the
   * escalation SLA from now.
   */
  escalate(id: string, input: { reason: string; to?: string }, by: string): Promise<AmlCase> {
    const now = this.#deps.clock.now();
    const dueAt = addHours(now, this.#sla.escalatedHours);
    return this.#change(
      id,
      by,
      'escalated',
      { reason: input.reason, ...(input.to ? { to: input.to } : {}), dueAt: dueAt.toISOString() },
      (c) => ({
        ...c,
        status: 'escalated',
        escalationLevel: c.escalationLevel + 1,
        assignee: input.to ?? c.assignee,
        dueAt,
      }),
      (c) => ({ topic: CASE_ESCALATED_TOPIC, key: c.id, payload: { caseId: c.id, level: c.escalationLevel } }),
    );
  }

  /** The SLA clock: escalates every open case past its deadline (run by a timer or the CLI). */
  async escalateOverdue(by = 'sla-clock', limit = CASE_PAGE_MAX): Promise<AmlCase[]> {
    const overdue = await repo.listCases(this.#deps.db, {
      status: ['open', 'escalated'],
      overdueAt: this.#deps.clock.now(),
      limit,
    });
    const out: AmlCase[] = [];
    for (const c of overdue) out.push(await this.escalate(c.id, { reason: 'SLA deadline passed' }, by));
    return out;
  }

  /** Decides a case: false positive or suspicious, with the analyst's reason. A decided case is closed. */
  decide(id: string, decision: CaseDecision, reason: string, by: string): Promise<AmlCase> {
    const now = this.#deps.clock.now();
    return this.#change(
      id,
      by,
      'decided',
      { decision, reason },
      (c) => ({ ...c, status: 'closed', decision, decisionReason: reason, closedAt: now, closedBy: by }),
      (c) => ({
        topic: CASE_DECIDED_TOPIC,
        key: c.id,
        payload: { caseId: c.id, customerId: c.customerId, subject: c.subject, decision, decidedBy: by },
      }),
      true,
    );
  }

  async addAttachment(
    id: string,
    file: { fileName: string; contentType: string; content: Uint8Array },
    by: string,
  ): Promise<AttachmentMeta> {
    if (file.content.byteLength > this.#sla.attachmentBytesMax) {
      throw new AmlError('attachment_too_large', { max: this.#sla.attachmentBytesMax, size: file.content.byteLength });
    }
    const type = file.contentType.toLowerCase().split(';')[0]?.trim() ?? '';
    if (!this.#sla.attachmentContentTypes.includes(type)) {
      throw new AmlError('attachment_type_refused', { type: file.contentType });
    }
    const meta: AttachmentMeta = {
      id: this.#deps.ids.uuid(),
      caseId: id,
      fileName: file.fileName,
      contentType: type,
      sizeBytes: file.content.byteLength,
      sha256: createHash('sha256').update(file.content).digest('hex'),
      addedBy: by,
      addedAt: this.#deps.clock.now(),
    };
    await this.#change(
      id,
      by,
      'attachment_added',
      { attachmentId: meta.id, fileName: meta.fileName, sha256: meta.sha256, sizeBytes: meta.sizeBytes },
      (c) => c,
      undefined,
      false,
      (trx) => repo.insertAttachment(trx, meta, file.content),
    );
    return meta;
  }

  /** An attachment's bytes; reading them is recorded in the trail. */
  async readAttachment(id: string, attachmentId: string, by: string) {
    return this.#deps.db.transaction().execute(async (trx) => {
      if ((await repo.caseById(trx, id)) === undefined) this.#notFound(id);
      const found = await repo.attachmentContent(trx, id, attachmentId);
      if (found === undefined) throw new AmlError('attachment_not_found', { id, attachment: attachmentId });
      await repo.appendTrail(trx, [this.#entry(id, by, 'attachment_viewed', { attachmentId })]);
      return found;
    });
  }

  /** Records in the case's trail that it was reported (called by the reports service in its transaction). */
  async recordReported(trx: AmlTrx, caseId: string, reportId: string, by: string): Promise<void> {
    await repo.appendTrail(trx, [this.#entry(caseId, by, 'reported', { reportId })]);
  }

  #notFound(id: string): never {
    throw new AmlError('aml_case_not_found', { id });
  }

  async #change(
    id: string,
    by: string,
    action: TrailAction,
    detail: Record<string, unknown>,
    change: (c: AmlCase) => AmlCase,
    event?: (c: AmlCase) => { topic: string; key: string; payload: unknown },
    notifies = false,
    extra?: (trx: AmlTrx) => Promise<void>,
  ): Promise<AmlCase> {
    return this.#deps.db.transaction().execute(async (trx) => {
      const c = (await repo.caseById(trx, id, true)) ?? this.#notFound(id);
      if (c.status === 'closed' && action !== 'note') throw new AmlError('aml_case_closed', { id });
      const changed = change(c);
      const next: AmlCase = { ...changed, firstActionAt: c.firstActionAt ?? this.#deps.clock.now() };
      await repo.updateCase(trx, next);
      if (extra) await extra(trx);
      await repo.appendTrail(trx, [this.#entry(id, by, action, detail)]);
      if (event) await this.#deps.outbox.enqueue(trx, [event(next)]);
      if (notifies) for (const listener of this.#listeners) await listener(trx, [next.customerId], `case_${action}`);
      return next;
    });
  }
}
