import { DEFAULT_RULESET } from './default-rules.ts';
import type { Thresholds } from './engine/combine.ts';
import { type ActiveRuleset, DecisionEngine } from './engine/engine.ts';
import { createEngineParts } from './parts.ts';
import type { LabelledRiskEvent } from './sources/index.ts';
import {
  type DetectionReport,
  detectionReport,
  type FeatureRows,
  featureRows,
  modelFeatureNames,
  sliceRows,
  trainRiskModel,
} from './training.ts';

export interface EvaluationOptions {
  /** Share of the period (by time) to train on; the rest is held out. */
  readonly trainFraction?: number;
  /** Share of the training period kept back to choose the review threshold. */
  readonly calibrationFraction?: number;
  /** Legitimate payments the engine may flag (the review budget). */
  readonly falsePositiveTarget?: number;
  readonly seed?: number;
  readonly threads?: number;
  /** Also score with the default rules (otherwise the model alone). */
  readonly rules?: boolean;
}

export interface EvaluationReport {
  readonly rows: { train: number; calibration: number; test: number; trainFrauds: number; testFrauds: number };
  readonly model: { version: string; trees: number; features: number; trainingAuc: number };
  readonly thresholds: Thresholds;
  /** The engine as deployed (model + default rules) on the held-out period. */
  readonly engine: DetectionReport;
  /** The model alone at the same false-positive budget. */
  readonly modelOnly: DetectionReport;
  readonly target: { valueRecallMin: number; falsePositiveRateMax: number; met: boolean };
  readonly seconds: { features: number; training: number; scoring: number };
}

const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** Cut the rows where time passes `fraction` of the period (rows are in time order). */
function timeCut(rows: FeatureRows, fraction: number): number {
  const first = rows.events[0]?.atMs ?? 0;
  const last = rows.events[rows.events.length - 1]?.atMs ?? 0;
  const at = first + (last - first) * fraction;
  const i = rows.events.findIndex((e) => e.atMs >= at);
  return i < 0 ? rows.events.length : i;
}

/**
 * The lowest score threshold whose flags, together with what rules flag outright, stay within the
 * false-positive budget on the calibration rows.
 */
export function calibrateThreshold(
  scores: readonly number[],
  ruleFlags: readonly boolean[],
  labels: ArrayLike<number>,
  falsePositiveTarget: number,
): number {
  let legit = 0;
  let legitRuleFlagged = 0;
  const legitScores: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 0) continue;
    legit++;
    if (ruleFlags[i]) legitRuleFlagged++;
    else legitScores.push(scores[i] as number);
  }
  const budget = Math.floor(legit * falsePositiveTarget) - legitRuleFlagged;
  if (budget < 0) return 1001;
  legitScores.sort((a, b) => b - a);
  const boundary = legitScores[budget];
  return boundary === undefined ? 1 : Math.min(1001, boundary + 1);
}

/**
 * Trains on the earlier part of a labelled history and scores the later part, as `zhirong risk
 * evaluate` reports it: the deployed engine (model + default rules, threshold chosen on
 * calibration data for the false-positive budget) and the model alone.
 */
export async function evaluateOnHistory(
  history: AsyncIterable<LabelledRiskEvent> | Iterable<LabelledRiskEvent>,
  options: EvaluationOptions = {},
): Promise<EvaluationReport> {
  const fpTarget = options.falsePositiveTarget ?? 0.005;
  const parts = createEngineParts();
  const engine = new DecisionEngine(parts.store, parts.graph, parts.describe);
  let t = process.hrtime.bigint();
  const rows = await featureRows(history, engine);
  const featureSeconds = elapsed(t);
  const testAt = timeCut(rows, options.trainFraction ?? 0.6);
  const calibrationAt = timeCut(sliceRows(rows, 0, testAt), 1 - (options.calibrationFraction ?? 0.25));
  const fit = sliceRows(rows, 0, calibrationAt);
  const calibration = sliceRows(rows, calibrationAt, testAt);
  const test = sliceRows(rows, testAt, rows.events.length);

  t = process.hrtime.bigint();
  const names = modelFeatureNames(parts.catalog.definitions);
  const trained = trainRiskModel(fit, names, {
    version: 'evaluate',
    seed: options.seed ?? 42,
    ...(options.threads ? { threads: options.threads } : {}),
  });
  const trainingSeconds = elapsed(t);
  engine.setModels(trained.model, undefined);

  t = process.hrtime.bigint();
  const compiled = parts.compile(DEFAULT_RULESET.rules, {
    features: new Map(parts.catalog.definitions.map((d) => [d.name, d.type])),
  });
  if (!compiled.ok) throw new Error(`default rules do not compile: ${JSON.stringify(compiled.errors[0])}`);
  const never: Thresholds = { reviewAt: 1001, declineAt: 1001 };
  const ruleset = (thresholds: Thresholds): ActiveRuleset => ({
    id: '00000000-0000-7000-8000-000000000000',
    name: DEFAULT_RULESET.name,
    version: 1,
    status: 'live',
    eventTypes: new Set(DEFAULT_RULESET.eventTypes),
    thresholds,
    compiled: compiled.value,
  });
  const useRules = options.rules ?? true;
  const score = (r: FeatureRows, sets: ActiveRuleset[]) =>
    r.events.map((event, i) => engine.decideOn(event, r.vectors[i] as never, sets, { explain: false }));

  // Calibrate the engine: rule flags are fixed, the score threshold takes the rest of the budget.
  const calibrated = score(calibration, useRules ? [ruleset(never)] : []);
  const reviewAt = calibrateThreshold(
    calibrated.map((e) => e.score),
    calibrated.map((e) => e.decision !== 'approve'),
    calibration.labels,
    fpTarget,
  );
  const thresholds: Thresholds = { reviewAt, declineAt: Math.max(reviewAt, 950) };
  const decided = score(test, useRules ? [ruleset(thresholds)] : []);
  const engineReport = detectionReport(
    test,
    decided.map((e) => e.decision !== 'approve'),
    decided.map((e) => e.score),
  );

  const modelCalibration = calibration.vectors.map((v) => Math.round(trained.model.score(v).probability * 1000));
  const modelAt = calibrateThreshold(
    modelCalibration,
    modelCalibration.map(() => false),
    calibration.labels,
    fpTarget,
  );
  const modelScores = test.vectors.map((v) => Math.round(trained.model.score(v).probability * 1000));
  const modelOnly = detectionReport(
    test,
    modelScores.map((s) => s >= modelAt),
    modelScores,
  );
  const scoringSeconds = elapsed(t);

  const count = (r: FeatureRows) => r.labels.reduce((s, y) => s + y, 0);
  const valueRecallMin = 0.9;
  return {
    rows: {
      train: fit.events.length,
      calibration: calibration.events.length,
      test: test.events.length,
      trainFrauds: count(fit),
      testFrauds: count(test),
    },
    model: {
      version: trained.model.version,
      trees: (trained.model.artefact.model as { trees: unknown[] }).trees.length,
      features: names.length,
      trainingAuc: trained.trainingAuc,
    },
    thresholds,
    engine: engineReport,
    modelOnly,
    target: {
      valueRecallMin,
      falsePositiveRateMax: fpTarget,
      met: (engineReport.valueRecall ?? 0) >= valueRecallMin && (engineReport.falsePositiveRate ?? 1) <= fpTarget,
    },
    seconds: { features: featureSeconds, training: trainingSeconds, scoring: scoringSeconds },
  };
}
