import type { Command } from 'commander';
import { configFromEnv, fail, printJson } from '../context.ts';
import { benchLedger } from './bench-ledger.ts';
import { benchPayments } from './bench-payments.ts';

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
    .command('payments')
    .description('End-to-end payments through the HTTP API: risk gate, hold and post, with N concurrent clients')
    .option('--json', 'print one JSON document')
    .option('--accounts <n>', 'customer accounts to spread payments over', '10000')
    .option('--clients <n>', 'concurrent clients', '32')
    .option('--seconds <n>', 'measured duration (after a 2 s warm-up)', '10')
    .option('--merchant-percent <n>', 'share of merchant payments (with the fee split), 0-100', '0')
    .option('--seed <n>', 'seed of the payment pattern', '42')
    .option('--no-verify', 'skip the ledger verification after the run')
    .option('--profile-server <dir>', 'write a V8 CPU profile of the server process into <dir>')
    .action(async (opts) => {
      const config = configFromEnv();
      const json = Boolean(opts.json);
      const merchantPercent = Number(opts.merchantPercent);
      if (!Number.isInteger(merchantPercent) || merchantPercent < 0 || merchantPercent > 100) {
        fail('--merchant-percent must be a whole number from 0 to 100');
      }
      const result = await benchPayments(config, {
        accounts: positiveInt('accounts', opts.accounts, 1_000_000),
        clients: positiveInt('clients', opts.clients, 1024),
        seconds: positiveInt('seconds', opts.seconds, 3600),
        seed: positiveInt('seed', opts.seed, 2 ** 31),
        merchantPercent,
        verify: opts.verify !== false,
        profileServerDir: opts.profileServer,
        progress: (message) => {
          if (process.stderr.isTTY || !json) process.stderr.write(`• ${message}\n`);
        },
      });
      if (json) printJson(result);
      else {
        console.log(`payments benchmark on ${result.backend}`);
        console.log(
          `  ${result.payments_per_sec} payments/s with ${result.clients} clients, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms`,
        );
        console.log(`  ledger verified: ${result.ledger_verified ?? 'skipped'}`);
      }
    });
}
