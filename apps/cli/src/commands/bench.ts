import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { configFromEnv, fail, printJson } from '../context.ts';
import { benchAmlAll } from './bench-aml.ts';
import { benchChain } from './bench-chain.ts';
import { benchCredit } from './bench-credit.ts';
import { benchIso20022 } from './bench-iso20022.ts';
import { benchLedger } from './bench-ledger.ts';
import { benchMl } from './bench-ml.ts';
import { benchPayments } from './bench-payments.ts';
import { benchRisk } from './bench-risk.ts';
import { benchWebhooks } from './bench-webhooks.ts';

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
    .command('webhooks')
    .description('Webhook fan-out (events → deliveries) and delivery (signed POSTs to a local receiver) throughput')
    .option('--json', 'print one JSON document')
    .option('--events <n>', 'events to fan out', '2000')
    .option('--endpoints <n>', 'endpoints subscribed to every event', '4')
    .action(async (opts) => {
      const json = Boolean(opts.json);
      // The receiver runs on 127.0.0.1 over http: allowed for this run only.
      const config = configFromEnv({
        ZHIRONG_WEBHOOKS_ALLOW_HTTP: 'true',
        ZHIRONG_WEBHOOKS_ALLOWED_HOSTS: '127.0.0.1',
      });
      const result = await benchWebhooks(config, {
        events: positiveInt('events', opts.events, 1_000_000),
        endpoints: positiveInt('endpoints', opts.endpoints, 100),
        progress: (message) => {
          if (process.stderr.isTTY || !json) process.stderr.write(`• ${message}\n`);
        },
      });
      if (json) printJson(result);
      else {
        console.log(`webhooks benchmark on ${result.backend}`);
        console.log(
          `  fan-out:  ${result.fanout_events_per_sec} events/s → ${result.fanout_deliveries_per_sec} deliveries/s, p50 ${result.fanout_p50_ms} ms, p99 ${result.fanout_p99_ms} ms`,
        );
        console.log(
          `  delivery: ${result.deliveries_per_sec} deliveries/s, attempt p50 ${result.attempt_p50_ms} ms, p99 ${result.attempt_p99_ms} ms`,
        );
      }
    });
  bench
    .command('chain')
    .description('Evidence log: batched appends/s, inclusion-proof generation and verification times on a large tree')
    .option('--json', 'print one JSON document')
    .option(
      '--leaves <n>',
      'size of the tree built once and reused (default: 10000000 on PostgreSQL, 1000000 on PGlite)',
    )
    .option('--records <n>', 'records appended in the throughput phase', '200000')
    .option('--batch-size <n>', 'records per append call', '50000')
    .option('--samples <n>', 'random leaves whose proofs are generated and verified', '1000')
    .option('--seed <n>', 'seed of the record bodies and samples', '42')
    .action(async (opts) => {
      const config = configFromEnv();
      const json = Boolean(opts.json);
      const result = await benchChain(config, {
        leaves: positiveInt('leaves', opts.leaves ?? (config.databaseUrl ? '10000000' : '1000000'), 100_000_000),
        records: positiveInt('records', opts.records, 10_000_000),
        batchSize: positiveInt('batch-size', opts.batchSize, 50_000),
        samples: positiveInt('samples', opts.samples, 100_000),
        seed: positiveInt('seed', opts.seed, 2 ** 31),
        progress: (message) => {
          if (process.stderr.isTTY || !json) process.stderr.write(`• ${message}\n`);
        },
      });
      if (json) printJson(result);
      else {
        console.log(`evidence log benchmark on ${result.database}, tree of ${result.tree_size} leaves`);
        console.log(
          `  appends:          ${result.appends.appends_per_sec} records/s (batches of ${result.appends.batch_size})`,
        );
        console.log(
          `  inclusion proof:  p50 ${result.inclusion_proof_generation.p50_ms} ms, p99 ${result.inclusion_proof_generation.p99_ms} ms, ≤ ${result.inclusion_proof_generation.rows_read_max} rows`,
        );
        console.log(
          `  verification:     p50 ${result.inclusion_proof_verification_node_sha256.p50_us} µs (node:crypto), ${result.inclusion_proof_verification_webcrypto.p50_us} µs (Web Crypto)`,
        );
      }
    });
  bench
    .command('credit')
    .description('Lending: application → decision and → disbursed loan latency under load, nightly accrual throughput')
    .option('--json', 'print one JSON document')
    .option('--rate <n>', 'applications per second (open loop)', '200')
    .option('--seconds <n>', 'duration of the application load', '10')
    .option(
      '--accrual-loans <n>',
      'loans accrued for one business date (default: 100000 on PostgreSQL, 20000 on PGlite)',
    )
    .option('--seed <n>', 'seed of the applicants', '42')
    .action(async (opts) => {
      const config = configFromEnv();
      const json = Boolean(opts.json);
      const result = await benchCredit(config, {
        rate: positiveInt('rate', opts.rate, 10_000),
        seconds: positiveInt('seconds', opts.seconds, 3600),
        accrualLoans: positiveInt(
          'accrual-loans',
          opts.accrualLoans ?? (config.databaseUrl ? '100000' : '20000'),
          10_000_000,
        ),
        seed: positiveInt('seed', opts.seed, 2 ** 31),
        progress: (message) => {
          if (process.stderr.isTTY || !json) process.stderr.write(`• ${message}\n`);
        },
      });
      if (json) printJson(result);
      else {
        const a = result.applications;
        console.log(`credit benchmark on ${result.backend}`);
        console.log(`  ${a.submitted} applications at ${a.offered_per_sec}/s: ${JSON.stringify(a.outcomes)}`);
        console.log(`  application → decision p50 ${a.decision_p50_ms} ms, p99 ${a.decision_p99_ms} ms (target 50)`);
        console.log(
          `  application → disbursed p50 ${a.disbursed_p50_ms} ms, p99 ${a.disbursed_p99_ms} ms (target 150)`,
        );
        console.log(
          `  accrual ${result.accrual.loans} loans in ${result.accrual.seconds} s = ${result.accrual.loans_per_sec}/s; 1,000,000 loans ≈ ${result.accrual.extrapolated_1m_loans_seconds} s (extrapolated; target 300)`,
        );
      }
    });
  bench
    .command('aml')
    .description(
      'Sanctions screening (recall, unrelated flagged, names/s) and transaction monitoring (streaming and batch transactions/s)',
    )
    .option('--json', 'print one JSON document')
    .option('--list-size <n>', 'entries in the generated list', '1000000')
    .option('--inputs <n>', 'names screened (half noisy variants of listed names, half unrelated)', '10000')
    .option('--seed <n>', 'seed of the list and the inputs', '42')
    .option('--two-noises <share>', 'share of variants with two kinds of noise instead of one', '0')
    .option('--only <part>', 'run only screening or monitoring')
    .option('--stream-transactions <n>', 'transactions streamed through the monitoring service', '100000')
    .option('--batch-transactions <n>', 'transactions in the batch detection run', '5000000')
    .option('--database-url <url>', 'PostgreSQL for the streaming run (default: embedded PGlite in memory)')
    .action(async (opts) => {
      const json = Boolean(opts.json);
      const twoNoisesShare = Number(opts.twoNoises);
      if (!(twoNoisesShare >= 0 && twoNoisesShare <= 1)) fail('--two-noises must be from 0 to 1');
      if (opts.only !== undefined && opts.only !== 'screening' && opts.only !== 'monitoring') {
        fail('--only must be screening or monitoring');
      }
      const result = await benchAmlAll({
        listSize: positiveInt('list-size', opts.listSize, 10_000_000),
        inputs: positiveInt('inputs', opts.inputs, 1_000_000),
        seed: positiveInt('seed', opts.seed, 2 ** 31),
        twoNoisesShare,
        ...(opts.only ? { only: opts.only } : {}),
        streamTransactions: positiveInt('stream-transactions', opts.streamTransactions, 10_000_000),
        batchTransactions: positiveInt('batch-transactions', opts.batchTransactions, 50_000_000),
        ...(opts.databaseUrl ? { databaseUrl: String(opts.databaseUrl) } : {}),
        progress: (message) => {
          if (process.stderr.isTTY || !json) process.stderr.write(`• ${message}\n`);
        },
      });
      if (json) printJson(result);
      else {
        const r = result.screening;
        if (r) {
          console.log(`aml screening benchmark: ${r.inputs} names against ${r.list_entries} entries`);
          console.log(
            `  recall on variants ${r.recall_variants}, unrelated flagged ${r.false_positive_rate_unrelated}`,
          );
          console.log(
            `  index build ${r.index_build_seconds}s, screening ${r.screening_seconds}s (${r.names_per_second} names/s)`,
          );
          console.log(`  peak RSS ${r.peak_rss_mb} MB`);
        }
        const m = result.monitoring;
        if (m) {
          console.log(`aml monitoring benchmark: ${m.scenarios_live} scenarios live, ${m.cpus} CPUs`);
          console.log(
            `  streaming ${m.streaming.transactions} on ${m.streaming.backend}: ${m.streaming.transactions_per_second}/s (${m.streaming.seconds}s, CPU ${m.streaming.cpu_seconds}s; target 5,000/s)`,
          );
          console.log(
            `  batch ${m.batch.transactions}: detect ${m.batch.detect_seconds}s (CPU ${m.batch.detect_cpu_seconds}s), simulate ${m.batch.simulate_seconds}s (target 300s)`,
          );
        }
      }
    });
  bench
    .command('ml')
    .description('GBDT training time, prediction rows/s on one core and test AUC on a seeded synthetic data set')
    .option('--json', 'print one JSON document')
    .option('--rows <n>', 'training rows', '1000000')
    .option('--test-rows <n>', 'test rows (prediction speed and AUC)', '200000')
    .option('--features <n>', 'features (the first is categorical)', '30')
    .option('--trees <n>', 'boosting rounds', '100')
    .option('--depth <n>', 'tree depth', '6')
    .option('--learning-rate <x>', 'learning rate', '0.1')
    .option('--seed <n>', 'seed of the data and the model', '42')
    .option('--threads <n>', 'threads building histograms, 1 or 2 (default: 2 when the machine has 2 cores)')
    .action((opts) => {
      const json = Boolean(opts.json);
      const threads =
        opts.threads === undefined ? Math.min(2, availableParallelism()) : positiveInt('threads', opts.threads, 2);
      const learningRate = Number(opts.learningRate);
      if (!(learningRate > 0 && learningRate <= 1)) fail('--learning-rate must be in (0, 1]');
      const result = benchMl({
        rows: positiveInt('rows', opts.rows, 50_000_000),
        testRows: positiveInt('test-rows', opts.testRows, 50_000_000),
        features: Math.max(2, positiveInt('features', opts.features, 1000)),
        trees: positiveInt('trees', opts.trees, 100_000),
        depth: positiveInt('depth', opts.depth, 12),
        learningRate,
        seed: positiveInt('seed', opts.seed, 2 ** 31),
        threads,
        progress: (message) => {
          if (process.stderr.isTTY || !json) process.stderr.write(`• ${message}\n`);
        },
      });
      if (json) printJson(result);
      else {
        console.log(
          `ml benchmark: ${result.trees} trees of depth ${result.depth} on ${result.train_rows} rows × ${result.features} features`,
        );
        console.log(
          `  train:   ${result.train_seconds}s (${result.train_cpu_seconds}s CPU, ${result.train_threads} threads)`,
        );
        console.log(`  predict: ${result.predict_rows_per_sec} rows/s on one core`);
        console.log(`  test AUC ${result.test_auc}`);
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
  bench
    .command('risk')
    .description('Risk decisions: in-process decide latency (40+ features, 50 rules, 200 trees) and HTTP decisions/s')
    .option('--json', 'print one JSON document')
    .option('--customers <n>', 'simulated customers (history and events)', '2000')
    .option('--days <n>', 'simulated days', '30')
    .option('--trees <n>', 'GBDT trees', '200')
    .option('--rules <n>', 'rules in the live ruleset', '50')
    .option('--clients <n>', 'concurrent HTTP clients', '32')
    .option('--seconds <n>', 'measured HTTP duration (after a 3 s warm-up)', '10')
    .option('--seed <n>', 'seed', '7')
    .option('--population <n>', 'customers the HTTP events are spread over', '200000')
    .option('--no-http', 'in process only')
    .option('--profile-server <dir>', 'write a V8 CPU profile of the server process into <dir>')
    .action(async (opts) => {
      const json = Boolean(opts.json);
      const result = await benchRisk(configFromEnv(), {
        customers: positiveInt('customers', opts.customers, 1_000_000),
        days: positiveInt('days', opts.days, 3660),
        trees: positiveInt('trees', opts.trees, 10_000),
        rules: positiveInt('rules', opts.rules, 500),
        clients: positiveInt('clients', opts.clients, 1024),
        seconds: positiveInt('seconds', opts.seconds, 3600),
        seed: positiveInt('seed', opts.seed, 2 ** 31),
        http: opts.http !== false,
        population: positiveInt('population', opts.population, 100_000_000),
        profileServerDir: opts.profileServer,
        progress: (message) => {
          if (process.stderr.isTTY || !json) process.stderr.write(`• ${message}\n`);
        },
      });
      if (json) printJson(result);
      else {
        const p = result.in_process;
        console.log(`risk benchmark: ${result.features} features, ${result.rules} rules, ${result.model_trees} trees`);
        console.log(`  in process: p50 ${p.p50_us} µs, p99 ${p.p99_us} µs over ${p.decisions} decisions`);
        if (result.http) console.log(`  HTTP: ${JSON.stringify(result.http)}`);
      }
    });
}
