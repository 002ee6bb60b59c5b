import type { Locale } from './i18n.tsx';

/**
 * Locale formatting of what the API sends. Amounts arrive as exact decimal strings ("1234.50")
 * and are formatted from the string — Intl.NumberFormat formats a decimal string exactly (ES2023
 * Intl.NumberFormat v3) — so an amount is never a JavaScript float on its way to the screen.
 */
const DECIMAL = /^-?\d+(\.\d+)?$/;
const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

/** Digits after the point in `amount`. */
function fractionDigits(amount: string): number {
  const point = amount.indexOf('.');
  return point < 0 ? 0 : amount.length - point - 1;
}

/**
 * `formatMoney("1234567.80", "CNY", "zh-CN")` → "¥1,234,567.80". Keeps every digit the API sent
 * (at most the currency's minor digits). A malformed string is shown as it came, never guessed at.
 */
export function formatMoney(amount: string, currency: string, locale: Locale): string {
  if (!DECIMAL.test(amount)) return `${amount} ${currency}`;
  const digits = fractionDigits(amount);
  try {
    return numberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: Math.max(digits, 0),
    }).format(amount as Intl.StringNumericLiteral);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** An exact decimal string with grouping, without a currency symbol. */
export function formatDecimal(amount: string, locale: Locale): string {
  if (!DECIMAL.test(amount)) return amount;
  const digits = fractionDigits(amount);
  return numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    amount as Intl.StringNumericLiteral,
  );
}

/** A count (accounts, transfers). */
export function formatCount(value: number, locale: Locale): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** An ISO instant in the institution's time zone, e.g. "2026/1/5 14:03:09" or "Jan 5, 2026, 2:03:09 PM". */
export function formatDateTime(iso: string, locale: Locale, timeZone: string, style: 'full' | 'time' = 'full'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const key = `${locale}|${timeZone}|${style}`;
  let format = dateFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(
      locale,
      style === 'full'
        ? { dateStyle: 'medium', timeStyle: 'medium', timeZone }
        : { hour: '2-digit', minute: '2-digit', timeZone, hourCycle: 'h23' },
    );
    dateFormats.set(key, format);
  }
  return format.format(date);
}

/** True for a negative decimal string ("-0.00" is not negative). */
export function isNegative(amount: string): boolean {
  return amount.startsWith('-') && /[1-9]/.test(amount);
}

/**
 * A decimal string as a number for *plotting only* (a chart's y position): the labels a chart
 * shows are always the exact strings. Precision loss above 2^53 minor units moves a point by less
 * than a pixel.
 */
export function plotValue(amount: string): number {
  return DECIMAL.test(amount) ? Number(amount) : 0;
}

/** The UTC instant (ISO) at which the calendar day `day` (YYYY-MM-DD) starts in `timeZone`. */
export function startOfDayIso(day: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match === null) return undefined;
  const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // The zone's offset at that wall time, found twice so a DST change near midnight settles.
  let instant = wall - zoneOffsetMs(wall, timeZone);
  instant = wall - zoneOffsetMs(instant, timeZone);
  return new Date(instant).toISOString();
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone`'s wall clock is ahead of UTC at instant `ms`. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormats.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - (ms - (ms % 1000));
}
