// Proves the model artefact: trained models round-trip through JSON, a tampered, truncated or future-version artefact is refused, the same seed gives the same content hash, explanations add up, and the logistic and scorecard models behave as documented.
import { SeededRng } from '@zhirong/kernel';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { frameFromTable } from './data.ts';
import { MlError } from './errors.ts';
import { auc } from './metrics.ts';
import type { ScorecardBody } from './model.ts';
import {
  ARTEFACT_SCHEMA_VERSION,
  contentHashOf,
  loadModel,
  type ModelArtefact,
  serializeModel,
  trainModel,
} from './model.ts';
import { syntheticCreditCsv } from './testing.ts';

const frame = frameFromTable(parseCsv(syntheticCreditCsv(1500, new SeededRng(1))));
const holdout = frameFromTable(parseCsv(syntheticCreditCsv(600, new SeededRng(2))));
const holdoutY = holdout.columns[holdout.header.indexOf('default')]?.map(Number) ?? [];

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return e instanceof MlError ? e.code : String(e);
  }
}

describe.each(['gbdt', 'logistic', 'scorecard'] as const)('%s model', (kind) => {
  const artefact = trainModel(frame, { label: 'default', kind, seed: 3 });
  const text = serializeModel(artefact);

  it('drops the identifier column, round-trips, and ranks unseen rows well', () => {
    expect(artefact.dropped).toContainEqual({ name: 'customer_id', reason: 'identifier' });
    expect(artefact.training.fingerprint).toBe(`sha256:${frame.fingerprint}`);
    const model = loadModel(text);
    const scores = model.score(holdout);
    expect(auc(holdoutY, scores.probability)).toBeGreaterThan(0.7);
    expect(Array.from(scores.probability).every((p) => p > 0 && p < 1)).toBe(true);
  });

  it('is deterministic: the same data and seed give the same content hash', () => {
    expect(trainModel(frame, { label: 'default', kind, seed: 3 }).contentHash).toBe(artefact.contentHash);
  });

  it('explains a row: expected + contributions = margin', () => {
    const model = loadModel(text);
    for (const row of [0, 5, 17]) {
      const e = model.explain(holdout, row);
      const total = e.contributions.reduce((sum, c) => sum + c.contribution, 0);
      expect(e.expected + total).toBeCloseTo(e.margin, 9);
      expect(e.contributions.map((c) => c.feature).sort()).toEqual(artefact.features.map((f) => f.name).sort());
    }
    expect(codeOf(() => model.explain(holdout, holdout.rows))).toBe('row_out_of_range');
  });

  it('refuses a tampered artefact, a future schema version and broken JSON', () => {
    const tampered = JSON.parse(text) as ModelArtefact & { metrics: { training: { auc: number } } };
    tampered.metrics.training.auc = 0.99;
    expect(codeOf(() => loadModel(JSON.stringify(tampered)))).toBe('model_hash_mismatch');
    const future = { ...JSON.parse(text), schemaVersion: ARTEFACT_SCHEMA_VERSION + 1 };
    expect(codeOf(() => loadModel(JSON.stringify(future)))).toBe('model_version_unsupported');
    expect(codeOf(() => loadModel(text.slice(0, text.length / 2)))).toBe('model_malformed');
    expect(codeOf(() => loadModel('{"format":"other"}'))).toBe('model_malformed');
    // A structurally broken model with a recomputed hash is still refused.
    const broken = JSON.parse(text) as Record<string, unknown>;
    broken.features = [];
    broken.contentHash = contentHashOf(broken as unknown as ModelArtefact);
    expect(codeOf(() => loadModel(JSON.stringify(broken)))).toBe('model_malformed');
  });

  it('names a missing column and ignores extra ones', () => {
    const model = loadModel(text);
    const needed = artefact.features[0]?.name as string;
    const without = frameFromTable({
      header: holdout.header.filter((h) => h !== needed),
      rows: Array.from({ length: 3 }, (_, r) =>
        holdout.header
          .filter((h) => h !== needed)
          .map((h) => holdout.columns[holdout.header.indexOf(h)]?.[r] as string),
      ),
    });
    try {
      model.score(without);
      expect.unreachable();
    } catch (e) {
      expect((e as MlError).code).toBe('column_missing');
      expect((e as MlError).message).toContain(needed);
    }
    const extra = frameFromTable({
      header: ['surprise', ...holdout.header],
      rows: Array.from({ length: 3 }, (_, r) => ['?', ...holdout.columns.map((c) => c[r] as string)]),
    });
    expect(Array.from(model.score(extra).probability)).toEqual(
      Array.from(model.score(holdout).probability.subarray(0, 3)),
    );
  });
});

describe('logistic regression', () => {
  it('converges and reports it', () => {
    const artefact = trainModel(frame, { label: 'default', kind: 'logistic' });
    const body = artefact.model as { converged: boolean; iterations: number };
    expect(body.converged).toBe(true);
    expect(body.iterations).toBeLessThan(30);
  });
});

describe('scorecard', () => {
  it('scores baseScore at baseOdds and adds pdo points per doubling of the odds', () => {
    const artefact = trainModel(frame, {
      label: 'default',
      kind: 'scorecard',
      scorecard: { baseScore: 600, baseOdds: 50, pdo: 20 },
    });
    const body = artefact.model as ScorecardBody;
    const model = loadModel(serializeModel(artefact));
    const scores = model.score(holdout);
    for (let r = 0; r < 20; r++) {
      const p = scores.probability[r] as number;
      const odds = (1 - p) / p;
      expect(scores.score?.[r]).toBeCloseTo(600 + 20 * Math.log2(odds / 50), 6);
    }
    // Every selected feature has a positive coefficient on its risk-aligned WoE.
    expect(body.features.every((f) => f.coefficient > 0)).toBe(true);
    // Reason codes are the features that lose points.
    const e = model.explain(holdout, 0);
    for (const reason of e.reasons)
      expect(e.contributions.find((c) => c.feature === reason)?.pointsLost).toBeGreaterThan(0);
  });

  it('monotone binning gives a monotone bad rate in every numeric feature', () => {
    const artefact = trainModel(frame, {
      label: 'default',
      kind: 'scorecard',
      scorecard: { monotone: true, minIv: 0 },
    });
    const body = artefact.model as ScorecardBody;
    for (const f of body.features) {
      const rates = f.bins.filter((b) => b.kind === 'range').map((b) => b.bads / b.rows);
      const up = rates.every((r, i) => i === 0 || r >= (rates[i - 1] as number));
      const down = rates.every((r, i) => i === 0 || r <= (rates[i - 1] as number));
      expect(up || down, f.name).toBe(true);
    }
  });
});
