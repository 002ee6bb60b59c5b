import { createHash } from 'node:crypto';
import { inTransaction } from '@zhirong/db';
import { assert, type Clock, formatId, type IdGenerator, type Rng } from '@zhirong/kernel';
import { type DomainEvent, eventJson, type Logger, type NewEvent, type Outbox } from '@zhirong/platform';
import type { Transaction } from 'kysely';
import { type BackoffPolicy, DEFAULT_BACKOFF, retryDelayMs } from './backoff.ts';
import type { DeliveryClient } from './delivery.client.ts';
import type { WebhooksErrorCode } from './errors.ts';
import { EVENT_TYPES_MAX, isEventTypePattern } from './event-types.ts';
import type { SecretBox } from './secret-box.ts';
import {
  ATTEMPT_HEADER,
  DELIVERY_ID_HEADER,
  EVENT_ID_HEADER,
  EVENT_TYPE_HEADER,
  SECRET_PREFIX,
  SIGNATURE_HEADER,
  signatureHeader,
} from './signature.ts';
import type { UrlPolicy } from './url-policy.ts';
import {
  DELIVERY_PREFIX,
  type Delivery,
  type DeliveryStatus,
  ENDPOINT_PREFIX,
  type Endpoint,
  type EndpointStatus,
  EVENT_PREFIX,
  type WebhookBody,
} from './webhook.ts';
import * as repo from './webhooks.repository.ts';

export type Failure = {
  readonly ok: false;
  readonly code: WebhooksErrorCode;
  readonly params?: Record<string, unknown>;
};
export type Outcome<T> = { readonly ok: true; readonly value: T } | Failure;

const fail = (code: WebhooksErrorCode, params?: Record<string, unknown>): Failure =>
  params ? { ok: false, code, params } : { ok: false, code };

export interface EndpointInput {
  readonly url: string;
  readonly description?: string;
  readonly eventTypes: readonly string[];
}

export interface EndpointChange {
  readonly url?: string;
  readonly description?: string;
  readonly eventTypes?: readonly string[];
}

export interface DeliveryRunReport {
  readonly claimed: number;
  readonly succeeded: number;
  readonly retrying: number;
  readonly dead: number;
}

export interface WebhooksDependencies {
  readonly db: repo.Db;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly ids: IdGenerator;
  readonly outbox: Outbox;
  readonly logger: Logger;
  readonly box: SecretBox;
  readonly policy: UrlPolicy;
  readonly client: DeliveryClient;
  /** Failed attempts (since creation or the last redelivery) after which a delivery is dead. */
  readonly attemptsMax: number;
  /** How long a claimed delivery stays with its worker: longer than one attempt's timeout. */
  readonly leaseMs: number;
  readonly backoff?: BackoffPolicy;
  /** Deliveries claimed, and sent concurrently, per pass. */
  readonly batchMax?: number;
  readonly eventsCommitted?: () => void;
  /** Called when new deliveries were stored, so the worker runs without waiting for its poll. */
  readonly deliveriesQueued?: () => void;
}

export const DELIVERY_BATCH_MAX = 32;
export const DESCRIPTION_LENGTH_MAX = 500;
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
export const PREVIOUS_SECRET_VALID_SECONDS_DEFAULT = 24 * 60 * 60;
export const PREVIOUS_SECRET_VALID_SECONDS_MAX = 7 * 24 * 60 * 60;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const USER_AGENT = 'Zhirong-Webhooks/1.0 (+https://zhirong.dev/docs/webhooks)';

export function secretContext(endpointId: string): string {
  return `webhooks.endpoint:${endpointId}`;
}

/**
 * Webhooks: partners register endpoints for event types; every matching event from the outbox
 * becomes a delivery, sent signed by the worker and retried with backoff until it succeeds or its
 * attempts run out (then it is dead, and can be redelivered).
 */
export class WebhooksService {
  readonly #d: WebhooksDependencies;
  readonly #backoff: BackoffPolicy;
  readonly #batchMax: number;

  constructor(dependencies: WebhooksDependencies) {
    assert(dependencies.attemptsMax >= 1, 'attemptsMax ≥ 1');
    this.#d = dependencies;
    this.#backoff = dependencies.backoff ?? DEFAULT_BACKOFF;
    this.#batchMax = dependencies.batchMax ?? DELIVERY_BATCH_MAX;
  }

  get attemptsMax(): number {
    return this.#d.attemptsMax;
  }

  /** Deliveries claimed per pass. */
  get batchMax(): number {
    return this.#batchMax;
  }

  /** Runs `work` in the caller's transaction, or in a new one (announcing its events after commit). */
  async #inTransaction<T>(trx: Transaction<unknown> | undefined, work: (trx: Transaction<unknown>) => Promise<T>) {
    if (trx) return work(trx);
    const result = await inTransaction(this.#d.db, work);
    this.#d.eventsCommitted?.();
    return result;
  }

  #checkInput(input: EndpointChange): Failure | undefined {
    if (input.description !== undefined && input.description.length > DESCRIPTION_LENGTH_MAX) {
      return fail('endpoint_description_too_long', { max: DESCRIPTION_LENGTH_MAX });
    }
    if (input.url !== undefined) {
      const checked = this.#d.policy.check(input.url);
      if (!checked.ok) {
        const refusal = checked.detail ?? { code: 'endpoint_url_insecure' };
        if (refusal.code === 'endpoint_url_invalid') return fail(refusal.code, { reason: refusal.reason });
        if (refusal.code === 'endpoint_url_forbidden') return fail(refusal.code, { host: refusal.host });
        return fail(refusal.code);
      }
    }
    if (input.eventTypes !== undefined) {
      if (input.eventTypes.length === 0 || input.eventTypes.length > EVENT_TYPES_MAX) {
        return fail('event_type_pattern_invalid', {
          pattern: `(${input.eventTypes.length} patterns; 1 to ${EVENT_TYPES_MAX})`,
        });
      }
      for (const pattern of input.eventTypes) {
        if (!isEventTypePattern(pattern)) return fail('event_type_pattern_invalid', { pattern });
      }
    }
    return undefined;
  }

  #newSecret(): string {
    return `${SECRET_PREFIX}${Buffer.from(this.#d.rng.bytes(32)).toString('base64url')}`;
  }

  #event(type: string, endpoint: Endpoint): NewEvent {
    return {
      topic: `webhooks.endpoint.${type}`,
      key: formatId(ENDPOINT_PREFIX, endpoint.id),
      payload: {
        endpointId: formatId(ENDPOINT_PREFIX, endpoint.id),
        url: endpoint.url,
        eventTypes: endpoint.eventTypes,
        status: endpoint.status,
      },
    };
  }

  /** Registers an endpoint; the signing secret is returned here and never again. */
  async createEndpoint(
    input: EndpointInput,
    trx?: Transaction<unknown>,
  ): Promise<Outcome<{ endpoint: Endpoint; secret: string }>> {
    const invalid = this.#checkInput(input);
    if (invalid) return invalid;
    const now = this.#d.clock.now();
    const id = this.#d.ids.uuid();
    const secret = this.#newSecret();
    const stored: repo.StoredEndpoint = {
      id,
      url: input.url,
      description: input.description ?? '',
      eventTypes: [...new Set(input.eventTypes)],
      status: 'active',
      previousSecretExpiresAt: null,
      createdAt: now,
      updatedAt: now,
      secretSealed: this.#d.box.seal(secret, secretContext(id)),
      previousSecretSealed: null,
    };
    await this.#inTransaction(trx, async (t) => {
      await repo.insertEndpoint(t, stored);
      await this.#d.outbox.enqueue(t, [this.#event('created', stored)]);
    });
    return { ok: true, value: { endpoint: publicEndpoint(stored), secret } };
  }

  async getEndpoint(id: string): Promise<Endpoint | undefined> {
    const found = await repo.findEndpoint(this.#d.db, id);
    return found ? publicEndpoint(found) : undefined;
  }

  async listEndpoints(q: { limit: number; afterId?: string; status?: EndpointStatus }): Promise<Endpoint[]> {
    return (await repo.listEndpoints(this.#d.db, q)).map(publicEndpoint);
  }

  async #change(
    id: string,
    trx: Transaction<unknown> | undefined,
    apply: (e: repo.StoredEndpoint, now: Date) => Outcome<{ next: repo.StoredEndpoint; event?: string }>,
  ): Promise<Outcome<repo.StoredEndpoint>> {
    return this.#inTransaction(trx, async (t) => {
      const current = await repo.findEndpoint(t, id, true);
      if (!current) return fail('endpoint_not_found', { id: formatId(ENDPOINT_PREFIX, id) });
      const applied = apply(current, this.#d.clock.now());
      if (!applied.ok) return applied;
      const { next, event } = applied.value;
      await repo.updateEndpoint(t, next);
      if (event) await this.#d.outbox.enqueue(t, [this.#event(event, next)]);
      return { ok: true as const, value: next };
    });
  }

  async updateEndpoint(id: string, change: EndpointChange, trx?: Transaction<unknown>): Promise<Outcome<Endpoint>> {
    const invalid = this.#checkInput(change);
    if (invalid) return invalid;
    const outcome = await this.#change(id, trx, (e, now) => ({
      ok: true,
      value: {
        next: {
          ...e,
          ...(change.url === undefined ? {} : { url: change.url }),
          ...(change.description === undefined ? {} : { description: change.description }),
          ...(change.eventTypes === undefined ? {} : { eventTypes: [...new Set(change.eventTypes)] }),
          updatedAt: now,
        },
        event: 'updated',
      },
    }));
    return outcome.ok ? { ok: true, value: publicEndpoint(outcome.value) } : outcome;
  }

  /**
   * Disables or enables an endpoint. A disabled endpoint gets no new deliveries, and its pending
   * ones wait (they are not attempted, nor do they use up attempts) until it is enabled again.
   */
  async setEndpointStatus(id: string, status: EndpointStatus, trx?: Transaction<unknown>): Promise<Outcome<Endpoint>> {
    const outcome = await this.#change(id, trx, (e, now) => ({
      ok: true,
      value:
        e.status === status
          ? { next: e }
          : { next: { ...e, status, updatedAt: now }, event: status === 'active' ? 'enabled' : 'disabled' },
    }));
    return outcome.ok ? { ok: true, value: publicEndpoint(outcome.value) } : outcome;
  }

  /**
   * Replaces the signing secret. For `previousSecretValidSeconds` (default a day; 0 = at once)
   * deliveries carry a signature with each secret, so the receiver can switch without a gap.
   */
  async rotateSecret(
    id: string,
    options: { previousSecretValidSeconds?: number } = {},
    trx?: Transaction<unknown>,
  ): Promise<Outcome<{ endpoint: Endpoint; secret: string }>> {
    const validSeconds = options.previousSecretValidSeconds ?? PREVIOUS_SECRET_VALID_SECONDS_DEFAULT;
    assert(
      Number.isInteger(validSeconds) && validSeconds >= 0 && validSeconds <= PREVIOUS_SECRET_VALID_SECONDS_MAX,
      'previousSecretValidSeconds within bounds',
    );
    const secret = this.#newSecret();
    const outcome = await this.#change(id, trx, (e, now) => ({
      ok: true,
      value: {
        next: {
          ...e,
          secretSealed: this.#d.box.seal(secret, secretContext(e.id)),
          previousSecretSealed: validSeconds > 0 ? e.secretSealed : null,
          previousSecretExpiresAt: validSeconds > 0 ? new Date(now.getTime() + validSeconds * 1000) : null,
          updatedAt: now,
        },
        event: 'secret_rotated',
      },
    }));
    return outcome.ok ? { ok: true, value: { endpoint: publicEndpoint(outcome.value), secret } } : outcome;
  }

  /**
   * Fans an event out to the endpoints subscribed to it (one statement; a replayed event adds
   * nothing). Called by the bus subscription for every event the outbox relay publishes.
   */
  async recordEvent(event: DomainEvent): Promise<number> {
    if (!UUID.test(event.id)) {
      // Outbox events carry UUIDs; anything else did not come from the outbox and is not delivered.
      this.#d.logger.warn({ eventId: event.id, topic: event.topic }, 'webhooks ignored an event without a UUID id');
      return 0;
    }
    const body: WebhookBody = {
      id: formatId(EVENT_PREFIX, event.id),
      type: event.topic,
      createdAt: event.occurredAt.toISOString(),
      key: event.key,
      data: event.payload,
    };
    const created = await repo.insertDeliveries(this.#d.db, {
      id: event.id,
      topic: event.topic,
      key: event.key,
      body: eventJson(body),
      occurredAt: event.occurredAt,
      now: this.#d.clock.now(),
    });
    if (created > 0) this.#d.deliveriesQueued?.();
    return created;
  }

  async getDelivery(id: string): Promise<Delivery | undefined> {
    return repo.findDelivery(this.#d.db, id);
  }

  async listDeliveries(q: {
    limit: number;
    beforeId?: string;
    endpointId?: string;
    status?: DeliveryStatus;
    eventId?: string;
  }): Promise<Delivery[]> {
    return repo.listDeliveries(this.#d.db, q);
  }

  async listAttempts(q: { deliveryId: string; limit: number; afterId?: string }) {
    return repo.listAttempts(this.#d.db, q);
  }

  /** Queues a delivery again (any status, dead ones included), due now, with a fresh attempt budget. */
  async redeliver(id: string, trx?: Transaction<unknown>): Promise<Outcome<Delivery>> {
    const db = trx ?? this.#d.db;
    const now = this.#d.clock.now();
    const delivery = await repo.findDelivery(db, id);
    const publicId = formatId(DELIVERY_PREFIX, id);
    if (!delivery) return fail('delivery_not_found', { id: publicId });
    const endpoint = await repo.findEndpoint(db, delivery.endpointId);
    if (endpoint?.status !== 'active') {
      return fail('endpoint_disabled', { id: formatId(ENDPOINT_PREFIX, delivery.endpointId) });
    }
    const requeued = await repo.requeueDelivery(db, id, now);
    if (!requeued) return fail('delivery_in_progress', { id: publicId });
    this.#d.deliveriesQueued?.();
    return { ok: true, value: requeued };
  }

  /**
   * One worker pass: claims up to `batchMax` due deliveries, sends them concurrently, and records
   * each attempt. Several passes (in several processes) may run at once.
   */
  async deliverDue(): Promise<DeliveryRunReport> {
    const now = this.#d.clock.now();
    const token = this.#d.ids.uuid();
    const claimed = await repo.claimDue(this.#d.db, {
      now,
      leaseUntil: new Date(now.getTime() + this.#d.leaseMs),
      token,
      limit: this.#batchMax,
    });
    const report = { claimed: claimed.length, succeeded: 0, retrying: 0, dead: 0 };
    if (claimed.length === 0) return report;
    // Sent concurrently; their outcomes are written together, in one statement, when all are in.
    const attempts = await Promise.all(claimed.map((delivery) => this.#attempt(delivery)));
    const kept = await repo.recordAttempts(this.#d.db, { token, now: this.#d.clock.now(), attempts });
    for (const attempt of attempts) {
      if (attempt.status === 'succeeded') report.succeeded += 1;
      else if (attempt.status === 'dead') report.dead += 1;
      else report.retrying += 1;
      if (!kept.has(attempt.deliveryId)) {
        this.#d.logger.warn({ deliveryId: attempt.deliveryId }, 'webhook delivery claim lapsed during its attempt');
      } else if (attempt.status === 'dead') {
        this.#d.logger.warn({ deliveryId: formatId(DELIVERY_PREFIX, attempt.deliveryId) }, 'webhook delivery is dead');
      }
    }
    return report;
  }

  #signingSecrets(delivery: repo.ClaimedDelivery, now: Date): { secrets: string[]; problem?: string } {
    const context = secretContext(delivery.endpointId);
    const current = this.#d.box.open(delivery.secretSealed, context);
    if (!current.ok) return { secrets: [], problem: `secret_unreadable: ${current.code}` };
    const secrets = [current.value];
    if (
      delivery.previousSecretSealed !== null &&
      delivery.previousSecretExpiresAt !== null &&
      delivery.previousSecretExpiresAt.getTime() > now.getTime()
    ) {
      const previous = this.#d.box.open(delivery.previousSecretSealed, context);
      if (previous.ok) secrets.push(previous.value);
    }
    return { secrets };
  }

  /** Sends one claimed delivery and works out its next state (not yet written). */
  async #attempt(delivery: repo.ClaimedDelivery): Promise<repo.AttemptRecord> {
    const startedAt = this.#d.clock.now();
    const number = delivery.attempts + 1;
    const { secrets, problem } = this.#signingSecrets(delivery, startedAt);
    // The policy may have changed since the endpoint was registered (a host taken off the allow-list).
    const checked = this.#d.policy.check(delivery.url);
    let response: { statusCode: number | null; error: string | null; responseBody: string; latencyMs: number };
    if (problem !== undefined) {
      response = { statusCode: null, error: problem, responseBody: '', latencyMs: 0 };
    } else if (!checked.ok) {
      response = { statusCode: null, error: `address_forbidden: ${checked.code}`, responseBody: '', latencyMs: 0 };
    } else {
      const timestamp = Math.floor(startedAt.getTime() / 1000);
      response = await this.#d.client.send({
        url: delivery.url,
        body: delivery.body,
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          [EVENT_ID_HEADER]: formatId(EVENT_PREFIX, delivery.eventId),
          [EVENT_TYPE_HEADER]: delivery.eventType,
          [DELIVERY_ID_HEADER]: formatId(DELIVERY_PREFIX, delivery.id),
          [ATTEMPT_HEADER]: String(number),
          [SIGNATURE_HEADER]: signatureHeader(secrets, timestamp, delivery.body),
        },
      });
    }
    const now = this.#d.clock.now();
    const succeeded = response.statusCode !== null && response.statusCode >= 200 && response.statusCode < 300;
    const failedInCycle = delivery.cycleAttempts + 1;
    const status: DeliveryStatus = succeeded ? 'succeeded' : failedInCycle >= this.#d.attemptsMax ? 'dead' : 'pending';
    const nextAttemptAt =
      status === 'pending' ? new Date(now.getTime() + retryDelayMs(failedInCycle, this.#d.rng, this.#backoff)) : now;
    const error =
      response.error ?? (succeeded ? null : `http_status: the endpoint answered ${response.statusCode ?? 'nothing'}`);
    return {
      attemptId: this.#d.ids.uuid(),
      deliveryId: delivery.id,
      number,
      startedAt,
      latencyMs: response.latencyMs,
      statusCode: response.statusCode,
      error: error === null ? null : stripNul(error),
      responseBody: stripNul(response.responseBody),
      status,
      nextAttemptAt,
    };
  }

  /**
   * Runs `work` at most once per (principal, Idempotency-Key): the first request's response is
   * stored (sealed: it may hold a signing secret) in the same transaction as the work; a retry with
   * the same request gets it back, a different request under the same key is refused. A concurrent
   * duplicate waits on the key's row until the first commits, then replays.
   */
  async idempotent<T>(
    request: { principal: string; key: string; fingerprint: string },
    work: (trx: Transaction<unknown>) => Promise<{ statusCode: number; body: T }>,
  ): Promise<Outcome<{ statusCode: number; body: T; replayed: boolean }>> {
    const context = `webhooks.idempotency:${request.principal}:${request.key}`;
    const requestSha = createHash('sha256').update(request.fingerprint).digest('hex');
    const outcome = await inTransaction(this.#d.db, async (trx) => {
      const now = this.#d.clock.now();
      const inserted = await repo.claimIdempotencyKey(trx, { ...request, requestSha, now });
      if (!inserted) {
        const stored = await repo.findIdempotencyKey(trx, request);
        if (!stored || stored.requestSha !== requestSha || stored.responseSealed === null) {
          return fail('idempotency_key_reused');
        }
        const opened = this.#d.box.open(stored.responseSealed, context);
        if (!opened.ok) return fail('webhook_secret_unreadable');
        return {
          ok: true as const,
          value: { statusCode: stored.statusCode ?? 200, body: JSON.parse(opened.value) as T, replayed: true },
        };
      }
      const result = await work(trx);
      await repo.storeIdempotentResponse(trx, {
        ...request,
        statusCode: result.statusCode,
        responseSealed: this.#d.box.seal(eventJson(result.body), context),
      });
      return { ok: true as const, value: { ...result, replayed: false } };
    });
    this.#d.eventsCommitted?.();
    return outcome;
  }

  /** Forgets Idempotency-Keys older than a day. */
  async sweepIdempotencyKeys(): Promise<number> {
    return repo.deleteIdempotencyKeysBefore(this.#d.db, new Date(this.#d.clock.nowMs() - IDEMPOTENCY_KEY_TTL_MS));
  }
}

function publicEndpoint(e: repo.StoredEndpoint | Endpoint): Endpoint {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    status: e.status,
    previousSecretExpiresAt: e.previousSecretExpiresAt,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

function stripNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}
