import type { SchemaMigrations } from '@zhirong/db';
import { sql } from 'kysely';

/**
 * Screening lists and their versions (each load is a new version, stamped with the time it was
 * loaded; entries never change after insert), screening results with the features that produced
 * each score, and the whitelist of reviewed false positives (an input fingerprint and a list
 * entry's stable key, per list, so a decision survives the next version of the list).
 */
export const amlMigrations: SchemaMigrations = {
  schema: 'aml',
  migrations: {
    '0001_screening': {
      async up(db) {
        await sql`
          create table aml.lists (
            id uuid primary key,
            name text not null unique check (length(name) between 1 and 200),
            kind text not null check (kind in ('sanctions', 'pep', 'other')),
            created_at timestamptz not null
          )`.execute(db);
        await sql`
          create table aml.list_versions (
            id uuid primary key,
            list_id uuid not null references aml.lists (id),
            version integer not null check (version >= 1),
            source_format text not null check (source_format in ('csv', 'ftm')),
            source_name text not null,
            entry_count integer not null check (entry_count >= 1),
            loaded_at timestamptz not null,
            unique (list_id, version)
          )`.execute(db);
        await sql`
          create table aml.list_entries (
            version_id uuid not null references aml.list_versions (id),
            position integer not null check (position >= 0),
            entry_key text not null,
            full_name text not null check (length(full_name) >= 1),
            aliases text[] not null,
            date_of_birth text,
            nationality text,
            schema_name text,
            primary key (version_id, position)
          )`.execute(db);
        await sql`
          create table aml.screening_results (
            id uuid primary key,
            version_id uuid not null references aml.list_versions (id),
            input_name text not null,
            input_date_of_birth text,
            input_nationality text,
            entry_position integer,
            score numeric(5, 4) not null check (score >= 0 and score <= 1),
            threshold numeric(5, 4) not null check (threshold >= 0 and threshold <= 1),
            explanation jsonb,
            screened_at timestamptz not null
          )`.execute(db);
        await sql`create index screening_results_version on aml.screening_results (version_id, screened_at)`.execute(
          db,
        );
        await sql`
          create table aml.whitelist (
            id uuid primary key,
            list_id uuid not null references aml.lists (id),
            input_fingerprint text not null,
            entry_key text not null,
            reviewer text not null,
            reason text not null,
            created_at timestamptz not null,
            unique (list_id, input_fingerprint, entry_key)
          )`.execute(db);
      },
    },
    '0002_monitoring': {
      async up(db) {
        await sql`
          create table aml.scenario_versions (
            key text not null check (length(key) between 1 and 64),
            version integer not null check (version >= 1),
            status text not null check (status in ('draft', 'shadow', 'live', 'retired')),
            params jsonb not null,
            created_at timestamptz not null,
            live_at timestamptz,
            primary key (key, version)
          )`.execute(db);
        await sql`create unique index scenario_versions_one_live on aml.scenario_versions (key) where status = 'live'`.execute(
          db,
        );
        await sql`create unique index scenario_versions_one_shadow on aml.scenario_versions (key) where status = 'shadow'`.execute(
          db,
        );
        await sql`
          create table aml.alerts (
            id uuid primary key,
            mode text not null check (mode in ('live', 'shadow')),
            status text not null check (status in ('open', 'merged')),
            scenario text not null,
            score numeric(5, 4) not null check (score >= 0 and score <= 1),
            focus text not null,
            parties text[] not null,
            transaction_ids text[] not null,
            evidence jsonb not null,
            merged_into uuid references aml.alerts (id),
            first_at timestamptz not null,
            last_at timestamptz not null,
            created_at timestamptz not null,
            updated_at timestamptz not null
          )`.execute(db);
        await sql`create index alerts_listing on aml.alerts (mode, status, id)`.execute(db);
        await sql`create index alerts_parties on aml.alerts using gin (parties)`.execute(db);
      },
    },
  },
};
