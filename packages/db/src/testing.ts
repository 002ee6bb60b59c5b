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
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
