import { assert, type Rng } from '@zhirong/kernel';
import { binRows, computeBins, type FeatureBins, VALUE_BINS_MAX } from './bins.ts';
import type { Dataset } from './data.ts';
import { MlError } from './errors.ts';
import { float64Array, HIST_STRIDE, HistogramBuilder, uint8Array, uint32Array } from './histogram.ts';
import { logLoss } from './metrics.ts';
import { FastRng } from './random.ts';
import { kFold, stratifiedSplit } from './split.ts';
import { compileForest, predictForest, type Tree } from './tree.ts';

/**
 * Histogram gradient-boosted trees for binary classification (log loss). Rows are binned once
 * (≤255 value bins + a missing bin per feature, one byte each, row-major); each tree grows
 * best-first under depth and leaf limits. A node's histogram of gradient and hessian sums is
 * built only for the smaller child of a split, and the sibling's is the parent's minus it. Split
 * search tries missing values on both sides (native missing handling) and, for categorical
 * features, orders the categories by gradient/hessian and scans the prefixes (many-vs-many
 * splits). L2 on leaf values, minimum child hessian, row and column sampling per tree, and early
 * stopping on a validation set. Every draw comes from the injected Rng: same seed, same model.
 */
export interface GbdtParams {
  /** Upper bound on boosting rounds. */
  readonly rounds: number;
  readonly learningRate: number;
  readonly maxDepth: number;
  readonly maxLeaves: number;
  /** Minimum sum of hessians in a child. */
  readonly minChildWeight: number;
  /** L2 penalty on leaf values. */
  readonly lambda: number;
  /** Minimum loss reduction to split. */
  readonly minSplitGain: number;
  /** Share of rows sampled for each tree. */
  readonly subsample: number;
  /** Share of features sampled for each tree. */
  readonly colsample: number;
  readonly maxBins: number;
  /** Rounds without improvement of validation log loss before stopping; 0 turns early stopping off. */
  readonly earlyStoppingRounds: number;
  /** Share of the training rows held out (stratified) for early stopping when no validation set is given. */
  readonly validationFraction: number;
  /** After early stopping on a held-out share, retrain on every row with the chosen number of rounds. */
  readonly refit: boolean;
  /** Extra L2 for categorical splits, and the smoothing of the category ordering. */
  readonly categoricalSmoothing: number;
  /** Largest number of categories sent left by one categorical split. */
  readonly maxCategoriesLeft: number;
}

export const GBDT_DEFAULTS: GbdtParams = Object.freeze({
  rounds: 2000,
  learningRate: 0.05,
  maxDepth: 6,
  maxLeaves: 31,
  minChildWeight: 1,
  lambda: 1,
  minSplitGain: 0,
  subsample: 0.8,
  colsample: 0.8,
  maxBins: VALUE_BINS_MAX,
  earlyStoppingRounds: 50,
  validationFraction: 0.15,
  refit: true,
  categoricalSmoothing: 10,
  maxCategoriesLeft: 32,
});

export interface GbdtFit {
  readonly baseScore: number;
  readonly trees: Tree[];
  readonly bins: FeatureBins[];
  /** Rounds kept; `earlyStopped` when validation loss stopped improving before `rounds`. */
  readonly rounds: number;
  readonly earlyStopped: boolean;
  /** Validation log loss per round when a validation set was used. */
  readonly validationLoss: number[];
  /** Final log-odds of every row of `data` (for training metrics without re-scoring), when known. */
  readonly trainingMargin?: Float64Array | undefined;
}

export function checkGbdtParams(params: GbdtParams): void {
  const check = (ok: boolean, option: string, reason: string) => {
    if (!ok) throw new MlError('option_invalid', { option, reason });
  };
  check(
    Number.isInteger(params.rounds) && params.rounds >= 1 && params.rounds <= 100_000,
    'rounds',
    'a whole number 1–100000',
  );
  check(params.learningRate > 0 && params.learningRate <= 1, 'learningRate', 'in (0, 1]');
  check(
    Number.isInteger(params.maxDepth) && params.maxDepth >= 1 && params.maxDepth <= 16,
    'maxDepth',
    'a whole number 1–16',
  );
  check(
    Number.isInteger(params.maxLeaves) && params.maxLeaves >= 2 && params.maxLeaves <= 4096,
    'maxLeaves',
    'a whole number 2–4096',
  );
  check(params.minChildWeight >= 0 && Number.isFinite(params.minChildWeight), 'minChildWeight', '≥ 0');
  check(params.lambda >= 0 && Number.isFinite(params.lambda), 'lambda', '≥ 0');
  check(params.minSplitGain >= 0 && Number.isFinite(params.minSplitGain), 'minSplitGain', '≥ 0');
  check(params.subsample > 0 && params.subsample <= 1, 'subsample', 'in (0, 1]');
  check(params.colsample > 0 && params.colsample <= 1, 'colsample', 'in (0, 1]');
  check(
    Number.isInteger(params.maxBins) && params.maxBins >= 2 && params.maxBins <= VALUE_BINS_MAX,
    'maxBins',
    'a whole number 2–255',
  );
  check(
    Number.isInteger(params.earlyStoppingRounds) && params.earlyStoppingRounds >= 0,
    'earlyStoppingRounds',
    'a whole number ≥ 0',
  );
  check(params.validationFraction > 0 && params.validationFraction < 0.5, 'validationFraction', 'in (0, 0.5)');
  check(params.categoricalSmoothing >= 0, 'categoricalSmoothing', '≥ 0');
  check(
    Number.isInteger(params.maxCategoriesLeft) && params.maxCategoriesLeft >= 1,
    'maxCategoriesLeft',
    'a whole number ≥ 1',
  );
}

/** Fewer rows than this: the round count comes from k-fold cross-validation instead of one held-out share. */
const ROWS_FOR_HOLDOUT = 10_000;
const CV_FOLDS = 5;
/** Rounds used when the data is too small even for cross-validation (under 50 rows or a class too rare). */
const ROUNDS_WITHOUT_VALIDATION = 50;

/**
 * Trains a GBDT. With `validation` given, early stopping watches it. Otherwise, with early
 * stopping on, the round count is chosen on held-out data — 5-fold cross-validation under 10,000
 * rows, a stratified `validationFraction` share above — and (with `refit`, always for
 * cross-validation) the model is retrained on every row for that many rounds.
 */
export interface GbdtRuntime {
  /** Threads building histograms (1 or 2). The model is the same for any value. */
  readonly threads?: number;
}

export function trainGbdt(
  data: Dataset,
  partial: Partial<GbdtParams>,
  rng: Rng,
  validation?: Dataset,
  runtime: GbdtRuntime = {},
): GbdtFit {
  const threads = runtime.threads ?? 1;
  if (threads !== 1 && threads !== 2) throw new MlError('option_invalid', { option: 'threads', reason: '1 or 2' });
  const params: GbdtParams = { ...GBDT_DEFAULTS, ...partial };
  checkGbdtParams(params);
  const y = data.y;
  assert(y !== undefined, 'training data needs labels');
  if (validation !== undefined || params.earlyStoppingRounds === 0)
    return boost(data, params, rng, threads, validation);
  if (data.rows < ROWS_FOR_HOLDOUT) {
    // Small data: a single held-out share is too noisy to pick the round count, so k-fold
    // cross-validation picks it (the mean of each fold's best round), then every row trains.
    const bins = computeBins(data, params.maxBins);
    const folds = data.rows >= 50 ? kFold(y, CV_FOLDS, rng) : [];
    const best: number[] = [];
    for (const fold of folds) {
      if (fold.test.length === 0 || fold.train.length === 0) continue;
      const held = subset(data, fold.test).y as Uint8Array;
      const inner = subset(data, fold.train).y as Uint8Array;
      if (!held.includes(1) || !held.includes(0) || !inner.includes(1) || !inner.includes(0)) continue;
      best.push(boost(subset(data, fold.train), params, rng, 1, subset(data, fold.test), bins).rounds);
    }
    const rounds =
      best.length > 0
        ? Math.max(1, Math.round(best.reduce((a, b) => a + b, 0) / best.length))
        : Math.min(params.rounds, ROUNDS_WITHOUT_VALIDATION);
    const full = boost(data, { ...params, rounds, earlyStoppingRounds: 0 }, rng, threads, undefined, bins);
    return { ...full, earlyStopped: best.length > 0 };
  }
  const split = stratifiedSplit(y, params.validationFraction, rng);
  const bins = computeBins(data, params.maxBins);
  const fit = boost(subset(data, split.train), params, rng, threads, subset(data, split.test), bins);
  if (!params.refit) return { ...fit, trainingMargin: undefined }; // margins cover the held-in rows only
  // More rows support a few more rounds at the same learning rate.
  const rounds = Math.max(1, Math.round(fit.rounds / (1 - params.validationFraction)));
  const full = boost(data, { ...params, rounds, earlyStoppingRounds: 0 }, rng, threads, undefined, bins);
  return { ...full, earlyStopped: fit.earlyStopped, validationLoss: fit.validationLoss };
}

function subset(data: Dataset, rows: Uint32Array): Dataset {
  const p = data.features.length;
  const x = new Float64Array(rows.length * p);
  const y = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    x.set(data.x.subarray(r * p, r * p + p), i * p);
    y[i] = (data.y as Uint8Array)[r] as number;
  }
  return { features: data.features, rows: rows.length, x, y };
}

const NO_HIST = new Float64Array(0);

interface Candidate {
  gain: number;
  feature: number;
  /** Numeric: last bin that goes left; categorical: −1. */
  bin: number;
  defaultLeft: boolean;
  /** Categorical: codes that go left. */
  categories: number[] | null;
  leftG: number;
  leftH: number;
}

interface OpenNode {
  index: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array;
  best: Candidate | undefined;
}

function boost(
  data: Dataset,
  params: GbdtParams,
  rng: Rng,
  threads: number,
  validation?: Dataset,
  givenBins?: FeatureBins[],
): GbdtFit {
  const y = data.y as Uint8Array;
  const n = data.rows;
  const p = data.features.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i] as number;
  if (positives === 0 || positives === n) throw new MlError('label_one_class', { column: 'label' });
  const featureBins = givenBins ?? computeBins(data, params.maxBins);
  const shared = threads > 1 && n >= 2 * 8192;
  const bins = uint8Array(n * p, shared);
  bins.set(binRows(data, featureBins));
  // A column-major copy: partitioning a node reads one feature of its rows, in row order.
  const binColumns = new Uint8Array(n * p);
  for (let r = 0; r < n; r++) for (let f = 0; f < p; f++) binColumns[f * n + r] = bins[r * p + f] as number;
  const binCount = Int32Array.from(featureBins, (b) => b.count);
  const categorical = Uint8Array.from(featureBins, (b) => (b.categorical ? 1 : 0));
  const prior = positives / n;
  const baseScore = Math.log(prior / (1 - prior));
  const fast = FastRng.from(rng);

  const margin = new Float64Array(n).fill(baseScore);
  const grad = float64Array(n, shared);
  const hess = float64Array(n, shared);
  const rows = uint32Array(n, shared);
  const builder = new HistogramBuilder({ bins, p, rows, grad, hess }, shared ? 2 : 1);
  try {
    return boostRounds();
  } finally {
    builder.close();
  }

  function boostRounds(): GbdtFit {
    const scratch = new Uint32Array(n);
    const inSample = new Uint8Array(n);
    const trees: Tree[] = [];

    const valRows = validation?.rows ?? 0;
    const valMargin = new Float64Array(valRows).fill(baseScore);
    const valProb = new Float64Array(valRows);
    const validationLoss: number[] = [];
    let bestLoss = Number.POSITIVE_INFINITY;
    let bestRounds = 0;
    let earlyStopped = false;
    const allFeatures = Int32Array.from({ length: p }, (_, i) => i);
    const histPool: Float64Array[] = [];
    const takeHist = () => histPool.pop() ?? new Float64Array(p * HIST_STRIDE);

    for (let round = 0; round < params.rounds; round++) {
      for (let i = 0; i < n; i++) {
        const prob = 1 / (1 + Math.exp(-(margin[i] as number)));
        grad[i] = prob - (y[i] as number);
        hess[i] = Math.max(prob * (1 - prob), 1e-16);
      }
      // Row sample (kept in file order, which keeps the histogram loop cache-friendly).
      let m = 0;
      if (params.subsample >= 1) {
        for (let i = 0; i < n; i++) rows[i] = i;
        m = n;
      } else {
        inSample.fill(0);
        for (let i = 0; i < n; i++) {
          if (fast.float() < params.subsample) {
            rows[m++] = i;
            inSample[i] = 1;
          }
        }
        if (m < 2) {
          rows[0] = 0;
          rows[1] = n - 1;
          inSample[0] = 1;
          inSample[n - 1] = 1;
          m = 2;
        }
      }
      let features = allFeatures;
      if (params.colsample < 1) {
        const k = Math.max(1, Math.round(p * params.colsample));
        const shuffled = Int32Array.from(allFeatures);
        for (let i = 0; i < k; i++) {
          const j = i + fast.int(p - i);
          const t = shuffled[i] as number;
          shuffled[i] = shuffled[j] as number;
          shuffled[j] = t;
        }
        features = shuffled.subarray(0, k).sort();
      }

      const nodeBin: number[] = [];
      const tree: Tree = {
        feature: [],
        threshold: [],
        left: [],
        right: [],
        defaultLeft: [],
        leftCategories: [],
        value: [],
        cover: [],
        gain: [],
      };
      const addNode = (cover: number): number => {
        tree.feature.push(-1);
        tree.threshold.push(0);
        tree.left.push(-1);
        tree.right.push(-1);
        tree.defaultLeft.push(0);
        tree.leftCategories.push(null);
        tree.value.push(0);
        tree.cover.push(cover);
        tree.gain.push(0);
        return tree.feature.length - 1;
      };

      const rootHist = takeHist();
      builder.build(rootHist, 0, m, features);
      let g0 = 0;
      let h0 = 0;
      for (let i = 0; i < m; i++) {
        const r = rows[i] as number;
        g0 += grad[r] as number;
        h0 += hess[r] as number;
      }
      const root: OpenNode = {
        index: addNode(m),
        start: 0,
        end: m,
        depth: 0,
        g: g0,
        h: h0,
        hist: rootHist,
        best: undefined,
      };
      root.best = bestSplit(root, features, binCount, categorical, params);
      const open: OpenNode[] = [root];
      const leaves: OpenNode[] = [];
      let leafCount = 1;
      while (open.length > 0) {
        // Best-first: split the open node with the largest gain.
        let pick = -1;
        for (let i = 0; i < open.length; i++) {
          const gain = open[i]?.best?.gain ?? -1;
          if (gain > params.minSplitGain && (pick < 0 || gain > ((open[pick] as OpenNode).best as Candidate).gain))
            pick = i;
        }
        if (pick < 0 || leafCount >= params.maxLeaves) {
          for (const node of open) leaves.push(node);
          break;
        }
        const node = open.splice(pick, 1)[0] as OpenNode;
        const best = node.best as Candidate;
        // Partition the node's rows (stable: both sides keep file order).
        const goLeft = new Uint8Array(256);
        const missingBin = binCount[best.feature] as number;
        if (best.categories) for (const c of best.categories) goLeft[c] = 1;
        else for (let b = 0; b <= best.bin; b++) goLeft[b] = 1;
        goLeft[missingBin] = best.defaultLeft ? 1 : 0;
        let l = node.start;
        let rcount = 0;
        const column = binColumns.subarray(best.feature * n, best.feature * n + n);
        for (let i = node.start, end = node.end; i < end; i++) {
          const r = rows[i] as number;
          if (goLeft[column[r] as number] === 1) rows[l++] = r;
          else scratch[rcount++] = r;
        }
        rows.set(scratch.subarray(0, rcount), l);
        const li = addNode(l - node.start);
        const ri = addNode(node.end - l);
        tree.feature[node.index] = best.feature;
        // "Missing against every value" splits at the last edge (+∞); the artefact stores the largest double.
        const edge = best.categories ? 0 : ((featureBins[best.feature] as FeatureBins).edges[best.bin] as number);
        tree.threshold[node.index] = Number.isFinite(edge) ? edge : Number.MAX_VALUE;
        tree.left[node.index] = li;
        tree.right[node.index] = ri;
        tree.defaultLeft[node.index] = best.defaultLeft ? 1 : 0;
        tree.leftCategories[node.index] = best.categories;
        tree.gain[node.index] = best.gain;
        nodeBin[node.index] = best.bin;
        leafCount++;
        const leftNode: OpenNode = {
          index: li,
          start: node.start,
          end: l,
          depth: node.depth + 1,
          g: best.leftG,
          h: best.leftH,
          hist: node.hist,
          best: undefined,
        };
        const rightNode: OpenNode = {
          index: ri,
          start: l,
          end: node.end,
          depth: node.depth + 1,
          g: node.g - best.leftG,
          h: node.h - best.leftH,
          hist: node.hist,
          best: undefined,
        };
        const canSplit = node.depth + 1 < params.maxDepth && leafCount < params.maxLeaves;
        if (canSplit) {
          const [small, large] = l - node.start <= node.end - l ? [leftNode, rightNode] : [rightNode, leftNode];
          small.hist = takeHist();
          builder.build(small.hist, small.start, small.end, features);
          subtractHistogram(node.hist, small.hist, features, binCount); // node.hist becomes the larger child's
          large.hist = node.hist;
          leftNode.best = bestSplit(leftNode, features, binCount, categorical, params);
          rightNode.best = bestSplit(rightNode, features, binCount, categorical, params);
          open.push(leftNode, rightNode);
        } else {
          histPool.push(node.hist);
          leftNode.hist = NO_HIST;
          rightNode.hist = NO_HIST;
          leaves.push(leftNode, rightNode);
        }
      }
      // Leaf values, and the training margins of the sampled rows.
      for (const leaf of leaves) {
        const value = (-leaf.g / (leaf.h + params.lambda)) * params.learningRate;
        tree.value[leaf.index] = value;
        for (let i = leaf.start; i < leaf.end; i++) {
          const r = rows[i] as number;
          margin[r] = (margin[r] as number) + value;
        }
        if (leaf.hist !== NO_HIST) histPool.push(leaf.hist);
      }
      if (m < n) {
        // Rows outside the sample: walk the tree on their bins.
        for (let r = 0; r < n; r++) {
          if (inSample[r] === 1) continue;
          margin[r] = (margin[r] as number) + walkBins(tree, nodeBin, bins, r * p, binCount);
        }
      }
      trees.push(tree);

      if (validation) {
        const forest = compileForest([tree]);
        predictForest(forest, validation.x, valRows, p, 0, valProb);
        for (let i = 0; i < valRows; i++) {
          valMargin[i] = (valMargin[i] as number) + (valProb[i] as number);
          valProb[i] = 1 / (1 + Math.exp(-(valMargin[i] as number)));
        }
        const loss = logLoss(validation.y as Uint8Array, valProb);
        validationLoss.push(loss);
        if (loss < bestLoss - 1e-7) {
          bestLoss = loss;
          bestRounds = round + 1;
        } else if (params.earlyStoppingRounds > 0 && round + 1 - bestRounds >= params.earlyStoppingRounds) {
          earlyStopped = true;
          break;
        }
      }
    }
    const kept = validation && params.earlyStoppingRounds > 0 ? Math.max(1, bestRounds) : trees.length;
    if (kept < trees.length) {
      // Early stopping dropped the last trees: recompute the training margins without them.
      predictForest(compileForest(trees.slice(0, kept)), data.x, n, p, baseScore, margin);
    }
    return {
      baseScore,
      trees: trees.slice(0, kept),
      bins: featureBins,
      rounds: kept,
      earlyStopped,
      validationLoss,
      trainingMargin: margin,
    };
  }
}

function walkBins(
  tree: Tree,
  nodeBin: readonly number[],
  bins: Uint8Array,
  base: number,
  binCount: Int32Array,
): number {
  let node = 0;
  for (;;) {
    const f = tree.feature[node] as number;
    if (f < 0) return tree.value[node] as number;
    const b = bins[base + f] as number;
    let left: boolean;
    if (b === binCount[f]) left = tree.defaultLeft[node] === 1;
    else {
      const set = tree.leftCategories[node];
      left = set ? set.includes(b) : b <= (nodeBin[node] as number);
    }
    node = left ? (tree.left[node] as number) : (tree.right[node] as number);
  }
}

function subtractHistogram(
  parent: Float64Array,
  child: Float64Array,
  features: Int32Array,
  binCount: Int32Array,
): void {
  for (let k = 0; k < features.length; k++) {
    const f = features[k] as number;
    const from = f * HIST_STRIDE;
    const to = from + ((binCount[f] as number) + 1) * 2;
    for (let i = from; i < to; i++) parent[i] = (parent[i] as number) - (child[i] as number);
  }
}

function score(g: number, h: number, lambda: number): number {
  return (g * g) / (h + lambda);
}

function bestSplit(
  node: OpenNode,
  features: Int32Array,
  binCount: Int32Array,
  categorical: Uint8Array,
  params: GbdtParams,
): Candidate | undefined {
  const rowsInNode = node.end - node.start;
  if (rowsInNode < 2 || node.h < 2 * params.minChildWeight) return undefined;
  const { lambda } = params;
  const minH = Math.max(params.minChildWeight, 1e-12) - 1e-12;
  const parentScore = score(node.g, node.h, lambda);
  const hist = node.hist;
  let best: Candidate | undefined;
  for (let k = 0; k < features.length; k++) {
    const f = features[k] as number;
    const nb = binCount[f] as number;
    const base = f * HIST_STRIDE;
    const gm = hist[base + nb * 2] as number;
    const hm = hist[base + nb * 2 + 1] as number;
    if (categorical[f] === 1) {
      best = categoricalSplit(node, f, nb, hist, base, gm, hm, params, minH, best);
      continue;
    }
    let gl = 0;
    let hl = 0;
    const hasMissing = hm > 0;
    for (let b = 0; b < nb - 1; b++) {
      gl += hist[base + b * 2] as number;
      hl += hist[base + b * 2 + 1] as number;
      // Missing values to the right.
      const gr = node.g - gl;
      const hr = node.h - hl;
      if (hl >= minH && hr >= minH) {
        const gain = score(gl, hl, lambda) + score(gr, hr, lambda) - parentScore;
        if (best === undefined || gain > best.gain) {
          best = {
            gain,
            feature: f,
            bin: b,
            defaultLeft: !hasMissing && hl > hr,
            categories: null,
            leftG: gl,
            leftH: hl,
          };
        }
      }
      if (hasMissing) {
        // Missing values to the left.
        const gl2 = gl + gm;
        const hl2 = hl + hm;
        const hr2 = node.h - hl2;
        if (hl2 >= minH && hr2 >= minH) {
          const gain = score(gl2, hl2, lambda) + score(node.g - gl2, hr2, lambda) - parentScore;
          if (best === undefined || gain > best.gain) {
            best = { gain, feature: f, bin: b, defaultLeft: true, categories: null, leftG: gl2, leftH: hl2 };
          }
        }
      }
    }
    if (hasMissing) {
      // Missing against every value.
      const hv = node.h - hm;
      if (hm >= minH && hv >= minH) {
        const gain = score(node.g - gm, hv, lambda) + score(gm, hm, lambda) - parentScore;
        if (best === undefined || gain > best.gain) {
          best = { gain, feature: f, bin: nb - 1, defaultLeft: false, categories: null, leftG: node.g - gm, leftH: hv };
        }
      }
    }
  }
  return best;
}

function categoricalSplit(
  node: OpenNode,
  f: number,
  nb: number,
  hist: Float64Array,
  base: number,
  gm: number,
  hm: number,
  params: GbdtParams,
  minH: number,
  best: Candidate | undefined,
): Candidate | undefined {
  const smoothing = params.categoricalSmoothing;
  const lambda = params.lambda + smoothing;
  const parentScore = score(node.g, node.h, lambda);
  const used: number[] = [];
  for (let b = 0; b < nb; b++) if ((hist[base + b * 2 + 1] as number) > 0) used.push(b);
  if (used.length + (hm > 0 ? 1 : 0) < 2) return best;
  const ratio = (b: number) => (hist[base + b * 2] as number) / ((hist[base + b * 2 + 1] as number) + smoothing);
  used.sort((a, b) => ratio(a) - ratio(b) || a - b);
  const limit = Math.min(params.maxCategoriesLeft, used.length);
  // Scan prefixes of the ordering from both ends (the left set is the prefix).
  for (const order of [used, [...used].reverse()]) {
    let gl = 0;
    let hl = 0;
    for (let k = 0; k < limit; k++) {
      const b = order[k] as number;
      gl += hist[base + b * 2] as number;
      hl += hist[base + b * 2 + 1] as number;
      if (k === order.length - 1 && hm === 0) break; // everything left: no split
      for (const missingLeft of hm > 0 ? [false, true] : [false]) {
        const gL = missingLeft ? gl + gm : gl;
        const hL = missingLeft ? hl + hm : hl;
        const hR = node.h - hL;
        if (hL < minH || hR < minH) continue;
        const gain = score(gL, hL, lambda) + score(node.g - gL, hR, lambda) - parentScore;
        if (best === undefined || gain > best.gain) {
          best = {
            gain,
            feature: f,
            bin: -1,
            defaultLeft: missingLeft,
            categories: order.slice(0, k + 1).sort((a, b) => a - b),
            leftG: gL,
            leftH: hL,
          };
        }
      }
    }
  }
  return best;
}
