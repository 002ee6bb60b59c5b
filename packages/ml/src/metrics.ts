import { assert } from '@zhirong/kernel';
import { MlError } from './errors.ts';

/**
 * Binary-classification metrics. Every ranking metric is tie-aware: rows with equal scores form
 * one group, which counts half (AUC) or moves the curve in one step (KS, PR-AUC), so the result
 * never depends on the order of tied rows.
 */

/** Distinct scores in descending order, with how many positives and negatives hold each. */
export interface ScoreGroups {
  readonly positives: Float64Array;
  readonly negatives: Float64Array;
  readonly totalPositives: number;
  readonly totalNegatives: number;
}

function checkInputs(y: ArrayLike<number>, score: ArrayLike<number>): void {
  assert(y.length === score.length, 'labels and scores must have the same length');
  for (let i = 0; i < score.length; i++) assert(Number.isFinite(score[i]), 'scores must be finite numbers');
}

export function scoreGroups(y: ArrayLike<number>, score: ArrayLike<number>): ScoreGroups {
  checkInputs(y, score);
  let p = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) p++;
  const pos = new Float64Array(p);
  const neg = new Float64Array(y.length - p);
  let a = 0;
  let b = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1) pos[a++] = score[i] as number;
    else neg[b++] = score[i] as number;
  }
  // Native numeric sorts (ascending), then a merge from the top.
  pos.sort();
  neg.sort();
  const gp: number[] = [];
  const gn: number[] = [];
  let i = pos.length - 1;
  let j = neg.length - 1;
  while (i >= 0 || j >= 0) {
    const top = Math.max(
      i >= 0 ? (pos[i] as number) : Number.NEGATIVE_INFINITY,
      j >= 0 ? (neg[j] as number) : Number.NEGATIVE_INFINITY,
    );
    let cp = 0;
    let cn = 0;
    while (i >= 0 && pos[i] === top) {
      cp++;
      i--;
    }
    while (j >= 0 && neg[j] === top) {
      cn++;
      j--;
    }
    gp.push(cp);
    gn.push(cn);
  }
  return {
    positives: Float64Array.from(gp),
    negatives: Float64Array.from(gn),
    totalPositives: p,
    totalNegatives: y.length - p,
  };
}

function requireBothClasses(groups: ScoreGroups): void {
  if (groups.totalPositives === 0 || groups.totalNegatives === 0) {
    throw new MlError('label_one_class', { column: 'label' });
  }
}

/** Area under the ROC curve (Mann–Whitney U / (P·N)); a tie between a positive and a negative counts ½. */
export function auc(y: ArrayLike<number>, score: ArrayLike<number>): number {
  const g = scoreGroups(y, score);
  requireBothClasses(g);
  let negativesBelow = g.totalNegatives;
  let sum = 0;
  for (let k = 0; k < g.positives.length; k++) {
    const cp = g.positives[k] as number;
    const cn = g.negatives[k] as number;
    negativesBelow -= cn;
    sum += cp * (negativesBelow + cn / 2);
  }
  return sum / (g.totalPositives * g.totalNegatives);
}

/** Gini coefficient = 2·AUC − 1. */
export function gini(y: ArrayLike<number>, score: ArrayLike<number>): number {
  return 2 * auc(y, score) - 1;
}

/** Kolmogorov–Smirnov statistic: the largest gap between the cumulative TPR and FPR over thresholds. */
export function ks(y: ArrayLike<number>, score: ArrayLike<number>): number {
  const g = scoreGroups(y, score);
  requireBothClasses(g);
  let tp = 0;
  let fp = 0;
  let best = 0;
  for (let k = 0; k < g.positives.length; k++) {
    tp += g.positives[k] as number;
    fp += g.negatives[k] as number;
    best = Math.max(best, Math.abs(tp / g.totalPositives - fp / g.totalNegatives));
  }
  return best;
}

/** Area under the precision–recall curve as average precision: Σ (Rₖ − Rₖ₋₁)·Pₖ over distinct thresholds. */
export function prAuc(y: ArrayLike<number>, score: ArrayLike<number>): number {
  const g = scoreGroups(y, score);
  requireBothClasses(g);
  let tp = 0;
  let fp = 0;
  let sum = 0;
  for (let k = 0; k < g.positives.length; k++) {
    const cp = g.positives[k] as number;
    tp += cp;
    fp += g.negatives[k] as number;
    if (cp > 0) sum += (cp / g.totalPositives) * (tp / (tp + fp));
  }
  return sum;
}

const EPSILON = 1e-15;

/** Mean negative log-likelihood, probabilities clipped to [1e-15, 1 − 1e-15]. */
export function logLoss(y: ArrayLike<number>, probability: ArrayLike<number>): number {
  checkInputs(y, probability);
  assert(y.length > 0, 'log loss of no rows');
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const p = Math.min(1 - EPSILON, Math.max(EPSILON, probability[i] as number));
    sum -= y[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / y.length;
}

/** Mean squared error of the probabilities. */
export function brier(y: ArrayLike<number>, probability: ArrayLike<number>): number {
  checkInputs(y, probability);
  assert(y.length > 0, 'Brier score of no rows');
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const d = (probability[i] as number) - (y[i] as number);
    sum += d * d;
  }
  return sum / y.length;
}

export interface Confusion {
  readonly threshold: number;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly accuracy: number;
  readonly f1: number;
}

/** Confusion matrix for "positive when probability ≥ threshold"; a ratio with a zero denominator is 0. */
export function confusion(y: ArrayLike<number>, probability: ArrayLike<number>, threshold = 0.5): Confusion {
  checkInputs(y, probability);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    const predicted = (probability[i] as number) >= threshold;
    if (y[i] === 1) predicted ? tp++ : fn++;
    else predicted ? fp++ : tn++;
  }
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    threshold,
    tp,
    fp,
    tn,
    fn,
    precision,
    recall,
    accuracy: ratio(tp + tn, y.length),
    f1: ratio(2 * precision * recall, precision + recall),
  };
}

export interface LiftRow {
  /** 1 = the highest-scored tenth. */
  readonly decile: number;
  readonly rows: number;
  readonly positives: number;
  readonly rate: number;
  /** Rate of this decile over the overall rate. */
  readonly lift: number;
  /** Share of all positives captured by this decile and the ones above it. */
  readonly cumulativeGain: number;
  readonly cumulativeLift: number;
}

/** Row order by descending score, ties by row index (stable). */
function descendingOrder(score: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(score.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => (score[b] as number) - (score[a] as number) || a - b);
}

/** Lift and cumulative gain by deciles of descending score (10 groups of near-equal size). */
export function liftTable(y: ArrayLike<number>, score: ArrayLike<number>, groups = 10): LiftRow[] {
  checkInputs(y, score);
  const n = y.length;
  assert(n >= groups, 'fewer rows than groups');
  const order = descendingOrder(score);
  let total = 0;
  for (let i = 0; i < n; i++) total += y[i] as number;
  const base = total / n;
  const out: LiftRow[] = [];
  let cumulativePositives = 0;
  let cumulativeRows = 0;
  for (let d = 0; d < groups; d++) {
    const from = Math.floor((d * n) / groups);
    const to = Math.floor(((d + 1) * n) / groups);
    let positives = 0;
    for (let k = from; k < to; k++) positives += y[order[k] as number] as number;
    cumulativePositives += positives;
    cumulativeRows += to - from;
    const rate = positives / (to - from);
    out.push({
      decile: d + 1,
      rows: to - from,
      positives,
      rate,
      lift: base === 0 ? 0 : rate / base,
      cumulativeGain: total === 0 ? 0 : cumulativePositives / total,
      cumulativeLift: base === 0 ? 0 : cumulativePositives / cumulativeRows / base,
    });
  }
  return out;
}

export interface CalibrationRow {
  readonly bin: number;
  readonly rows: number;
  readonly meanPredicted: number;
  readonly observedRate: number;
}

/** Reliability table: rows in `bins` quantile groups of predicted probability, mean predicted vs observed rate. */
export function calibrationTable(y: ArrayLike<number>, probability: ArrayLike<number>, bins = 10): CalibrationRow[] {
  checkInputs(y, probability);
  const n = y.length;
  assert(n >= bins, 'fewer rows than bins');
  const order = descendingOrder(probability).reverse();
  const out: CalibrationRow[] = [];
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * n) / bins);
    const to = Math.floor(((b + 1) * n) / bins);
    let predicted = 0;
    let observed = 0;
    for (let k = from; k < to; k++) {
      const r = order[k] as number;
      predicted += probability[r] as number;
      observed += y[r] as number;
    }
    out.push({
      bin: b + 1,
      rows: to - from,
      meanPredicted: predicted / (to - from),
      observedRate: observed / (to - from),
    });
  }
  return out;
}

export interface StabilityBin {
  /** Upper edge of the bin (the last is +Infinity); the missing-value bin has `upper: null`. */
  readonly upper: number | null;
  readonly expected: number;
  readonly actual: number;
  readonly contribution: number;
}

export interface Stability {
  readonly value: number;
  readonly bins: readonly StabilityBin[];
}

/**
 * Population stability index of `actual` against `expected`: bins at the expected deciles (fewer
 * when values repeat) plus a bin for missing values (NaN); Σ (a − e)·ln(a / e) with shares floored
 * at 0.0001 so an empty bin is finite. Below 0.1 stable, 0.1–0.25 watch, above 0.25 shifted.
 */
export function psi(expected: ArrayLike<number>, actual: ArrayLike<number>, bins = 10): Stability {
  assert(expected.length > 0 && actual.length > 0, 'PSI needs values on both sides');
  const present = Array.from(expected).filter((v) => !Number.isNaN(v));
  const sorted = Float64Array.from(present).sort();
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    if (sorted.length === 0) break;
    const edge = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / bins) - 1)] as number;
    if (edges.length === 0 || edge > (edges.at(-1) as number)) edges.push(edge);
  }
  edges.push(Number.POSITIVE_INFINITY);
  const share = (values: ArrayLike<number>) => {
    const counts = new Float64Array(edges.length + 1);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (Number.isNaN(v)) counts[edges.length] = (counts[edges.length] as number) + 1;
      else {
        let b = 0;
        while (v > (edges[b] as number)) b++;
        counts[b] = (counts[b] as number) + 1;
      }
    }
    return counts.map((c) => c / values.length);
  };
  const e = share(expected);
  const a = share(actual);
  const out: StabilityBin[] = [];
  let value = 0;
  for (let b = 0; b <= edges.length; b++) {
    const eb = e[b] as number;
    const ab = a[b] as number;
    if (b === edges.length && eb === 0 && ab === 0) continue;
    const ef = Math.max(eb, 1e-4);
    const af = Math.max(ab, 1e-4);
    const contribution = (af - ef) * Math.log(af / ef);
    value += contribution;
    out.push({ upper: b === edges.length ? null : (edges[b] as number), expected: eb, actual: ab, contribution });
  }
  return { value, bins: out };
}

/** Characteristic stability index: PSI of one feature's values (training vs recent). */
export const csi = psi;

export interface Evaluation {
  readonly rows: number;
  readonly positives: number;
  readonly auc: number;
  readonly gini: number;
  readonly ks: number;
  readonly prAuc: number;
  readonly logloss: number;
  readonly brier: number;
}

/** The headline metrics at once. */
export function evaluate(y: ArrayLike<number>, probability: ArrayLike<number>): Evaluation {
  let positives = 0;
  for (let i = 0; i < y.length; i++) positives += y[i] as number;
  const a = auc(y, probability);
  return {
    rows: y.length,
    positives,
    auc: a,
    gini: 2 * a - 1,
    ks: ks(y, probability),
    prAuc: prAuc(y, probability),
    logloss: logLoss(y, probability),
    brier: brier(y, probability),
  };
}
