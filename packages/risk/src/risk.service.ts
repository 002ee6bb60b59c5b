import { inTransaction } from '@zhirong/db';
import { assert, type Clock, canonicalJson, type IdGenerator } from '@zhirong/kernel';
import { psi } from '@zhirong/ml';
import { type Logger, type Outbox, problem } from '@zhirong/platform';
import { type Combined, checkThresholds, type Decision, type Thresholds } from './engine/combine.ts';
import { type ActiveRuleset, type DecisionEngine, type Evaluation, ListIndex } from './engine/engine.ts';
import type { FeatureCatalog, RuleCompiler, RuleDiagnosticLike, RuleSchemaLike } from './engine/ports.ts';
import { RiskModel } from './engine/risk-model.ts';
import { type RiskErrorCode, riskErrors } from './errors.ts';
import { ENTITY_KINDS, type FeatureVector, type RiskEvent, type RiskEventType } from './event.ts';
import { eventFingerprint, eventFromJson, eventJson } from './event-json.ts';
import { FeatureStoreError } from './features/index.ts';
import type {
  CaseOutcome,
  CaseRecord,
  DecisionRecord,
  ListKind,
  ListRecord,
  MatchedRule,
  ModelRecord,
  ModelRole,
  RulesetRecord,
  RulesetStatus,
  StoredRule,
} from './risk.repository.ts';
import * as repo from './risk.repository.ts';

export const DECISIONS_TOPIC = 'risk.decisions.made';
export const CASE_OPENED_TOPIC = 'risk.case.opened';
export const CASE_CLOSED_TOPIC = 'risk.case.closed';
/** Longest aggregation window: history older than this adds nothing to features after a restart. */
export const HISTORY_WINDOW_MS = 30 * 24 * 3600 * 1000;
/** Decisions written together at most (one transaction, one multi-row insert). */
const WRITE_BATCH_MAX = 500;
/** Fraud confirmed by a case puts the device and payee on these deny lists for this long. */
const FRAUD_LIST_TTL_MS = 180 * 24 * 3600 * 1000;
export const FRAUD_LISTS = { device: 'confirmed_fraud_devices', payee: 'confirmed_fraud_payees' } as const;

export function riskFail(code: RiskErrorCode, params?: Record<string, unknown>, pointer?: string): never {
  throw problem(riskErrors, code, { ...(params ? { params } : {}), ...(pointer ? { extensions: { pointer } } : {}) });
}

export interface RiskServiceDeps {
  readonly db: repo.Db;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly outbox: Outbox;
  readonly logger: Logger;
  readonly eventsCommitted: () => void;
  readonly engine: DecisionEngine;
  readonly compile: RuleCompiler;
  readonly catalog: FeatureCatalog;
  readonly caseSlaMinutes: number;
}

export interface RulesetInput {
  readonly name: string;
  readonly eventTypes: readonly RiskEventType[];
  readonly rules: readonly StoredRule[];
  readonly thresholds?: Thresholds;
  readonly description?: string;
}

export interface BacktestReport {
  readonly ruleset: string;
  readonly events: number;
  readonly labelled: number;
  readonly frauds: number;
  readonly rules: { ruleId: string; hits: number; fraudHits: number; precision: number | null }[];
  readonly decisions: { before: Record<Decision, number>; after: Record<Decision, number> };
  /** Labelled events flagged (review or decline) by the ruleset, against the labels. */
  readonly precision: number | null;
  readonly recall: number | null;
  readonly changed: number;
}

interface PendingWrite {
  readonly record: DecisionRecord;
  readonly deferred: boolean;
  readonly resolve: (d: DecisionRecord) => void;
  readonly reject: (e: unknown) => void;
}

const mix = (): Record<Decision, number> => ({ approve: 0, review: 0, decline: 0 });
const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/**
 * The risk engine's service: decisions (computed in memory by the `DecisionEngine`, written
 * append-only in coalesced batches), versioned rulesets, lists, review cases and the model
 * registry. Everything the engine holds in memory is reloaded from the database on start and after
 * every change made through this service.
 */
export class RiskService {
  readonly #deps: RiskServiceDeps;
  readonly #pending: PendingWrite[] = [];
  #writing: Promise<void> | undefined;
  readonly #schema: RuleSchemaLike;
  #ready: Promise<unknown> = Promise.resolve();
  /** The newest event time fed to the feature store. */
  #latestMs = Number.NEGATIVE_INFINITY;

  constructor(deps: RiskServiceDeps) {
    this.#deps = deps;
    this.#schema = {
      features: new Map(deps.catalog.definitions.map((d) => [d.name, d.type])),
      lists: {},
    };
  }

  get engine(): DecisionEngine {
    return this.#deps.engine;
  }

  get catalog(): FeatureCatalog {
    return this.#deps.catalog;
  }

  // ---- decisions ---------------------------------------------------------------------------

  /**
   * Decides on one event. The same event id decided again returns the stored decision (the
   * features are never counted twice); the same id with different content is a conflict.
   */
  async decide(event: RiskEvent): Promise<DecisionRecord> {
    const [decision] = await this.decideMany([event]);
    return decision as DecisionRecord;
  }

  /** Decisions wait for this (the start-up rebuild of features from history). */
  whenReady(ready: Promise<unknown>): void {
    this.#ready = ready.catch(() => undefined);
  }

  /**
   * `deferDurability`: the caller commits its own transaction after this returns (the payments
   * gate does), so the decisions' commit need not wait for its WAL flush — PostgreSQL flushes the
   * WAL in order, and the caller's synchronous commit makes the decisions durable with it.
   */
  async decideMany(
    events: readonly RiskEvent[],
    options: { deferDurability?: boolean } = {},
  ): Promise<DecisionRecord[]> {
    await this.#ready;
    const out: Promise<DecisionRecord>[] = [];
    for (const given of events) {
      // The engine's time never runs backwards: an event older than one already decided (concurrent
      // requests, a client's clock) is taken at the newest decided time, and stored so, which keeps
      // a rebuild from history equal to what was decided live.
      const event = given.atMs < this.#latestMs ? { ...given, atMs: this.#latestMs } : given;
      this.#latestMs = event.atMs;
      const started = process.hrtime.bigint();
      let evaluation: Evaluation;
      try {
        evaluation = await this.#deps.engine.evaluate(event, true);
      } catch (error) {
        if (error instanceof FeatureStoreError) throw problem(riskErrors, error.code, { params: { ...error.params } });
        throw error;
      }
      const latencyUs = Number((process.hrtime.bigint() - started) / 1000n);
      out.push(this.#write(this.#record(event, evaluation, latencyUs), options.deferDurability === true));
    }
    return Promise.all(out);
  }

  #record(event: RiskEvent, e: Evaluation, latencyUs: number): DecisionRecord {
    const matchedRules: MatchedRule[] = e.live.flatMap((o) =>
      o.hits.map((h) => ({ rulesetId: o.ruleset.id, ruleId: h.ruleId, action: h.action, points: h.points })),
    );
    return {
      id: this.#deps.ids.uuid(),
      eventId: event.id,
      eventType: event.type,
      customerId: event.customerId,
      eventAt: new Date(event.atMs),
      event: eventJson(event),
      fingerprint: eventFingerprint(event),
      decision: e.decision,
      score: e.score,
      modelProbability: e.champion?.probability ?? null,
      reasons: e.reasons,
      matchedRules,
      features: e.features,
      versions: {
        rulesets: e.live.map((o) => `${o.ruleset.name}@${o.ruleset.version}`),
        model: e.champion?.version ?? null,
        features: this.#deps.catalog.version,
      },
      shadow:
        e.shadow.length === 0 && e.challenger === null
          ? null
          : {
              rulesets: e.shadow.map((s) => ({
                ruleset: `${s.ruleset.name}@${s.ruleset.version}`,
                decision: s.combined.decision,
                score: s.combined.score,
                matched: s.hits.map((h) => h.ruleId),
              })),
              challenger: e.challenger ? { model: e.challenger.version, score: e.challenger.score } : null,
            },
      latencyUs,
      decidedAt: this.#deps.clock.now(),
    };
  }

  #write(record: DecisionRecord, deferred: boolean): Promise<DecisionRecord> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ record, deferred, resolve, reject });
      this.#writing ??= this.#flush();
    });
  }

  /** Writes what is pending in batches; decisions arriving meanwhile join the next batch. */
  async #flush(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, WRITE_BATCH_MAX);
        try {
          const stored = await this.#persist(
            batch.map((p) => p.record),
            batch.every((p) => p.deferred),
          );
          batch.forEach((p, i) => {
            const d = stored[i];
            if (d) p.resolve(d);
            else p.reject(problem(riskErrors, 'risk_event_conflict', { params: { eventId: p.record.eventId } }));
          });
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }

  async #persist(records: readonly DecisionRecord[], deferred: boolean): Promise<(DecisionRecord | undefined)[]> {
    const { ids, outbox } = this.#deps;
    // One event id twice in one batch: the first is written, the second answered from it.
    const unique = new Map<string, DecisionRecord>();
    for (const r of records) if (!unique.has(r.eventId)) unique.set(r.eventId, r);
    const { inserted, existing } = await inTransaction(this.#deps.db, async (trx) => {
      if (deferred) await repo.deferCommitFlush(trx);
      const inserted = await repo.insertDecisions(trx, [...unique.values()]);
      const written = [...unique.values()].filter((r) => inserted.has(r.eventId));
      const slaMs = this.#deps.caseSlaMinutes * 60_000;
      const cases: CaseRecord[] = written
        .filter((r) => r.decision === 'review')
        .map((r) => ({
          id: ids.uuid(),
          decisionId: r.id,
          eventId: r.eventId,
          customerId: r.customerId,
          status: 'open',
          outcome: null,
          assignee: null,
          openedAt: r.decidedAt,
          dueAt: new Date(r.decidedAt.getTime() + slaMs),
          firstActionAt: null,
          closedAt: null,
          closedBy: null,
          notes: [{ at: r.decidedAt.toISOString(), by: 'engine', action: 'opened' }],
        }));
      await repo.insertCases(trx, cases);
      const events = [];
      if (written.length > 0) {
        events.push({
          topic: DECISIONS_TOPIC,
          key: (written[0] as DecisionRecord).id,
          payload: {
            decisions: written.map((r) => ({
              id: r.id,
              eventId: r.eventId,
              eventType: r.eventType,
              customerId: r.customerId,
              decision: r.decision,
              score: r.score,
            })),
          },
        });
      }
      for (const c of cases) {
        events.push({ topic: CASE_OPENED_TOPIC, key: c.id, payload: { caseId: c.id, eventId: c.eventId } });
      }
      if (events.length > 0) await outbox.enqueue(trx, events);
      const missing = [...unique.keys()].filter((id) => !inserted.has(id));
      const existing = await repo.decisionsByEventIds(trx, missing);
      return { inserted, existing: new Map(existing.map((d) => [d.eventId, d])) };
    });
    if (inserted.size > 0) this.#deps.eventsCommitted();
    return records.map((r) => {
      if (inserted.has(r.eventId)) return unique.get(r.eventId) === r ? r : (unique.get(r.eventId) as DecisionRecord);
      const stored = existing.get(r.eventId) ?? (unique.get(r.eventId) as DecisionRecord);
      if (stored.fingerprint !== r.fingerprint) return undefined;
      return stored;
    });
  }

  /** Stored decisions by id (uuids), for readers of many at once (the evidence log); unknown ids are left out. */
  getDecisions(ids: readonly string[]): Promise<DecisionRecord[]> {
    return repo.decisionsByIds(this.#deps.db, ids);
  }

  async getDecision(id: string): Promise<DecisionRecord> {
    return (await repo.decisionById(this.#deps.db, id)) ?? riskFail('decision_not_found', { id });
  }

  listDecisions(filter: repo.DecisionFilter): Promise<DecisionRecord[]> {
    return repo.listDecisions(this.#deps.db, filter);
  }

  /**
   * Decides again on the stored features with the rulesets and model the decision named, and
   * reports whether the result is the same.
   */
  async replay(id: string): Promise<{ original: DecisionRecord; replayed: Combined; same: boolean }> {
    const original = await this.getDecision(id);
    const event = eventFromJson(original.event);
    assert(event !== undefined, 'a stored event reads back');
    const sets = await this.#rulesetsByLabel(original.versions.rulesets);
    const engine = this.#deps.engine;
    const saved = { champion: engine.champion, challenger: engine.challenger };
    let replayed: Evaluation;
    const model = original.versions.model ? await this.#loadModel(original.versions.model) : undefined;
    try {
      engine.setModels(model, undefined);
      replayed = engine.decideOn(event, original.features, sets);
    } finally {
      engine.setModels(saved.champion, saved.challenger);
    }
    const same =
      replayed.decision === original.decision &&
      replayed.score === original.score &&
      // JSONB keeps keys in its own order: compare the canonical forms.
      canonicalJson(replayed.reasons) === canonicalJson(original.reasons);
    return { original, replayed, same };
  }

  async #rulesetsByLabel(labels: readonly string[]): Promise<ActiveRuleset[]> {
    const out: ActiveRuleset[] = [];
    for (const label of labels) {
      const at = label.lastIndexOf('@');
      const name = label.slice(0, at);
      const version = Number(label.slice(at + 1));
      const record = (await repo.listRulesets(this.#deps.db, { name })).find((r) => r.version === version);
      assert(record !== undefined, `ruleset ${label} is stored`);
      out.push(this.#activate(record, 'live'));
    }
    return out;
  }

  // ---- rulesets ----------------------------------------------------------------------------

  /** Compiles rules against the feature catalog and the lists; every error at once. */
  checkRules(rules: readonly StoredRule[], lists: Readonly<Record<string, 'string' | 'number'>>) {
    const result = this.#deps.compile(rules, { ...this.#schema, lists });
    return result;
  }

  async #listSchema(): Promise<Record<string, 'string'>> {
    const lists = await repo.listLists(this.#deps.db);
    return Object.fromEntries(lists.map((l) => [l.name, 'string' as const]));
  }

  #compileOrFail(rules: readonly StoredRule[], lists: Readonly<Record<string, 'string' | 'number'>>) {
    const result = this.checkRules(rules, lists);
    if (!result.ok) {
      const first = result.errors[0] as RuleDiagnosticLike;
      const where = first.line === undefined ? '' : ` (line ${first.line}, column ${first.column})`;
      throw problem(riskErrors, 'rule_invalid', {
        params: { count: result.errors.length, first: `${first.ruleId ?? ''} ${first.en}${where}`.trim() },
        extensions: { errors: result.errors },
      });
    }
    return result.value;
  }

  async createRuleset(input: RulesetInput, by: string): Promise<RulesetRecord> {
    const thresholds = input.thresholds ?? { reviewAt: 700, declineAt: 900 };
    const bad = checkThresholds(thresholds);
    if (bad) riskFail('rule_invalid', { count: 1, first: bad });
    this.#compileOrFail(input.rules, await this.#listSchema());
    const now = this.#deps.clock.now();
    return inTransaction(this.#deps.db, async (trx) => {
      const version = await repo.nextRulesetVersion(trx, input.name);
      const record: RulesetRecord = {
        id: this.#deps.ids.uuid(),
        name: input.name,
        version,
        status: 'draft',
        eventTypes: [...new Set(input.eventTypes)],
        rules: input.rules,
        thresholds,
        description: input.description ?? '',
        createdAt: now,
        createdBy: by,
        changedAt: now,
        history: [{ status: 'draft', at: now.toISOString(), by }],
      };
      await repo.insertRuleset(trx, record);
      return record;
    });
  }

  listRulesets(filter: { name?: string; status?: RulesetStatus } = {}): Promise<RulesetRecord[]> {
    return repo.listRulesets(this.#deps.db, filter);
  }

  async getRuleset(id: string): Promise<RulesetRecord> {
    return (await repo.rulesetById(this.#deps.db, id)) ?? riskFail('ruleset_not_found', { id });
  }

  /**
   * draft → shadow → live (or draft → live). The version it replaces in that status is retired;
   * a ruleset is re-checked against today's catalog and lists before it may run.
   */
  async promote(id: string, target: 'shadow' | 'live', by: string): Promise<RulesetRecord> {
    const lists = await this.#listSchema();
    const now = this.#deps.clock.now();
    const result = await inTransaction(this.#deps.db, async (trx) => {
      const r = (await repo.rulesetById(trx, id, true)) ?? riskFail('ruleset_not_found', { id });
      const allowed = target === 'shadow' ? r.status === 'draft' : r.status === 'draft' || r.status === 'shadow';
      if (!allowed) riskFail('ruleset_transition_invalid', { id, status: r.status, target });
      this.#compileOrFail(r.rules, lists);
      await repo.lockRulesetName(trx, r.name);
      for (const other of await repo.listRulesets(trx, { name: r.name, status: target })) {
        await repo.setRulesetStatus(trx, other.id, 'retired', now, by);
      }
      await repo.setRulesetStatus(trx, id, target, now, by);
      return (await repo.rulesetById(trx, id)) as RulesetRecord;
    });
    await this.reload();
    return result;
  }

  /** The live version is retired and the version live before it goes live again. */
  async rollback(name: string, by: string): Promise<RulesetRecord> {
    const now = this.#deps.clock.now();
    const result = await inTransaction(this.#deps.db, async (trx) => {
      await repo.lockRulesetName(trx, name);
      const all = await repo.listRulesets(trx, { name });
      const current = all.find((r) => r.status === 'live');
      const previous = all
        .filter((r) => r.status === 'retired' && r.history.some((h) => h.status === 'live'))
        .filter((r) => current === undefined || r.version < current.version)
        .sort((a, b) => b.version - a.version)[0];
      if (!previous) riskFail('ruleset_no_previous', { name });
      if (current) await repo.setRulesetStatus(trx, current.id, 'retired', now, by);
      await repo.setRulesetStatus(trx, previous.id, 'live', now, by);
      return (await repo.rulesetById(trx, previous.id)) as RulesetRecord;
    });
    await this.reload();
    return result;
  }

  #activate(r: RulesetRecord, status: 'live' | 'shadow', lists = this.#listTypes): ActiveRuleset {
    const compiled = this.#deps.compile(r.rules, { ...this.#schema, lists });
    assert(compiled.ok, `stored ruleset ${r.name}@${r.version} compiles`);
    return {
      id: r.id,
      name: r.name,
      version: r.version,
      status,
      eventTypes: new Set(r.eventTypes),
      thresholds: r.thresholds,
      compiled: compiled.value,
    };
  }

  #listTypes: Record<string, 'string'> = {};

  /**
   * Backtests a ruleset over stored decisions in a period: it re-decides each on its stored
   * features and compares with the labels analysts gave (or the given labels).
   */
  async backtest(
    id: string,
    range: { from?: Date; to?: Date; limit?: number },
    labelsOverride?: ReadonlyMap<string, boolean>,
  ): Promise<BacktestReport> {
    const r = await this.getRuleset(id);
    const active = this.#activate(r, 'live', await this.#listSchema());
    const pageSize = 1000;
    const limit = range.limit ?? 1_000_000;
    let after: { eventAt: Date; id: string } | undefined;
    const items: { eventId: string; before: Decision; after: Decision; hits: string[] }[] = [];
    for (;;) {
      const page = await repo.listDecisions(this.#deps.db, {
        ...(range.from ? { from: range.from } : {}),
        ...(range.to ? { to: range.to } : {}),
        ...(after ? { after } : {}),
        limit: Math.min(pageSize, limit - items.length),
      });
      for (const d of page) {
        if (!active.eventTypes.has(d.eventType)) continue;
        const event = eventFromJson(d.event);
        if (!event) continue;
        const e = this.#deps.engine.decideOn(event, d.features, [active]);
        items.push({
          eventId: d.eventId,
          before: d.decision,
          after: e.decision,
          hits: e.live.flatMap((o) => o.hits.map((h) => h.ruleId)),
        });
      }
      const last = page[page.length - 1];
      if (!last || page.length < pageSize || items.length >= limit) break;
      after = { eventAt: last.eventAt, id: last.id };
    }
    const labels =
      labelsOverride ??
      new Map(
        [
          ...(await repo.labelsFor(
            this.#deps.db,
            items.map((i) => i.eventId),
          )),
        ].map(([k, v]) => [k, v === 'fraud']),
      );
    return backtestReport(`${r.name}@${r.version}`, items, labels);
  }

  // ---- lists -------------------------------------------------------------------------------

  async createList(input: {
    name: string;
    kind: ListKind;
    entityKind: string;
    description?: string;
  }): Promise<ListRecord> {
    if (!(ENTITY_KINDS as readonly string[]).includes(input.entityKind))
      riskFail('risk_event_invalid', {
        reason: `entity kind ${input.entityKind} is not one of ${ENTITY_KINDS.join(', ')}`,
      });
    const record: ListRecord = {
      name: input.name,
      kind: input.kind,
      entityKind: input.entityKind,
      description: input.description ?? '',
      createdAt: this.#deps.clock.now(),
    };
    if (!(await repo.insertList(this.#deps.db, record))) riskFail('list_exists', { name: input.name });
    await this.reload();
    return record;
  }

  listLists(): Promise<ListRecord[]> {
    return repo.listLists(this.#deps.db);
  }

  async #list(name: string): Promise<ListRecord> {
    return (await repo.listLists(this.#deps.db)).find((l) => l.name === name) ?? riskFail('list_not_found', { name });
  }

  async addEntries(
    name: string,
    entries: readonly { value: string; reason?: string; expiresAt?: Date | null }[],
    by: string,
  ): Promise<repo.ListEntry[]> {
    await this.#list(name);
    const now = this.#deps.clock.now();
    const rows = entries.map((e) => ({
      listName: name,
      value: e.value,
      reason: e.reason ?? '',
      expiresAt: e.expiresAt ?? null,
      addedAt: now,
      addedBy: by,
    }));
    await repo.upsertEntries(this.#deps.db, rows);
    await this.reload();
    return rows;
  }

  async removeEntry(name: string, value: string): Promise<void> {
    await this.#list(name);
    if (!(await repo.deleteEntry(this.#deps.db, name, value))) riskFail('list_entry_not_found', { name, value });
    await this.reload();
  }

  async entries(name: string): Promise<repo.ListEntry[]> {
    await this.#list(name);
    return repo.activeEntries(this.#deps.db, this.#deps.clock.now(), name);
  }

  // ---- cases -------------------------------------------------------------------------------

  listCases(filter: {
    status?: 'open' | 'closed';
    assignee?: string;
    overdue?: boolean;
    limit: number;
    afterId?: string;
  }) {
    return repo.listCases(this.#deps.db, {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.assignee ? { assignee: filter.assignee } : {}),
      ...(filter.overdue ? { overdueAt: this.#deps.clock.now() } : {}),
      ...(filter.afterId ? { afterId: filter.afterId } : {}),
      limit: filter.limit,
    });
  }

  /** A case with its decision; the view is recorded in the case's trail. */
  async viewCase(id: string, by: string): Promise<{ case: CaseRecord; decision: DecisionRecord }> {
    const updated = await this.#changeCase(id, by, (c) => c, 'viewed', undefined, false);
    return { case: updated, decision: await this.getDecision(updated.decisionId) };
  }

  assignCase(id: string, assignee: string, by: string): Promise<CaseRecord> {
    return this.#changeCase(id, by, (c) => ({ ...c, assignee }), 'assigned', assignee, true);
  }

  noteCase(id: string, text: string, by: string): Promise<CaseRecord> {
    return this.#changeCase(id, by, (c) => c, 'note', text, true);
  }

  /**
   * Closes a case with the analyst's verdict. The label feeds training; confirmed fraud marks the
   * customer in the graph and puts the device and payee on the fraud deny lists; the closing is an
   * event (payments release or reject a held payment on it).
   */
  async closeCase(id: string, outcome: CaseOutcome, by: string, note?: string): Promise<CaseRecord> {
    const now = this.#deps.clock.now();
    let decision: DecisionRecord | undefined;
    const closed = await inTransaction(this.#deps.db, async (trx) => {
      const c = (await repo.caseById(trx, id, true)) ?? riskFail('case_not_found', { id });
      if (c.status === 'closed') riskFail('case_closed', { id });
      const next: CaseRecord = {
        ...c,
        status: 'closed',
        outcome,
        closedAt: now,
        closedBy: by,
        firstActionAt: c.firstActionAt ?? now,
        notes: [...c.notes, { at: now.toISOString(), by, action: 'closed', text: note ?? outcome }],
      };
      await repo.updateCase(trx, next);
      await repo.insertLabel(trx, c.eventId, outcome, `case:${c.id}`, now);
      [decision] = await repo.decisionsByEventIds(trx, [c.eventId]);
      const event = decision ? eventFromJson(decision.event) : undefined;
      if (outcome === 'fraud' && event) {
        const expiresAt = new Date(now.getTime() + FRAUD_LIST_TTL_MS);
        const reason = `confirmed fraud in case ${c.id}`;
        await ensureFraudLists(trx, now);
        const entries = [];
        if (event.deviceId)
          entries.push({
            listName: FRAUD_LISTS.device,
            value: event.deviceId,
            reason,
            expiresAt,
            addedAt: now,
            addedBy: by,
          });
        if (event.payeeId)
          entries.push({
            listName: FRAUD_LISTS.payee,
            value: event.payeeId,
            reason,
            expiresAt,
            addedAt: now,
            addedBy: by,
          });
        await repo.upsertEntries(trx, entries);
      }
      await this.#deps.outbox.enqueue(trx, [
        {
          topic: CASE_CLOSED_TOPIC,
          key: c.id,
          payload: { caseId: c.id, eventId: c.eventId, eventType: decision?.eventType, outcome, closedBy: by },
        },
      ]);
      return next;
    });
    this.#deps.eventsCommitted();
    if (outcome === 'fraud') this.#deps.engine.graph.markFraud(closed.customerId, true);
    await this.reload();
    return closed;
  }

  async #changeCase(
    id: string,
    by: string,
    change: (c: CaseRecord) => CaseRecord,
    action: 'viewed' | 'assigned' | 'note',
    text: string | undefined,
    mustBeOpen: boolean,
  ): Promise<CaseRecord> {
    const now = this.#deps.clock.now();
    return inTransaction(this.#deps.db, async (trx) => {
      const c = (await repo.caseById(trx, id, true)) ?? riskFail('case_not_found', { id });
      if (mustBeOpen && c.status === 'closed') riskFail('case_closed', { id });
      const changed = change(c);
      const next: CaseRecord = {
        ...changed,
        firstActionAt: action === 'viewed' ? c.firstActionAt : (c.firstActionAt ?? now),
        notes: [...c.notes, { at: now.toISOString(), by, action, ...(text === undefined ? {} : { text }) }],
      };
      await repo.updateCase(trx, next);
      return next;
    });
  }

  // ---- models ------------------------------------------------------------------------------

  async #loadModel(version: string): Promise<RiskModel> {
    const record = (await repo.modelByVersion(this.#deps.db, version)) ?? riskFail('model_not_found', { version });
    return new RiskModel(record.version, record.artefact);
  }

  /** Registers a trained model as a candidate; its features must all be ones the engine computes. */
  async registerModel(input: {
    version: string;
    artefact: string;
    description?: string;
    metrics?: Record<string, unknown>;
    baselineScores: readonly number[];
  }): Promise<ModelRecord> {
    let model: RiskModel;
    try {
      model = new RiskModel(input.version, input.artefact);
    } catch (error) {
      return riskFail('model_invalid', { reason: (error as Error).message });
    }
    const known = new Set(this.#deps.catalog.definitions.map((d) => d.name));
    const missing = model.featureNames.filter((n) => !known.has(n));
    if (missing.length > 0) riskFail('model_incompatible', { version: input.version, missing: missing.join(', ') });
    const now = this.#deps.clock.now();
    const record: ModelRecord = {
      version: input.version,
      role: 'candidate',
      artefact: input.artefact,
      contentHash: model.artefact.contentHash,
      baselineScores: input.baselineScores,
      metrics: input.metrics ?? {},
      description: input.description ?? '',
      createdAt: now,
      changedAt: now,
    };
    if (!(await repo.insertModel(this.#deps.db, record))) {
      const existing = (await repo.modelByVersion(this.#deps.db, input.version)) as ModelRecord;
      if (existing.contentHash !== record.contentHash)
        riskFail('model_invalid', { reason: `version ${input.version} is already registered with another artefact` });
      return existing;
    }
    return record;
  }

  listModels() {
    return repo.listModels(this.#deps.db);
  }

  /** Makes a model the champion (enforced) or the challenger (scored in shadow); the one it replaces is retired. */
  async promoteModel(version: string, role: Exclude<ModelRole, 'candidate'>): Promise<void> {
    const now = this.#deps.clock.now();
    await inTransaction(this.#deps.db, async (trx) => {
      const m = (await repo.modelByVersion(trx, version)) ?? riskFail('model_not_found', { version });
      if (role !== 'retired') {
        for (const other of await repo.modelsByRole(trx, [role])) {
          if (other.version !== m.version) await repo.setModelRole(trx, other.version, 'retired', now);
        }
      }
      await repo.setModelRole(trx, version, role, now);
    });
    await this.reload();
  }

  /** PSI of the model's live scores (last `days`) against its training scores. */
  async drift(version: string, days = 7): Promise<{ version: string; psi: number; live: number; status: string }> {
    const m = (await repo.modelByVersion(this.#deps.db, version)) ?? riskFail('model_not_found', { version });
    const since = new Date(this.#deps.clock.now().getTime() - days * 86_400_000);
    const live = await repo.recentModelScores(this.#deps.db, version, since, 100_000);
    if (live.length < 10 || m.baselineScores.length < 10)
      return { version, psi: 0, live: live.length, status: 'too_few_scores' };
    const s = psi(m.baselineScores, live).value;
    return { version, psi: s, live: live.length, status: s < 0.1 ? 'stable' : s < 0.25 ? 'shifting' : 'drifted' };
  }

  // ---- state -------------------------------------------------------------------------------

  /** Loads live and shadow rulesets, unexpired list entries and the models into the engine. */
  async reload(): Promise<void> {
    const db = this.#deps.db;
    const now = this.#deps.clock.now();
    const lists = await repo.listLists(db);
    this.#listTypes = Object.fromEntries(lists.map((l) => [l.name, 'string' as const]));
    const byName = new Map(lists.map((l) => [l.name, l]));
    const index = new ListIndex();
    for (const e of await repo.activeEntries(db, now)) {
      const l = byName.get(e.listName);
      if (!l) continue;
      index.add(e.value, {
        list: l.name,
        kind: l.kind,
        entityKind: l.entityKind,
        reason: e.reason,
        expiresAtMs: e.expiresAt?.getTime() ?? null,
      });
    }
    const active: ActiveRuleset[] = [];
    for (const r of [
      ...(await repo.listRulesets(db, { status: 'live' })),
      ...(await repo.listRulesets(db, { status: 'shadow' })),
    ]) {
      const compiled = this.#deps.compile(r.rules, { ...this.#schema, lists: this.#listTypes });
      if (!compiled.ok) {
        // A list it named was deleted: the ruleset stops rather than failing every decision.
        this.#deps.logger.error(
          { ruleset: `${r.name}@${r.version}`, errors: compiled.errors },
          'risk: ruleset no longer compiles',
        );
        continue;
      }
      active.push({
        id: r.id,
        name: r.name,
        version: r.version,
        status: r.status as 'live' | 'shadow',
        eventTypes: new Set(r.eventTypes),
        thresholds: r.thresholds,
        compiled: compiled.value,
      });
    }
    const models = await repo.modelsByRole(db, ['champion', 'challenger']);
    const champion = models.find((m) => m.role === 'champion');
    const challenger = models.find((m) => m.role === 'challenger');
    const engine = this.#deps.engine;
    engine.setLists(index);
    engine.setRulesets(active);
    engine.setModels(
      champion ? this.#cachedModel(champion) : undefined,
      challenger ? this.#cachedModel(challenger) : undefined,
    );
  }

  readonly #models = new Map<string, RiskModel>();
  #cachedModel(m: ModelRecord): RiskModel {
    const cached = this.#models.get(m.version);
    if (cached) return cached;
    const model = new RiskModel(m.version, m.artefact);
    this.#models.set(m.version, model);
    return model;
  }

  /** Feeds the last 30 days of decided events back into the feature store and graph (after a restart). */
  async rebuild(): Promise<number> {
    const db = this.#deps.db;
    const engine = this.#deps.engine;
    const from = new Date(this.#deps.clock.now().getTime() - HISTORY_WINDOW_MS);
    let count = 0;
    let latest = this.#latestMs;
    const pages = async function* () {
      let after: { eventAt: Date; id: string } | undefined;
      for (;;) {
        const page = await repo.listDecisions(db, { from, ...(after ? { after } : {}), limit: 5000 });
        for (const d of page) {
          const event = eventFromJson(d.event);
          if (event) {
            count++;
            latest = Math.max(latest, event.atMs);
            engine.graph.observe(event);
            yield event;
          }
        }
        const last = page[page.length - 1];
        if (!last || page.length < 5000) return;
        after = { eventAt: last.eventAt, id: last.id };
      }
    };
    await engine.store.rebuild(pages());
    this.#latestMs = latest;
    const fraud = await repo.labelledFraudCustomers(db);
    for (const customerId of fraud) engine.graph.markFraud(customerId, true);
    return count;
  }

  /** Waits for pending decision writes (shutdown). */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }
}

async function ensureFraudLists(trx: repo.Trx, now: Date): Promise<void> {
  await repo.insertList(trx, {
    name: FRAUD_LISTS.device,
    kind: 'deny',
    entityKind: 'device',
    description: 'Devices used in confirmed fraud (from closed review cases)',
    createdAt: now,
  });
  await repo.insertList(trx, {
    name: FRAUD_LISTS.payee,
    kind: 'deny',
    entityKind: 'payee',
    description: 'Payees that received confirmed fraud (from closed review cases)',
    createdAt: now,
  });
}

export function backtestReport(
  ruleset: string,
  items: readonly { eventId: string; before: Decision; after: Decision; hits: readonly string[] }[],
  labels: ReadonlyMap<string, boolean>,
): BacktestReport {
  const before = mix();
  const after = mix();
  const perRule = new Map<string, { hits: number; fraudHits: number }>();
  let labelled = 0;
  let frauds = 0;
  let flagged = 0;
  let flaggedFraud = 0;
  let changed = 0;
  for (const i of items) {
    before[i.before]++;
    after[i.after]++;
    if (i.before !== i.after) changed++;
    const label = labels.get(i.eventId);
    if (label !== undefined) {
      labelled++;
      if (label) frauds++;
      if (i.after !== 'approve') {
        flagged++;
        if (label) flaggedFraud++;
      }
    }
    for (const rule of new Set(i.hits)) {
      const s = perRule.get(rule) ?? { hits: 0, fraudHits: 0 };
      s.hits++;
      if (label === true) s.fraudHits++;
      perRule.set(rule, s);
    }
  }
  return {
    ruleset,
    events: items.length,
    labelled,
    frauds,
    rules: [...perRule].map(([ruleId, s]) => ({ ruleId, ...s, precision: ratio(s.fraudHits, s.hits) })),
    decisions: { before, after },
    precision: ratio(flaggedFraud, flagged),
    recall: ratio(flaggedFraud, frauds),
    changed,
  };
}

export type { FeatureVector };
