import type { SchemaMigrations } from '@zhirong/db';
import { sql } from 'kysely';

/**
 * The `identity` schema: staff users (argon2id password hashes) and their console sessions (only
 * the SHA-256 of the session token and of its CSRF token are stored).
 */
export const identityMigrations: SchemaMigrations = {
  schema: 'identity',
  migrations: {
    '0001_staff_and_sessions': {
      async up(db) {
        await sql`
          create table identity.staff (
            id uuid primary key,
            username text not null unique check (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
            display_name text not null check (char_length(display_name) between 1 and 100),
            role text not null
              check (role in ('admin', 'risk_analyst', 'loan_officer', 'compliance_officer', 'operator')),
            status text not null default 'active' check (status in ('active', 'disabled')),
            password_hash text not null check (password_hash like '$argon2id$%'),
            locale text check (locale in ('en', 'zh-CN')),
            accessible boolean,
            failed_logins integer not null default 0 check (failed_logins >= 0),
            locked_until timestamptz,
            created_at timestamptz not null,
            updated_at timestamptz not null,
            password_changed_at timestamptz not null,
            last_login_at timestamptz
          )`.execute(db);
        await sql`
          create table identity.sessions (
            id uuid primary key,
            token_sha256 bytea not null unique check (octet_length(token_sha256) = 32),
            csrf_sha256 bytea not null check (octet_length(csrf_sha256) = 32),
            staff_id uuid not null references identity.staff (id),
            created_at timestamptz not null,
            last_seen_at timestamptz not null,
            expires_at timestamptz not null,
            ended_at timestamptz,
            end_reason text check (end_reason in ('logout', 'disabled', 'password_changed', 'role_changed'))
          )`.execute(db);
        await sql`create index sessions_open_by_staff on identity.sessions (staff_id) where ended_at is null`.execute(
          db,
        );
        await sql`create index sessions_expiry on identity.sessions (expires_at)`.execute(db);
      },
    },
  },
};
