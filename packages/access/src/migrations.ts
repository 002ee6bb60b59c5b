import type { SchemaMigrations } from '@zhirong/db';
import { sql } from 'kysely';

/** The `access` schema: API keys. Only the SHA-256 of each secret is stored. */
export const accessMigrations: SchemaMigrations = {
  schema: 'access',
  migrations: {
    '0001_api_keys': {
      async up(db) {
        await sql`
          create table access.api_keys (
            id uuid primary key,
            name text not null check (char_length(name) between 1 and 100),
            scopes text[] not null check (cardinality(scopes) between 1 and 32),
            secret_sha256 bytea not null check (octet_length(secret_sha256) = 32),
            created_at timestamptz not null,
            expires_at timestamptz,
            revoked_at timestamptz,
            created_by uuid,
            revoked_by uuid
          )`.execute(db);
      },
    },
  },
};
