/**
 * Benchmark of the memory feature store: `npx tsx packages/risk/src/features/bench-features.ts
 * [--customers 5000] [--days 63] [--warm 1000000]`. Simulates a bank, feeds every event to
 * `observe` as the simulator produces it (day by day), and reports the latency of each `observe` after the first `warm` events (p50, p99,
 * p999, max in µs), throughput and the store's stats, as JSON on stdout.
 */

import os from 'node:os';
import { runSimulation } from '@zhirong/simulator';
import { FEATURE_CATALOG } from './catalog.ts';
import { MemoryFeatureStore } from './memory-store.ts';
import { riskEventOf } from './testing.ts';

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
  return value;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const customers = argument('customers', 5000);
  const days = argument('days', 63);
  const warm = argument('warm', 1_000_000);
  const store = new MemoryFeatureStore();
  const measured: number[] = [];
  /** CPU time of the process per observe (µs, getrusage resolution): unlike wall time, not inflated while other processes hold the cores. */
  const measuredCpu: number[] = [];
  let events = 0;
  let observeMs = 0;
  let warmMs = 0;
  /** CPU time of the process while feeding measured days: what contention for the cores cannot inflate. */
  let cpuUs = 0;
  const start = performance.now();
  // Events are fed day by day as the simulator makes them, so the benchmark holds no history itself.
  await runSimulation(
    { customers, days, seed: 11 },
    {
      sinks: [
        {
          day(day, _calendar, run) {
            const dayStart = performance.now();
            const cpuStart = process.cpuUsage();
            const measuredBefore = measured.length;
            for (const simEvent of day) {
              const event = riskEventOf(simEvent, run);
              if (events++ < warm) {
                store.observeNow(event);
                continue;
              }
              const c0 = process.cpuUsage();
              const t0 = process.hrtime.bigint();
              store.observeNow(event);
              measured.push(Number(process.hrtime.bigint() - t0) / 1000);
              const c = process.cpuUsage(c0);
              measuredCpu.push(c.user + c.system);
            }
            observeMs += performance.now() - dayStart;
            if (measured.length > measuredBefore) {
              // Days that were all warm-up do not count; a day straddling the warm-up counts whole.
              const used = process.cpuUsage(cpuStart);
              cpuUs += ((used.user + used.system) * (measured.length - measuredBefore)) / day.length;
            }
            if (events <= warm) warmMs = observeMs;
          },
        },
      ],
    },
  );
  const totalMs = performance.now() - start;
  const sorted = Float64Array.from(measured).sort();
  const sortedCpu = Float64Array.from(measuredCpu).sort();
  const memory = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify(
      {
        benchmark: 'risk.features.memory.observe',
        features: FEATURE_CATALOG.length,
        customers,
        days,
        events,
        warmEvents: Math.min(warm, events),
        measuredEvents: measured.length,
        wallMs: Math.round(totalMs),
        observeMsWarm: Math.round(warmMs),
        observeMsTotal: Math.round(observeMs),
        observesPerSecond: Math.round((events / observeMs) * 1000),
        observeUs: {
          p50: round(quantile(sorted, 0.5)),
          p99: round(quantile(sorted, 0.99)),
          p999: round(quantile(sorted, 0.999)),
          max: round(sorted[sorted.length - 1] ?? Number.NaN),
        },
        observeCpuUs: {
          p50: round(quantile(sortedCpu, 0.5)),
          p99: round(quantile(sortedCpu, 0.99)),
          p999: round(quantile(sortedCpu, 0.999)),
        },
        cpuUsPerMeasuredObserve: measured.length > 0 ? round(cpuUs / measured.length) : null,
        loadAverage: os.loadavg().map(round),
        store: store.stats(),
        heapUsedMb: Math.round(memory.heapUsed / 1_048_576),
        rssMb: Math.round(memory.rss / 1_048_576),
      },
      null,
      2,
    )}\n`,
  );
}

await main();
