// Proves the PGlite pool behaves as node-postgres does for Kysely: affected-row counts of every write form, multi-statement scripts, and one lease at a time.
import { type Backend, inTransaction } from '@zhirong/db';
import { openTestDatabase, type TestDatabase, testBackends } from '@zhirong/db/testing';
import { type Generated, type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PGlitePool } from './pglite-pool.ts';

interface Tables {
  items: { id: number; n: Generated<number> };
}

describe.each(testBackends())('affected rows on %s', (backend: Backend) => {
  let db: TestDatabase;
  let kysely: Kysely<Tables>;

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    kysely = db.kysely as Kysely<Tables>;
    await sql`create table items (id int primary key, n int not null default 0)`.execute(kysely);
  });
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(async () => {
    await sql`delete from items`.execute(kysely);
    await kysely
      .insertInto('items')
      .values([1, 2, 3, 4, 5].map((id) => ({ id })))
      .execute();
  });

  it('reports inserted rows, counting only those an on-conflict clause kept', async () => {
    const inserted = await kysely
      .insertInto('items')
      .values([{ id: 10 }, { id: 11 }])
      .executeTakeFirstOrThrow();
    expect(inserted.numInsertedOrUpdatedRows).toBe(2n);
    const some = await kysely
      .insertInto('items')
      .values([{ id: 11 }, { id: 12 }, { id: 13 }])
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirstOrThrow();
    expect(some.numInsertedOrUpdatedRows).toBe(2n);
  });

  it('reports updated and deleted rows', async () => {
    const updated = await kysely.updateTable('items').set({ n: 1 }).where('id', '<=', 3).executeTakeFirstOrThrow();
    expect(updated.numUpdatedRows).toBe(3n);
    const none = await kysely.updateTable('items').set({ n: 1 }).where('id', '>', 100).executeTakeFirstOrThrow();
    expect(none.numUpdatedRows).toBe(0n);
    const deleted = await kysely.deleteFrom('items').where('id', 'in', [4, 5, 99]).executeTakeFirstOrThrow();
    expect(deleted.numDeletedRows).toBe(2n);
  });

  it('reports rows of with … update, with … insert and with … delete statements', async () => {
    const updated = await kysely
      .with('chosen', (q) => q.selectFrom('items').select('id').where('id', '>', 2))
      .updateTable('items')
      .set({ n: 7 })
      .where('id', 'in', (eb) => eb.selectFrom('chosen').select('id'))
      .executeTakeFirstOrThrow();
    expect(updated.numUpdatedRows).toBe(3n);

    const inserted = await kysely
      .with('source', (q) => q.selectFrom('items').select('id').where('n', '=', 7))
      .insertInto('items')
      .columns(['id', 'n'])
      .expression((eb) => eb.selectFrom('source').select([sql<number>`id + 100`.as('id'), sql<number>`0`.as('n')]))
      .executeTakeFirstOrThrow();
    expect(inserted.numInsertedOrUpdatedRows).toBe(3n);

    const deleted = await kysely
      .with('doomed', (q) => q.selectFrom('items').select('id').where('id', '>', 100))
      .deleteFrom('items')
      .where('id', 'in', (eb) => eb.selectFrom('doomed').select('id'))
      .executeTakeFirstOrThrow();
    expect(deleted.numDeletedRows).toBe(3n);
  });

  it('reports no affected rows for a select whose CTE writes, but returns its rows', async () => {
    const result = await sql<{ id: number }>`
      with bumped as (update items set n = (n + 1) where id <= 2 returning id) select id from bumped order by id
    `.execute(kysely);
    expect(result.rows).toEqual([{ id: 1 }, { id: 2 }]);
    expect(result.numAffectedRows).toBeUndefined();
  });

  it('reports rows of raw writes with and without parameters, even with a trailing semicolon', async () => {
    expect((await sql`update items set n = 2`.execute(kysely)).numAffectedRows).toBe(5n);
    expect((await sql`update items set n = ${3} where id > ${3}`.execute(kysely)).numAffectedRows).toBe(2n);
    expect((await sql`update items set n = 4 where id = 1;`.execute(kysely)).numAffectedRows).toBe(1n);
    expect((await sql`delete from items where id = 5;`.execute(kysely)).numAffectedRows).toBe(1n);
  });

  it('reports none for a plain select', async () => {
    const result = await sql`select id from items where id = 1`.execute(kysely);
    expect(result.numAffectedRows).toBeUndefined();
    expect(result.rows).toEqual([{ id: 1 }]);
  });

  it('returns rows of a parameterless select that has a semicolon in a literal', async () => {
    const { rows } = await sql<{ s: string; n: bigint }>`select 'a;b' as s, 5::bigint as n`.execute(kysely);
    expect(rows).toEqual([{ s: 'a;b', n: 5n }]);
  });
});

describe('PGlitePool', () => {
  let db: TestDatabase;
  let kysely: Kysely<Tables>;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    kysely = db.kysely as Kysely<Tables>;
  });
  afterAll(async () => {
    await db?.close();
  });

  it('runs a multi-statement parameterless script and returns the last result', async () => {
    const result = await sql<{ total: bigint }>`
      create table script_t (id int primary key, v bigint);
      insert into script_t values (1, 9223372036854775807), (2, -9223372036854775808);
      select count(*) as total from script_t;
    `.execute(kysely);
    expect(result.rows).toEqual([{ total: 2n }]);
    const { rows } = await sql<{ v: bigint }>`select v from script_t order by id`.execute(kysely);
    expect(rows.map((r) => r.v)).toEqual([2n ** 63n - 1n, -(2n ** 63n)]);
  });

  it('rolls back a failing script inside a transaction', async () => {
    await expect(
      inTransaction(kysely, async (trx) => {
        await sql`create table script_u (id int); insert into script_u values (1); select 1 / 0;`.execute(trx);
      }),
    ).rejects.toMatchObject({ code: '22012' });
    const { rows } = await sql<{ found: boolean }>`select to_regclass('script_u') is not null as found`.execute(kysely);
    expect(rows[0]?.found).toBe(false);
  });

  it('carries the SQLSTATE of a failed query and frees the lease after it', async () => {
    await expect(sql`select 1 / 0`.execute(kysely)).rejects.toMatchObject({ code: '22012' });
    await expect(sql`select * from no_such_table`.execute(kysely)).rejects.toMatchObject({ code: '42P01' });
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(kysely);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('leases its connection to one holder at a time, first come first served', async () => {
    const pglite = db.pglite;
    if (!pglite) throw new Error('expected a PGlite backend');
    const pool = new PGlitePool(pglite);
    const events: string[] = [];
    const first = await pool.connect();
    const second = pool.connect().then((client) => {
      events.push('second leased');
      return client;
    });
    const third = pool.connect().then((client) => {
      events.push('third leased');
      return client;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual([]);
    const { rows } = await first.query('select $1::int as v', [42]);
    expect(rows).toEqual([{ v: 42 }]);
    first.release();
    first.release(); // a second release must not free a lease it no longer holds
    const secondClient = await second;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual(['second leased']);
    secondClient.release();
    (await third).release();
    expect(events).toEqual(['second leased', 'third leased']);

    // Ending waits for the current holder, then refuses new leases; PGlite itself stays open.
    const holder = await pool.connect();
    let ended = false;
    const ending = pool.end().then(() => {
      ended = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ended).toBe(false);
    holder.release();
    await ending;
    await expect(pool.connect()).rejects.toThrow('database is closed');
    expect((await pglite.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('reports the command of a write and its affected rows to the caller', async () => {
    const pglite = db.pglite;
    if (!pglite) throw new Error('expected a PGlite backend');
    const pool = new PGlitePool(pglite);
    const client = await pool.connect();
    try {
      await client.query('create table cmd_t (id int)', []);
      expect(await client.query('insert into cmd_t values ($1), ($2)', [1, 2])).toMatchObject({
        command: 'INSERT',
        rowCount: 2,
      });
      expect(await client.query('  UPDATE cmd_t set id = id + $1', [10])).toMatchObject({
        command: 'UPDATE',
        rowCount: 2,
      });
      expect(
        await client.query('with x as (select $1::int as id) delete from cmd_t where id > (select id from x)', [0]),
      ).toMatchObject({ command: 'DELETE', rowCount: 2 });
      expect((await client.query('select $1::int as update_count', [1])).command).toBeUndefined();
    } finally {
      client.release();
      await pool.end();
    }
  });
});
