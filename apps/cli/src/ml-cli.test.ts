// Proves `zhirong ml` end to end on a small CSV with no configuration: split → train → eval → predict → explain for each model kind, extra columns ignored, a missing column or a bad label named in the error, and a tampered artefact refused.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRng } from '@zhirong/kernel';
import { syntheticCreditCsv } from '@zhirong/ml/testing';
import { afterAll, describe, expect, it } from 'vitest';

/** Each call starts Node and the TypeScript loader: about a second on an idle machine, much more on a busy one. */
const SLOW = 300_000;
const BIN = fileURLToPath(new URL('../bin/zhirong.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'zhirong-ml-cli-'));
const data = join(dir, 'credit.csv');
writeFileSync(data, syntheticCreditCsv(1200, new SeededRng(9)));

function zhirong(...args: string[]) {
  const run = spawnSync(process.execPath, [BIN, 'ml', ...args], {
    encoding: 'utf8',
    timeout: SLOW,
    env: { ...process.env, LANG: 'C' },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('zhirong ml', () => {
  it(
    'splits a CSV into stratified train and test files',
    () => {
      const split = zhirong('split', '--data', data, '--label', 'default', '--out-dir', dir, '--seed', '1', '--json');
      expect(split.code, split.stderr).toBe(0);
      expect(JSON.parse(split.stdout).files.map((f: { rows: number }) => f.rows)).toEqual([960, 240]);
    },
    SLOW,
  );

  it.each(['gbdt', 'logistic', 'scorecard'])(
    'trains and evaluates a %s model; gbdt and scorecard also predict and explain',
    (kind) => {
      const model = join(dir, `${kind}.json`);
      const train = zhirong(
        'train',
        '--data',
        join(dir, 'train.csv'),
        '--label',
        'default',
        '--model',
        kind,
        '--out',
        model,
        '--json',
      );
      expect(train.code, train.stderr).toBe(0);
      const summary = JSON.parse(train.stdout);
      expect(summary.dropped).toContainEqual({ name: 'customer_id', reason: 'identifier' });
      expect(summary.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);

      const evaluated = zhirong(
        'eval',
        '--model',
        model,
        '--data',
        join(dir, 'test.csv'),
        '--label',
        'default',
        '--json',
      );
      expect(evaluated.code, evaluated.stderr).toBe(0);
      const metrics = JSON.parse(evaluated.stdout);
      expect(metrics.rows).toBe(240);
      expect(metrics.auc).toBeGreaterThan(0.65); // 240 test rows: quality is measured in tools/ml-reference
      for (const key of ['ks', 'logloss', 'gini', 'prAuc', 'brier']) expect(typeof metrics[key]).toBe('number');
      expect(metrics.lift).toHaveLength(10);
      // The logistic model shares every later step with the others; one spawn each is enough.
      if (kind === 'logistic') return;

      // Predict on a file with its columns reordered, an extra column, and no label.
      const source = readFileSync(join(dir, 'test.csv'), 'utf8').trim().split('\n');
      const header = source[0]?.split(',') ?? [];
      const keep = ['late_payments', 'region', 'utilisation', 'age', 'income', 'customer_id'];
      const lines = source.slice(0, 6).map((line, i) => {
        const cells = parseLine(line);
        return [i === 0 ? 'note' : 'hello', ...keep.map((k) => quote(cells[header.indexOf(k)] ?? ''))].join(',');
      });
      const scoring = join(dir, `score-${kind}.csv`);
      writeFileSync(scoring, `${lines.join('\n')}\n`);
      const predicted = zhirong('predict', '--model', model, '--data', scoring, '--id', 'customer_id', '--json');
      expect(predicted.code, predicted.stderr).toBe(0);
      const out = JSON.parse(predicted.stdout);
      expect(out.rows).toBe(5);
      expect(out.predictions[0]).toHaveProperty('probability');
      if (kind === 'scorecard') expect(out.predictions[0]).toHaveProperty('score');
      if (kind === 'scorecard') {
        const csv = zhirong('predict', '--model', model, '--data', scoring);
        expect(csv.stdout.split('\n')[0]).toBe('row,probability,score');
      }

      const explained = zhirong('explain', '--model', model, '--data', scoring, '--row', '2', '--json');
      expect(explained.code, explained.stderr).toBe(0);
      const e = JSON.parse(explained.stdout);
      const total = e.contributions.reduce((sum: number, c: { contribution: number }) => sum + c.contribution, 0);
      expect(e.expected + total).toBeCloseTo(e.margin, 9);
      if (kind === 'gbdt') {
        const text = zhirong('explain', '--model', model, '--data', scoring, '--row', '2');
        expect(text.stdout).toContain('reasons:');
      }
    },
    SLOW,
  );

  it(
    'names a missing column, a bad label and a row out of range',
    () => {
      const model = join(dir, 'gbdt.json');
      const partial = join(dir, 'partial.csv');
      writeFileSync(partial, 'income,age,region\n5000,30,north\n');
      const missing = zhirong('predict', '--model', model, '--data', partial);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('column_missing');
      expect(missing.stderr).toMatch(/utilisation|late_payments/);
      const badLabel = join(dir, 'bad-label.csv');
      writeFileSync(
        badLabel,
        `a,y\n${Array.from({ length: 20 }, (_, i) => `${i},${i === 7 ? 'yes' : i % 2}`).join('\n')}\n`,
      );
      const bad = zhirong('train', '--data', badLabel, '--label', 'y', '--out', join(dir, 'x.json'));
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('label_not_binary');
      expect(bad.stderr).toContain('row 7');
      const range = zhirong('explain', '--model', model, '--data', partial, '--row', '5');
      expect(range.code).toBe(2);
      expect(range.stderr).toContain('row_out_of_range');
      const nofile = zhirong('eval', '--model', model, '--data', join(dir, 'nope.csv'));
      expect(nofile.code).toBe(2);
      expect(nofile.stderr).toContain('nope.csv');
    },
    SLOW,
  );

  it(
    'refuses a tampered artefact',
    () => {
      const model = join(dir, 'logistic.json');
      const artefact = JSON.parse(readFileSync(model, 'utf8'));
      artefact.model.intercept += 0.5;
      const tampered = join(dir, 'tampered.json');
      writeFileSync(tampered, JSON.stringify(artefact));
      const run = zhirong('eval', '--model', tampered, '--data', join(dir, 'test.csv'), '--json');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('model_hash_mismatch');
      expect(run.stdout).toBe('');
    },
    SLOW,
  );
});

/** One CSV line (the test file has quoted regions). */
function parseLine(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  out.push(cell.replace(/\r$/, ''));
  return out;
}

function quote(cell: string): string {
  return /[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}
