import type { SchemaMigrations } from '@zhirong/db';
import { sql } from 'kysely';

/**
 * The ledger schema. The database enforces what the engine decides, as a second line of defence:
 * balances never negative, balance limits as CHECK constraints, one resolution per pending transfer.
 */
export const ledgerMigrations: SchemaMigrations = {
  schema: 'ledger',
  migrations: {
    '0001_ledger': {
      async up(db) {
        await sql`
          create table ledger.accounts (
            id uuid primary key,
            currency text not null check (currency ~ '^[A-Z]{3}$'),
            type text not null check (type in ('asset', 'liability', 'equity', 'income', 'expense')),
            code integer not null default 0 check (code >= 0),
            owner_ref text,
            balance_limit text not null default 'none'
              check (balance_limit in ('none', 'debits_must_not_exceed_credits', 'credits_must_not_exceed_debits')),
            status text not null default 'active' check (status in ('active', 'frozen', 'closed')),
            metadata jsonb not null default '{}'::jsonb,
            debits_pending bigint not null default 0 check (debits_pending >= 0),
            debits_posted bigint not null default 0 check (debits_posted >= 0),
            credits_pending bigint not null default 0 check (credits_pending >= 0),
            credits_posted bigint not null default 0 check (credits_posted >= 0),
            entry_count bigint not null default 0 check (entry_count >= 0),
            created_at timestamptz not null,
            constraint accounts_debits_limit check (
              balance_limit <> 'debits_must_not_exceed_credits' or debits_pending + debits_posted <= credits_posted),
            constraint accounts_credits_limit check (
              balance_limit <> 'credits_must_not_exceed_debits' or credits_pending + credits_posted <= debits_posted)
          ) with (fillfactor = 70)`.execute(db);
        await sql`create index accounts_owner on ledger.accounts (owner_ref, id) where owner_ref is not null`.execute(
          db,
        );
        // A transfer row is also the history of both its accounts: the sequence number it has in
        // each account and each account's balances right after it (TigerBeetle's account history).
        // One row per transfer, rather than a transfer row plus two entry rows, is a third of the writes.
        await sql`
          create table ledger.transfers (
            id uuid primary key,
            kind text not null check (kind in ('single', 'pending', 'post_pending', 'void_pending', 'expire_pending')),
            debit_account_id uuid not null,
            credit_account_id uuid not null,
            amount bigint not null check (amount > 0),
            currency text not null,
            pending_id uuid,
            reverses_id uuid,
            timeout_seconds integer not null default 0 check (timeout_seconds >= 0),
            code integer not null default 0 check (code >= 0),
            metadata jsonb not null default '{}'::jsonb,
            linked boolean not null default false,
            created_at timestamptz not null,
            debit_seq bigint not null check (debit_seq > 0),
            debit_debits_pending bigint not null,
            debit_debits_posted bigint not null,
            debit_credits_pending bigint not null,
            debit_credits_posted bigint not null,
            credit_seq bigint not null check (credit_seq > 0),
            credit_debits_pending bigint not null,
            credit_debits_posted bigint not null,
            credit_credits_pending bigint not null,
            credit_credits_posted bigint not null,
            check (debit_account_id <> credit_account_id),
            check ((pending_id is not null) = (kind in ('post_pending', 'void_pending', 'expire_pending')))
          )`.execute(db);
        await sql`create unique index transfers_debit_history on ledger.transfers (debit_account_id, debit_seq)`.execute(
          db,
        );
        await sql`create unique index transfers_credit_history on ledger.transfers (credit_account_id, credit_seq)`.execute(
          db,
        );
        // Each pending transfer is resolved (posted, voided or expired) at most once.
        await sql`create unique index transfers_one_resolution on ledger.transfers (pending_id) where pending_id is not null`.execute(
          db,
        );
        await sql`create index transfers_reverses on ledger.transfers (reverses_id) where reverses_id is not null`.execute(
          db,
        );
        await sql`
          create table ledger.pending_transfers (
            transfer_id uuid primary key,
            expires_at timestamptz,
            state text not null default 'pending' check (state in ('pending', 'posted', 'voided', 'expired')),
            resolved_by uuid
          )`.execute(db);
        await sql`
          create index pending_transfers_due on ledger.pending_transfers (expires_at)
          where state = 'pending' and expires_at is not null`.execute(db);
      },
    },
  },
};
