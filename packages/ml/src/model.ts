import { createHash } from 'node:crypto';
import { canonicalJson, SeededRng } from '@zhirong/kernel';
import type { FeatureBins } from './bins.ts';
import { type Dataset, type DroppedColumn, encode, type FeatureSpec, type Frame, inferFeatures } from './data.ts';
import { MlError } from './errors.ts';
import { GBDT_DEFAULTS, type GbdtParams, trainGbdt } from './gbdt.ts';
import {
  type DesignTerm,
  designMatrix,
  designTerms,
  fitLogistic,
  LOGISTIC_DEFAULTS,
  type LogisticParams,
  termValue,
} from './logistic.ts';
import { type Evaluation, evaluate } from './metrics.ts';
import {
  binIndex,
  SCORECARD_DEFAULTS,
  type ScorecardFeature,
  type ScorecardParams,
  trainScorecard,
  type WoeBin,
} from './scorecard.ts';
import { type CompiledForest, compileForest, predictForest, type Tree, treeProblem } from './tree.ts';
import { forestShap, treeExpectation } from './treeshap.ts';

/**
 * Models and their artefact: one versioned JSON document per trained model with the feature
 * schema, the binning, the parameters, a fingerprint of the training data, training metrics and
 * a sha256 content hash over the canonical JSON of everything else. `loadModel` checks the
 * format, the schema version, the hash and the structure before it predicts anything.
 */
export type ModelKind = 'gbdt' | 'logistic' | 'scorecard';
export const MODEL_KINDS: readonly ModelKind[] = ['gbdt', 'logistic', 'scorecard'];
export const ARTEFACT_FORMAT = 'zhirong.ml.model';
export const ARTEFACT_SCHEMA_VERSION = 1;

export interface GbdtBody {
  readonly baseScore: number;
  readonly trees: Tree[];
  readonly rounds: number;
  readonly earlyStopped: boolean;
}

export interface LogisticBody {
  readonly intercept: number;
  readonly coefficients: number[];
  readonly iterations: number;
  readonly converged: boolean;
}

export interface ScorecardBody {
  readonly intercept: number;
  readonly basePoints: number;
  readonly factor: number;
  readonly offset: number;
  readonly features: ScorecardFeature[];
  readonly informationValues: { name: string; iv: number; selected: boolean }[];
  readonly iterations: number;
  readonly converged: boolean;
}

export type Binning =
  | { readonly type: 'histogram'; readonly features: ({ edges: number[] } | { categories: number })[] }
  | { readonly type: 'standardised'; readonly terms: DesignTerm[] }
  | { readonly type: 'woe'; readonly features: { name: string; bins: WoeBin[] }[] };

export interface ModelArtefact {
  readonly format: typeof ARTEFACT_FORMAT;
  readonly schemaVersion: number;
  readonly kind: ModelKind;
  readonly label: string;
  readonly features: FeatureSpec[];
  readonly dropped: DroppedColumn[];
  readonly training: {
    readonly rows: number;
    readonly positives: number;
    readonly fingerprint: string;
    readonly seed: number;
  };
  readonly params: Record<string, number | boolean>;
  readonly binning: Binning;
  readonly model: GbdtBody | LogisticBody | ScorecardBody;
  readonly metrics: { readonly training: Evaluation; readonly validationLoss?: number };
  readonly contentHash: string;
}

/** Fewest rows a model trains on. */
export const MIN_TRAINING_ROWS = 10;

export interface TrainOptions {
  readonly label: string;
  readonly kind: ModelKind;
  readonly seed?: number;
  readonly exclude?: readonly string[];
  readonly gbdt?: Partial<GbdtParams>;
  readonly logistic?: Partial<LogisticParams>;
  readonly scorecard?: Partial<ScorecardParams>;
  /** Threads for GBDT histogram building (1 or 2); the model does not depend on it. */
  readonly threads?: number;
}

/** Trains a model on a frame; the schema is inferred (see `inferFeatures`). */
export function trainModel(frame: Frame, options: TrainOptions): ModelArtefact {
  const seed = options.seed ?? 42;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new MlError('option_invalid', { option: 'seed', reason: 'a whole number ≥ 0' });
  if (frame.rows < MIN_TRAINING_ROWS)
    throw new MlError('too_few_rows', { minimum: MIN_TRAINING_ROWS, rows: frame.rows });
  if (!frame.header.includes(options.label)) throw new MlError('label_missing', { column: options.label });
  const { features, dropped } = inferFeatures(frame, options.label, { exclude: options.exclude ?? [] });
  const data = encode(frame, features, options.label);
  return trainOnDataset(data, options.label, dropped, frame.fingerprint, { ...options, seed });
}

/** Trains on an already encoded data set (the benchmark and tests use this directly). */
export function trainOnDataset(
  data: Dataset,
  label: string,
  dropped: DroppedColumn[],
  fingerprint: string,
  options: TrainOptions,
): ModelArtefact {
  const y = data.y as Uint8Array;
  let positives = 0;
  for (let i = 0; i < data.rows; i++) positives += y[i] as number;
  if (data.rows < MIN_TRAINING_ROWS) throw new MlError('too_few_rows', { minimum: MIN_TRAINING_ROWS, rows: data.rows });
  if (positives === 0 || positives === data.rows) throw new MlError('label_one_class', { column: label });
  const seed = options.seed ?? 42;
  let params: Record<string, number | boolean>;
  let binning: Binning;
  let body: GbdtBody | LogisticBody | ScorecardBody;
  let validationLoss: number | undefined;
  let trainingMargin: Float64Array | undefined;
  switch (options.kind) {
    case 'gbdt': {
      const merged = { ...GBDT_DEFAULTS, ...options.gbdt };
      const fit = trainGbdt(data, merged, new SeededRng(seed), undefined, { threads: options.threads ?? 1 });
      params = { ...merged };
      binning = { type: 'histogram', features: fit.bins.map(binningOf) };
      body = { baseScore: fit.baseScore, trees: fit.trees, rounds: fit.rounds, earlyStopped: fit.earlyStopped };
      if (fit.validationLoss.length > 0) validationLoss = Math.min(...fit.validationLoss);
      trainingMargin = fit.trainingMargin;
      break;
    }
    case 'logistic': {
      const merged = { ...LOGISTIC_DEFAULTS, ...options.logistic };
      const terms = designTerms(data);
      const fit = fitLogistic(designMatrix(data, terms), y, terms.length, merged);
      params = { ...merged };
      binning = { type: 'standardised', terms };
      body = fit;
      break;
    }
    case 'scorecard': {
      const merged = { ...SCORECARD_DEFAULTS, ...options.scorecard };
      const fit = trainScorecard(data, merged);
      params = { ...merged };
      binning = { type: 'woe', features: fit.features.map((f) => ({ name: f.name, bins: f.bins })) };
      body = fit;
      break;
    }
    default:
      throw new MlError('option_invalid', { option: 'model', reason: `one of ${MODEL_KINDS.join(', ')}` });
  }
  const draft = {
    format: ARTEFACT_FORMAT as typeof ARTEFACT_FORMAT,
    schemaVersion: ARTEFACT_SCHEMA_VERSION,
    kind: options.kind,
    label,
    features: [...data.features],
    dropped,
    training: { rows: data.rows, positives, fingerprint: `sha256:${fingerprint}`, seed },
    params,
    binning,
    model: body,
    metrics: { training: undefined as unknown as Evaluation },
  };
  const probability = trainingMargin
    ? trainingMargin.map(sigmoid)
    : new Model({ ...draft, contentHash: '' } as ModelArtefact).scoreDataset(data).probability;
  const training = evaluate(y, probability);
  const metrics = validationLoss === undefined ? { training } : { training, validationLoss };
  const complete = { ...draft, metrics };
  return { ...complete, contentHash: contentHashOf(complete) } as ModelArtefact;
}

function binningOf(bins: FeatureBins): { edges: number[] } | { categories: number } {
  return bins.categorical ? { categories: bins.count - 1 } : { edges: Array.from(bins.edges).filter(Number.isFinite) };
}

/** sha256 over the canonical JSON of the artefact without its `contentHash`. */
export function contentHashOf(artefact: Omit<ModelArtefact, 'contentHash'> | ModelArtefact): string {
  const { contentHash: _ignored, ...rest } = artefact as ModelArtefact;
  return `sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}`;
}

export function serializeModel(artefact: ModelArtefact): string {
  return `${JSON.stringify(artefact)}\n`;
}

export interface Scores {
  /** Probability of the positive class (label 1). */
  readonly probability: Float64Array;
  /** Log-odds. */
  readonly margin: Float64Array;
  /** Scorecard points (scorecards only). */
  readonly score?: Float64Array;
}

export interface Contribution {
  readonly feature: string;
  /** The row's raw cell. */
  readonly value: string;
  /** Change of the log-odds against the model's expectation. */
  readonly contribution: number;
  /** Scorecards: points for this attribute, and points lost against the best attribute. */
  readonly points?: number;
  readonly pointsLost?: number;
}

export interface Explanation {
  readonly row: number;
  readonly probability: number;
  readonly margin: number;
  /** Expected log-odds; margin = expected + Σ contributions. */
  readonly expected: number;
  readonly score?: number;
  /** Every feature, largest |contribution| first. */
  readonly contributions: Contribution[];
  /** Up to four features that raise the risk most (scorecards: that lose the most points) — reason codes. */
  readonly reasons: string[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** A loaded, checked model. */
export class Model {
  readonly artefact: ModelArtefact;
  readonly #forest: CompiledForest | undefined;
  readonly #expected: number;

  constructor(artefact: ModelArtefact) {
    this.artefact = artefact;
    if (artefact.kind === 'gbdt') {
      const body = artefact.model as GbdtBody;
      this.#forest = compileForest(body.trees);
      this.#expected = body.baseScore + body.trees.reduce((sum, tree) => sum + treeExpectation(tree), 0);
    } else if (artefact.kind === 'logistic') {
      this.#expected = (artefact.model as LogisticBody).intercept;
    } else {
      const body = artefact.model as ScorecardBody;
      let expected = body.intercept;
      for (const f of body.features) {
        const rows = f.bins.reduce((s, b) => s + b.rows, 0);
        expected += f.coefficient * f.bins.reduce((s, b) => s + (b.rows / rows) * b.woe, 0);
      }
      this.#expected = expected;
    }
  }

  get features(): readonly FeatureSpec[] {
    return this.artefact.features;
  }

  /** Encodes a frame with the model's schema (extra columns ignored; a missing one is an error naming it). */
  encode(frame: Frame): Dataset {
    return encode(frame, this.artefact.features);
  }

  score(frame: Frame): Scores {
    return this.scoreDataset(this.encode(frame));
  }

  scoreDataset(data: Dataset): Scores {
    const n = data.rows;
    const p = this.artefact.features.length;
    const margin = new Float64Array(n);
    let score: Float64Array | undefined;
    switch (this.artefact.kind) {
      case 'gbdt': {
        predictForest(
          this.#forest as CompiledForest,
          data.x,
          n,
          p,
          (this.artefact.model as GbdtBody).baseScore,
          margin,
        );
        break;
      }
      case 'logistic': {
        const body = this.artefact.model as LogisticBody;
        const terms = (this.artefact.binning as { terms: DesignTerm[] }).terms;
        const levels = this.#levels();
        for (let r = 0; r < n; r++) {
          let z = body.intercept;
          for (let j = 0; j < terms.length; j++) {
            const term = terms[j] as DesignTerm;
            const raw = termValue(term, data.x[r * p + term.feature] as number, levels);
            z += (body.coefficients[j] as number) * (term.scale > 0 ? (raw - term.mean) / term.scale : 0);
          }
          margin[r] = z;
        }
        break;
      }
      case 'scorecard': {
        const body = this.artefact.model as ScorecardBody;
        score = new Float64Array(n);
        for (let r = 0; r < n; r++) {
          let z = body.intercept;
          let points = body.basePoints;
          for (const f of body.features) {
            const b = binIndex(f, data.x[r * p + f.feature] as number);
            z += f.coefficient * (b < 0 ? 0 : (f.bins[b] as WoeBin).woe);
            points += b < 0 ? f.neutralPoints : (f.points[b] as number);
          }
          margin[r] = z;
          score[r] = points;
        }
        break;
      }
    }
    const probability = margin.map(sigmoid);
    return score === undefined ? { probability, margin } : { probability, margin, score };
  }

  #levels(): (feature: number) => number {
    return (f) => {
      const spec = this.artefact.features[f] as FeatureSpec;
      return spec.type === 'categorical' ? spec.categories.length : 0;
    };
  }

  /** Per-feature contributions for row `row` of the frame (0-based data row). */
  explain(frame: Frame, row: number): Explanation {
    if (!Number.isInteger(row) || row < 0 || row >= frame.rows) {
      throw new MlError('row_out_of_range', { row, last: frame.rows - 1 });
    }
    const single: Frame = { ...frame, columns: frame.columns.map((c) => [c[row] as string]), rows: 1 };
    const data = this.encode(single);
    const scores = this.scoreDataset(data);
    const p = this.artefact.features.length;
    const phi = new Float64Array(p);
    const points = new Map<number, { points: number; pointsLost: number }>();
    switch (this.artefact.kind) {
      case 'gbdt':
        phi.set(forestShap((this.artefact.model as GbdtBody).trees, data.x, p));
        break;
      case 'logistic': {
        const body = this.artefact.model as LogisticBody;
        const terms = (this.artefact.binning as { terms: DesignTerm[] }).terms;
        const levels = this.#levels();
        terms.forEach((term, j) => {
          const raw = termValue(term, data.x[term.feature] as number, levels);
          // The standardised column has training mean 0, so its term is already centred.
          phi[term.feature] =
            (phi[term.feature] as number) +
            (body.coefficients[j] as number) * (term.scale > 0 ? (raw - term.mean) / term.scale : 0);
        });
        break;
      }
      case 'scorecard': {
        const body = this.artefact.model as ScorecardBody;
        for (const f of body.features) {
          const rows = f.bins.reduce((s, b) => s + b.rows, 0);
          const mean = f.bins.reduce((s, b) => s + (b.rows / rows) * b.woe, 0);
          const b = binIndex(f, data.x[f.feature] as number);
          const woe = b < 0 ? 0 : (f.bins[b] as WoeBin).woe;
          phi[f.feature] = f.coefficient * (woe - mean);
          const got = b < 0 ? f.neutralPoints : (f.points[b] as number);
          points.set(f.feature, { points: got, pointsLost: Math.max(...f.points, f.neutralPoints) - got });
        }
        break;
      }
    }
    const contributions: Contribution[] = this.artefact.features.map((spec, f) => ({
      feature: spec.name,
      value: single.columns[single.header.indexOf(spec.name)]?.[0] ?? '',
      contribution: phi[f] as number,
      ...(points.get(f) ?? {}),
    }));
    contributions.sort(
      (a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || (a.feature < b.feature ? -1 : 1),
    );
    const reasons =
      this.artefact.kind === 'scorecard'
        ? contributions
            .filter((c) => (c.pointsLost ?? 0) > 0)
            .sort((a, b) => (b.pointsLost ?? 0) - (a.pointsLost ?? 0))
            .slice(0, 4)
            .map((c) => c.feature)
        : contributions
            .filter((c) => c.contribution > 0)
            .slice(0, 4)
            .map((c) => c.feature);
    const base = {
      row,
      probability: scores.probability[0] as number,
      margin: scores.margin[0] as number,
      expected: this.#expected,
    };
    return scores.score
      ? { ...base, score: scores.score[0] as number, contributions, reasons }
      : { ...base, contributions, reasons };
  }
}

/** Parses and checks an artefact: format, schema version, content hash, then structure. */
export function loadModel(text: string): Model {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MlError('model_malformed', { reason: 'it is not JSON' });
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { format?: unknown }).format !== ARTEFACT_FORMAT) {
    throw new MlError('model_malformed', { reason: `it is not a ${ARTEFACT_FORMAT} document` });
  }
  const artefact = parsed as ModelArtefact;
  if (artefact.schemaVersion !== ARTEFACT_SCHEMA_VERSION) {
    throw new MlError('model_version_unsupported', {
      version: String(artefact.schemaVersion),
      supported: ARTEFACT_SCHEMA_VERSION,
    });
  }
  let expected: string;
  try {
    expected = contentHashOf(artefact);
  } catch {
    throw new MlError('model_malformed', { reason: 'it holds values JSON cannot carry' });
  }
  if (artefact.contentHash !== expected) throw new MlError('model_hash_mismatch');
  const problem = structureProblem(artefact);
  if (problem !== undefined) throw new MlError('model_malformed', { reason: problem });
  return new Model(artefact);
}

function structureProblem(a: ModelArtefact): string | undefined {
  if (!MODEL_KINDS.includes(a.kind)) return `unknown model kind ${String(a.kind)}`;
  if (!Array.isArray(a.features) || a.features.length === 0) return 'it lists no features';
  for (const f of a.features) {
    if (typeof f?.name !== 'string') return 'a feature has no name';
    if (f.type === 'categorical' ? !Array.isArray(f.categories) || f.categories.length > 254 : f.type !== 'numeric')
      return `feature ${f.name} has a bad type`;
  }
  const p = a.features.length;
  const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (a.kind === 'gbdt') {
    const body = a.model as GbdtBody;
    if (!isNumber(body?.baseScore) || !Array.isArray(body.trees) || body.trees.length === 0)
      return 'the tree ensemble is missing';
    for (const tree of body.trees) {
      const problem = treeProblem(tree, p);
      if (problem) return problem;
    }
  } else if (a.kind === 'logistic') {
    const body = a.model as LogisticBody;
    const terms = (a.binning as { terms?: DesignTerm[] }).terms;
    if (!isNumber(body?.intercept) || !Array.isArray(body.coefficients) || !Array.isArray(terms))
      return 'the coefficients are missing';
    if (terms.length !== body.coefficients.length) return 'coefficients and design terms differ in number';
    if (
      !body.coefficients.every(isNumber) ||
      !terms.every(
        (t) => Number.isInteger(t.feature) && t.feature >= 0 && t.feature < p && isNumber(t.mean) && isNumber(t.scale),
      )
    ) {
      return 'a coefficient or design term is invalid';
    }
  } else {
    const body = a.model as ScorecardBody;
    if (!isNumber(body?.intercept) || !isNumber(body.basePoints) || !Array.isArray(body.features))
      return 'the scorecard is missing';
    for (const f of body.features) {
      if (!Number.isInteger(f.feature) || f.feature < 0 || f.feature >= p || !isNumber(f.coefficient))
        return 'a scorecard feature is invalid';
      if (!Array.isArray(f.bins) || !Array.isArray(f.points) || f.bins.length !== f.points.length)
        return 'scorecard bins and points differ in number';
    }
  }
  return undefined;
}
