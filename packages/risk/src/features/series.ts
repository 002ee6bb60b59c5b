import type { EntityKind, RiskEvent } from '../event.ts';

/**
 * What the feature store keeps: a fixed list of *series* (events of one kind, keyed by one entity,
 * each entry a time, a value and optionally a distinct item) with sliding windows over each, and a
 * per-customer *profile* (first seen, last login, last account changes, last location, recent
 * amounts). Both stores — memory and Redis — keep exactly this state and fill the same
 * {@link Snapshot}; {@link computeFeatures} turns a snapshot and the event into the feature vector,
 * so the two stores give the same values by construction.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The windows every aggregate can use. A window of length W at time t holds entries with t − W < atMs ≤ t. */
export const WINDOWS = {
  '1m': MINUTE_MS,
  '10m': 10 * MINUTE_MS,
  '1h': HOUR_MS,
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
} as const;
export type WindowName = keyof typeof WINDOWS;
/** The longest window: nothing older is ever needed (Redis TTLs and id memory use it). */
export const LONGEST_WINDOW_MS = WINDOWS['30d'];

export interface WindowSpec {
  readonly name: WindowName;
  readonly ms: number;
  /** Keep a monotonic deque for the maximum value. */
  readonly max: boolean;
  /** Keep a refcount map of distinct items (also answers "was this item seen in the window?"). */
  readonly distinct: boolean;
}

export interface SeriesSpec {
  /** Short stable name; part of Redis keys. */
  readonly name: string;
  readonly entity: EntityKind;
  /** The entity the entry is recorded under; `undefined` records nothing. */
  readonly key: (e: RiskEvent) => string | undefined;
  /** Which events are recorded. */
  readonly accept: (e: RiskEvent) => boolean;
  /** The value summed and maximised: the amount in minor units for money series, else 0. */
  readonly money: boolean;
  /** The item counted distinct, when the series has distinct windows. */
  readonly item?: (e: RiskEvent) => string | undefined;
  /** Windows, shortest first. */
  readonly windows: readonly WindowSpec[];
}

/** A read of one series under one key. Every series has one recording probe; others only read. */
export interface ProbeSpec {
  readonly name: string;
  readonly series: number;
  readonly key: (e: RiskEvent) => string | undefined;
  /** Item whose presence in the distinct windows is reported (e.g. this device for `is_new_device`). */
  readonly member?: (e: RiskEvent) => string | undefined;
  readonly record: boolean;
}

/** Subtypes of payments that bring money in to the customer rather than send it out. */
export const INFLOW_SUBTYPES: ReadonlySet<string> = new Set([
  'transfer_in',
  'salary',
  'pension',
  'allowance',
  'refund',
  'cash_deposit',
  'cash_in',
  'loan_disbursement',
]);
/** Statuses (in `attributes.status`) of attempts that did not go through: failed logins, declined payments. */
export const FAILED_STATUSES: ReadonlySet<string> = new Set(['failed', 'declined']);

export const isOutgoingPayment = (e: RiskEvent): boolean =>
  e.type === 'payment' && !INFLOW_SUBTYPES.has((e.subtype ?? '').toLowerCase());
export const isInflow = (e: RiskEvent): boolean =>
  e.type === 'payment' && INFLOW_SUBTYPES.has((e.subtype ?? '').toLowerCase());
export const isFailed = (e: RiskEvent): boolean => {
  const status = e.attributes?.status;
  return typeof status === 'string' && FAILED_STATUSES.has(status.toLowerCase());
};

function windows(
  names: readonly WindowName[],
  options: { max?: readonly WindowName[]; distinct?: readonly WindowName[] } = {},
) {
  return names.map(
    (name): WindowSpec => ({
      name,
      ms: WINDOWS[name],
      max: options.max?.includes(name) ?? false,
      distinct: options.distinct?.includes(name) ?? false,
    }),
  );
}

const always = () => true;

export const SERIES: readonly SeriesSpec[] = [
  {
    name: 'cp',
    entity: 'customer',
    key: (e) => e.customerId,
    accept: isOutgoingPayment,
    money: true,
    windows: windows(['1m', '10m', '1h', '24h', '7d', '30d'], { max: ['24h', '30d'] }),
  },
  {
    name: 'cpy',
    entity: 'customer',
    key: (e) => e.customerId,
    accept: (e) => isOutgoingPayment(e) && e.payeeId !== undefined,
    money: false,
    item: (e) => e.payeeId,
    windows: windows(['1h', '24h', '30d'], { distinct: ['1h', '24h', '30d'] }),
  },
  {
    name: 'cd',
    entity: 'customer',
    key: (e) => e.customerId,
    accept: (e) => e.deviceId !== undefined,
    money: false,
    item: (e) => e.deviceId,
    windows: windows(['1h', '7d', '30d'], { distinct: ['1h', '7d', '30d'] }),
  },
  {
    name: 'ci',
    entity: 'customer',
    key: (e) => e.customerId,
    accept: (e) => e.ip !== undefined,
    money: false,
    item: (e) => e.ip,
    windows: windows(['24h', '30d'], { distinct: ['24h', '30d'] }),
  },
  {
    name: 'cin',
    entity: 'customer',
    key: (e) => e.customerId,
    accept: isInflow,
    money: true,
    windows: windows(['24h', '7d']),
  },
  {
    name: 'crf',
    entity: 'customer',
    key: (e) => e.customerId,
    accept: (e) => e.type === 'payment' && (e.subtype ?? '').toLowerCase() === 'refund',
    money: true,
    windows: windows(['30d']),
  },
  {
    name: 'cf',
    entity: 'customer',
    key: (e) => e.customerId,
    accept: isFailed,
    money: false,
    windows: windows(['10m', '1h']),
  },
  {
    name: 'ac',
    entity: 'account',
    key: (e) => e.accountId,
    accept: isOutgoingPayment,
    money: true,
    item: (e) => e.payeeId,
    windows: windows(['1h', '24h'], { max: ['24h'], distinct: ['24h'] }),
  },
  {
    name: 'dv',
    entity: 'device',
    key: (e) => e.deviceId,
    accept: always,
    money: false,
    item: (e) => e.customerId,
    windows: windows(['10m', '24h'], { distinct: ['24h'] }),
  },
  {
    name: 'ip',
    entity: 'ip',
    key: (e) => e.ip,
    accept: always,
    money: false,
    item: (e) => e.customerId,
    windows: windows(['1h', '24h'], { distinct: ['24h'] }),
  },
  {
    name: 'py',
    entity: 'payee',
    key: (e) => e.payeeId,
    accept: (e) => e.type === 'payment',
    money: true,
    item: (e) => e.customerId,
    windows: windows(['1h', '24h'], { distinct: ['24h'] }),
  },
  {
    name: 'mc',
    entity: 'merchant',
    key: (e) => e.merchantId,
    accept: (e) => e.type === 'payment',
    money: true,
    item: (e) => e.customerId,
    windows: windows(['10m', '1h', '24h'], { distinct: ['24h'] }),
  },
  {
    name: 'cr',
    entity: 'card',
    key: (e) => e.cardId,
    accept: (e) => e.type === 'payment',
    money: false,
    item: (e) => e.merchantId,
    windows: windows(['10m', '1h', '24h'], { distinct: ['24h'] }),
  },
  {
    name: 'ph',
    entity: 'phone',
    key: (e) => e.phone,
    accept: always,
    money: false,
    item: (e) => e.customerId,
    windows: windows(['30d'], { distinct: ['30d'] }),
  },
];

const seriesIndex = (name: string): number => {
  const index = SERIES.findIndex((s) => s.name === name);
  if (index < 0) throw new Error(`unknown series ${name}`);
  return index;
};

/** Reads per event: every series under its own key, plus the payee series under the payer (money received before paying on). */
export const PROBES: readonly ProbeSpec[] = [
  ...SERIES.map(
    (s, index): ProbeSpec => ({
      name: s.name,
      series: index,
      key: s.key,
      record: true,
      ...(s.name === 'cpy' ? { member: (e: RiskEvent) => e.payeeId } : {}),
      ...(s.name === 'cd' ? { member: (e: RiskEvent) => e.deviceId } : {}),
      ...(s.name === 'ci' ? { member: (e: RiskEvent) => e.ip } : {}),
    }),
  ),
  {
    name: 'rcv',
    series: seriesIndex('py'),
    key: (e) => e.accountId ?? e.customerId,
    record: false,
  },
];

/** Slots per window in a snapshot: count, sum (minor units), max (minor units, 0 when empty), distinct, member (entries of the probe's item). */
export const SLOT = { count: 0, sum: 1, max: 2, distinct: 3, member: 4 } as const;
export const SLOTS_PER_WINDOW = 5;

/** Offset of each probe's first window in the aggregate array. */
export const PROBE_OFFSETS: readonly number[] = (() => {
  const offsets: number[] = [];
  let offset = 0;
  for (const probe of PROBES) {
    offsets.push(offset);
    offset += (SERIES[probe.series]?.windows.length ?? 0) * SLOTS_PER_WINDOW;
  }
  return offsets;
})();
export const AGGREGATE_SLOTS = PROBES.reduce(
  (n, probe) => n + (SERIES[probe.series]?.windows.length ?? 0) * SLOTS_PER_WINDOW,
  0,
);

/** Index of the first slot of `window` of probe `probeName` in {@link Snapshot.aggregates}. */
export function slotOf(probeName: string, window: WindowName): number {
  const p = PROBES.findIndex((probe) => probe.name === probeName);
  const probe = PROBES[p];
  if (!probe) throw new Error(`unknown probe ${probeName}`);
  const w = SERIES[probe.series]?.windows.findIndex((spec) => spec.name === window) ?? -1;
  if (w < 0) throw new Error(`probe ${probeName} has no window ${window}`);
  return (PROBE_OFFSETS[p] ?? 0) + w * SLOTS_PER_WINDOW;
}

/** Profile fields: times in epoch ms and the last location; NaN when unknown. */
export const PROFILE = {
  watermarkMs: 0,
  firstSeenMs: 1,
  lastLoginMs: 2,
  lastPasswordResetMs: 3,
  lastPhoneChangeMs: 4,
  lastPayeeAddedMs: 5,
  lastDeviceBindMs: 6,
  geoAtMs: 7,
  latitude: 8,
  longitude: 9,
} as const;
export const PROFILE_FIELDS = 10;
/** Redis hash field names of the profile, in {@link PROFILE} order. */
export const PROFILE_FIELD_NAMES = [
  'wm',
  'first',
  'login',
  'pwd',
  'phone',
  'payee',
  'bind',
  'gat',
  'glat',
  'glon',
] as const;
/** How many recent outgoing payment amounts the profile keeps for z-score and percentile. */
export const AMOUNT_HISTORY_MAX = 50;

/** Account changes the profile remembers, by subtype → profile field. */
export const ACCOUNT_CHANGES: Readonly<Record<string, number>> = {
  password_reset: PROFILE.lastPasswordResetMs,
  phone_change: PROFILE.lastPhoneChangeMs,
  payee_added: PROFILE.lastPayeeAddedMs,
  device_bind: PROFILE.lastDeviceBindMs,
};

/** Everything the features of one event are computed from. */
export interface Snapshot {
  /** {@link AGGREGATE_SLOTS} numbers: per probe, per window, {@link SLOT}s. */
  readonly aggregates: Float64Array;
  /** {@link PROFILE_FIELDS} numbers. */
  readonly profile: Float64Array;
  /** Recent outgoing payment amounts (minor units), oldest first, with their times. */
  readonly historyAtMs: readonly number[];
  readonly historyAmounts: readonly number[];
}

/** What recording an event changes in the customer's profile. */
export interface ProfileUpdate {
  readonly isLogin: boolean;
  /** Profile field index of an account change, or −1. */
  readonly changeField: number;
  readonly latitude?: number;
  readonly longitude?: number;
  /** Amount (minor units) appended to the history, or −1 when the event is not an outgoing payment. */
  readonly historyAmount: number;
}

export function profileUpdate(e: RiskEvent): ProfileUpdate {
  const located = e.latitude !== undefined && e.longitude !== undefined;
  return {
    isLogin: e.type === 'login',
    changeField: e.type === 'account_change' ? (ACCOUNT_CHANGES[(e.subtype ?? '').toLowerCase()] ?? -1) : -1,
    ...(located ? { latitude: e.latitude, longitude: e.longitude } : {}),
    historyAmount: isOutgoingPayment(e) && e.amountMinor > 0n ? Number(e.amountMinor) : -1,
  };
}

/** Value recorded for the series: amount in minor units for money series, else 0. */
export function seriesValue(spec: SeriesSpec, e: RiskEvent): number {
  return spec.money ? Number(e.amountMinor) : 0;
}
