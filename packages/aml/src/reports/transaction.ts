// The transaction AML reports on (fed from outside the domain), the PBoC large-value categories and thresholds, and the per-customer-per-day aggregation.
import { findCurrency } from '@zhirong/kernel';

export const CUSTOMER_TYPES = ['personal', 'corporate'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];
export const CHANNELS = ['cash', 'transfer'] as const;
export type Channel = (typeof CHANNELS)[number];
export const REGIONS = ['domestic', 'cross_border'] as const;
export type Region = (typeof REGIONS)[number];
export const DIRECTIONS = ['in', 'out'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export interface Counterparty {
  readonly name?: string;
  readonly accountId?: string;
  /** The counterparty's institution (BIC or a domestic bank code). */
  readonly institution?: string;
  /** ISO 3166 alpha-2. */
  readonly country?: string;
}

/**
 * A transaction as AML sees it. Other domains (payments, the ledger, a cash desk) are mapped to it
 * in packages/flows; AML never reads their tables. `id` is the source's id and makes recording it
 * idempotent.
 */
export interface ReportableTransaction {
  readonly id: string;
  readonly customerId: string;
  readonly customerType: CustomerType;
  readonly channel: Channel;
  readonly region: Region;
  /** `in`: money received by the customer; `out`: paid by the customer. */
  readonly direction: Direction;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly occurredAt: Date;
  readonly counterparty: Counterparty;
}

/**
 * The four large-value categories of art. 5 of the PBoC rules (金融机构大额交易和可疑交易报告管理办法,
 * Order 2016 No. 3 as amended 2018): cash; transfers of a non-natural-person (corporate) account;
 * a natural person's domestic transfers; a natural person's cross-border transfers.
 */
export const LARGE_VALUE_CATEGORIES = [
  'cash',
  'corporate_transfer',
  'personal_domestic_transfer',
  'personal_cross_border_transfer',
] as const;
export type LargeValueCategory = (typeof LARGE_VALUE_CATEGORIES)[number];

export function categoryOf(t: Pick<ReportableTransaction, 'channel' | 'customerType' | 'region'>): LargeValueCategory {
  if (t.channel === 'cash') return 'cash';
  if (t.customerType === 'corporate') return 'corporate_transfer';
  return t.region === 'domestic' ? 'personal_domestic_transfer' : 'personal_cross_border_transfer';
}

/** Thresholds in minor units per category and currency; a day's total at or above one is reported. */
export type Thresholds = Readonly<Record<LargeValueCategory, Readonly<Record<string, bigint>>>>;

/** Art. 5 defaults: CNY 50,000 / USD 10,000 cash; 2,000,000 / 200,000; 500,000 / 100,000; 200,000 / 10,000. */
export const DEFAULT_THRESHOLDS: Thresholds = {
  cash: { CNY: 5_000_000n, USD: 1_000_000n },
  corporate_transfer: { CNY: 200_000_000n, USD: 20_000_000n },
  personal_domestic_transfer: { CNY: 50_000_000n, USD: 10_000_000n },
  personal_cross_border_transfer: { CNY: 20_000_000n, USD: 1_000_000n },
};

/** Largest |offset| from UTC of a reporting calendar, in minutes. */
const OFFSET_MINUTES_MAX = 14 * 60;

/** The calendar day (YYYY-MM-DD) of `at` in the reporting time zone, given as minutes east of UTC. */
export function businessDayOf(at: Date, offsetMinutes: number): string {
  if (!(Math.abs(offsetMinutes) <= OFFSET_MINUTES_MAX)) throw new Error(`businessDayOf: offset ${offsetMinutes}`);
  return new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** Why a transaction cannot be recorded, or undefined when it is well formed. */
export function transactionProblem(t: ReportableTransaction): string | undefined {
  if (t.id.length === 0 || t.id.length > 200) return 'the id must have 1 to 200 characters';
  if (t.customerId.length === 0 || t.customerId.length > 200) return 'the customer id must have 1 to 200 characters';
  if (!CUSTOMER_TYPES.includes(t.customerType)) return `unknown customer type ${t.customerType}`;
  if (!CHANNELS.includes(t.channel)) return `unknown channel ${t.channel}`;
  if (!REGIONS.includes(t.region)) return `unknown region ${t.region}`;
  if (!DIRECTIONS.includes(t.direction)) return `unknown direction ${t.direction}`;
  if (typeof t.amountMinor !== 'bigint' || t.amountMinor <= 0n)
    return 'the amount must be a positive integer of minor units';
  if (findCurrency(t.currency) === undefined) return `unknown currency ${t.currency}`;
  if (Number.isNaN(t.occurredAt.getTime())) return 'the time is not a valid instant';
  if (t.counterparty.country !== undefined && !/^[A-Z]{2}$/.test(t.counterparty.country)) {
    return 'the counterparty country must be ISO 3166 alpha-2';
  }
  return undefined;
}

/** One customer's transactions of one category, currency and direction on one business day. */
export interface DailyAggregate {
  readonly customerId: string;
  readonly customerType: CustomerType;
  readonly businessDay: string;
  readonly category: LargeValueCategory;
  readonly currency: string;
  readonly direction: Direction;
  readonly totalMinor: bigint;
  readonly transactionIds: readonly string[];
  /** The threshold for this category and currency, or null when none is configured. */
  readonly thresholdMinor: bigint | null;
  readonly reportable: boolean;
}

/**
 * Aggregates per customer (and the customer type it was given with), business day, category, currency and direction (收付单边累计: receipts
 * and payments are totalled separately), each transaction once even if it is given twice, and
 * marks the groups at or above their threshold. Groups are sorted (customer, day, category,
 * currency, direction) so that a report is the same whatever the input order.
 */
export function aggregateDaily(
  transactions: readonly ReportableTransaction[],
  thresholds: Thresholds,
  offsetMinutes: number,
): DailyAggregate[] {
  const seen = new Set<string>();
  const groups = new Map<string, { first: ReportableTransaction; day: string; total: bigint; ids: string[] }>();
  for (const t of transactions) {
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    const day = businessDayOf(t.occurredAt, offsetMinutes);
    const key = [t.customerId, t.customerType, day, categoryOf(t), t.currency, t.direction].join('\u0000');
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { first: t, day, total: t.amountMinor, ids: [t.id] });
    else {
      group.total += t.amountMinor;
      group.ids.push(t.id);
    }
  }
  const out: DailyAggregate[] = [];
  for (const g of groups.values()) {
    const category = categoryOf(g.first);
    const threshold = thresholds[category][g.first.currency] ?? null;
    out.push({
      customerId: g.first.customerId,
      customerType: g.first.customerType,
      businessDay: g.day,
      category,
      currency: g.first.currency,
      direction: g.first.direction,
      totalMinor: g.total,
      transactionIds: [...g.ids].sort(),
      thresholdMinor: threshold,
      reportable: threshold !== null && g.total >= threshold,
    });
  }
  const key = (a: DailyAggregate) => [a.customerId, a.customerType, a.businessDay, a.category, a.currency, a.direction];
  return out.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) {
      const x = ka[i] as string;
      const y = kb[i] as string;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}

/** Non-working days of the reporting calendar: weekends, public holidays, and the weekend days worked instead (调休). */
export interface WorkingCalendar {
  readonly holidays: ReadonlySet<string>;
  readonly workingWeekendDays: ReadonlySet<string>;
}

export function isWorkingDay(day: string, calendar: WorkingCalendar): boolean {
  if (calendar.holidays.has(day)) return false;
  if (calendar.workingWeekendDays.has(day)) return true;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The `n`th working day after `day` (the day itself not counted). */
export function addWorkingDays(day: string, n: number, calendar: WorkingCalendar): string {
  if (!Number.isInteger(n) || n < 0 || n > 366) throw new Error(`addWorkingDays: ${n}`);
  let at = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(at.getTime())) throw new Error(`addWorkingDays: ${day}`);
  let left = n;
  while (left > 0) {
    at = new Date(at.getTime() + 86_400_000);
    if (isWorkingDay(at.toISOString().slice(0, 10), calendar)) left--;
  }
  return at.toISOString().slice(0, 10);
}

/** The instant a local calendar day ends (the deadline "by that day" in the reporting time zone). */
export function endOfLocalDay(day: string, offsetMinutes: number): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000 - offsetMinutes * 60_000);
}

export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}
