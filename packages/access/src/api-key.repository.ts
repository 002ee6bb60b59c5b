import { type Kysely, sql, type Transaction } from 'kysely';

/** SQL for `access.api_keys`. Nothing outside this package reads or writes the table. */
export interface ApiKeyRow {
  id: string;
  name: string;
  scopes: string[];
  /** bytea: a Buffer from node-postgres, a Uint8Array from PGlite. */
  secret_sha256: Uint8Array;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  created_by: string | null;
  revoked_by: string | null;
}

export interface AccessTables {
  'access.api_keys': ApiKeyRow;
}

export type AccessDb = Kysely<AccessTables>;
export type AccessTrx = Transaction<AccessTables>;

export type ApiKeyListRow = Omit<ApiKeyRow, 'secret_sha256'>;

const LIST_COLUMNS = [
  'id',
  'name',
  'scopes',
  'created_at',
  'expires_at',
  'revoked_at',
  'created_by',
  'revoked_by',
] as const;

/** Serialises writers of one kind (bootstrap, revocations) across processes for one transaction. */
export async function lockFor(trx: AccessTrx, name: 'bootstrap' | 'revoke'): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`zhirong.access.${name}`}))`.execute(trx);
}

export async function insertKey(trx: AccessTrx, row: ApiKeyRow): Promise<void> {
  await trx
    .insertInto('access.api_keys')
    .values({ ...row, scopes: sql<string[]>`${row.scopes}::text[]` })
    .execute();
}

/** The key with its digest, for verification. */
export async function findKeyWithDigest(db: AccessDb | AccessTrx, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('access.api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findKey(
  db: AccessDb | AccessTrx,
  id: string,
  forUpdate = false,
): Promise<ApiKeyListRow | undefined> {
  let query = db.selectFrom('access.api_keys').select(LIST_COLUMNS).where('id', '=', id);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Keys in creation order (ids are UUIDv7), after `afterId` when given. */
export async function listKeys(db: AccessDb, options: { afterId?: string; limit: number }): Promise<ApiKeyListRow[]> {
  let query = db.selectFrom('access.api_keys').select(LIST_COLUMNS).orderBy('id').limit(options.limit);
  if (options.afterId !== undefined) query = query.where('id', '>', options.afterId);
  return query.execute();
}

export async function anyKeyExists(trx: AccessTrx): Promise<boolean> {
  const row = await trx.selectFrom('access.api_keys').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Admin keys other than `exceptId` that are neither revoked nor expired at `at`. */
export async function countOtherActiveAdmins(trx: AccessTrx, exceptId: string, at: Date): Promise<number> {
  const row = await trx
    .selectFrom('access.api_keys')
    .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
    .where('id', '!=', exceptId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
    .where(sql<boolean>`'admin' = any(scopes)`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function markRevoked(trx: AccessTrx, id: string, at: Date, by: string | null): Promise<void> {
  await trx
    .updateTable('access.api_keys')
    .set({ revoked_at: at, revoked_by: by })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}
