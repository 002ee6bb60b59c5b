import type { SchemaMigrations } from '@zhirong/db';
import { sql } from 'kysely';

/**
 * Receivables (one row per unspent or spent output), the steps that created and spent them, and
 * stored responses of Idempotency-Key requests. Columns that describe a receivable never change
 * after insert; only `status` and `spent_by_step_id` do.
 */
export const scfMigrations: SchemaMigrations = {
  schema: 'scf',
  migrations: {
    '0001_receivables': {
      async up(db) {
        await sql`
          create table scf.steps (
            id uuid primary key,
            kind text not null check (kind in ('issue', 'split', 'transfer', 'finance', 'settle')),
            status text not null check (status in ('pending', 'completed', 'failed')),
            input_id uuid,
            output_ids uuid[] not null,
            transfer_ids uuid[] not null,
            details jsonb not null,
            failure_code text,
            created_at timestamptz not null,
            completed_at timestamptz
          )`.execute(db);
        await sql`create index steps_pending on scf.steps (created_at) where status = 'pending'`.execute(db);
        await sql`create index steps_input on scf.steps (input_id)`.execute(db);
        await sql`
          create table scf.receivables (
            id uuid primary key,
            root_id uuid not null,
            parent_id uuid references scf.receivables (id),
            issuer_account_id uuid not null,
            holder_account_id uuid not null,
            amount bigint not null check (amount > 0),
            currency text not null,
            issue_date date not null,
            maturity_date date not null check (maturity_date > issue_date),
            debt_reference text not null,
            financed boolean not null,
            status text not null check (status in ('active', 'locked', 'spent', 'settled')),
            created_by_step_id uuid not null references scf.steps (id),
            spent_by_step_id uuid references scf.steps (id),
            created_at timestamptz not null,
            check ((status in ('spent', 'settled', 'locked')) = (spent_by_step_id is not null))
          )`.execute(db);
        await sql`create index receivables_holder on scf.receivables (holder_account_id, id) where status = 'active'`.execute(
          db,
        );
        await sql`create index receivables_due on scf.receivables (maturity_date) where status = 'active'`.execute(db);
        await sql`create index receivables_parent on scf.receivables (parent_id)`.execute(db);
        await sql`
          create table scf.idempotency (
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
