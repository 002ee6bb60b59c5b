import { auc, type GbdtParams, serializeModel, trainModel } from '@zhirong/ml';
import type { DecisionEngine } from './engine/engine.ts';
import { featureFrame, RiskModel } from './engine/risk-model.ts';
import type { FeatureDefinition, FeatureVector, RiskEvent } from './event.ts';
import type { LabelledRiskEvent } from './sources/index.ts';

/** The scored events of a history (payments by default), with their features as the engine saw them. */
export interface FeatureRows {
  readonly events: RiskEvent[];
  readonly vectors: FeatureVector[];
  readonly labels: Uint8Array;
  readonly patterns: (string | null)[];
}

/**
 * Replays a labelled history through an engine's feature store and graph in time order — every
 * event enters the history, the ones `scored` keeps become rows — exactly as live decisions would
 * have seen them.
 */
export async function featureRows(
  history: AsyncIterable<LabelledRiskEvent> | Iterable<LabelledRiskEvent>,
  engine: DecisionEngine,
  scored: (event: RiskEvent) => boolean = (e) => e.type === 'payment',
): Promise<FeatureRows> {
  const events: RiskEvent[] = [];
  const vectors: FeatureVector[] = [];
  const labels: number[] = [];
  const patterns: (string | null)[] = [];
  for await (const item of history) {
    const features = await engine.features(item.event, true);
    if (!scored(item.event)) continue;
    events.push(item.event);
    vectors.push(features);
    labels.push(item.fraud === null ? 0 : 1);
    patterns.push(item.fraud);
  }
  return { events, vectors, labels: Uint8Array.from(labels), patterns };
}

/** Rows `from` ≤ i < `to`. */
export function sliceRows(rows: FeatureRows, from: number, to: number): FeatureRows {
  return {
    events: rows.events.slice(from, to),
    vectors: rows.vectors.slice(from, to),
    labels: rows.labels.slice(from, to),
    patterns: rows.patterns.slice(from, to),
  };
}

/** Features a model may learn from: every catalog feature but the event's raw identity. */
export function modelFeatureNames(catalog: readonly FeatureDefinition[]): string[] {
  return catalog.map((d) => d.name).filter((n) => n !== 'event_type');
}

export const RISK_GBDT_DEFAULTS: Partial<GbdtParams> = {
  rounds: 200,
  learningRate: 0.1,
  maxDepth: 6,
  maxLeaves: 31,
  earlyStoppingRounds: 30,
  refit: true,
};

export interface TrainedRiskModel {
  readonly artefact: string;
  readonly model: RiskModel;
  /** Training-time probabilities (a sample), the PSI baseline. */
  readonly baselineScores: number[];
  readonly trainingAuc: number;
}

export function trainRiskModel(
  rows: FeatureRows,
  names: readonly string[],
  options: { version: string; seed?: number; gbdt?: Partial<GbdtParams>; threads?: number },
): TrainedRiskModel {
  const frame = featureFrame(names, rows.vectors, rows.labels);
  const artefact = serializeModel(
    trainModel(frame, {
      label: 'is_fraud',
      kind: 'gbdt',
      seed: options.seed ?? 42,
      gbdt: { ...RISK_GBDT_DEFAULTS, ...(options.gbdt ?? {}) },
      ...(options.threads ? { threads: options.threads } : {}),
    }),
  );
  const model = new RiskModel(options.version, artefact);
  const scores = rows.vectors.map((v) => model.score(v).probability);
  const step = Math.max(1, Math.floor(scores.length / 10_000));
  return {
    artefact,
    model,
    baselineScores: scores.filter((_, i) => i % step === 0),
    trainingAuc: auc(rows.labels, scores),
  };
}

/**
 * The lowest per-mille score that flags at most `fprMax` of the legitimate rows (the review
 * threshold a model is deployed with).
 */
export function thresholdForFpr(scores: ArrayLike<number>, labels: ArrayLike<number>, fprMax: number): number {
  const legit: number[] = [];
  for (let i = 0; i < scores.length; i++) if (labels[i] === 0) legit.push(scores[i] as number);
  legit.sort((a, b) => b - a);
  const allowed = Math.floor(legit.length * fprMax);
  // Flag scores ≥ t; t must exceed the (allowed+1)-th highest legitimate score.
  const boundary = legit[allowed];
  return boundary === undefined ? 1 : Math.min(1001, Math.floor(boundary) + 1);
}

export interface DetectionReport {
  readonly events: number;
  readonly frauds: number;
  readonly flagged: number;
  readonly precision: number | null;
  readonly recall: number | null;
  /** Share of the fraud amount in flagged events. */
  readonly valueRecall: number | null;
  readonly falsePositiveRate: number | null;
  readonly auc: number | null;
  readonly perPattern: Record<
    string,
    { frauds: number; caught: number; recall: number; valueRecall: number | null; auc: number | null }
  >;
}

const share = (a: number, b: number) => (b === 0 ? null : a / b);

/** Detection figures for flags against labels; amounts are summed exactly in minor units. */
export function detectionReport(
  rows: FeatureRows,
  flagged: ArrayLike<boolean>,
  scores: ArrayLike<number>,
): DetectionReport {
  let frauds = 0;
  let flags = 0;
  let caught = 0;
  let legit = 0;
  let legitFlagged = 0;
  let fraudValue = 0n;
  let caughtValue = 0n;
  const per = new Map<string, { frauds: number; caught: number; value: bigint; caughtValue: bigint }>();
  for (let i = 0; i < rows.labels.length; i++) {
    const isFraud = rows.labels[i] === 1;
    const flag = flagged[i] === true;
    const amount = (rows.events[i] as RiskEvent).amountMinor;
    if (flag) flags++;
    if (!isFraud) {
      legit++;
      if (flag) legitFlagged++;
      continue;
    }
    frauds++;
    fraudValue += amount;
    const pattern = rows.patterns[i] ?? 'fraud';
    const p = per.get(pattern) ?? { frauds: 0, caught: 0, value: 0n, caughtValue: 0n };
    p.frauds++;
    p.value += amount;
    if (flag) {
      caught++;
      caughtValue += amount;
      p.caught++;
      p.caughtValue += amount;
    }
    per.set(pattern, p);
  }
  const perPattern: DetectionReport['perPattern'] = {};
  for (const [pattern, p] of [...per].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // AUC of this pattern against every legitimate row.
    const ys: number[] = [];
    const ss: number[] = [];
    for (let i = 0; i < rows.labels.length; i++) {
      if (rows.labels[i] === 0 || rows.patterns[i] === pattern) {
        ys.push(rows.labels[i] as number);
        ss.push(scores[i] as number);
      }
    }
    perPattern[pattern] = {
      frauds: p.frauds,
      caught: p.caught,
      recall: p.caught / p.frauds,
      valueRecall: p.value === 0n ? null : Number((p.caughtValue * 1_000_000n) / p.value) / 1_000_000,
      auc: legit > 0 ? auc(ys, ss) : null,
    };
  }
  return {
    events: rows.labels.length,
    frauds,
    flagged: flags,
    precision: share(caught, flags),
    recall: share(caught, frauds),
    valueRecall: fraudValue === 0n ? null : Number((caughtValue * 1_000_000n) / fraudValue) / 1_000_000,
    falsePositiveRate: share(legitFlagged, legit),
    auc: frauds > 0 && legit > 0 ? auc(rows.labels, scores) : null,
    perPattern,
  };
}
