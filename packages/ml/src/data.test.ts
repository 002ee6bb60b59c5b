// Proves schema inference (numeric vs categorical, missing cells, identifier and constant columns dropped), label checking, encoding by column name, and the stratified, time-based and k-fold splits.
import { SeededRng } from '@zhirong/kernel';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { encode, frameFromTable, inferFeatures, labelsOf, numberFromCell } from './data.ts';
import { MlError } from './errors.ts';
import { kFold, stratifiedSplit, timeSplit } from './split.ts';

const frame = (text: string) => frameFromTable(parseCsv(text));

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return e instanceof MlError ? e.code : String(e);
  }
}

describe('schema inference', () => {
  const rows = Array.from({ length: 120 }, (_, i) =>
    [i + 1, `C${1000 + i}`, i % 3 === 0 ? '' : String(i * 1.5), ['a', 'b', 'c'][i % 3], 7, i % 2].join(','),
  );
  const f = frame(`id,account,amount,grade,constant,y\n${rows.join('\n')}\n`);

  it('finds numeric and categorical columns and drops the label, identifiers and constants', () => {
    const { features, dropped } = inferFeatures(f, 'y');
    expect(features).toEqual([
      { name: 'amount', type: 'numeric' },
      { name: 'grade', type: 'categorical', categories: ['a', 'b', 'c'] },
    ]);
    expect(dropped).toEqual([
      { name: 'id', reason: 'identifier' },
      { name: 'account', reason: 'identifier' },
      { name: 'constant', reason: 'constant' },
      { name: 'y', reason: 'label' },
    ]);
  });

  it('keeps a whole-number column that is not an identifier, and excludes columns on request', () => {
    const g = frame(`count,y\n${Array.from({ length: 100 }, (_, i) => `${(i * 37) % 11},${i % 2}`).join('\n')}\n`);
    expect(inferFeatures(g, 'y').features).toEqual([{ name: 'count', type: 'numeric' }]);
    expect(inferFeatures(f, 'y', { exclude: ['grade'] }).features.map((x) => x.name)).toEqual(['amount']);
    expect(codeOf(() => inferFeatures(f, 'y', { exclude: ['nope'] }))).toBe('column_missing');
  });

  it('encodes by column name: order and extra columns do not matter, missing cells are NaN, unseen levels are "other"', () => {
    const { features } = inferFeatures(f, 'y');
    const other = frame('extra,grade,amount\nx,b,2.5\ny,z,\n');
    const data = encode(other, features);
    expect(Array.from(data.x)).toEqual([2.5, 1, Number.NaN, 3]);
    expect(codeOf(() => encode(frame('grade\na\n'), features))).toBe('column_missing');
    try {
      encode(frame('grade\na\n'), features);
    } catch (e) {
      expect((e as MlError).message).toContain('amount');
    }
  });

  it('reads numbers strictly and treats the usual missing markers as missing', () => {
    expect(numberFromCell(' 12.5 ')).toBe(12.5);
    expect(numberFromCell('-1e3')).toBe(-1000);
    expect(numberFromCell('12abc')).toBeUndefined();
    expect(numberFromCell('0x10')).toBeUndefined();
    for (const cell of ['', 'NA', 'null', 'NaN', ' ']) expect(numberFromCell(cell)).toBeNaN();
  });

  it('checks the label column', () => {
    expect(Array.from(labelsOf(frame('y\n1\n0\ntrue\n0.0\n'), 'y'))).toEqual([1, 0, 1, 0]);
    expect(codeOf(() => labelsOf(frame('y\n1\n2\n'), 'y'))).toBe('label_not_binary');
    expect(codeOf(() => labelsOf(frame('y\n1\n\n'), 'y'))).toBe('ok'); // a blank line is skipped, not a missing label
    expect(codeOf(() => labelsOf(frame('y,z\n1,\n,1\n'), 'y'))).toBe('label_not_binary');
    expect(codeOf(() => labelsOf(frame('y\n1\n'), 'nope'))).toBe('label_missing');
  });
});

describe('splits', () => {
  const y = Uint8Array.from({ length: 1000 }, (_, i) => (i % 5 === 0 ? 1 : 0));

  it('stratified: keeps the base rate on both sides, covers every row once, same seed same split', () => {
    const split = stratifiedSplit(y, 0.2, new SeededRng(1));
    expect(split.test.length).toBe(200);
    const rate = (rows: Uint32Array) => Array.from(rows).filter((r) => y[r] === 1).length / rows.length;
    expect(rate(split.test)).toBe(0.2);
    expect(rate(split.train)).toBe(0.2);
    expect(new Set([...split.train, ...split.test]).size).toBe(1000);
    expect(stratifiedSplit(y, 0.2, new SeededRng(1))).toEqual(split);
    expect(stratifiedSplit(y, 0.2, new SeededRng(2)).test).not.toEqual(split.test);
  });

  it('k-fold: every row in exactly one test fold, each fold stratified', () => {
    const folds = kFold(y, 5, new SeededRng(3));
    const seen = new Uint8Array(y.length);
    for (const fold of folds) {
      expect(fold.test.length).toBe(200);
      expect(Array.from(fold.test).filter((r) => y[r] === 1).length).toBe(40);
      for (const r of fold.test) seen[r] = (seen[r] as number) + 1;
      expect(fold.train.length + fold.test.length).toBe(1000);
    }
    expect(seen.every((s) => s === 1)).toBe(true);
  });

  it('time-based: the latest rows form the test set and ties stay together', () => {
    const time = ['2024-01-03', '2024-01-01', '2024-01-02', '2024-01-03', '2024-01-02'];
    const split = timeSplit(time, 0.4);
    expect(Array.from(split.test)).toEqual([0, 3]);
    expect(Array.from(split.train)).toEqual([1, 2, 4]);
    expect(Array.from(timeSplit([5, 1, 4, 2, 3], 0.2).test)).toEqual([0]);
    expect(codeOf(() => timeSplit(['2024-01-01', 'soon'], 0.5))).toBe('option_invalid');
  });
});
