import type { PGlite } from '@electric-sql/pglite';

/**
 * Presents one embedded PGlite instance as the tiny `pg.Pool` surface that Kysely's PostgresDialect
 * uses (`connect`, `client.query`, `client.release`, `end`). PGlite is a single connection, so a
 * connection is a lease on it: a FIFO mutex makes transactions run one at a time, which is exactly
 * PostgreSQL's behaviour for one backend. We wrote this adapter because Kysely 0.28 (the last line
 * that supports Node 20) ships no PGlite dialect and the community dialect pins older PGlite majors.
 */
export class PGlitePool {
  readonly #db: PGlite;
  #tail: Promise<void> = Promise.resolve();
  #ended = false;

  constructor(db: PGlite) {
    this.#db = db;
  }

  async connect(): Promise<PGliteClient> {
    if (this.#ended) throw new Error('database is closed');
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => held);
    await previous;
    let released = false;
    return {
      query: (text: string, params: unknown[]) => runQuery(this.#db, text, params),
      release: () => {
        if (released) return;
        released = true;
        release();
      },
    };
  }

  async end(): Promise<void> {
    this.#ended = true;
    await this.#tail;
  }
}

export interface PGliteClient {
  query(text: string, params: unknown[]): Promise<{ command?: string; rowCount: number; rows: unknown[] }>;
  release(): void;
}

const WRITE_VERB = /^\s*(insert|update|delete|merge)\b/i;
const CTE_WRITE_VERB = /\)\s*(insert|update|delete|merge)\b/i;

/** The command tag node-postgres would report for a write, which Kysely needs for `numAffectedRows`. */
function writeCommand(text: string): string | undefined {
  const verb = (WRITE_VERB.exec(text) ?? (/^\s*with\b/i.test(text) ? CTE_WRITE_VERB.exec(text) : null))?.[1];
  return verb?.toUpperCase();
}

async function runQuery(db: PGlite, text: string, params: unknown[]) {
  if (params.length === 0 && text.includes(';')) {
    // Multi-statement scripts (migrations) need the simple query protocol. A single statement can
    // land here too (`update t set n = 0;`, a `;` in a literal): it still reports its row count.
    const results = await db.exec(text);
    const last = results.at(-1);
    const command = results.length === 1 ? writeCommand(text) : undefined;
    return { command, rowCount: last?.affectedRows ?? 0, rows: last?.rows ?? [] };
  }
  const result = await db.query(text, params);
  return { command: writeCommand(text), rowCount: result.affectedRows ?? 0, rows: result.rows };
}
