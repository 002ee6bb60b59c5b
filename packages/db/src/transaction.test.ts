// Proves inTransaction commits, rolls back on error, and reruns the work after a serialization failure or deadlock — simulated on both backends, real on PostgreSQL.
import {
  type Backend,
  type IsolationLevel,
  inTransaction,
  isRetryableTransactionError,
  isUniqueViolation,
  sqlState,
} from '@zhirong/db';
import { openTestDatabase, type TestDatabase, testBackends } from '@zhirong/db/testing';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

interface Tables {
  notes: { id: number; body: string };
  cells: { id: number; value: number };
}

function sqlError(code: string, message = `simulated ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

/** Resolves once `parties` callers have arrived. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived >= parties) open();
    return opened;
  };
}

describe('transaction error classification', () => {
  it('reads the SQLSTATE from an error', () => {
    expect(sqlState(sqlError('40001'))).toBe('40001');
    expect(sqlState(new Error('plain'))).toBeUndefined();
    expect(sqlState({ code: 40001 })).toBeUndefined();
    expect(sqlState(null)).toBeUndefined();
    expect(sqlState(undefined)).toBeUndefined();
    expect(sqlState('40001')).toBeUndefined();
  });

  it('retries serialization failures and deadlocks only', () => {
    expect(isRetryableTransactionError(sqlError('40001'))).toBe(true);
    expect(isRetryableTransactionError(sqlError('40P01'))).toBe(true);
    for (const code of ['23505', '40002', '40003', '57014', '08006']) {
      expect(isRetryableTransactionError(sqlError(code))).toBe(false);
    }
    expect(isRetryableTransactionError(new Error('40001'))).toBe(false);
  });

  it('recognises a unique violation', () => {
    expect(isUniqueViolation(sqlError('23505'))).toBe(true);
    expect(isUniqueViolation(sqlError('23503'))).toBe(false);
  });
});

describe.each(testBackends())('inTransaction on %s', (backend: Backend) => {
  let db: TestDatabase;
  let kysely: Kysely<Tables>;

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    kysely = db.kysely as Kysely<Tables>;
    await sql`create table notes (id int primary key, body text not null)`.execute(kysely);
    await sql`create table cells (id int primary key, value int not null)`.execute(kysely);
  });
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(async () => {
    await sql`truncate notes, cells`.execute(kysely);
  });

  async function noteIds(): Promise<number[]> {
    const rows = await kysely.selectFrom('notes').select('id').orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  it('commits the work and returns its value', async () => {
    const result = await inTransaction(kysely, async (trx) => {
      await trx.insertInto('notes').values({ id: 1, body: 'one' }).execute();
      await trx.insertInto('notes').values({ id: 2, body: 'two' }).execute();
      return 'done';
    });
    expect(result).toBe('done');
    expect(await noteIds()).toEqual([1, 2]);
  });

  it('rolls everything back and rethrows when the work fails', async () => {
    const failure = new Error('business rule broken');
    let attempts = 0;
    await expect(
      inTransaction(kysely, async (trx) => {
        attempts += 1;
        await trx.insertInto('notes').values({ id: 1, body: 'one' }).execute();
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(attempts).toBe(1);
    expect(await noteIds()).toEqual([]);
  });

  it('rolls back on a database error and does not retry it', async () => {
    await kysely.insertInto('notes').values({ id: 1, body: 'one' }).execute();
    let attempts = 0;
    const error = await inTransaction(kysely, async (trx) => {
      attempts += 1;
      await trx.insertInto('notes').values({ id: 2, body: 'two' }).execute();
      await trx.insertInto('notes').values({ id: 1, body: 'again' }).execute();
    }).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(attempts).toBe(1);
    expect(await noteIds()).toEqual([1]);
  });

  it('reruns the work from the start after a 40001, discarding the first attempt', async () => {
    let attempts = 0;
    const result = await inTransaction(kysely, async (trx) => {
      attempts += 1;
      await trx
        .insertInto('notes')
        .values({ id: attempts, body: `attempt ${attempts}` })
        .execute();
      if (attempts === 1) throw sqlError('40001', 'could not serialize access');
      return attempts;
    });
    expect(result).toBe(2);
    expect(attempts).toBe(2);
    expect(await noteIds()).toEqual([2]);
  });

  it('reruns the work after a deadlock (40P01)', async () => {
    let attempts = 0;
    await inTransaction(kysely, async (trx) => {
      attempts += 1;
      if (attempts < 3) throw sqlError('40P01', 'deadlock detected');
      await trx.insertInto('notes').values({ id: 7, body: 'finally' }).execute();
    });
    expect(attempts).toBe(3);
    expect(await noteIds()).toEqual([7]);
  });

  it('gives up after retriesMax further attempts and rethrows the last failure', async () => {
    let attempts = 0;
    const last = await inTransaction(
      kysely,
      async () => {
        attempts += 1;
        throw sqlError('40001', `failure ${attempts}`);
      },
      { retriesMax: 2, backoffMs: 1 },
    ).catch((e: unknown) => e as Error);
    expect(attempts).toBe(3);
    expect(last.message).toBe('failure 3');
  });

  it('never retries with retriesMax 0', async () => {
    let attempts = 0;
    await expect(
      inTransaction(
        kysely,
        async () => {
          attempts += 1;
          throw sqlError('40001');
        },
        { retriesMax: 0 },
      ),
    ).rejects.toMatchObject({ code: '40001' });
    expect(attempts).toBe(1);
  });

  it.each<IsolationLevel>(['read committed', 'repeatable read', 'serializable'])(
    'runs at the requested isolation level (%s)',
    async (isolationLevel) => {
      const level = await inTransaction(
        kysely,
        async (trx) => {
          const { rows } = await sql<{
            level: string;
          }>`select current_setting('transaction_isolation') as level`.execute(trx);
          return rows[0]?.level;
        },
        { isolationLevel },
      );
      expect(level).toBe(isolationLevel);
    },
  );

  it.runIf(backend === 'pglite')('serialises concurrent transactions on the one PGlite connection', async () => {
    await kysely.insertInto('cells').values({ id: 1, value: 0 }).execute();
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        inTransaction(kysely, async (trx) => {
          const cell = await trx.selectFrom('cells').select('value').where('id', '=', 1).executeTakeFirstOrThrow();
          await new Promise((resolve) => setTimeout(resolve, 1));
          await trx
            .updateTable('cells')
            .set({ value: cell.value + 1 })
            .where('id', '=', 1)
            .execute();
          order.push(index);
        }),
      ),
    );
    const cell = await kysely.selectFrom('cells').select('value').where('id', '=', 1).executeTakeFirstOrThrow();
    expect(cell.value).toBe(20);
    // The lease is first come, first served.
    expect(order).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  it.runIf(backend === 'postgres')(
    'retries a real serialization failure between two serializable transactions',
    async () => {
      await kysely
        .insertInto('cells')
        .values([
          { id: 1, value: 0 },
          { id: 2, value: 0 },
        ])
        .execute();
      const bothHaveRead = barrier(2);
      const attempts = { 1: 0, 2: 0 };
      // Each sets its own cell to (sum of both cells) + 1: run serially that gives {1, 2}; a write skew gives {1, 1}.
      const work = (id: 1 | 2) =>
        inTransaction(
          kysely,
          async (trx) => {
            attempts[id] += 1;
            const rows = await trx.selectFrom('cells').select('value').execute();
            const sum = rows.reduce((total, r) => total + r.value, 0);
            if (attempts[id] === 1) await bothHaveRead();
            await trx
              .updateTable('cells')
              .set({ value: sum + 1 })
              .where('id', '=', id)
              .execute();
          },
          { isolationLevel: 'serializable', backoffMs: 1 },
        );
      await Promise.all([work(1), work(2)]);
      const values = (await kysely.selectFrom('cells').select('value').orderBy('value').execute()).map((r) => r.value);
      expect(values).toEqual([1, 2]);
      expect(attempts[1] + attempts[2]).toBeGreaterThan(2);
    },
  );

  it.runIf(backend === 'postgres')('retries a real deadlock', async () => {
    await kysely
      .insertInto('cells')
      .values([
        { id: 1, value: 0 },
        { id: 2, value: 0 },
      ])
      .execute();
    const bothHoldOne = barrier(2);
    let attempts = 0;
    // Opposite lock order: PostgreSQL breaks the cycle by failing one with 40P01 (after deadlock_timeout, 1 s).
    const work = (first: number, second: number) =>
      inTransaction(
        kysely,
        async (trx) => {
          attempts += 1;
          await sql`update cells set value = value + 1 where id = ${first}`.execute(trx);
          await bothHoldOne();
          await sql`update cells set value = value + 1 where id = ${second}`.execute(trx);
        },
        { backoffMs: 1 },
      );
    await Promise.all([work(1, 2), work(2, 1)]);
    const values = (await kysely.selectFrom('cells').select('value').orderBy('id').execute()).map((r) => r.value);
    expect(values).toEqual([2, 2]);
    expect(attempts).toBe(3);
  });
});
