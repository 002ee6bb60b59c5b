import type { SchemaMigrations } from '@zhirong/db';
import { sql } from 'kysely';

/**
 * The `webhooks` schema: endpoints (with their sealed signing secrets), the events that matched at
 * least one endpoint (the exact body sent, stored once however many endpoints receive it), one
 * delivery per (event, endpoint), every attempt of a delivery, and the stored responses of
 * requests sent with an Idempotency-Key.
 */
export const webhooksMigrations: SchemaMigrations = {
  schema: 'webhooks',
  migrations: {
    '0001_webhooks': {
      async up(db) {
        await sql`
          create table webhooks.endpoints (
            id uuid primary key,
            url text not null check (char_length(url) between 1 and 2048),
            description text not null default '' check (char_length(description) <= 500),
            event_types text[] not null check (cardinality(event_types) between 1 and 50),
            status text not null default 'active' check (status in ('active', 'disabled')),
            secret_sealed text not null,
            previous_secret_sealed text,
            previous_secret_expires_at timestamptz,
            created_at timestamptz not null,
            updated_at timestamptz not null,
            check ((previous_secret_sealed is null) = (previous_secret_expires_at is null))
          )`.execute(db);
        await sql`
          create table webhooks.events (
            id uuid primary key,
            topic text not null,
            key text not null,
            body text not null,
            occurred_at timestamptz not null,
            received_at timestamptz not null
          )`.execute(db);
        await sql`
          create table webhooks.deliveries (
            id uuid primary key,
            endpoint_id uuid not null references webhooks.endpoints (id),
            event_id uuid not null references webhooks.events (id),
            event_type text not null,
            status text not null default 'pending' check (status in ('pending', 'succeeded', 'dead')),
            attempts integer not null default 0 check (attempts >= 0),
            -- Attempts since the delivery was created or last redelivered: the dead-letter budget.
            cycle_attempts integer not null default 0 check (cycle_attempts >= 0),
            redeliveries integer not null default 0 check (redeliveries >= 0),
            next_attempt_at timestamptz not null,
            claimed_until timestamptz,
            claim_token uuid,
            last_attempt_at timestamptz,
            last_status_code integer,
            last_error text,
            delivered_at timestamptz,
            dead_at timestamptz,
            created_at timestamptz not null,
            updated_at timestamptz not null,
            unique (event_id, endpoint_id)
          )`.execute(db);
        await sql`create index deliveries_due on webhooks.deliveries (next_attempt_at) where status = 'pending'`.execute(
          db,
        );
        await sql`create index deliveries_endpoint on webhooks.deliveries (endpoint_id, id)`.execute(db);
        await sql`create index deliveries_status on webhooks.deliveries (status, id)`.execute(db);
        await sql`
          create table webhooks.attempts (
            id uuid primary key,
            delivery_id uuid not null references webhooks.deliveries (id),
            number integer not null check (number >= 1),
            started_at timestamptz not null,
            latency_ms integer not null check (latency_ms >= 0),
            outcome text not null check (outcome in ('succeeded', 'failed')),
            status_code integer,
            error text,
            response_body text not null default ''
          )`.execute(db);
        await sql`create index attempts_delivery on webhooks.attempts (delivery_id, id)`.execute(db);
        await sql`
          create table webhooks.idempotency_keys (
            principal text not null,
            key text not null,
            request_sha256 text not null,
            status_code integer,
            response_sealed text,
            created_at timestamptz not null,
            primary key (principal, key)
          )`.execute(db);
        await sql`create index idempotency_keys_created on webhooks.idempotency_keys (created_at)`.execute(db);
      },
    },
  },
};
