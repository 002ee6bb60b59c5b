import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGlitePool } from './pglite-pool.ts';
import { isInitialisedDataDir, pgliteTemplate } from './pglite-template.ts';

export type Backend = 'pglite' | 'postgres';

export interface DatabaseOptions {
  /** `postgres://…` for PostgreSQL; undefined for embedded PGlite. */
  readonly url?: string | undefined;
  /** Absolute directory of the embedded database; undefined keeps it in memory. */
  readonly dataDir?: string | undefined;
  /** A PGlite data-directory dump to start from (tests start from a pristine template). */
  readonly loadDataDir?: Blob | undefined;
  /** PostgreSQL pool size. */
  readonly poolSize?: number | undefined;
  readonly applicationName?: string | undefined;
}

/** One handle on the platform database, whichever engine is behind it. */
export interface Database {
  readonly backend: Backend;
  /** Untyped at this level: each domain views it through its own table types (`asDomain`). */
  // biome-ignore lint/suspicious/noExplicitAny: the composition root does not know domain tables
  readonly kysely: Kysely<any>;
  readonly pglite?: PGlite;
  close(): Promise<void>;
}

const INT8_OID = 20;
const INT8_ARRAY_OID = 1016;
const NUMERIC_OID = 1700;
const NUMERIC_ARRAY_OID = 1231;
const DATE_OID = 1082;
const DATE_ARRAY_OID = 1182;
const INTERVAL_OID = 1186;
const INTERVAL_ARRAY_OID = 1187;
const TEXT_ARRAY_OID = 1009;

const identity = (value: string) => value;

/**
 * Maps PostgreSQL bigint to JS bigint and numeric to string: never through a float. A `date` is a
 * calendar day with no time zone, so it stays the `YYYY-MM-DD` text (node-postgres would make it
 * local midnight, which names another day west of UTC and differs from PGlite); an interval stays
 * its text, as PGlite returns it.
 */
function pgTypeParser(oid: number, format?: 'text' | 'binary') {
  if (oid === INT8_OID) return (value: string) => BigInt(value);
  if (oid === NUMERIC_OID || oid === DATE_OID || oid === INTERVAL_OID) return identity;
  if (oid === INT8_ARRAY_OID || oid === NUMERIC_ARRAY_OID || oid === DATE_ARRAY_OID || oid === INTERVAL_ARRAY_OID) {
    const parseArray = pg.types.getTypeParser(TEXT_ARRAY_OID as Parameters<typeof pg.types.getTypeParser>[0]);
    const parseItem = oid === INT8_ARRAY_OID ? (v: string) => BigInt(v) : identity;
    return (value: string) => (parseArray(value) as (string | null)[]).map((v) => (v === null ? null : parseItem(v)));
  }
  return pg.types.getTypeParser(oid, format);
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options);
  return openPGlite(options);
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 16,
    application_name: options.applicationName ?? 'zhirong',
    types: { getTypeParser: pgTypeParser as typeof pg.types.getTypeParser },
  });
  // Surface connection errors of idle clients instead of crashing the process.
  pool.on('error', () => {});
  const client = await pool.connect();
  client.release();
  const kysely = new Kysely({ dialect: new PostgresDialect({ pool: preparingPool(pool) as unknown as pg.Pool }) });
  return {
    backend: 'postgres',
    kysely,
    close: () => kysely.destroy(),
  };
}

/**
 * Runs every parameterised statement as a named prepared statement, so PostgreSQL parses and plans
 * each distinct SQL text once per connection instead of on every call — the hot ledger statements
 * are large (`unnest` of twenty arrays) and run thousands of times a second. The name is a digest
 * of the text, so one name always means one text; the set of texts is the application's own
 * statements, which is bounded.
 */
function preparingPool(pool: pg.Pool) {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined) {
      name = `zr_${createHash('sha256').update(text).digest('base64url').slice(0, 40)}`;
      if (names.size < PREPARED_TEXTS_MAX) names.set(text, name);
    }
    return name;
  };
  return {
    async connect() {
      const client = await pool.connect();
      return {
        query: (text: string, values: unknown[]) =>
          values !== undefined && values.length > 0
            ? client.query({ name: nameOf(text), text, values })
            : client.query(text),
        release: (error?: Error | boolean) => client.release(error),
      };
    },
    end: () => pool.end(),
  };
}

const PREPARED_TEXTS_MAX = 10_000;

async function openPGlite(options: DatabaseOptions): Promise<Database> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // A new data directory starts from the pristine dump rather than running initdb.
  const loadDataDir =
    options.loadDataDir ??
    (options.dataDir && !isInitialisedDataDir(options.dataDir) ? await pgliteTemplate() : undefined);
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    parsers: {
      [INT8_OID]: (value: string) => BigInt(value),
      [NUMERIC_OID]: identity,
      [DATE_OID]: identity,
    },
  });
  const pool = new PGlitePool(pglite);
  // biome-ignore lint/suspicious/noExplicitAny: PGlitePool implements the subset of pg.Pool Kysely calls
  const kysely = new Kysely({ dialect: new PostgresDialect({ pool: pool as any }) });
  return {
    backend: 'pglite',
    kysely,
    pglite,
    close: async () => {
      await kysely.destroy();
      await pglite.close();
    },
  };
}
