import { err, ok, type Result } from '@zhirong/kernel';
import { daysBetween, isCalendarDate } from './schedule.ts';

/**
 * 居民身份证号 (GB 11643-1999): 6-digit region code (GB/T 2260) · birth date YYYYMMDD · 3-digit
 * sequence (odd for men, even for women) · a check character, ISO 7064 MOD 11-2:
 * Σ aᵢ·Wᵢ with Wᵢ = 2^(17−i) mod 11 over the 17 digits, check = (12 − Σ mod 11) mod 11, 10 written X.
 */
export interface ResidentId {
  readonly number: string;
  readonly regionCode: string;
  /** `YYYY-MM-DD` */
  readonly birthDate: string;
  readonly sex: 'M' | 'F';
}

export type ResidentIdError =
  | 'id_number_format'
  | 'id_number_region'
  | 'id_number_birth_date'
  | 'id_number_check_digit';

const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const RESIDENT_CHECK = '10X98765432';
/** First two digits of GB/T 2260 province-level codes (71 Taiwan, 81 Hong Kong, 82 Macao). */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
  64, 65, 71, 81, 82, 83,
]);

/** The ISO 7064 MOD 11-2 check character of 17 digits. */
export function residentCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (RESIDENT_WEIGHTS[i] ?? 0);
  return RESIDENT_CHECK[sum % 11] as string;
}

/**
 * Validates a resident ID number; a lower-case `x` is accepted and normalised. `today` bounds the
 * birth date (no one is born in the future).
 */
export function parseResidentId(text: string, today: string): Result<ResidentId, ResidentIdError> {
  const number = text.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(number)) return err('id_number_format');
  const province = Number(number.slice(0, 2));
  if (!PROVINCES.has(province) || number.slice(2, 6) === '0000') return err('id_number_region');
  const birthDate = `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`;
  if (!isCalendarDate(birthDate) || daysBetween(birthDate, today) < 0) return err('id_number_birth_date');
  if (residentCheckCharacter(number.slice(0, 17)) !== number[17]) return err('id_number_check_digit');
  return ok({
    number,
    regionCode: number.slice(0, 6),
    birthDate,
    sex: (number.charCodeAt(16) - 48) % 2 === 1 ? 'M' : 'F',
  });
}

/** Age in whole years on `today` (a birthday on Feb 29 falls on Mar 1 in other years). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age -= 1;
  return age;
}

/**
 * 统一社会信用代码 (GB 32100-2015): registration authority (1) · organisation category (1) ·
 * region code (6) · organisation code (9) · check character (1), over the 31 characters
 * `0-9 A-H J-N P-R T U W-Y` (no I, O, S, V, Z). Check = 31 − (Σ cᵢ·3^i mod 31) mod 31.
 */
export type CreditCodeError = 'credit_code_format' | 'credit_code_check_digit';

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** The GB 32100 check character of the first 17 characters. */
export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(first17[i] as string) * (CREDIT_WEIGHTS[i] ?? 0);
  return CREDIT_CHARS[(31 - (sum % 31)) % 31] as string;
}

/** Validates a unified social credit code; returns it upper-cased. */
export function parseCreditCode(text: string): Result<string, CreditCodeError> {
  const code = text.trim().toUpperCase();
  if (!/^[1-9ANY][1-9]\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$/.test(code)) return err('credit_code_format');
  if (creditCodeCheckCharacter(code.slice(0, 17)) !== code[17]) return err('credit_code_check_digit');
  return ok(code);
}
