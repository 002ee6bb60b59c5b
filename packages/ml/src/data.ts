import { createHash } from 'node:crypto';
import { assert } from '@zhirong/kernel';
import type { CsvTable } from './csv.ts';
import { MlError } from './errors.ts';

/**
 * Data as the toolkit sees it. A CSV becomes a `Frame` (raw text, column-major); a feature schema
 * is inferred from a training frame (`inferFeatures`); `encode` turns any frame with those columns
 * into a row-major `Float64Array` matrix: numeric values as numbers, categories as their code,
 * missing cells as NaN.
 */
export interface Frame {
  readonly header: readonly string[];
  /** Column-major raw cells: `columns[c][r]`. */
  readonly columns: readonly (readonly string[])[];
  readonly rows: number;
  /** sha256 of the header and every cell, for the artefact's training-data fingerprint. */
  readonly fingerprint: string;
}

export type FeatureSpec =
  | { readonly name: string; readonly type: 'numeric' }
  | {
      readonly name: string;
      readonly type: 'categorical';
      /** Known levels, most frequent first; code i is `categories[i]`, code `categories.length` is "other". */
      readonly categories: readonly string[];
    };

/** Why a column of the training file is not a feature. */
export interface DroppedColumn {
  readonly name: string;
  readonly reason: 'label' | 'identifier' | 'constant' | 'high_cardinality' | 'excluded';
}

/** Encoded rows: `x[r * features.length + f]`. */
export interface Dataset {
  readonly features: readonly FeatureSpec[];
  readonly rows: number;
  readonly x: Float64Array;
  /** 0/1 labels, when known. */
  readonly y?: Uint8Array;
}

/** Cells read as missing values (after trimming). */
const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', 'none', '?', '-']);
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const IDENTIFIER_NAME = /(?:^|[^a-z])(?:id|uuid|guid|key|index|idx|no)$|^id(?:[^a-z]|$)|编号|序号|流水号/i;
/** Most categorical levels kept per column (the rest become "other"); bins are one byte. */
export const CATEGORIES_MAX = 254;
const ROWS_FOR_IDENTIFIER_CHECK = 50;

export function isMissingCell(cell: string): boolean {
  return MISSING.has(cell) || MISSING.has(cell.trim());
}

/** The number in a cell, NaN when missing, undefined when the cell is text. Never `parseFloat`: `12abc` is text. */
export function numberFromCell(cell: string): number | undefined {
  if (isMissingCell(cell)) return Number.NaN;
  const text = cell.trim();
  if (!NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

export function frameFromTable(table: CsvTable): Frame {
  const width = table.header.length;
  const columns: string[][] = Array.from({ length: width }, () => new Array<string>(table.rows.length));
  const hash = createHash('sha256');
  hash.update(table.header.join('\u001f'));
  for (let r = 0; r < table.rows.length; r++) {
    const row = table.rows[r] as readonly string[];
    hash.update('\u001e');
    hash.update(row.join('\u001f'));
    for (let c = 0; c < width; c++) (columns[c] as string[])[r] = row[c] as string;
  }
  return { header: table.header, columns, rows: table.rows.length, fingerprint: hash.digest('hex') };
}

export function columnOf(frame: Frame, name: string): readonly string[] | undefined {
  const index = frame.header.indexOf(name);
  return index < 0 ? undefined : frame.columns[index];
}

/** The 0/1 label column; `0`, `1`, `0.0`, `1.0`, `true`, `false` are accepted, anything else names the row. */
export function labelsOf(frame: Frame, name: string): Uint8Array {
  const cells = columnOf(frame, name);
  if (cells === undefined) throw new MlError('label_missing', { column: name });
  const y = new Uint8Array(frame.rows);
  for (let r = 0; r < frame.rows; r++) {
    const cell = (cells[r] as string).trim().toLowerCase();
    if (cell === '1' || cell === '1.0' || cell === 'true') y[r] = 1;
    else if (cell === '0' || cell === '0.0' || cell === 'false') y[r] = 0;
    else throw new MlError('label_not_binary', { column: name, row: r, value: JSON.stringify(cells[r]) });
  }
  return y;
}

export interface InferOptions {
  /** Columns never used as features (besides the label). */
  readonly exclude?: readonly string[];
  /** Keep identifier-looking and high-cardinality columns instead of dropping them. */
  readonly keepIdentifiers?: boolean;
}

/**
 * Infers the feature schema from a training frame. A column is numeric when every non-missing
 * cell is a number, otherwise categorical. Dropped (and reported): the label, excluded columns,
 * constant columns, identifiers (every value distinct: text, or whole numbers whose name looks
 * like an id or that form a near-consecutive range — a row counter carries no signal and lets a
 * tree memorise row order), and text columns with more distinct values than half the rows.
 * Categorical levels seen in fewer than max(3, 0.1 % of rows) rows fold into "other".
 */
export function inferFeatures(
  frame: Frame,
  label: string,
  options: InferOptions = {},
): { features: FeatureSpec[]; dropped: DroppedColumn[] } {
  const exclude = new Set(options.exclude ?? []);
  for (const name of exclude) {
    if (!frame.header.includes(name)) throw new MlError('column_missing', { column: name });
  }
  const features: FeatureSpec[] = [];
  const dropped: DroppedColumn[] = [];
  const n = frame.rows;
  for (let c = 0; c < frame.header.length; c++) {
    const name = frame.header[c] as string;
    const cells = frame.columns[c] as readonly string[];
    if (name === label) {
      dropped.push({ name, reason: 'label' });
      continue;
    }
    if (exclude.has(name)) {
      dropped.push({ name, reason: 'excluded' });
      continue;
    }
    let numeric = true;
    let missing = 0;
    let integers = true;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let r = 0; r < n && numeric; r++) {
      const value = numberFromCell(cells[r] as string);
      if (value === undefined) numeric = false;
      else if (Number.isNaN(value)) missing++;
      else {
        if (!Number.isInteger(value)) integers = false;
        if (value < min) min = value;
        if (value > max) max = value;
      }
    }
    const counts = new Map<string, number>();
    if (numeric) {
      const distinct = new Set<number>();
      for (let r = 0; r < n; r++) {
        const value = numberFromCell(cells[r] as string) as number;
        if (!Number.isNaN(value)) distinct.add(value);
      }
      if (distinct.size <= 1 && (missing === 0 || missing === n)) {
        dropped.push({ name, reason: 'constant' });
        continue;
      }
      const present = n - missing;
      const looksLikeId =
        !options.keepIdentifiers &&
        integers &&
        missing === 0 &&
        present >= ROWS_FOR_IDENTIFIER_CHECK &&
        distinct.size === present &&
        (IDENTIFIER_NAME.test(name) || max - min + 1 <= 2 * present);
      if (looksLikeId) {
        dropped.push({ name, reason: 'identifier' });
        continue;
      }
      features.push({ name, type: 'numeric' });
      continue;
    }
    for (let r = 0; r < n; r++) {
      const cell = cells[r] as string;
      if (isMissingCell(cell)) continue;
      const key = cell.trim();
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    if (counts.size <= 1 && (n - sumOf(counts) === 0 || counts.size === 0)) {
      dropped.push({ name, reason: 'constant' });
      continue;
    }
    const present = sumOf(counts);
    if (!options.keepIdentifiers && present >= ROWS_FOR_IDENTIFIER_CHECK) {
      if (counts.size === present) {
        dropped.push({ name, reason: 'identifier' });
        continue;
      }
      if (counts.size > present / 2) {
        dropped.push({ name, reason: 'high_cardinality' });
        continue;
      }
    }
    const minCount = Math.max(3, Math.ceil(0.001 * n));
    const categories = [...counts.entries()]
      .filter(([, count]) => count >= minCount || n < ROWS_FOR_IDENTIFIER_CHECK)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, CATEGORIES_MAX)
      .map(([level]) => level);
    features.push({ name, type: 'categorical', categories });
  }
  if (features.length === 0) throw new MlError('no_features');
  return { features, dropped };
}

function sumOf(counts: Map<string, number>): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}

/**
 * Encodes a frame with the given schema. Columns are found by name (order and extra columns do
 * not matter); a missing column is an error naming it. A non-number in a numeric column is read
 * as missing; an unseen category becomes "other".
 */
export function encode(frame: Frame, features: readonly FeatureSpec[], label?: string): Dataset {
  const p = features.length;
  const n = frame.rows;
  const x = new Float64Array(n * p);
  for (let f = 0; f < p; f++) {
    const spec = features[f] as FeatureSpec;
    const cells = columnOf(frame, spec.name);
    if (cells === undefined) throw new MlError('column_missing', { column: spec.name });
    if (spec.type === 'numeric') {
      for (let r = 0; r < n; r++) x[r * p + f] = numberFromCell(cells[r] as string) ?? Number.NaN;
    } else {
      const codes = new Map(spec.categories.map((level, i) => [level, i]));
      const other = spec.categories.length;
      for (let r = 0; r < n; r++) {
        const cell = cells[r] as string;
        x[r * p + f] = isMissingCell(cell) ? Number.NaN : (codes.get(cell.trim()) ?? other);
      }
    }
  }
  return label === undefined ? { features, rows: n, x } : { features, rows: n, x, y: labelsOf(frame, label) };
}

/** The rows `indices` of a data set, in that order. */
export function takeRows(data: Dataset, indices: ArrayLike<number>): Dataset {
  const p = data.features.length;
  const x = new Float64Array(indices.length * p);
  const y = data.y ? new Uint8Array(indices.length) : undefined;
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i] as number;
    assert(r >= 0 && r < data.rows, 'row index out of range');
    x.set(data.x.subarray(r * p, r * p + p), i * p);
    if (y && data.y) y[i] = data.y[r] as number;
  }
  return y
    ? { features: data.features, rows: indices.length, x, y }
    : { features: data.features, rows: indices.length, x };
}

/** The frame restricted to rows `indices` (for writing split files). */
export function takeFrameRows(frame: Frame, indices: ArrayLike<number>): CsvTable {
  const rows: string[][] = [];
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i] as number;
    rows.push(frame.columns.map((column) => column[r] as string));
  }
  return { header: frame.header, rows };
}
