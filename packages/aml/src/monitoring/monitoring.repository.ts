// SQL of the `aml` schema for monitoring: scenario versions and their statuses, and stored alerts.
import { sql } from 'kysely';
import type { AmlDb } from '../screening/screening.repository.ts';
import type { AlertJson } from './monitor.ts';
import {
  parseScenarioParams,
  type ScenarioKey,
  type ScenarioStatus,
  type ScenarioVersion,
  scenarioParamsJson,
} from './scenarios.ts';

export interface StoredScenarioVersion extends ScenarioVersion {
  readonly createdAt: Date;
  readonly liveAt: Date | null;
}

interface ScenarioRow {
  key: string;
  version: number;
  status: ScenarioStatus;
  params: unknown;
  created_at: Date | string;
  live_at: Date | string | null;
}

const date = (value: Date | string) => (value instanceof Date ? value : new Date(value));

function scenarioOf(row: ScenarioRow): StoredScenarioVersion {
  const key = row.key as ScenarioKey;
  return {
    key,
    version: Number(row.version),
    status: row.status,
    params: parseScenarioParams(key, typeof row.params === 'string' ? JSON.parse(row.params) : row.params),
    createdAt: date(row.created_at),
    liveAt: row.live_at === null ? null : date(row.live_at),
  };
}

export async function scenarioVersions(db: AmlDb, key?: ScenarioKey): Promise<StoredScenarioVersion[]> {
  const { rows } = await sql<ScenarioRow>`
    select key, version, status, params, created_at, live_at from aml.scenario_versions
    where ${key === undefined ? sql`true` : sql`key = ${key}`} order by key, version`.execute(db);
  return rows.map(scenarioOf);
}

export async function insertScenarioVersion(db: AmlDb, version: StoredScenarioVersion): Promise<void> {
  await sql`insert into aml.scenario_versions (key, version, status, params, created_at, live_at)
    values (${version.key}, ${version.version}, ${version.status}, ${JSON.stringify(scenarioParamsJson(version.params))}::jsonb,
      ${version.createdAt}, ${version.liveAt})`.execute(db);
}

export async function setScenarioStatus(
  db: AmlDb,
  key: ScenarioKey,
  version: number,
  status: ScenarioStatus,
  liveAt: Date | null,
): Promise<void> {
  await sql`update aml.scenario_versions set status = ${status}, live_at = coalesce(${liveAt}, live_at)
    where key = ${key} and version = ${version}`.execute(db);
}

export interface StoredAlert {
  readonly id: string;
  readonly mode: 'live' | 'shadow';
  readonly status: 'open' | 'merged';
  readonly mergedInto: string | null;
  readonly alert: AlertJson;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface AlertRow {
  id: string;
  mode: 'live' | 'shadow';
  status: 'open' | 'merged';
  merged_into: string | null;
  evidence: unknown;
  created_at: Date | string;
  updated_at: Date | string;
}

function alertOf(row: AlertRow): StoredAlert {
  return {
    id: row.id,
    mode: row.mode,
    status: row.status,
    mergedInto: row.merged_into,
    alert: (typeof row.evidence === 'string' ? JSON.parse(row.evidence) : row.evidence) as AlertJson,
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

/** Inserts or replaces an alert's snapshot (the monitor grows alerts as transactions arrive). */
export async function upsertAlert(
  db: AmlDb,
  id: string,
  mode: 'live' | 'shadow',
  alert: AlertJson,
  now: Date,
): Promise<void> {
  await sql`insert into aml.alerts (id, mode, status, scenario, score, focus, parties, transaction_ids, evidence,
      first_at, last_at, created_at, updated_at)
    values (${id}, ${mode}, 'open', ${alert.scenario}, ${alert.score}, ${alert.focus}, ${alert.parties},
      ${alert.transactionIds}, ${JSON.stringify(alert)}::jsonb, ${alert.firstAt}, ${alert.lastAt}, ${now}, ${now})
    on conflict (id) do update set scenario = excluded.scenario, score = excluded.score, parties = excluded.parties,
      transaction_ids = excluded.transaction_ids, evidence = excluded.evidence, first_at = excluded.first_at,
      last_at = excluded.last_at, updated_at = excluded.updated_at`.execute(db);
}

export async function markMerged(db: AmlDb, ids: readonly string[], into: string, now: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql`update aml.alerts set status = 'merged', merged_into = ${into}, updated_at = ${now}
    where id = any(${ids}::uuid[])`.execute(db);
}

export async function getAlert(db: AmlDb, id: string): Promise<StoredAlert | undefined> {
  const { rows } = await sql<AlertRow>`select id, mode, status, merged_into, evidence, created_at, updated_at
    from aml.alerts where id = ${id}`.execute(db);
  return rows[0] ? alertOf(rows[0]) : undefined;
}

export interface AlertFilter {
  readonly mode: 'live' | 'shadow';
  readonly status?: 'open' | 'merged';
  readonly scenario?: string;
  readonly party?: string;
  readonly minScore?: number;
  /** Alerts with a larger id (UUIDv7: later) than this. */
  readonly after?: string;
  readonly limit: number;
}

export async function listAlerts(db: AmlDb, f: AlertFilter): Promise<StoredAlert[]> {
  const { rows } = await sql<AlertRow>`select id, mode, status, merged_into, evidence, created_at, updated_at
    from aml.alerts
    where mode = ${f.mode}
      and ${f.status === undefined ? sql`true` : sql`status = ${f.status}`}
      and ${f.scenario === undefined ? sql`true` : sql`scenario = ${f.scenario}`}
      and ${f.party === undefined ? sql`true` : sql`parties @> array[${f.party}]::text[]`}
      and ${f.minScore === undefined ? sql`true` : sql`score >= ${f.minScore}`}
      and ${f.after === undefined ? sql`true` : sql`id > ${f.after}`}
    order by id limit ${f.limit}`.execute(db);
  return rows.map(alertOf);
}
