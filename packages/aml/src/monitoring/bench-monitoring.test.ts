// Proves the monitoring benchmark runs end to end on a small simulated bank and reports every figure (streaming through the service into a database, batch detection, CPU time, state size).
import { describe, expect, it } from 'vitest';
import { runMonitoringBench } from './bench-monitoring.ts';

describe('runMonitoringBench', () => {
  it('streams and batches simulated transactions and reports throughput, CPU time and alerts', async () => {
    const r = await runMonitoringBench({
      streamTransactions: 6_000,
      batchTransactions: 20_000,
      seed: 3,
      ingestBatch: 500,
    });
    expect(r.scenarios_live).toBe(11);
    expect(r.streaming.transactions).toBe(6_000);
    expect(r.streaming.transactions_per_second).toBeGreaterThan(0);
    expect(r.streaming.cpu_seconds).toBeGreaterThan(0);
    expect(r.batch.transactions).toBeGreaterThan(10_000);
    expect(r.batch.transactions).toBeLessThanOrEqual(20_000);
    expect(r.batch.detect_seconds).toBeGreaterThan(0);
    expect(r.batch.state_edges).toBeLessThanOrEqual(r.batch.transactions * 2);
  }, 120_000);
});
