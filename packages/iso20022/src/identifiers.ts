/**
 * Account and institution identifiers: IBAN (ISO 13616, checked with the mod-97 check digits and
 * the country's registered length) and BIC (ISO 9362:2014), and the ISO 3166 country codes both use.
 */

/**
 * ISO 3166-1 alpha-2 codes, plus XK (Kosovo), which the IBAN registry and SWIFT use. Written out
 * here because the kernel has no country table and these codes are needed only by ISO 20022.
 */
const COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO ' +
    'JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
    'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO ' +
    'RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV ' +
    'TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW'
  ).split(' '),
);

/** Whether `code` is an ISO 3166-1 alpha-2 country code (upper case). */
export function isCountryCode(code: string): boolean {
  return COUNTRIES.has(code);
}

/**
 * IBAN length per country, from the SWIFT IBAN registry (ISO 13616). Territories that use another
 * country's IBAN (French overseas departments use FR, the Channel Islands use GB) are not listed.
 */
const IBAN_LENGTHS: ReadonlyMap<string, number> = new Map(
  (
    'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 ' +
    'ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 ' +
    'LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 ' +
    'QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30'
  )
    .split(' ')
    .map((entry) => [entry.slice(0, 2), Number(entry.slice(2))] as const),
);

/** The registered IBAN length of a country, or undefined when the country has no IBAN. */
export function ibanLength(country: string): number | undefined {
  return IBAN_LENGTHS.get(country);
}

export type IbanProblem = 'iban_format' | 'iban_country_unknown' | 'iban_length' | 'iban_check_digit';

const UPPER_A = 'A'.charCodeAt(0);
const DIGIT_0 = '0'.charCodeAt(0);

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_0 + 9;
}
function isUpper(c: number): boolean {
  return c >= UPPER_A && c <= UPPER_A + 25;
}

/** ISO 7064 MOD 97-10 over the rearranged IBAN; 1 for a valid IBAN. Letters count as 10..35. */
function ibanRemainder(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (isDigit(c)) remainder = (remainder * 10 + (c - DIGIT_0)) % 97;
    else remainder = (remainder * 100 + (c - UPPER_A + 10)) % 97;
  }
  return remainder;
}

/**
 * Why an IBAN in electronic form (no spaces, upper case letters) is not valid, or undefined when it
 * is. The XML schema type IBAN2007Identifier allows lower case in the account part; ISO 13616 says
 * the electronic form is upper case, so lower case is a format error here too.
 */
export function ibanProblem(iban: string): IbanProblem | undefined {
  if (iban.length < 5 || iban.length > 34) return 'iban_format';
  for (let i = 0; i < iban.length; i++) {
    const c = iban.charCodeAt(i);
    const ok = i < 2 ? isUpper(c) : i < 4 ? isDigit(c) : isDigit(c) || isUpper(c);
    if (!ok) return 'iban_format';
  }
  const expected = IBAN_LENGTHS.get(iban.slice(0, 2));
  if (expected === undefined) return 'iban_country_unknown';
  if (iban.length !== expected) return 'iban_length';
  if (ibanRemainder(iban) !== 1) return 'iban_check_digit';
  return undefined;
}

/** True for a valid IBAN in electronic form: registered country, its length, and mod-97 check digits. */
export function validateIban(iban: string): boolean {
  return ibanProblem(iban) === undefined;
}

/** The two check digits that make `country + '00' + bban` a valid IBAN (for building test data). */
export function ibanCheckDigits(country: string, bban: string): string {
  const check = 98 - ibanRemainder(`${country}00${bban}`);
  return check.toString().padStart(2, '0');
}

export type BicProblem = 'bic_format' | 'bic_country_unknown';

function isAlphanumeric(c: number): boolean {
  return isDigit(c) || isUpper(c);
}

/**
 * Why a BIC is not valid, or undefined. ISO 9362:2014: a 4-character party prefix (letters or
 * digits), a 2-letter ISO 3166 country code, a 2-character party suffix (location), and an optional
 * 3-character branch code; 8 or 11 characters, upper case.
 */
export function bicProblem(bic: string): BicProblem | undefined {
  if (bic.length !== 8 && bic.length !== 11) return 'bic_format';
  for (let i = 0; i < bic.length; i++) {
    const c = bic.charCodeAt(i);
    const ok = i === 4 || i === 5 ? isUpper(c) : isAlphanumeric(c);
    if (!ok) return 'bic_format';
  }
  if (!isCountryCode(bic.slice(4, 6))) return 'bic_country_unknown';
  return undefined;
}

/** True for a well-formed BIC (ISO 9362) with a real country code. */
export function validateBic(bic: string): boolean {
  return bicProblem(bic) === undefined;
}
