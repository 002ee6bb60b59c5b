import { availableParallelism, cpus, totalmem } from 'node:os';
import { auc, type Dataset, FastRng, type FeatureSpec, Model, trainOnDataset } from '@zhirong/ml';

/**
 * `zhirong bench ml`: trains the histogram GBDT on a seeded synthetic data set (numeric features
 * of several shapes, some with missing values, one categorical, a non-linear label with
 * interactions) and reports training seconds, prediction rows per second on one core, and the
 * test AUC. The data set is generated here, so the benchmark needs no files.
 */
export interface MlBenchOptions {
  readonly rows: number;
  readonly testRows: number;
  readonly features: number;
  readonly trees: number;
  readonly depth: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Threads building histograms during training (1 or 2); prediction runs on one thread. */
  readonly threads: number;
  readonly progress: (message: string) => void;
}

/** Synthetic rows: x[:, 0] categorical (12 levels), the rest numeric; y ~ Bernoulli(sigmoid(f(x))). */
export function syntheticData(rows: number, featureCount: number, seed: number): Dataset {
  const rng = new FastRng(seed);
  const normal = () => {
    // Box–Muller.
    const u = 1 - rng.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
  };
  const features: FeatureSpec[] = [
    { name: 'segment', type: 'categorical', categories: Array.from({ length: 12 }, (_, i) => `s${i}`) },
    ...Array.from({ length: featureCount - 1 }, (_, i) => ({ name: `x${i + 1}`, type: 'numeric' as const })),
  ];
  const p = featureCount;
  const x = new Float64Array(rows * p);
  const y = new Uint8Array(rows);
  const segmentEffect = [0.8, -0.4, 0.1, 0.5, -0.9, 0, 0.3, -0.2, 0.6, -0.6, 0.2, -0.1];
  for (let r = 0; r < rows; r++) {
    const base = r * p;
    const segment = rng.int(12);
    x[base] = segment;
    for (let f = 1; f < p; f++) {
      let v: number;
      switch (f % 5) {
        case 0:
          v = Math.exp(normal()); // log-normal, like amounts
          break;
        case 1:
          v = rng.float();
          break;
        case 2:
          v = rng.int(10); // counts
          break;
        default:
          v = normal();
      }
      if (f % 7 === 3 && rng.float() < 0.05) v = Number.NaN;
      x[base + f] = v;
    }
    const at = (f: number) => {
      const v = x[base + (f % p)] as number;
      return Number.isNaN(v) ? 0 : v;
    };
    const z =
      -1.2 +
      (segmentEffect[segment] as number) +
      1.5 * at(1) -
      0.8 * at(3) +
      0.6 * Math.log1p(at(5)) +
      0.25 * at(2) * (at(4) > 0 ? 1 : -1) +
      Math.sin(3 * at(6)) +
      (at(8) > 0.5 && at(11) > 0.3 ? 1 : 0) +
      0.3 * at(13) -
      0.4 * Math.abs(at(14)) +
      (Number.isNaN(x[base + 3] as number) ? 0.7 : 0);
    y[r] = rng.float() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { features, rows, x, y };
}

export function benchMl(options: MlBenchOptions) {
  const log = options.progress;
  log(`generating ${options.rows} + ${options.testRows} rows × ${options.features} features (seed ${options.seed})`);
  const train = syntheticData(options.rows, options.features, options.seed);
  const test = syntheticData(options.testRows, options.features, options.seed + 1);
  const params = {
    rounds: options.trees,
    maxDepth: options.depth,
    maxLeaves: 2 ** options.depth,
    learningRate: options.learningRate,
    subsample: 1,
    colsample: 1,
    earlyStoppingRounds: 0,
  };
  log(`training ${options.trees} trees of depth ${options.depth}`);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const artefact = trainOnDataset(train, 'y', [], 'synthetic', {
    kind: 'gbdt',
    label: 'y',
    seed: options.seed,
    gbdt: params,
    threads: options.threads,
  });
  const trainSeconds = (performance.now() - started) / 1000;
  const trainCpu = process.cpuUsage(cpuStarted);
  const model = new Model(artefact);
  log('predicting');
  // Steady state, as a serving process scores: two untimed passes over the test set let V8 finish
  // optimising the tree walk (a 1,000-row warm-up left it partly unoptimised: ~15 % slower), then
  // the median of three timed passes.
  model.scoreDataset(test);
  model.scoreDataset(test);
  const passes: { seconds: number; cpuSeconds: number }[] = [];
  let scores = model.scoreDataset(test);
  for (let pass = 0; pass < 3; pass++) {
    const predictStart = performance.now();
    const predictCpuStart = process.cpuUsage();
    scores = model.scoreDataset(test);
    const predictCpu = process.cpuUsage(predictCpuStart);
    passes.push({
      seconds: (performance.now() - predictStart) / 1000,
      cpuSeconds: (predictCpu.user + predictCpu.system) / 1e6,
    });
  }
  passes.sort((a, b) => a.seconds - b.seconds);
  const { seconds: predictSeconds, cpuSeconds: predictCpuSeconds } = passes[1] as {
    seconds: number;
    cpuSeconds: number;
  };
  const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;
  const trees = (artefact.model as { trees: { feature: number[] }[] }).trees;
  return {
    benchmark: 'ml',
    model: 'gbdt',
    train_rows: options.rows,
    test_rows: options.testRows,
    features: options.features,
    trees: trees.length,
    depth: options.depth,
    leaves: trees.reduce((sum, t) => sum + t.feature.filter((f) => f < 0).length, 0),
    train_seconds: round(trainSeconds),
    // CPU time of this process (every thread): on a busy machine wall time overstates the work.
    train_cpu_seconds: round((trainCpu.user + trainCpu.system) / 1e6),
    train_threads: options.threads,
    predict_seconds: round(predictSeconds),
    predict_passes: 3,
    predict_rows_per_sec: Math.round(options.testRows / predictSeconds),
    predict_rows_per_cpu_sec: Math.round(options.testRows / Math.max(predictCpuSeconds, 1e-9)),
    predict_threads: 1,
    test_auc: round(auc(test.y as Uint8Array, scores.probability), 5),
    train_auc: round(artefact.metrics.training.auc, 5),
    config: { ...params, maxBins: 255, seed: options.seed, threads: options.threads },
    machine: {
      cpus: availableParallelism(),
      cpu_model: cpus()[0]?.model,
      memory_gib: round(totalmem() / 2 ** 30, 1),
      node: process.version,
    },
  };
}
