import type { SchemaMigrations } from '@zhirong/db';
import { sql } from 'kysely';

/**
 * The payments schema: payment orders (with their transitions), refunds, merchants, the FX rate
 * table and quotes, and stored responses for `Idempotency-Key`.
 */
export const paymentsMigrations: SchemaMigrations = {
  schema: 'payments',
  migrations: {
    '0001_payments': {
      async up(db) {
        await sql`
          create table payments.payments (
            id uuid primary key,
            kind text not null check (kind in ('p2p', 'merchant', 'payout', 'inbound')),
            state text not null check (state in ('created', 'screened', 'review', 'authorized', 'settled',
              'declined', 'failed', 'reversed', 'refunded')),
            amount bigint not null check (amount > 0),
            currency text not null,
            credit_amount bigint not null check (credit_amount > 0),
            credit_currency text not null,
            debtor_account_id uuid,
            creditor_account_id uuid,
            debtor jsonb,
            creditor jsonb,
            merchant_id uuid,
            mdr text,
            fee bigint not null default 0 check (fee >= 0 and fee <= amount),
            quote jsonb,
            capture text not null check (capture in ('automatic', 'manual')),
            end_to_end_id text,
            remittance text,
            refunded bigint not null default 0 check (refunded >= 0 and refunded <= amount),
            failure_code text,
            risk jsonb,
            metadata jsonb not null default '{}'::jsonb,
            -- Every transition with its time and cause, oldest first: one row per payment, appended to.
            transitions jsonb not null,
            created_at timestamptz not null,
            updated_at timestamptz not null
          ) with (fillfactor = 80)`.execute(db);
        await sql`create unique index payments_end_to_end on payments.payments (end_to_end_id) where end_to_end_id is not null`.execute(
          db,
        );
        // No index on state or updated_at: the final update of a payment then changes no indexed
        // column and can be a HOT update (no index writes). Recovery scans recent ids instead.
        await sql`create index payments_debtor on payments.payments (debtor_account_id, id) where debtor_account_id is not null`.execute(
          db,
        );
        await sql`create index payments_creditor on payments.payments (creditor_account_id, id) where creditor_account_id is not null`.execute(
          db,
        );
        await sql`
          create table payments.refunds (
            id uuid primary key,
            payment_id uuid not null references payments.payments (id),
            amount bigint not null check (amount > 0),
            currency text not null,
            fee_returned bigint not null default 0 check (fee_returned >= 0),
            state text not null check (state in ('pending', 'succeeded', 'failed')),
            failure_code text,
            reason text,
            created_at timestamptz not null,
            updated_at timestamptz not null
          )`.execute(db);
        await sql`create index refunds_payment on payments.refunds (payment_id)`.execute(db);
        await sql`create index refunds_pending on payments.refunds (updated_at) where state = 'pending'`.execute(db);
        await sql`
          create table payments.merchants (
            id uuid primary key,
            name text not null,
            city text not null,
            country text not null,
            postal_code text,
            merchant_category_code text not null check (merchant_category_code ~ '^[0-9]{4}$'),
            currency text not null,
            account_id uuid not null,
            mdr text not null,
            name_alternate text,
            language text,
            metadata jsonb not null default '{}'::jsonb,
            created_at timestamptz not null
          )`.execute(db);
        await sql`
          create table payments.fx_rates (
            base text not null,
            quote text not null,
            mid text not null,
            spread_bps integer not null check (spread_bps >= 0 and spread_bps <= 1000),
            updated_at timestamptz not null,
            primary key (base, quote),
            check (base <> quote)
          )`.execute(db);
        await sql`
          create table payments.fx_quotes (
            id uuid primary key,
            sell_currency text not null,
            buy_currency text not null,
            sell_amount bigint not null check (sell_amount > 0),
            buy_amount bigint not null check (buy_amount > 0),
            mid text not null,
            rate text not null,
            rate_numerator text not null,
            rate_denominator text not null,
            spread_bps integer not null,
            created_at timestamptz not null,
            expires_at timestamptz not null,
            payment_id uuid unique
          )`.execute(db);
        await sql`
          create table payments.idempotency_keys (
            principal text not null,
            key text not null,
            request_hash text not null,
            resource_id uuid,
            status_code integer,
            response json,
            -- A payment create's response is the payment as of its n-th transition (rebuilt on replay).
            transitions integer,
            created_at timestamptz not null,
            primary key (principal, key)
          ) with (fillfactor = 70)`.execute(db);
        await sql`create index idempotency_resource on payments.idempotency_keys (resource_id) where resource_id is not null`.execute(
          db,
        );
        // Lets one statement (data-modifying CTEs, no BEGIN/COMMIT round trips) undo itself when a
        // count it wrote falls short: raising aborts the statement, and every CTE with it.
        await sql`
          create function payments.require_counts(expected int[], actual int[]) returns int language plpgsql as $$
          begin
            if expected is distinct from actual then
              raise exception 'payments: wrote % rows, expected %', actual, expected using errcode = 'ZR001';
            end if;
            return coalesce(actual[1], 0);
          end $$`.execute(db);
      },
    },
  },
};
