import { type Kysely, type Migration, Migrator } from 'kysely';

export interface SchemaMigrations {
  /** The PostgreSQL schema the module owns, e.g. `ledger`. Its migration table lives there too. */
  readonly schema: string;
  /** Migrations by name; names sort in the order they apply (`0001_accounts`, `0002_…`). */
  readonly migrations: Readonly<Record<string, Migration>>;
}

export interface MigrationReport {
  readonly schema: string;
  readonly applied: readonly string[];
}

/**
 * Brings one module's schema to its latest migration. Each module keeps its own migration table
 * (`<schema>.kysely_migration`), so modules evolve independently; Kysely's lock table makes
 * concurrent starts of several processes safe.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before any typed view exists
export async function migrateSchema(db: Kysely<any>, module: SchemaMigrations): Promise<MigrationReport> {
  if (!/^[a-z][a-z0-9_]*$/.test(module.schema)) throw new Error(`bad schema name ${module.schema}`);
  // No `create schema if not exists` of our own: run by several processes at once it fails with a
  // unique violation on pg_namespace. Kysely creates the schema itself and tolerates that race.
  const migrator = new Migrator({
    db,
    migrationTableSchema: module.schema,
    provider: { getMigrations: async () => ({ ...module.migrations }) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${module.schema}/${failed} failed: ${String((error as Error).message ?? error)}`, {
      cause: error,
    });
  }
  return {
    schema: module.schema,
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
  };
}
