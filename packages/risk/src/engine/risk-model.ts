import { createHash } from 'node:crypto';
import {
  type FeatureSpec,
  type Frame,
  forestShap,
  type GbdtBody,
  loadModel,
  type Model,
  type ModelArtefact,
} from '@zhirong/ml';
import type { FeatureValue, FeatureVector } from '../event.ts';

/** One model feature's part in a score: change of the log-odds against the model's expectation. */
export interface ModelContribution {
  readonly feature: string;
  readonly value: FeatureValue;
  readonly contribution: number;
}

export interface ModelScore {
  readonly version: string;
  readonly probability: number;
  readonly margin: number;
}

/**
 * A GBDT (or any `@zhirong/ml` model) scoring one feature vector at a time. The toolkit encodes
 * CSV frames; a decision has a feature vector in memory, so this encodes it straight into one row
 * with the model's own schema — numbers as they are, booleans as 1/0, strings by category code,
 * null as missing — exactly as `featureCell` writes them for training.
 */
export class RiskModel {
  readonly version: string;
  readonly model: Model;
  readonly #specs: readonly FeatureSpec[];
  readonly #codes: (ReadonlyMap<string, number> | undefined)[];
  readonly #row: Float64Array;

  constructor(version: string, artefactText: string) {
    this.version = version;
    this.model = loadModel(artefactText);
    this.#specs = this.model.features;
    this.#codes = this.#specs.map((s) =>
      s.type === 'categorical' ? new Map(s.categories.map((c, i) => [c, i])) : undefined,
    );
    this.#row = new Float64Array(this.#specs.length);
  }

  get artefact(): ModelArtefact {
    return this.model.artefact;
  }

  /** The feature names the model reads. */
  get featureNames(): string[] {
    return this.#specs.map((s) => s.name);
  }

  #encode(vector: FeatureVector): Float64Array {
    const row = this.#row;
    for (let f = 0; f < this.#specs.length; f++) {
      const spec = this.#specs[f] as FeatureSpec;
      const v = vector[spec.name];
      if (spec.type === 'numeric') {
        row[f] = typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : Number.NaN;
      } else {
        const codes = this.#codes[f] as ReadonlyMap<string, number>;
        row[f] = v === null || v === undefined ? Number.NaN : (codes.get(String(v)) ?? spec.categories.length);
      }
    }
    return row;
  }

  score(vector: FeatureVector): ModelScore {
    const x = this.#encode(vector);
    const scores = this.model.scoreDataset({ features: this.#specs, rows: 1, x });
    return { version: this.version, probability: scores.probability[0] as number, margin: scores.margin[0] as number };
  }

  /** TreeSHAP contributions (GBDT), largest |contribution| first. */
  explain(vector: FeatureVector): ModelContribution[] {
    if (this.artefact.kind !== 'gbdt') return [];
    const x = this.#encode(vector);
    const phi = forestShap((this.artefact.model as GbdtBody).trees, x, this.#specs.length);
    const out: ModelContribution[] = this.#specs.map((s, f) => ({
      feature: s.name,
      value: vector[s.name] ?? null,
      contribution: phi[f] as number,
    }));
    out.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || (a.feature < b.feature ? -1 : 1));
    return out;
  }
}

/** A feature value as a training-file cell, read back by `RiskModel` the same way. */
export function featureCell(value: FeatureValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return value;
}

/** A training frame from feature vectors (plus a 0/1 label column). */
export function featureFrame(
  names: readonly string[],
  vectors: readonly FeatureVector[],
  labels: ArrayLike<number>,
  label = 'is_fraud',
): Frame {
  const columns: string[][] = names.map((n) => vectors.map((v) => featureCell(v[n])));
  columns.push(Array.from(labels, (y) => String(y)));
  const header = [...names, label];
  const hash = createHash('sha256').update(header.join('\u001f'));
  for (const column of columns) hash.update(column.join('\u001f')).update('\u001e');
  return { header, columns, rows: vectors.length, fingerprint: hash.digest('hex') };
}
