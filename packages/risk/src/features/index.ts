/**
 * The risk feature store: sliding-window aggregates per entity, first-seen flags, time since
 * account changes, amount against the customer's own history and geographic velocity, in memory
 * or in Redis. See README.md for the catalog, window semantics, memory bounds and Redis layout.
 */
export {
  computeFeatures,
  DEFAULT_FEATURE_OPTIONS,
  FEATURE_CATALOG,
  type FeatureOptions,
  IMPOSSIBLE_TRAVEL_KMH,
  IMPOSSIBLE_TRAVEL_MIN_KM,
} from './catalog.ts';
export { type FeatureErrorCode, FeatureStoreError, featureErrors } from './errors.ts';
export {
  DEFAULT_MEMORY_OPTIONS,
  MemoryFeatureStore,
  type MemoryFeatureStoreOptions,
  type MemoryFeatureStoreStats,
} from './memory-store.ts';
export { RedisFeatureStore, type RedisFeatureStoreOptions } from './redis-store.ts';
export { INFLOW_SUBTYPES, LONGEST_WINDOW_MS, WINDOWS, type WindowName } from './series.ts';
export {
  DEFAULT_FEATURE_STORE_OPTIONS,
  type FeatureStore,
  type FeatureStoreOptions,
  validateRiskEvent,
} from './store.ts';
export { SlidingWindows } from './windows.ts';
