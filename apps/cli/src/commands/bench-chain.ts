import { cpus } from 'node:os';
import { join } from 'node:path';
import { buildTilesFromLeaves, ChainService, chainMigrations, merkle, signingKeyFromSeed, tiles } from '@zhirong/chain';
import { verifyInclusion, verifySignedHead, webCryptoSha256 } from '@zhirong/chain/verifier';
import { type Database, migrateSchema, openDatabase } from '@zhirong/db';
import { cryptoRng, IdGenerator, SeededRng, systemClock } from '@zhirong/kernel';
import { type Config, createLogger } from '@zhirong/platform';
import { sql } from 'kysely';
import pg from 'pg';

/**
 * `zhirong bench chain`: the evidence log's throughput and proof costs, on a database of its own
 * (PostgreSQL: `zhirong_chain_bench` on the configured server; PGlite: `<data dir>/bench-chain`)
 * so the real log is never touched. The first run builds a synthetic tree of `--leaves` leaves:
 * the leaves in SQL (each a real RFC 6962 leaf of a real envelope, hashed by PostgreSQL), then
 * every tile from them with the log's own code (what the 0002 migration runs); later runs reuse
 * it. Then, on top of that tree:
 *
 * 1. appends: `--records` records with transfer-like JSON bodies through `ChainService.append`
 *    in batches of `--batch-size` — canonical JSON, digests, leaf and node hashes, and the
 *    multi-row write all included;
 * 2. inclusion-proof generation: `--samples` random leaves of the whole tree, each one query of
 *    the tiles not cached in memory (the leaf's tile and the right edge's) plus rebuilding the
 *    path's nodes from them; the tile rows actually read are counted;
 * 3. verification of those proofs against the root: with node:crypto SHA-256 (server) and with
 *    the standalone verifier's Web Crypto SHA-256 (what a browser runs), and the Ed25519 check of
 *    the signed head through Web Crypto.
 */
export interface ChainBenchOptions {
  readonly leaves: number;
  readonly records: number;
  readonly batchSize: number;
  readonly samples: number;
  readonly seed: number;
  readonly progress: (message: string) => void;
}

const SYNTHETIC_TYPE = 'bench.synthetic';
const BUILD_CHUNK = 1_000_000;
/** The PostgreSQL database the benchmark builds its tree in, once, and reuses. */
export const BENCH_DATABASE = 'zhirong_chain_bench';

async function openBenchDatabase(config: Config): Promise<{ db: Database; where: string }> {
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    const name = BENCH_DATABASE;
    const admin = new pg.Client({ connectionString: config.databaseUrl });
    await admin.connect();
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`create database ${name}`);
    await admin.end();
    url.pathname = `/${name}`;
    return { db: await openDatabase({ url: url.toString(), poolSize: 4 }), where: `postgres database ${name}` };
  }
  const dataDir = join(config.dataDir, 'bench-chain');
  return { db: await openDatabase({ dataDir }), where: `pglite ${dataDir}` };
}

/** Builds leaves [0, target) in SQL, in chunks, then every tile from them. */
async function buildSyntheticTree(db: Database, target: number, log: (m: string) => void): Promise<void> {
  const k = db.kysely;
  for (let from = 0; from < target; from += BUILD_CHUNK) {
    const to = Math.min(target, from + BUILD_CHUNK);
    await sql`
      insert into chain.leaves (idx, record_type, record_id, body_sha256, leaf_hash, appended_at)
      select i, ${SYNTHETIC_TYPE}, 'n' || i, d,
        sha256('\\x00'::bytea || convert_to('{"recordId":"n' || i || '","recordType":"${sql.raw(SYNTHETIC_TYPE)}","sha256":"' || encode(d, 'hex') || '"}', 'UTF8')),
        now()
      from (select i, sha256(int8send(i)) as d from generate_series(${String(from)}::bigint, ${String(to - 1)}::bigint) as i) s
    `.execute(k);
    log(`built ${to.toLocaleString('en')} of ${target.toLocaleString('en')} leaves`);
  }
  await buildTilesFromLeaves(k, target, (built) => {
    if (built % BUILD_CHUNK < 65_536 || built === target) log(`tiles cover ${built.toLocaleString('en')} leaves`);
  });
  await sql`update chain.state set tree_size = ${String(target)}::bigint where id = 1`.execute(k);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

function summary(samplesMs: number[], scale: number) {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return {
    mean: round(mean * scale),
    p50: round(percentile(sorted, 50) * scale),
    p99: round(percentile(sorted, 99) * scale),
    max: round((sorted.at(-1) ?? 0) * scale),
  };
}

function statsMs(samplesMs: number[]) {
  const s = summary(samplesMs, 1);
  return { mean_ms: s.mean, p50_ms: s.p50, p99_ms: s.p99, max_ms: s.max };
}

function statsUs(samplesMs: number[]) {
  const s = summary(samplesMs, 1000);
  return { mean_us: s.mean, p50_us: s.p50, p99_us: s.p99, max_us: s.max };
}

export async function benchChain(config: Config, options: ChainBenchOptions) {
  const log = options.progress;
  const { db, where } = await openBenchDatabase(config);
  try {
    // On a tree stored the 0001 way (leaves and nodes), this is where 0002 builds its tiles.
    const migrateStarted = performance.now();
    const migrated = await migrateSchema(db.kysely, chainMigrations);
    const migrationSeconds = round((performance.now() - migrateStarted) / 1000, 1);
    const key = signingKeyFromSeed(new SeededRng(options.seed).bytes(32));
    const ids = new IdGenerator(systemClock, cryptoRng);
    const chain = new ChainService({
      db: db.kysely,
      clock: systemClock,
      ids,
      logger: createLogger({ level: 'silent' }),
      key,
      witnessQuorum: 1,
    });
    let buildSeconds: number | null = null;
    const existing = await chain.treeSize();
    if (existing === 0 && options.leaves > 0) {
      log(`building a ${options.leaves.toLocaleString('en')}-leaf tree in ${where} (once; later runs reuse it)`);
      const started = performance.now();
      await buildSyntheticTree(db, options.leaves, log);
      // Fresh statistics after a bulk load, so the planner sees primary-key lookups for what they are.
      await sql`analyze chain.leaves`.execute(db.kysely);
      await sql`analyze chain.tiles`.execute(db.kysely);
      buildSeconds = round((performance.now() - started) / 1000, 1);
    } else {
      log(`reusing the tree in ${where}: ${existing.toLocaleString('en')} leaves`);
    }

    // 1. Batched appends on top of the big tree.
    // The random tail of a UUIDv7 (its head is the time, the same for runs a minute apart).
    const runId = ids.uuid().slice(-12);
    const rng = new SeededRng(options.seed);
    const records = Array.from({ length: options.records }, (_, i) => ({
      recordType: 'bench.transfer',
      recordId: `${runId}-${i}`,
      body: {
        id: `trf_${runId}${i}`,
        type: 'single',
        debitAccountId: `acc_${rng.int(1_000_000)}`,
        creditAccountId: `acc_${rng.int(1_000_000)}`,
        amount: `${rng.int(100_000)}.${String(rng.int(100)).padStart(2, '0')}`,
        currency: 'CNY',
        code: 0,
        metadata: {},
        createdAt: '2026-01-01T00:00:00.000Z',
      },
    }));
    log(
      `appending ${options.records.toLocaleString('en')} records in batches of ${options.batchSize.toLocaleString('en')}`,
    );
    const appendStarted = performance.now();
    for (let i = 0; i < records.length; i += options.batchSize) {
      const result = await chain.append(records.slice(i, i + options.batchSize));
      if (!result.ok || result.value.appended !== Math.min(options.batchSize, records.length - i)) {
        throw new Error(`append failed: ${JSON.stringify(result)}`);
      }
    }
    const appendSeconds = (performance.now() - appendStarted) / 1000;

    // 2. Proofs over the whole tree, against a freshly signed head.
    const head = await chain.signHead();
    const size = head.treeSize;
    const root = Buffer.from(head.rootHash, 'base64');
    log(`sampling ${options.samples} inclusion proofs in a tree of ${size.toLocaleString('en')} leaves`);
    const leafIndexes = Array.from({ length: options.samples }, () => rng.int(size));
    for (const index of leafIndexes.slice(0, 20)) await chain.inclusionProof(index, size); // warm the statement and cache
    const proofMs: number[] = [];
    const proofs: Buffer[][] = [];
    let nodesMax = 0;
    let tilesMax = 0;
    let rowsReadMax = 0;
    const readsBefore = chain.tileReads;
    for (const index of leafIndexes) {
      const nodes = merkle.nodesForRanges(merkle.inclusionRanges(index, size));
      nodesMax = Math.max(nodesMax, nodes.length);
      tilesMax = Math.max(tilesMax, tiles.tilesForNodes(nodes).length);
      const rowsBefore = chain.tileReads.rows;
      const started = performance.now();
      const proof = await chain.inclusionProof(index, size);
      proofMs.push(performance.now() - started);
      rowsReadMax = Math.max(rowsReadMax, chain.tileReads.rows - rowsBefore);
      if (!proof.ok) throw new Error(proof.code);
      proofs.push(proof.value);
    }
    const readsFirst = chain.tileReads;
    // A second pass over other random leaves once the upper tiles are in memory (as in a server
    // that has been answering proofs for a while, or that preloaded them).
    const preloadStarted = performance.now();
    const preloaded = await chain.preloadTiles();
    const preloadMs = performance.now() - preloadStarted;
    const readsAfter = chain.tileReads;
    const warmMs: number[] = [];
    for (let i = 0; i < options.samples; i++) {
      const index = rng.int(size);
      const started = performance.now();
      const proof = await chain.inclusionProof(index, size);
      warmMs.push(performance.now() - started);
      if (!proof.ok) throw new Error(proof.code);
    }
    const readsWarm = chain.tileReads;
    const leafHashes = (
      await sql<{ idx: bigint; leaf_hash: Uint8Array }>`
        select idx, leaf_hash from chain.leaves where idx = any(${leafIndexes.map(String)}::bigint[])`.execute(
        db.kysely,
      )
    ).rows;
    const leafHash = new Map(leafHashes.map((r) => [Number(r.idx), Buffer.from(r.leaf_hash)]));
    const consistencyMs: number[] = [];
    for (let i = 0; i < Math.min(200, options.samples); i++) {
      const from = 1 + rng.int(size - 1);
      const started = performance.now();
      const proof = await chain.consistencyProof(from, size);
      consistencyMs.push(performance.now() - started);
      if (!proof.ok) throw new Error(proof.code);
    }

    // 3. Verification, both hashers; every sampled proof must verify (it also checks the bulk-built tree).
    const verifySync: number[] = [];
    const verifyWeb: number[] = [];
    const sync = (data: Uint8Array) => merkle.sha256(data);
    for (const [i, index] of leafIndexes.entries()) {
      const input = {
        leafIndex: index,
        treeSize: size,
        leafHash: leafHash.get(index) as Buffer,
        proof: proofs[i] as Buffer[],
        rootHash: root,
      };
      let started = performance.now();
      const okSync = await verifyInclusion(input, sync);
      verifySync.push(performance.now() - started);
      started = performance.now();
      const okWeb = await verifyInclusion(input, webCryptoSha256);
      verifyWeb.push(performance.now() - started);
      if (!okSync || !okWeb) throw new Error(`the proof of leaf ${index} does not verify`);
    }
    const signatureMs: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      if (!(await verifySignedHead(head, key.publicKey))) throw new Error('head signature');
      signatureMs.push(performance.now() - started);
    }

    return {
      backend: config.databaseUrl ? 'postgres' : 'pglite',
      database: where,
      cpus: cpus().length,
      tree_size: size,
      tree_built_seconds: buildSeconds,
      appends: {
        records: options.records,
        batch_size: options.batchSize,
        seconds: round(appendSeconds, 2),
        appends_per_sec: Math.round(options.records / appendSeconds),
      },
      migration: { applied: migrated.applied, seconds: migrationSeconds },
      inclusion_proof_generation: {
        samples: options.samples,
        nodes_max: nodesMax,
        tiles_max: tilesMax,
        rows_read_max: rowsReadMax,
        rows_read_mean: round((readsFirst.rows - readsBefore.rows) / Math.max(1, options.samples), 2),
        tiles_from_memory_mean: round((readsFirst.cached - readsBefore.cached) / Math.max(1, options.samples), 2),
        ...statsMs(proofMs),
      },
      inclusion_proof_generation_second_pass: {
        samples: options.samples,
        upper_tiles_preloaded: preloaded,
        preload_ms: round(preloadMs, 1),
        rows_read_mean: round((readsWarm.rows - readsAfter.rows) / Math.max(1, options.samples), 2),
        ...statsMs(warmMs),
      },
      consistency_proof_generation: { samples: consistencyMs.length, ...statsMs(consistencyMs) },
      inclusion_proof_verification_node_sha256: statsUs(verifySync),
      inclusion_proof_verification_webcrypto: statsUs(verifyWeb),
      head_signature_verification_webcrypto: statsUs(signatureMs),
      measured:
        'appends: ChainService.append wall time (canonical JSON + SHA-256 digests + leaf/node hashes + one multi-row write per batch, committed) on top of the tree; ' +
        'proof generation: ChainService.inclusionProof wall time per random leaf of the whole tree (the tree-size check, one query for the tiles not in memory, rebuilding the path from them); ' +
        'verification: RFC 9162 inclusion check against the signed root, per proof; the tree is built once in SQL and reused.',
    };
  } finally {
    await db.close();
  }
}
