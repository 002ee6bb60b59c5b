// Proves values cross the driver boundary exactly and alike on both backends: int8 ↔ bigint at its limits, numeric (and numeric[]) as decimal strings, date as its calendar day.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Backend, openDatabase } from '@zhirong/db';
import { openTestDatabase, pgliteTemplate, type TestDatabase, testBackends } from '@zhirong/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const INT8_MAX = 2n ** 63n - 1n;
const INT8_MIN = -(2n ** 63n);

describe.each(testBackends())('openDatabase type mapping on %s', (backend: Backend) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    await sql`create table amounts (id int primary key, minor bigint not null, rate numeric(38, 18))`.execute(
      db.kysely,
    );
  });
  afterAll(async () => {
    await db?.close();
  });

  it('reports its backend', () => {
    expect(db.backend).toBe(backend);
    expect(db.pglite !== undefined).toBe(backend === 'pglite');
  });

  it('round-trips bigint columns at the int8 limits, including negatives', async () => {
    const values = [0n, 1n, -1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, INT8_MAX, INT8_MIN];
    await db.kysely
      .insertInto('amounts')
      .values(values.map((minor, id) => ({ id, minor })))
      .execute();
    const rows = await db.kysely.selectFrom('amounts').select(['id', 'minor']).orderBy('id').execute();
    expect(rows.map((r) => r.minor)).toEqual(values);
    for (const row of rows) expect(typeof row.minor).toBe('bigint');
  });

  it('passes bigint parameters without a float', async () => {
    const { rows } = await sql<{ max: bigint; min: bigint; sum: bigint }>`
      select ${INT8_MAX}::bigint as max, ${INT8_MIN}::bigint as min, ${2n ** 62n}::bigint + ${2n ** 62n - 1n}::bigint as sum
    `.execute(db.kysely);
    expect(rows[0]).toEqual({ max: INT8_MAX, min: INT8_MIN, sum: INT8_MAX });
  });

  it('rejects a value beyond int8 instead of wrapping it', async () => {
    await expect(sql`select ${INT8_MAX + 1n}::bigint as v`.execute(db.kysely)).rejects.toMatchObject({ code: '22003' });
  });

  it('maps count(*) to bigint and sum(bigint), a numeric, to an exact string', async () => {
    const { rows } = await sql<{ n: bigint; total: string }>`
      select count(*) as n, sum(v) as total from (values (${INT8_MAX}::bigint), (${INT8_MAX}::bigint), (1::bigint)) as t(v)
    `.execute(db.kysely);
    expect(rows[0]).toEqual({ n: 3n, total: String(2n * INT8_MAX + 1n) });
  });

  it('keeps numeric a string, digit for digit', async () => {
    const exact = '12345678901234567890.123456789012345678';
    await db.kysely.insertInto('amounts').values({ id: 100, minor: 0n, rate: exact }).execute();
    const row = await db.kysely.selectFrom('amounts').select('rate').where('id', '=', 100).executeTakeFirstOrThrow();
    expect(row.rate).toBe(exact);
    const { rows } = await sql<{ sum: string; scaled: string }>`
      select 0.1::numeric + 0.2::numeric as sum, 1.10::numeric as scaled
    `.execute(db.kysely);
    expect(rows[0]).toEqual({ sum: '0.3', scaled: '1.10' });
  });

  it('maps bigint[] to bigints and numeric[] to strings', async () => {
    const { rows } = await sql<{ ints: (bigint | null)[]; decimals: (string | null)[] }>`
      select array[1, null, ${INT8_MAX}]::bigint[] as ints,
             array[0.1, null, 12345678901234567890.5]::numeric[] as decimals
    `.execute(db.kysely);
    expect(rows[0]).toEqual({ ints: [1n, null, INT8_MAX], decimals: ['0.1', null, '12345678901234567890.5'] });
  });

  it('keeps a date its calendar day, whatever the process time zone', async () => {
    const { rows } = await sql<{ day: string; days: string[] }>`
      select ${'2026-01-02'}::date as day, array['2026-02-28'::date, '2024-02-29'::date] as days
    `.execute(db.kysely);
    expect(rows[0]).toEqual({ day: '2026-01-02', days: ['2026-02-28', '2024-02-29'] });
  });

  it('returns an interval as its text, as both engines print it', async () => {
    const { rows } = await sql<{ span: string }>`select interval '1 day 2 hours' as span`.execute(db.kysely);
    expect(rows[0]?.span).toBe('1 day 02:00:00');
  });

  it('maps timestamptz to Date, jsonb to objects and uuid to text', async () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    const { rows } = await sql<{ at: Date; doc: unknown; id: string }>`
      select ${at}::timestamptz as at, ${JSON.stringify({ a: [1, 'x'] })}::jsonb as doc,
             '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'::uuid as id
    `.execute(db.kysely);
    expect(rows[0]?.at).toBeInstanceOf(Date);
    expect(rows[0]?.at.getTime()).toBe(at.getTime());
    expect(rows[0]?.doc).toEqual({ a: [1, 'x'] });
    expect(rows[0]?.id).toBe('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
  });
});

describe('openDatabase', () => {
  it('keeps an embedded database in its data directory across reopenings', async () => {
    const root = mkdtempSync(join(tmpdir(), 'zhirong-db-test-'));
    const dataDir = join(root, 'nested', 'pgdata');
    try {
      // Seeded from the test template: a bare initdb on disk costs ~20 s here.
      const first = await openDatabase({ dataDir, loadDataDir: await pgliteTemplate() });
      expect(first.backend).toBe('pglite');
      await sql`create table kept (minor bigint)`.execute(first.kysely);
      await sql`insert into kept values (${INT8_MAX})`.execute(first.kysely);
      await first.close();
      const second = await openDatabase({ dataDir });
      const { rows } = await sql<{ minor: bigint }>`select minor from kept`.execute(second.kysely);
      expect(rows).toEqual([{ minor: INT8_MAX }]);
      await second.close();
      await expect(sql`select 1`.execute(second.kysely)).rejects.toThrow();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('fails to open when the PostgreSQL server cannot be reached', async () => {
    await expect(openDatabase({ url: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toThrow();
  });
});
