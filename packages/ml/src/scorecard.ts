import { assert } from '@zhirong/kernel';
import { numericEdges } from './bins.ts';
import type { Dataset, FeatureSpec } from './data.ts';
import { MlError } from './errors.ts';
import { fitLogistic } from './logistic.ts';

/**
 * WoE/IV binning and a points scorecard on logistic regression.
 *
 * Binning: a numeric feature starts from up to `initialBins` equal-count bins; a categorical one
 * from one bin per category, ordered by bad rate. Bins smaller than `minBinShare` of the rows
 * are merged into the neighbour with the closest bad rate, then the closest pair is merged until
 * at most `maxBins` remain; with `monotone`, neighbours that break the trend of the bad rate are
 * merged until it is monotone. Missing values keep a bin of their own. WoE = ln(share of bads /
 * share of goods) (0.5 added to every count), so a higher WoE means riskier; IV = Σ (bad share −
 * good share) · WoE.
 *
 * Scorecard: features with IV ≥ `minIv` enter a logistic regression on their WoE values; a
 * feature whose coefficient comes out negative (a sign against its own WoE) is removed and the
 * model refitted. Points: factor = PDO / ln 2, offset = baseScore − factor · ln(baseOdds);
 * score = offset − factor · logit(bad), so `baseOdds` good:bad scores `baseScore` and each
 * `pdo` points double the odds.
 */
export interface ScorecardParams {
  readonly initialBins: number;
  readonly maxBins: number;
  readonly minBinShare: number;
  readonly monotone: boolean;
  readonly minIv: number;
  readonly l2: number;
  readonly baseScore: number;
  /** Good:bad odds at `baseScore`. */
  readonly baseOdds: number;
  /** Points to double the odds. */
  readonly pdo: number;
}

export const SCORECARD_DEFAULTS: ScorecardParams = Object.freeze({
  initialBins: 20,
  maxBins: 10,
  minBinShare: 0.05,
  monotone: false,
  minIv: 0.02,
  l2: 1,
  baseScore: 600,
  baseOdds: 50,
  pdo: 20,
});

export interface WoeBin {
  /** `range`: values ≤ `upper` (and above the previous bin's upper; `upper` null = no bound); `categories`: these codes; `missing`: NaN. */
  readonly kind: 'range' | 'categories' | 'missing';
  readonly upper?: number | null;
  readonly codes?: number[];
  readonly rows: number;
  readonly bads: number;
  readonly woe: number;
}

export interface FeatureWoe {
  readonly feature: number;
  readonly name: string;
  readonly bins: WoeBin[];
  readonly iv: number;
}

interface Cell {
  upper: number;
  codes: number[];
  rows: number;
  bads: number;
}

export function checkScorecardParams(params: ScorecardParams): void {
  const check = (ok: boolean, option: string, reason: string) => {
    if (!ok) throw new MlError('option_invalid', { option, reason });
  };
  check(
    Number.isInteger(params.initialBins) && params.initialBins >= 2 && params.initialBins <= 255,
    'initialBins',
    'a whole number 2–255',
  );
  check(Number.isInteger(params.maxBins) && params.maxBins >= 2, 'maxBins', 'a whole number ≥ 2');
  check(params.minBinShare >= 0 && params.minBinShare < 0.5, 'minBinShare', 'in [0, 0.5)');
  check(params.minIv >= 0, 'minIv', '≥ 0');
  check(params.baseOdds > 0 && params.pdo > 0 && Number.isFinite(params.baseScore), 'baseOdds/pdo', 'positive numbers');
}

/** WoE binning of every feature. */
export function woeBinning(data: Dataset, partial: Partial<ScorecardParams> = {}): FeatureWoe[] {
  const params = { ...SCORECARD_DEFAULTS, ...partial };
  checkScorecardParams(params);
  const y = data.y;
  assert(y !== undefined, 'binning needs labels');
  const n = data.rows;
  const p = data.features.length;
  let totalBads = 0;
  for (let i = 0; i < n; i++) totalBads += y[i] as number;
  const totalGoods = n - totalBads;
  if (totalBads === 0 || totalGoods === 0) throw new MlError('label_one_class', { column: 'label' });
  const woeOf = (rows: number, bads: number) =>
    Math.log((bads + 0.5) / (totalBads + 0.5)) - Math.log((rows - bads + 0.5) / (totalGoods + 0.5));
  const out: FeatureWoe[] = [];
  for (let f = 0; f < p; f++) {
    const spec = data.features[f] as FeatureSpec;
    let missingRows = 0;
    let missingBads = 0;
    let cells: Cell[];
    if (spec.type === 'numeric') {
      const values: number[] = [];
      for (let r = 0; r < n; r++) {
        const v = data.x[r * p + f] as number;
        if (!Number.isNaN(v)) values.push(v);
      }
      const { edges } = numericEdges(Float64Array.from(values).sort(), params.initialBins);
      cells = Array.from(edges, (upper) => ({ upper, codes: [], rows: 0, bads: 0 }));
      for (let r = 0; r < n; r++) {
        const v = data.x[r * p + f] as number;
        if (Number.isNaN(v)) {
          missingRows++;
          missingBads += y[r] as number;
          continue;
        }
        let b = 0;
        while (v > (edges[b] as number)) b++;
        const cell = cells[b] as Cell;
        cell.rows++;
        cell.bads += y[r] as number;
      }
      cells = cells.filter((c) => c.rows > 0);
      // Keep the edges covering the whole line: the last bin is unbounded above.
      if (cells.length > 0) (cells[cells.length - 1] as Cell).upper = Number.POSITIVE_INFINITY;
    } else {
      const byCode = Array.from({ length: spec.categories.length + 1 }, (_, code) => ({
        upper: 0,
        codes: [code],
        rows: 0,
        bads: 0,
      }));
      for (let r = 0; r < n; r++) {
        const v = data.x[r * p + f] as number;
        if (Number.isNaN(v)) {
          missingRows++;
          missingBads += y[r] as number;
          continue;
        }
        const cell = byCode[v] as Cell;
        cell.rows++;
        cell.bads += y[r] as number;
      }
      cells = byCode
        .filter((c) => c.rows > 0)
        .sort((a, b) => a.bads / a.rows - b.bads / b.rows || (a.codes[0] as number) - (b.codes[0] as number));
    }
    cells = mergeCells(cells, n * params.minBinShare, params.maxBins, params.monotone && spec.type === 'numeric');
    const bins: WoeBin[] = cells.map((c) =>
      spec.type === 'numeric'
        ? {
            kind: 'range',
            upper: Number.isFinite(c.upper) ? c.upper : null,
            rows: c.rows,
            bads: c.bads,
            woe: woeOf(c.rows, c.bads),
          }
        : {
            kind: 'categories',
            codes: [...c.codes].sort((a, b) => a - b),
            rows: c.rows,
            bads: c.bads,
            woe: woeOf(c.rows, c.bads),
          },
    );
    if (missingRows > 0)
      bins.push({ kind: 'missing', rows: missingRows, bads: missingBads, woe: woeOf(missingRows, missingBads) });
    let iv = 0;
    for (const bin of bins) iv += (bin.bads / totalBads - (bin.rows - bin.bads) / totalGoods) * bin.woe;
    out.push({ feature: f, name: spec.name, bins, iv });
  }
  return out;
}

function mergeCells(cells: Cell[], minRows: number, maxBins: number, monotone: boolean): Cell[] {
  const rate = (c: Cell) => c.bads / c.rows;
  const merge = (i: number) => {
    // Merge cells i and i + 1 into i.
    const a = cells[i] as Cell;
    const b = cells[i + 1] as Cell;
    cells.splice(i, 2, {
      upper: Math.max(a.upper, b.upper),
      codes: [...a.codes, ...b.codes],
      rows: a.rows + b.rows,
      bads: a.bads + b.bads,
    });
  };
  // 1. Too-small cells join the neighbour with the closer bad rate.
  for (;;) {
    if (cells.length <= 1) break;
    let smallest = -1;
    for (let i = 0; i < cells.length; i++) {
      if (
        (cells[i] as Cell).rows < minRows &&
        (smallest < 0 || (cells[i] as Cell).rows < (cells[smallest] as Cell).rows)
      )
        smallest = i;
    }
    if (smallest < 0) break;
    const c = cells[smallest] as Cell;
    const left = smallest > 0 ? Math.abs(rate(cells[smallest - 1] as Cell) - rate(c)) : Number.POSITIVE_INFINITY;
    const right =
      smallest < cells.length - 1 ? Math.abs(rate(cells[smallest + 1] as Cell) - rate(c)) : Number.POSITIVE_INFINITY;
    merge(left <= right ? smallest - 1 : smallest);
  }
  // 2. At most maxBins: merge the closest neighbours.
  const closest = () => {
    let best = 0;
    for (let i = 1; i + 1 < cells.length; i++) {
      if (
        Math.abs(rate(cells[i] as Cell) - rate(cells[i + 1] as Cell)) <
        Math.abs(rate(cells[best] as Cell) - rate(cells[best + 1] as Cell))
      )
        best = i;
    }
    return best;
  };
  while (cells.length > maxBins) merge(closest());
  // 3. Monotone bad rate (direction of the end points).
  if (monotone) {
    for (;;) {
      if (cells.length <= 1) break;
      const up = rate(cells[cells.length - 1] as Cell) >= rate(cells[0] as Cell);
      let broken = -1;
      for (let i = 0; i + 1 < cells.length; i++) {
        const d = rate(cells[i + 1] as Cell) - rate(cells[i] as Cell);
        if (up ? d < 0 : d > 0) {
          broken = i;
          break;
        }
      }
      if (broken < 0) break;
      merge(broken);
    }
  }
  return cells;
}

/** The WoE of a raw value (0 — neutral — for a value in no training bin, such as a missing value never seen in training). */
export function woeValue(binning: FeatureWoe, v: number): number {
  return binning.bins[binIndex(binning, v)]?.woe ?? 0;
}

/** Index of the bin a raw value falls in, −1 for none. */
export function binIndex(binning: FeatureWoe, v: number): number {
  const bins = binning.bins;
  if (Number.isNaN(v)) return bins.findIndex((b) => b.kind === 'missing');
  for (let i = 0; i < bins.length; i++) {
    const bin = bins[i] as WoeBin;
    if (bin.kind === 'range' && (bin.upper === null || bin.upper === undefined || v <= bin.upper)) return i;
    if (bin.kind === 'categories' && bin.codes?.includes(v)) return i;
  }
  return -1;
}

export interface ScorecardFeature {
  readonly feature: number;
  readonly name: string;
  readonly coefficient: number;
  readonly iv: number;
  readonly bins: WoeBin[];
  /** Points for each bin, in bin order; `neutralPoints` for a value in no bin. */
  readonly points: number[];
  readonly neutralPoints: number;
}

export interface ScorecardFit {
  readonly intercept: number;
  /** Points every applicant starts with (offset − factor · intercept). */
  readonly basePoints: number;
  readonly factor: number;
  readonly offset: number;
  readonly features: ScorecardFeature[];
  /** Every feature's binning and IV, selected or not. */
  readonly informationValues: { name: string; iv: number; selected: boolean }[];
  readonly iterations: number;
  readonly converged: boolean;
}

export function trainScorecard(data: Dataset, partial: Partial<ScorecardParams> = {}): ScorecardFit {
  const params = { ...SCORECARD_DEFAULTS, ...partial };
  const binning = woeBinning(data, params);
  const y = data.y as Uint8Array;
  const n = data.rows;
  const p = data.features.length;
  let selected = binning.filter((b) => b.iv >= params.minIv).sort((a, b) => b.iv - a.iv || a.feature - b.feature);
  if (selected.length === 0) selected = [...binning].sort((a, b) => b.iv - a.iv).slice(0, 1);
  let fit = fitWoe(selected);
  for (let guard = 0; guard < binning.length; guard++) {
    const negative = fit.coefficients.findIndex((c) => c < 0);
    if (negative < 0 || selected.length === 1) break;
    selected = selected.filter((_, i) => i !== negative);
    fit = fitWoe(selected);
  }
  const factor = params.pdo / Math.LN2;
  const offset = params.baseScore - factor * Math.log(params.baseOdds);
  const chosen = new Set(selected.map((s) => s.feature));
  return {
    intercept: fit.intercept,
    basePoints: offset - factor * fit.intercept,
    factor,
    offset,
    features: selected.map((s, i) => {
      const coefficient = fit.coefficients[i] as number;
      return {
        feature: s.feature,
        name: s.name,
        coefficient,
        iv: s.iv,
        bins: s.bins,
        points: s.bins.map((b) => -factor * coefficient * b.woe),
        neutralPoints: 0,
      };
    }),
    informationValues: binning.map((b) => ({ name: b.name, iv: b.iv, selected: chosen.has(b.feature) })),
    iterations: fit.iterations,
    converged: fit.converged,
  };

  function fitWoe(features: FeatureWoe[]) {
    const q = features.length;
    const x = new Float64Array(n * q);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < q; j++) {
        const b = features[j] as FeatureWoe;
        x[r * q + j] = woeValue(b, data.x[r * p + b.feature] as number);
      }
    }
    return fitLogistic(x, y, q, { l2: params.l2 });
  }
}
