import { createHash } from 'node:crypto';
import { assert, canonicalJson, IDEMPOTENCY_KEY_PATTERN } from '@zhirong/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Kysely, sql } from 'kysely';

const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * Where a domain keeps its Idempotency-Key responses: a table `(key text primary key, fingerprint
 * text, status_code integer, response json, created_at timestamptz)` in its own schema, and how it
 * refuses a bad key, a key reused with another request, and a key whose first request still runs.
 */
export interface IdempotencyTable {
  readonly table: string;
  /** Stored keys carry it (`scf:`), so a key means one thing per domain. */
  readonly keyPrefix: string;
  readonly refuse: (
    code: 'idempotency_key_invalid' | 'idempotency_key_reused' | 'idempotency_request_in_progress',
  ) => never;
}

/**
 * Runs a value-moving POST under its Idempotency-Key: the first request with a key runs and its
 * response is stored; a retry with the same key and body gets the stored response; the same key
 * with another body is a 409. A refused request (a thrown problem) frees the key for a corrected retry.
 */
export async function idempotentReply(
  // biome-ignore lint/suspicious/noExplicitAny: each domain's schema is reached through raw SQL
  db: Kysely<any>,
  store: IdempotencyTable,
  request: FastifyRequest,
  reply: FastifyReply,
  now: () => Date,
  work: () => Promise<{ status: number; body: unknown }>,
) {
  const raw = request.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) {
    const result = await work();
    return reply.code(result.status).send(result.body);
  }
  const given = Array.isArray(raw) ? '' : raw;
  if (!IDEMPOTENCY_KEY_PATTERN.test(given)) store.refuse('idempotency_key_invalid');
  const key = `${store.keyPrefix}${given}`;
  const fingerprint = createHash('sha256')
    .update(
      `${request.method} ${request.routeOptions.url ?? ''} ${JSON.stringify(request.params)} ${canonicalJson(request.body ?? null)}`,
    )
    .digest('hex');
  const table = sql.table(store.table);
  const inserted = await sql`
    insert into ${table} (key, fingerprint, created_at) values (${key}, ${fingerprint}, ${now().toISOString()}::timestamptz)
    on conflict (key) do nothing`.execute(db);
  if (Number(inserted.numAffectedRows ?? 0n) !== 1) {
    const { rows } = await sql<{ fingerprint: string; status_code: number | null; response: unknown }>`
      select fingerprint, status_code, response from ${table} where key = ${key}`.execute(db);
    const row = rows[0];
    assert(row !== undefined, 'the claimed key exists');
    if (row.fingerprint !== fingerprint) store.refuse('idempotency_key_reused');
    if (row.status_code === null) store.refuse('idempotency_request_in_progress');
    const response = typeof row.response === 'string' ? JSON.parse(row.response) : row.response;
    return reply.code(row.status_code).header('idempotent-replayed', 'true').send(response);
  }
  try {
    const result = await work();
    await sql`update ${table} set status_code = ${result.status}, response = ${JSON.stringify(result.body)}::json
      where key = ${key}`.execute(db);
    return reply.code(result.status).send(result.body);
  } catch (error) {
    await sql`delete from ${table} where key = ${key} and status_code is null`.execute(db);
    throw error;
  }
}
