/**
 * 居民身份证号 — the 18-character resident identity number of GB 11643-1999:
 * 6-digit administrative region code (GB/T 2260) · 8-digit birth date YYYYMMDD · 3-digit sequence
 * (odd for men, even for women) · 1 check character computed with ISO 7064 MOD 11-2.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('a resident id body is 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] as string;
}

export interface ResidentIdParts {
  readonly regionCode: string;
  /** YYYYMMDD */
  readonly birthDate: string;
  readonly sex: 'M' | 'F';
}

/** Builds an id; `sequence` is 0–499 and becomes an odd (man) or even (woman) 3-digit number. */
export function makeResidentId(parts: ResidentIdParts, sequence: number): string {
  if (!/^[1-8]\d{5}$/.test(parts.regionCode)) throw new Error(`bad region code ${parts.regionCode}`);
  if (!/^\d{8}$/.test(parts.birthDate)) throw new Error(`bad birth date ${parts.birthDate}`);
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 499) throw new Error('sequence is 0–499');
  const number = sequence * 2 + (parts.sex === 'M' ? 1 : 0);
  const body = `${parts.regionCode}${parts.birthDate}${String(number).padStart(3, '0')}`;
  return body + residentIdCheckChar(body);
}

/** Checks the format, the birth date and the check character; returns the parts or undefined. */
export function parseResidentId(text: string): ResidentIdParts | undefined {
  if (!/^[1-8]\d{16}[\dX]$/.test(text)) return undefined;
  if (residentIdCheckChar(text.slice(0, 17)) !== text[17]) return undefined;
  const birthDate = text.slice(6, 14);
  const year = Number(birthDate.slice(0, 4));
  const month = Number(birthDate.slice(4, 6));
  const day = Number(birthDate.slice(6, 8));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  const sex = (text.charCodeAt(16) - 48) % 2 === 1 ? 'M' : 'F';
  return { regionCode: text.slice(0, 6), birthDate, sex };
}
