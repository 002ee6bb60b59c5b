import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { AccessService } from '@zhirong/access';
import { type CurrencyCode, cryptoRng, formatId, IdGenerator, SeededRng, systemClock } from '@zhirong/kernel';
import type { LedgerModuleService } from '@zhirong/ledger';
import type { Config } from '@zhirong/platform';
import { Pool } from 'undici';
import { withPlatform } from '../context.ts';
import { type CpuSnapshot, cpuPerThousand, cpuSnapshot } from './process-cpu.ts';

/**
 * `zhirong bench ledger`: measures the ledger through its HTTP API against the configured
 * database. The server runs in its own process (as in production) and this process only drives
 * load: the batch endpoint with 8,000-transfer batches, then single-transfer calls from N
 * concurrent clients (the server coalesces them into shared transactions).
 */
export interface LedgerBenchOptions {
  readonly accounts: number;
  readonly batchTransfers: number;
  readonly batchSize: number;
  readonly batchClients: number;
  readonly clients: number;
  readonly apiSeconds: number;
  readonly seed: number;
  readonly verify: boolean;
  /** Write a V8 CPU profile of the server process into this directory. */
  readonly profileServerDir?: string | undefined;
  readonly progress: (message: string) => void;
}

const CNY = 'CNY' as CurrencyCode;
const FUNDING_MINOR = 100_000_000n; // 1,000,000.00 per account: the benchmark measures throughput, not refusals

export async function benchLedger(config: Config, options: LedgerBenchOptions) {
  const backend = config.databaseUrl ? 'postgres' : 'pglite';
  // PostgreSQL backends serving this database count towards the benchmark's CPU; others on the machine do not.
  const benchDatabase = config.databaseUrl
    ? decodeURIComponent(new URL(config.databaseUrl).pathname.slice(1))
    : undefined;
  const ids = new IdGenerator(systemClock, cryptoRng);
  const rng = new SeededRng(options.seed);
  const log = options.progress;

  // 1. Set-up through the service: an API key, the accounts, their funding.
  log(`setting up ${options.accounts} accounts on ${backend}`);
  const accountIds = Array.from({ length: options.accounts }, () => ids.uuid());
  const source = ids.uuid();
  const apiKey = await withPlatform(config, async (platform) => {
    const access = platform.service<AccessService>('access');
    const created = await access.createKey({
      name: `bench ${new Date(systemClock.nowMs()).toISOString()}`,
      scopes: ['ledger:read', 'ledger:write'],
    });
    if (!created.ok) throw new Error(`cannot create a bench key: ${created.code}`);
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    const all = [
      { id: source, currency: CNY, type: 'asset' as const, metadata: { bench: true } },
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
    return created.value.key;
  });
  const accountRefs = accountIds.map((id) => formatId('acc', id));
  const randomTransfer = () => {
    const from = rng.int(accountRefs.length);
    let to = rng.int(accountRefs.length - 1);
    if (to >= from) to += 1;
    return {
      id: ids.next('trf'),
      debitAccountId: accountRefs[from] as string,
      creditAccountId: accountRefs[to] as string,
      amount: `${1 + rng.int(99)}.${String(rng.int(100)).padStart(2, '0')}`,
      currency: 'CNY',
    };
  };

  // 2. The server, in its own process.
  const port = await freePort();
  const server = await startServer(config, port, options.profileServerDir);
  const origin = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  try {
    // 3. Batch API.
    log(
      `batch API: ${options.batchTransfers} transfers in batches of ${options.batchSize}, ${options.batchClients} clients`,
    );
    const batchBodies: string[] = [];
    for (let made = 0; made < options.batchTransfers; made += options.batchSize) {
      const size = Math.min(options.batchSize, options.batchTransfers - made);
      batchBodies.push(
        JSON.stringify({ transfers: Array.from({ length: size }, () => ({ type: 'single', ...randomTransfer() })) }),
      );
    }
    const batchPool = new Pool(origin, {
      connections: options.batchClients,
      bodyTimeout: 120_000,
      headersTimeout: 120_000,
    });
    let batchCreated = 0;
    let batchFailed = 0;
    const batchCpuBefore = cpuSnapshot(server.pid, benchDatabase);
    const batchStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: options.batchClients }, async () => {
        while (next < batchBodies.length) {
          const body = batchBodies[next++] as string;
          const response = await batchPool.request({
            method: 'POST',
            path: '/v1/ledger/transfers/batch',
            headers,
            body,
          });
          const json = (await response.body.json()) as { results?: { status: string }[] };
          if (response.statusCode !== 200 || !json.results)
            throw new Error(`batch failed: HTTP ${response.statusCode} ${JSON.stringify(json)}`);
          for (const r of json.results) r.status === 'created' ? batchCreated++ : batchFailed++;
        }
      }),
    );
    const batchSeconds = (performance.now() - batchStart) / 1000;
    const batchCpu = cpuPerThousand(batchCpuBefore, cpuSnapshot(server.pid, benchDatabase), batchCreated + batchFailed);
    await batchPool.close();

    // 4. Single-transfer API, N concurrent clients.
    log(`single-transfer API: ${options.clients} clients for ${options.apiSeconds}s`);
    const pool = new Pool(origin, { connections: options.clients, pipelining: 1 });
    const warmupMs = 1000;
    const latencies: number[] = [];
    let apiCreated = 0;
    let apiFailed = 0;
    const statusCounts: Record<string, number> = {};
    const startedAt = performance.now();
    const measureFrom = startedAt + warmupMs;
    let apiCpuBefore: CpuSnapshot | undefined;
    const apiCpuTimer = setTimeout(() => {
      apiCpuBefore = cpuSnapshot(server.pid, benchDatabase);
    }, warmupMs);
    const stopAt = measureFrom + options.apiSeconds * 1000;
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        for (;;) {
          const begin = performance.now();
          if (begin >= stopAt) return;
          const response = await pool.request({
            method: 'POST',
            path: '/v1/ledger/transfers',
            headers,
            body: JSON.stringify(randomTransfer()),
          });
          await response.body.dump();
          const end = performance.now();
          if (begin < measureFrom) continue;
          latencies.push(end - begin);
          statusCounts[response.statusCode] = (statusCounts[response.statusCode] ?? 0) + 1;
          if (response.statusCode === 201) apiCreated++;
          else apiFailed++;
        }
      }),
    );
    const apiSeconds = (performance.now() - measureFrom) / 1000;
    clearTimeout(apiCpuTimer);
    const apiCpu =
      apiCpuBefore && cpuPerThousand(apiCpuBefore, cpuSnapshot(server.pid, benchDatabase), latencies.length);
    await pool.close();
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;

    await stopServer(server);

    let verified: boolean | undefined;
    if (options.verify) {
      log('verifying the ledger');
      verified = await withPlatform(
        config,
        async (platform) => (await platform.service<LedgerModuleService>('ledger').ledger.verify()).ok,
      );
    }
    const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
    return {
      benchmark: 'ledger',
      backend,
      accounts: options.accounts,
      transfers: batchCreated + apiCreated,
      clients: options.clients,
      batch_size: options.batchSize,
      batch_clients: options.batchClients,
      batch_transfers: batchCreated,
      batch_failed: batchFailed,
      batch_seconds: round(batchSeconds, 3),
      batch_transfers_per_sec: Math.round(batchCreated / batchSeconds),
      api_transfers: apiCreated,
      api_failed: apiFailed,
      api_status_counts: statusCounts,
      api_seconds: round(apiSeconds, 3),
      api_transfers_per_sec: Math.round(apiCreated / apiSeconds),
      api_p50_ms: round(pct(50)),
      api_p90_ms: round(pct(90)),
      api_p99_ms: round(pct(99)),
      api_max_ms: round(latencies.at(-1) ?? 0),
      // CPU milliseconds per 1,000 transfers, by process: steadier than throughput on a shared machine.
      batch_cpu_ms_per_1k: batchCpu,
      api_cpu_ms_per_1k: apiCpu,
      verified,
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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The flags `bin/zhirong.js` declares in its shebang (a spawned `node bin` does not read the shebang). */
const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

export async function startServer(config: Config, port: number, profileDir: string | undefined): Promise<ChildProcess> {
  const bin = fileURLToPath(new URL('../../bin/zhirong.js', import.meta.url));
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...profile, bin, 'serve'], {
    env: {
      ...process.env,
      ZHIRONG_PORT: String(port),
      ZHIRONG_HOST: '127.0.0.1',
      ZHIRONG_DATA_DIR: config.dataDir,
      ZHIRONG_LOG_LEVEL: 'warn',
      ZHIRONG_DEMO: 'false',
      ZHIRONG_RATE_LIMIT_PER_MINUTE: '10000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = performance.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) return child;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('server did not become ready within 60 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
