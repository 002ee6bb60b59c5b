import type { Command } from 'commander';
import { configFromEnv, fail, printJson } from '../context.ts';
import { benchIso20022 } from './bench-iso20022.ts';
import { benchLedger } from './bench-ledger.ts';

function positiveInt(name: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) fail(`--${name} must be a whole number from 1 to ${max}`);
  return n;
}

export function registerBenchCommands(program: Command): void {
  const bench = program
    .command('bench')
    .description('Benchmarks that print throughput, latency percentiles and the configuration measured');
  bench
    .command('ledger')
    .description('Ledger throughput through the HTTP API: batch endpoint, then concurrent single transfers')
    .option('--json', 'print one JSON document')
    .option('--accounts <n>', 'accounts to spread transfers over', '10000')
    .option(
      '--transfers <n>',
      'transfers sent through the batch endpoint (default: 200000 on PostgreSQL, 40000 on PGlite)',
    )
    .option('--batch-size <n>', 'transfers per batch call', '8000')
    .option('--batch-clients <n>', 'concurrent batch callers', '2')
    .option('--clients <n>', 'concurrent single-transfer clients', '32')
    .option('--seconds <n>', 'duration of the single-transfer phase', '10')
    .option('--seed <n>', 'seed of the transfer pattern', '42')
    .option('--no-verify', 'skip `ledger verify` after the run')
    .option('--profile-server <dir>', 'write a V8 CPU profile of the server process into <dir>')
    .action(async (opts) => {
      const config = configFromEnv();
      const json = Boolean(opts.json);
      const result = await benchLedger(config, {
        accounts: positiveInt('accounts', opts.accounts, 1_000_000),
        batchTransfers: positiveInt(
          'transfers',
          opts.transfers ?? (config.databaseUrl ? '200000' : '40000'),
          10_000_000,
        ),
        batchSize: positiveInt('batch-size', opts.batchSize, 8000),
        batchClients: positiveInt('batch-clients', opts.batchClients, 64),
        clients: positiveInt('clients', opts.clients, 1024),
        apiSeconds: positiveInt('seconds', opts.seconds, 3600),
        seed: positiveInt('seed', opts.seed, 2 ** 31),
        verify: opts.verify !== false,
        profileServerDir: opts.profileServer,
        progress: (message) => {
          if (process.stderr.isTTY || !json) process.stderr.write(`• ${message}\n`);
        },
      });
      if (json) printJson(result);
      else {
        console.log(`ledger benchmark on ${result.backend}`);
        console.log(
          `  batch API:  ${result.batch_transfers_per_sec} transfers/s (${result.batch_transfers} in ${result.batch_seconds}s)`,
        );
        console.log(
          `  single API: ${result.api_transfers_per_sec} transfers/s with ${result.clients} clients, p50 ${result.api_p50_ms} ms, p99 ${result.api_p99_ms} ms`,
        );
        console.log(`  verified:   ${result.verified ?? 'skipped'}`);
      }
    });

  bench
    .command('iso20022')
    .description('ISO 20022 parse + validation throughput on a generated pain.001, and pacs.008 build + re-parse')
    .option('--json', 'print one JSON document')
    .option('--transactions <n>', 'credit transfers in the generated pain.001', '10000')
    .option('--runs <n>', 'how many times to parse it (the median is reported)', '5')
    .action(async (opts) => {
      const result = await benchIso20022({
        transactions: positiveInt('transactions', opts.transactions, 1_000_000),
        runs: positiveInt('runs', opts.runs, 100),
      });
      if (opts.json) printJson(result);
      else
        console.log(
          `pain.001 with ${result.transactions} transactions (${result.bytes} bytes): parse + validate p50 ${result.parse_ms_p50} ms ` +
            `(${result.transactions_per_sec} transactions/s); pacs.008 build + re-parse ${result.pacs008_build_and_reparse_ms} ms`,
        );
    });
}
