// Proves `zhirong aml detect` end to end: a fan-out in a CSV becomes one alert listing its transaction ids, and a missing file, a missing column, a bad map or a bad row exits 2 with its code and no stack trace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from './cli-testing.ts';

const SLOW = 300_000;
const dir = mkdtempSync(join(tmpdir(), 'zhirong-aml-detect-'));
const zhirong = cliRunner(undefined, { prefix: ['aml'], timeoutMs: SLOW });
const MAP = 'id=tx,from=payer,to=payee,amount=amt,time=at';

const csv = join(dir, 'tx.csv');
const rows = ['tx,payer,payee,amt,at,note', 'f1,X1,HUB,200000.00,2026-01-05T00:00:00Z,in'];
for (let i = 0; i < 6; i++) rows.push(`p${i},HUB,R${i},30000.00,2026-01-05T0${i + 1}:00:00Z,out`);
rows.push('n1,A,B,12.50,2026-01-05T02:00:00Z,unrelated');
writeFileSync(csv, rows.join('\n'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('zhirong aml detect', () => {
  it(
    'prints each alert with the transaction ids it covers',
    () => {
      const run = zhirong('detect', '--transactions', csv, '--map', MAP, '--json');
      expect(run.code, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout) as {
        transactions: number;
        alerts: { scenario: string; transactionIds: string[] }[];
      };
      expect(out.transactions).toBe(8);
      expect(out.alerts.map((a) => [a.scenario, a.transactionIds])).toEqual([
        ['fan_out', ['f1', 'p0', 'p1', 'p2', 'p3', 'p4', 'p5']],
      ]);
    },
    SLOW,
  );

  it(
    'refuses bad input with its code, exit 2 and no stack trace',
    () => {
      const missing = zhirong('detect', '--transactions', join(dir, 'nope.csv'), '--map', MAP);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('transactions_file_unreadable');
      const column = zhirong('detect', '--transactions', csv, '--map', MAP.replace('amt', 'amount'));
      expect(column.code).toBe(2);
      expect(column.stderr).toContain('transactions_column_missing');
      const map = zhirong('detect', '--transactions', csv, '--map', 'id=tx,from=payer');
      expect(map.code).toBe(2);
      expect(map.stderr).toContain('transactions_map_invalid');
      const badRow = join(dir, 'bad.csv');
      writeFileSync(badRow, 'tx,payer,payee,amt,at\nt1,A,B,ten,2026-01-01\n');
      const row = zhirong('detect', '--transactions', badRow, '--map', MAP);
      expect(row.code).toBe(2);
      expect(row.stderr).toContain('transactions_row_invalid');
      for (const r of [missing, column, map, row]) expect(r.stderr).not.toContain('    at ');
    },
    SLOW,
  );
});
