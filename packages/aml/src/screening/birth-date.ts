import type { BirthDate } from './match.ts';

/** Earliest and latest birth years accepted. */
export const BIRTH_YEAR_MIN = 1800;
export const BIRTH_YEAR_MAX = 2200;

const FULL = /^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})$/;
const YEAR_MONTH = /^(\d{4})[-/.](\d{1,2})$/;
const YEAR = /^(\d{4})$/;
const DAY_FIRST = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/;

function valid(year: number, month?: number, day?: number): boolean {
  if (!Number.isInteger(year) || year < BIRTH_YEAR_MIN || year > BIRTH_YEAR_MAX) return false;
  if (month !== undefined && (month < 1 || month > 12)) return false;
  if (day !== undefined) {
    if (month === undefined || day < 1) return false;
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (day > days) return false;
  }
  return true;
}

/**
 * Reads a date of birth: `YYYY-MM-DD` (also with `/` or `.`, or `YYYYMMDD`), `DD.MM.YYYY`, `YYYY-MM`
 * or `YYYY`. Empty text is `undefined`; anything else unreadable is `null`.
 */
export function parseBirthDate(text: string | undefined): BirthDate | undefined | null {
  const t = (text ?? '').trim();
  if (t.length === 0) return undefined;
  let m = FULL.exec(t);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return valid(y, mo, d) ? { year: y, month: mo, day: d } : null;
  }
  m = DAY_FIRST.exec(t);
  if (m) {
    const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return valid(y, mo, d) ? { year: y, month: mo, day: d } : null;
  }
  m = YEAR_MONTH.exec(t);
  if (m) {
    const [y, mo] = [Number(m[1]), Number(m[2])];
    return valid(y, mo) ? { year: y, month: mo } : null;
  }
  m = YEAR.exec(t);
  if (m) {
    const y = Number(m[1]);
    return valid(y) ? { year: y } : null;
  }
  return null;
}

/** `1980-03-07`, `1980-03` or `1980`. */
export function formatBirthDate(date: BirthDate): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  if (date.month === undefined) return String(date.year);
  if (date.day === undefined) return `${date.year}-${pad(date.month)}`;
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}
