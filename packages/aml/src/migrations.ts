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
    '0003_cases_reports': {
      async up(db) {
        await sql`
          create table aml.cases (
            id uuid primary key,
            subject_kind text not null check (subject_kind in ('alert', 'screening_hit')),
            subject_id text not null check (length(subject_id) between 1 and 200),
            customer_id text not null check (length(customer_id) between 1 and 200),
            summary text not null,
            evidence jsonb not null,
            status text not null check (status in ('open', 'escalated', 'closed')),
            decision text check (decision in ('false_positive', 'suspicious')),
            decision_reason text,
            assignee text,
            escalation_level integer not null check (escalation_level >= 0),
            sla_hours integer not null check (sla_hours >= 1),
            opened_at timestamptz not null,
            due_at timestamptz not null,
            first_action_at timestamptz,
            closed_at timestamptz,
            closed_by text,
            unique (subject_kind, subject_id),
            check ((status = 'closed') = (decision is not null)),
            check ((decision is null) = (decision_reason is null))
          )`.execute(db);
        await sql`create index cases_inbox on aml.cases (status, due_at)`.execute(db);
        await sql`create index cases_customer on aml.cases (customer_id)`.execute(db);
        await sql`
          create table aml.case_trail (
            id uuid primary key,
            case_id uuid not null references aml.cases (id),
            at timestamptz not null,
            actor text not null,
            action text not null check (action in ('opened', 'viewed', 'assigned', 'note', 'attachment_added',
              'attachment_viewed', 'escalated', 'decided', 'reported')),
            detail jsonb not null
          )`.execute(db);
        await sql`create index case_trail_case on aml.case_trail (case_id, id)`.execute(db);
        // The trail is append-only: an update or delete fails, whoever runs it.
        await sql`
          create function aml.refuse_trail_change() returns trigger language plpgsql as $$
          begin
            raise exception 'aml.case_trail is append-only';
          end $$`.execute(db);
        await sql`
          create trigger case_trail_append_only before update or delete on aml.case_trail
          for each row execute function aml.refuse_trail_change()`.execute(db);
        await sql`
          create table aml.case_attachments (
            id uuid primary key,
            case_id uuid not null references aml.cases (id),
            file_name text not null check (length(file_name) between 1 and 255),
            content_type text not null,
            size_bytes integer not null check (size_bytes >= 0),
            sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
            content bytea not null,
            added_by text not null,
            added_at timestamptz not null
          )`.execute(db);
        await sql`
          create table aml.report_transactions (
            id text primary key check (length(id) between 1 and 200),
            customer_id text not null,
            customer_type text not null check (customer_type in ('personal', 'corporate')),
            channel text not null check (channel in ('cash', 'transfer')),
            region text not null check (region in ('domestic', 'cross_border')),
            direction text not null check (direction in ('in', 'out')),
            amount_minor bigint not null check (amount_minor > 0),
            currency text not null check (currency ~ '^[A-Z]{3}$'),
            occurred_at timestamptz not null,
            business_day date not null,
            counterparty jsonb not null,
            fingerprint text not null,
            recorded_at timestamptz not null
          )`.execute(db);
        await sql`create index report_transactions_day on aml.report_transactions (business_day, customer_id)`.execute(
          db,
        );
        await sql`
          create table aml.reports (
            id uuid primary key,
            kind text not null check (kind in ('large_value', 'suspicious')),
            business_day date,
            case_id uuid unique references aml.cases (id),
            status text not null check (status in ('generated', 'submitted')),
            entry_count integer not null check (entry_count >= 0),
            body jsonb not null,
            xml text not null,
            csv text not null,
            xml_sha256 text not null,
            csv_sha256 text not null,
            validation_errors jsonb not null,
            config_version text not null,
            generated_at timestamptz not null,
            due_at timestamptz not null,
            submitted_at timestamptz,
            submitted_by text,
            submission_reference text,
            check ((kind = 'large_value') = (business_day is not null)),
            check ((kind = 'suspicious') = (case_id is not null)),
            check ((status = 'submitted') = (submitted_at is not null))
          )`.execute(db);
        await sql`create unique index reports_one_large_value_per_day on aml.reports (business_day)
                  where kind = 'large_value'`.execute(db);
        await sql`
          create table aml.report_submissions (
            id uuid primary key,
            report_id uuid not null unique references aml.reports (id),
            format text not null check (format in ('xml', 'csv')),
            sha256 text not null,
            reference text not null,
            submitted_by text not null,
            submitted_at timestamptz not null,
            on_time boolean not null
          )`.execute(db);
        await sql`
          create table aml.kyc_profiles (
            customer_id text primary key check (length(customer_id) between 1 and 200),
            customer_type text not null check (customer_type in ('personal', 'corporate')),
            full_name text not null check (length(full_name) >= 1),
            date_of_birth text,
            nationality text,
            country text not null check (country ~ '^[A-Z]{2}$'),
            occupation text,
            products text[] not null,
            pep boolean not null,
            version integer not null check (version >= 1),
            updated_at timestamptz not null
          )`.execute(db);
        await sql`
          create table aml.kyc_ratings (
            id uuid primary key,
            customer_id text not null references aml.kyc_profiles (customer_id),
            rating text not null check (rating in ('low', 'medium', 'high')),
            score integer not null check (score >= 0),
            model_version text not null,
            profile_version integer not null,
            trigger text not null,
            inputs jsonb not null,
            reasons jsonb not null,
            rated_at timestamptz not null
          )`.execute(db);
        await sql`create index kyc_ratings_customer on aml.kyc_ratings (customer_id, rated_at desc, id desc)`.execute(
          db,
        );
        await sql`
          create table aml.screened_counterparties (
            customer_id text not null,
            counterparty_key text not null,
            first_seen_at timestamptz not null,
            primary key (customer_id, counterparty_key)
          )`.execute(db);
        await sql`
          create table aml.idempotency (
            key text primary key,
            fingerprint text not null,
            status_code integer,
            response json,
            created_at timestamptz not null
          )`.execute(db);
      },
    },
  },
};
