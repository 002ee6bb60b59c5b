import type { SchemaMigrations } from '@zhirong/db';
import { assert, type Clock, type IdGenerator } from '@zhirong/kernel';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DeliveryFailure, DomainEvent, EventBus } from './event-bus.ts';
import type { Logger } from './logger.ts';

/**
 * The transactional outbox: a domain writes its events in the same transaction as its state
 * change, so an event exists if and only if the change committed. The relay then publishes them
 * to the bus (in-process today, NATS JetStream later) and marks them published.
 */
export interface OutboxTables {
  'platform.outbox': {
    id: string;
    topic: string;
    key: string;
    payload: unknown;
    occurred_at: Date;
    published_at: Date | null;
    /** A relay has taken the event and is publishing it; after this instant another relay may retake it. */
    claimed_until: Date | null;
  };
  /** Events a named consumer failed on, to deliver to it again (and, after the last attempt, kept as dead letters). */
  'platform.outbox_retries': {
    event_id: string;
    consumer: string;
    attempts: number;
    next_attempt_at: Date;
    last_error: string;
    claimed_until: Date | null;
    dead_at: Date | null;
  };
}

export const outboxMigrations: SchemaMigrations = {
  schema: 'platform',
  migrations: {
    '0001_outbox': {
      async up(db) {
        await sql`
          create table platform.outbox (
            id uuid primary key,
            topic text not null,
            key text not null,
            -- json, not jsonb: stored as written, no binary conversion on the write path; the relay parses it.
            payload json not null,
            occurred_at timestamptz not null,
            published_at timestamptz
          )`.execute(db);
        await sql`create index outbox_unpublished on platform.outbox (id) where published_at is null`.execute(db);
      },
    },
    '0002_outbox_claim': {
      async up(db) {
        await sql`alter table platform.outbox add column claimed_until timestamptz`.execute(db);
      },
    },
    '0003_outbox_retries': {
      async up(db) {
        await sql`
          create table platform.outbox_retries (
            event_id uuid not null references platform.outbox (id),
            consumer text not null check (length(consumer) between 1 and 200),
            attempts integer not null check (attempts >= 1),
            next_attempt_at timestamptz not null,
            last_error text not null,
            claimed_until timestamptz,
            dead_at timestamptz,
            primary key (event_id, consumer)
          )`.execute(db);
        await sql`create index outbox_retries_due on platform.outbox_retries (next_attempt_at) where dead_at is null`.execute(
          db,
        );
      },
    },
  },
};

export interface NewEvent<P = unknown> {
  readonly topic: string;
  readonly key: string;
  readonly payload: P;
}

export const OUTBOX_BATCH_MAX = 1000;

/** How long a relay's claim on a batch lasts: a relay that dies mid-publish delays its batch this long. */
export const OUTBOX_CLAIM_MS = 60_000;

/** Least time between two relay passes while commits keep coming. */
export const OUTBOX_NUDGE_COOLDOWN_MS = 50;

/** Deliveries to a failing consumer, the first included, before its event becomes a dead letter. */
export const OUTBOX_DELIVERY_ATTEMPTS_MAX = 12;

/** Retries taken in one pass. */
export const OUTBOX_RETRY_BATCH_MAX = 100;

/** The longest wait between two deliveries to a failing consumer. */
export const OUTBOX_RETRY_DELAY_MAX_MS = 15 * 60_000;

/** Stored error texts are cut to this length. */
const RETRY_ERROR_LENGTH_MAX = 2000;

/**
 * Wait before the next delivery after `attempts` failed ones: doubling from `baseMs`, capped. With
 * the default 1 s base and 12 attempts, a consumer is retried for about an hour before its event is
 * dead-lettered.
 */
export function retryDelayMs(attempts: number, baseMs: number): number {
  assert(attempts >= 1, 'a retry follows at least one failed delivery');
  return Math.min(OUTBOX_RETRY_DELAY_MAX_MS, baseMs * 2 ** Math.min(attempts - 1, 30));
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, RETRY_ERROR_LENGTH_MAX);
}

export interface OutboxRelayOptions {
  /** First wait before a failed consumer gets the event again (doubling after that). */
  readonly retryBaseMs?: number;
}

/** A dead letter: an event a consumer failed on every time it was given it. */
export interface DeadLetter {
  readonly eventId: string;
  readonly topic: string;
  readonly consumer: string;
  readonly attempts: number;
  readonly lastError: string;
  readonly deadAt: Date;
}

/** Serialises bigint as decimal strings: events carry exact money. */
export function eventJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

export class Outbox {
  readonly #ids: IdGenerator;
  readonly #clock: Clock;

  constructor(ids: IdGenerator, clock: Clock) {
    this.#ids = ids;
    this.#clock = clock;
  }

  /** Writes events inside the caller's transaction. */
  async enqueue<DB>(trx: Transaction<DB>, events: readonly NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.insertStatement(events).execute(trx);
  }

  /**
   * The INSERT that `enqueue` runs, for a caller that folds it into a larger statement (as a
   * data-modifying CTE) to save a round trip. It must run in the same transaction as the change.
   */
  insertStatement(events: readonly NewEvent[]): RawBuilder<unknown> {
    assert(
      events.length > 0 && events.length <= OUTBOX_BATCH_MAX * 10,
      'between one and 10,000 events in one transaction',
    );
    const at = this.#clock.now();
    const ids = events.map(() => this.#ids.uuid());
    return sql`
      insert into platform.outbox (id, topic, key, payload, occurred_at)
      select id, topic, key, payload::json, ${at.toISOString()}::timestamptz
      from unnest(${ids}::uuid[], ${events.map((e) => e.topic)}::text[], ${events.map((e) => e.key)}::text[],
                  ${events.map((e) => eventJson(e.payload))}::text[]) as t(id, topic, key, payload)`;
  }
}

/**
 * Moves committed events from the outbox to the bus, oldest first, in batches. Several processes
 * may relay at once: `for update skip locked` gives each batch to one of them, which claims it for
 * `OUTBOX_CLAIM_MS`. The bus is called outside any transaction, so a handler may use the database
 * (on PGlite, the single connection, a handler's query would otherwise wait forever on the relay's
 * open transaction); a relay that dies before marking its batch published leaves it to be retaken
 * when the claim lapses: delivery is at least once.
 */
export class OutboxRelay {
  readonly #db: Kysely<OutboxTables>;
  readonly #bus: EventBus;
  readonly #logger: Logger;
  readonly #pollMs: number;
  readonly #retryBaseMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #cooling = false;
  #stopped = true;

  constructor(db: Kysely<unknown>, bus: EventBus, logger: Logger, pollMs: number, options: OutboxRelayOptions = {}) {
    this.#db = db as Kysely<OutboxTables>;
    this.#bus = bus;
    this.#logger = logger;
    this.#pollMs = pollMs;
    this.#retryBaseMs = options.retryBaseMs ?? 1000;
    assert(this.#retryBaseMs >= 0, 'retry delay is not negative');
  }

  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  /**
   * Asks for a relay pass soon (after a commit that wrote events). An idle relay runs at once;
   * under a stream of commits, passes are spaced by `OUTBOX_NUDGE_COOLDOWN_MS` so that the relay's
   * own queries and commits do not compete with the writes it follows.
   */
  nudge(): void {
    if (this.#stopped) return;
    if (this.#running || this.#cooling) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), 0);
  }

  /** Publishes everything pending now, then the retries that are due; resolves when the outbox is empty. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.relayOnce();
      total += published;
      if (published === 0) break;
    }
    let retried: number;
    do retried = await this.retryOnce();
    while (retried === OUTBOX_RETRY_BATCH_MAX);
    return total;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** Claims one batch of unpublished events, publishes it in id order, marks it published. */
  async relayOnce(): Promise<number> {
    const claimed = await sql<{ id: string; topic: string; key: string; payload: unknown; occurred_at: Date }>`
      update platform.outbox set claimed_until = now() + ${`${OUTBOX_CLAIM_MS} milliseconds`}::interval
      where id in (
        select id from platform.outbox
        where published_at is null and (claimed_until is null or claimed_until < now())
        order by id limit ${OUTBOX_BATCH_MAX} for update skip locked)
      returning id, topic, key, payload, occurred_at
    `.execute(this.#db);
    if (claimed.rows.length === 0) return 0;
    // `returning` has no order; canonical lower-case UUIDv7 text sorts as the ids do.
    const events: DomainEvent[] = claimed.rows
      .map((r) => ({ id: r.id, topic: r.topic, key: r.key, payload: r.payload, occurredAt: r.occurred_at }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const ids = events.map((e) => e.id);
    let failures: readonly DeliveryFailure[];
    try {
      failures = (await this.#bus.publish(events)) ?? [];
    } catch (error) {
      // Give the batch back at once rather than after the claim lapses.
      await sql`update platform.outbox set claimed_until = null where id = any(${ids}::uuid[])`
        .execute(this.#db)
        .catch(() => {});
      throw error;
    }
    if (failures.length === 0) {
      await sql`update platform.outbox set published_at = now(), claimed_until = null where id = any(${ids}::uuid[])`.execute(
        this.#db,
      );
    } else {
      // One statement, so the batch is never marked published without its failed deliveries stored.
      await sql`
        with marked as (
          update platform.outbox set published_at = now(), claimed_until = null where id = any(${ids}::uuid[]))
        insert into platform.outbox_retries (event_id, consumer, attempts, next_attempt_at, last_error)
        select event_id, consumer, 1, now() + ${`${retryDelayMs(1, this.#retryBaseMs)} milliseconds`}::interval, last_error
        from unnest(${failures.map((f) => f.event.id)}::uuid[], ${failures.map((f) => f.consumer)}::text[],
                    ${failures.map((f) => errorText(f.error))}::text[]) as t(event_id, consumer, last_error)
        on conflict (event_id, consumer) do nothing`.execute(this.#db);
      this.#logger.warn(
        { failures: failures.map((f) => ({ consumer: f.consumer, eventId: f.event.id, topic: f.event.topic })) },
        'event consumers failed; their events will be delivered to them again',
      );
    }
    return events.length;
  }

  /**
   * Delivers due retries, each to its own consumer only. A success removes the retry; a failure
   * waits longer, and the last allowed failure turns the retry into a dead letter, kept for an
   * operator (`redeliverDeadLetters`). Returns how many retries it took.
   */
  async retryOnce(): Promise<number> {
    if (!this.#bus.deliver) return 0;
    const due = await sql<{
      event_id: string;
      consumer: string;
      attempts: number;
      topic: string;
      key: string;
      payload: unknown;
      occurred_at: Date;
    }>`
      with taken as (
        update platform.outbox_retries set claimed_until = now() + ${`${OUTBOX_CLAIM_MS} milliseconds`}::interval
        where (event_id, consumer) in (
          select event_id, consumer from platform.outbox_retries
          where dead_at is null and next_attempt_at <= now() and (claimed_until is null or claimed_until < now())
          order by next_attempt_at limit ${OUTBOX_RETRY_BATCH_MAX} for update skip locked)
        returning event_id, consumer, attempts)
      select taken.event_id, taken.consumer, taken.attempts, o.topic, o.key, o.payload, o.occurred_at
      from taken join platform.outbox o on o.id = taken.event_id
      order by taken.event_id, taken.consumer
    `.execute(this.#db);
    for (const row of due.rows) {
      const event: DomainEvent = {
        id: row.event_id,
        topic: row.topic,
        key: row.key,
        payload: row.payload,
        occurredAt: row.occurred_at,
      };
      let error: unknown;
      try {
        if (!(await this.#bus.deliver(row.consumer, event))) error = new Error(`no consumer ${row.consumer} here`);
      } catch (caught) {
        error = caught ?? new Error('handler failed');
      }
      await this.#settleRetry(row.event_id, row.consumer, row.attempts, error, event.topic);
    }
    return due.rows.length;
  }

  async #settleRetry(
    eventId: string,
    consumer: string,
    attempts: number,
    error: unknown,
    topic: string,
  ): Promise<void> {
    if (error === undefined) {
      await sql`delete from platform.outbox_retries where event_id = ${eventId}::uuid and consumer = ${consumer}`.execute(
        this.#db,
      );
      this.#logger.info(
        { consumer, eventId, topic, attempts: attempts + 1 },
        'event delivered to its consumer on retry',
      );
      return;
    }
    const failed = attempts + 1;
    const dead = failed >= OUTBOX_DELIVERY_ATTEMPTS_MAX;
    await sql`
      update platform.outbox_retries
      set attempts = ${failed}, last_error = ${errorText(error)}, claimed_until = null,
          next_attempt_at = now() + ${`${retryDelayMs(failed, this.#retryBaseMs)} milliseconds`}::interval,
          dead_at = ${dead ? sql`now()` : sql`null`}
      where event_id = ${eventId}::uuid and consumer = ${consumer}`.execute(this.#db);
    if (dead) {
      this.#logger.error(
        { err: error, consumer, eventId, topic, attempts: failed },
        'event consumer failed on every delivery: the event is a dead letter',
      );
    } else {
      this.#logger.warn({ err: error, consumer, eventId, topic, attempts: failed }, 'event consumer failed again');
    }
  }

  /** Dead letters, oldest first (at most `limit`). */
  async deadLetters(limit = OUTBOX_RETRY_BATCH_MAX): Promise<DeadLetter[]> {
    const rows = await sql<{
      event_id: string;
      topic: string;
      consumer: string;
      attempts: number;
      last_error: string;
      dead_at: Date;
    }>`
      select r.event_id, o.topic, r.consumer, r.attempts, r.last_error, r.dead_at
      from platform.outbox_retries r join platform.outbox o on o.id = r.event_id
      where r.dead_at is not null order by r.dead_at, r.event_id limit ${limit}`.execute(this.#db);
    return rows.rows.map((r) => ({
      eventId: r.event_id,
      topic: r.topic,
      consumer: r.consumer,
      attempts: r.attempts,
      lastError: r.last_error,
      deadAt: r.dead_at,
    }));
  }

  /** Gives dead letters (of one consumer, or all) a fresh set of attempts, due now; returns how many. */
  async redeliverDeadLetters(consumer?: string): Promise<number> {
    const result = await sql`
      update platform.outbox_retries set dead_at = null, attempts = 1, next_attempt_at = now(), claimed_until = null
      where dead_at is not null ${consumer === undefined ? sql`` : sql`and consumer = ${consumer}`}
      returning event_id`.execute(this.#db);
    const count = result.rows.length;
    if (count > 0) this.nudge();
    return count;
  }

  #schedule(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), this.#pollMs);
    this.#timer.unref?.();
  }

  #tick(): void {
    this.#cooling = false;
    if (this.#running || this.#stopped) return;
    this.#running = this.drain()
      .then(() => undefined)
      .catch((error: unknown) => {
        this.#logger.error({ err: error }, 'outbox relay pass failed');
      })
      .finally(() => {
        this.#running = undefined;
        if (this.#again && !this.#stopped) {
          this.#again = false;
          this.#cooling = true;
          clearTimeout(this.#timer);
          this.#timer = setTimeout(() => {
            this.#cooling = false;
            this.#tick();
          }, OUTBOX_NUDGE_COOLDOWN_MS);
        } else {
          this.#schedule();
        }
      });
  }
}
