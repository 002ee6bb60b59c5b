import type { SchemaMigrations } from '@zhirong/db';
import { sql } from 'kysely';

/**
 * Loan products, applications with their stored decisions, loans with their schedules, daily
 * accruals (one row per loan and business date: the idempotency of the batch), repayments and the
 * stored responses of Idempotency-Key requests; then (0002) collection cases and actions and the
 * early-warning flags, unique per loan, kind and key so a condition is flagged once. Money is bigint minor units; rates are decimal text.
 */
export const creditMigrations: SchemaMigrations = {
  schema: 'credit',
  migrations: {
    '0001_lending': {
      async up(db) {
        await sql`
          create table credit.products (
            id uuid primary key,
            name text not null,
            currency text not null,
            amount_min bigint not null check (amount_min > 0),
            amount_max bigint not null check (amount_max >= amount_min),
            term_min integer not null check (term_min >= 1),
            term_max integer not null check (term_max >= term_min and term_max <= 360),
            method text not null,
            day_count text not null,
            annual_rate_min text not null,
            annual_rate_max text not null,
            upfront_fee_rate text not null,
            monthly_fee_rate text not null,
            grace_days integer not null check (grace_days >= 0),
            penalty_rate text not null,
            apr_cap text not null,
            apr_max text not null,
            created_at timestamptz not null
          )`.execute(db);
        await sql`
          create table credit.applications (
            id uuid primary key,
            product_id uuid not null references credit.products (id),
            id_number text not null,
            applicant jsonb not null,
            amount bigint not null check (amount > 0),
            currency text not null,
            term_months integer not null,
            consent jsonb not null,
            inputs jsonb not null,
            decision jsonb not null,
            outcome text not null check (outcome in ('approve', 'decline', 'refer')),
            model_version text not null,
            policy_version text not null,
            status text not null check (status in ('decided', 'accepted')),
            loan_id uuid,
            created_at timestamptz not null
          )`.execute(db);
        await sql`create index applications_id_number on credit.applications (id_number, created_at)`.execute(db);
        await sql`
          create table credit.loans (
            id uuid primary key,
            application_id uuid not null unique references credit.applications (id),
            product_id uuid not null references credit.products (id),
            id_number text not null,
            customer_account_id uuid not null,
            currency text not null,
            principal bigint not null check (principal > 0),
            annual_rate text not null,
            penalty_rate text not null,
            grace_days integer not null,
            method text not null,
            day_count text not null,
            start_date date not null,
            upfront_fee bigint not null check (upfront_fee >= 0),
            status text not null check (status in ('active', 'closed', 'written_off')),
            principal_outstanding bigint not null check (principal_outstanding >= 0),
            interest_accrued bigint not null,
            penalty_outstanding bigint not null check (penalty_outstanding >= 0),
            penalty_paid bigint not null,
            accrued_through date not null,
            days_past_due integer not null,
            disbursement_transfer_ids uuid[] not null,
            created_at timestamptz not null,
            closed_at timestamptz
          )`.execute(db);
        await sql`create index loans_active on credit.loans (accrued_through, id) where status = 'active'`.execute(db);
        await sql`create index loans_id_number on credit.loans (id_number) where status = 'active'`.execute(db);
        await sql`
          create table credit.installments (
            loan_id uuid not null references credit.loans (id),
            period integer not null,
            from_date date not null,
            due_date date not null,
            principal bigint not null check (principal >= 0),
            interest bigint not null check (interest >= 0),
            fee bigint not null check (fee >= 0),
            principal_paid bigint not null default 0 check (principal_paid between 0 and principal),
            interest_paid bigint not null default 0 check (interest_paid between 0 and interest),
            fee_paid bigint not null default 0 check (fee_paid between 0 and fee),
            primary key (loan_id, period)
          )`.execute(db);
        await sql`
          create table credit.accruals (
            loan_id uuid not null references credit.loans (id),
            business_date date not null,
            interest bigint not null,
            penalty bigint not null check (penalty >= 0),
            days_past_due integer not null,
            primary key (loan_id, business_date)
          )`.execute(db);
        await sql`
          create table credit.repayments (
            id uuid primary key,
            loan_id uuid not null references credit.loans (id),
            kind text not null check (kind in ('repayment', 'write_off')),
            business_date date not null,
            amount bigint not null check (amount > 0),
            penalty bigint not null,
            fees bigint not null,
            interest bigint not null,
            principal bigint not null,
            prepaid_principal bigint not null,
            transfer_ids uuid[] not null,
            created_at timestamptz not null,
            check (amount = penalty + fees + interest + principal + prepaid_principal)
          )`.execute(db);
        await sql`create index repayments_loan on credit.repayments (loan_id, created_at)`.execute(db);
        await sql`
          create table credit.idempotency (
            key text primary key,
            fingerprint text not null,
            status_code integer,
            response json,
            created_at timestamptz not null
          )`.execute(db);
      },
    },
    '0002_servicing': {
      async up(db) {
        await sql`
          create table credit.collection_cases (
            loan_id uuid primary key references credit.loans (id),
            assignee text,
            updated_at timestamptz not null
          )`.execute(db);
        await sql`
          create table credit.collection_actions (
            id uuid primary key,
            loan_id uuid not null references credit.loans (id),
            kind text not null check (kind in ('assign', 'note', 'promise')),
            assignee text,
            note text,
            promised_amount bigint check (promised_amount > 0),
            promised_date date,
            actor text not null,
            created_at timestamptz not null,
            check (kind <> 'promise' or (promised_amount is not null and promised_date is not null))
          )`.execute(db);
        await sql`create index collection_actions_loan on credit.collection_actions (loan_id, created_at)`.execute(db);
        await sql`
          create table credit.warnings (
            id uuid primary key,
            loan_id uuid not null references credit.loans (id),
            kind text not null check (kind in ('missed_payment', 'falling_balance', 'risk_decision')),
            key text not null,
            reason jsonb not null,
            detail jsonb not null,
            raised_at timestamptz not null,
            acknowledged_at timestamptz,
            acknowledged_by text,
            unique (loan_id, kind, key)
          )`.execute(db);
        await sql`create index warnings_raised on credit.warnings (raised_at, id)`.execute(db);
        // Earlier loans of an applicant in every status (the decision's in-platform history).
        await sql`create index loans_id_number_all on credit.loans (id_number, status)`.execute(db);
      },
    },
  },
};
