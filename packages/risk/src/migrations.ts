import type { SchemaMigrations } from '@zhirong/db';
import { sql } from 'kysely';

/**
 * The risk engine's own schema. Decisions are append-only (a trigger refuses update and delete):
 * each keeps the event, the features, the rules that matched, the versions and the score, so it can
 * be replayed and explained. Rulesets and models are versioned; lists carry expiry; cases keep SLA
 * times; labels are what analysts confirmed, for training.
 */
export const riskMigrations: SchemaMigrations = {
  schema: 'risk',
  migrations: {
    '0001_risk': {
      async up(db) {
        await sql`
          create table risk.decisions (
            id uuid primary key,
            event_id text not null unique,
            event_type text not null,
            customer_id text not null,
            event_at timestamptz not null,
            event jsonb not null,
            fingerprint text not null,
            decision text not null check (decision in ('approve', 'review', 'decline')),
            score integer not null check (score between 0 and 1000),
            model_probability double precision,
            reasons jsonb not null,
            matched_rules jsonb not null,
            features jsonb not null,
            versions jsonb not null,
            shadow jsonb,
            latency_us integer not null,
            decided_at timestamptz not null
          )`.execute(db);
        await sql`create index decisions_event_at on risk.decisions (event_at, id)`.execute(db);
        await sql`create index decisions_customer on risk.decisions (customer_id, event_at)`.execute(db);
        await sql`
          create function risk.refuse_change() returns trigger language plpgsql as $$
          begin
            raise exception 'risk.decisions is append-only';
          end $$`.execute(db);
        await sql`
          create trigger decisions_append_only before update or delete on risk.decisions
          for each row execute function risk.refuse_change()`.execute(db);
        await sql`
          create table risk.rulesets (
            id uuid primary key,
            name text not null,
            version integer not null check (version > 0),
            status text not null check (status in ('draft', 'shadow', 'live', 'retired')),
            event_types text[] not null,
            rules jsonb not null,
            thresholds jsonb not null,
            description text not null,
            created_at timestamptz not null,
            created_by text not null,
            changed_at timestamptz not null,
            history jsonb not null,
            unique (name, version)
          )`.execute(db);
        await sql`create unique index rulesets_one_live on risk.rulesets (name) where status = 'live'`.execute(db);
        await sql`create unique index rulesets_one_shadow on risk.rulesets (name) where status = 'shadow'`.execute(db);
        await sql`
          create table risk.lists (
            name text primary key,
            kind text not null check (kind in ('allow', 'deny', 'reference')),
            entity_kind text not null,
            description text not null,
            created_at timestamptz not null
          )`.execute(db);
        await sql`
          create table risk.list_entries (
            list_name text not null references risk.lists (name) on delete cascade,
            value text not null,
            reason text not null,
            expires_at timestamptz,
            added_at timestamptz not null,
            added_by text not null,
            primary key (list_name, value)
          )`.execute(db);
        await sql`
          create table risk.cases (
            id uuid primary key,
            decision_id uuid not null unique references risk.decisions (id),
            event_id text not null,
            customer_id text not null,
            status text not null check (status in ('open', 'closed')),
            outcome text check (outcome in ('fraud', 'legitimate')),
            assignee text,
            opened_at timestamptz not null,
            due_at timestamptz not null,
            first_action_at timestamptz,
            closed_at timestamptz,
            closed_by text,
            notes jsonb not null,
            check ((status = 'closed') = (outcome is not null))
          )`.execute(db);
        await sql`create index cases_open on risk.cases (due_at) where status = 'open'`.execute(db);
        await sql`
          create table risk.labels (
            event_id text primary key,
            label text not null check (label in ('fraud', 'legitimate')),
            source text not null,
            labelled_at timestamptz not null
          )`.execute(db);
        await sql`
          create table risk.models (
            version text primary key,
            role text not null check (role in ('candidate', 'champion', 'challenger', 'retired')),
            artefact text not null,
            content_hash text not null,
            baseline_scores jsonb not null,
            metrics jsonb not null,
            description text not null,
            created_at timestamptz not null,
            changed_at timestamptz not null
          )`.execute(db);
        await sql`create unique index models_one_champion on risk.models (role) where role = 'champion'`.execute(db);
        await sql`create unique index models_one_challenger on risk.models (role) where role = 'challenger'`.execute(
          db,
        );
      },
    },
  },
};
