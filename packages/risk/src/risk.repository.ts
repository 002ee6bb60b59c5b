import { type Kysely, sql, type Transaction } from 'kysely';
import type { Decision, Reason, Thresholds } from './engine/combine.ts';
import type { FeatureVector, RiskEventType } from './event.ts';

// biome-ignore lint/suspicious/noExplicitAny: the risk schema is reached through raw SQL
export type Db = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
export type Trx = Transaction<any>;

export interface MatchedRule {
  readonly rulesetId: string;
  readonly ruleId: string;
  readonly action: 'decline' | 'review' | 'score';
  readonly points: number;
}

export interface DecisionVersions {
  /** Live rulesets that were enforced: `name@version`. */
  readonly rulesets: readonly string[];
  readonly model: string | null;
  readonly features: string;
}

export interface ShadowResult {
  readonly rulesets: readonly { ruleset: string; decision: Decision; score: number; matched: readonly string[] }[];
  readonly challenger: { model: string; score: number } | null;
}

export interface DecisionRecord {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: RiskEventType;
  readonly customerId: string;
  readonly eventAt: Date;
  /** The event as received, in its JSON form (amount as a string of minor units). */
  readonly event: Readonly<Record<string, unknown>>;
  readonly fingerprint: string;
  readonly decision: Decision;
  readonly score: number;
  /** The champion model's probability of fraud, when a model scored the event. */
  readonly modelProbability: number | null;
  readonly reasons: readonly Reason[];
  readonly matchedRules: readonly MatchedRule[];
  readonly features: FeatureVector;
  readonly versions: DecisionVersions;
  readonly shadow: ShadowResult | null;
  readonly latencyUs: number;
  readonly decidedAt: Date;
}

type DecisionRow = {
  id: string;
  event_id: string;
  event_type: RiskEventType;
  customer_id: string;
  event_at: Date;
  event: Record<string, unknown>;
  fingerprint: string;
  decision: Decision;
  score: number;
  model_probability: number | null;
  reasons: Reason[];
  matched_rules: MatchedRule[];
  features: FeatureVector;
  versions: DecisionVersions;
  shadow: ShadowResult | null;
  latency_us: number;
  decided_at: Date;
};

function decisionOf(r: DecisionRow): DecisionRecord {
  return {
    id: r.id,
    eventId: r.event_id,
    eventType: r.event_type,
    customerId: r.customer_id,
    eventAt: new Date(r.event_at),
    event: r.event,
    fingerprint: r.fingerprint,
    decision: r.decision,
    score: r.score,
    modelProbability: r.model_probability,
    reasons: r.reasons,
    matchedRules: r.matched_rules,
    features: r.features,
    versions: r.versions,
    shadow: r.shadow,
    latencyUs: r.latency_us,
    decidedAt: new Date(r.decided_at),
  };
}

const DECISION_COLUMNS = sql`id, event_id, event_type, customer_id, event_at, event, fingerprint, decision, score,
  model_probability, reasons, matched_rules, features, versions, shadow, latency_us, decided_at`;

const json = (value: unknown) => JSON.stringify(value);

/** This transaction's commit returns before its WAL is flushed (a later synchronous commit flushes it). */
export async function deferCommitFlush(db: Trx): Promise<void> {
  await sql`set local synchronous_commit = off`.execute(db);
}

/** Inserts decisions; one already stored for the same event is left as it is. Returns the event ids inserted. */
export async function insertDecisions(db: Db | Trx, records: readonly DecisionRecord[]): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const values = records.map(
    (d) => sql`(${d.id}, ${d.eventId}, ${d.eventType}, ${d.customerId}, ${d.eventAt}, ${json(d.event)}::jsonb,
      ${d.fingerprint}, ${d.decision}, ${d.score}, ${d.modelProbability}, ${json(d.reasons)}::jsonb, ${json(d.matchedRules)}::jsonb,
      ${json(d.features)}::jsonb, ${json(d.versions)}::jsonb, ${d.shadow === null ? null : json(d.shadow)}::jsonb,
      ${d.latencyUs}, ${d.decidedAt})`,
  );
  const result = await sql<{ event_id: string }>`
    insert into risk.decisions (${DECISION_COLUMNS}) values ${sql.join(values)}
    on conflict (event_id) do nothing returning event_id`.execute(db);
  return new Set(result.rows.map((r) => r.event_id));
}

export async function decisionsByEventIds(db: Db | Trx, eventIds: readonly string[]): Promise<DecisionRecord[]> {
  if (eventIds.length === 0) return [];
  const result = await sql<DecisionRow>`
    select ${DECISION_COLUMNS} from risk.decisions where event_id in (${sql.join(eventIds)})`.execute(db);
  return result.rows.map(decisionOf);
}

/** Decisions by their ids (uuids), in no particular order; ids not stored are left out. */
export async function decisionsByIds(db: Db | Trx, ids: readonly string[]): Promise<DecisionRecord[]> {
  if (ids.length === 0) return [];
  const result = await sql<DecisionRow>`
    select ${DECISION_COLUMNS} from risk.decisions where id = any(${[...ids]}::uuid[])`.execute(db);
  return result.rows.map(decisionOf);
}

export async function decisionById(db: Db, id: string): Promise<DecisionRecord | undefined> {
  const result = await sql<DecisionRow>`select ${DECISION_COLUMNS} from risk.decisions where id = ${id}`.execute(db);
  const row = result.rows[0];
  return row ? decisionOf(row) : undefined;
}

export interface DecisionFilter {
  readonly customerId?: string;
  readonly decision?: Decision;
  readonly eventType?: RiskEventType;
  readonly from?: Date;
  readonly to?: Date;
  /** Keyset: decisions with (event_at, id) after this pair. */
  readonly after?: { readonly eventAt: Date; readonly id: string };
  readonly limit: number;
}

/** Decisions in event-time order (then id), for listing, rebuilding features and backtests. */
export async function listDecisions(db: Db, f: DecisionFilter): Promise<DecisionRecord[]> {
  const where = [sql`true`];
  if (f.customerId !== undefined) where.push(sql`customer_id = ${f.customerId}`);
  if (f.decision !== undefined) where.push(sql`decision = ${f.decision}`);
  if (f.eventType !== undefined) where.push(sql`event_type = ${f.eventType}`);
  if (f.from !== undefined) where.push(sql`event_at >= ${f.from}`);
  if (f.to !== undefined) where.push(sql`event_at < ${f.to}`);
  if (f.after !== undefined) where.push(sql`(event_at, id) > (${f.after.eventAt}, ${f.after.id})`);
  const result = await sql<DecisionRow>`
    select ${DECISION_COLUMNS} from risk.decisions where ${sql.join(where, sql` and `)}
    order by event_at, id limit ${f.limit}`.execute(db);
  return result.rows.map(decisionOf);
}

export async function decisionMix(db: Db, since: Date): Promise<Record<Decision, number>> {
  const result = await sql<{ decision: Decision; n: string }>`
    select decision, count(*)::text as n from risk.decisions where decided_at >= ${since} group by decision`.execute(
    db,
  );
  const mix: Record<Decision, number> = { approve: 0, review: 0, decline: 0 };
  for (const r of result.rows) mix[r.decision] = Number(r.n);
  return mix;
}

/** Champion scores (0–1 probabilities) of recent decisions, for drift against the training baseline. */
export async function recentModelScores(db: Db, model: string, since: Date, limit: number): Promise<number[]> {
  const result = await sql<{ p: number }>`
    select model_probability as p from risk.decisions
    where decided_at >= ${since} and versions ->> 'model' = ${model} and model_probability is not null
    order by decided_at desc limit ${limit}`.execute(db);
  return result.rows.map((r) => Number(r.p));
}

// ---- rulesets --------------------------------------------------------------------------------

export type RulesetStatus = 'draft' | 'shadow' | 'live' | 'retired';

export interface StoredRule {
  readonly id: string;
  readonly name?: string;
  readonly condition: string;
  readonly action: 'decline' | 'review' | 'score';
  readonly points?: number;
  readonly reason: { readonly en: string; readonly zh: string };
  readonly enabled?: boolean;
}

export interface RulesetRecord {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly status: RulesetStatus;
  readonly eventTypes: readonly RiskEventType[];
  readonly rules: readonly StoredRule[];
  readonly thresholds: Thresholds;
  readonly description: string;
  readonly createdAt: Date;
  readonly createdBy: string;
  readonly changedAt: Date;
  readonly history: readonly { status: RulesetStatus; at: string; by: string }[];
}

type RulesetRow = {
  id: string;
  name: string;
  version: number;
  status: RulesetStatus;
  event_types: RiskEventType[];
  rules: StoredRule[];
  thresholds: Thresholds;
  description: string;
  created_at: Date;
  created_by: string;
  changed_at: Date;
  history: RulesetRecord['history'];
};

function rulesetOf(r: RulesetRow): RulesetRecord {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    status: r.status,
    eventTypes: r.event_types,
    rules: r.rules,
    thresholds: r.thresholds,
    description: r.description,
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
    changedAt: new Date(r.changed_at),
    history: r.history,
  };
}

/** Serialises changes to one ruleset name (versions, promotions) until the transaction ends. */
export async function lockRulesetName(db: Trx, name: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`risk.ruleset:${name}`}))`.execute(db);
}

export async function nextRulesetVersion(db: Trx, name: string): Promise<number> {
  await lockRulesetName(db, name);
  const result = await sql<{ v: number | null }>`
    select max(version) as v from risk.rulesets where name = ${name}`.execute(db);
  return (result.rows[0]?.v ?? 0) + 1;
}

export async function insertRuleset(db: Trx, r: RulesetRecord): Promise<void> {
  await sql`
    insert into risk.rulesets (id, name, version, status, event_types, rules, thresholds, description, created_at,
      created_by, changed_at, history)
    values (${r.id}, ${r.name}, ${r.version}, ${r.status}, ${sql.val(r.eventTypes)}::text[], ${json(r.rules)}::jsonb,
      ${json(r.thresholds)}::jsonb, ${r.description}, ${r.createdAt}, ${r.createdBy}, ${r.changedAt},
      ${json(r.history)}::jsonb)`.execute(db);
}

export async function rulesetById(db: Db | Trx, id: string, lock = false): Promise<RulesetRecord | undefined> {
  const result = await sql<RulesetRow>`
    select * from risk.rulesets where id = ${id} ${lock ? sql`for update` : sql``}`.execute(db);
  const row = result.rows[0];
  return row ? rulesetOf(row) : undefined;
}

export async function listRulesets(db: Db | Trx, filter: { name?: string; status?: RulesetStatus } = {}) {
  const where = [sql`true`];
  if (filter.name !== undefined) where.push(sql`name = ${filter.name}`);
  if (filter.status !== undefined) where.push(sql`status = ${filter.status}`);
  const result = await sql<RulesetRow>`
    select * from risk.rulesets where ${sql.join(where, sql` and `)} order by name, version desc`.execute(db);
  return result.rows.map(rulesetOf);
}

export async function setRulesetStatus(
  db: Trx,
  id: string,
  status: RulesetStatus,
  at: Date,
  by: string,
): Promise<void> {
  await sql`
    update risk.rulesets set status = ${status}, changed_at = ${at},
      history = history || ${json([{ status, at: at.toISOString(), by }])}::jsonb
    where id = ${id}`.execute(db);
}

// ---- lists -----------------------------------------------------------------------------------

export type ListKind = 'allow' | 'deny' | 'reference';

export interface ListRecord {
  readonly name: string;
  readonly kind: ListKind;
  readonly entityKind: string;
  readonly description: string;
  readonly createdAt: Date;
}

export interface ListEntry {
  readonly listName: string;
  readonly value: string;
  readonly reason: string;
  readonly expiresAt: Date | null;
  readonly addedAt: Date;
  readonly addedBy: string;
}

export async function insertList(db: Db | Trx, l: ListRecord): Promise<boolean> {
  const result = await sql`
    insert into risk.lists (name, kind, entity_kind, description, created_at)
    values (${l.name}, ${l.kind}, ${l.entityKind}, ${l.description}, ${l.createdAt})
    on conflict (name) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0n) === 1;
}

export async function listLists(db: Db | Trx): Promise<ListRecord[]> {
  const result = await sql<{
    name: string;
    kind: ListKind;
    entity_kind: string;
    description: string;
    created_at: Date;
  }>`select * from risk.lists order by name`.execute(db);
  return result.rows.map((r) => ({
    name: r.name,
    kind: r.kind,
    entityKind: r.entity_kind,
    description: r.description,
    createdAt: new Date(r.created_at),
  }));
}

type EntryRow = {
  list_name: string;
  value: string;
  reason: string;
  expires_at: Date | null;
  added_at: Date;
  added_by: string;
};

const entryOf = (r: EntryRow): ListEntry => ({
  listName: r.list_name,
  value: r.value,
  reason: r.reason,
  expiresAt: r.expires_at === null ? null : new Date(r.expires_at),
  addedAt: new Date(r.added_at),
  addedBy: r.added_by,
});

/** Adds or renews entries (a second add of the same value replaces its reason and expiry). */
export async function upsertEntries(db: Db | Trx, entries: readonly ListEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const values = entries.map(
    (e) => sql`(${e.listName}, ${e.value}, ${e.reason}, ${e.expiresAt}, ${e.addedAt}, ${e.addedBy})`,
  );
  await sql`
    insert into risk.list_entries (list_name, value, reason, expires_at, added_at, added_by)
    values ${sql.join(values)}
    on conflict (list_name, value) do update set reason = excluded.reason, expires_at = excluded.expires_at,
      added_at = excluded.added_at, added_by = excluded.added_by`.execute(db);
}

export async function deleteEntry(db: Db, listName: string, value: string): Promise<boolean> {
  const result = await sql`delete from risk.list_entries where list_name = ${listName} and value = ${value}`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0n) === 1;
}

/** Entries not expired at `now` (all lists, or one). */
export async function activeEntries(db: Db | Trx, now: Date, listName?: string): Promise<ListEntry[]> {
  const result = await sql<EntryRow>`
    select * from risk.list_entries
    where (expires_at is null or expires_at > ${now}) ${listName === undefined ? sql`` : sql`and list_name = ${listName}`}
    order by list_name, value`.execute(db);
  return result.rows.map(entryOf);
}

// ---- cases -----------------------------------------------------------------------------------

export type CaseOutcome = 'fraud' | 'legitimate';

export interface CaseNote {
  readonly at: string;
  readonly by: string;
  readonly action: 'opened' | 'viewed' | 'assigned' | 'note' | 'closed';
  readonly text?: string;
}

export interface CaseRecord {
  readonly id: string;
  readonly decisionId: string;
  readonly eventId: string;
  readonly customerId: string;
  readonly status: 'open' | 'closed';
  readonly outcome: CaseOutcome | null;
  readonly assignee: string | null;
  readonly openedAt: Date;
  readonly dueAt: Date;
  readonly firstActionAt: Date | null;
  readonly closedAt: Date | null;
  readonly closedBy: string | null;
  readonly notes: readonly CaseNote[];
}

type CaseRow = {
  id: string;
  decision_id: string;
  event_id: string;
  customer_id: string;
  status: 'open' | 'closed';
  outcome: CaseOutcome | null;
  assignee: string | null;
  opened_at: Date;
  due_at: Date;
  first_action_at: Date | null;
  closed_at: Date | null;
  closed_by: string | null;
  notes: CaseNote[];
};

const dateOrNull = (d: Date | null) => (d === null ? null : new Date(d));

function caseOf(r: CaseRow): CaseRecord {
  return {
    id: r.id,
    decisionId: r.decision_id,
    eventId: r.event_id,
    customerId: r.customer_id,
    status: r.status,
    outcome: r.outcome,
    assignee: r.assignee,
    openedAt: new Date(r.opened_at),
    dueAt: new Date(r.due_at),
    firstActionAt: dateOrNull(r.first_action_at),
    closedAt: dateOrNull(r.closed_at),
    closedBy: r.closed_by,
    notes: r.notes,
  };
}

export async function insertCases(db: Db | Trx, cases: readonly CaseRecord[]): Promise<void> {
  if (cases.length === 0) return;
  const values = cases.map(
    (c) => sql`(${c.id}, ${c.decisionId}, ${c.eventId}, ${c.customerId}, 'open', null, null, ${c.openedAt},
      ${c.dueAt}, null, null, null, ${json(c.notes)}::jsonb)`,
  );
  await sql`
    insert into risk.cases (id, decision_id, event_id, customer_id, status, outcome, assignee, opened_at, due_at,
      first_action_at, closed_at, closed_by, notes)
    values ${sql.join(values)} on conflict (decision_id) do nothing`.execute(db);
}

export async function caseById(db: Db | Trx, id: string, lock = false): Promise<CaseRecord | undefined> {
  const result = await sql<CaseRow>`
    select * from risk.cases where id = ${id} ${lock ? sql`for update` : sql``}`.execute(db);
  const row = result.rows[0];
  return row ? caseOf(row) : undefined;
}

export async function caseByEventId(db: Db | Trx, eventId: string): Promise<CaseRecord | undefined> {
  const result = await sql<CaseRow>`select * from risk.cases where event_id = ${eventId}`.execute(db);
  const row = result.rows[0];
  return row ? caseOf(row) : undefined;
}

export async function listCases(
  db: Db,
  f: { status?: 'open' | 'closed'; assignee?: string; overdueAt?: Date; limit: number; afterId?: string },
): Promise<CaseRecord[]> {
  const where = [sql`true`];
  if (f.status !== undefined) where.push(sql`status = ${f.status}`);
  if (f.assignee !== undefined) where.push(sql`assignee = ${f.assignee}`);
  if (f.overdueAt !== undefined) where.push(sql`status = 'open' and due_at < ${f.overdueAt}`);
  if (f.afterId !== undefined) where.push(sql`id > ${f.afterId}`);
  const result = await sql<CaseRow>`
    select * from risk.cases where ${sql.join(where, sql` and `)} order by id limit ${f.limit}`.execute(db);
  return result.rows.map(caseOf);
}

export async function updateCase(db: Trx, c: CaseRecord): Promise<void> {
  await sql`
    update risk.cases set status = ${c.status}, outcome = ${c.outcome}, assignee = ${c.assignee},
      first_action_at = ${c.firstActionAt}, closed_at = ${c.closedAt}, closed_by = ${c.closedBy},
      notes = ${json(c.notes)}::jsonb
    where id = ${c.id}`.execute(db);
}

export async function insertLabel(
  db: Db | Trx,
  eventId: string,
  label: CaseOutcome,
  source: string,
  at: Date,
): Promise<void> {
  await sql`
    insert into risk.labels (event_id, label, source, labelled_at) values (${eventId}, ${label}, ${source}, ${at})
    on conflict (event_id) do update set label = excluded.label, source = excluded.source,
      labelled_at = excluded.labelled_at`.execute(db);
}

/** Customers with at least one event confirmed as fraud. */
export async function labelledFraudCustomers(db: Db): Promise<string[]> {
  const result = await sql<{ customer_id: string }>`
    select distinct d.customer_id from risk.labels l join risk.decisions d on d.event_id = l.event_id
    where l.label = 'fraud'`.execute(db);
  return result.rows.map((r) => r.customer_id);
}

export async function labelsFor(db: Db, eventIds: readonly string[]): Promise<Map<string, CaseOutcome>> {
  if (eventIds.length === 0) return new Map();
  const result = await sql<{ event_id: string; label: CaseOutcome }>`
    select event_id, label from risk.labels where event_id in (${sql.join(eventIds)})`.execute(db);
  return new Map(result.rows.map((r) => [r.event_id, r.label]));
}

// ---- models ----------------------------------------------------------------------------------

export type ModelRole = 'candidate' | 'champion' | 'challenger' | 'retired';

export interface ModelRecord {
  readonly version: string;
  readonly role: ModelRole;
  readonly artefact: string;
  readonly contentHash: string;
  /** A sample of training-time probabilities, the baseline for PSI. */
  readonly baselineScores: readonly number[];
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly description: string;
  readonly createdAt: Date;
  readonly changedAt: Date;
}

type ModelRow = {
  version: string;
  role: ModelRole;
  artefact: string;
  content_hash: string;
  baseline_scores: number[];
  metrics: Record<string, unknown>;
  description: string;
  created_at: Date;
  changed_at: Date;
};

const modelOf = (r: ModelRow): ModelRecord => ({
  version: r.version,
  role: r.role,
  artefact: r.artefact,
  contentHash: r.content_hash,
  baselineScores: r.baseline_scores,
  metrics: r.metrics,
  description: r.description,
  createdAt: new Date(r.created_at),
  changedAt: new Date(r.changed_at),
});

export async function insertModel(db: Db | Trx, m: ModelRecord): Promise<boolean> {
  const result = await sql`
    insert into risk.models (version, role, artefact, content_hash, baseline_scores, metrics, description, created_at,
      changed_at)
    values (${m.version}, ${m.role}, ${m.artefact}, ${m.contentHash}, ${json(m.baselineScores)}::jsonb,
      ${json(m.metrics)}::jsonb, ${m.description}, ${m.createdAt}, ${m.changedAt})
    on conflict (version) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0n) === 1;
}

export async function modelByVersion(db: Db | Trx, version: string): Promise<ModelRecord | undefined> {
  const result = await sql<ModelRow>`select * from risk.models where version = ${version}`.execute(db);
  const row = result.rows[0];
  return row ? modelOf(row) : undefined;
}

export async function modelsByRole(db: Db | Trx, roles: readonly ModelRole[]): Promise<ModelRecord[]> {
  const result = await sql<ModelRow>`
    select * from risk.models where role in (${sql.join(roles)}) order by created_at desc`.execute(db);
  return result.rows.map(modelOf);
}

/** Models without their artefacts (the listing). */
export async function listModels(db: Db): Promise<Omit<ModelRecord, 'artefact' | 'baselineScores'>[]> {
  const result = await sql<Omit<ModelRow, 'artefact' | 'baseline_scores'>>`
    select version, role, content_hash, metrics, description, created_at, changed_at from risk.models
    order by created_at desc`.execute(db);
  return result.rows.map((r) => ({
    version: r.version,
    role: r.role,
    contentHash: r.content_hash,
    metrics: r.metrics,
    description: r.description,
    createdAt: new Date(r.created_at),
    changedAt: new Date(r.changed_at),
  }));
}

export async function setModelRole(db: Trx, version: string, role: ModelRole, at: Date): Promise<void> {
  await sql`update risk.models set role = ${role}, changed_at = ${at} where version = ${version}`.execute(db);
}
