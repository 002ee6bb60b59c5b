import type { FeatureValue, FeatureVector, RiskEvent } from '../event.ts';
import { AnswerMemory } from './answers.ts';
import { computeFeatures, computeFeatureValues, FEATURE_CATALOG } from './catalog.ts';
import { FeatureStoreError } from './errors.ts';
import {
  AGGREGATE_SLOTS,
  AMOUNT_HISTORY_MAX,
  PROBE_OFFSETS,
  PROBES,
  PROFILE,
  PROFILE_FIELDS,
  type ProbeSpec,
  profileUpdate,
  SERIES,
  type SeriesSpec,
  type Snapshot,
  seriesValue,
} from './series.ts';
import {
  checkPositiveInteger,
  type FeatureStore,
  type FeatureStoreOptions,
  resolveOptions,
  validateRiskEvent,
} from './store.ts';
import { vectorOf } from './vector.ts';
import { SlidingWindows } from './windows.ts';

export interface MemoryFeatureStoreOptions extends FeatureStoreOptions {
  /** Keys (series × entity, and customer profiles) kept; the least recently used goes first (approximately). Default 1,000,000. */
  readonly keysMax: number;
  /** Window entries kept over all keys; least recently used keys go until it fits. Default 10,000,000. */
  readonly entriesMax: number;
  /** Event ids remembered (with their answer) for idempotency, in two generations of half each: the oldest half is forgotten at once. Default 100,000. */
  readonly idsMax: number;
}

export const DEFAULT_MEMORY_OPTIONS = Object.freeze({ keysMax: 1_000_000, entriesMax: 10_000_000, idsMax: 100_000 });

export interface MemoryFeatureStoreStats {
  readonly keys: number;
  readonly entries: number;
  readonly ids: number;
  readonly observed: number;
  readonly duplicates: number;
  readonly rejectedLate: number;
  /** Keys dropped by the keys or entries bound (LRU). */
  readonly keysEvicted: number;
  /** Entries dropped because their key hit `entriesPerKeyMax`. */
  readonly entriesEvicted: number;
  readonly idsEvicted: number;
}

class Profile {
  readonly fields = new Float64Array(PROFILE_FIELDS).fill(Number.NaN);
  readonly historyAtMs: number[] = [];
  readonly historyAmounts: number[] = [];
  /** Second-chance bit of the eviction queue. */
  referenced = false;
  get watermarkMs(): number {
    const wm = this.fields[PROFILE.watermarkMs] ?? Number.NaN;
    return Number.isNaN(wm) ? Number.NEGATIVE_INFINITY : wm;
  }
}

type KeyState = SlidingWindows | Profile;
/** Index of the profile map after the series maps. */
const PROFILES = SERIES.length;

/**
 * The feature store in one process: sliding windows per (series, entity), one Map per series, and
 * customer profiles. Memory is bounded by `keysMax` keys and `entriesMax` window entries overall
 * (keys leave in approximate least-recently-used order: a FIFO queue with a second chance for keys
 * touched since they were queued, so no Map is reordered on the hot path), and by
 * `entriesPerKeyMax` per key. Late events (older than a touched key's watermark) are rejected.
 */
export class MemoryFeatureStore implements FeatureStore {
  readonly options: MemoryFeatureStoreOptions;
  /** Per series, then the profiles: entity id → state. */
  readonly #maps: Map<string, KeyState>[] = Array.from({ length: SERIES.length + 1 }, () => new Map());
  /** Eviction queue: map index and entity of every live key, oldest first, from `#queueHead`. */
  #queueMaps: number[] = [];
  #queueKeys: string[] = [];
  #queueHead = 0;
  #keyCount = 0;
  readonly #answers: AnswerMemory;
  readonly #scratch = new Float64Array(AGGREGATE_SLOTS);
  readonly #entities: (string | undefined)[] = new Array(PROBES.length);
  /** The state of each probe's key for the event in hand (looked up once). */
  readonly #states: (SlidingWindows | undefined)[] = new Array(PROBES.length);
  readonly #values: FeatureValue[] = new Array(FEATURE_CATALOG.length);
  #entries = 0;
  #closed = false;
  #observed = 0;
  #duplicates = 0;
  #rejectedLate = 0;
  #keysEvicted = 0;
  #entriesEvicted = 0;

  constructor(options: Partial<MemoryFeatureStoreOptions> = {}) {
    const base = resolveOptions(options);
    const resolved = { ...base, ...DEFAULT_MEMORY_OPTIONS, ...options };
    checkPositiveInteger('keysMax', resolved.keysMax);
    checkPositiveInteger('entriesMax', resolved.entriesMax);
    checkPositiveInteger('idsMax', resolved.idsMax);
    this.options = Object.freeze(resolved);
    this.#answers = new AnswerMemory(resolved.idsMax);
  }

  stats(): MemoryFeatureStoreStats {
    return {
      keys: this.#keyCount,
      entries: this.#entries,
      ids: this.#answers.size,
      observed: this.#observed,
      duplicates: this.#duplicates,
      rejectedLate: this.#rejectedLate,
      keysEvicted: this.#keysEvicted,
      entriesEvicted: this.#entriesEvicted,
      idsEvicted: this.#answers.forgotten,
    };
  }

  async observe(e: RiskEvent): Promise<FeatureVector> {
    return this.observeNow(e);
  }

  async peek(e: RiskEvent): Promise<FeatureVector> {
    return this.peekNow(e);
  }

  async rebuild(events: AsyncIterable<RiskEvent> | Iterable<RiskEvent>): Promise<void> {
    for await (const e of events) this.observeNow(e);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const map of this.#maps) map.clear();
    this.#queueMaps = [];
    this.#queueKeys = [];
    this.#queueHead = 0;
    this.#keyCount = 0;
    this.#answers.clear();
    this.#entries = 0;
  }

  /** `observe`, synchronously (the memory store never waits). */
  observeNow(e: RiskEvent): FeatureVector {
    this.#checkOpen();
    validateRiskEvent(e);
    const known = this.#known(e.id);
    if (known) {
      this.#duplicates++;
      return known;
    }
    const t = e.atMs;
    const entities = this.#probeEntities(e);
    const profile = this.#checkLate(e, entities);
    const states = this.#states;
    const aggregates = this.#scratch.fill(0);
    for (let p = 0; p < PROBES.length; p++) {
      const windows = states[p];
      if (!windows) continue;
      this.#entries -= windows.expire(t);
      windows.read(t, (PROBES[p] as ProbeSpec).member?.(e), aggregates, PROBE_OFFSETS[p] ?? 0);
    }
    const values = computeFeatureValues(e, this.#snapshot(aggregates, profile), this.options, this.#values);
    const vector = vectorOf(values);

    // Record: every series that accepts the event, then the profile.
    for (let p = 0; p < PROBES.length; p++) {
      const probe = PROBES[p] as ProbeSpec;
      const entity = entities[p];
      if (!probe.record || entity === undefined) continue;
      const spec = SERIES[probe.series] as SeriesSpec;
      if (!spec.accept(e)) continue;
      let windows = states[p];
      if (windows) windows.referenced = true;
      else {
        windows = new SlidingWindows(spec.windows, this.options.entriesPerKeyMax);
        this.#maps[probe.series]?.set(entity, windows);
        this.#enqueue(probe.series, entity);
        // Another probe of the same series and entity (a self-payment) must see the new state.
        for (let q = p + 1; q < PROBES.length; q++) {
          if (PROBES[q]?.series === probe.series && entities[q] === entity) states[q] = windows;
        }
      }
      const evicted = windows.push(t, seriesValue(spec, e), spec.item?.(e));
      this.#entriesEvicted += evicted;
      this.#entries += 1 - evicted;
    }
    this.#recordProfile(e, profile);
    this.#answers.set(e.id, values);
    this.#observed++;
    this.#evict();
    return vector;
  }

  /** `peek`, synchronously. */
  peekNow(e: RiskEvent): FeatureVector {
    this.#checkOpen();
    validateRiskEvent(e);
    const known = this.#known(e.id);
    if (known) return known;
    const entities = this.#probeEntities(e);
    const profile = this.#checkLate(e, entities);
    const aggregates = this.#scratch.fill(0);
    for (let p = 0; p < PROBES.length; p++) {
      this.#states[p]?.read(e.atMs, (PROBES[p] as ProbeSpec).member?.(e), aggregates, PROBE_OFFSETS[p] ?? 0);
    }
    return computeFeatures(e, this.#snapshot(aggregates, profile), this.options);
  }

  #checkOpen(): void {
    if (this.#closed) throw new FeatureStoreError('feature_store_closed');
  }

  #known(id: string): FeatureVector | undefined {
    return this.#answers.get(id);
  }

  #probeEntities(e: RiskEvent): (string | undefined)[] {
    const entities = this.#entities;
    for (let p = 0; p < PROBES.length; p++) entities[p] = (PROBES[p] as ProbeSpec).key(e);
    return entities;
  }

  /** Looks up the event's keys (into `#states`), rejects a late event, returns the customer's profile. */
  #checkLate(e: RiskEvent, entities: readonly (string | undefined)[]): Profile | undefined {
    const late = (key: string, watermarkMs: number) => {
      this.#rejectedLate++;
      return new FeatureStoreError('feature_event_late', { id: e.id, atMs: e.atMs, watermarkMs, key });
    };
    const profile = this.#maps[PROFILES]?.get(e.customerId) as Profile | undefined;
    if (profile && profile.watermarkMs > e.atMs) throw late(`customer:${e.customerId}`, profile.watermarkMs);
    for (let p = 0; p < entities.length; p++) {
      const entity = entities[p];
      const series = (PROBES[p] as ProbeSpec).series;
      const windows =
        entity === undefined ? undefined : (this.#maps[series]?.get(entity) as SlidingWindows | undefined);
      this.#states[p] = windows;
      if (windows && windows.watermarkMs > e.atMs) {
        throw late(`${SERIES[series]?.entity ?? 'entity'}:${entity}`, windows.watermarkMs);
      }
    }
    return profile;
  }

  #snapshot(aggregates: Float64Array, profile: Profile | undefined): Snapshot {
    return {
      aggregates,
      profile: profile ? profile.fields : EMPTY_PROFILE,
      historyAtMs: profile ? profile.historyAtMs : [],
      historyAmounts: profile ? profile.historyAmounts : [],
    };
  }

  #recordProfile(e: RiskEvent, existing: Profile | undefined): void {
    let profile = existing;
    if (profile) profile.referenced = true;
    else {
      profile = new Profile();
      this.#maps[PROFILES]?.set(e.customerId, profile);
      this.#enqueue(PROFILES, e.customerId);
    }
    const t = e.atMs;
    const f = profile.fields;
    const update = profileUpdate(e);
    f[PROFILE.watermarkMs] = t;
    if (Number.isNaN(f[PROFILE.firstSeenMs] ?? Number.NaN)) f[PROFILE.firstSeenMs] = t;
    if (update.isLogin) f[PROFILE.lastLoginMs] = t;
    if (update.changeField >= 0) f[update.changeField] = t;
    if (update.latitude !== undefined && update.longitude !== undefined) {
      f[PROFILE.geoAtMs] = t;
      f[PROFILE.latitude] = update.latitude;
      f[PROFILE.longitude] = update.longitude;
    }
    if (update.historyAmount >= 0) {
      profile.historyAtMs.push(t);
      profile.historyAmounts.push(update.historyAmount);
      if (profile.historyAtMs.length > AMOUNT_HISTORY_MAX) {
        profile.historyAtMs.shift();
        profile.historyAmounts.shift();
      }
    }
  }

  #enqueue(map: number, entity: string): void {
    this.#queueMaps.push(map);
    this.#queueKeys.push(entity);
    this.#keyCount++;
  }

  /** Evicts keys from the front of the queue until both bounds hold; recently touched keys get a second chance. */
  #evict(): void {
    while (this.#keyCount > this.options.keysMax || this.#entries > this.options.entriesMax) {
      const mapIndex = this.#queueMaps[this.#queueHead] as number;
      const entity = this.#queueKeys[this.#queueHead] as string;
      this.#queueHead++;
      const map = this.#maps[mapIndex] as Map<string, KeyState>;
      const state = map.get(entity) as KeyState;
      if (state.referenced) {
        state.referenced = false;
        this.#queueMaps.push(mapIndex);
        this.#queueKeys.push(entity);
      } else {
        map.delete(entity);
        this.#keyCount--;
        if (state instanceof SlidingWindows) this.#entries -= state.size;
        this.#keysEvicted++;
      }
      if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queueKeys.length) {
        this.#queueMaps.splice(0, this.#queueHead);
        this.#queueKeys.splice(0, this.#queueHead);
        this.#queueHead = 0;
      }
    }
  }
}

const EMPTY_PROFILE = new Float64Array(PROFILE_FIELDS).fill(Number.NaN);
