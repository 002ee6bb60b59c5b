import { assert } from '@zhirong/kernel';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { NodeId, StoredNode } from './merkle.ts';

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
 * Fetches node hashes (level 0 from `leaves`, the rest from `nodes`) in one query, keyed `level:index`.
 */
export async function loadNodes(db: Db | Trx, nodes: readonly NodeId[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (nodes.length === 0) return out;
  const leafIdxs = nodes.filter((n) => n.level === 0).map((n) => String(n.index));
  const inner = nodes.filter((n) => n.level > 0);
  const { rows } = await sql<{ level: number; idx: bigint; hash: Uint8Array }>`
    select 0 as level, idx, leaf_hash as hash from chain.leaves where idx = any(${leafIdxs}::bigint[])
    union all
    select n.level::int as level, n.idx, n.hash from chain.nodes n
    join unnest(${inner.map((n) => n.level)}::smallint[], ${inner.map((n) => String(n.index))}::bigint[]) as k(level, idx)
      on n.level = k.level and n.idx = k.idx
  `.execute(db);
  for (const row of rows) out.set(`${Number(row.level)}:${Number(row.idx)}`, toBuffer(row.hash));
  return out;
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
 * Writes leaves and nodes in one statement (two data-modifying CTEs over unnest arrays) and moves
 * the tree size. Returns how many leaves were inserted: fewer than given means a record was
 * already in the log (`on conflict do nothing`), and the caller rolls back.
 */
export async function writeAppend(
  trx: Trx,
  leaves: readonly LeafInsert[],
  nodes: readonly StoredNode[],
  newSize: number,
  at: Date,
): Promise<number> {
  const first = leaves[0]?.index ?? newSize;
  assert(
    leaves.every((l, i) => l.index === first + i),
    'leaves are contiguous',
  );
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
    ), new_nodes as (
      insert into chain.nodes (level, idx, hash)
      select t.level, t.idx, substring(${Buffer.concat(nodes.map((n) => n.hash))}::bytea from ((t.ord - 1) * 32 + 1)::int for 32)
      from unnest(${nodes.map((n) => n.level)}::smallint[], ${nodes.map((n) => n.index)}::bigint[])
        with ordinality as t(level, idx, ord)
      returning 1
    ), moved as (
      update chain.state set tree_size = ${String(newSize)}::bigint where id = 1 returning 1
    )
    select (select count(*) from new_leaves) as inserted, (select count(*) from new_nodes) as nodes, (select count(*) from moved) as moved
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
 * Stored nodes at level ≥ 1 whose subtrees end in `(from, to]`: at each level, the index range
 * `[floor(from / 2^level), floor(to / 2^level) − 1]`, read as primary-key range scans.
 */
export async function nodesEndingIn(db: Db, from: number, to: number): Promise<Map<string, Buffer>> {
  const levels: number[] = [];
  const lows: string[] = [];
  const highs: string[] = [];
  for (let level = 1, span = 2; span <= to; level++, span *= 2) {
    const low = Math.floor(from / span);
    const high = Math.floor(to / span) - 1;
    if (high < low) continue;
    levels.push(level);
    lows.push(String(low));
    highs.push(String(high));
  }
  if (levels.length === 0) return new Map();
  const { rows } = await sql<{ level: number; idx: bigint; hash: Uint8Array }>`
    select n.level::int as level, n.idx, n.hash from chain.nodes n
    join unnest(${levels}::smallint[], ${lows}::bigint[], ${highs}::bigint[]) as k(level, low, high)
      on n.level = k.level and n.idx between k.low and k.high
  `.execute(db);
  return new Map(rows.map((r) => [`${Number(r.level)}:${Number(r.idx)}`, toBuffer(r.hash)]));
}

export async function countNodes(db: Db): Promise<number> {
  const { rows } = await sql<{ n: bigint }>`select count(*) as n from chain.nodes`.execute(db);
  return Number(rows[0]?.n ?? 0n);
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
