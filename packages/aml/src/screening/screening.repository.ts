import type { Clock, IdGenerator } from '@zhirong/kernel';
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { ListRecord } from './lists.ts';
import { normalizeName } from './normalize.ts';

/**
 * SQL of the `aml` schema for screening: lists, their versions and entries, screening results and
 * the whitelist. Every write happens in one transaction: a list version is stored whole or not at
 * all.
 */
// biome-ignore lint/suspicious/noExplicitAny: the aml schema is reached through raw SQL only
export type AmlDb = Kysely<any>;
type Db = AmlDb;

export type ListKind = 'sanctions' | 'pep' | 'other';
/** Entries inserted per statement. */
const INSERT_BATCH_ROWS = 1000;

export interface ListVersion {
  readonly listId: string;
  readonly listName: string;
  readonly versionId: string;
  readonly version: number;
  readonly entryCount: number;
  readonly loadedAt: Date;
  readonly sourceFormat: 'csv' | 'ftm';
  readonly sourceName: string;
}

/**
 * A list entry's stable key across versions: the source's id when it has one (FollowTheMoney
 * entity id, a CSV `id` column), else the normalised name and date of birth.
 */
export function entryKey(record: ListRecord): string {
  if (record.sourceId !== undefined && record.sourceId.length > 0) return `id:${record.sourceId}`;
  const name = normalizeName(record.fullName)
    .tokens.map((t) => t.key)
    .join(' ');
  return `name:${name}|${(record.dateOfBirth ?? '').trim()}`;
}

/** Stores `records` as the next version of the list named `listName` (created on first load). */
export async function saveListVersion(
  db: Db,
  deps: { ids: IdGenerator; clock: Clock },
  input: {
    listName: string;
    kind: ListKind;
    sourceFormat: 'csv' | 'ftm';
    sourceName: string;
    records: readonly ListRecord[];
  },
  // biome-ignore lint/suspicious/noExplicitAny: the aml schema is reached through raw SQL only
  afterInsert?: (trx: Transaction<any>, version: ListVersion) => Promise<void>,
): Promise<ListVersion> {
  if (input.records.length === 0) throw new Error('saveListVersion: a list version needs at least one entry');
  const loadedAt = deps.clock.now();
  return db.transaction().execute(async (trx) => {
    await sql`insert into aml.lists (id, name, kind, created_at)
              values (${deps.ids.uuid()}, ${input.listName}, ${input.kind}, ${loadedAt})
              on conflict (name) do nothing`.execute(trx);
    const list = await sql<{ id: string }>`select id from aml.lists where name = ${input.listName} for update`.execute(
      trx,
    );
    const listId = list.rows[0]?.id as string;
    const last = await sql<{ version: number | null }>`
      select max(version) as version from aml.list_versions where list_id = ${listId}`.execute(trx);
    const version = (last.rows[0]?.version ?? 0) + 1;
    const versionId = deps.ids.uuid();
    await sql`insert into aml.list_versions (id, list_id, version, source_format, source_name, entry_count, loaded_at)
              values (${versionId}, ${listId}, ${version}, ${input.sourceFormat}, ${input.sourceName},
                      ${input.records.length}, ${loadedAt})`.execute(trx);
    for (let start = 0; start < input.records.length; start += INSERT_BATCH_ROWS) {
      const rows = input.records.slice(start, start + INSERT_BATCH_ROWS).map((r, i) => ({
        version_id: versionId,
        position: start + i,
        entry_key: entryKey(r),
        full_name: r.fullName,
        aliases: [...(r.aliases ?? [])],
        date_of_birth: r.dateOfBirth?.trim() || null,
        nationality: r.nationality?.trim() || null,
        schema_name: r.schema ?? null,
      }));
      await trx.withSchema('aml').insertInto('list_entries').values(rows).execute();
    }
    const stored: ListVersion = {
      listId,
      listName: input.listName,
      versionId,
      version,
      entryCount: input.records.length,
      loadedAt,
      sourceFormat: input.sourceFormat,
      sourceName: input.sourceName,
    };
    if (afterInsert) await afterInsert(trx, stored);
    return stored;
  });
}

function versionOf(row: Record<string, unknown>): ListVersion {
  return {
    listId: row.list_id as string,
    listName: row.name as string,
    versionId: row.id as string,
    version: Number(row.version),
    entryCount: Number(row.entry_count),
    loadedAt: new Date(row.loaded_at as string | Date),
    sourceFormat: row.source_format as 'csv' | 'ftm',
    sourceName: row.source_name as string,
  };
}

/** Every version of a list, newest first. */
export async function listVersions(db: Db, listName: string): Promise<ListVersion[]> {
  const result = await sql<Record<string, unknown>>`
    select v.*, l.name from aml.list_versions v join aml.lists l on l.id = v.list_id
    where l.name = ${listName} order by v.version desc`.execute(db);
  return result.rows.map(versionOf);
}

/** The entries of a version, in their position order. */
export async function loadListEntries(db: Db, versionId: string): Promise<(ListRecord & { entryKey: string })[]> {
  const result = await sql<Record<string, unknown>>`
    select * from aml.list_entries where version_id = ${versionId} order by position`.execute(db);
  return result.rows.map((row) => ({
    fullName: row.full_name as string,
    aliases: row.aliases as string[],
    ...(row.date_of_birth !== null ? { dateOfBirth: row.date_of_birth as string } : {}),
    ...(row.nationality !== null ? { nationality: row.nationality as string } : {}),
    ...(row.schema_name !== null ? { schema: row.schema_name as string } : {}),
    ...((row.entry_key as string).startsWith('id:') ? { sourceId: (row.entry_key as string).slice(3) } : {}),
    entryKey: row.entry_key as string,
  }));
}

/** Records that a reviewer found an input and a list entry to be different people. */
export async function addWhitelistPair(
  db: Db,
  deps: { ids: IdGenerator; clock: Clock },
  input: { listId: string; inputFingerprint: string; entryKey: string; reviewer: string; reason: string },
): Promise<void> {
  await sql`insert into aml.whitelist (id, list_id, input_fingerprint, entry_key, reviewer, reason, created_at)
            values (${deps.ids.uuid()}, ${input.listId}, ${input.inputFingerprint}, ${input.entryKey},
                    ${input.reviewer}, ${input.reason}, ${deps.clock.now()})
            on conflict (list_id, input_fingerprint, entry_key) do nothing`.execute(db);
}

/** The whitelisted (input fingerprint, entry key) pairs of a list. */
export async function whitelistPairs(
  db: Db,
  listId: string,
): Promise<{ inputFingerprint: string; entryKey: string }[]> {
  const result = await sql<{ input_fingerprint: string; entry_key: string }>`
    select input_fingerprint, entry_key from aml.whitelist where list_id = ${listId}`.execute(db);
  return result.rows.map((r) => ({ inputFingerprint: r.input_fingerprint, entryKey: r.entry_key }));
}

export interface ScreeningResultRow {
  readonly inputName: string;
  readonly inputDateOfBirth?: string | undefined;
  readonly inputNationality?: string | undefined;
  readonly entryPosition: number | null;
  readonly score: number;
  readonly threshold: number;
  readonly explanation: unknown;
}

/** Stores the results of one screening run against a version, in one transaction. */
export async function saveScreeningResults(
  db: Db,
  deps: { ids: IdGenerator; clock: Clock },
  versionId: string,
  results: readonly ScreeningResultRow[],
): Promise<string[]> {
  const screenedAt = deps.clock.now();
  const ids = results.map(() => deps.ids.uuid());
  if (results.length === 0) return ids;
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < results.length; start += INSERT_BATCH_ROWS) {
      const rows = results.slice(start, start + INSERT_BATCH_ROWS).map((r, i) => ({
        id: ids[start + i],
        version_id: versionId,
        input_name: r.inputName,
        input_date_of_birth: r.inputDateOfBirth?.trim() || null,
        input_nationality: r.inputNationality?.trim() || null,
        entry_position: r.entryPosition,
        score: r.score.toFixed(4),
        threshold: r.threshold.toFixed(4),
        explanation: JSON.stringify(r.explanation ?? null),
        screened_at: screenedAt,
      }));
      await trx.withSchema('aml').insertInto('screening_results').values(rows).execute();
    }
  });
  return ids;
}
