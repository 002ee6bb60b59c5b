// Proves `zhirong aml screen` end to end: one result per input row with 0-based row indices, matches across scripts and spellings, the threshold option, FollowTheMoney lists, and clear errors (exit 2, no stack trace) for a missing column, a missing file and a bad threshold.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from './cli-testing.ts';

/** Each call starts Node and the TypeScript loader: about a second on an idle machine, much more on a busy one. */
const SLOW = 300_000;
const dir = mkdtempSync(join(tmpdir(), 'zhirong-aml-cli-'));
const zhirong = cliRunner(undefined, { prefix: ['aml'], timeoutMs: SLOW });

const list = join(dir, 'list.csv');
writeFileSync(
  list,
  [
    'full_name,date_of_birth,nationality,aliases',
    '张伟,1970-05-01,CN,',
    'Vladimir Vladimirovich Putin,1952-10-07,RU,Wladimir Putin',
    'Golden Dragon Trading Ltd,,HK,',
  ].join('\n'),
);
const input = join(dir, 'input.csv');
writeFileSync(
  input,
  [
    'customer_id,full_name,date_of_birth',
    '1,Zhang Wei,1971-05-01',
    '2,Jane Doe,1980-01-01',
    '3,"PUTIN, Wladimir",1952',
    '4,Golden Dragn Trading Limited,',
  ].join('\n'),
);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('zhirong aml screen', () => {
  it(
    'prints the best match of every input row',
    () => {
      const run = zhirong('screen', '--list', list, '--input', input, '--json');
      expect(run.code, run.stderr).toBe(0);
      const results = JSON.parse(run.stdout) as { input: number; match: number | null; score: number }[];
      expect(results.map((r) => [r.input, r.match])).toEqual([
        [0, 0],
        [1, null],
        [2, 1],
        [3, 2],
      ]);
      for (const r of results) expect(r.score).toBeGreaterThanOrEqual(0);
      const strict = zhirong('screen', '--list', list, '--input', input, '--threshold', '1', '--json');
      expect(strict.code, strict.stderr).toBe(0);
      expect((JSON.parse(strict.stdout) as { match: number | null }[])[3]?.match).toBeNull();
    },
    SLOW,
  );

  it(
    'reads FollowTheMoney JSON lines',
    () => {
      const ftm = join(dir, 'entities.ftm.json');
      writeFileSync(
        ftm,
        `${JSON.stringify({ id: 'Q1', schema: 'Person', properties: { name: ['張偉'], birthDate: ['1970-05-01'] } })}\n`,
      );
      const run = zhirong('screen', '--list', ftm, '--input', input, '--json');
      expect(run.code, run.stderr).toBe(0);
      expect((JSON.parse(run.stdout) as { match: number | null }[]).map((r) => r.match)).toEqual([0, null, null, null]);
    },
    SLOW,
  );

  it(
    'refuses bad input with a clear message and no stack trace',
    () => {
      const noName = join(dir, 'no-name.csv');
      writeFileSync(noName, 'name,dob\nZhang Wei,1970\n');
      const missingColumn = zhirong('screen', '--list', list, '--input', noName, '--json');
      expect(missingColumn.code).toBe(2);
      expect(missingColumn.stderr).toContain('list_column_missing');
      expect(missingColumn.stderr).toContain('full_name');
      expect(missingColumn.stderr).not.toMatch(/\n\s+at /);
      const missingFile = zhirong('screen', '--list', join(dir, 'nope.csv'), '--input', input, '--json');
      expect(missingFile.code).toBe(2);
      expect(missingFile.stderr).toContain('list_file_unreadable');
      expect(missingFile.stderr).not.toMatch(/\n\s+at /);
      const badThreshold = zhirong('screen', '--list', list, '--input', input, '--threshold', '1.5');
      expect(badThreshold.code).toBe(2);
      expect(badThreshold.stderr).toContain('threshold_invalid');
    },
    SLOW,
  );
});
