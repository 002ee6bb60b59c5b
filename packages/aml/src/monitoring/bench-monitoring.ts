// The monitoring benchmark: streaming (the service storing alerts in a database, all scenarios live) and batch detection over millions of simulated transactions, with wall and CPU time.
import { cpus } from 'node:os';
import { migrateSchema, openDatabase } from '@zhirong/db';
import { IdGenerator, SeededRng, systemClock } from '@zhirong/kernel';
import { runSimulation } from '@zhirong/simulator';
import { amlMigrations } from '../migrations.ts';
import { simulatedTransactions, transactionOf } from './evaluate.ts';
import { Monitor, type MonitoredTransaction } from './monitor.ts';
import { AmlMonitoringService } from './monitoring.service.ts';
import { defaultScenarios } from './scenarios.ts';

export interface MonitoringBenchOptions {
  /** Transactions streamed through the service (stored alerts). */
  readonly streamTransactions: number;
  /** Transactions in the batch run (in memory, one monitor). */
  readonly batchTransactions: number;
  readonly seed: number;
  /** Transactions per `ingest` call on the streaming path (a ledger batch). */
  readonly ingestBatch?: number;
  /** A PostgreSQL URL for the streaming path; embedded PGlite in memory otherwise. */
  readonly databaseUrl?: string;
  readonly progress?: (message: string) => void;
}

export interface MonitoringBenchResult {
  readonly scenarios_live: number;
  readonly cpus: number;
  readonly streaming: {
    readonly backend: string;
    readonly transactions: number;
    readonly ingest_batch: number;
    readonly seconds: number;
    readonly cpu_seconds: number;
    readonly transactions_per_second: number;
    readonly batch_p50_ms: number;
    readonly batch_p99_ms: number;
    readonly alerts: number;
  };
  readonly batch: {
    readonly transactions: number;
    readonly customers: number;
    readonly days: number;
    readonly simulate_seconds: number;
    readonly detect_seconds: number;
    readonly detect_cpu_seconds: number;
    readonly transactions_per_second: number;
    readonly alerts: number;
    readonly state_accounts: number;
    readonly state_edges: number;
    readonly peak_rss_mb: number;
  };
}

/** Completed payments per customer per day in the simulator's default world (measured: about 2.1). */
const TRANSACTIONS_PER_CUSTOMER_DAY = 2;
const DAYS = 30;

const cpuSeconds = (usage: NodeJS.CpuUsage) => Math.round((usage.user + usage.system) / 10_000) / 100;
const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number);

export async function runMonitoringBench(options: MonitoringBenchOptions): Promise<MonitoringBenchResult> {
  const progress = options.progress ?? (() => {});
  const scenarios = defaultScenarios();
  let peakRss = process.memoryUsage().rss;

  // Streaming: the service (both monitors' windows in memory, alerts written to the database) fed in ledger-sized batches.
  const ingestBatch = options.ingestBatch ?? 500;
  const streamCustomers = Math.max(100, Math.ceil(options.streamTransactions / (TRANSACTIONS_PER_CUSTOMER_DAY * DAYS)));
  progress(`simulating ${streamCustomers} customers for the streaming run`);
  const streamData = await simulatedTransactions({ customers: streamCustomers, days: DAYS, seed: options.seed });
  const stream = streamData.transactions.slice(0, options.streamTransactions);
  const db = await openDatabase(options.databaseUrl ? { url: options.databaseUrl, poolSize: 2 } : {});
  let streaming: MonitoringBenchResult['streaming'];
  try {
    await migrateSchema(db.kysely, amlMigrations);
    const service = new AmlMonitoringService({
      db: db.kysely,
      clock: systemClock,
      ids: new IdGenerator(systemClock, new SeededRng(options.seed)),
      profiles: (account) => streamData.profiles.get(account),
    });
    await service.scenarios();
    progress(`streaming ${stream.length} transactions in batches of ${ingestBatch}`);
    const latencies: number[] = [];
    const touched = new Set<string>();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < stream.length; i += ingestBatch) {
      const batchStart = performance.now();
      for (const id of await service.ingest(stream.slice(i, i + ingestBatch))) touched.add(id);
      latencies.push(performance.now() - batchStart);
    }
    const seconds = (performance.now() - start) / 1000;
    const cpu = cpuSeconds(process.cpuUsage(cpuStart));
    latencies.sort((a, b) => a - b);
    streaming = {
      backend: options.databaseUrl ? 'postgres' : 'pglite (in memory)',
      transactions: stream.length,
      ingest_batch: ingestBatch,
      seconds: Math.round(seconds * 100) / 100,
      cpu_seconds: cpu,
      transactions_per_second: Math.round(stream.length / seconds),
      batch_p50_ms: Math.round(percentile(latencies, 0.5) * 10) / 10,
      batch_p99_ms: Math.round(percentile(latencies, 0.99) * 10) / 10,
      alerts: (await service.alerts({ mode: 'live', limit: 500 })).data.length,
    };
    touched.clear();
  } finally {
    await db.close();
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  // Batch: the simulator's days, each sorted by time, through one monitor (the order detectBatch uses),
  // without holding every transaction in memory at once.
  const customers = Math.max(100, Math.ceil(options.batchTransactions / (TRANSACTIONS_PER_CUSTOMER_DAY * DAYS)));
  progress(`simulating ${customers} customers × ${DAYS} days for the batch run`);
  const monitor = new Monitor({ scenarios });
  let detectMs = 0;
  let detectCpu = 0;
  let processed = 0;
  let days = 0;
  const simStart = performance.now();
  await runSimulation(
    { customers, days: DAYS, seed: options.seed },
    {
      sinks: [
        {
          day(events, _day, run) {
            days++;
            const txs: MonitoredTransaction[] = [];
            for (const e of events) {
              const t = transactionOf(e, run);
              if (t !== undefined && processed + txs.length < options.batchTransactions) txs.push(t);
            }
            txs.sort((a, b) => a.atMs - b.atMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
            const cpuStart = process.cpuUsage();
            const start = performance.now();
            for (const t of txs) monitor.process(t);
            detectMs += performance.now() - start;
            detectCpu += cpuSeconds(process.cpuUsage(cpuStart));
            processed += txs.length;
            peakRss = Math.max(peakRss, process.memoryUsage().rss);
            if (days % 10 === 0) progress(`day ${days}: ${processed} transactions`);
          },
        },
      ],
    },
  );
  const totalSeconds = (performance.now() - simStart) / 1000;
  const state = monitor.stateSize();
  return {
    scenarios_live: scenarios.length,
    cpus: cpus().length,
    streaming,
    batch: {
      transactions: processed,
      customers,
      days: DAYS,
      simulate_seconds: Math.round((totalSeconds - detectMs / 1000) * 100) / 100,
      detect_seconds: Math.round(detectMs / 10) / 100,
      detect_cpu_seconds: Math.round(detectCpu * 100) / 100,
      transactions_per_second: Math.round(processed / (detectMs / 1000)),
      alerts: monitor.alerts().length,
      state_accounts: state.accounts,
      state_edges: state.edges,
      peak_rss_mb: Math.round(peakRss / 1_048_576),
    },
  };
}
