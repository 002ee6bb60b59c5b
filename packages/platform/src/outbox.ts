import type { SchemaMigrations } from '@zhirong/db';
import { assert, type Clock, type IdGenerator } from '@zhirong/kernel';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DomainEvent, EventBus } from './event-bus.ts';
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
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #cooling = false;
  #stopped = true;

  constructor(db: Kysely<unknown>, bus: EventBus, logger: Logger, pollMs: number) {
    this.#db = db as Kysely<OutboxTables>;
    this.#bus = bus;
    this.#logger = logger;
    this.#pollMs = pollMs;
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

  /** Publishes everything pending now; resolves when the outbox is empty. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.relayOnce();
      total += published;
      if (published === 0) return total;
    }
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
    try {
      await this.#bus.publish(events);
    } catch (error) {
      // Give the batch back at once rather than after the claim lapses.
      await sql`update platform.outbox set claimed_until = null where id = any(${ids}::uuid[])`
        .execute(this.#db)
        .catch(() => {});
      throw error;
    }
    await sql`update platform.outbox set published_at = now(), claimed_until = null where id = any(${ids}::uuid[])`.execute(
      this.#db,
    );
    return events.length;
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
