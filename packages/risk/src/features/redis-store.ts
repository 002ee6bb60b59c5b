import { Redis } from 'ioredis';
import type { FeatureVector, RiskEvent } from '../event.ts';
import { computeFeatures } from './catalog.ts';
import { FeatureStoreError } from './errors.ts';
import { FEATURE_SCRIPT } from './redis-script.ts';
import {
  AGGREGATE_SLOTS,
  AMOUNT_HISTORY_MAX,
  LONGEST_WINDOW_MS,
  PROBES,
  PROFILE_FIELD_NAMES,
  PROFILE_FIELDS,
  profileUpdate,
  SERIES,
  type Snapshot,
  seriesValue,
} from './series.ts';
import { type FeatureStore, type FeatureStoreOptions, resolveOptions, validateRiskEvent } from './store.ts';

export interface RedisFeatureStoreOptions extends FeatureStoreOptions {
  /** Prefix of every key, e.g. `zhirong:risk:features`; tests use a unique one and delete it. */
  readonly keyPrefix: string;
  /** TTL of every key, refreshed on each write. Default: the longest window (30 days) plus one day. */
  readonly ttlMs: number;
}

interface ScriptClient {
  zhirongRiskFeatures(...args: string[]): Promise<unknown>;
}

const KEY_PREFIX = /^[A-Za-z0-9_:.-]{1,100}$/;

/**
 * The feature store for several server processes: the same series, windows and profile as
 * {@link MemoryFeatureStore}, kept in Redis and updated by one Lua script per event (atomic: all of
 * it or none). Same events in the same order give the same features as the memory store.
 * Standalone Redis only (the script builds its keys, so it cannot be routed in a cluster).
 */
export class RedisFeatureStore implements FeatureStore {
  readonly options: RedisFeatureStoreOptions;
  readonly #redis: Redis;
  readonly #ownsConnection: boolean;
  #closed = false;
  /** The script loaded once before the first call, so pipelined calls never fall back to EVAL out of order. */
  #loaded: Promise<unknown> | null = null;

  /** `redis` is a connection (left open on close) or a URL (connected here, closed on close). */
  constructor(redis: Redis | string, options: Partial<RedisFeatureStoreOptions> & { keyPrefix: string }) {
    const base = resolveOptions(options);
    const resolved: RedisFeatureStoreOptions = {
      ...base,
      ttlMs: LONGEST_WINDOW_MS + 86_400_000,
      ...options,
    };
    if (!KEY_PREFIX.test(resolved.keyPrefix)) {
      throw new FeatureStoreError('feature_store_options_invalid', {
        option: 'keyPrefix',
        problem: 'must be 1–100 characters of letters, digits, _ : . -',
      });
    }
    if (!Number.isSafeInteger(resolved.ttlMs) || resolved.ttlMs < LONGEST_WINDOW_MS) {
      throw new FeatureStoreError('feature_store_options_invalid', {
        option: 'ttlMs',
        problem: 'must be an integer of at least the longest window (30 days)',
      });
    }
    this.options = Object.freeze(resolved);
    this.#ownsConnection = typeof redis === 'string';
    this.#redis = typeof redis === 'string' ? new Redis(redis, { maxRetriesPerRequest: 2 }) : redis;
    this.#redis.defineCommand('zhirongRiskFeatures', { numberOfKeys: 0, lua: FEATURE_SCRIPT });
  }

  async observe(e: RiskEvent): Promise<FeatureVector> {
    return this.#run('o', e);
  }

  async peek(e: RiskEvent): Promise<FeatureVector> {
    return this.#run('p', e);
  }

  /**
   * Replays events in order, a bounded number in flight: one connection sends them in order and
   * Redis runs scripts one after another, so the result is the same as one by one.
   */
  async rebuild(events: AsyncIterable<RiskEvent> | Iterable<RiskEvent>): Promise<void> {
    const inFlightMax = 64;
    let batch: Promise<FeatureVector>[] = [];
    for await (const e of events) {
      batch.push(this.observe(e));
      if (batch.length >= inFlightMax) {
        await Promise.all(batch);
        batch = [];
      }
    }
    await Promise.all(batch);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsConnection) await this.#redis.quit();
  }

  /** Deletes every key under the prefix (tests; a full rebuild). Returns how many. */
  async clear(): Promise<number> {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', `${this.options.keyPrefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await this.#redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  }

  async #run(mode: 'o' | 'p', e: RiskEvent): Promise<FeatureVector> {
    if (this.#closed) throw new FeatureStoreError('feature_store_closed');
    validateRiskEvent(e);
    const args = this.#arguments(mode, e);
    this.#loaded ??= this.#redis.script('LOAD', FEATURE_SCRIPT);
    await this.#loaded;
    const reply = (await (this.#redis as unknown as ScriptClient).zhirongRiskFeatures(...args)) as string[];
    const status = reply[0];
    if (status === 'late') {
      const probe = Number(reply[1]);
      const spec = probe >= 0 ? SERIES[PROBES[probe]?.series ?? 0] : undefined;
      const entity = probe >= 0 ? (PROBES[probe]?.key(e) ?? '') : e.customerId;
      throw new FeatureStoreError('feature_event_late', {
        id: e.id,
        atMs: e.atMs,
        watermarkMs: Number(reply[2]),
        key: `${spec?.entity ?? 'customer'}:${entity}`,
      });
    }
    const values = status === 'dup' ? (JSON.parse(reply[1] ?? '[]') as string[]) : reply;
    return computeFeatures(e, parseSnapshot(values), this.options);
  }

  #arguments(mode: 'o' | 'p', e: RiskEvent): string[] {
    const args = [
      mode,
      this.options.keyPrefix,
      e.id,
      String(e.atMs),
      String(this.options.ttlMs),
      String(this.options.entriesPerKeyMax),
      String(PROBES.length),
    ];
    for (const probe of PROBES) {
      const spec = SERIES[probe.series];
      if (!spec) continue;
      const key = probe.key(e);
      const record = probe.record && key !== undefined && spec.accept(e);
      args.push(
        spec.name,
        key ?? '',
        record ? '1' : '0',
        String(seriesValue(spec, e)),
        spec.item?.(e) ?? '',
        probe.member?.(e) ?? '',
        String(spec.windows.length),
      );
      for (const w of spec.windows) args.push(String(w.ms), w.max ? '1' : '0', w.distinct ? '1' : '0');
    }
    const update = profileUpdate(e);
    args.push(
      e.customerId,
      update.isLogin ? '1' : '0',
      update.changeField >= 0 ? (PROFILE_FIELD_NAMES[update.changeField] ?? '') : '',
      update.latitude === undefined ? '' : String(update.latitude),
      update.longitude === undefined ? '' : String(update.longitude),
      update.historyAmount >= 0 ? String(update.historyAmount) : '',
      String(AMOUNT_HISTORY_MAX),
    );
    return args;
  }
}

/** The script's reply (after the status) → the snapshot the features are computed from. */
function parseSnapshot(reply: readonly string[]): Snapshot {
  let i = 1;
  const aggregates = new Float64Array(AGGREGATE_SLOTS);
  for (let k = 0; k < AGGREGATE_SLOTS; k++) aggregates[k] = Number(reply[i++]);
  const profile = new Float64Array(PROFILE_FIELDS);
  for (let k = 0; k < PROFILE_FIELDS; k++) {
    const text = reply[i++] ?? '';
    profile[k] = text === '' ? Number.NaN : Number(text);
  }
  const historySize = Number(reply[i++]);
  const historyAtMs: number[] = [];
  const historyAmounts: number[] = [];
  for (let k = 0; k < historySize; k++) {
    const text = reply[i++] ?? '';
    const bar = text.indexOf('|');
    historyAtMs.push(Number(text.slice(0, bar)));
    historyAmounts.push(Number(text.slice(bar + 1)));
  }
  return { aggregates, profile, historyAtMs, historyAmounts };
}
