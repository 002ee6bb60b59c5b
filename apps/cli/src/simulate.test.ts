// Proves `zhirong simulate` end to end: files from the command line with a JSON summary, clear errors for bad options, and streaming a simulated bank into a real server over HTTP so that every ledger balance equals the simulator's, a second stream is a pure replay, and `ledger verify` passes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AccessService, accessModule } from '@zhirong/access';
import { issueTestKey } from '@zhirong/access/testing';
import { openTestDatabase, testBackends } from '@zhirong/db/testing';
import { type LedgerModuleService, ledgerModule } from '@zhirong/ledger';
import { bootPlatform, createLogger, loadConfig, ModuleRegistry, type Platform } from '@zhirong/platform';
import { createApp, type ZhirongApp } from '@zhirong/server';
import { LedgerStreamSink, runSimulation, type SimulationRun } from '@zhirong/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/zhirong.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'zhirong-simulate-'));

/** Runs `zhirong simulate` in a child process without blocking this one (the streaming tests' server runs here). */
function zhirong(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ZHIRONG_DATA_DIR: dir, ZHIRONG_LOG_LEVEL: 'warn', LANG: 'C' };
  delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'simulate', ...args], { env, timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('zhirong simulate', () => {
  it('writes the tables and prints one JSON summary with the throughput', async () => {
    const out = join(dir, 'files');
    const config = join(dir, 'rates.json');
    writeFileSync(config, JSON.stringify({ fraudRates: { card_testing: 20 }, startDate: '2026-06-15' }));
    const run = await zhirong(
      '--customers',
      '200',
      '--days',
      '7',
      '--seed',
      '3',
      '--out',
      out,
      '--config',
      config,
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ schemaVersion: 1, seed: 3, format: 'csv', config: { customers: 200, days: 7 } });
    expect(summary.config.fraudRates.card_testing).toBe(20);
    expect(summary.eventsPerSecond).toBeGreaterThan(0);
    for (const file of [
      'customers',
      'merchants',
      'accounts',
      'events',
      'loans',
      'scenarios',
      'relationships',
      'devices',
    ])
      expect(existsSync(join(out, `${file}.csv`)), file).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.counts.events).toBe(summary.counts.events);
    expect(readFileSync(join(out, 'events.csv'), 'utf8').trimEnd().split('\n').length).toBe(summary.counts.events + 1);
    expect(readFileSync(join(out, 'events.csv'), 'utf8')).toContain('2026-06-15T');
  }, 120_000);

  it('refuses bad options with a clear message and exit code 2, writing nothing', async () => {
    const cases: [string[], string][] = [
      [['--customers', '200', '--days', '7'], '--out'],
      [['--format', 'xml', '--out', join(dir, 'x')], '--format'],
      [['--start', '2026-02-30', '--out', join(dir, 'x')], 'startDate'],
      [['--to', 'http://127.0.0.1:1'], '--api-key'],
    ];
    const runs = await Promise.all(cases.map(([args]) => zhirong(...args)));
    cases.forEach(([args, message], i) => {
      expect(runs[i]?.code, args.join(' ')).toBe(2);
      expect(runs[i]?.stderr, args.join(' ')).toContain(message);
    });
    expect(existsSync(join(dir, 'x'))).toBe(false);
  }, 120_000);
});

describe.each(testBackends())('streaming a simulated bank into a server on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;
  let origin: string;
  let key: string;

  beforeAll(async () => {
    platform = await bootPlatform({
      config: loadConfig({}, tmpdir()),
      modules: new ModuleRegistry().register(accessModule).register(ledgerModule),
      logger: createLogger({ level: 'silent' }),
      db: await openTestDatabase(backend),
    });
    app = await createApp(platform);
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    origin = address;
    key = await issueTestKey(platform.service<AccessService>('access'), ['ledger:read', 'ledger:write']);
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  async function ledgerAccounts(): Promise<Map<string, { type: string; posted: string }>> {
    const out = new Map<string, { type: string; posted: string }>();
    let cursor: string | null = null;
    do {
      const response = await fetch(`${origin}/v1/ledger/accounts?limit=500${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.status).toBe(200);
      const page = (await response.json()) as {
        data: { type: string; metadata: { simulator?: { account: string } }; balances: { posted: string } }[];
        nextCursor: string | null;
      };
      for (const account of page.data) {
        const simulated = account.metadata.simulator?.account;
        if (simulated) out.set(simulated, { type: account.type, posted: account.balances.posted });
      }
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  it('posts every money movement so that the ledger balances equal the simulated ones, and replays on a second stream', async () => {
    const config = { customers: 60, days: 10, seed: 5 };
    let finished: SimulationRun | undefined;
    const first = new LedgerStreamSink({ url: origin, apiKey: key, batchSize: 500 });
    const summary = await runSimulation(config, {
      sinks: [
        first,
        {
          day() {},
          end(run) {
            finished = run;
          },
        },
      ],
    });
    expect(first.report.failures).toEqual([]);
    expect(first.report.transfersFailed).toBe(0);
    expect(first.report.accountsCreated).toBe(summary.counts.accounts);
    expect(first.report.batches).toBeGreaterThan(1);
    if (!finished) throw new Error('the run did not finish');
    const run = finished;
    const opening = run.world.accounts.filter((a) => a.openingBalanceMinor > 0n).length;
    const completed = (summary.counts.eventsByType.payment ?? 0) - summary.counts.paymentsDeclined;
    expect(first.report.transfersCreated).toBe(opening + completed);

    const ledger = await ledgerAccounts();
    expect(ledger.size).toBe(run.world.accounts.length);
    for (const account of run.world.accounts) {
      const balance = run.balances[account.index] as bigint;
      // Assets are debit-normal: money paid out of the bank's clearing or cash account raises their posted balance.
      const expected = account.ledgerType === 'asset' ? -balance : balance;
      const entry = ledger.get(account.id);
      expect(entry?.type, account.id).toBe(account.ledgerType);
      expect(entry?.posted, account.id).toBe(formatFen(expected));
    }

    const again = new LedgerStreamSink({ url: origin, apiKey: key, batchSize: 8000 });
    await runSimulation(config, { sinks: [again] });
    expect(again.report).toMatchObject({
      accountsCreated: 0,
      accountsExisting: summary.counts.accounts,
      transfersCreated: 0,
      transfersExisting: first.report.transfersCreated,
      transfersFailed: 0,
    });
    const verified = await platform.service<LedgerModuleService>('ledger').ledger.verify();
    expect(verified.ok).toBe(true);
  });

  it('stops with a clear error when the key may not write', async () => {
    const reader = await issueTestKey(platform.service<AccessService>('access'), ['ledger:read']);
    const sink = new LedgerStreamSink({ url: origin, apiKey: reader });
    await expect(runSimulation({ customers: 10, days: 1, seed: 1 }, { sinks: [sink] })).rejects.toThrow(/HTTP 403/);
  });

  it('streams from the command line', async () => {
    const run = await zhirong(
      '--customers',
      '20',
      '--days',
      '3',
      '--seed',
      '9',
      '--to',
      origin,
      '--api-key',
      key,
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.stream).toMatchObject({ url: origin, transfersFailed: 0 });
    expect(summary.stream.transfersCreated).toBeGreaterThan(0);
  }, 120_000);
});

function formatFen(minor: bigint): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
