import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Backend, type Database, openDatabase } from './database.ts';
import { pgliteTemplate } from './pglite-template.ts';

export { pgliteTemplate };

/**
 * Test databases. Every suite runs on a fresh embedded PGlite; when ZHIRONG_TEST_DATABASE_URL
 * names a PostgreSQL server (CI sets it), the same suite runs again on a fresh PostgreSQL database.
 */
export function testBackends(): Backend[] {
  return process.env.ZHIRONG_TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export function postgresTestUrl(): string | undefined {
  return process.env.ZHIRONG_TEST_DATABASE_URL || undefined;
}

export interface TestDatabase extends Database {
  /** The connection URL of a PostgreSQL test database (undefined for PGlite). */
  readonly url?: string;
}

export async function openTestDatabase(backend: Backend, options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (backend === 'pglite') {
    return openDatabase({ loadDataDir: await pgliteTemplate() });
  }
  const adminUrl = postgresTestUrl();
  if (!adminUrl) throw new Error('ZHIRONG_TEST_DATABASE_URL is not set');
  const name = `zr_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), poolSize: options.poolSize ?? 8 });
  return {
    ...db,
    url: url.toString(),
    close: async () => {
      await db.close();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      try {
        // A pool's clients may still be closing: give them a moment to leave, so the forced drop
        // below does not kill a connection whose client then reports it as an unhandled error.
        for (let waited = 0; waited < 2000; waited += 50) {
          const open = await dropper.query('select count(*)::int as n from pg_stat_activity where datname = $1', [
            name,
          ]);
          if (open.rows[0]?.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
