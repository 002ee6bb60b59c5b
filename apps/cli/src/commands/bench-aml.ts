import {
  DEFAULT_THRESHOLD,
  type MonitoringBenchResult,
  runMonitoringBench,
  runScreeningBench,
  type ScreeningBenchResult,
} from '@zhirong/aml';

/**
 * `zhirong bench aml`: the sanctions-screening benchmark of `@zhirong/aml` (seeded list, noisy
 * variants and unrelated names, all generated here, so it needs no files or database), and the
 * monitoring benchmark (streaming through the service into a database, batch detection).
 */
export interface AmlBenchOptions {
  readonly listSize: number;
  readonly inputs: number;
  readonly seed: number;
  readonly threshold?: number;
  readonly twoNoisesShare?: number;
  readonly progress: (message: string) => void;
  /** Which parts to run (both by default). */
  readonly only?: 'screening' | 'monitoring';
  readonly streamTransactions?: number;
  readonly batchTransactions?: number;
  readonly databaseUrl?: string;
}

export async function benchAmlAll(
  options: AmlBenchOptions,
): Promise<{ screening?: ScreeningBenchResult; monitoring?: MonitoringBenchResult }> {
  const screening = options.only === 'monitoring' ? undefined : benchAml(options).screening;
  const monitoring =
    options.only === 'screening'
      ? undefined
      : await runMonitoringBench({
          streamTransactions: options.streamTransactions ?? 100_000,
          batchTransactions: options.batchTransactions ?? 5_000_000,
          seed: options.seed,
          progress: options.progress,
          ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
        });
  return { ...(screening ? { screening } : {}), ...(monitoring ? { monitoring } : {}) };
}

export function benchAml(options: AmlBenchOptions): { screening: ScreeningBenchResult } {
  return {
    screening: runScreeningBench({
      listSize: options.listSize,
      inputs: options.inputs,
      seed: options.seed,
      threshold: options.threshold ?? DEFAULT_THRESHOLD,
      twoNoisesShare: options.twoNoisesShare ?? 0,
      progress: options.progress,
    }),
  };
}
