import { assert } from '@zhirong/kernel';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { TileId, TileWrite } from './tiles.ts';

/** The chain schema's SQL. Hashes travel as hex text and are decoded by PostgreSQL. */
// biome-ignore lint/suspicious/noExplicitAny: the chain views the platform database through raw SQL
export type Db = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
export type Trx = Transaction<any>;

/** bytea comes back as a Buffer (node-postgres) or a Uint8Array (PGlite). */
export function toBuffer(value: unknown): Buffer {
  assert(value instanceof Uint8Array, 'bytea column');
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

export async function lockTreeSize(trx: Trx): Promise<number> {
  const { rows } = await sql<{ tree_size: bigint }>`select tree_size from chain.state where id = 1 for update`.execute(
    trx,
  );
  const size = rows[0]?.tree_size;
  assert(size !== undefined, 'chain.state has its row');
  return Number(size);
}

export async function treeSize(db: Db): Promise<number> {
  const { rows } = await sql<{ tree_size: bigint }>`select tree_size from chain.state where id = 1`.execute(db);
  return Number(rows[0]?.tree_size ?? 0n);
}

/**
 * Fetches whole tiles in one query, keyed `level/index` (absent tiles are absent from the map):
 * `(level, idx) in (…)`, index lookups that are cheaper to plan and to send than a join over
 * `unnest` arrays (a proof reads one to three tiles).
 */
export async function loadTiles(db: Db | Trx, tiles: readonly TileId[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (tiles.length === 0) return out;
  const keys = sql.join(tiles.map((t) => sql`(${t.level}::smallint, ${String(t.index)}::bigint)`));
  const { rows } = await sql<{ level: number; idx: bigint; hashes: Uint8Array }>`
    select level, idx, hashes from chain.tiles where (level, idx) in (${keys})
  `.execute(db);
  for (const row of rows) out.set(`${Number(row.level)}/${Number(row.idx)}`, toBuffer(row.hashes));
  return out;
}

/** Up to `limit` tiles of level ≥ 1, highest levels first (the proof cache's preload). */
export async function upperTiles(db: Db, limit: number): Promise<Map<string, Buffer>> {
  const { rows } = await sql<{ level: number; idx: bigint; hashes: Uint8Array }>`
    select level, idx, hashes from chain.tiles where level >= 1 order by level desc, idx desc limit ${limit}
  `.execute(db);
  return new Map(rows.map((r) => [`${Number(r.level)}/${Number(r.idx)}`, toBuffer(r.hashes)]));
}

/** Writes whole tiles (new ones, or a right-edge tile grown at its end). */
export async function writeTiles(db: Db | Trx, tiles: readonly TileWrite[]): Promise<void> {
  if (tiles.length === 0) return;
  const { offsets, lengths } = layout(tiles);
  await sql`
    insert into chain.tiles (level, idx, hashes)
    select t.level, t.idx, substring(${Buffer.concat(tiles.map((t) => t.hashes))}::bytea from t.off + 1 for t.len)
    from unnest(${tiles.map((t) => t.level)}::smallint[], ${tiles.map((t) => String(t.index))}::bigint[],
      ${offsets}::int[], ${lengths}::int[]) as t(level, idx, off, len)
    on conflict (level, idx) do update set hashes = excluded.hashes
  `.execute(db);
}

function layout(tiles: readonly TileWrite[]): { offsets: number[]; lengths: number[] } {
  const offsets: number[] = [];
  const lengths: number[] = [];
  let at = 0;
  for (const t of tiles) {
    offsets.push(at);
    lengths.push(t.hashes.length);
    at += t.hashes.length;
  }
  return { offsets, lengths };
}

export interface LeafInsert {
  readonly index: number;
  readonly recordType: string;
  readonly recordId: string;
  /** Hex. */
  readonly bodySha256: string;
  readonly leafHash: Buffer;
}

/**
 * Writes leaves and tiles in one statement (two data-modifying CTEs over unnest arrays) and moves
 * the tree size. Returns how many leaves were inserted: fewer than given means a record was
 * already in the log (`on conflict do nothing`), and the caller rolls back.
 */
export async function writeAppend(
  trx: Trx,
  leaves: readonly LeafInsert[],
  tiles: readonly TileWrite[],
  newSize: number,
  at: Date,
): Promise<number> {
  const first = leaves[0]?.index ?? newSize;
  assert(
    leaves.every((l, i) => l.index === first + i),
    'leaves are contiguous',
  );
  const { offsets, lengths } = layout(tiles);
  // Hashes travel as one bytea per column (32 bytes per row, sliced in SQL): no per-element
  // array encoding on either side, which is most of the cost of a 50,000-row statement.
  const { rows } = await sql<{ inserted: bigint }>`
    with new_leaves as (
      insert into chain.leaves (idx, record_type, record_id, body_sha256, leaf_hash, appended_at)
      select ${String(first)}::bigint + t.ord - 1, t.record_type, t.record_id,
        substring(${Buffer.from(leaves.map((l) => l.bodySha256).join(''), 'hex')}::bytea from ((t.ord - 1) * 32 + 1)::int for 32),
        substring(${Buffer.concat(leaves.map((l) => l.leafHash))}::bytea from ((t.ord - 1) * 32 + 1)::int for 32),
        ${at.toISOString()}::timestamptz
      from unnest(${leaves.map((l) => l.recordType)}::text[], ${leaves.map((l) => l.recordId)}::text[])
        with ordinality as t(record_type, record_id, ord)
      on conflict do nothing
      returning 1
    ), new_tiles as (
      insert into chain.tiles (level, idx, hashes)
      select t.level, t.idx, substring(${Buffer.concat(tiles.map((t) => t.hashes))}::bytea from t.off + 1 for t.len)
      from unnest(${tiles.map((t) => t.level)}::smallint[], ${tiles.map((t) => String(t.index))}::bigint[],
        ${offsets}::int[], ${lengths}::int[]) as t(level, idx, off, len)
      on conflict (level, idx) do update set hashes = excluded.hashes
      returning 1
    ), moved as (
      update chain.state set tree_size = ${String(newSize)}::bigint where id = 1 returning 1
    )
    select (select count(*) from new_leaves) as inserted, (select count(*) from new_tiles) as tiles, (select count(*) from moved) as moved
  `.execute(trx);
  return Number(rows[0]?.inserted ?? 0n);
}

/** The records of this list already in the log, by `type\u0000id`, with their stored body digests. */
export async function existingRecords(
  db: Db | Trx,
  records: readonly { recordType: string; recordId: string }[],
): Promise<Map<string, Buffer>> {
  if (records.length === 0) return new Map();
  const { rows } = await sql<{ record_type: string; record_id: string; body_sha256: Uint8Array }>`
    select l.record_type, l.record_id, l.body_sha256 from chain.leaves l
    join unnest(${records.map((r) => r.recordType)}::text[], ${records.map((r) => r.recordId)}::text[]) as k(t, i)
      on l.record_type = k.t and l.record_id = k.i
  `.execute(db);
  return new Map(rows.map((r) => [`${r.record_type}\u0000${r.record_id}`, toBuffer(r.body_sha256)]));
}

export interface LeafRow {
  readonly index: number;
  readonly recordType: string;
  readonly recordId: string;
  readonly bodySha256: Buffer;
  readonly leafHash: Buffer;
  readonly appendedAt: Date;
}

function leafRow(r: {
  idx: bigint;
  record_type: string;
  record_id: string;
  body_sha256: Uint8Array;
  leaf_hash: Uint8Array;
  appended_at: Date;
}): LeafRow {
  return {
    index: Number(r.idx),
    recordType: r.record_type,
    recordId: r.record_id,
    bodySha256: toBuffer(r.body_sha256),
    leafHash: toBuffer(r.leaf_hash),
    appendedAt: r.appended_at,
  };
}

export async function leafByIndex(db: Db, index: number): Promise<LeafRow | undefined> {
  const { rows } = await sql<Parameters<typeof leafRow>[0]>`
    select idx, record_type, record_id, body_sha256, leaf_hash, appended_at from chain.leaves where idx = ${String(index)}::bigint
  `.execute(db);
  return rows[0] ? leafRow(rows[0]) : undefined;
}

export async function leafByRecord(db: Db, recordType: string, recordId: string): Promise<LeafRow | undefined> {
  const { rows } = await sql<Parameters<typeof leafRow>[0]>`
    select idx, record_type, record_id, body_sha256, leaf_hash, appended_at from chain.leaves
    where record_type = ${recordType} and record_id = ${recordId}
  `.execute(db);
  return rows[0] ? leafRow(rows[0]) : undefined;
}

/** Leaves `[from, from + limit)` in index order (the audit's pages). */
export async function leafPage(db: Db, from: number, limit: number): Promise<LeafRow[]> {
  const { rows } = await sql<Parameters<typeof leafRow>[0]>`
    select idx, record_type, record_id, body_sha256, leaf_hash, appended_at from chain.leaves
    where idx >= ${String(from)}::bigint and idx < ${String(from + limit)}::bigint order by idx
  `.execute(db);
  return rows.map(leafRow);
}

/**
 * The tiles holding the stored hashes of leaves `[from, to)` and of the nodes at tile levels ≥ 1
 * whose subtrees end in `(from, to]` (the audit's pages), as index-range scans per tile level.
 */
export async function tilesForLeafRange(
  db: Db,
  from: number,
  to: number,
  height: number,
): Promise<Map<string, Buffer>> {
  const levels: number[] = [];
  const lows: string[] = [];
  const highs: string[] = [];
  const width = 2 ** height;
  for (let level = 0, span = 1; span <= to; level++, span *= width) {
    const low = Math.floor(from / span);
    const high = Math.floor(to / span) - 1;
    if (high < low) continue;
    levels.push(level);
    lows.push(String(Math.floor(low / width)));
    highs.push(String(Math.floor(high / width)));
  }
  if (levels.length === 0) return new Map();
  const { rows } = await sql<{ level: number; idx: bigint; hashes: Uint8Array }>`
    select t.level, t.idx, t.hashes from chain.tiles t
    join unnest(${levels}::smallint[], ${lows}::bigint[], ${highs}::bigint[]) as k(level, low, high)
      on t.level = k.level and t.idx between k.low and k.high
  `.execute(db);
  return new Map(rows.map((r) => [`${Number(r.level)}/${Number(r.idx)}`, toBuffer(r.hashes)]));
}

/** Hashes stored per tile level (the audit checks there are no more than the tree has). */
export async function storedHashesByLevel(db: Db): Promise<Map<number, number>> {
  const { rows } = await sql<{ level: number; hashes: bigint }>`
    select level, sum(octet_length(hashes) / 32)::bigint as hashes from chain.tiles group by level
  `.execute(db);
  return new Map(rows.map((r) => [Number(r.level), Number(r.hashes)]));
}

/** Leaf hashes `[from, from + limit)` in index order (the tile rebuild's pages); a gap is an assertion. */
export async function leafHashPage(db: Db | Trx, from: number, limit: number): Promise<Buffer[]> {
  const { rows } = await sql<{ idx: bigint; leaf_hash: Uint8Array }>`
    select idx, leaf_hash from chain.leaves
    where idx >= ${String(from)}::bigint and idx < ${String(from + limit)}::bigint order by idx
  `.execute(db);
  rows.forEach((r, i) => {
    assert(Number(r.idx) === from + i, `leaf ${from + i} is stored`);
  });
  return rows.map((r) => toBuffer(r.leaf_hash));
}

// ------------------------------------------------------------------ heads

export interface HeadRow {
  readonly treeSize: number;
  readonly rootHash: Buffer;
  readonly timestampMs: number;
  readonly logId: string;
  readonly signature: Buffer;
}

type HeadDbRow = {
  tree_size: bigint;
  root_hash: Uint8Array;
  timestamp_ms: bigint;
  log_id: string;
  signature: Uint8Array;
};

function headRow(r: HeadDbRow): HeadRow {
  return {
    treeSize: Number(r.tree_size),
    rootHash: toBuffer(r.root_hash),
    timestampMs: Number(r.timestamp_ms),
    logId: r.log_id,
    signature: toBuffer(r.signature),
  };
}

export async function latestHead(db: Db): Promise<HeadRow | undefined> {
  const { rows } = await sql<HeadDbRow>`
    select tree_size, root_hash, timestamp_ms, log_id, signature from chain.heads order by tree_size desc limit 1
  `.execute(db);
  return rows[0] ? headRow(rows[0]) : undefined;
}

export async function headAt(db: Db, size: number): Promise<HeadRow | undefined> {
  const { rows } = await sql<HeadDbRow>`
    select tree_size, root_hash, timestamp_ms, log_id, signature from chain.heads where tree_size = ${String(size)}::bigint
  `.execute(db);
  return rows[0] ? headRow(rows[0]) : undefined;
}

export async function listHeads(db: Db, limit: number, beforeSize?: number): Promise<HeadRow[]> {
  const { rows } = await sql<HeadDbRow>`
    select tree_size, root_hash, timestamp_ms, log_id, signature from chain.heads
    where ${beforeSize === undefined ? sql`true` : sql`tree_size < ${String(beforeSize)}::bigint`}
    order by tree_size desc limit ${limit}
  `.execute(db);
  return rows.map(headRow);
}

export async function allHeads(db: Db): Promise<HeadRow[]> {
  const { rows } = await sql<HeadDbRow>`
    select tree_size, root_hash, timestamp_ms, log_id, signature from chain.heads order by tree_size
  `.execute(db);
  return rows.map(headRow);
}

export async function insertHead(db: Db, head: HeadRow): Promise<void> {
  await sql`
    insert into chain.heads (tree_size, root_hash, timestamp_ms, log_id, signature)
    values (${String(head.treeSize)}::bigint, decode(${head.rootHash.toString('hex')}, 'hex'), ${String(head.timestampMs)}::bigint,
            ${head.logId}, decode(${head.signature.toString('hex')}, 'hex'))
    on conflict (tree_size) do nothing
  `.execute(db);
}

// ------------------------------------------------------------------ witnesses

export interface WitnessRow {
  readonly id: string;
  readonly name: string;
  readonly publicKey: Buffer;
  readonly createdAt: Date;
}

type WitnessDbRow = { id: string; name: string; public_key: Uint8Array; created_at: Date };
const witnessRow = (r: WitnessDbRow): WitnessRow => ({
  id: r.id,
  name: r.name,
  publicKey: toBuffer(r.public_key),
  createdAt: r.created_at,
});

export async function insertWitness(db: Db, witness: WitnessRow): Promise<void> {
  await sql`
    insert into chain.witnesses (id, name, public_key, created_at)
    values (${witness.id}::uuid, ${witness.name}, decode(${witness.publicKey.toString('hex')}, 'hex'), ${witness.createdAt.toISOString()}::timestamptz)
    on conflict do nothing
  `.execute(db);
}

export async function findWitnesses(db: Db, where: { name?: string; publicKey?: Buffer }): Promise<WitnessRow[]> {
  const { rows } = await sql<WitnessDbRow>`
    select id, name, public_key, created_at from chain.witnesses
    where name = ${where.name ?? null} or public_key = decode(${where.publicKey?.toString('hex') ?? ''}, 'hex')
  `.execute(db);
  return rows.map(witnessRow);
}

export async function listWitnesses(db: Db): Promise<WitnessRow[]> {
  const { rows } =
    await sql<WitnessDbRow>`select id, name, public_key, created_at from chain.witnesses order by name`.execute(db);
  return rows.map(witnessRow);
}

export interface CosignatureRow {
  readonly treeSize: number;
  readonly witnessId: string;
  readonly witnessPublicKey: Buffer;
  readonly timestampMs: number;
  readonly signature: Buffer;
}

export async function insertCosignature(
  db: Db,
  c: Omit<CosignatureRow, 'witnessPublicKey'>,
  receivedAt: Date,
): Promise<void> {
  await sql`
    insert into chain.cosignatures (tree_size, witness_id, timestamp_ms, signature, received_at)
    values (${String(c.treeSize)}::bigint, ${c.witnessId}::uuid, ${String(c.timestampMs)}::bigint,
            decode(${c.signature.toString('hex')}, 'hex'), ${receivedAt.toISOString()}::timestamptz)
    on conflict (tree_size, witness_id) do nothing
  `.execute(db);
}

export async function cosignaturesFor(db: Db, sizes: readonly number[]): Promise<CosignatureRow[]> {
  if (sizes.length === 0) return [];
  const { rows } = await sql<{
    tree_size: bigint;
    witness_id: string;
    public_key: Uint8Array;
    timestamp_ms: bigint;
    signature: Uint8Array;
  }>`
    select c.tree_size, c.witness_id, w.public_key, c.timestamp_ms, c.signature
    from chain.cosignatures c join chain.witnesses w on w.id = c.witness_id
    where c.tree_size = any(${sizes.map(String)}::bigint[]) order by c.tree_size, w.name
  `.execute(db);
  return rows.map((r) => ({
    treeSize: Number(r.tree_size),
    witnessId: r.witness_id,
    witnessPublicKey: toBuffer(r.public_key),
    timestampMs: Number(r.timestamp_ms),
    signature: toBuffer(r.signature),
  }));
}

/** The largest head with at least `quorum` cosignatures. */
export async function latestFinalSize(db: Db, quorum: number): Promise<number | undefined> {
  const { rows } = await sql<{ tree_size: bigint }>`
    select tree_size from chain.cosignatures group by tree_size having count(*) >= ${quorum}
    order by tree_size desc limit 1
  `.execute(db);
  return rows[0] ? Number(rows[0].tree_size) : undefined;
}

export interface AlarmRow {
  readonly id: string;
  readonly witnessId: string | null;
  readonly reason: string;
  readonly evidence: unknown;
  readonly raisedAt: Date;
}

export async function insertAlarm(db: Db, alarm: AlarmRow): Promise<void> {
  await sql`
    insert into chain.fork_alarms (id, witness_id, reason, evidence, raised_at)
    values (${alarm.id}::uuid, ${alarm.witnessId}::uuid, ${alarm.reason}, ${JSON.stringify(alarm.evidence)}::json,
            ${alarm.raisedAt.toISOString()}::timestamptz)
  `.execute(db);
}

export async function listAlarms(db: Db, limit: number): Promise<AlarmRow[]> {
  const { rows } = await sql<{
    id: string;
    witness_id: string | null;
    reason: string;
    evidence: unknown;
    raised_at: Date;
  }>`
    select id, witness_id, reason, evidence, raised_at from chain.fork_alarms order by id desc limit ${limit}
  `.execute(db);
  return rows.map((r) => ({
    id: r.id,
    witnessId: r.witness_id,
    reason: r.reason,
    evidence: r.evidence,
    raisedAt: r.raised_at,
  }));
}
