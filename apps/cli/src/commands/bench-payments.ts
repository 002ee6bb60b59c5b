import { availableParallelism, cpus, totalmem } from 'node:os';
import type { AccessService } from '@zhirong/access';
import { type CurrencyCode, cryptoRng, formatId, IdGenerator, SeededRng, systemClock } from '@zhirong/kernel';
import type { LedgerModuleService } from '@zhirong/ledger';
import type { PaymentsService } from '@zhirong/payments';
import type { Config } from '@zhirong/platform';
import { sql } from 'kysely';
import { Pool } from 'undici';
import { withPlatform } from '../context.ts';
import { freePort, startServer, stopServer } from './bench-ledger.ts';
import { type CpuSnapshot, cpuPerThousand, cpuSnapshot } from './process-cpu.ts';

/**
 * `zhirong bench payments`: end-to-end payments through the HTTP API against the configured
 * database — each request is one p2p (or merchant) payment order: validation, the risk gate
 * (default policy), the order's first write, the ledger hold and its posting in one linked chain,
 * and the final write with its events. The server runs in its own process; this one drives N
 * concurrent clients, each sending its next payment when the last one is answered.
 */
export interface PaymentsBenchOptions {
  readonly accounts: number;
  readonly clients: number;
  readonly seconds: number;
  readonly seed: number;
  /** Share of payments that are merchant payments (fee split), 0–100. */
  readonly merchantPercent: number;
  readonly verify: boolean;
  readonly profileServerDir?: string | undefined;
  readonly progress: (message: string) => void;
}

const CNY = 'CNY' as CurrencyCode;
const FUNDING_MINOR = 100_000_000n;

export async function benchPayments(config: Config, options: PaymentsBenchOptions) {
  const backend = config.databaseUrl ? 'postgres' : 'pglite';
  // PostgreSQL backends serving this database count towards the benchmark's CPU; others on the machine do not.
  const benchDatabase = config.databaseUrl
    ? decodeURIComponent(new URL(config.databaseUrl).pathname.slice(1))
    : undefined;
  const ids = new IdGenerator(systemClock, cryptoRng);
  const rng = new SeededRng(options.seed);
  const log = options.progress;

  log(`setting up ${options.accounts} accounts and a merchant on ${backend}`);
  const accountIds = Array.from({ length: options.accounts }, () => ids.uuid());
  const source = ids.uuid();
  const merchantAccount = ids.uuid();
  const merchantId = ids.uuid();
  const apiKey = await withPlatform(config, async (platform) => {
    const access = platform.service<AccessService>('access');
    // The server declares every module's scopes at start; this process must too before issuing a key.
    for (const module of platform.modules.list()) if (module.scopes) access.declareScopes(module.scopes);
    const created = await access.createKey({
      name: `bench payments ${new Date(systemClock.nowMs()).toISOString()}`,
      scopes: ['payments:read', 'payments:write'],
    });
    if (!created.ok) throw new Error(`cannot create a bench key: ${created.code}`);
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    const all = [
      { id: source, currency: CNY, type: 'asset' as const, metadata: { bench: true } },
      { id: merchantAccount, currency: CNY, type: 'liability' as const, metadata: { bench: true } },
      ...accountIds.map((id) => ({
        id,
        currency: CNY,
        type: 'liability' as const,
        flags: ['debits_must_not_exceed_credits' as const],
        metadata: { bench: true },
      })),
    ];
    for (let i = 0; i < all.length; i += 8000) await ledger.createAccounts(all.slice(i, i + 8000));
    for (let i = 0; i < accountIds.length; i += 8000) {
      await ledger.createTransfers(
        accountIds.slice(i, i + 8000).map((id) => ({
          kind: 'single' as const,
          id: ids.uuid(),
          debitAccountId: source,
          creditAccountId: id,
          amountMinor: FUNDING_MINOR,
          currency: CNY,
        })),
      );
    }
    const payments = platform.service<PaymentsService>('payments');
    const merchant = await payments.createMerchant({
      id: merchantId,
      name: 'BENCH MART',
      city: 'SHANGHAI',
      country: 'CN',
      postalCode: null,
      merchantCategoryCode: '5411',
      currency: CNY,
      accountId: merchantAccount,
      mdr: '0.0038',
      nameAlternate: null,
      language: null,
      metadata: { bench: true },
    });
    if (!merchant.ok) throw new Error(`cannot create the bench merchant: ${merchant.code}`);
    return created.value.key;
  });

  const accountRefs = accountIds.map((id) => formatId('acc', id));
  const merchantRef = formatId('mch', merchantId);
  const randomPayment = () => {
    const from = rng.int(accountRefs.length);
    const amount = `${1 + rng.int(99)}.${String(rng.int(100)).padStart(2, '0')}`;
    if (rng.int(100) < options.merchantPercent) {
      return { kind: 'merchant', debtorAccountId: accountRefs[from], merchantId: merchantRef, amount, currency: 'CNY' };
    }
    let to = rng.int(accountRefs.length - 1);
    if (to >= from) to += 1;
    return {
      kind: 'p2p',
      debtorAccountId: accountRefs[from],
      creditorAccountId: accountRefs[to],
      amount,
      currency: 'CNY',
    };
  };

  const port = await freePort();
  const server = await startServer(config, port, options.profileServerDir);
  const origin = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  try {
    log(`payments API: ${options.clients} clients for ${options.seconds}s`);
    const pool = new Pool(origin, { connections: options.clients, pipelining: 1 });
    const warmupMs = 2000;
    const latencies: number[] = [];
    const states: Record<string, number> = {};
    const statusCounts: Record<string, number> = {};
    let settled = 0;
    let other = 0;
    const startedAt = performance.now();
    const measureFrom = startedAt + warmupMs;
    let cpuBefore: CpuSnapshot | undefined;
    const cpuTimer = setTimeout(() => {
      cpuBefore = cpuSnapshot(server.pid, benchDatabase);
    }, warmupMs);
    const stopAt = measureFrom + options.seconds * 1000;
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        for (;;) {
          const begin = performance.now();
          if (begin >= stopAt) return;
          const response = await pool.request({
            method: 'POST',
            path: '/v1/payments',
            headers: { ...headers, 'idempotency-key': ids.next('bench') },
            body: JSON.stringify(randomPayment()),
          });
          const body = (await response.body.json()) as { state?: string };
          const end = performance.now();
          if (begin < measureFrom) continue;
          latencies.push(end - begin);
          statusCounts[response.statusCode] = (statusCounts[response.statusCode] ?? 0) + 1;
          const state = body.state ?? 'error';
          states[state] = (states[state] ?? 0) + 1;
          if (response.statusCode === 201 && state === 'settled') settled++;
          else other++;
        }
      }),
    );
    const seconds = (performance.now() - measureFrom) / 1000;
    clearTimeout(cpuTimer);
    // CPU per 1,000 payments holds steadier than throughput on a shared machine.
    const cpu = cpuBefore && cpuPerThousand(cpuBefore, cpuSnapshot(server.pid, benchDatabase), latencies.length);
    await pool.close();
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    await stopServer(server);

    let verified: boolean | undefined;
    let stored: Record<string, number> | undefined;
    if (options.verify) {
      log('verifying the ledger and counting payment states');
      const report = await withPlatform(config, async (platform) => {
        const ok = (await platform.service<LedgerModuleService>('ledger').ledger.verify()).ok;
        const rows = await sql<{
          state: string;
          n: bigint;
        }>`select state, count(*) as n from payments.payments group by state`.execute(platform.context.db.kysely);
        return { ok, states: Object.fromEntries(rows.rows.map((r) => [r.state, Number(r.n)])) };
      });
      verified = report.ok;
      stored = report.states;
    }
    const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
    return {
      benchmark: 'payments',
      backend,
      path: 'HTTP → validation → risk gate → order write → ledger hold + post (one linked chain) → final write + events',
      accounts: options.accounts,
      clients: options.clients,
      merchant_percent: options.merchantPercent,
      seconds: round(seconds, 3),
      payments_settled: settled,
      payments_other: other,
      payments_per_sec: Math.round(settled / seconds),
      p50_ms: round(pct(50)),
      p90_ms: round(pct(90)),
      p99_ms: round(pct(99)),
      max_ms: round(latencies.at(-1) ?? 0),
      cpu_ms_per_1k: cpu,
      status_counts: statusCounts,
      response_states: states,
      stored_states: stored,
      ledger_verified: verified,
      target: { payments_per_sec: 1500, clients: 32, p99_ms: 30 },
      machine: {
        cpus: availableParallelism(),
        cpu_model: cpus()[0]?.model,
        memory_gib: round(totalmem() / 2 ** 30, 1),
        node: process.version,
      },
    };
  } finally {
    await stopServer(server);
  }
}
