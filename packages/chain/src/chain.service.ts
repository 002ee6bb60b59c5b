import { hash } from 'node:crypto';
import { inTransaction, isUniqueViolation } from '@zhirong/db';
import { assert, type Clock, type IdGenerator } from '@zhirong/kernel';
import type { Logger } from '@zhirong/platform';
import { canonicalJsonFast, envelopeJson } from './canonical.ts';
import * as repo from './chain.repository.ts';
import type { ChainErrorCode } from './errors.ts';
import { ed25519Verify, type SigningKey } from './keys.ts';
import {
  appendLeaves,
  consistencyRanges,
  EMPTY_ROOT,
  frontierNodes,
  HASH_BYTES,
  hashesForRanges,
  hashLeaf,
  hashLeafText,
  inclusionRanges,
  nodeKey,
  nodesForRanges,
  rootFromFrontier,
  type StoredNode,
  sha256,
} from './merkle.ts';
import { TileReader, type TileReadStats } from './tile-store.ts';
import {
  nodeFromTiles,
  storedAtTileLevel,
  TILE_HEIGHT,
  tileKey,
  tileSpan,
  tilesForNodes,
  tileWrites,
} from './tiles.ts';
import {
  type Cosignature,
  checkpointText,
  cosignatureText,
  type EvidenceBundle,
  envelopeBytes,
  type SignedHead,
} from './verifier/verifier.ts';

/**
 * A business record to put in the log: its type (`ledger.transfer`, `scf.step`, …), its id, and
 * its body — any JSON value, digested as canonical JSON — or the hex SHA-256 of that body.
 * (recordType, recordId) is the record's identity: appending it again is a no-op.
 */
export interface EvidenceRecord {
  readonly recordType: string;
  readonly recordId: string;
  readonly body?: unknown;
  readonly bodySha256?: string;
}

export interface AppendResult {
  /** Records added by this call. */
  readonly appended: number;
  /** Records already in the log with the same body digest. */
  readonly existing: number;
  /** Records already in the log with another body digest: the record changed after it was logged. */
  readonly conflicts: readonly { readonly recordType: string; readonly recordId: string }[];
  readonly treeSize: number;
}

export type Failure = { readonly ok: false; readonly code: ChainErrorCode; readonly params?: Record<string, unknown> };
export type Outcome<T> = { readonly ok: true; readonly value: T } | Failure;
const fail = (code: ChainErrorCode, params?: Record<string, unknown>): Failure =>
  params ? { ok: false, code, params } : { ok: false, code };

/** A head as the API and the verifier see it, with the witnesses' cosignatures. */
export interface HeadView extends SignedHead {
  readonly cosignatures: readonly Cosignature[];
  /** At least `quorum` registered witnesses co-signed it. */
  readonly final: boolean;
}

export interface AuditProblem {
  readonly check: string;
  /** The record (`type/id`), leaf, node or head concerned. */
  readonly subject: string;
  readonly detail: string;
}

export interface AuditReport {
  readonly ok: boolean;
  readonly leaves: number;
  /** Stored hashes compared with the rebuilt tree (the leaf tiles' and every 6th level's). */
  readonly nodes: number;
  readonly heads: number;
  /** Records re-read from their domain and re-hashed. */
  readonly recordsChecked: number;
  /** Records of a type no resolver was given for (their leaf hashes are still checked). */
  readonly recordsUnchecked: number;
  readonly problems: readonly AuditProblem[];
}

/** Reads current bodies of records of one type by id; a missing id is absent from the map. */
export type RecordResolver = (recordIds: readonly string[]) => Promise<ReadonlyMap<string, unknown>>;

export const APPEND_BATCH_MAX = 50_000;
export const AUDIT_PAGE_SIZE = 20_000;
export const AUDIT_PROBLEMS_MAX = 1000;
const RECORD_TYPE = /^[a-z][a-z0-9_.-]{0,63}$/;
const RECORD_ID_LENGTH_MAX = 200;
const HEX_DIGEST = /^[0-9a-f]{64}$/;
const REPLAY_RETRIES_MAX = 3;

class ReplaySuspected extends Error {}

interface PreparedRecord {
  readonly recordType: string;
  readonly recordId: string;
  readonly key: string;
  /** Hex. */
  readonly bodySha256: string;
  readonly leafHash: Buffer;
}

export interface ChainDependencies {
  readonly db: repo.Db;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly key: SigningKey;
  /** Cosignatures that make a head final. */
  readonly witnessQuorum: number;
}

export function recordKey(recordType: string, recordId: string): string {
  return `${recordType}\u0000${recordId}`;
}

/** The body digest of a record: hex SHA-256 of its canonical JSON. */
export function bodyDigest(body: unknown): Buffer {
  return sha256(Buffer.from(canonicalJsonFast(body), 'utf8'));
}

/** Why a record cannot be appended, or undefined when it can. */
export function validateRecord(record: EvidenceRecord): string | undefined {
  if (typeof record?.recordType !== 'string' || !RECORD_TYPE.test(record.recordType)) {
    return 'recordType must be lower-case letters, digits, dots, dashes or underscores (at most 64)';
  }
  if (
    typeof record.recordId !== 'string' ||
    record.recordId.length < 1 ||
    record.recordId.length > RECORD_ID_LENGTH_MAX
  ) {
    return `recordId must be 1 to ${RECORD_ID_LENGTH_MAX} characters`;
  }
  if (record.bodySha256 !== undefined) {
    if (typeof record.bodySha256 !== 'string' || !HEX_DIGEST.test(record.bodySha256)) {
      return 'bodySha256 must be 64 lower-case hex characters';
    }
  } else if (record.body === undefined) return 'a record needs a body or a bodySha256';
  return undefined;
}

/** Validates and hashes a record (outside any transaction: this is the CPU part of an append). */
export function prepareRecord(record: EvidenceRecord): PreparedRecord | string {
  const problem = validateRecord(record);
  if (problem !== undefined) return problem;
  const digest = record.bodySha256 ?? hash('sha256', canonicalJsonFast(record.body), 'hex');
  return {
    recordType: record.recordType,
    recordId: record.recordId,
    key: recordKey(record.recordType, record.recordId),
    bodySha256: digest,
    leafHash: hashLeafText(envelopeJson(record.recordType, record.recordId, digest)),
  };
}

const PREPARE_SLICE = 2000;

/** Prepares validated records in slices, yielding to the event loop between them. */
async function prepareSliced(records: readonly EvidenceRecord[]): Promise<PreparedRecord[]> {
  const out: PreparedRecord[] = [];
  for (let i = 0; i < records.length; i += PREPARE_SLICE) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const record of records.slice(i, i + PREPARE_SLICE)) {
      const p = prepareRecord(record);
      assert(typeof p !== 'string', 'records are validated before they are prepared');
      out.push(p);
    }
  }
  return out;
}

/**
 * The evidence log (存证日志): an append-only RFC 6962 Merkle tree in PostgreSQL, signed tree heads,
 * inclusion and consistency proofs, witnesses' cosignatures and fork alarms, and the audit.
 */
export class ChainService {
  readonly #deps: ChainDependencies;
  readonly #tiles = new TileReader();
  /** The largest committed tree size seen (a log never shrinks). */
  #knownSize = 0;

  constructor(deps: ChainDependencies) {
    this.#deps = deps;
  }

  /**
   * Reads the upper tiles (level ≥ 1, one hash in 64 and up) into the proof cache, so that every
   * proof after it reads at most its leaf's tile. Optional: the cache also fills as proofs run.
   */
  async preloadTiles(): Promise<number> {
    return this.#tiles.preload(this.#deps.db);
  }

  /** Tile reads of proofs and roots so far (the benchmark's rows-read figure). */
  get tileReads(): TileReadStats {
    return this.#tiles.stats;
  }

  get publicKey(): Uint8Array {
    return this.#deps.key.publicKey;
  }

  get logId(): string {
    return this.#deps.key.keyId;
  }

  get witnessQuorum(): number {
    return this.#deps.witnessQuorum;
  }

  // ------------------------------------------------------------ appends

  /**
   * Appends records in batches of up to 50,000, each batch in one transaction: hashes are computed
   * in memory, then leaves and new nodes are written with one statement. Idempotent by
   * (recordType, recordId). Invalid records are refused before anything is written.
   */
  async append(records: readonly EvidenceRecord[]): Promise<Outcome<AppendResult>> {
    for (const [index, record] of records.entries()) {
      const problem = validateRecord(record);
      if (problem !== undefined) return fail('chain_record_invalid', { detail: `record ${index}: ${problem}` });
    }
    let appended = 0;
    let existing = 0;
    const conflicts: { recordType: string; recordId: string }[] = [];
    let treeSize = await repo.treeSize(this.#deps.db);
    // Hashing the next batch (CPU, here) overlaps writing the current one (the database's CPU).
    let next: Promise<PreparedRecord[]> | undefined = prepareSliced(records.slice(0, APPEND_BATCH_MAX));
    for (let i = 0; next !== undefined; i += APPEND_BATCH_MAX) {
      const batch = await next;
      const writing = this.#appendBatch(batch);
      const upcoming = records.slice(i + APPEND_BATCH_MAX, i + 2 * APPEND_BATCH_MAX);
      next = upcoming.length > 0 ? prepareSliced(upcoming) : undefined;
      const result = await writing;
      appended += result.appended;
      existing += result.existing;
      conflicts.push(...result.conflicts);
      treeSize = result.treeSize;
    }
    return { ok: true, value: { appended, existing, conflicts, treeSize } };
  }

  /**
   * Appends inside the caller's transaction (the record and its leaf commit together). Existing
   * records are looked up first, as a rollback is not ours to make. Throws on an invalid record.
   */
  async appendInTransaction(trx: repo.Trx, records: readonly EvidenceRecord[]): Promise<AppendResult> {
    const prepared = records.map((record) => {
      const p = prepareRecord(record);
      assert(typeof p !== 'string', `invalid evidence record: ${String(p)}`);
      return p;
    });
    assert(prepared.length <= APPEND_BATCH_MAX, 'append batch bounded');
    return this.#appendIn(trx, dedupe(prepared), true);
  }

  async #appendBatch(batch: readonly PreparedRecord[]): Promise<AppendResult> {
    const unique = dedupe(batch);
    let checkExisting = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return await inTransaction(this.#deps.db, (trx) => this.#appendIn(trx, unique, checkExisting));
      } catch (error) {
        if (attempt < REPLAY_RETRIES_MAX && (error instanceof ReplaySuspected || isUniqueViolation(error))) {
          checkExisting = true;
          continue;
        }
        throw error;
      }
    }
  }

  async #appendIn(trx: repo.Trx, batch: readonly PreparedRecord[], checkExisting: boolean): Promise<AppendResult> {
    const size = await repo.lockTreeSize(trx);
    let todo = batch;
    let existing = 0;
    const conflicts: { recordType: string; recordId: string }[] = [];
    if (checkExisting) {
      const stored = await repo.existingRecords(trx, batch);
      todo = batch.filter((r) => {
        const digest = stored.get(r.key);
        if (digest === undefined) return true;
        if (digest.toString('hex') === r.bodySha256) existing++;
        else conflicts.push({ recordType: r.recordType, recordId: r.recordId });
        return false;
      });
    }
    if (todo.length === 0) return { appended: 0, existing, conflicts, treeSize: size };
    // The right-edge tiles, read under the lock: the frontier is rebuilt from them, and the
    // append extends them.
    const ids = frontierNodes(size);
    const edge = await repo.loadTiles(
      trx,
      tilesForNodes(ids).map((t) => t.tile),
    );
    const frontier = ids.map((id) => ({ ...id, hash: nodeFromTiles(id, edge) }));
    const leafHashes = todo.map((r) => r.leafHash);
    const grown = appendLeaves(size, frontier, leafHashes);
    const inserted = await repo.writeAppend(
      trx,
      todo.map((r, i) => ({
        index: size + i,
        recordType: r.recordType,
        recordId: r.recordId,
        bodySha256: r.bodySha256,
        leafHash: r.leafHash,
      })),
      tileWrites(size, leafHashes, grown.nodes, edge),
      grown.size,
      this.#deps.clock.now(),
    );
    if (inserted !== todo.length) throw new ReplaySuspected();
    return { appended: todo.length, existing, conflicts, treeSize: grown.size };
  }

  async #frontier(size: number): Promise<StoredNode[]> {
    const ids = frontierNodes(size);
    const hashes = await this.#tiles.nodes(this.#deps.db, ids);
    return ids.map((id) => {
      const h = hashes.get(nodeKey(id));
      assert(h !== undefined, `frontier node ${nodeKey(id)} is stored`);
      return { ...id, hash: h };
    });
  }

  async treeSize(): Promise<number> {
    const size = await repo.treeSize(this.#deps.db);
    this.#knownSize = Math.max(this.#knownSize, size);
    return size;
  }

  /** The Merkle root of the first `size` leaves (one read of at most log2(size) rows). */
  async rootAt(size: number): Promise<Buffer> {
    return size === 0 ? EMPTY_ROOT : rootFromFrontier(await this.#frontier(size));
  }

  // ------------------------------------------------------------ heads

  /**
   * Signs a head for the current tree when it has grown since the last head (or when there is
   * none). Safe on several processes: one head per size, the first insert wins.
   */
  async signHead(): Promise<SignedHead> {
    const { db, key, clock } = this.#deps;
    const size = await repo.treeSize(db);
    const latest = await repo.latestHead(db);
    if (latest !== undefined && latest.treeSize >= size) return headJson(latest);
    const root = await this.rootAt(size);
    const unsigned = {
      logId: key.keyId,
      treeSize: size,
      rootHash: root.toString('base64'),
      timestampMs: clock.nowMs(),
    };
    const signature = Buffer.from(key.sign(Buffer.from(checkpointText(unsigned), 'utf8')));
    await repo.insertHead(db, {
      treeSize: size,
      rootHash: root,
      timestampMs: unsigned.timestampMs,
      logId: key.keyId,
      signature,
    });
    const stored = await repo.headAt(db, size);
    assert(stored !== undefined, 'the head was stored');
    return headJson(stored);
  }

  async latestHead(): Promise<HeadView | undefined> {
    const head = await repo.latestHead(this.#deps.db);
    return head ? (await this.#views([head]))[0] : undefined;
  }

  async headAt(size: number): Promise<HeadView | undefined> {
    const head = await repo.headAt(this.#deps.db, size);
    return head ? (await this.#views([head]))[0] : undefined;
  }

  /** The largest head with a quorum of witness cosignatures. */
  async latestFinalHead(): Promise<HeadView | undefined> {
    const size = await repo.latestFinalSize(this.#deps.db, this.#deps.witnessQuorum);
    return size === undefined ? undefined : this.headAt(size);
  }

  async listHeads(limit: number, beforeSize?: number): Promise<HeadView[]> {
    return this.#views(await repo.listHeads(this.#deps.db, limit, beforeSize));
  }

  async #views(heads: readonly repo.HeadRow[]): Promise<HeadView[]> {
    const cosignatures = await repo.cosignaturesFor(
      this.#deps.db,
      heads.map((h) => h.treeSize),
    );
    return heads.map((head) => {
      const mine = cosignatures
        .filter((c) => c.treeSize === head.treeSize)
        .map((c) => ({
          witnessPublicKey: c.witnessPublicKey.toString('hex'),
          timestampMs: c.timestampMs,
          signature: c.signature.toString('base64'),
        }));
      return { ...headJson(head), cosignatures: mine, final: mine.length >= this.#deps.witnessQuorum };
    });
  }

  // ------------------------------------------------------------ proofs

  /**
   * Sizes up to the largest committed tree size this service has seen need no query: a log only
   * grows. A larger size is checked against the database.
   */
  async #checkSizes(sizes: readonly number[], detail: string): Promise<Failure | undefined> {
    if (sizes.every((s) => Number.isSafeInteger(s) && s >= 0 && s <= this.#knownSize)) return undefined;
    const size = await repo.treeSize(this.#deps.db);
    this.#knownSize = Math.max(this.#knownSize, size);
    if (sizes.some((s) => !Number.isSafeInteger(s) || s < 0 || s > size)) {
      return fail('chain_size_invalid', { detail: `${detail}; the tree has ${size} leaves` });
    }
    return undefined;
  }

  /** The audit path of leaf `leafIndex` in the tree of `treeSize` leaves, leaf to root. */
  async inclusionProof(leafIndex: number, treeSize: number): Promise<Outcome<Buffer[]>> {
    const bad = await this.#checkSizes([leafIndex, treeSize], `leaf ${leafIndex} of ${treeSize}`);
    if (bad) return bad;
    if (leafIndex >= treeSize) return fail('chain_size_invalid', { detail: `leaf ${leafIndex} of ${treeSize}` });
    const ranges = inclusionRanges(leafIndex, treeSize);
    return { ok: true, value: hashesForRanges(ranges, await this.#tiles.nodes(this.#deps.db, nodesForRanges(ranges))) };
  }

  /** The proof that the tree of `size2` leaves extends the tree of `size1` leaves. */
  async consistencyProof(size1: number, size2: number): Promise<Outcome<Buffer[]>> {
    const bad = await this.#checkSizes([size1, size2], `${size1} to ${size2}`);
    if (bad) return bad;
    if (size1 > size2) return fail('chain_size_invalid', { detail: `${size1} is larger than ${size2}` });
    const ranges = consistencyRanges(size1, size2);
    return { ok: true, value: hashesForRanges(ranges, await this.#tiles.nodes(this.#deps.db, nodesForRanges(ranges))) };
  }

  async leaf(index: number): Promise<repo.LeafRow | undefined> {
    return repo.leafByIndex(this.#deps.db, index);
  }

  async leafOf(recordType: string, recordId: string): Promise<repo.LeafRow | undefined> {
    return repo.leafByRecord(this.#deps.db, recordType, recordId);
  }

  /**
   * Everything a third party needs to check a record: its leaf, the inclusion proof against the
   * latest final head that covers it (or, if none does yet, the latest head — signed now if the
   * log has grown), and that head's cosignatures.
   */
  async evidence(recordType: string, recordId: string, atSize?: number): Promise<Outcome<EvidenceBundle>> {
    const leaf = await repo.leafByRecord(this.#deps.db, recordType, recordId);
    if (!leaf) return fail('chain_record_not_found', { recordType, recordId });
    let head: HeadView | undefined;
    if (atSize !== undefined) {
      head = await this.headAt(atSize);
      if (!head) return fail('chain_head_not_found', { size: atSize });
      if (head.treeSize <= leaf.index)
        return fail('chain_size_invalid', { detail: `leaf ${leaf.index} is not in a tree of ${atSize}` });
    } else {
      const final = await this.latestFinalHead();
      head = final && final.treeSize > leaf.index ? final : undefined;
      if (!head) {
        await this.signHead();
        head = await this.latestHead();
      }
    }
    assert(head !== undefined && head.treeSize > leaf.index, 'a head covers the leaf');
    const proof = await this.inclusionProof(leaf.index, head.treeSize);
    assert(proof.ok, 'proof sizes checked');
    const { cosignatures, final: _final, ...signed } = head;
    return {
      ok: true,
      value: {
        format: 'zhirong.evidence/v1',
        leaf: {
          index: leaf.index,
          envelope: { recordType, recordId, sha256: leaf.bodySha256.toString('hex') },
          leafHash: leaf.leafHash.toString('hex'),
        },
        inclusionProof: proof.value.map((h) => h.toString('base64')),
        head: signed,
        cosignatures,
      },
    };
  }

  // ------------------------------------------------------------ witnesses

  async registerWitness(name: string, publicKeyHex: string): Promise<Outcome<repo.WitnessRow>> {
    if (!/^[0-9a-fA-F]{64}$/.test(publicKeyHex)) return fail('witness_key_invalid');
    const publicKey = Buffer.from(publicKeyHex, 'hex');
    const { db, ids, clock } = this.#deps;
    await repo.insertWitness(db, { id: ids.uuid(), name, publicKey, createdAt: clock.now() });
    const found = await repo.findWitnesses(db, { name, publicKey });
    const same = found.find((w) => w.name === name && w.publicKey.equals(publicKey));
    if (!same || found.length !== 1) return fail('witness_exists');
    return { ok: true, value: same };
  }

  async listWitnesses(): Promise<repo.WitnessRow[]> {
    return repo.listWitnesses(this.#deps.db);
  }

  /**
   * Records a witness's cosignature of a head this log signed. The witness must be registered,
   * the head must be exactly the one signed at that size, and the signature must verify.
   */
  async addCosignature(input: {
    readonly witnessPublicKey: string;
    readonly head: Omit<SignedHead, 'signature' | 'logId'>;
    readonly timestampMs: number;
    readonly signature: string;
  }): Promise<Outcome<{ treeSize: number; cosignatures: number; final: boolean }>> {
    const { db, clock } = this.#deps;
    if (!/^[0-9a-fA-F]{64}$/.test(input.witnessPublicKey)) return fail('witness_key_invalid');
    const publicKey = Buffer.from(input.witnessPublicKey, 'hex');
    const witness = (await repo.findWitnesses(db, { publicKey })).find((w) => w.publicKey.equals(publicKey));
    if (!witness) return fail('witness_unknown', { key: input.witnessPublicKey });
    const head = await repo.headAt(db, input.head.treeSize);
    if (!head) return fail('chain_head_not_found', { size: input.head.treeSize });
    const ours = headJson(head);
    if (ours.rootHash !== input.head.rootHash || ours.timestampMs !== input.head.timestampMs) {
      return fail('cosignature_head_mismatch', { size: input.head.treeSize });
    }
    const signature = Buffer.from(input.signature, 'base64');
    const message = Buffer.from(cosignatureText(ours, input.timestampMs), 'utf8');
    if (!ed25519Verify(publicKey, signature, message)) return fail('cosignature_invalid');
    await repo.insertCosignature(
      db,
      { treeSize: head.treeSize, witnessId: witness.id, timestampMs: input.timestampMs, signature },
      clock.now(),
    );
    const [view] = await this.#views([head]);
    assert(view !== undefined, 'head view');
    return { ok: true, value: { treeSize: head.treeSize, cosignatures: view.cosignatures.length, final: view.final } };
  }

  /** A registered witness reports two heads of this log that are not consistent: a fork (分叉告警). */
  async raiseForkAlarm(input: {
    readonly witnessPublicKey: string;
    readonly reason: string;
    readonly evidence: unknown;
  }): Promise<Outcome<repo.AlarmRow>> {
    const { db, ids, clock, logger } = this.#deps;
    if (!/^[0-9a-fA-F]{64}$/.test(input.witnessPublicKey)) return fail('witness_key_invalid');
    const publicKey = Buffer.from(input.witnessPublicKey, 'hex');
    const witness = (await repo.findWitnesses(db, { publicKey })).find((w) => w.publicKey.equals(publicKey));
    if (!witness) return fail('witness_unknown', { key: input.witnessPublicKey });
    const alarm = {
      id: ids.uuid(),
      witnessId: witness.id,
      reason: input.reason,
      evidence: input.evidence,
      raisedAt: clock.now(),
    };
    await repo.insertAlarm(db, alarm);
    logger.error({ witness: witness.name, reason: input.reason }, 'evidence log fork alarm raised by a witness');
    return { ok: true, value: alarm };
  }

  async listAlarms(limit: number): Promise<repo.AlarmRow[]> {
    return repo.listAlarms(this.#deps.db, limit);
  }

  // ------------------------------------------------------------ audit

  /**
   * Re-checks the whole log: re-reads every record a resolver is given for and compares its
   * digest with its leaf, recomputes every leaf hash from its envelope, rebuilds the tree and
   * compares every stored node, and checks every signed head's root and signature.
   */
  async audit(resolvers: ReadonlyMap<string, RecordResolver> = new Map()): Promise<AuditReport> {
    const { db, key } = this.#deps;
    const problems: AuditProblem[] = [];
    const report = (check: string, subject: string, detail: string) => {
      if (problems.length < AUDIT_PROBLEMS_MAX) problems.push({ check, subject, detail });
    };
    const size = await repo.treeSize(db);
    const heads = await repo.allHeads(db);
    let headCursor = 0;
    const checkHeadsUpTo = (builtSize: number, frontier: readonly StoredNode[]) => {
      while (headCursor < heads.length && (heads[headCursor]?.treeSize ?? 0) <= builtSize) {
        const head = heads[headCursor] as repo.HeadRow;
        headCursor++;
        if (head.treeSize !== builtSize) continue;
        const root = rootFromFrontier(frontier);
        if (!root.equals(head.rootHash)) {
          report(
            'head_root',
            `head ${head.treeSize}`,
            `signed root ${head.rootHash.toString('hex')}, rebuilt ${root.toString('hex')}`,
          );
        }
        const json = headJson(head);
        if (!ed25519Verify(key.publicKey, head.signature, Buffer.from(checkpointText(json), 'utf8'))) {
          report('head_signature', `head ${head.treeSize}`, 'the signature does not verify with the log key');
        }
      }
    };
    let frontier: StoredNode[] = [];
    let built = 0;
    let recordsChecked = 0;
    let recordsUnchecked = 0;
    let nodesChecked = 0;
    checkHeadsUpTo(0, frontier);
    while (built < size) {
      const page = await repo.leafPage(db, built, AUDIT_PAGE_SIZE);
      assert(page.length > 0, 'leaves are contiguous');
      const byType = new Map<string, repo.LeafRow[]>();
      for (const leaf of page) {
        const list = byType.get(leaf.recordType) ?? [];
        list.push(leaf);
        byType.set(leaf.recordType, list);
      }
      for (const [type, leaves] of byType) {
        const resolve = resolvers.get(type);
        if (!resolve) {
          recordsUnchecked += leaves.length;
          continue;
        }
        const bodies = await resolve(leaves.map((l) => l.recordId));
        for (const leaf of leaves) {
          recordsChecked++;
          if (!bodies.has(leaf.recordId)) {
            report('record_missing', `${type}/${leaf.recordId}`, `leaf ${leaf.index}: the record no longer exists`);
            continue;
          }
          const digest = bodyDigest(bodies.get(leaf.recordId));
          if (!digest.equals(leaf.bodySha256)) {
            report(
              'record_changed',
              `${type}/${leaf.recordId}`,
              `leaf ${leaf.index}: logged sha256 ${leaf.bodySha256.toString('hex')}, record now hashes to ${digest.toString('hex')}`,
            );
          }
        }
      }
      // Leaf hashes from their envelopes, then the tree, one leaf at a time so every head size is
      // seen; every stored hash (the leaf tiles, and the nodes at every 6th level) is compared.
      const storedTiles = await repo.tilesForLeafRange(db, built, built + page.length, TILE_HEIGHT);
      const checkStored = (node: StoredNode) => {
        nodesChecked++;
        const span = tileSpan(node);
        const tile = storedTiles.get(tileKey(span.tile));
        const stored = tile?.subarray(span.start * HASH_BYTES, (span.start + 1) * HASH_BYTES);
        if (stored?.length !== HASH_BYTES) {
          report('node_hash', `node ${nodeKey(node)}`, `missing from tile ${tileKey(span.tile)}`);
        } else if (!node.hash.equals(stored)) {
          report('node_hash', `node ${nodeKey(node)}`, `tile ${tileKey(span.tile)} differs from the rebuilt hash`);
        }
      };
      for (const leaf of page) {
        if (leaf.index !== built) {
          report('leaf_gap', `leaf ${built}`, `expected leaf ${built}, found ${leaf.index}`);
          return finish();
        }
        const leafHash = hashLeaf(
          envelopeBytes({
            recordType: leaf.recordType,
            recordId: leaf.recordId,
            sha256: leaf.bodySha256.toString('hex'),
          }),
        );
        if (!leafHash.equals(leaf.leafHash)) {
          report(
            'leaf_hash',
            `${leaf.recordType}/${leaf.recordId}`,
            `leaf ${leaf.index}: stored hash does not match its envelope`,
          );
        }
        checkStored({ level: 0, index: leaf.index, hash: leaf.leafHash });
        const grown = appendLeaves(built, frontier, [leaf.leafHash]);
        for (const node of grown.nodes) if (node.level % TILE_HEIGHT === 0) checkStored(node);
        frontier = grown.frontier;
        built = grown.size;
        checkHeadsUpTo(built, frontier);
      }
    }
    // No hashes beyond the tree: each tile level holds exactly what the tree's size implies.
    for (const [level, count] of await repo.storedHashesByLevel(db)) {
      const expected = storedAtTileLevel(size, level);
      if (count !== expected) {
        report('tile_extra', `tile level ${level}`, `${count} hashes stored, the tree of ${size} has ${expected}`);
      }
    }
    return finish();

    function finish(): AuditReport {
      return {
        ok: problems.length === 0,
        leaves: built,
        nodes: nodesChecked,
        heads: heads.length,
        recordsChecked,
        recordsUnchecked,
        problems,
      };
    }
  }
}

function dedupe(records: readonly PreparedRecord[]): PreparedRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    if (seen.has(r.key)) return false;
    seen.add(r.key);
    return true;
  });
}

export function headJson(head: repo.HeadRow): SignedHead {
  return {
    logId: head.logId,
    treeSize: head.treeSize,
    rootHash: head.rootHash.toString('base64'),
    timestampMs: head.timestampMs,
    signature: head.signature.toString('base64'),
  };
}
