import type { SchemaMigrations } from '@zhirong/db';
import { sql } from 'kysely';

/**
 * The evidence log's tables. `leaves` holds one row per appended record (its envelope fields and
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
  },
};
