// Proves `zhirong aml report` end to end on an embedded database: generate a day's large-value report, list it, write its XML file, validate the file (clean, then tampered: exit 1 with every error listed) and record its submission.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from './cli-testing.ts';

/** Each call starts Node, the TypeScript loader and an embedded database: slow on a busy machine. */
const SLOW = 600_000;
const dir = mkdtempSync(join(tmpdir(), 'zhirong-aml-report-cli-'));
const zhirong = cliRunner(join(dir, 'data'), { prefix: ['aml', 'report'], timeoutMs: SLOW });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('zhirong aml report', () => {
  it(
    'generates, lists, writes, validates and submits a report',
    () => {
      const generated = zhirong('generate', '--date', '2026-06-01', '--json');
      expect(generated.code, generated.stderr).toBe(0);
      const report = JSON.parse(generated.stdout) as { id: string; kind: string; dueAt: string };
      expect(report).toMatchObject({ kind: 'large_value', dueAt: '2026-06-08T16:00:00.000Z' });

      const listed = zhirong('list', '--json');
      expect(listed.code, listed.stderr).toBe(0);
      expect((JSON.parse(listed.stdout) as { id: string }[]).map((r) => r.id)).toEqual([report.id]);

      const xml = join(dir, 'report.xml');
      expect(zhirong('file', '--id', report.id, '--format', 'xml', '--out', xml).code).toBe(0);
      const clean = zhirong('validate', '--file', xml, '--json');
      expect(clean.code, clean.stderr).toBe(0);
      expect(JSON.parse(clean.stdout)).toEqual({ xml: [] });

      const tampered = join(dir, 'tampered.xml');
      writeFileSync(
        tampered,
        readFileSync(xml, 'utf8')
          .replace(/<InstitutionCode>[^<]*<\/InstitutionCode>/, '')
          .replace(/<DueAt>[^<]*<\/DueAt>/, '<DueAt>tomorrow</DueAt>'),
      );
      const bad = zhirong('validate', '--file', tampered);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('/institutionCode\trequired');
      expect(bad.stdout).toContain('/dueAt\tinstant_invalid');

      const submitted = zhirong('submit', '--id', report.id, '--format', 'xml', '--reference', 'PBOC-1', '--json');
      expect(submitted.code, submitted.stderr).toBe(0);
      expect(JSON.parse(submitted.stdout)).toMatchObject({ status: 'submitted', submissionReference: 'PBOC-1' });
    },
    SLOW,
  );
});
