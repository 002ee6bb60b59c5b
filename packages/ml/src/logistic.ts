import { assert } from '@zhirong/kernel';
import type { Dataset, FeatureSpec } from './data.ts';
import { MlError } from './errors.ts';

/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS) with step halving, on a
 * standardised design: numeric features are mean-imputed (with a missing-value indicator when
 * the training data had gaps) and scaled to unit variance; categorical features are one-hot on
 * their most frequent levels. The intercept is not penalised. Convergence: the largest Newton
 * step below `tolerance`; the fit reports whether it converged and in how many iterations.
 */
export interface LogisticParams {
  /** L2 penalty λ on the sum of log-likelihoods (λ/2 · ‖β‖²). */
  readonly l2: number;
  readonly maxIterations: number;
  readonly tolerance: number;
}

export const LOGISTIC_DEFAULTS: LogisticParams = Object.freeze({ l2: 1, maxIterations: 100, tolerance: 1e-8 });

/** Columns of the design built from one feature. */
export type DesignTerm =
  | { readonly feature: number; readonly kind: 'value'; readonly mean: number; readonly scale: number }
  | { readonly feature: number; readonly kind: 'missing'; readonly mean: number; readonly scale: number }
  | {
      readonly feature: number;
      readonly kind: 'level';
      readonly code: number;
      readonly mean: number;
      readonly scale: number;
    };

export interface LinearFit {
  readonly intercept: number;
  readonly coefficients: number[];
  readonly iterations: number;
  readonly converged: boolean;
}

/** One-hot levels kept per categorical feature; the rest share a column ("other"). */
const LEVELS_MAX = 30;

/** Builds the standardised design terms from training data. */
export function designTerms(data: Dataset): DesignTerm[] {
  const p = data.features.length;
  const n = data.rows;
  const terms: DesignTerm[] = [];
  for (let f = 0; f < p; f++) {
    const spec = data.features[f] as FeatureSpec;
    if (spec.type === 'numeric') {
      let sum = 0;
      let count = 0;
      for (let r = 0; r < n; r++) {
        const v = data.x[r * p + f] as number;
        if (!Number.isNaN(v)) {
          sum += v;
          count++;
        }
      }
      const mean = count === 0 ? 0 : sum / count;
      let ss = 0;
      for (let r = 0; r < n; r++) {
        const v = data.x[r * p + f] as number;
        const d = (Number.isNaN(v) ? mean : v) - mean;
        ss += d * d;
      }
      const sd = Math.sqrt(ss / n);
      if (sd > 0) terms.push({ feature: f, kind: 'value', mean, scale: sd });
      if (count < n && count > 0) {
        const share = (n - count) / n;
        terms.push({ feature: f, kind: 'missing', mean: share, scale: Math.sqrt(share * (1 - share)) });
      }
    } else {
      const other = spec.categories.length;
      const counts = new Float64Array(other + 1);
      for (let r = 0; r < n; r++) {
        const v = data.x[r * p + f] as number;
        if (Number.isNaN(v)) continue;
        const code = v >= LEVELS_MAX - 1 ? other : v;
        counts[code] = (counts[code] as number) + 1;
      }
      for (let code = 0; code <= other; code++) {
        const c = counts[code] as number;
        if (c === 0 || c === n) continue;
        const share = c / n;
        terms.push({ feature: f, kind: 'level', code, mean: share, scale: Math.sqrt(share * (1 - share)) });
      }
    }
  }
  return terms;
}

/** The value of a design term for a raw feature value (before standardising). */
export function termValue(term: DesignTerm, v: number, levelsOf: (feature: number) => number): number {
  switch (term.kind) {
    case 'value':
      return Number.isNaN(v) ? term.mean : v;
    case 'missing':
      return Number.isNaN(v) ? 1 : 0;
    case 'level': {
      if (Number.isNaN(v)) return 0;
      // Codes beyond the one-hot limit share the "other" column (the last code).
      const other = levelsOf(term.feature);
      const code = v >= LEVELS_MAX - 1 ? other : v;
      return code === term.code ? 1 : 0;
    }
  }
}

/** The standardised design matrix (row-major, one column per term). */
export function designMatrix(data: Dataset, terms: readonly DesignTerm[]): Float64Array {
  const p = data.features.length;
  const q = terms.length;
  const out = new Float64Array(data.rows * q);
  const levels = (f: number) => {
    const spec = data.features[f] as FeatureSpec;
    return spec.type === 'categorical' ? spec.categories.length : 0;
  };
  for (let r = 0; r < data.rows; r++) {
    for (let j = 0; j < q; j++) {
      const term = terms[j] as DesignTerm;
      const raw = termValue(term, data.x[r * p + term.feature] as number, levels);
      out[r * q + j] = term.scale > 0 ? (raw - term.mean) / term.scale : 0;
    }
  }
  return out;
}

/** Newton/IRLS fit of y ~ sigmoid(b0 + X·β) with λ/2‖β‖². */
export function fitLogistic(
  x: Float64Array,
  y: Uint8Array,
  q: number,
  partial: Partial<LogisticParams> = {},
): LinearFit {
  const params = { ...LOGISTIC_DEFAULTS, ...partial };
  if (!(params.l2 >= 0 && Number.isFinite(params.l2)))
    throw new MlError('option_invalid', { option: 'l2', reason: 'it must be ≥ 0' });
  const n = y.length;
  assert(x.length === n * q, 'design size');
  const k = q + 1; // intercept first
  const beta = new Float64Array(k);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i] as number;
  if (positives === 0 || positives === n) throw new MlError('label_one_class', { column: 'label' });
  beta[0] = Math.log(positives / (n - positives));
  const eta = new Float64Array(n);
  const objective = (b: Float64Array): number => {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let z = b[0] as number;
      for (let j = 0; j < q; j++) z += (b[j + 1] as number) * (x[i * q + j] as number);
      eta[i] = z;
      // log(1 + e^z) − y·z, computed stably.
      loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - (y[i] as number) * z;
    }
    let penalty = 0;
    for (let j = 1; j < k; j++) penalty += (b[j] as number) ** 2;
    return loss + (params.l2 / 2) * penalty;
  };
  let current = objective(beta);
  const gradient = new Float64Array(k);
  const hessian = new Float64Array(k * k);
  const row = new Float64Array(k);
  let converged = false;
  let iterations = 0;
  for (; iterations < params.maxIterations && !converged; ) {
    iterations++;
    gradient.fill(0);
    hessian.fill(0);
    row[0] = 1;
    for (let i = 0; i < n; i++) {
      const prob = 1 / (1 + Math.exp(-(eta[i] as number)));
      const residual = prob - (y[i] as number);
      const w = Math.max(prob * (1 - prob), 1e-12);
      for (let j = 0; j < q; j++) row[j + 1] = x[i * q + j] as number;
      for (let a = 0; a < k; a++) {
        const ra = row[a] as number;
        if (ra === 0) continue;
        gradient[a] = (gradient[a] as number) + residual * ra;
        const wa = w * ra;
        for (let b = 0; b <= a; b++) hessian[a * k + b] = (hessian[a * k + b] as number) + wa * (row[b] as number);
      }
    }
    for (let a = 1; a < k; a++) {
      gradient[a] = (gradient[a] as number) + params.l2 * (beta[a] as number);
      hessian[a * k + a] = (hessian[a * k + a] as number) + params.l2;
    }
    for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) hessian[a * k + b] = hessian[b * k + a] as number;
    const step = solveSymmetric(hessian, gradient, k);
    // Step halving: accept the first step that does not increase the penalised loss.
    let scale = 1;
    const trial = new Float64Array(k);
    let accepted = false;
    for (let halvings = 0; halvings < 30; halvings++) {
      for (let j = 0; j < k; j++) trial[j] = (beta[j] as number) - scale * (step[j] as number);
      const value = objective(trial);
      if (value <= current + 1e-12 * Math.abs(current)) {
        accepted = true;
        let largest = 0;
        for (let j = 0; j < k; j++) largest = Math.max(largest, Math.abs(scale * (step[j] as number)));
        beta.set(trial);
        const improvement = current - value;
        current = value;
        converged = largest < params.tolerance || improvement <= 1e-14 * Math.max(1, Math.abs(current));
        break;
      }
      scale /= 2;
    }
    if (!accepted) {
      objective(beta); // restore eta
      converged = true; // no descent direction left: at the optimum up to rounding
    }
  }
  return { intercept: beta[0] as number, coefficients: Array.from(beta.subarray(1)), iterations, converged };
}

/** Solves A·x = b for a symmetric positive-definite A (k×k, row-major) by Cholesky, with a tiny ridge if needed. */
export function solveSymmetric(a: Float64Array, b: Float64Array, k: number): Float64Array {
  for (let ridge = 0; ; ridge = ridge === 0 ? 1e-10 : ridge * 100) {
    const l = new Float64Array(k * k);
    let ok = true;
    for (let i = 0; i < k && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = (a[i * k + j] as number) + (i === j ? ridge : 0);
        for (let m = 0; m < j; m++) sum -= (l[i * k + m] as number) * (l[j * k + m] as number);
        if (i === j) {
          if (!(sum > 0)) {
            ok = false;
            break;
          }
          l[i * k + i] = Math.sqrt(sum);
        } else l[i * k + j] = sum / (l[j * k + j] as number);
      }
    }
    if (!ok) {
      assert(ridge < 1e6, 'matrix is not positive definite');
      continue;
    }
    const z = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let sum = b[i] as number;
      for (let m = 0; m < i; m++) sum -= (l[i * k + m] as number) * (z[m] as number);
      z[i] = sum / (l[i * k + i] as number);
    }
    const out = new Float64Array(k);
    for (let i = k - 1; i >= 0; i--) {
      let sum = z[i] as number;
      for (let m = i + 1; m < k; m++) sum -= (l[m * k + i] as number) * (out[m] as number);
      out[i] = sum / (l[i * k + i] as number);
    }
    return out;
  }
}
