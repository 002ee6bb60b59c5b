// Proves on PostgreSQL that concurrent clients never overdraw an account, that a retried id is written once and replays as exists, that ordered locking never deadlocks, and that entries are dated in the order they are written.
import { testBackends } from '@zhirong/db/testing';
import { type CurrencyCode, SeededRng, systemClock } from '@zhirong/kernel';
import { ManualClock } from '@zhirong/kernel/testing';
import { Outbox } from '@zhirong/platform';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountFlag, AccountType } from './account.ts';
import { LedgerService } from './ledger.service.ts';
import { openTestLedger } from './testing.ts';
import { TransferCoalescer } from './transfer.coalescer.ts';
import type { MovementRequest, TransferRequest, TransferResult } from './transfer.ts';

const CNY = 'CNY' as CurrencyCode;
const CLIENTS = 32;
const onPostgres = describe.runIf(testBackends().includes('postgres'));

type TestLedger = Awaited<ReturnType<typeof openTestLedger>>;

async function openAccounts(
  t: TestLedger,
  ...specs: { type?: AccountType; flags?: AccountFlag[] }[]
): Promise<string[]> {
  const ids = specs.map(() => t.ids.uuid());
  const results = await t.ledger.createAccounts(
    specs.map((s, i) => ({
      id: ids[i] as string,
      currency: CNY,
      type: s.type ?? 'liability',
      ...(s.flags ? { flags: s.flags } : {}),
    })),
  );
  expect(results.map((r) => r.status)).toEqual(ids.map(() => 'created'));
  return ids;
}

function move(t: TestLedger, debit: string, credit: string, amountMinor: bigint): MovementRequest {
  return {
    kind: 'single',
    id: t.ids.uuid(),
    debitAccountId: debit,
    creditAccountId: credit,
    amountMinor,
    currency: CNY,
  };
}

onPostgres('ledger under concurrent clients on postgres', () => {
  let t: TestLedger;
  beforeAll(async () => {
    t = await openTestLedger('postgres', { poolSize: 16 });
  });
  afterAll(async () => t?.db.close());

  it('never overdraws an account hammered by 32 clients, and writes each retried id once', async () => {
    const FUNDED = 100_000n; // 1,000.00
    const [bank, hot, sink] = await openAccounts(
      t,
      { type: 'asset' },
      { flags: ['debits_must_not_exceed_credits'] },
      {},
    );
    const hotId = hot as string;
    expect((await t.ledger.createTransfers([move(t, bank as string, hotId, FUNDED)]))[0]?.status).toBe('created');

    const coalescer = new TransferCoalescer((requests) => t.ledger.createTransfers(requests), { inFlightMax: 4 });
    const submissions: { request: MovementRequest; result: TransferResult }[] = [];
    type Mode = 'direct' | 'batch' | 'coalesced';
    async function submit(mode: Mode, requests: readonly MovementRequest[]): Promise<TransferResult[]> {
      const results =
        mode === 'coalesced'
          ? await Promise.all(requests.map((r) => coalescer.submit(r)))
          : mode === 'batch'
            ? await t.ledger.createTransfers(requests)
            : (await Promise.all(requests.map((r) => t.ledger.createTransfers([r])))).flat();
      expect(results.length).toBe(requests.length);
      requests.forEach((request, i) => {
        submissions.push({ request, result: results[i] as TransferResult });
      });
      return results;
    }

    async function client(index: number, rounds: number): Promise<void> {
      const rng = new SeededRng(1000 + index);
      const mode = (['direct', 'batch', 'coalesced'] as const)[index % 3] as Mode;
      const sent: MovementRequest[] = [];
      for (let round = 0; round < rounds; round++) {
        const size = mode === 'batch' ? 1 + rng.int(5) : 1;
        const requests = Array.from({ length: size }, () => move(t, hotId, sink as string, BigInt(1 + rng.int(1000))));
        const attempts: Promise<unknown>[] = [submit(mode, requests)];
        // A client that timed out sends the same ids again while the first attempt is still in flight…
        if (rng.int(4) === 0) attempts.push(submit(mode, requests));
        // …or much later.
        const old = sent[rng.int(Math.max(sent.length, 1))];
        if (old && rng.int(3) === 0) attempts.push(submit(mode, [old]));
        await Promise.all(attempts);
        sent.push(...requests);
      }
    }
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i, 10)));
    const requested = submissions.reduce((s, x) => s + x.request.amountMinor, 0n);
    expect(requested).toBeGreaterThan(2n * FUNDED);

    // Sweep what is left, one minor unit at a time, from every client at once, until refused.
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, index) => {
        for (;;) {
          const [result] = await submit(index % 2 === 0 ? 'direct' : 'coalesced', [move(t, hotId, sink as string, 1n)]);
          if (result?.status !== 'created') break;
        }
      }),
    );

    // Per id: created at most once, and every other submission of it a replay (`exists`) or the same refusal.
    const byId = new Map<string, TransferResult[]>();
    for (const s of submissions) byId.set(s.request.id, [...(byId.get(s.request.id) ?? []), s.result]);
    const accepted = new Map<string, bigint>();
    for (const { request, result } of submissions) {
      expect(['created', 'exists', 'exceeds_credits']).toContain(
        result.status === 'failed' ? result.code : result.status,
      );
      if (result.status === 'created') {
        expect(accepted.has(request.id), `${request.id} created twice`).toBe(false);
        accepted.set(request.id, request.amountMinor);
      }
    }
    let replays = 0;
    for (const [id, results] of byId) {
      const statuses = results.map((r) => r.status);
      if (accepted.has(id)) {
        expect(
          statuses.filter((s) => s !== 'created'),
          `retries of committed ${id}`,
        ).toEqual(statuses.slice(1).map(() => 'exists'));
        replays += results.length - 1;
      } else {
        expect(
          statuses.every((s) => s === 'failed'),
          `attempts of refused ${id}`,
        ).toBe(true);
      }
    }
    expect(replays).toBeGreaterThan(20);

    const spent = [...accepted.values()].reduce((s, v) => s + v, 0n);
    expect(spent).toBe(FUNDED);
    const account = await t.ledger.getAccount(hotId);
    expect(account?.balances).toEqual({
      debitsPending: 0n,
      debitsPosted: FUNDED,
      creditsPending: 0n,
      creditsPosted: FUNDED,
    });

    const { rows } = await sql<{ id: string; amount: bigint }>`
      select id, amount from ledger.transfers where debit_account_id = ${hotId}::uuid`.execute(t.db.kysely);
    expect(rows.length).toBe(accepted.size);
    expect(new Map(rows.map((r) => [r.id, r.amount]))).toEqual(accepted);
    expect((await t.ledger.getAccount(sink as string))?.balances.creditsPosted).toBe(FUNDED);

    for (const x of await t.ledger.totals()) {
      expect(x.debitsPosted).toBe(x.creditsPosted);
      expect(x.debitsPending).toBe(x.creditsPending);
    }
    expect((await t.ledger.verify()).problems).toEqual([]);
  });

  it('moves money among many accounts from 32 clients without a single deadlock', async () => {
    // A second view of the same database whose every failed statement is counted, deadlocks included.
    const failures: unknown[] = [];
    const pool = new pg.Pool({
      connectionString: t.db.url,
      max: 16,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === 20 ? (v: string) => BigInt(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // biome-ignore lint/suspicious/noExplicitAny: the ledger addresses its own schema with raw SQL
    const db = new Kysely<any>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => {
        if (event.level === 'error') failures.push(event.error);
      },
    });
    try {
      const ledger = new LedgerService({ db, clock: systemClock, ids: t.ids, outbox: new Outbox(t.ids, systemClock) });
      const accounts = await openAccounts(
        t,
        ...Array.from({ length: 32 }, (_, i) => ({ type: (i % 2 ? 'asset' : 'liability') as AccountType })),
      );
      const moved = new Map<string, bigint>(accounts.map((id) => [id, 0n]));
      let created = 0;
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, index) => {
          const rng = new SeededRng(7000 + index);
          for (let round = 0; round < 8; round++) {
            const requests: TransferRequest[] = Array.from({ length: 1 + rng.int(8) }, () => {
              const from = rng.int(accounts.length);
              const to = (from + 1 + rng.int(accounts.length - 1)) % accounts.length;
              return move(t, accounts[from] as string, accounts[to] as string, BigInt(1 + rng.int(10_000)));
            });
            const results = await ledger.createTransfers(requests);
            requests.forEach((r, i) => {
              expect(results[i]?.status).toBe('created');
              const m = r as MovementRequest;
              moved.set(m.debitAccountId, (moved.get(m.debitAccountId) ?? 0n) - m.amountMinor);
              moved.set(m.creditAccountId, (moved.get(m.creditAccountId) ?? 0n) + m.amountMinor);
              created += 1;
            });
          }
        }),
      );
      expect(failures.map((e) => (e as { code?: string }).code)).toEqual([]);
      expect(created).toBeGreaterThan(600);
      for (const id of accounts) {
        const b = (await t.ledger.getAccount(id))?.balances;
        expect(b && b.creditsPosted - b.debitsPosted).toBe(moved.get(id));
      }
      expect((await t.ledger.verify()).problems).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});

onPostgres('entry dates under concurrent batches on postgres', () => {
  const clock = new ManualClock(new Date(Date.UTC(2026, 5, 1)));
  let t: TestLedger;
  beforeAll(async () => {
    t = await openTestLedger('postgres', { clock, poolSize: 4 });
  });
  afterAll(async () => t?.db.close());

  it('dates a batch that waited for a lock after the batches it waited for', async () => {
    // Ids are increasing: x < y < z, so a batch on (x, y) locks x first.
    const [x, y, z] = await openAccounts(t, {}, {}, {});
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding!: () => void;
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const holder = t.db.kysely.transaction().execute(async (trx) => {
      await sql`select id from ledger.accounts where id = ${x}::uuid for update`.execute(trx);
      holding();
      await released;
    });
    await held;

    // A starts at t1 and waits for x.
    const waiting = t.ledger.createTransfers([move(t, x as string, y as string, 10n)]);
    for (let i = 0; ; i++) {
      const { rows } = await sql<{ n: bigint }>`
        select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(
        t.db.kysely,
      );
      if ((rows[0]?.n ?? 0n) > 0n) break;
      expect(i).toBeLessThan(500);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // B, at t2, touches y and commits first.
    clock.advance(60_000);
    expect((await t.ledger.createTransfers([move(t, y as string, z as string, 3n)]))[0]?.status).toBe('created');
    // A gets its lock at t3.
    clock.advance(60_000);
    release();
    await holder;
    expect((await waiting)[0]?.status).toBe('created');

    const statement = await t.ledger.statement({ accountId: y as string, limit: 10 });
    expect(statement.ok).toBe(true);
    if (!statement.ok) return;
    const times = statement.value.lines.map((l) => l.createdAt.getTime());
    expect(times, 'entry dates follow the entry sequence').toEqual([...times].sort((a, b) => a - b));
    // As of now, the balances are the current ones.
    const now = await t.ledger.balancesAsOf(y as string, clock.now());
    expect(now).toMatchObject({ ok: true, value: { seq: 2n, balances: statement.value.account.balances } });
  });
});
