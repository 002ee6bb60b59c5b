// The monitoring service: scenario versions (draft → shadow → live, rollback), the streaming monitors (live and shadow) and stored alerts.
import type { Clock, IdGenerator } from '@zhirong/kernel';
import { AmlError } from '../errors.ts';
import type { AmlDb } from '../screening/screening.repository.ts';
import { type AccountProfile, type AlertChange, alertJson, Monitor, type MonitoredTransaction } from './monitor.ts';
import {
  type AlertFilter,
  getAlert,
  insertScenarioVersion,
  listAlerts,
  markMerged,
  type StoredAlert,
  type StoredScenarioVersion,
  scenarioVersions,
  setScenarioStatus,
  upsertAlert,
} from './monitoring.repository.ts';
import {
  DEFAULT_SCENARIO_PARAMS,
  isScenarioKey,
  parseScenarioParams,
  SCENARIO_KEYS,
  type ScenarioKey,
  type ScenarioStatus,
  type ScenarioVersion,
} from './scenarios.ts';

/** Transactions accepted per `ingest` call. */
export const INGEST_BATCH_MAX = 10_000;
export const ALERT_PAGE_MAX = 500;

const ALLOWED: Record<ScenarioStatus, readonly ScenarioStatus[]> = {
  draft: ['shadow', 'live', 'retired'],
  shadow: ['live', 'retired', 'draft'],
  live: ['retired'],
  retired: [],
};

/**
 * Monitoring: the live scenario versions run in one monitor, and when any scenario has a shadow
 * version a second monitor runs the live set with the shadow versions swapped in. Alerts of the
 * shadow monitor are stored with mode `shadow` (not shown by default, never sent to cases). AML
 * never blocks a payment: `ingest` runs after the money moved and only records alerts.
 *
 * The monitors' windows are held in memory; a scenario change rebuilds them empty.
 */
export class AmlMonitoringService {
  readonly #db: AmlDb;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #profiles: (account: string) => AccountProfile | undefined;
  #monitors:
    | { mode: 'live' | 'shadow'; monitor: Monitor; ids: Map<number, string>; pending: AlertChange[] }[]
    | undefined;

  constructor(deps: {
    db: AmlDb;
    clock: Clock;
    ids: IdGenerator;
    profiles?: (account: string) => AccountProfile | undefined;
  }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#ids = deps.ids;
    this.#profiles = deps.profiles ?? (() => undefined);
  }

  /** Every version of every scenario; scenarios without a stored version get version 1 (defaults, live) on first use. */
  async scenarios(): Promise<StoredScenarioVersion[]> {
    let versions = await scenarioVersions(this.#db);
    const known = new Set(versions.map((v) => v.key));
    const missing = SCENARIO_KEYS.filter((key) => !known.has(key));
    if (missing.length > 0) {
      const now = this.#clock.now();
      await this.#db.transaction().execute(async (trx) => {
        for (const key of missing) {
          await insertScenarioVersion(trx, {
            key,
            version: 1,
            status: 'live',
            params: DEFAULT_SCENARIO_PARAMS[key],
            createdAt: now,
            liveAt: now,
          });
        }
      });
      versions = await scenarioVersions(this.#db);
    }
    return versions;
  }

  /** A new draft version of a scenario with these parameters (missing ones from the defaults). */
  async createVersion(key: string, paramsJson: unknown): Promise<StoredScenarioVersion> {
    if (!isScenarioKey(key)) throw new AmlError('scenario_not_found', { scenario: key, version: '-' });
    const params = parseScenarioParams(key, paramsJson);
    const existing = (await this.scenarios()).filter((v) => v.key === key);
    const version: StoredScenarioVersion = {
      key,
      version: Math.max(0, ...existing.map((v) => v.version)) + 1,
      status: 'draft',
      params,
      createdAt: this.#clock.now(),
      liveAt: null,
    };
    await insertScenarioVersion(this.#db, version);
    return version;
  }

  /** Moves a version along draft → shadow → live (the live one it replaces is retired); a live version is retired only by a newer one or a rollback. */
  async setStatus(key: string, version: number, status: ScenarioStatus): Promise<StoredScenarioVersion> {
    const current = await this.#version(key, version);
    if (!ALLOWED[current.status].includes(status)) {
      throw new AmlError('scenario_transition_invalid', { scenario: key, version, from: current.status, to: status });
    }
    const now = this.#clock.now();
    await this.#db.transaction().execute(async (trx) => {
      const same = await scenarioVersions(trx, current.key);
      if (status === 'live' || status === 'shadow') {
        for (const other of same) {
          if (other.status === status && other.version !== version) {
            await setScenarioStatus(trx, current.key, other.version, 'retired', null);
          }
        }
      }
      await setScenarioStatus(trx, current.key, version, status, status === 'live' ? now : null);
    });
    this.#monitors = undefined;
    return this.#version(key, version);
  }

  /** Retires the live version and makes the version that was live before it live again. */
  async rollback(key: string): Promise<StoredScenarioVersion> {
    if (!isScenarioKey(key)) throw new AmlError('scenario_not_found', { scenario: key, version: '-' });
    const versions = (await this.scenarios()).filter((v) => v.key === key);
    const live = versions.find((v) => v.status === 'live');
    const previous = versions
      .filter((v) => v.status === 'retired' && v.liveAt !== null && (live === undefined || v.version < live.version))
      .sort((a, b) => (b.liveAt?.getTime() ?? 0) - (a.liveAt?.getTime() ?? 0))[0];
    if (previous === undefined) throw new AmlError('scenario_rollback_unavailable', { scenario: key });
    const now = this.#clock.now();
    await this.#db.transaction().execute(async (trx) => {
      if (live) await setScenarioStatus(trx, key, live.version, 'retired', null);
      await setScenarioStatus(trx, key, previous.version, 'live', now);
    });
    this.#monitors = undefined;
    return this.#version(key, previous.version);
  }

  async #version(key: string, version: number): Promise<StoredScenarioVersion> {
    const found = isScenarioKey(key)
      ? (await this.scenarios()).find((v) => v.key === key && v.version === version)
      : undefined;
    if (found === undefined) throw new AmlError('scenario_not_found', { scenario: key, version });
    return found;
  }

  async #ensureMonitors() {
    if (this.#monitors) return this.#monitors;
    const versions = await this.scenarios();
    const live: ScenarioVersion[] = versions.filter((v) => v.status === 'live');
    const shadow = versions.filter((v) => v.status === 'shadow');
    const make = (mode: 'live' | 'shadow', scenarios: readonly ScenarioVersion[]) => {
      const entry = {
        mode,
        ids: new Map<number, string>(),
        pending: [] as AlertChange[],
        monitor: undefined as unknown as Monitor,
      };
      entry.monitor = new Monitor({
        scenarios,
        profiles: this.#profiles,
        onChange: (change) => entry.pending.push(change),
      });
      return entry;
    };
    const monitors = [make('live', live)];
    if (shadow.length > 0) {
      const keys = new Set(shadow.map((v) => v.key));
      monitors.push(make('shadow', [...live.filter((v) => !keys.has(v.key)), ...shadow]));
    }
    this.#monitors = monitors;
    return monitors;
  }

  /**
   * Feeds transactions (in time order) to the monitors and stores every alert they open, grow
   * or merge. Returns the ids of the live alerts touched.
   */
  async ingest(transactions: readonly MonitoredTransaction[]): Promise<string[]> {
    if (transactions.length > INGEST_BATCH_MAX) throw new Error(`at most ${INGEST_BATCH_MAX} transactions per ingest`);
    const monitors = await this.#ensureMonitors();
    const touched: string[] = [];
    const now = this.#clock.now();
    for (const entry of monitors) {
      for (const tx of transactions) entry.monitor.process(tx);
      const changes = entry.pending.splice(0);
      if (changes.length === 0) continue;
      const latest = new Map<number, AlertChange['alert']>();
      const absorbed = new Map<number, number>();
      for (const change of changes) {
        latest.set(change.alert.id, change.alert);
        for (const id of change.absorbed) absorbed.set(id, change.alert.id);
      }
      const idOf = (n: number) => {
        let id = entry.ids.get(n);
        if (id === undefined) {
          id = this.#ids.uuid();
          entry.ids.set(n, id);
        }
        return id;
      };
      await this.#db.transaction().execute(async (trx) => {
        for (const [n, alert] of latest) {
          if (absorbed.has(n)) continue;
          await upsertAlert(trx, idOf(n), entry.mode, alertJson(alert), now);
          if (entry.mode === 'live') touched.push(idOf(n));
        }
        for (const [from, into] of absorbed) {
          const fromId = entry.ids.get(from);
          if (fromId !== undefined) await markMerged(trx, [fromId], idOf(into), now);
        }
      });
    }
    return touched;
  }

  async alert(id: string): Promise<StoredAlert> {
    const found = /^[0-9a-f-]{36}$/i.test(id) ? await getAlert(this.#db, id) : undefined;
    if (found === undefined) throw new AmlError('alert_not_found', { alert: id });
    return found;
  }

  async alerts(
    filter: Omit<AlertFilter, 'limit'> & { limit?: number },
  ): Promise<{ data: StoredAlert[]; next: string | null }> {
    const limit = Math.min(ALERT_PAGE_MAX, Math.max(1, filter.limit ?? 50));
    const rows = await listAlerts(this.#db, { ...filter, limit: limit + 1 });
    const data = rows.slice(0, limit);
    return { data, next: rows.length > limit ? (data.at(-1)?.id ?? null) : null };
  }

  /** Scenario keys, for validation at the edge. */
  static readonly keys: readonly ScenarioKey[] = SCENARIO_KEYS;
}
