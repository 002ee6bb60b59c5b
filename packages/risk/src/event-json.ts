import { createHash } from 'node:crypto';
import { canonicalJson } from '@zhirong/kernel';
import { RISK_EVENT_TYPES, type RiskEvent, type RiskEventType } from './event.ts';

/** The JSON form of an event (bigints as strings of minor units), as stored and as the API shows it. */
export function eventJson(event: RiskEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'bigint' ? value.toString() : value;
  }
  return out;
}

/**
 * sha256 of the canonical JSON without the time: the same event id with another fingerprint is a
 * conflict, while a retry of a request that let the time default to "now" is the same event.
 */
export function eventFingerprint(event: RiskEvent): string {
  const { atMs: _time, ...content } = eventJson(event);
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** The optional text fields of an event. */
export const EVENT_STRING_FIELDS = [
  'subtype',
  'accountId',
  'deviceId',
  'ip',
  'phone',
  'payeeId',
  'merchantId',
  'merchantCategoryCode',
  'cardId',
  'currency',
  'country',
  'channel',
] as const;

/** Reads a stored event back (the inverse of `eventJson`); undefined when it is not one. */
export function eventFromJson(json: Readonly<Record<string, unknown>>): RiskEvent | undefined {
  const { id, type, atMs, customerId, amountMinor } = json;
  if (typeof id !== 'string' || typeof customerId !== 'string' || typeof atMs !== 'number') return undefined;
  if (!RISK_EVENT_TYPES.includes(type as RiskEventType) || typeof amountMinor !== 'string') return undefined;
  const event: Record<string, unknown> = { id, type, atMs, customerId, amountMinor: BigInt(amountMinor) };
  for (const key of EVENT_STRING_FIELDS) if (typeof json[key] === 'string') event[key] = json[key];
  for (const key of ['latitude', 'longitude'] as const) if (typeof json[key] === 'number') event[key] = json[key];
  if (typeof json.balanceBeforeMinor === 'string') event.balanceBeforeMinor = BigInt(json.balanceBeforeMinor);
  if (typeof json.attributes === 'object' && json.attributes !== null) event.attributes = json.attributes;
  return event as unknown as RiskEvent;
}
