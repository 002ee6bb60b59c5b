import { type Kysely, sql } from 'kysely';
import { patternMatchesSql } from './event-types.ts';
import type { Attempt, Delivery, DeliveryStatus, Endpoint, EndpointStatus } from './webhook.ts';

/** SQL of the webhooks schema. Every function takes the executor: the pool, or the caller's transaction. */
export type Db = Kysely<unknown>;

interface EndpointRow {
  id: string;
  url: string;
  description: string;
  event_types: string[];
  status: EndpointStatus;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface StoredEndpoint extends Endpoint {
  readonly secretSealed: string;
  readonly previousSecretSealed: string | null;
}

function endpointFrom(r: EndpointRow): StoredEndpoint {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    eventTypes: r.event_types,
    status: r.status,
    previousSecretExpiresAt: r.previous_secret_expires_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    secretSealed: r.secret_sealed,
    previousSecretSealed: r.previous_secret_sealed,
  };
}

export async function insertEndpoint(db: Db, e: StoredEndpoint): Promise<void> {
  await sql`
    insert into webhooks.endpoints (id, url, description, event_types, status, secret_sealed, created_at, updated_at)
    values (${e.id}::uuid, ${e.url}, ${e.description}, ${e.eventTypes as string[]}::text[], ${e.status},
            ${e.secretSealed}, ${e.createdAt.toISOString()}::timestamptz, ${e.updatedAt.toISOString()}::timestamptz)
  `.execute(db);
}

export async function findEndpoint(db: Db, id: string, forUpdate = false): Promise<StoredEndpoint | undefined> {
  const lock = forUpdate ? sql`for update` : sql``;
  const { rows } = await sql<EndpointRow>`select * from webhooks.endpoints where id = ${id}::uuid ${lock}`.execute(db);
  return rows[0] ? endpointFrom(rows[0]) : undefined;
}

export async function listEndpoints(
  db: Db,
  q: { limit: number; afterId?: string | undefined; status?: EndpointStatus | undefined },
): Promise<StoredEndpoint[]> {
  const { rows } = await sql<EndpointRow>`
    select * from webhooks.endpoints
    where (${q.afterId ?? null}::uuid is null or id > ${q.afterId ?? null}::uuid)
      and (${q.status ?? null}::text is null or status = ${q.status ?? null}::text)
    order by id limit ${q.limit}`.execute(db);
  return rows.map(endpointFrom);
}

export async function updateEndpoint(db: Db, e: StoredEndpoint): Promise<void> {
  await sql`
    update webhooks.endpoints set
      url = ${e.url}, description = ${e.description}, event_types = ${e.eventTypes as string[]}::text[],
      status = ${e.status}, secret_sealed = ${e.secretSealed}, previous_secret_sealed = ${e.previousSecretSealed},
      previous_secret_expires_at = ${e.previousSecretExpiresAt?.toISOString() ?? null}::timestamptz,
      updated_at = ${e.updatedAt.toISOString()}::timestamptz
    where id = ${e.id}::uuid`.execute(db);
}

/**
 * Fans one event out in one statement: picks the active endpoints whose patterns match its topic,
 * stores the event body once if any did, and inserts one pending delivery per endpoint. Replays of
 * the same event (the bus delivers at least once) insert nothing: the (event, endpoint) pair is
 * unique, and the delivery id is derived from the pair — the event's UUIDv7 time prefix, so
 * deliveries sort by event time, and an MD5 of the pair for the rest.
 */
export async function insertDeliveries(
  db: Db,
  e: { id: string; topic: string; key: string; body: string; occurredAt: Date; now: Date },
): Promise<number> {
  const now = e.now.toISOString();
  const result = await sql`
    with matched as (
      select en.id from webhooks.endpoints en
      where en.status = 'active'
        and exists (select 1 from unnest(en.event_types) as p(pattern) where ${patternMatchesSql(sql`p.pattern`, sql`${e.topic}::text`)})
    ), stored as (
      insert into webhooks.events (id, topic, key, body, occurred_at, received_at)
      select ${e.id}::uuid, ${e.topic}::text, ${e.key}::text, ${e.body}::text,
             ${e.occurredAt.toISOString()}::timestamptz, ${now}::timestamptz
      where exists (select 1 from matched)
      on conflict (id) do nothing
    )
    insert into webhooks.deliveries (id, endpoint_id, event_id, event_type, next_attempt_at, created_at, updated_at)
    select (left(replace(${e.id}::text, '-', ''), 12) || '7' || substr(x.h, 1, 3) || '8' || substr(x.h, 4, 15))::uuid,
           m.id, ${e.id}::uuid, ${e.topic}::text, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
    from matched m cross join lateral (select md5(m.id::text || ${e.id}::text) as h) x
    on conflict do nothing
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

export interface ClaimedDelivery {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly attempts: number;
  readonly cycleAttempts: number;
  readonly endpointId: string;
  readonly url: string;
  readonly secretSealed: string;
  readonly previousSecretSealed: string | null;
  readonly previousSecretExpiresAt: Date | null;
  readonly body: string;
}

/**
 * Claims up to `limit` due deliveries of active endpoints for one worker until `leaseUntil`.
 * `for update skip locked` hands each row to one of several concurrent workers (other processes
 * too); the lease lets another worker retake a delivery whose worker died mid-attempt.
 */
export async function claimDue(
  db: Db,
  q: { now: Date; leaseUntil: Date; token: string; limit: number },
): Promise<ClaimedDelivery[]> {
  const now = q.now.toISOString();
  const { rows } = await sql<{
    id: string;
    event_id: string;
    event_type: string;
    attempts: number;
    cycle_attempts: number;
    endpoint_id: string;
    url: string;
    secret_sealed: string;
    previous_secret_sealed: string | null;
    previous_secret_expires_at: Date | null;
    body: string;
  }>`
    update webhooks.deliveries d
    set claimed_until = ${q.leaseUntil.toISOString()}::timestamptz, claim_token = ${q.token}::uuid
    from webhooks.endpoints e, webhooks.events ev
    where d.id in (
        select d2.id from webhooks.deliveries d2
        join webhooks.endpoints e2 on e2.id = d2.endpoint_id and e2.status = 'active'
        where d2.status = 'pending' and d2.next_attempt_at <= ${now}::timestamptz
          and (d2.claimed_until is null or d2.claimed_until <= ${now}::timestamptz)
        order by d2.next_attempt_at, d2.id
        limit ${q.limit}
        for update of d2 skip locked)
      and e.id = d.endpoint_id and ev.id = d.event_id
    returning d.id, d.event_id, d.event_type, d.attempts, d.cycle_attempts, e.id as endpoint_id, e.url,
              e.secret_sealed, e.previous_secret_sealed, e.previous_secret_expires_at, ev.body
  `.execute(db);
  return rows
    .map((r) => ({
      id: r.id,
      eventId: r.event_id,
      eventType: r.event_type,
      attempts: r.attempts,
      cycleAttempts: r.cycle_attempts,
      endpointId: r.endpoint_id,
      url: r.url,
      secretSealed: r.secret_sealed,
      previousSecretSealed: r.previous_secret_sealed,
      previousSecretExpiresAt: r.previous_secret_expires_at,
      body: r.body,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface AttemptRecord {
  readonly attemptId: string;
  readonly deliveryId: string;
  readonly number: number;
  readonly startedAt: Date;
  readonly latencyMs: number;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly responseBody: string;
  /** The delivery's state after this attempt. */
  readonly status: DeliveryStatus;
  readonly nextAttemptAt: Date;
}

/**
 * Writes the attempts of one worker pass and their deliveries' new states in one statement. A
 * delivery is updated only if the pass still holds its claim (`token`): a worker whose lease lapsed
 * must not overwrite the state a newer claim wrote. The attempts are recorded either way, since they
 * happened. Returns the ids of the deliveries updated.
 */
export async function recordAttempts(
  db: Db,
  q: { token: string; now: Date; attempts: readonly AttemptRecord[] },
): Promise<Set<string>> {
  if (q.attempts.length === 0) return new Set();
  const a = q.attempts;
  const now = q.now.toISOString();
  const { rows } = await sql<{ id: string }>`
    with input as (
      select * from unnest(
        ${a.map((x) => x.attemptId)}::uuid[], ${a.map((x) => x.deliveryId)}::uuid[], ${a.map((x) => x.number)}::int[],
        ${a.map((x) => x.startedAt.toISOString())}::timestamptz[], ${a.map((x) => x.latencyMs)}::int[],
        ${a.map((x) => x.statusCode)}::int[], ${a.map((x) => x.error)}::text[], ${a.map((x) => x.responseBody)}::text[],
        ${a.map((x) => x.status)}::text[], ${a.map((x) => x.nextAttemptAt.toISOString())}::timestamptz[]
      ) as t(attempt_id, delivery_id, number, started_at, latency_ms, status_code, error, response_body, status,
             next_attempt_at)
    ), attempt as (
      insert into webhooks.attempts (id, delivery_id, number, started_at, latency_ms, outcome, status_code, error, response_body)
      select attempt_id, delivery_id, number, started_at, latency_ms,
             case when status = 'succeeded' then 'succeeded' else 'failed' end, status_code, error, response_body
      from input
    )
    update webhooks.deliveries d set
      status = i.status,
      attempts = d.attempts + 1,
      cycle_attempts = d.cycle_attempts + 1,
      next_attempt_at = i.next_attempt_at,
      claimed_until = null,
      claim_token = null,
      last_attempt_at = i.started_at,
      last_status_code = i.status_code,
      last_error = i.error,
      delivered_at = case when i.status = 'succeeded' then ${now}::timestamptz else d.delivered_at end,
      dead_at = case when i.status = 'dead' then ${now}::timestamptz else null end,
      updated_at = ${now}::timestamptz
    from input i
    where d.id = i.delivery_id and d.claim_token = ${q.token}::uuid
    returning d.id
  `.execute(db);
  return new Set(rows.map((r) => r.id));
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  cycle_attempts: number;
  redeliveries: number;
  next_attempt_at: Date;
  claimed_until: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  dead_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

function deliveryFrom(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    cycleAttempts: r.cycle_attempts,
    redeliveries: r.redeliveries,
    nextAttemptAt: r.next_attempt_at,
    claimedUntil: r.claimed_until,
    lastAttemptAt: r.last_attempt_at,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    deliveredAt: r.delivered_at,
    deadAt: r.dead_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const DELIVERY_COLUMNS = sql`id, endpoint_id, event_id, event_type, status, attempts, cycle_attempts, redeliveries,
  next_attempt_at, claimed_until, last_attempt_at, last_status_code, last_error, delivered_at, dead_at, created_at, updated_at`;

export async function findDelivery(db: Db, id: string): Promise<Delivery | undefined> {
  const { rows } = await sql<DeliveryRow>`
    select ${DELIVERY_COLUMNS} from webhooks.deliveries where id = ${id}::uuid`.execute(db);
  return rows[0] ? deliveryFrom(rows[0]) : undefined;
}

/** Newest first. */
export async function listDeliveries(
  db: Db,
  q: {
    limit: number;
    beforeId?: string | undefined;
    endpointId?: string | undefined;
    status?: DeliveryStatus | undefined;
    eventId?: string | undefined;
  },
): Promise<Delivery[]> {
  const { rows } = await sql<DeliveryRow>`
    select ${DELIVERY_COLUMNS} from webhooks.deliveries
    where (${q.beforeId ?? null}::uuid is null or id < ${q.beforeId ?? null}::uuid)
      and (${q.endpointId ?? null}::uuid is null or endpoint_id = ${q.endpointId ?? null}::uuid)
      and (${q.status ?? null}::text is null or status = ${q.status ?? null}::text)
      and (${q.eventId ?? null}::uuid is null or event_id = ${q.eventId ?? null}::uuid)
    order by id desc limit ${q.limit}`.execute(db);
  return rows.map(deliveryFrom);
}

/** Oldest first: an attempt history reads in order. */
export async function listAttempts(
  db: Db,
  q: { deliveryId: string; limit: number; afterId?: string | undefined },
): Promise<Attempt[]> {
  const { rows } = await sql<{
    id: string;
    delivery_id: string;
    number: number;
    started_at: Date;
    latency_ms: number;
    outcome: 'succeeded' | 'failed';
    status_code: number | null;
    error: string | null;
    response_body: string;
  }>`
    select * from webhooks.attempts
    where delivery_id = ${q.deliveryId}::uuid and (${q.afterId ?? null}::uuid is null or id > ${q.afterId ?? null}::uuid)
    order by id limit ${q.limit}`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    deliveryId: r.delivery_id,
    number: r.number,
    startedAt: r.started_at,
    latencyMs: r.latency_ms,
    outcome: r.outcome,
    statusCode: r.status_code,
    error: r.error,
    responseBody: r.response_body,
  }));
}

/**
 * Puts a delivery back in the queue, due now, with a fresh dead-letter budget — whatever its
 * status (a receiver that lost a succeeded delivery may ask for it again). Refused (undefined)
 * while an attempt is in flight.
 */
export async function requeueDelivery(db: Db, id: string, now: Date): Promise<Delivery | undefined> {
  const at = now.toISOString();
  const { rows } = await sql<DeliveryRow>`
    update webhooks.deliveries set
      status = 'pending', cycle_attempts = 0, redeliveries = redeliveries + 1,
      next_attempt_at = ${at}::timestamptz, dead_at = null, updated_at = ${at}::timestamptz
    where id = ${id}::uuid and (claimed_until is null or claimed_until <= ${at}::timestamptz)
    returning ${DELIVERY_COLUMNS}`.execute(db);
  return rows[0] ? deliveryFrom(rows[0]) : undefined;
}

export async function deleteIdempotencyKeysBefore(db: Db, before: Date): Promise<number> {
  const result =
    await sql`delete from webhooks.idempotency_keys where created_at < ${before.toISOString()}::timestamptz`.execute(
      db,
    );
  return Number(result.numAffectedRows ?? 0n);
}

/** Takes the key for this request; false when it exists (waits first for a concurrent holder to commit). */
export async function claimIdempotencyKey(
  db: Db,
  k: { principal: string; key: string; requestSha: string; now: Date },
): Promise<boolean> {
  const { rows } = await sql`
    insert into webhooks.idempotency_keys (principal, key, request_sha256, created_at)
    values (${k.principal}, ${k.key}, ${k.requestSha}, ${k.now.toISOString()}::timestamptz)
    on conflict do nothing returning key`.execute(db);
  return rows.length === 1;
}

export async function findIdempotencyKey(
  db: Db,
  k: { principal: string; key: string },
): Promise<{ requestSha: string; statusCode: number | null; responseSealed: string | null } | undefined> {
  const { rows } = await sql<{ request_sha256: string; status_code: number | null; response_sealed: string | null }>`
    select request_sha256, status_code, response_sealed from webhooks.idempotency_keys
    where principal = ${k.principal} and key = ${k.key}`.execute(db);
  const r = rows[0];
  return r ? { requestSha: r.request_sha256, statusCode: r.status_code, responseSealed: r.response_sealed } : undefined;
}

export async function storeIdempotentResponse(
  db: Db,
  k: { principal: string; key: string; statusCode: number; responseSealed: string },
): Promise<void> {
  await sql`
    update webhooks.idempotency_keys set status_code = ${k.statusCode}, response_sealed = ${k.responseSealed}
    where principal = ${k.principal} and key = ${k.key}`.execute(db);
}
