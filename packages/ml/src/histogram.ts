import { Worker } from 'node:worker_threads';
import { assert } from '@zhirong/kernel';

/**
 * Histogram building, the hot loop of GBDT training: for the rows of one node, sum gradient and
 * hessian per (feature, bin). A node's rows are always summed as two halves into separate
 * buffers and then added, so the result is bit-identical whether a second thread builds one half
 * or this thread builds both — the model never depends on the thread count. With `threads: 2`
 * the other half is built by a worker thread over shared memory, synchronised with Atomics.
 */
export const HIST_STRIDE = 512; // 256 bins × (gradient, hessian) per feature

/** Below this many rows a node is built on this thread only (synchronising costs more). */
const ROWS_FOR_WORKER = 8192;

export interface HistogramInputs {
  /** Row-major bins, `bins[r * p + f]`. */
  readonly bins: Uint8Array;
  readonly p: number;
  readonly rows: Uint32Array;
  readonly grad: Float64Array;
  readonly hess: Float64Array;
}

/** Sums rows[start, end) into `hist` (cleared first for the listed features). */
export function buildHistogramRange(
  hist: Float64Array,
  bins: Uint8Array,
  p: number,
  rows: Uint32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  features: Int32Array,
  q: number,
): void {
  for (let k = 0; k < q; k++) {
    const f = features[k] as number;
    hist.fill(0, f * HIST_STRIDE, (f + 1) * HIST_STRIDE);
  }
  if (q === p) {
    for (let i = start; i < end; i++) {
      const r = rows[i] as number;
      const g = grad[r] as number;
      const h = hess[r] as number;
      const base = r * p;
      for (let f = 0; f < p; f++) {
        const at = (f << 9) | ((bins[base + f] as number) << 1);
        hist[at] = (hist[at] as number) + g;
        hist[at + 1] = (hist[at + 1] as number) + h;
      }
    }
    return;
  }
  for (let i = start; i < end; i++) {
    const r = rows[i] as number;
    const g = grad[r] as number;
    const h = hess[r] as number;
    const base = r * p;
    for (let k = 0; k < q; k++) {
      const f = features[k] as number;
      const at = (f << 9) | ((bins[base + f] as number) << 1);
      hist[at] = (hist[at] as number) + g;
      hist[at + 1] = (hist[at + 1] as number) + h;
    }
  }
}

/**
 * Sums rows[start, mid) into `first` and rows[mid, end) into `second` in one interleaved loop —
 * each buffer sees its rows in the same order as `buildHistogramRange` would, so the sums are
 * identical bit for bit.
 */
export function buildHistogramPair(
  first: Float64Array,
  second: Float64Array,
  bins: Uint8Array,
  p: number,
  rows: Uint32Array,
  start: number,
  mid: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  features: Int32Array,
  q: number,
): void {
  for (let k = 0; k < q; k++) {
    const f = features[k] as number;
    first.fill(0, f * HIST_STRIDE, (f + 1) * HIST_STRIDE);
    second.fill(0, f * HIST_STRIDE, (f + 1) * HIST_STRIDE);
  }
  const common = Math.min(mid - start, end - mid);
  for (let i = 0; i < common; i++) {
    const r1 = rows[start + i] as number;
    const r2 = rows[mid + i] as number;
    const g1 = grad[r1] as number;
    const h1 = hess[r1] as number;
    const g2 = grad[r2] as number;
    const h2 = hess[r2] as number;
    const base1 = r1 * p;
    const base2 = r2 * p;
    if (q === p) {
      for (let f = 0; f < p; f++) {
        const a1 = (f << 9) | ((bins[base1 + f] as number) << 1);
        first[a1] = (first[a1] as number) + g1;
        first[a1 + 1] = (first[a1 + 1] as number) + h1;
        const a2 = (f << 9) | ((bins[base2 + f] as number) << 1);
        second[a2] = (second[a2] as number) + g2;
        second[a2 + 1] = (second[a2 + 1] as number) + h2;
      }
      continue;
    }
    for (let k = 0; k < q; k++) {
      const f = features[k] as number;
      const a1 = (f << 9) | ((bins[base1 + f] as number) << 1);
      first[a1] = (first[a1] as number) + g1;
      first[a1 + 1] = (first[a1 + 1] as number) + h1;
      const a2 = (f << 9) | ((bins[base2 + f] as number) << 1);
      second[a2] = (second[a2] as number) + g2;
      second[a2 + 1] = (second[a2 + 1] as number) + h2;
    }
  }
  // Tails (the halves differ by at most one row).
  accumulate(first, bins, p, rows, start + common, mid, grad, hess, features, q);
  accumulate(second, bins, p, rows, mid + common, end, grad, hess, features, q);
}

function accumulate(
  hist: Float64Array,
  bins: Uint8Array,
  p: number,
  rows: Uint32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  features: Int32Array,
  q: number,
): void {
  for (let i = start; i < end; i++) {
    const r = rows[i] as number;
    const g = grad[r] as number;
    const h = hess[r] as number;
    const base = r * p;
    for (let k = 0; k < q; k++) {
      const f = features[k] as number;
      const at = (f << 9) | ((bins[base + f] as number) << 1);
      hist[at] = (hist[at] as number) + g;
      hist[at + 1] = (hist[at + 1] as number) + h;
    }
  }
}

// The worker runs plain JavaScript (an eval worker needs no TypeScript loader): the same loop.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { control, bins, p, rows, grad, hess, hist, features } = workerData;
function build(start, end, q) {
  for (let k = 0; k < q; k++) { const f = features[k]; hist.fill(0, f * 512, (f + 1) * 512); }
  for (let i = start; i < end; i++) {
    const r = rows[i]; const g = grad[r]; const h = hess[r]; const base = r * p;
    for (let k = 0; k < q; k++) {
      const f = features[k];
      const at = (f << 9) | (bins[base + f] << 1);
      hist[at] += g; hist[at + 1] += h;
    }
  }
}
for (;;) {
  Atomics.wait(control, 0, 0);
  const command = Atomics.load(control, 0);
  if (command === 2) break;
  build(control[1], control[2], control[3]);
  Atomics.store(control, 0, 0);
  Atomics.store(control, 4, 1);
  Atomics.notify(control, 4);
}
`;

export class HistogramBuilder {
  readonly #inputs: HistogramInputs;
  readonly #half: Float64Array;
  readonly #features: Int32Array;
  #worker: Worker | undefined;
  #control: Int32Array | undefined;

  /** With `threads` 2, every input array must live in a SharedArrayBuffer (see `sharedFloat64` etc.). */
  constructor(inputs: HistogramInputs, threads: number) {
    this.#inputs = inputs;
    const p = inputs.p;
    const shared = threads > 1;
    this.#half = shared
      ? new Float64Array(new SharedArrayBuffer(p * HIST_STRIDE * 8))
      : new Float64Array(p * HIST_STRIDE);
    this.#features = shared ? new Int32Array(new SharedArrayBuffer(Math.max(1, p) * 4)) : new Int32Array(p);
    if (shared) {
      for (const array of [inputs.bins, inputs.rows, inputs.grad, inputs.hess]) {
        assert(array.buffer instanceof SharedArrayBuffer, 'threaded histograms need shared input arrays');
      }
      this.#control = new Int32Array(new SharedArrayBuffer(8 * 4));
      this.#worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          control: this.#control,
          bins: inputs.bins,
          p,
          rows: inputs.rows,
          grad: inputs.grad,
          hess: inputs.hess,
          hist: this.#half,
          features: this.#features,
        },
      });
      this.#worker.unref();
    }
  }

  /** Sums rows[start, end) for `features` into `hist`. */
  build(hist: Float64Array, start: number, end: number, features: Int32Array): void {
    const { bins, p, rows, grad, hess } = this.#inputs;
    const q = features.length;
    this.#features.set(features);
    const mid = start + ((end - start) >>> 1);
    const control = this.#control;
    const threaded = control !== undefined && end - start >= ROWS_FOR_WORKER;
    if (threaded) {
      control[1] = start;
      control[2] = mid;
      control[3] = q;
      Atomics.store(control, 4, 0);
      Atomics.store(control, 0, 1);
      Atomics.notify(control, 0);
      buildHistogramRange(hist, bins, p, rows, mid, end, grad, hess, this.#features, q);
    } else {
      // Both halves in one loop: two independent accumulation chains keep the CPU busier.
      buildHistogramPair(this.#half, hist, bins, p, rows, start, mid, end, grad, hess, this.#features, q);
    }
    if (threaded) {
      while (Atomics.load(control, 4) === 0) Atomics.wait(control, 4, 0, 1000);
    }
    const half = this.#half;
    for (let k = 0; k < q; k++) {
      const f = features[k] as number;
      for (let i = f * HIST_STRIDE, to = i + HIST_STRIDE; i < to; i++)
        hist[i] = (half[i] as number) + (hist[i] as number);
    }
  }

  close(): void {
    if (this.#control && this.#worker) {
      Atomics.store(this.#control, 0, 2);
      Atomics.notify(this.#control, 0);
      void this.#worker.terminate();
      this.#worker = undefined;
    }
  }
}

/** Typed arrays over shared memory when `shared`, ordinary ones otherwise. */
export function float64Array(length: number, shared: boolean): Float64Array {
  return shared ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length);
}
export function uint32Array(length: number, shared: boolean): Uint32Array {
  return shared ? new Uint32Array(new SharedArrayBuffer(length * 4)) : new Uint32Array(length);
}
export function uint8Array(length: number, shared: boolean): Uint8Array {
  return shared ? new Uint8Array(new SharedArrayBuffer(length)) : new Uint8Array(length);
}
