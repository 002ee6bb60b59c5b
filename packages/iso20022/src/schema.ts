import { AMOUNT_MAX_MINOR, findCurrency, interpolate } from '@zhirong/kernel';
import { parseDecimal } from './decimal.ts';
import { type Iso20022ErrorCode, iso20022Errors } from './errors.ts';
import { bicProblem, ibanLength, ibanProblem, isCountryCode } from './identifiers.ts';
import type { XmlElement } from './xml.ts';

/**
 * A small schema engine for ISO 20022 message definitions. The message definitions (in
 * `definitions.ts`) are written in a compact notation taken from the published XSDs:
 *
 *   seq('MsgId:Max35Text CreDtTm:ISODateTime Authstn:Authorisation{0,2} NbOfTxs:Max15NumericText …')
 *   choice('IBAN:IBAN Othr:GenericAccountIdentification')
 *
 * Each token is `ElementName:TypeName` plus a cardinality: none = exactly one, `?` = optional,
 * `*` = any number, `+` = at least one, `{m,n}` = m to n. A type name is a complex type of the same
 * registry, a built-in simple type below, `Max<N>Text`, or an inline code list `=CODE|CODE|…`.
 * The validator walks the element tree once and reports every problem with its element path.
 */

/** One validation problem, located by its element path, with its message in both languages. */
export interface Iso20022Error {
  /** e.g. /Document/CstmrCdtTrfInitn/PmtInf[0]/CdtTrfTxInf[2]/Amt/InstdAmt */
  readonly path: string;
  /** Stable code from the iso20022 error catalog, e.g. iban_check_digit. */
  readonly code: string;
  readonly message: string;
  readonly messageZh: string;
}

/**
 * Where an element sits, as a chain to its parent: rendered to a string only when an error needs
 * it, so validating a 10,000-transaction message does not build 400,000 path strings.
 */
export interface PathRef {
  readonly parent: PathRef | undefined;
  readonly name: string;
  /** Occurrence index for repeatable elements, else -1. */
  readonly index: number;
}

export function renderPath(ref: PathRef | string): string {
  if (typeof ref === 'string') return ref;
  const parts: string[] = [];
  for (let at: PathRef | undefined = ref; at !== undefined; at = at.parent)
    parts.push(at.index >= 0 ? `${at.name}[${at.index}]` : at.name);
  return `/${parts.reverse().join('/')}`;
}

export function issue(
  code: Iso20022ErrorCode,
  where: PathRef | string,
  params: Readonly<Record<string, unknown>> = {},
): Iso20022Error {
  const path = renderPath(where);
  const definition = iso20022Errors[code];
  const element = params.element ?? lastSegment(path);
  const all = { ...params, element };
  return {
    path,
    code,
    message: interpolate(definition.en, all),
    messageZh: interpolate(definition.zh, all),
  };
}

function lastSegment(path: string): string {
  const slash = path.lastIndexOf('/');
  const segment = path.slice(slash + 1);
  const bracket = segment.indexOf('[');
  return bracket < 0 ? segment : segment.slice(0, bracket);
}

export interface Field {
  readonly name: string;
  readonly type: string;
  readonly min: number;
  readonly max: number;
}

export type TypeDefinition =
  | { readonly kind: 'sequence'; readonly fields: readonly Field[]; readonly index: ReadonlyMap<string, number> }
  | { readonly kind: 'choice'; readonly fields: readonly Field[]; readonly index: ReadonlyMap<string, number> }
  /** Content this library does not model (tax, garnishment, card data, supplementary data): accepted as is. */
  | { readonly kind: 'any' }
  /** Versions differ in shape (a code vs a Cd/Prtry choice): `pick` chooses the type for an element. */
  | { readonly kind: 'switch'; readonly pick: (element: XmlElement) => string };

export type Registry = Readonly<Record<string, TypeDefinition>>;

const TOKEN = /^([A-Za-z0-9]+):([A-Za-z0-9=|]+?)(\?|\*|\+|\{(\d+),(\d+|n)\})?$/;

function fields(spec: string): Field[] {
  return spec
    .split(/\s+/)
    .filter((token) => token !== '')
    .map((token) => {
      const match = TOKEN.exec(token);
      if (match === null) throw new Error(`bad schema token ${token}`);
      const [, name = '', type = '', card, low, high] = match;
      let [min, max] = [1, 1];
      if (card === '?') [min, max] = [0, 1];
      else if (card === '*') [min, max] = [0, Number.POSITIVE_INFINITY];
      else if (card === '+') [min, max] = [1, Number.POSITIVE_INFINITY];
      else if (card !== undefined) [min, max] = [Number(low), high === 'n' ? Number.POSITIVE_INFINITY : Number(high)];
      return { name, type, min, max };
    });
}

function indexed(list: Field[]): ReadonlyMap<string, number> {
  const index = new Map<string, number>();
  list.forEach((field, i) => {
    if (index.has(field.name)) throw new Error(`duplicate element ${field.name} in one type`);
    index.set(field.name, i);
  });
  return index;
}

export function seq(spec: string): TypeDefinition {
  const list = fields(spec);
  return { kind: 'sequence', fields: list, index: indexed(list) };
}

export function choice(spec: string): TypeDefinition {
  const list = fields(spec);
  return { kind: 'choice', fields: list, index: indexed(list) };
}

export const ANY: TypeDefinition = { kind: 'any' };

export function pick(chooser: (element: XmlElement) => string): TypeDefinition {
  return { kind: 'switch', pick: chooser };
}

// ---------------------------------------------------------------------------------------------
// Simple types

type SimpleCheck = (value: string, element: XmlElement, path: PathRef, errors: Iso20022Error[]) => void;

const DIGITS = /^[0-9]+$/;
const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$/;
const DATETIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})(Z|[+-]\d{2}:\d{2})?$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function zoneOk(zone: string | undefined): boolean {
  if (zone === undefined || zone === 'Z') return true;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  return minutes < 60 && (hours < 14 || (hours === 14 && minutes === 0));
}

/** True for an xs:date such as 2026-03-31 (an optional zone is allowed, as in XSD). */
export function isIsoDate(value: string): boolean {
  const m = DATE.exec(value);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && zoneOk(m[4]);
}

function timeOk(hour: number, minute: number, second: number, fraction: string | undefined): boolean {
  if (hour === 24) return minute === 0 && second === 0 && (fraction === undefined || Number(fraction) === 0);
  return hour < 24 && minute < 60 && second < 60;
}

/** True for an xs:dateTime such as 2026-03-31T10:15:00, with optional fraction and zone. */
export function isIsoDateTime(value: string): boolean {
  const m = DATETIME.exec(value);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  return timeOk(Number(m[4]), Number(m[5]), Number(m[6]), m[7]) && zoneOk(m[8]);
}

function codePoints(value: string, max: number): number {
  if (value.length <= max) return value.length;
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function text(max: number): SimpleCheck {
  return (value, _element, path, errors) => {
    const length = codePoints(value, max);
    if (length > max) errors.push(issue('text_too_long', path, { length, max }));
  };
}

function pattern(test: (value: string) => boolean, format: string): SimpleCheck {
  return (value, _element, path, errors) => {
    if (!test(value)) errors.push(issue('format_invalid', path, { value: clip(value), format }));
  };
}

function codes(values: readonly string[]): SimpleCheck {
  const set = new Set(values);
  const options = values.join(', ');
  return (value, _element, path, errors) => {
    if (!set.has(value)) errors.push(issue('code_unknown', path, { value: clip(value), options }));
  };
}

function decimal(total: number, fraction: number, nonNegative: boolean): SimpleCheck {
  return (value, _element, path, errors) => {
    const parts = parseDecimal(value);
    if (
      parts === undefined ||
      (nonNegative && parts.negative) ||
      parts.fraction.length > fraction ||
      parts.whole.length + parts.fraction.length > total
    )
      errors.push(issue('decimal_invalid', path, { value: clip(value), total, fraction }));
  };
}

/** Clips long values in messages so a 10 kB garbage value does not become a 10 kB error. */
export function clip(value: string): string {
  return value.length > 64 ? `${value.slice(0, 61)}…` : value;
}

/** ActiveOrHistoricCurrencyAndAmount / ActiveCurrencyAndAmount: decimal 18.5, ≥ 0, with a Ccy attribute. */
const amount: SimpleCheck = (value, element, path, errors) => {
  const currencyCode = element.attributes.Ccy;
  const parts = parseDecimal(value);
  if (
    parts === undefined ||
    parts.negative ||
    parts.fraction.length > 5 ||
    parts.whole.length + parts.fraction.length > 18
  ) {
    errors.push(issue('amount_invalid', path, { value: clip(value) }));
    return;
  }
  if (currencyCode === undefined || currencyCode === '') {
    errors.push(issue('currency_missing', path));
    return;
  }
  const currency = findCurrency(currencyCode);
  if (currency === undefined) {
    errors.push(issue('currency_unknown', path, { value: clip(currencyCode) }));
    return;
  }
  if (parts.fraction.length > currency.exponent) {
    errors.push(issue('amount_too_precise', path, { value, currency: currency.code, exponent: currency.exponent }));
    return;
  }
  const minor = BigInt(`${parts.whole}${parts.fraction.padEnd(currency.exponent, '0')}` || '0');
  if (minor > AMOUNT_MAX_MINOR) errors.push(issue('amount_too_large', path, { value }));
};

const currencyCode: SimpleCheck = (value, _element, path, errors) => {
  if (findCurrency(value) === undefined) errors.push(issue('currency_unknown', path, { value: clip(value) }));
};

const country: SimpleCheck = (value, _element, path, errors) => {
  if (!isCountryCode(value)) errors.push(issue('country_unknown', path, { value: clip(value) }));
};

const iban: SimpleCheck = (value, _element, path, errors) => {
  const problem = ibanProblem(value);
  if (problem === undefined) return;
  const countryCode = value.slice(0, 2);
  errors.push(
    issue(problem, path, {
      value: clip(value),
      country: countryCode,
      length: value.length,
      expected: ibanLength(countryCode),
    }),
  );
};

const bic: SimpleCheck = (value, _element, path, errors) => {
  const problem = bicProblem(value);
  if (problem !== undefined) errors.push(issue(problem, path, { value: clip(value), country: value.slice(4, 6) }));
};

const LEI = /^[A-Z0-9]{18}[0-9]{2}$/;
const UUID_V4 = /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/;
const PHONE = /^\+[0-9]{1,3}-[0-9()+-]{1,30}$/;

const SIMPLE: Readonly<Record<string, SimpleCheck>> = {
  Amount: amount,
  CurrencyCode: currencyCode,
  CountryCode: country,
  IBAN: iban,
  BIC: bic,
  ISODate: pattern(isIsoDate, 'ISO date (YYYY-MM-DD)'),
  ISODateTime: pattern(isIsoDateTime, 'ISO date and time (YYYY-MM-DDThh:mm:ss)'),
  ISOTime: pattern((v) => {
    const m = TIME.exec(v);
    return m !== null && timeOk(Number(m[1]), Number(m[2]), Number(m[3]), m[4]) && zoneOk(m[5]);
  }, 'ISO time (hh:mm:ss)'),
  ISOYearMonth: pattern((v) => {
    const m = YEAR_MONTH.exec(v);
    return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
  }, 'ISO year and month (YYYY-MM)'),
  TrueFalseIndicator: (value, _element, path, errors) => {
    if (value !== 'true' && value !== 'false' && value !== '1' && value !== '0')
      errors.push(issue('boolean_invalid', path, { value: clip(value) }));
  },
  Max15NumericText: pattern((v) => v.length <= 15 && DIGITS.test(v), 'number of up to 15 digits'),
  Max5NumericText: pattern((v) => v.length <= 5 && DIGITS.test(v), 'number of up to 5 digits'),
  Max3NumericText: pattern((v) => v.length <= 3 && DIGITS.test(v), 'number of up to 3 digits'),
  Max15PlusSignedNumericText: pattern(
    (v) => DIGITS.test(v.startsWith('+') ? v.slice(1) : v) && v.length <= 16,
    'signed number of up to 15 digits',
  ),
  Exact4AlphaNumericText: pattern((v) => /^[a-zA-Z0-9]{4}$/.test(v), '4 letters or digits'),
  DecimalNumber: decimal(18, 17, false),
  NonNegativeDecimalNumber: decimal(18, 17, true),
  Number: decimal(18, 0, false),
  BaseOneRate: decimal(11, 10, false),
  PercentageRate: decimal(11, 10, false),
  ImpliedCurrencyAndAmount: decimal(18, 5, true),
  LEI: pattern((v) => LEI.test(v), 'LEI (ISO 17442)'),
  UUIDv4: pattern((v) => UUID_V4.test(v), 'UUID version 4 (lower case)'),
  PhoneNumber: pattern((v) => PHONE.test(v), 'phone number (+CC-NUMBER)'),
  CreditDebitCode: codes(['CRDT', 'DBIT']),
  ChargeBearer: codes(['DEBT', 'CRED', 'SHAR', 'SLEV']),
};

const MAX_TEXT = /^Max(\d+)Text$/;
const inlineCodes = new Map<string, SimpleCheck>();

function simpleCheck(type: string): SimpleCheck | undefined {
  const known = SIMPLE[type];
  if (known !== undefined) return known;
  const max = MAX_TEXT.exec(type);
  if (max !== null) return text(Number(max[1]));
  if (type.startsWith('=')) {
    let check = inlineCodes.get(type);
    if (check === undefined) {
      check = codes(type.slice(1).split('|'));
      inlineCodes.set(type, check);
    }
    return check;
  }
  return undefined;
}

/** Every type a registry names that neither it nor the simple types define (empty for a sound registry). */
export function unresolvedTypes(registry: Registry): string[] {
  const missing = new Set<string>();
  for (const definition of Object.values(registry)) {
    if (definition.kind !== 'sequence' && definition.kind !== 'choice') continue;
    for (const field of definition.fields) {
      if (registry[field.type] === undefined && simpleCheck(field.type) === undefined) missing.add(field.type);
    }
  }
  return [...missing].sort();
}

// ---------------------------------------------------------------------------------------------
// Validation

/** Validates `element` (already known to be `type`) and its subtree; appends problems to `errors`. */
export function validateElement(
  registry: Registry,
  type: string,
  element: XmlElement,
  path: PathRef,
  namespace: string,
  errors: Iso20022Error[],
): void {
  const complex = registry[type];
  if (complex === undefined) {
    const check = simpleCheck(type);
    if (check === undefined) throw new Error(`schema names unknown type ${type}`);
    if (element.children.length > 0) {
      errors.push(issue('text_expected', path));
      return;
    }
    if (element.text === '') {
      errors.push(issue('text_empty', path));
      return;
    }
    check(element.text, element, path, errors);
    return;
  }
  if (complex.kind === 'any') return;
  if (complex.kind === 'switch') {
    validateElement(registry, complex.pick(element), element, path, namespace, errors);
    return;
  }
  if (element.text !== '') errors.push(issue('text_unexpected', path));
  if (complex.kind === 'choice') validateChoice(registry, complex, element, path, namespace, errors);
  else validateSequence(registry, complex, element, path, namespace, errors);
}

function childPath(path: PathRef, field: Field, occurrence: number): PathRef {
  return { parent: path, name: field.name, index: field.max > 1 ? occurrence : -1 };
}

function named(path: PathRef, name: string): PathRef {
  return { parent: path, name, index: -1 };
}

function validateChoice(
  registry: Registry,
  definition: Extract<TypeDefinition, { kind: 'choice' }>,
  element: XmlElement,
  path: PathRef,
  namespace: string,
  errors: Iso20022Error[],
): void {
  const options = definition.fields.map((f) => f.name).join(', ');
  let chosen: Field | undefined;
  let occurrence = 0;
  for (const child of element.children) {
    if (child.namespace !== namespace) {
      errors.push(issue('element_namespace', named(path, child.name), { namespace: child.namespace || '(none)' }));
      continue;
    }
    const at = definition.index.get(child.name);
    const field = at === undefined ? undefined : definition.fields[at];
    if (field === undefined) {
      errors.push(issue('element_unexpected', named(path, child.name)));
      continue;
    }
    if (chosen !== undefined && chosen.name !== field.name) {
      errors.push(issue('choice_multiple', path, { options }));
      return;
    }
    chosen = field;
    validateElement(registry, field.type, child, childPath(path, field, occurrence), namespace, errors);
    occurrence++;
  }
  if (chosen === undefined) {
    if (element.children.length === 0) errors.push(issue('choice_missing', path, { options }));
    return;
  }
  if (occurrence > chosen.max)
    errors.push(issue('element_too_many', named(path, chosen.name), { count: occurrence, max: chosen.max }));
}

function validateSequence(
  registry: Registry,
  definition: Extract<TypeDefinition, { kind: 'sequence' }>,
  element: XmlElement,
  path: PathRef,
  namespace: string,
  errors: Iso20022Error[],
): void {
  const counts = new Array<number>(definition.fields.length).fill(0);
  let position = 0;
  for (const child of element.children) {
    if (child.namespace !== namespace) {
      errors.push(issue('element_namespace', named(path, child.name), { namespace: child.namespace || '(none)' }));
      continue;
    }
    const at = definition.index.get(child.name);
    const field = at === undefined ? undefined : definition.fields[at];
    if (at === undefined || field === undefined) {
      errors.push(issue('element_unexpected', named(path, child.name)));
      continue;
    }
    const occurrence = counts[at] ?? 0;
    counts[at] = occurrence + 1;
    if (at < position) {
      const after = definition.fields[position]?.name ?? '';
      errors.push(issue('element_out_of_order', childPath(path, field, occurrence), { after }));
    } else {
      position = at;
    }
    if (occurrence >= field.max) {
      if (occurrence === field.max)
        errors.push(
          issue('element_too_many', named(path, field.name), { count: countOf(element, field.name), max: field.max }),
        );
      continue;
    }
    validateElement(registry, field.type, child, childPath(path, field, occurrence), namespace, errors);
  }
  definition.fields.forEach((field, i) => {
    if ((counts[i] ?? 0) < field.min) {
      errors.push(issue('element_missing', childPath(path, field, counts[i] ?? 0)));
    }
  });
}

function countOf(element: XmlElement, name: string): number {
  let count = 0;
  for (const child of element.children) if (child.name === name) count++;
  return count;
}
