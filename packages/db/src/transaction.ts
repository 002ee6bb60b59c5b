import type { Kysely, Transaction } from 'kysely';

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

export interface TransactionOptions {
  readonly isolationLevel?: IsolationLevel;
  /** Attempts after the first on serialization failure or deadlock. */
  readonly retriesMax?: number;
  /** First backoff; doubles per attempt. */
  readonly backoffMs?: number;
}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isRetryableTransactionError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && RETRYABLE_SQLSTATES.has(state);
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505';
}

/**
 * Runs `work` in one transaction, and runs it again from the start when PostgreSQL reports a
 * serialization failure (40001) or a deadlock (40P01): those mean "nothing happened, try again".
 * Any other error rolls back and propagates. `work` must therefore have no effects outside the
 * transaction that a retry would repeat.
 */
export async function inTransaction<DB, T>(
  db: Kysely<DB>,
  work: (trx: Transaction<DB>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const retriesMax = options.retriesMax ?? 8;
  let backoffMs = options.backoffMs ?? 2;
  for (let attempt = 0; ; attempt++) {
    try {
      let builder = db.transaction();
      if (options.isolationLevel) builder = builder.setIsolationLevel(options.isolationLevel);
      return await builder.execute(work);
    } catch (error) {
      if (attempt >= retriesMax || !isRetryableTransactionError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
      backoffMs = Math.min(backoffMs * 2, 200);
    }
  }
}
