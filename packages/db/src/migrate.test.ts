// Proves migrateSchema applies each module's migrations once, records them in the module's own `<schema>.kysely_migration`, and leaves nothing behind when a migration fails.
import { type Backend, type Database, migrateSchema, openDatabase, type SchemaMigrations } from '@zhirong/db';
import { openTestDatabase, type TestDatabase, testBackends } from '@zhirong/db/testing';
import { type Kysely, type Migration, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: migrations see the untyped database
type AnyDb = Kysely<any>;

function createTable(qualified: string): Migration {
  return {
    async up(db: AnyDb) {
      await sql`create table ${sql.raw(qualified)} (id bigint primary key)`.execute(db);
    },
  };
}

async function tableExists(db: AnyDb, schema: string, table: string): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    select exists (select 1 from information_schema.tables where table_schema = ${schema} and table_name = ${table}) as found
  `.execute(db);
  return rows[0]?.found === true;
}

async function recorded(db: AnyDb, schema: string): Promise<string[]> {
  if (!(await tableExists(db, schema, 'kysely_migration'))) return [];
  const { rows } = await sql<{
    name: string;
  }>`select name from ${sql.id(schema, 'kysely_migration')} order by name`.execute(db);
  return rows.map((r) => r.name);
}

describe.each(testBackends())('migrateSchema on %s', (backend: Backend) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase(backend);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('applies pending migrations in name order, once, and records them in the module schema', async () => {
    const order: string[] = [];
    const step = (name: string, table: string): Migration => ({
      async up(trx: AnyDb) {
        order.push(name);
        await createTable(`alpha.${table}`).up(trx);
      },
    });
    // Listed out of order on purpose: names decide.
    const alpha: SchemaMigrations = {
      schema: 'alpha',
      migrations: { '0002_b': step('0002_b', 'b'), '0001_a': step('0001_a', 'a') },
    };

    const first = await migrateSchema(db.kysely, alpha);
    expect(first).toEqual({ schema: 'alpha', applied: ['0001_a', '0002_b'] });
    expect(order).toEqual(['0001_a', '0002_b']);
    expect(await tableExists(db.kysely, 'alpha', 'a')).toBe(true);
    expect(await tableExists(db.kysely, 'alpha', 'b')).toBe(true);
    expect(await recorded(db.kysely, 'alpha')).toEqual(['0001_a', '0002_b']);
    expect(await tableExists(db.kysely, 'alpha', 'kysely_migration_lock')).toBe(true);
    expect(await tableExists(db.kysely, 'public', 'kysely_migration')).toBe(false);

    const second = await migrateSchema(db.kysely, alpha);
    expect(second).toEqual({ schema: 'alpha', applied: [] });
    expect(order).toEqual(['0001_a', '0002_b']);

    const grown: SchemaMigrations = {
      schema: 'alpha',
      migrations: { ...alpha.migrations, '0003_c': step('0003_c', 'c') },
    };
    expect((await migrateSchema(db.kysely, grown)).applied).toEqual(['0003_c']);
    expect(order).toEqual(['0001_a', '0002_b', '0003_c']);
    expect(await recorded(db.kysely, 'alpha')).toEqual(['0001_a', '0002_b', '0003_c']);
  });

  it('keeps modules apart: the same migration name in two schemas applies in each', async () => {
    const beta: SchemaMigrations = { schema: 'beta', migrations: { '0001_init': createTable('beta.things') } };
    const gamma: SchemaMigrations = {
      schema: 'gamma',
      migrations: { '0001_init': createTable('gamma.things'), '0002_more': createTable('gamma.more') },
    };
    expect((await migrateSchema(db.kysely, beta)).applied).toEqual(['0001_init']);
    expect((await migrateSchema(db.kysely, gamma)).applied).toEqual(['0001_init', '0002_more']);
    expect(await recorded(db.kysely, 'beta')).toEqual(['0001_init']);
    expect(await recorded(db.kysely, 'gamma')).toEqual(['0001_init', '0002_more']);
    expect(await tableExists(db.kysely, 'beta', 'things')).toBe(true);
    expect(await tableExists(db.kysely, 'gamma', 'things')).toBe(true);
    // Each module's history is its own: beta knows nothing of gamma's second migration.
    expect((await migrateSchema(db.kysely, beta)).applied).toEqual([]);
  });

  it('runs a multi-statement script inside a migration', async () => {
    const delta: SchemaMigrations = {
      schema: 'delta',
      migrations: {
        '0001_script': {
          async up(trx: AnyDb) {
            await sql
              .raw(`
                create table delta.accounts (id bigint primary key, balance_minor bigint not null default 0);
                create index accounts_balance on delta.accounts (balance_minor);
                insert into delta.accounts (id, balance_minor) values (1, 9223372036854775807), (2, -5);
              `)
              .execute(trx);
          },
        },
      },
    };
    expect((await migrateSchema(db.kysely, delta)).applied).toEqual(['0001_script']);
    const { rows } = await sql<{ id: bigint; balance_minor: bigint }>`
      select id, balance_minor from delta.accounts order by id
    `.execute(db.kysely);
    expect(rows).toEqual([
      { id: 1n, balance_minor: 2n ** 63n - 1n },
      { id: 2n, balance_minor: -5n },
    ]);
  });

  it('throws naming the failed migration and leaves no part of it behind', async () => {
    const boom = new Error('boom in the middle');
    const failing: Migration = {
      async up(trx: AnyDb) {
        await createTable('epsilon.half').up(trx);
        await sql`insert into epsilon.half (id) values (1)`.execute(trx);
        throw boom;
      },
    };
    const applied: SchemaMigrations = { schema: 'epsilon', migrations: { '0001_ok': createTable('epsilon.ok') } };
    await migrateSchema(db.kysely, applied);

    const broken: SchemaMigrations = {
      schema: 'epsilon',
      migrations: { ...applied.migrations, '0002_half': failing, '0003_later': createTable('epsilon.later') },
    };
    const error: Error | undefined = await migrateSchema(db.kysely, broken).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toContain('epsilon/0002_half');
    expect(error?.message).toContain('boom in the middle');
    expect(error?.cause).toBe(boom);

    expect(await tableExists(db.kysely, 'epsilon', 'half')).toBe(false);
    expect(await tableExists(db.kysely, 'epsilon', 'later')).toBe(false);
    expect(await tableExists(db.kysely, 'epsilon', 'ok')).toBe(true);
    expect(await recorded(db.kysely, 'epsilon')).toEqual(['0001_ok']);

    // Once fixed, the same migrations apply from where the schema stood.
    const fixed: SchemaMigrations = {
      schema: 'epsilon',
      migrations: { ...broken.migrations, '0002_half': createTable('epsilon.half') },
    };
    expect((await migrateSchema(db.kysely, fixed)).applied).toEqual(['0002_half', '0003_later']);
  });

  it('rolls back every migration of a failing run, not only the failing one', async () => {
    const zeta: SchemaMigrations = {
      schema: 'zeta',
      migrations: {
        '0001_first': createTable('zeta.first'),
        '0002_fails': {
          async up() {
            throw new Error('no');
          },
        },
      },
    };
    await expect(migrateSchema(db.kysely, zeta)).rejects.toThrow('zeta/0002_fails');
    expect(await tableExists(db.kysely, 'zeta', 'first')).toBe(false);
    expect(await recorded(db.kysely, 'zeta')).toEqual([]);
  });

  it('names a failing SQL statement and its SQLSTATE cause', async () => {
    const eta: SchemaMigrations = {
      schema: 'eta',
      migrations: {
        '0001_bad_sql': {
          async up(trx: AnyDb) {
            await sql`create table eta.t (id bigint references eta.missing (id))`.execute(trx);
          },
        },
      },
    };
    const error: Error | undefined = await migrateSchema(db.kysely, eta).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^migration eta\/0001_bad_sql failed: /);
    expect(error?.cause).toMatchObject({ code: '42P01' });
  });

  it('rejects a schema name that is not a plain lower-case identifier', async () => {
    for (const schema of ['Ledger', 'ledger-x', '1ledger', 'ledger; drop table x', '']) {
      await expect(migrateSchema(db.kysely, { schema, migrations: {} })).rejects.toThrow(`bad schema name ${schema}`);
    }
  });

  it('lets several processes migrate the same fresh schema at once, applying each migration once', async () => {
    // Each process has its own pool; on PGlite one database can only be shared, and its pool serialises them.
    const handles: Database[] =
      backend === 'postgres' && db.url
        ? await Promise.all(Array.from({ length: 4 }, () => openDatabase({ url: db.url, poolSize: 2 })))
        : [db, db, db, db];
    try {
      let runs = 0;
      const theta: SchemaMigrations = {
        schema: 'theta',
        migrations: {
          '0001_a': {
            async up(trx: AnyDb) {
              runs += 1;
              await createTable('theta.a').up(trx);
            },
          },
          '0002_b': createTable('theta.b'),
        },
      };
      const reports = await Promise.all(handles.map((h) => migrateSchema(h.kysely, theta)));
      expect(reports.flatMap((r) => r.applied).sort()).toEqual(['0001_a', '0002_b']);
      expect(runs).toBe(1);
      expect(await recorded(db.kysely, 'theta')).toEqual(['0001_a', '0002_b']);
    } finally {
      if (backend === 'postgres') await Promise.all(handles.map((h) => h.close()));
    }
  });
});
