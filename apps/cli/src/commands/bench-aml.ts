import { DEFAULT_THRESHOLD, runScreeningBench, type ScreeningBenchResult } from '@zhirong/aml';

/**
 * `zhirong bench aml`: the sanctions-screening benchmark of `@zhirong/aml` (seeded list, noisy
 * variants and unrelated names, all generated here, so it needs no files or database).
 */
export interface AmlBenchOptions {
  readonly listSize: number;
  readonly inputs: number;
  readonly seed: number;
  readonly threshold?: number;
  readonly twoNoisesShare?: number;
  readonly progress: (message: string) => void;
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
