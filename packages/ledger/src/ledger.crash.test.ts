// Proves that a process killed in the middle of a batch leaves no partial transfer: each batch is in the ledger whole or not at all, on PostgreSQL and on a PGlite data directory.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { migrateSchema, openDatabase } from '@zhirong/db';
import { openTestDatabase, pgliteTemplate, testBackends } from '@zhirong/db/testing';
import { type CurrencyCode, cryptoRng, IdGenerator, SeededRng, systemClock } from '@zhirong/kernel';
import { Outbox, outboxMigrations } from '@zhirong/platform';
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { LedgerService } from './ledger.service.ts';
import { ledgerMigrations } from './migrations.ts';

const FIXTURE = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url));
const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BATCH_SIZE = 2000;
const WAIT_MS_MAX = 60_000;

// biome-ignore lint/suspicious/noExplicitAny: the ledger addresses its own schema with raw SQL
type Db = Kysely<any>;

function ledgerOn(db: Db): LedgerService {
  const ids = new IdGenerator(systemClock, cryptoRng);
  return new LedgerService({ db, clock: systemClock, ids, outbox: new Outbox(ids, systemClock) });
}

/** Migrates and opens the two accounts the writer moves money between. */
async function prepare(db: Db): Promise<[string, string]> {
  await migrateSchema(db, outboxMigrations);
  await migrateSchema(db, ledgerMigrations);
  const ids = new IdGenerator(systemClock, cryptoRng);
  const [bank, customer] = [ids.uuid(), ids.uuid()];
  const results = await ledgerOn(db).createAccounts([
    { id: bank, currency: 'CNY' as CurrencyCode, type: 'asset' },
    { id: customer, currency: 'CNY' as CurrencyCode, type: 'liability' },
  ]);
  expect(results.map((r) => r.status)).toEqual(['created', 'created']);
  return [bank, customer];
}

/** The crash writer as a child process, with what it has printed so far. */
class Writer {
  readonly lines: string[] = [];
  /** When each line arrived (ms since the epoch). */
  readonly times: number[] = [];
  stderr = '';
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #exited: Promise<number | null>;
  #listeners: (() => void)[] = [];

  constructor(args: readonly string[]) {
    this.#child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], {
      cwd: REPOSITORY_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let partial = '';
    this.#child.stdout.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      this.times.push(...parts.map(() => Date.now()));
      for (const listener of this.#listeners) listener();
    });
    this.#child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    // 'close', not 'exit': by then everything the writer printed before it died has been read.
    this.#exited = new Promise((resolve) => this.#child.on('close', (code) => resolve(code)));
    this.#exited.then(() => {
      for (const listener of this.#listeners) listener();
    });
  }

  get exitCode(): number | null {
    return this.#child.exitCode;
  }

  /** How long the writer took for its latest committed batch, from `begin` to `commit`. */
  lastBatchMs(): number {
    const commit = this.lines.findLastIndex((l) => l.startsWith('commit '));
    const begin = this.lines.lastIndexOf(`begin ${this.lines[commit]?.slice(7)}`);
    return (this.times[commit] ?? 0) - (this.times[begin] ?? 0);
  }

  /** The batch the writer had begun and not committed when it died, if any. */
  cut(): number[] {
    const committed = new Set(this.committed());
    return this.lines
      .filter((l) => l.startsWith('begin '))
      .map((l) => Number(l.slice(6)))
      .filter((b) => !committed.has(b));
  }

  committed(): number[] {
    return this.lines.filter((l) => l.startsWith('commit ')).map((l) => Number(l.slice(7)));
  }

  /** Resolves when `condition` holds, checked after each line the writer prints; fails if it exits first. */
  async until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS_MAX;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (condition()) return resolve();
        if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
          return reject(new Error(`crash writer exited (${this.#child.exitCode}) before ${what}: ${this.stderr}`));
        }
        if (Date.now() > deadline)
          return reject(new Error(`crash writer: no ${what} within ${WAIT_MS_MAX} ms: ${this.stderr}`));
      };
      this.#listeners.push(check);
      const timer = setInterval(check, 100);
      this.#listeners.push(() => {
        if (condition()) clearInterval(timer);
      });
      check();
    });
  }

  async kill(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.#exited;
  }
}

/** Every batch is whole, every reported commit survived, entries pair transfers, and verify is clean. */
async function expectNoPartialBatch(db: Db, committed: readonly number[]): Promise<Map<number, number>> {
  const { rows } = await sql<{ batch: number; n: bigint }>`
    select (metadata->>'batch')::int as batch, count(*) as n from ledger.transfers
    where metadata ? 'batch' group by 1 order by 1`.execute(db);
  const counts = new Map(rows.map((r) => [r.batch, Number(r.n)]));
  for (const [batch, n] of counts) expect(n, `transfers of batch ${batch}`).toBe(BATCH_SIZE);
  for (const batch of committed) expect(counts.get(batch), `committed batch ${batch}`).toBe(BATCH_SIZE);
  const report = await ledgerOn(db).verify();
  expect(report.problems).toEqual([]);
  expect(report.entries).toBe(2 * report.transfers);
  expect(report.transfers).toBe(BATCH_SIZE * counts.size);
  return counts;
}

describe.runIf(testBackends().includes('postgres'))('a writer killed mid-batch on postgres', () => {
  it('leaves each batch whole or absent', { timeout: 240_000 }, async () => {
    const db = await openTestDatabase('postgres');
    try {
      const [bank, customer] = await prepare(db.kysely);
      const committed: number[] = [];
      const cut: number[] = [];
      // At least three kills; more (up to eight) until one is seen to have cut a batch that left
      // nothing behind — the transaction can commit between the look at pg_stat_activity and the kill.
      let cutAndAbsent = 0;
      for (let run = 1; run <= 3 || (cutAndAbsent === 0 && run <= 8); run++) {
        const writer = new Writer([db.url as string, String(run), String(BATCH_SIZE), bank, customer]);
        try {
          await writer.until(() => writer.committed().length >= 1, 'committed batch');
          // Kill it while one of its connections is inside a transaction.
          for (let i = 0; ; i++) {
            const { rows } = await sql<{ n: bigint }>`
              select count(*) as n from pg_stat_activity
              where datname = current_database() and application_name = 'zhirong-crash-writer'
                and state in ('active', 'idle in transaction')`.execute(db.kysely);
            if ((rows[0]?.n ?? 0n) > 0n) break;
            expect(i, 'the writer shows up busy in pg_stat_activity').toBeLessThan(5000);
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
        } finally {
          await writer.kill();
        }
        committed.push(...writer.committed());
        cut.push(...writer.cut());
        const counts = await expectNoPartialBatch(db.kysely, committed);
        cutAndAbsent = cut.filter((batch) => !counts.has(batch)).length;
      }
      expect(cutAndAbsent, 'a kill landed inside a batch, and that batch left nothing behind').toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});

describe('a writer killed mid-batch on a PGlite data directory', () => {
  it('leaves each batch whole or absent, and the directory opens again', { timeout: 240_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'zhirong-ledger-crash-'));
    const dataDir = join(root, 'pgdata');
    try {
      const setup = await openDatabase({ dataDir, loadDataDir: await pgliteTemplate() });
      const [bank, customer] = await prepare(setup.kysely);
      await setup.close();

      const rng = new SeededRng(20_260_301);
      const committed: number[] = [];
      const cut: number[] = [];
      // A kill proves something only if it lands inside a batch's transaction, and from outside a
      // kill can aim at a batch only by its expected duration; on a busy machine it may land just
      // after a commit the writer had no time to report. So: at least two kills (each writer
      // recovers the directory its predecessor was killed on), then more until one cut batch is
      // seen to have left nothing behind, checking the directory after every kill.
      let cutAndAbsent = 0;
      for (let run = 1; run <= 2 || (cutAndAbsent === 0 && run <= 8); run++) {
        const writer = new Writer([dataDir, String(run), String(BATCH_SIZE), bank, customer]);
        try {
          await writer.until(() => writer.committed().length >= 2, 'two committed batches');
          const next = (writer.committed()[1] as number) + 1;
          await writer.until(() => writer.lines.includes(`begin ${next}`), 'third batch');
          // Somewhere inside the third batch, which takes about as long as the second (the first is slower).
          await new Promise((resolve) => setTimeout(resolve, rng.int(Math.max(writer.lastBatchMs(), 1))));
        } finally {
          await writer.kill();
        }
        committed.push(...writer.committed());
        cut.push(...writer.cut());
        const reopened = await openDatabase({ dataDir });
        try {
          const counts = await expectNoPartialBatch(reopened.kysely, committed);
          cutAndAbsent = cut.filter((batch) => !counts.has(batch)).length;
        } finally {
          await reopened.close();
        }
      }
      expect(cutAndAbsent, 'a kill landed inside a batch, and that batch left nothing behind').toBeGreaterThan(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
