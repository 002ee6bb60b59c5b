import type { SchemaMigrations } from '@zhirong/db';
import { sql } from 'kysely';
import { treeSize } from './chain.repository.ts';
import { buildTilesFromLeaves } from './tile-store.ts';

/**
 * The evidence log's tables (0001; 0002 replaced `nodes` by `tiles`). `leaves` holds one row per appended record (its envelope fields and
 * leaf hash); `nodes` holds every complete subtree at level ≥ 1, keyed (level, idx), so any proof
 * reads at most ~2·log2(n) rows by primary key. `state` is the one-row tree size that serialises
 * appends. Heads, witnesses, their cosignatures and fork alarms complete the picture.
 */
export const chainMigrations: SchemaMigrations = {
  schema: 'chain',
  migrations: {
    '0001_log': {
      async up(db) {
        await sql`create table chain.state (id smallint primary key check (id = 1), tree_size bigint not null check (tree_size >= 0))`.execute(
          db,
        );
        await sql`insert into chain.state (id, tree_size) values (1, 0)`.execute(db);
        await sql`
          create table chain.leaves (
            idx bigint primary key check (idx >= 0),
            record_type text not null,
            record_id text not null,
            body_sha256 bytea not null,
            leaf_hash bytea not null,
            appended_at timestamptz not null
          )`.execute(db);
        await sql`create unique index leaves_record on chain.leaves (record_type, record_id)`.execute(db);
        await sql`
          create table chain.nodes (
            level smallint not null check (level between 1 and 62),
            idx bigint not null check (idx >= 0),
            hash bytea not null,
            primary key (level, idx)
          )`.execute(db);
        await sql`
          create table chain.heads (
            tree_size bigint primary key check (tree_size >= 0),
            root_hash bytea not null,
            timestamp_ms bigint not null,
            log_id text not null,
            signature bytea not null
          )`.execute(db);
        await sql`
          create table chain.witnesses (
            id uuid primary key,
            name text not null unique,
            public_key bytea not null unique,
            created_at timestamptz not null
          )`.execute(db);
        await sql`
          create table chain.cosignatures (
            tree_size bigint not null references chain.heads (tree_size),
            witness_id uuid not null references chain.witnesses (id),
            timestamp_ms bigint not null,
            signature bytea not null,
            received_at timestamptz not null,
            primary key (tree_size, witness_id)
          )`.execute(db);
        await sql`
          create table chain.fork_alarms (
            id uuid primary key,
            witness_id uuid references chain.witnesses (id),
            reason text not null,
            evidence json not null,
            raised_at timestamptz not null
          )`.execute(db);
      },
    },
    /**
     * Hashes move from one row per node to tiles (`tiles.ts`): tile `(level, idx)` holds the 64
     * hashes of tree level 6·level from index 64·idx, concatenated, so a proof reads one or two
     * rows of 2 KiB instead of ~2·log2(n) rows scattered over two big tables. Stored PLAIN (no
     * TOAST, no compression: hashes do not compress). The tiles are rebuilt from the leaf hashes —
     * the leaves are the log; the nodes were derived from them — and `nodes` is dropped.
     */
    '0002_tiles': {
      async up(db) {
        await sql`
          create table chain.tiles (
            level smallint not null check (level between 0 and 10),
            idx bigint not null check (idx >= 0),
            hashes bytea not null check (octet_length(hashes) between 32 and 2048 and octet_length(hashes) % 32 = 0),
            primary key (level, idx)
          )`.execute(db);
        await sql`alter table chain.tiles alter column hashes set storage plain`.execute(db);
        await buildTilesFromLeaves(db, await treeSize(db));
        await sql`drop table chain.nodes`.execute(db);
        await sql`analyze chain.tiles`.execute(db);
      },
    },
  },
};
