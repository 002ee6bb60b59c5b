import { findCurrency, findCurrencyByNumeric, formatAmount, parseAmount } from '@zhirong/kernel';

/**
 * EMV® QR Code Specification for Payment Systems (EMV QRCPS), merchant-presented mode: the payload
 * is a string of data objects, each `ID (2 digits) · length (2 digits) · value`, where the length
 * counts characters (not bytes: the spec's own example carries Chinese names). Templates (IDs 26–51
 * for merchant account information, 62 additional data, 64 language template, 80–99 unreserved)
 * hold data objects of their own. The payload ends with ID 63, a CRC-16/CCITT-FALSE (polynomial
 * 0x1021, initial value 0xFFFF, no reflection, no final XOR) over the UTF-8 bytes of everything
 * before its value, including the "6304" of the CRC object itself, written as 4 upper-case hex digits.
 *
 * Written here rather than taken from a library: the format is small, the libraries on npm either
 * count lengths in bytes or stop at the first error without a position, and the errors we return
 * (position and tag of what is wrong) are part of the API.
 */

/** One data object as read from a payload; `position` is the character offset of its ID. */
export interface QrDataObject {
  readonly tag: string;
  readonly value: string;
  readonly position: number;
  readonly children?: readonly QrDataObject[];
}

export type QrErrorCode =
  | 'qr_tlv_malformed'
  | 'qr_crc_missing'
  | 'qr_crc_mismatch'
  | 'qr_field_missing'
  | 'qr_field_invalid'
  | 'qr_tag_duplicate';

/** A precise refusal: what is wrong, at which character, in which data object. */
export interface QrError {
  readonly code: QrErrorCode;
  /** Character offset in the payload where the problem starts. */
  readonly position: number;
  /** ID of the data object concerned (`62.05` for a sub-object of a template). */
  readonly tag?: string;
  readonly message: string;
}

export interface MerchantAccountInfo {
  /** 02–51. 02–25 are reserved for card schemes (a primitive value); 26–51 are templates. */
  readonly tag: string;
  /** Sub-object 00 of a template: the globally unique identifier of the payment network. */
  readonly guid?: string;
  /** The template's sub-objects by ID (00 included), or `{ value }` for a primitive 02–25. */
  readonly fields: Readonly<Record<string, string>>;
}

export const ADDITIONAL_DATA_FIELDS = {
  '01': 'billNumber',
  '02': 'mobileNumber',
  '03': 'storeLabel',
  '04': 'loyaltyNumber',
  '05': 'referenceLabel',
  '06': 'customerLabel',
  '07': 'terminalLabel',
  '08': 'purposeOfTransaction',
  '09': 'additionalConsumerDataRequest',
} as const;
type AdditionalDataName = (typeof ADDITIONAL_DATA_FIELDS)[keyof typeof ADDITIONAL_DATA_FIELDS];
export type AdditionalData = Partial<Record<AdditionalDataName, string>>;

/** A decoded merchant-presented QR payload. */
export interface MerchantQr {
  /** `static` (11: the payer enters the amount) or `dynamic` (12: one transaction). */
  readonly pointOfInitiation?: 'static' | 'dynamic';
  readonly merchantAccounts: readonly MerchantAccountInfo[];
  /** ISO 18245 merchant category code, 4 digits. */
  readonly merchantCategoryCode: string;
  /** ISO 4217 alphabetic code, from the numeric code in ID 53. */
  readonly currency: string;
  readonly currencyNumeric: string;
  /** ID 54, exact minor units; absent when the payer enters the amount. */
  readonly amountMinor?: bigint;
  /** ID 55: 01 the app prompts for a tip, 02 fixed convenience fee (56), 03 percentage (57). */
  readonly tipIndicator?: string;
  readonly convenienceFeeFixed?: string;
  readonly convenienceFeePercentage?: string;
  /** ISO 3166-1 alpha-2. */
  readonly countryCode: string;
  readonly merchantName: string;
  readonly merchantCity: string;
  readonly postalCode?: string;
  readonly additionalData?: AdditionalData;
  /** ID 64: merchant name and city in another language. */
  readonly alternateLanguage?: { language: string; merchantName: string; merchantCity?: string };
  readonly crc: string;
  /** Every top-level data object, in payload order (unreserved templates 80–99 included). */
  readonly objects: readonly QrDataObject[];
}

export type QrParseResult =
  | { readonly ok: true; readonly qr: MerchantQr }
  | { readonly ok: false; readonly error: QrError };

const encoder = new TextEncoder();

/** CRC-16/CCITT-FALSE of bytes (check value of "123456789" is 0x29B1). */
export function crc16CcittFalse(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/** The CRC value of ID 63 for a payload prefix ending with "6304": 4 upper-case hex digits. */
export function emvCrc(prefixWithCrcTag: string): string {
  return crc16CcittFalse(encoder.encode(prefixWithCrcTag)).toString(16).toUpperCase().padStart(4, '0');
}

/** Payload sizes are small: a QR code holds at most a few thousand characters. */
export const QR_PAYLOAD_LENGTH_MAX = 4096;

const TEMPLATE_TAGS = (tag: number) => (tag >= 26 && tag <= 51) || tag === 62 || tag === 64 || tag >= 80;

/**
 * Reads data objects from `text[start, end)`. `prefix` names the enclosing template in tags
 * (`62.` for sub-objects of 62). Positions are offsets in the whole payload.
 */
function readObjects(
  chars: readonly string[],
  start: number,
  end: number,
  prefix: string,
): { ok: true; objects: QrDataObject[] } | { ok: false; error: QrError } {
  const objects: QrDataObject[] = [];
  const seen = new Set<string>();
  let at = start;
  while (at < end) {
    if (end - at < 4) {
      return malformed(
        at,
        undefined,
        `a data object needs a 2-digit ID and a 2-digit length; ${end - at} character(s) left`,
      );
    }
    const id = chars.slice(at, at + 2).join('');
    const lengthText = chars.slice(at + 2, at + 4).join('');
    const tag = `${prefix}${id}`;
    if (!/^\d\d$/.test(id)) return malformed(at, undefined, `the ID "${id}" at position ${at} is not two digits`);
    if (!/^\d\d$/.test(lengthText)) {
      return malformed(at + 2, tag, `the length "${lengthText}" of ID ${tag} at position ${at + 2} is not two digits`);
    }
    const length = Number(lengthText);
    if (length === 0)
      return malformed(at + 2, tag, `ID ${tag} at position ${at} has length 00; a present object has a value`);
    if (at + 4 + length > end) {
      return malformed(
        at + 2,
        tag,
        `ID ${tag} at position ${at} declares ${length} character(s) but only ${end - at - 4} remain${prefix ? ` in template ${prefix.slice(0, -1)}` : ''}`,
      );
    }
    if (seen.has(id)) {
      return {
        ok: false,
        error: {
          code: 'qr_tag_duplicate',
          position: at,
          tag,
          message: `ID ${tag} appears twice (again at position ${at})`,
        },
      };
    }
    seen.add(id);
    const value = chars.slice(at + 4, at + 4 + length).join('');
    let children: QrDataObject[] | undefined;
    if (prefix === '' && TEMPLATE_TAGS(Number(id))) {
      const inner = readObjects(chars, at + 4, at + 4 + length, `${id}.`);
      if (!inner.ok) return inner;
      children = inner.objects;
    }
    objects.push({ tag: id, value, position: at, ...(children ? { children } : {}) });
    at += 4 + length;
  }
  return { ok: true, objects };
}

function malformed(position: number, tag: string | undefined, message: string): { ok: false; error: QrError } {
  return { ok: false, error: { code: 'qr_tlv_malformed', position, ...(tag ? { tag } : {}), message } };
}

function invalid(object: QrDataObject, tag: string, message: string): { ok: false; error: QrError } {
  return { ok: false, error: { code: 'qr_field_invalid', position: object.position, tag, message } };
}

/** The "Alphanumeric Special" character set of the spec: printable ASCII. */
const ANS = /^[\x20-\x7e]*$/;

/** Parses and validates a merchant-presented payload; the first problem found is returned with its position. */
export function parseMerchantQr(payload: string): QrParseResult {
  if (typeof payload !== 'string' || payload.length === 0) {
    return { ok: false, error: { code: 'qr_tlv_malformed', position: 0, message: 'the payload is empty' } };
  }
  if (payload.length > QR_PAYLOAD_LENGTH_MAX) {
    return {
      ok: false,
      error: {
        code: 'qr_tlv_malformed',
        position: QR_PAYLOAD_LENGTH_MAX,
        message: `the payload is longer than ${QR_PAYLOAD_LENGTH_MAX} characters`,
      },
    };
  }
  // Lengths count characters (code points), so index by code point, not by UTF-16 unit.
  const chars = Array.from(payload);
  const read = readObjects(chars, 0, chars.length, '');
  if (!read.ok) return read;
  const objects = read.objects;
  const first = objects[0];
  if (first?.tag !== '00') {
    return {
      ok: false,
      error: {
        code: 'qr_field_missing',
        position: 0,
        tag: '00',
        message: 'the payload must begin with ID 00 (payload format indicator)',
      },
    };
  }
  if (first.value !== '01') return invalid(first, '00', `payload format indicator must be "01", not "${first.value}"`);
  const last = objects.at(-1);
  if (last?.tag !== '63') {
    const crcObject = objects.find((o) => o.tag === '63');
    if (crcObject) {
      return invalid(
        crcObject,
        '63',
        `the CRC (ID 63) must be the last data object; found at position ${crcObject.position}`,
      );
    }
    return {
      ok: false,
      error: {
        code: 'qr_crc_missing',
        position: chars.length,
        tag: '63',
        message: 'the payload has no CRC (ID 63) at its end',
      },
    };
  }
  if (!/^[0-9A-Fa-f]{4}$/.test(last.value)) {
    return invalid(last, '63', `the CRC must be 4 hexadecimal digits, not "${last.value}"`);
  }
  const expected = emvCrc(chars.slice(0, last.position + 4).join(''));
  if (expected !== last.value.toUpperCase()) {
    return {
      ok: false,
      error: {
        code: 'qr_crc_mismatch',
        position: last.position + 4,
        tag: '63',
        message: `CRC mismatch: the payload says ${last.value.toUpperCase()}, its content gives ${expected}`,
      },
    };
  }
  const byTag = new Map(objects.map((o) => [o.tag, o]));
  const need = (tag: string, name: string): QrDataObject | { ok: false; error: QrError } => {
    const object = byTag.get(tag);
    if (object) return object;
    return {
      ok: false,
      error: { code: 'qr_field_missing', position: 0, tag, message: `ID ${tag} (${name}) is required` },
    };
  };
  for (const o of objects) {
    if (o.tag !== '64' && !o.children && !ANS.test(o.value)) {
      return invalid(o, o.tag, `ID ${o.tag} must hold printable ASCII characters only`);
    }
  }

  let pointOfInitiation: 'static' | 'dynamic' | undefined;
  const poi = byTag.get('01');
  if (poi) {
    if (poi.value !== '11' && poi.value !== '12')
      return invalid(poi, '01', `point of initiation must be 11 or 12, not "${poi.value}"`);
    pointOfInitiation = poi.value === '11' ? 'static' : 'dynamic';
  }

  const merchantAccounts: MerchantAccountInfo[] = [];
  for (const o of objects) {
    const n = Number(o.tag);
    if (n < 2 || n > 51) continue;
    if (o.children) {
      const fields = Object.fromEntries(o.children.map((c) => [c.tag, c.value]));
      merchantAccounts.push({ tag: o.tag, ...(fields['00'] ? { guid: fields['00'] } : {}), fields });
    } else {
      merchantAccounts.push({ tag: o.tag, fields: { value: o.value } });
    }
  }
  if (merchantAccounts.length === 0) {
    return {
      ok: false,
      error: {
        code: 'qr_field_missing',
        position: 0,
        tag: '26',
        message: 'at least one merchant account information object (IDs 02–51) is required',
      },
    };
  }

  const mcc = need('52', 'merchant category code');
  if ('ok' in mcc) return mcc;
  if (!/^\d{4}$/.test(mcc.value))
    return invalid(mcc, '52', `the merchant category code must be 4 digits, not "${mcc.value}"`);

  const currencyObject = need('53', 'transaction currency');
  if ('ok' in currencyObject) return currencyObject;
  const currency = /^\d{3}$/.test(currencyObject.value) ? findCurrencyByNumeric(currencyObject.value) : undefined;
  if (!currency) {
    return invalid(
      currencyObject,
      '53',
      `the currency must be a known ISO 4217 numeric code, not "${currencyObject.value}"`,
    );
  }

  let amountMinor: bigint | undefined;
  const amountObject = byTag.get('54');
  if (amountObject) {
    if (amountObject.value.length > 13) return invalid(amountObject, '54', 'the amount has more than 13 characters');
    const parsed = parseAmount(amountObject.value, currency.code);
    if (!parsed.ok) {
      return invalid(
        amountObject,
        '54',
        `the amount "${amountObject.value}" is not a positive ${currency.code} amount (${parsed.code})`,
      );
    }
    amountMinor = parsed.value;
  }

  const tip = byTag.get('55');
  if (tip && !['01', '02', '03'].includes(tip.value))
    return invalid(tip, '55', `the tip indicator must be 01, 02 or 03, not "${tip.value}"`);
  const feeFixed = byTag.get('56');
  const feePercentage = byTag.get('57');
  if (feeFixed && tip?.value !== '02')
    return invalid(feeFixed, '56', 'a fixed convenience fee (56) needs tip indicator 02');
  if (feePercentage && tip?.value !== '03')
    return invalid(feePercentage, '57', 'a percentage convenience fee (57) needs tip indicator 03');
  if (tip?.value === '02' && !feeFixed)
    return invalid(tip, '55', 'tip indicator 02 needs a fixed convenience fee (56)');
  if (tip?.value === '03' && !feePercentage)
    return invalid(tip, '55', 'tip indicator 03 needs a percentage convenience fee (57)');

  const country = need('58', 'country code');
  if ('ok' in country) return country;
  if (!/^[A-Z]{2}$/.test(country.value))
    return invalid(country, '58', `the country code must be 2 upper-case letters (ISO 3166-1), not "${country.value}"`);
  const name = need('59', 'merchant name');
  if ('ok' in name) return name;
  if (name.value.length > 25) return invalid(name, '59', 'the merchant name has more than 25 characters');
  const city = need('60', 'merchant city');
  if ('ok' in city) return city;
  if (city.value.length > 15) return invalid(city, '60', 'the merchant city has more than 15 characters');
  const postal = byTag.get('61');

  let additionalData: AdditionalData | undefined;
  const additional = byTag.get('62');
  if (additional?.children) {
    const data: Record<string, string> = {};
    for (const c of additional.children) {
      const fieldName = ADDITIONAL_DATA_FIELDS[c.tag as keyof typeof ADDITIONAL_DATA_FIELDS];
      if (fieldName) data[fieldName] = c.value;
    }
    additionalData = data;
  }

  let alternateLanguage: MerchantQr['alternateLanguage'];
  const language = byTag.get('64');
  if (language?.children) {
    const fields = Object.fromEntries(language.children.map((c) => [c.tag, c.value]));
    if (!fields['00'] || !fields['01']) {
      return invalid(language, '64', 'the language template needs a language preference (00) and a merchant name (01)');
    }
    alternateLanguage = {
      language: fields['00'],
      merchantName: fields['01'],
      ...(fields['02'] ? { merchantCity: fields['02'] } : {}),
    };
  }

  return {
    ok: true,
    qr: {
      ...(pointOfInitiation ? { pointOfInitiation } : {}),
      merchantAccounts,
      merchantCategoryCode: mcc.value,
      currency: currency.code,
      currencyNumeric: currency.numeric,
      ...(amountMinor === undefined ? {} : { amountMinor }),
      ...(tip ? { tipIndicator: tip.value } : {}),
      ...(feeFixed ? { convenienceFeeFixed: feeFixed.value } : {}),
      ...(feePercentage ? { convenienceFeePercentage: feePercentage.value } : {}),
      countryCode: country.value,
      merchantName: name.value,
      merchantCity: city.value,
      ...(postal ? { postalCode: postal.value } : {}),
      ...(additionalData ? { additionalData } : {}),
      ...(alternateLanguage ? { alternateLanguage } : {}),
      crc: last.value.toUpperCase(),
      objects,
    },
  };
}

export interface MerchantQrInput {
  /** Template 26–51: the network's GUID (sub-object 00) and its other sub-objects by ID. */
  readonly merchantAccount: {
    readonly tag?: string;
    readonly guid: string;
    readonly fields?: Readonly<Record<string, string>>;
  };
  readonly merchantCategoryCode: string;
  readonly currency: string;
  /** With an amount the code is dynamic (12, one payment); without, static (11). */
  readonly amountMinor?: bigint;
  readonly countryCode: string;
  readonly merchantName: string;
  readonly merchantCity: string;
  readonly postalCode?: string;
  readonly additionalData?: AdditionalData;
  readonly alternateLanguage?: { language: string; merchantName: string; merchantCity?: string };
}

/** Thrown by `buildMerchantQr` for input that cannot be encoded; the message names the field. */
export class QrBuildError extends Error {
  override readonly name = 'QrBuildError';
  constructor(
    readonly tag: string,
    message: string,
  ) {
    super(message);
  }
}

function tlv(tag: string, value: string): string {
  const length = Array.from(value).length;
  if (length === 0 || length > 99) throw new QrBuildError(tag, `ID ${tag} must hold 1 to 99 characters, not ${length}`);
  return `${tag}${String(length).padStart(2, '0')}${value}`;
}

/** Encodes a merchant-presented payload with its CRC; the result parses back to the same fields. */
export function buildMerchantQr(input: MerchantQrInput): string {
  const currency = findCurrency(input.currency);
  if (!currency) throw new QrBuildError('53', `unknown currency ${input.currency}`);
  const accountTag = input.merchantAccount.tag ?? '26';
  if (!/^\d\d$/.test(accountTag) || Number(accountTag) < 26 || Number(accountTag) > 51) {
    throw new QrBuildError(accountTag, 'a merchant account template has an ID from 26 to 51');
  }
  if (!/^\d{4}$/.test(input.merchantCategoryCode))
    throw new QrBuildError('52', 'the merchant category code must be 4 digits');
  if (!/^[A-Z]{2}$/.test(input.countryCode))
    throw new QrBuildError('58', 'the country code must be 2 upper-case letters');
  for (const [tag, text, max] of [
    ['59', input.merchantName, 25],
    ['60', input.merchantCity, 15],
  ] as const) {
    if (!ANS.test(text) || text.length === 0 || text.length > max) {
      throw new QrBuildError(tag, `ID ${tag} must be 1 to ${max} printable ASCII characters`);
    }
  }
  const subObjects = Object.entries(input.merchantAccount.fields ?? {})
    .filter(([id]) => id !== '00')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, value]) => tlv(id, value))
    .join('');
  let body = tlv('00', '01');
  body += tlv('01', input.amountMinor === undefined ? '11' : '12');
  body += tlv(accountTag, tlv('00', input.merchantAccount.guid) + subObjects);
  body += tlv('52', input.merchantCategoryCode);
  body += tlv('53', currency.numeric);
  if (input.amountMinor !== undefined) {
    if (input.amountMinor <= 0n) throw new QrBuildError('54', 'the amount must be positive');
    const amount = formatAmount(input.amountMinor, currency.code);
    if (amount.length > 13) throw new QrBuildError('54', 'the amount has more than 13 characters');
    body += tlv('54', amount);
  }
  body += tlv('58', input.countryCode);
  body += tlv('59', input.merchantName);
  body += tlv('60', input.merchantCity);
  if (input.postalCode) body += tlv('61', input.postalCode);
  if (input.additionalData) {
    const ids = Object.entries(ADDITIONAL_DATA_FIELDS);
    const inner = ids
      .map(([id, field]) => {
        const value = input.additionalData?.[field];
        return value === undefined ? '' : tlv(id, value);
      })
      .join('');
    if (inner) body += tlv('62', inner);
  }
  if (input.alternateLanguage) {
    const l = input.alternateLanguage;
    body += tlv(
      '64',
      tlv('00', l.language) + tlv('01', l.merchantName) + (l.merchantCity ? tlv('02', l.merchantCity) : ''),
    );
  }
  const withCrcTag = `${body}6304`;
  return `${withCrcTag}${emvCrc(withCrcTag)}`;
}
