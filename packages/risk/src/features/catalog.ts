import { findCurrency } from '@zhirong/kernel';
import type { FeatureDefinition, FeatureType, FeatureValue, FeatureVector, RiskEvent } from '../event.ts';
import {
  DAY_MS,
  HOUR_MS,
  isFailed,
  isInflow,
  isOutgoingPayment,
  LONGEST_WINDOW_MS,
  PROFILE,
  SLOT,
  type Snapshot,
  slotOf,
  type WindowName,
} from './series.ts';
import { vectorOf } from './vector.ts';

/** Options of the feature computation; both stores take them and must agree. */
export interface FeatureOptions {
  /** Country of the bank's customers: an event from or to another country is cross-border. Default `CN`. */
  readonly homeCountry: string;
  /** Offset of local time from UTC for `hour_of_day`, `day_of_week`, `is_night`. Default 480 (China). */
  readonly utcOffsetMinutes: number;
}
export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = Object.freeze({ homeCountry: 'CN', utcOffsetMinutes: 480 });

/** Faster than an airliner: two located events this far apart in this little time cannot both be the customer. */
export const IMPOSSIBLE_TRAVEL_KMH = 900;
/** Jumps shorter than this are GPS or IP-geolocation noise, never impossible travel. */
export const IMPOSSIBLE_TRAVEL_MIN_KM = 50;
const EARTH_RADIUS_KM = 6371.0088;

interface Context {
  readonly e: RiskEvent;
  readonly t: number;
  readonly a: Float64Array;
  readonly p: Float64Array;
  readonly snapshot: Snapshot;
  readonly options: FeatureOptions;
  /** 10^exponent of the event's currency. */
  readonly scale: number;
  readonly amountMinor: number;
  readonly history: readonly number[];
}

type Compute = (c: Context) => FeatureValue;
interface Feature extends FeatureDefinition {
  readonly compute: Compute;
}

const feature = (name: string, type: FeatureType, en: string, zh: string, compute: Compute): Feature => ({
  name,
  type,
  description: { en, zh },
  compute,
});

const ratio = (numerator: number, denominator: number): number | null =>
  denominator > 0 ? numerator / denominator : null;
const since = (c: Context, field: number): number | null => {
  const at = c.p[field] ?? Number.NaN;
  return Number.isNaN(at) ? null : (c.t - at) / 1000;
};
const local = (c: Context) => c.t + c.options.utcOffsetMinutes * 60_000;
const subtypeIs =
  (...subtypes: string[]): Compute =>
  (c) =>
    subtypes.includes((c.e.subtype ?? '').toLowerCase());

/** Aggregate readers: slot offsets are resolved once, at module load. */
function aggregate(probe: string, window: WindowName) {
  const base = slotOf(probe, window);
  return {
    count: (c: Context) => c.a[base + SLOT.count] ?? 0,
    sum: (c: Context) => c.a[base + SLOT.sum] ?? 0,
    max: (c: Context) => c.a[base + SLOT.max] ?? 0,
    distinct: (c: Context) => c.a[base + SLOT.distinct] ?? 0,
    member: (c: Context) => (c.a[base + SLOT.member] ?? 0) > 0,
    memberCount: (c: Context) => c.a[base + SLOT.member] ?? 0,
  };
}
/** A count or distinct count that is null when the event has no such entity. */
const when =
  (present: (e: RiskEvent) => unknown, value: (c: Context) => number | boolean): Compute =>
  (c) =>
    present(c.e) === undefined ? null : value(c);
const major = (value: (c: Context) => number) => (c: Context) => value(c) / c.scale;

const CP = {
  '1m': aggregate('cp', '1m'),
  '10m': aggregate('cp', '10m'),
  '1h': aggregate('cp', '1h'),
  '24h': aggregate('cp', '24h'),
  '7d': aggregate('cp', '7d'),
  '30d': aggregate('cp', '30d'),
} as const;
const cp = (w: keyof typeof CP) => CP[w];
const cpy1h = aggregate('cpy', '1h');
const cpy24 = aggregate('cpy', '24h');
const cpy30 = aggregate('cpy', '30d');
const cd1h = aggregate('cd', '1h');
const cd7 = aggregate('cd', '7d');
const cd30 = aggregate('cd', '30d');
const ci24 = aggregate('ci', '24h');
const ci30 = aggregate('ci', '30d');
const cin24 = aggregate('cin', '24h');
const cin7d = aggregate('cin', '7d');
const crf30 = aggregate('crf', '30d');
const cf10 = aggregate('cf', '10m');
const cf1h = aggregate('cf', '1h');
const ac1h = aggregate('ac', '1h');
const ac24 = aggregate('ac', '24h');
const dv10 = aggregate('dv', '10m');
const dv24 = aggregate('dv', '24h');
const ip1h = aggregate('ip', '1h');
const ip24 = aggregate('ip', '24h');
const py1h = aggregate('py', '1h');
const py24 = aggregate('py', '24h');
const mc10 = aggregate('mc', '10m');
const mc1h = aggregate('mc', '1h');
const mc24 = aggregate('mc', '24h');
const cr10 = aggregate('cr', '10m');
const cr1h = aggregate('cr', '1h');
const cr24 = aggregate('cr', '24h');
const ph30 = aggregate('ph', '30d');
const rcv1h = aggregate('rcv', '1h');
const rcv24 = aggregate('rcv', '24h');

function historyStats(c: Context): { mean: number; std: number } | null {
  const h = c.history;
  if (h.length < 3) return null;
  let sum = 0;
  for (const x of h) sum += x;
  const mean = sum / h.length;
  let squares = 0;
  for (const x of h) squares += (x - mean) * (x - mean);
  return { mean, std: Math.sqrt(squares / h.length) };
}

function geo(c: Context): { km: number; hours: number } | null {
  const { latitude, longitude } = c.e;
  const lat0 = c.p[PROFILE.latitude] ?? Number.NaN;
  const lon0 = c.p[PROFILE.longitude] ?? Number.NaN;
  const at0 = c.p[PROFILE.geoAtMs] ?? Number.NaN;
  if (latitude === undefined || longitude === undefined || Number.isNaN(lat0) || Number.isNaN(lon0)) return null;
  const rad = Math.PI / 180;
  const dLat = (latitude - lat0) * rad;
  const dLon = (longitude - lon0) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat0 * rad) * Math.cos(latitude * rad) * Math.sin(dLon / 2) ** 2;
  const km = 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
  return { km, hours: (c.t - at0) / HOUR_MS };
}
/** Speed since the previous located event; a jump in under a second counts as one second. */
function speedKmh(c: Context): number | null {
  const g = geo(c);
  return g ? g.km / Math.max(g.hours, 1 / 3600) : null;
}

const FEATURES: readonly Feature[] = [
  // The event itself.
  feature('amount', 'number', 'Amount in major units (yuan).', '金额（元）。', (c) => c.amountMinor / c.scale),
  feature('amount_log', 'number', 'ln(1 + amount in major units).', '金额（元）加 1 的自然对数。', (c) =>
    Math.log1p(c.amountMinor / c.scale),
  ),
  feature(
    'amount_is_round',
    'boolean',
    'The amount is a positive whole multiple of 100 major units.',
    '金额为 100 元的正整数倍。',
    (c) => c.amountMinor > 0 && c.amountMinor % (100 * c.scale) === 0,
  ),
  feature('hour_of_day', 'number', 'Local hour of the event, 0–23.', '事件发生的本地小时（0–23）。', (c) =>
    Math.floor((((local(c) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS),
  ),
  feature('day_of_week', 'number', 'Local day of the week, 0 = Sunday.', '本地星期几（0 为星期日）。', (c) => {
    const day = Math.floor(local(c) / DAY_MS);
    return (((day + 4) % 7) + 7) % 7;
  }),
  feature('is_night', 'boolean', 'Local time between 00:00 and 06:00.', '本地时间在 0 点至 6 点之间。', (c) => {
    const hour = Math.floor((((local(c) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
    return hour < 6;
  }),
  feature('event_type', 'string', 'Event type.', '事件类型。', (c) => c.e.type),
  feature(
    'subtype',
    'string',
    'Event subtype, lower case; null when absent.',
    '事件子类型（小写），缺失时为空。',
    (c) => (c.e.subtype === undefined ? null : c.e.subtype.toLowerCase()),
  ),
  feature('channel', 'string', 'Channel; null when absent.', '渠道，缺失时为空。', (c) => c.e.channel ?? null),
  feature('is_payment', 'boolean', 'The event is a payment.', '事件为支付。', (c) => c.e.type === 'payment'),
  feature('is_login', 'boolean', 'The event is a login.', '事件为登录。', (c) => c.e.type === 'login'),
  feature(
    'is_account_change',
    'boolean',
    'The event changes account settings.',
    '事件为账户信息变更。',
    (c) => c.e.type === 'account_change',
  ),
  feature(
    'is_loan_application',
    'boolean',
    'The event is a loan application.',
    '事件为贷款申请。',
    (c) => c.e.type === 'loan_application',
  ),
  feature(
    'is_inflow',
    'boolean',
    'A payment bringing money in (transfer in, salary, refund…).',
    '资金流入的支付（转入、工资、退款等）。',
    (c) => isInflow(c.e),
  ),
  feature('is_p2p', 'boolean', 'Subtype p2p.', '子类型为个人转账（p2p）。', subtypeIs('p2p')),
  feature(
    'is_transfer_out',
    'boolean',
    'Subtype transfer_out or transfer.',
    '子类型为转出（transfer_out 或 transfer）。',
    subtypeIs('transfer_out', 'transfer'),
  ),
  feature(
    'is_cash_out',
    'boolean',
    'Subtype cash_out or cash_withdrawal.',
    '子类型为取现（cash_out 或 cash_withdrawal）。',
    subtypeIs('cash_out', 'cash_withdrawal'),
  ),
  feature(
    'is_purchase',
    'boolean',
    'Subtype purchase or payment.',
    '子类型为消费（purchase 或 payment）。',
    subtypeIs('purchase', 'payment'),
  ),
  feature('is_refund', 'boolean', 'Subtype refund.', '子类型为退款。', subtypeIs('refund')),
  feature('is_password_reset', 'boolean', 'Subtype password_reset.', '子类型为重置密码。', subtypeIs('password_reset')),
  feature('is_phone_change', 'boolean', 'Subtype phone_change.', '子类型为更换手机号。', subtypeIs('phone_change')),
  feature('is_payee_added', 'boolean', 'Subtype payee_added.', '子类型为添加收款人。', subtypeIs('payee_added')),
  feature(
    'is_failed',
    'boolean',
    'attributes.status is failed or declined.',
    '属性 status 为 failed 或 declined。',
    (c) => isFailed(c.e),
  ),
  feature(
    'is_cross_border',
    'boolean',
    'Country known and not the home country.',
    '国家已知且不是本国。',
    (c) => c.e.country !== undefined && c.e.country.toUpperCase() !== c.options.homeCountry,
  ),
  feature(
    'amount_to_balance_ratio',
    'number',
    'Amount over the balance before the event; null when the balance is unknown or not positive.',
    '金额与事件前余额之比；余额未知或不为正时为空。',
    (c) => (c.e.balanceBeforeMinor === undefined ? null : ratio(c.amountMinor, Number(c.e.balanceBeforeMinor))),
  ),
  feature(
    'balance_drained',
    'boolean',
    'An outgoing payment of at least 90% of a positive balance; null when the balance is unknown.',
    '付款金额不低于正余额的 90%；余额未知时为空。',
    (c) => {
      const balance = c.e.balanceBeforeMinor;
      if (balance === undefined) return null;
      return isOutgoingPayment(c.e) && balance > 0n && c.e.amountMinor > 0n && c.e.amountMinor * 10n >= balance * 9n;
    },
  ),

  // The customer's outgoing payments.
  ...(['1m', '10m', '1h', '24h', '7d', '30d'] as const).map((w) =>
    feature(
      `customer_count_${w}`,
      'number',
      `Outgoing payments of the customer in the last ${w}.`,
      `客户最近 ${w} 内的付款笔数。`,
      cp(w).count,
    ),
  ),
  ...(['1h', '24h', '7d', '30d'] as const).map((w) =>
    feature(
      `customer_sum_${w}`,
      'number',
      `Sum of the customer's outgoing payments in the last ${w} (major units).`,
      `客户最近 ${w} 内的付款总额（元）。`,
      major(cp(w).sum),
    ),
  ),
  feature(
    'customer_max_24h',
    'number',
    'Largest outgoing payment in the last 24h (major units).',
    '最近 24 小时最大一笔付款（元）。',
    major(cp('24h').max),
  ),
  feature(
    'customer_max_30d',
    'number',
    'Largest outgoing payment in the last 30d (major units).',
    '最近 30 天最大一笔付款（元）。',
    major(cp('30d').max),
  ),
  feature(
    'amount_over_max_30d',
    'number',
    'Amount over the largest outgoing payment of the last 30d; null without one.',
    '金额与最近 30 天最大付款之比；无付款时为空。',
    (c) => ratio(c.amountMinor, cp('30d').max(c)),
  ),
  feature(
    'customer_avg_30d',
    'number',
    'Mean outgoing payment over 30d (major units); null without one.',
    '最近 30 天平均付款金额（元）；无付款时为空。',
    (c) => {
      const r = ratio(cp('30d').sum(c), cp('30d').count(c));
      return r === null ? null : r / c.scale;
    },
  ),
  feature(
    'customer_sum_1h_over_30d_daily_avg',
    'number',
    'Outgoing sum of the last hour over the 30-day daily average; null without 30-day spend.',
    '最近 1 小时付款总额与 30 天日均付款额之比；30 天内无付款时为空。',
    (c) => ratio(cp('1h').sum(c), cp('30d').sum(c) / 30),
  ),
  feature(
    'customer_distinct_payees_24h',
    'number',
    'Distinct payees paid in the last 24h.',
    '最近 24 小时付款的不同收款人数。',
    cpy24.distinct,
  ),
  feature(
    'customer_distinct_payees_30d',
    'number',
    'Distinct payees paid in the last 30d.',
    '最近 30 天付款的不同收款人数。',
    cpy30.distinct,
  ),
  feature(
    'is_new_payee',
    'boolean',
    'The payee was not paid by this customer in the last 30d; null without a payee.',
    '该收款人在最近 30 天内未被此客户付款过；无收款人时为空。',
    when(
      (e) => e.payeeId,
      (c) => !cpy30.member(c),
    ),
  ),
  feature(
    'payee_first_paid_1h',
    'boolean',
    'The customer first paid this payee (in 30 days) within the last hour, or is paying it now for the first time; null without a payee.',
    '客户在最近 1 小时内（或本次）首次向该收款人付款（30 天内）；无收款人时为空。',
    when(
      (e) => e.payeeId,
      (c) => cpy30.memberCount(c) === cpy1h.memberCount(c),
    ),
  ),
  feature(
    'customer_distinct_devices_7d',
    'number',
    'Distinct devices the customer used in the last 7d.',
    '客户最近 7 天使用的不同设备数。',
    cd7.distinct,
  ),
  feature(
    'customer_distinct_devices_30d',
    'number',
    'Distinct devices the customer used in the last 30d.',
    '客户最近 30 天使用的不同设备数。',
    cd30.distinct,
  ),
  feature(
    'is_new_device',
    'boolean',
    'The device was not used by this customer in the last 30d; null without a device.',
    '该设备在最近 30 天内未被此客户使用过；无设备时为空。',
    when(
      (e) => e.deviceId,
      (c) => !cd30.member(c),
    ),
  ),
  feature(
    'device_first_seen_1h',
    'boolean',
    'The customer first used this device (in 30 days) within the last hour, or uses it now for the first time; null without a device.',
    '客户在最近 1 小时内（或本次）首次使用该设备（30 天内）；无设备时为空。',
    when(
      (e) => e.deviceId,
      (c) => cd30.memberCount(c) === cd1h.memberCount(c),
    ),
  ),
  feature(
    'customer_distinct_ips_24h',
    'number',
    'Distinct IP addresses of the customer in the last 24h.',
    '客户最近 24 小时使用的不同 IP 数。',
    ci24.distinct,
  ),
  feature(
    'is_new_ip',
    'boolean',
    'The IP address was not used by this customer in the last 30d; null without an IP.',
    '该 IP 在最近 30 天内未被此客户使用过；无 IP 时为空。',
    when(
      (e) => e.ip,
      (c) => !ci30.member(c),
    ),
  ),

  // Money in, money out: mules and PaySim's transfer-then-cash-out.
  feature(
    'customer_inflow_count_24h',
    'number',
    'Incoming payments of the customer in the last 24h.',
    '客户最近 24 小时的入账笔数。',
    cin24.count,
  ),
  feature(
    'customer_inflow_sum_24h',
    'number',
    'Incoming money of the customer in the last 24h (major units).',
    '客户最近 24 小时入账总额（元）。',
    major(cin24.sum),
  ),
  feature(
    'customer_inflow_sum_7d',
    'number',
    'Incoming money of the customer in the last 7d (major units).',
    '客户最近 7 天入账总额（元）。',
    major(cin7d.sum),
  ),
  feature(
    'outflow_to_inflow_ratio_24h',
    'number',
    'Outgoing money of the last 24h including this payment, over incoming money of the last 24h; null without inflow.',
    '最近 24 小时付款（含本笔）与入账之比；无入账时为空。',
    (c) => ratio(cp('24h').sum(c) + (isOutgoingPayment(c.e) ? c.amountMinor : 0), cin24.sum(c)),
  ),
  feature(
    'received_count_1h',
    'number',
    "Payments received in the last hour by the payer's account (or customer id) as a payee.",
    '付款账户（或客户）最近 1 小时作为收款方收到的笔数。',
    rcv1h.count,
  ),
  feature(
    'received_sum_24h',
    'number',
    "Money received in the last 24h by the payer's account (or customer id) as a payee (major units).",
    '付款账户（或客户）最近 24 小时作为收款方收到的金额（元）。',
    major(rcv24.sum),
  ),
  feature(
    'pass_through_ratio_24h',
    'number',
    'Amount over the money the payer received in the last 24h; null when nothing was received.',
    '金额与付款方最近 24 小时收到金额之比；未收到款项时为空。',
    (c) => ratio(c.amountMinor, rcv24.sum(c)),
  ),
  feature(
    'customer_refund_count_30d',
    'number',
    'Refunds to the customer in the last 30d.',
    '客户最近 30 天收到的退款笔数。',
    crf30.count,
  ),
  feature(
    'customer_refund_sum_30d',
    'number',
    'Refunded money in the last 30d (major units).',
    '客户最近 30 天退款总额（元）。',
    major(crf30.sum),
  ),
  feature(
    'refund_to_spend_ratio_30d',
    'number',
    'Refunds over outgoing payments in the last 30d; null without spend.',
    '最近 30 天退款与付款之比；无付款时为空。',
    (c) => ratio(crf30.sum(c), cp('30d').sum(c)),
  ),
  feature(
    'customer_failed_count_10m',
    'number',
    'Failed logins and declined payments in the last 10 min.',
    '最近 10 分钟登录失败与支付被拒次数。',
    cf10.count,
  ),
  feature(
    'customer_failed_count_1h',
    'number',
    'Failed logins and declined payments in the last hour.',
    '最近 1 小时登录失败与支付被拒次数。',
    cf1h.count,
  ),

  // Time since: account-change events before a payment are the account-takeover signal.
  feature(
    'seconds_since_last_event',
    'number',
    "Seconds since the customer's previous event; null for the first.",
    '距客户上一事件的秒数；首个事件为空。',
    (c) => since(c, PROFILE.watermarkMs),
  ),
  feature(
    'seconds_since_last_login',
    'number',
    'Seconds since the last login; null without one.',
    '距上次登录的秒数；无登录时为空。',
    (c) => since(c, PROFILE.lastLoginMs),
  ),
  feature(
    'seconds_since_password_reset',
    'number',
    'Seconds since the last password reset; null without one.',
    '距上次重置密码的秒数；无记录时为空。',
    (c) => since(c, PROFILE.lastPasswordResetMs),
  ),
  feature(
    'seconds_since_phone_change',
    'number',
    'Seconds since the last phone change; null without one.',
    '距上次更换手机号的秒数；无记录时为空。',
    (c) => since(c, PROFILE.lastPhoneChangeMs),
  ),
  feature(
    'seconds_since_payee_added',
    'number',
    'Seconds since a payee was last added; null without one.',
    '距上次添加收款人的秒数；无记录时为空。',
    (c) => since(c, PROFILE.lastPayeeAddedMs),
  ),
  feature(
    'seconds_since_device_bind',
    'number',
    'Seconds since a device was last bound; null without one.',
    '距上次绑定设备的秒数；无记录时为空。',
    (c) => since(c, PROFILE.lastDeviceBindMs),
  ),
  feature(
    'account_change_before_payment_1h',
    'boolean',
    'An outgoing payment within an hour after a password reset or phone change.',
    '重置密码或更换手机号后 1 小时内的付款。',
    (c) => {
      if (!isOutgoingPayment(c.e)) return false;
      const reset = since(c, PROFILE.lastPasswordResetMs);
      const phone = since(c, PROFILE.lastPhoneChangeMs);
      return (reset !== null && reset < HOUR_MS / 1000) || (phone !== null && phone < HOUR_MS / 1000);
    },
  ),
  feature(
    'customer_age_days',
    'number',
    'Days since the customer was first seen; null for the first event.',
    '距首次出现的天数；首个事件为空。',
    (c) => {
      const first = c.p[PROFILE.firstSeenMs] ?? Number.NaN;
      return Number.isNaN(first) ? null : (c.t - first) / DAY_MS;
    },
  ),
  feature(
    'is_first_event',
    'boolean',
    'No earlier event of this customer is known.',
    '此前没有该客户的任何事件。',
    (c) => Number.isNaN(c.p[PROFILE.firstSeenMs] ?? Number.NaN),
  ),

  // Amount against the customer's own history (last 50 outgoing payments within 30 days).
  feature(
    'customer_history_size',
    'number',
    'Past outgoing payments the z-score and percentile use (≤ 50, within 30d).',
    '用于 Z 分数与百分位的历史付款笔数（不超过 50 笔、30 天内）。',
    (c) => c.history.length,
  ),
  feature(
    'amount_zscore',
    'number',
    "Z-score of the amount against the customer's recent payments; null with fewer than 3 or no spread.",
    '金额相对客户近期付款的 Z 分数；少于 3 笔或无离散时为空。',
    (c) => {
      const stats = historyStats(c);
      if (!stats || stats.std === 0) return null;
      return (c.amountMinor - stats.mean) / stats.std;
    },
  ),
  feature(
    'amount_percentile',
    'number',
    "Share of the customer's recent payments at or below this amount, 0–1; null without history.",
    '客户近期付款中不高于本金额的比例（0–1）；无历史时为空。',
    (c) => {
      const h = c.history;
      if (h.length === 0) return null;
      let below = 0;
      for (const x of h) if (x <= c.amountMinor) below++;
      return below / h.length;
    },
  ),

  // Geography.
  feature(
    'geo_distance_km',
    'number',
    'Distance from the previous located event (km); null without both locations.',
    '与上一个有位置事件的距离（公里）；缺少位置时为空。',
    (c) => geo(c)?.km ?? null,
  ),
  feature(
    'geo_speed_kmh',
    'number',
    'Speed needed since the previous located event (km/h); null without both locations.',
    '自上一个有位置事件以来所需的速度（公里/小时）；缺少位置时为空。',
    speedKmh,
  ),
  feature(
    'impossible_travel',
    'boolean',
    `Faster than ${IMPOSSIBLE_TRAVEL_KMH} km/h over at least ${IMPOSSIBLE_TRAVEL_MIN_KM} km since the previous located event.`,
    `自上一个有位置事件以来速度超过 ${IMPOSSIBLE_TRAVEL_KMH} 公里/小时且距离至少 ${IMPOSSIBLE_TRAVEL_MIN_KM} 公里。`,
    (c) => {
      const g = geo(c);
      if (!g) return false;
      return g.km >= IMPOSSIBLE_TRAVEL_MIN_KM && g.km / Math.max(g.hours, 1 / 3600) > IMPOSSIBLE_TRAVEL_KMH;
    },
  ),

  // Other entities.
  feature(
    'account_count_1h',
    'number',
    'Outgoing payments from this account in the last hour; null without an account.',
    '该账户最近 1 小时的付款笔数；无账户时为空。',
    when((e) => e.accountId, ac1h.count),
  ),
  feature(
    'account_sum_24h',
    'number',
    'Outgoing money from this account in the last 24h (major units); null without an account.',
    '该账户最近 24 小时的付款金额（元）；无账户时为空。',
    when((e) => e.accountId, major(ac24.sum)),
  ),
  feature(
    'account_max_24h',
    'number',
    'Largest outgoing payment from this account in the last 24h (major units); null without an account.',
    '该账户最近 24 小时最大一笔付款（元）；无账户时为空。',
    when((e) => e.accountId, major(ac24.max)),
  ),
  feature(
    'account_distinct_payees_24h',
    'number',
    'Distinct payees paid from this account in the last 24h; null without an account.',
    '该账户最近 24 小时付款的不同收款人数；无账户时为空。',
    when((e) => e.accountId, ac24.distinct),
  ),
  feature(
    'device_count_10m',
    'number',
    'Events from this device in the last 10 min; null without a device.',
    '该设备最近 10 分钟的事件数；无设备时为空。',
    when((e) => e.deviceId, dv10.count),
  ),
  feature(
    'device_count_24h',
    'number',
    'Events from this device in the last 24h; null without a device.',
    '该设备最近 24 小时的事件数；无设备时为空。',
    when((e) => e.deviceId, dv24.count),
  ),
  feature(
    'device_distinct_customers_24h',
    'number',
    'Distinct customers on this device in the last 24h; null without a device.',
    '该设备最近 24 小时的不同客户数；无设备时为空。',
    when((e) => e.deviceId, dv24.distinct),
  ),
  feature(
    'ip_count_1h',
    'number',
    'Events from this IP in the last hour; null without an IP.',
    '该 IP 最近 1 小时的事件数；无 IP 时为空。',
    when((e) => e.ip, ip1h.count),
  ),
  feature(
    'ip_distinct_customers_24h',
    'number',
    'Distinct customers on this IP in the last 24h; null without an IP.',
    '该 IP 最近 24 小时的不同客户数；无 IP 时为空。',
    when((e) => e.ip, ip24.distinct),
  ),
  feature(
    'payee_count_1h',
    'number',
    'Payments to this payee in the last hour; null without a payee.',
    '该收款人最近 1 小时收到的笔数；无收款人时为空。',
    when((e) => e.payeeId, py1h.count),
  ),
  feature(
    'payee_sum_24h',
    'number',
    'Money paid to this payee in the last 24h (major units); null without a payee.',
    '该收款人最近 24 小时收到的金额（元）；无收款人时为空。',
    when((e) => e.payeeId, major(py24.sum)),
  ),
  feature(
    'payee_distinct_payers_24h',
    'number',
    'Distinct customers paying this payee in the last 24h; null without a payee.',
    '最近 24 小时向该收款人付款的不同客户数；无收款人时为空。',
    when((e) => e.payeeId, py24.distinct),
  ),
  feature(
    'merchant_count_10m',
    'number',
    'Payments at this merchant in the last 10 min; null without a merchant.',
    '该商户最近 10 分钟的支付笔数；无商户时为空。',
    when((e) => e.merchantId, mc10.count),
  ),
  feature(
    'merchant_count_1h',
    'number',
    'Payments at this merchant in the last hour; null without a merchant.',
    '该商户最近 1 小时的支付笔数；无商户时为空。',
    when((e) => e.merchantId, mc1h.count),
  ),
  feature(
    'merchant_sum_24h',
    'number',
    'Money paid at this merchant in the last 24h (major units); null without a merchant.',
    '该商户最近 24 小时的支付金额（元）；无商户时为空。',
    when((e) => e.merchantId, major(mc24.sum)),
  ),
  feature(
    'merchant_distinct_customers_24h',
    'number',
    'Distinct customers paying this merchant in the last 24h; null without a merchant.',
    '最近 24 小时在该商户支付的不同客户数；无商户时为空。',
    when((e) => e.merchantId, mc24.distinct),
  ),
  feature(
    'card_count_10m',
    'number',
    'Payments with this card in the last 10 min; null without a card.',
    '该卡最近 10 分钟的支付笔数；无卡时为空。',
    when((e) => e.cardId, cr10.count),
  ),
  feature(
    'card_count_1h',
    'number',
    'Payments with this card in the last hour; null without a card.',
    '该卡最近 1 小时的支付笔数；无卡时为空。',
    when((e) => e.cardId, cr1h.count),
  ),
  feature(
    'card_distinct_merchants_24h',
    'number',
    'Distinct merchants this card paid in the last 24h; null without a card.',
    '该卡最近 24 小时支付过的不同商户数；无卡时为空。',
    when((e) => e.cardId, cr24.distinct),
  ),
  feature(
    'phone_distinct_customers_30d',
    'number',
    'Distinct customers using this phone number in the last 30d; null without a phone.',
    '最近 30 天使用该手机号的不同客户数；无手机号时为空。',
    when((e) => e.phone, ph30.distinct),
  ),
];

/** Every feature the store computes, in the order of the vectors it returns. */
export const FEATURE_CATALOG: readonly FeatureDefinition[] = Object.freeze(
  FEATURES.map(({ name, type, description }) => Object.freeze({ name, type, description })),
);

/** Minor units per major unit of the event's currency (CNY when absent or unknown). */
export function minorPerMajor(currency: string | undefined): number {
  if (currency === undefined) return 100;
  let scale = SCALES.get(currency);
  if (scale === undefined) {
    scale = 10 ** (findCurrency(currency)?.exponent ?? 2);
    SCALES.set(currency, scale);
  }
  return scale;
}
const SCALES = new Map<string, number>();

/** The feature vector of `e` from the state before it. Pure: same event and snapshot, same vector. */
export function computeFeatures(e: RiskEvent, snapshot: Snapshot, options: FeatureOptions): FeatureVector {
  return vectorOf(computeFeatureValues(e, snapshot, options, new Array(FEATURES.length)));
}

/** The feature values of `e` in {@link FEATURE_CATALOG} order, written into `out`. */
export function computeFeatureValues(
  e: RiskEvent,
  snapshot: Snapshot,
  options: FeatureOptions,
  out: FeatureValue[],
): FeatureValue[] {
  const t = e.atMs;
  const cutoff = t - LONGEST_WINDOW_MS;
  const history: number[] = [];
  for (let i = 0; i < snapshot.historyAtMs.length; i++) {
    if ((snapshot.historyAtMs[i] ?? 0) > cutoff) history.push(snapshot.historyAmounts[i] ?? 0);
  }
  const context: Context = {
    e,
    t,
    a: snapshot.aggregates,
    p: snapshot.profile,
    snapshot,
    options,
    scale: minorPerMajor(e.currency),
    amountMinor: Number(e.amountMinor),
    history,
  };
  for (let i = 0; i < FEATURES.length; i++) out[i] = (FEATURES[i] as Feature).compute(context);
  return out;
}
