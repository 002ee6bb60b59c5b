// Proves the outbox publishes exactly the events of committed transactions, once each, in id order — also with several relays at once — and that the relay's start/nudge/stop cycle delivers promptly and stops cleanly.
import { type Backend, type Database, migrateSchema, openDatabase } from '@zhirong/db';
import { openTestDatabase, type TestDatabase, testBackends } from '@zhirong/db/testing';
import { IdGenerator, ManualClock, SeededRng } from '@zhirong/kernel';
import {
  createLogger,
  type DomainEvent,
  type EventBus,
  eventJson,
  InProcessEventBus,
  type NewEvent,
  OUTBOX_BATCH_MAX,
  OUTBOX_DELIVERY_ATTEMPTS_MAX,
  Outbox,
  OutboxRelay,
  outboxMigrations,
  retryDelayMs,
} from '@zhirong/platform';
import { captureLogger } from '@zhirong/platform/testing';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const silent = createLogger({ level: 'silent' });

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Fails instead of hanging when `promise` does not settle in time. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A bus that records what it is given. */
function recordingBus(): { bus: InProcessEventBus; published: DomainEvent[] } {
  const bus = new InProcessEventBus((error) => {
    throw error;
  });
  const published: DomainEvent[] = [];
  bus.subscribe('>', (event) => void published.push(event));
  return { bus, published };
}

interface OutboxRow {
  id: string;
  topic: string;
  published_at: Date | null;
  claimed_until: Date | null;
}

describe('eventJson', () => {
  it('writes bigints as decimal strings, exactly', () => {
    expect(eventJson({ amountMinor: 2n ** 63n - 1n, fees: [-1n, 0n], note: 'x', n: 1.5 })).toBe(
      '{"amountMinor":"9223372036854775807","fees":["-1","0"],"note":"x","n":1.5}',
    );
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base after each failure and stops at the cap', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(11, 1000)).toBe(15 * 60_000);
    expect(retryDelayMs(1000, 1000)).toBe(15 * 60_000);
    expect(retryDelayMs(5, 0)).toBe(0);
  });
});

describe.each(testBackends())('outbox on %s', (backend: Backend) => {
  let db: TestDatabase;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const ids = new IdGenerator(clock, new SeededRng(backend === 'pglite' ? 1 : 2));
  const outbox = new Outbox(ids, clock);
  const relays: OutboxRelay[] = [];

  function relay(bus: EventBus, pollMs = 60_000, logger = silent): OutboxRelay {
    const created = new OutboxRelay(db.kysely, bus, logger, pollMs);
    relays.push(created);
    return created;
  }

  async function commit(events: readonly NewEvent[], thingId?: number): Promise<void> {
    await db.kysely.transaction().execute(async (trx) => {
      if (thingId !== undefined) await sql`insert into app.things (id) values (${thingId})`.execute(trx);
      await outbox.enqueue(trx, events);
    });
  }

  async function rows(): Promise<OutboxRow[]> {
    const result = await sql<OutboxRow>`
      select id, topic, published_at, claimed_until from platform.outbox order by id
    `.execute(db.kysely);
    return result.rows;
  }

  const transfer = (n: number): NewEvent => ({
    topic: 'ledger.transfers.committed',
    key: `acc_${n}`,
    payload: { n, amountMinor: BigInt(n) * 100n },
  });

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    await migrateSchema(db.kysely, outboxMigrations);
    await sql`create schema app`.execute(db.kysely);
    await sql`create table app.things (id int primary key)`.execute(db.kysely);
    await sql`create table app.seen (event_id uuid primary key, topic text not null)`.execute(db.kysely);
  });
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(async () => {
    await sql`delete from platform.outbox_retries; delete from platform.outbox; delete from app.things; delete from app.seen;`.execute(
      db.kysely,
    );
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
  });

  it('migrates the outbox table once', async () => {
    expect((await migrateSchema(db.kysely, outboxMigrations)).applied).toEqual([]);
    const { rows: recorded } = await sql<{ name: string }>`
      select name from platform.kysely_migration order by name
    `.execute(db.kysely);
    expect(recorded.map((r) => r.name)).toEqual(Object.keys(outboxMigrations.migrations).sort());
  });

  it('publishes committed events exactly once, in id order, and marks them published', async () => {
    const firstAt = clock.now();
    await commit([transfer(1), transfer(2)], 1);
    clock.advance(1000);
    const secondAt = clock.now();
    await commit([{ topic: 'ledger.accounts.opened', key: 'acc_3', payload: { currency: 'CNY' } }], 2);

    const { bus, published } = recordingBus();
    const relayer = relay(bus);
    expect(await relayer.drain()).toBe(3);

    const stored = await rows();
    expect(published.map((e) => e.id)).toEqual(stored.map((r) => r.id));
    expect(published.map((e) => e.id)).toEqual([...published.map((e) => e.id)].sort());
    expect(published.map((e) => [e.topic, e.key])).toEqual([
      ['ledger.transfers.committed', 'acc_1'],
      ['ledger.transfers.committed', 'acc_2'],
      ['ledger.accounts.opened', 'acc_3'],
    ]);
    expect(published[0]?.payload).toEqual({ n: 1, amountMinor: '100' });
    expect(published.map((e) => e.occurredAt.getTime())).toEqual([
      firstAt.getTime(),
      firstAt.getTime(),
      secondAt.getTime(),
    ]);
    for (const row of stored) {
      expect(row.published_at).toBeInstanceOf(Date);
      expect(row.claimed_until).toBeNull();
    }

    expect(await relayer.drain()).toBe(0);
    expect(await relay(bus).drain()).toBe(0);
    expect(published).toHaveLength(3);
  });

  it('never publishes events of a transaction that rolled back', async () => {
    const failure = new Error('transfer rejected');
    await expect(
      db.kysely.transaction().execute(async (trx) => {
        await sql`insert into app.things (id) values (10)`.execute(trx);
        await outbox.enqueue(trx, [transfer(10), transfer(11)]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    await commit([transfer(12)], 12);

    const { bus, published } = recordingBus();
    expect(await relay(bus).drain()).toBe(1);
    expect(published.map((e) => e.key)).toEqual(['acc_12']);
    expect(await rows()).toHaveLength(1);
  });

  it('carries bigint payload values as exact decimal strings', async () => {
    await commit([
      {
        topic: 'ledger.transfers.committed',
        key: 'acc_1',
        payload: { amountMinor: 2n ** 63n - 1n, debitMinor: -(2n ** 63n), legs: [{ amountMinor: 1n }] },
      },
    ]);
    const { bus, published } = recordingBus();
    await relay(bus).drain();
    expect(published[0]?.payload).toEqual({
      amountMinor: '9223372036854775807',
      debitMinor: '-9223372036854775808',
      legs: [{ amountMinor: '1' }],
    });
  });

  it('writes nothing for an empty batch', async () => {
    await commit([]);
    expect(await rows()).toEqual([]);
  });

  it('drains in batches of at most OUTBOX_BATCH_MAX and returns the total', async () => {
    const total = OUTBOX_BATCH_MAX * 2 + 5;
    await commit(Array.from({ length: OUTBOX_BATCH_MAX + 1 }, (_, n) => transfer(n)));
    await commit(Array.from({ length: total - OUTBOX_BATCH_MAX - 1 }, (_, n) => transfer(OUTBOX_BATCH_MAX + 1 + n)));
    const batches: number[] = [];
    const published: DomainEvent[] = [];
    const bus: EventBus = {
      subscribe: () => () => {},
      async publish(events) {
        batches.push(events.length);
        published.push(...events);
        return [];
      },
    };
    expect(await relay(bus).drain()).toBe(total);
    expect(batches).toEqual([OUTBOX_BATCH_MAX, OUTBOX_BATCH_MAX, 5]);
    const publishedIds = published.map((e) => e.id);
    expect(new Set(publishedIds).size).toBe(total);
    expect(publishedIds).toEqual([...publishedIds].sort());
    expect(published.map((e) => e.key)).toEqual(Array.from({ length: total }, (_, n) => `acc_${n}`));
  });

  it('lets a handler use the database while the relay publishes', async () => {
    const bus = new InProcessEventBus((error) => {
      throw error;
    });
    bus.subscribe('ledger.>', async (event) => {
      await sql`insert into app.seen (event_id, topic) values (${event.id}::uuid, ${event.topic}) on conflict do nothing`.execute(
        db.kysely,
      );
    });
    await commit([transfer(1), transfer(2)]);
    expect(await within(relay(bus).drain(), 10_000, 'drain with a database handler')).toBe(2);
    const { rows: seen } = await sql<{ event_id: string }>`select event_id from app.seen order by event_id`.execute(
      db.kysely,
    );
    expect(seen.map((r) => r.event_id)).toEqual((await rows()).map((r) => r.id));
  });

  it('gives a batch back when publishing fails, so the next pass publishes it', async () => {
    await commit([transfer(1), transfer(2)]);
    let calls = 0;
    const published: DomainEvent[] = [];
    const flaky: EventBus = {
      subscribe: () => () => {},
      async publish(events) {
        calls += 1;
        if (calls === 1) throw new Error('broker unavailable');
        published.push(...events);
        return [];
      },
    };
    const relayer = relay(flaky);
    await expect(relayer.drain()).rejects.toThrow('broker unavailable');
    for (const row of await rows()) {
      expect(row.published_at).toBeNull();
      expect(row.claimed_until).toBeNull();
    }
    expect(await relayer.drain()).toBe(2);
    expect(published.map((e) => e.key)).toEqual(['acc_1', 'acc_2']);
  });

  it('leaves an event another relay has claimed, and retakes it once the claim lapses', async () => {
    await commit([transfer(1), transfer(2)]);
    const [first] = await rows();
    await sql`update platform.outbox set claimed_until = now() + interval '1 hour' where id = ${first?.id}::uuid`.execute(
      db.kysely,
    );
    const { bus, published } = recordingBus();
    const relayer = relay(bus);
    expect(await relayer.drain()).toBe(1);
    expect(published.map((e) => e.key)).toEqual(['acc_2']);

    // The claiming relay died without publishing: after its claim lapses, the event goes out.
    await sql`update platform.outbox set claimed_until = now() - interval '1 second' where id = ${first?.id}::uuid`.execute(
      db.kysely,
    );
    expect(await relayer.drain()).toBe(1);
    expect(published.map((e) => e.key)).toEqual(['acc_2', 'acc_1']);
  });

  it('publishes each event exactly once in total when two relays drain at once', async () => {
    const total = OUTBOX_BATCH_MAX * 3 + 17;
    await commit(Array.from({ length: total }, (_, n) => transfer(n)));
    // On PostgreSQL each relay gets its own pool, as separate processes would.
    const others: Database[] =
      backend === 'postgres' && db.url ? [await openDatabase({ url: db.url, poolSize: 2 })] : [];
    try {
      const counts = new Map<string, number>();
      const slowBus = (): EventBus => ({
        subscribe: () => () => {},
        async publish(events) {
          await sleep(25);
          for (const e of events) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
          return [];
        },
      });
      const first = new OutboxRelay(db.kysely, slowBus(), silent, 60_000);
      const second = new OutboxRelay((others[0] ?? db).kysely, slowBus(), silent, 60_000);
      const [a, b] = await Promise.all([first.drain(), second.drain()]);
      expect(a + b).toBe(total);
      expect(counts.size).toBe(total);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect((await rows()).every((r) => r.published_at !== null)).toBe(true);
    } finally {
      await Promise.all(others.map((d) => d.close()));
    }
  });

  it('publishes on nudge() without waiting for its poll', async () => {
    const bus = new InProcessEventBus();
    const delivered = deferred<DomainEvent>();
    bus.subscribe('>', (event) => delivered.resolve(event));
    const relayer = relay(bus, 60_000);
    relayer.start();
    await commit([transfer(1)]);
    relayer.nudge();
    const event = await within(delivered.promise, 5000, 'nudge');
    expect(event.key).toBe('acc_1');
  });

  it('publishes on its poll when nobody nudges', async () => {
    const bus = new InProcessEventBus();
    const delivered = deferred<DomainEvent>();
    bus.subscribe('>', (event) => delivered.resolve(event));
    relay(bus, 20).start();
    await commit([transfer(1)]);
    expect((await within(delivered.promise, 5000, 'poll')).key).toBe('acc_1');
  });

  it('ignores nudge() before start() and after stop()', async () => {
    const { bus, published } = recordingBus();
    const relayer = relay(bus, 60_000);
    await commit([transfer(1)]);
    relayer.nudge();
    await sleep(50);
    expect(published).toEqual([]);
    relayer.start();
    await relayer.stop();
    relayer.nudge();
    await sleep(50);
    expect(published).toEqual([]);
  });

  it('runs another pass when nudged during one', async () => {
    const bus = new InProcessEventBus();
    const firstEntered = deferred();
    const release = deferred();
    const secondDelivered = deferred<DomainEvent>();
    bus.subscribe('>', async (event) => {
      if (event.key === 'acc_1') {
        firstEntered.resolve();
        await release.promise;
      } else {
        secondDelivered.resolve(event);
      }
    });
    const relayer = relay(bus, 60_000);
    relayer.start();
    await commit([transfer(1)]);
    relayer.nudge();
    await within(firstEntered.promise, 5000, 'first pass');
    await commit([transfer(2)]);
    relayer.nudge();
    release.resolve();
    expect((await within(secondDelivered.promise, 5000, 'second pass')).key).toBe('acc_2');
  });

  it('stop() waits for the running pass to finish', async () => {
    const bus = new InProcessEventBus();
    const entered = deferred();
    const release = deferred();
    bus.subscribe('>', async () => {
      entered.resolve();
      await release.promise;
    });
    const relayer = relay(bus, 60_000);
    relayer.start();
    await commit([transfer(1)]);
    relayer.nudge();
    await within(entered.promise, 5000, 'pass');
    let stopped = false;
    const stopping = relayer.stop().then(() => {
      stopped = true;
    });
    await sleep(50);
    expect(stopped).toBe(false);
    release.resolve();
    await within(stopping, 5000, 'stop');
    expect((await rows())[0]?.published_at).toBeInstanceOf(Date);
  });

  it('logs a failed pass and tries again on its next poll', async () => {
    const { logger, records } = captureLogger('info');
    let calls = 0;
    const delivered = deferred<readonly DomainEvent[]>();
    const flaky: EventBus = {
      subscribe: () => () => {},
      async publish(events) {
        calls += 1;
        if (calls === 1) throw new Error('broker unavailable');
        delivered.resolve(events);
        return [];
      },
    };
    relay(flaky, 20, logger).start();
    await commit([transfer(1)]);
    const events = await within(delivered.promise, 5000, 'retry');
    expect(events.map((e) => e.key)).toEqual(['acc_1']);
    expect(records.find((r) => r.msg === 'outbox relay pass failed')).toMatchObject({
      level: 50,
      err: { message: 'broker unavailable' },
    });
  });

  describe('a failing named consumer', () => {
    /** A relay whose retries are due at once, so a test can drive them with `drain`. */
    function retryingRelay(bus: EventBus): OutboxRelay {
      const created = new OutboxRelay(db.kysely, bus, silent, 60_000, { retryBaseMs: 0 });
      relays.push(created);
      return created;
    }

    async function retryRows() {
      const result = await sql<{ consumer: string; attempts: number; dead_at: Date | null; last_error: string }>`
        select consumer, attempts, dead_at, last_error from platform.outbox_retries order by consumer`.execute(
        db.kysely,
      );
      return result.rows;
    }

    it('gets the event again, alone, until it succeeds; other consumers get it once', async () => {
      const bus = new InProcessEventBus();
      const seenByOther: string[] = [];
      const attemptsByFlaky: string[] = [];
      bus.subscribe('ledger.>', (event) => void seenByOther.push(event.key), { consumer: 'other' });
      bus.subscribe(
        'ledger.>',
        (event) => {
          attemptsByFlaky.push(event.key);
          if (attemptsByFlaky.length <= 2) throw new Error('database hiccup');
        },
        { consumer: 'flaky' },
      );
      await commit([transfer(1)]);
      const relayer = retryingRelay(bus);
      expect(await relayer.drain()).toBe(1);
      // The first delivery and one retry failed inside that pass; the event waits for the next.
      expect(await retryRows()).toMatchObject([{ consumer: 'flaky', attempts: 2, dead_at: null }]);
      expect((await rows())[0]?.published_at).toBeInstanceOf(Date);
      await relayer.drain();
      expect(attemptsByFlaky).toEqual(['acc_1', 'acc_1', 'acc_1']);
      expect(seenByOther).toEqual(['acc_1']);
      expect(await retryRows()).toEqual([]);
    });

    it('is dead-lettered after the last attempt, with its error, and can be redelivered', async () => {
      const bus = new InProcessEventBus();
      let broken = true;
      const delivered: string[] = [];
      bus.subscribe(
        'ledger.>',
        (event) => {
          if (broken) throw new Error('schema missing');
          delivered.push(event.id);
        },
        { consumer: 'evidence' },
      );
      await commit([transfer(7)]);
      const relayer = retryingRelay(bus);
      for (let pass = 0; pass < OUTBOX_DELIVERY_ATTEMPTS_MAX + 2; pass++) await relayer.drain();
      expect(await retryRows()).toMatchObject([
        { consumer: 'evidence', attempts: OUTBOX_DELIVERY_ATTEMPTS_MAX, last_error: 'Error: schema missing' },
      ]);
      const dead = await relayer.deadLetters();
      expect(dead).toMatchObject([{ consumer: 'evidence', topic: 'ledger.transfers.committed' }]);
      expect(dead[0]?.deadAt).toBeInstanceOf(Date);
      broken = false;
      expect(await relayer.redeliverDeadLetters('someone-else')).toBe(0);
      expect(await relayer.redeliverDeadLetters('evidence')).toBe(1);
      await relayer.drain();
      expect(delivered).toEqual([dead[0]?.eventId]);
      expect(await retryRows()).toEqual([]);
    });

    it('is only reported when it has no consumer name', async () => {
      const reported: string[] = [];
      const bus = new InProcessEventBus((_error, event) => void reported.push(event.key));
      bus.subscribe('ledger.>', () => {
        throw new Error('nope');
      });
      await commit([transfer(3)]);
      await retryingRelay(bus).drain();
      expect(reported).toEqual(['acc_3']);
      expect(await retryRows()).toEqual([]);
      expect((await rows())[0]?.published_at).toBeInstanceOf(Date);
    });

    it('refuses a second subscription under the same consumer name', () => {
      const bus = new InProcessEventBus();
      const unsubscribe = bus.subscribe('>', () => {}, { consumer: 'one' });
      expect(() => bus.subscribe('>', () => {}, { consumer: 'one' })).toThrow('already subscribed');
      unsubscribe();
      expect(() => bus.subscribe('>', () => {}, { consumer: 'one' })).not.toThrow();
    });
  });
});
