import { findCurrency } from '@zhirong/kernel';
import { type FeatureVector, RISK_EVENT_TYPES, type RiskEvent } from '../event.ts';
import { DEFAULT_FEATURE_OPTIONS, type FeatureOptions } from './catalog.ts';
import { FeatureStoreError } from './errors.ts';

/**
 * Sliding-window features of risk events. Time is the event's `atMs`, never the wall clock.
 *
 * Events must arrive in time order per entity: an event older than the newest time a store has
 * seen for any entity it touches (customer, device, IP, payee, merchant, card, phone) is rejected
 * with `feature_event_late` and changes nothing. Equal times are fine (arrival order breaks ties).
 *
 * @example
 * const store = new MemoryFeatureStore();
 * const features = await store.observe(event); // from history strictly before `event`, then records it
 * features.customer_count_1h; // payments of this customer in (atMs − 1 h, atMs]
 */
export interface FeatureStore {
  /** Features from the history strictly before `e`, then records `e`. A repeated id returns the first answer and records nothing. */
  observe(e: RiskEvent): Promise<FeatureVector>;
  /** The features `observe` would return, without recording anything. */
  peek(e: RiskEvent): Promise<FeatureVector>;
  /** Observes every event in order (after a restart: replays the stored history). */
  rebuild(events: AsyncIterable<RiskEvent> | Iterable<RiskEvent>): Promise<void>;
  close(): Promise<void>;
}

/** Options both stores share; they must agree for two stores to give the same features. */
export interface FeatureStoreOptions extends FeatureOptions {
  /** Entries kept per (series, entity); when full the oldest is dropped from every window. Default 4,096. */
  readonly entriesPerKeyMax: number;
}

export const DEFAULT_FEATURE_STORE_OPTIONS: FeatureStoreOptions = Object.freeze({
  ...DEFAULT_FEATURE_OPTIONS,
  entriesPerKeyMax: 4096,
});

export const ID_LENGTH_MAX = 256;
/** Amounts become doubles for sums and ratios; beyond 2^53 − 1 minor units they would lose precision. */
export const AMOUNT_MINOR_MAX = BigInt(Number.MAX_SAFE_INTEGER);

export function checkPositiveInteger(option: string, value: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new FeatureStoreError('feature_store_options_invalid', {
      option,
      problem: `must be an integer from 1 to ${max}`,
    });
  }
}

export function resolveOptions(input: Partial<FeatureStoreOptions>): FeatureStoreOptions {
  const options = { ...DEFAULT_FEATURE_STORE_OPTIONS, ...input };
  checkPositiveInteger('entriesPerKeyMax', options.entriesPerKeyMax, 1_000_000);
  if (!/^[A-Z]{2}$/.test(options.homeCountry)) {
    throw new FeatureStoreError('feature_store_options_invalid', {
      option: 'homeCountry',
      problem: 'must be ISO 3166-1 alpha-2',
    });
  }
  if (!Number.isInteger(options.utcOffsetMinutes) || Math.abs(options.utcOffsetMinutes) > 14 * 60) {
    throw new FeatureStoreError('feature_store_options_invalid', {
      option: 'utcOffsetMinutes',
      problem: 'must be an integer within ±840',
    });
  }
  return Object.freeze(options);
}

const invalid = (field: string, problem: string) => new FeatureStoreError('feature_event_invalid', { field, problem });

function checkId(field: string, value: unknown, required: boolean): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || value.length === 0 || value.length > ID_LENGTH_MAX) {
    throw invalid(field, `must be a non-empty string of at most ${ID_LENGTH_MAX} characters`);
  }
}

/** Validates an event at the store's boundary; throws `feature_event_invalid` naming the field. */
export function validateRiskEvent(e: RiskEvent): void {
  if (typeof e !== 'object' || e === null) throw invalid('event', 'must be an object');
  checkId('id', e.id, true);
  if (!(RISK_EVENT_TYPES as readonly string[]).includes(e.type))
    throw invalid('type', `must be one of ${RISK_EVENT_TYPES.join(', ')}`);
  if (!Number.isSafeInteger(e.atMs) || e.atMs < 0) throw invalid('atMs', 'must be a non-negative integer (epoch ms)');
  checkId('customerId', e.customerId, true);
  for (const field of [
    'accountId',
    'deviceId',
    'ip',
    'phone',
    'payeeId',
    'merchantId',
    'cardId',
    'subtype',
    'channel',
  ] as const) {
    checkId(field, e[field], false);
  }
  if (typeof e.amountMinor !== 'bigint' || e.amountMinor < 0n || e.amountMinor > AMOUNT_MINOR_MAX) {
    throw invalid('amountMinor', 'must be a bigint from 0 to 2^53 − 1');
  }
  if (e.balanceBeforeMinor !== undefined) {
    const b = e.balanceBeforeMinor;
    if (typeof b !== 'bigint' || b > AMOUNT_MINOR_MAX || b < -AMOUNT_MINOR_MAX) {
      throw invalid('balanceBeforeMinor', 'must be a bigint within ±(2^53 − 1)');
    }
  }
  if (e.currency !== undefined && (typeof e.currency !== 'string' || !findCurrency(e.currency))) {
    throw invalid('currency', 'must be an ISO 4217 code');
  }
  if (e.country !== undefined && (typeof e.country !== 'string' || !/^[A-Za-z]{2}$/.test(e.country))) {
    throw invalid('country', 'must be ISO 3166-1 alpha-2');
  }
  if (e.attributes !== undefined) {
    if (typeof e.attributes !== 'object' || e.attributes === null) throw invalid('attributes', 'must be an object');
    for (const key in e.attributes) {
      const value = e.attributes[key];
      if (
        typeof value !== 'string' &&
        typeof value !== 'boolean' &&
        !(typeof value === 'number' && Number.isFinite(value))
      ) {
        throw invalid(`attributes.${key}`, 'must be a string, a finite number or a boolean');
      }
    }
  }
  const hasLat = e.latitude !== undefined;
  if (hasLat !== (e.longitude !== undefined)) throw invalid('latitude', 'and longitude come together');
  if (hasLat) {
    if (typeof e.latitude !== 'number' || !Number.isFinite(e.latitude) || Math.abs(e.latitude) > 90) {
      throw invalid('latitude', 'must be a number from −90 to 90');
    }
    if (typeof e.longitude !== 'number' || !Number.isFinite(e.longitude) || Math.abs(e.longitude) > 180) {
      throw invalid('longitude', 'must be a number from −180 to 180');
    }
  }
}
