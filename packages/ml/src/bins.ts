import { assert } from '@zhirong/kernel';
import type { Dataset } from './data.ts';

/**
 * Histogram binning for the tree learner. A numeric feature gets at most 255 value bins whose
 * upper edges sit between neighbouring distinct values at (approximately) equal-count quantiles;
 * a categorical feature gets one bin per category code. Bin `count` is the missing-value bin, so
 * every bin fits in one byte. A raw value v falls in the first bin b with v ≤ edges[b]; the
 * learner's split "bin ≤ t" is therefore exactly "value ≤ edges[t]" on raw data.
 */
export interface FeatureBins {
  readonly categorical: boolean;
  /** Number of value bins (the missing bin is `count`). */
  readonly count: number;
  /** Upper edges of the numeric bins (the last is +Infinity); empty for categorical features. */
  readonly edges: Float64Array;
}

export const VALUE_BINS_MAX = 255;
/** Rows looked at to place the quantile edges. */
const SAMPLE_ROWS_MAX = 200_000;

export function computeBins(data: Dataset, maxBins = VALUE_BINS_MAX): FeatureBins[] {
  assert(maxBins >= 2 && maxBins <= VALUE_BINS_MAX, 'maxBins must be 2..255');
  const p = data.features.length;
  const n = data.rows;
  const stride = Math.max(1, Math.floor(n / SAMPLE_ROWS_MAX));
  const out: FeatureBins[] = [];
  for (let f = 0; f < p; f++) {
    const spec = data.features[f];
    assert(spec !== undefined, 'feature out of range');
    if (spec.type === 'categorical') {
      out.push({ categorical: true, count: spec.categories.length + 1, edges: new Float64Array(0) });
      continue;
    }
    const values: number[] = [];
    for (let r = 0; r < n; r += stride) {
      const v = data.x[r * p + f] as number;
      if (!Number.isNaN(v)) values.push(v);
    }
    out.push({ categorical: false, ...numericEdges(Float64Array.from(values).sort(), maxBins) });
  }
  return out;
}

/** Equal-count bin edges for ascending `sorted` values: at most `maxBins` bins, the last edge +Infinity. */
export function numericEdges(sorted: Float64Array, maxBins: number): { count: number; edges: Float64Array } {
  if (sorted.length === 0) return { count: 1, edges: Float64Array.of(Number.POSITIVE_INFINITY) };
  // Distinct values with their counts.
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] as number;
    if (distinct.length > 0 && distinct[distinct.length - 1] === v)
      counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
    else {
      distinct.push(v);
      counts.push(1);
    }
  }
  const edges: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 0; i + 1 < distinct.length; i++)
      edges.push(midpoint(distinct[i] as number, distinct[i + 1] as number));
  } else {
    // Greedy equal-count cuts: close a bin once it holds its share of the remaining rows; a value
    // heavier than a share gets a bin of its own.
    let remaining = sorted.length;
    let binsLeft = maxBins;
    let inBin = 0;
    for (let i = 0; i + 1 < distinct.length && binsLeft > 1; i++) {
      const c = counts[i] as number;
      inBin += c;
      remaining -= c;
      const target = (inBin + remaining) / binsLeft;
      const next = counts[i + 1] as number;
      if (inBin >= target || inBin + next / 2 > target || next >= target) {
        edges.push(midpoint(distinct[i] as number, distinct[i + 1] as number));
        binsLeft--;
        inBin = 0;
      }
    }
  }
  edges.push(Number.POSITIVE_INFINITY);
  return { count: edges.length, edges: Float64Array.from(edges) };
}

function midpoint(a: number, b: number): number {
  const m = a + (b - a) / 2;
  // Keep a < edge strictly: for neighbouring doubles the midpoint rounds to one of them.
  return m >= b ? a : m;
}

/** The bin of a raw value (binary search on the edges); NaN → the missing bin. */
export function binOf(bins: FeatureBins, value: number): number {
  if (Number.isNaN(value)) return bins.count;
  if (bins.categorical) {
    const code = Math.trunc(value);
    return code >= 0 && code < bins.count ? code : bins.count - 1;
  }
  const edges = bins.edges;
  let lo = 0;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= (edges[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Row-major one-byte bins: `bins[r * p + f]`. */
export function binRows(data: Dataset, featureBins: readonly FeatureBins[]): Uint8Array {
  const p = data.features.length;
  assert(featureBins.length === p, 'one binning per feature');
  const out = new Uint8Array(data.rows * p);
  for (let f = 0; f < p; f++) {
    const fb = featureBins[f] as FeatureBins;
    for (let r = 0; r < data.rows; r++) out[r * p + f] = binOf(fb, data.x[r * p + f] as number);
  }
  return out;
}
