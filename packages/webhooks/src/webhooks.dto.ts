import { formatId, parseId } from '@zhirong/kernel';
import { problem } from '@zhirong/platform';
import { type WebhooksErrorCode, webhooksErrors } from './errors.ts';
import {
  ATTEMPT_PREFIX,
  type Attempt,
  DELIVERY_PREFIX,
  type Delivery,
  ENDPOINT_PREFIX,
  type Endpoint,
  EVENT_PREFIX,
} from './webhook.ts';

/** Translation between the JSON the API speaks (prefixed ids, ISO instants) and the domain. */
export function fail(code: WebhooksErrorCode, params?: Record<string, unknown>, pointer?: string): never {
  throw problem(webhooksErrors, code, {
    ...(params ? { params } : {}),
    ...(pointer ? { extensions: { pointer } } : {}),
  });
}

export function uuidOf(prefix: string, text: string, pointer?: string): string {
  const parsed = parseId(prefix, text);
  if (!parsed.ok) fail('id_malformed', { value: text, kind: prefix }, pointer);
  return parsed.value;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function endpointJson(e: Endpoint) {
  return {
    id: formatId(ENDPOINT_PREFIX, e.id),
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    status: e.status,
    previousSecretExpiresAt: iso(e.previousSecretExpiresAt),
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export function deliveryJson(d: Delivery) {
  return {
    id: formatId(DELIVERY_PREFIX, d.id),
    endpointId: formatId(ENDPOINT_PREFIX, d.endpointId),
    eventId: formatId(EVENT_PREFIX, d.eventId),
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    attemptsSinceRedelivery: d.cycleAttempts,
    redeliveries: d.redeliveries,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
    lastAttemptAt: iso(d.lastAttemptAt),
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    deliveredAt: iso(d.deliveredAt),
    deadAt: iso(d.deadAt),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

export function attemptJson(a: Attempt) {
  return {
    id: formatId(ATTEMPT_PREFIX, a.id),
    deliveryId: formatId(DELIVERY_PREFIX, a.deliveryId),
    number: a.number,
    startedAt: a.startedAt.toISOString(),
    latencyMs: a.latencyMs,
    outcome: a.outcome,
    statusCode: a.statusCode,
    error: a.error,
    responseBody: a.responseBody,
  };
}

/** Opaque pagination cursors: base64url JSON, validated on the way back in. */
export function encodeCursor(value: Record<string, string>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor(text: string, key: string): string {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))[key];
    if (typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) {
      return value;
    }
  } catch {
    // fall through
  }
  fail('cursor_malformed');
}
