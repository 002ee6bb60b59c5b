// Proves `zhirong payments import-iso20022 FILE --dry-run --json` prints the summary of a valid message, exits 1 with every located error for a bad message or non-XML, and exits 2 for an unreadable file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureText } from '@zhirong/iso20022/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from './cli-testing.ts';

const FIXTURES = fileURLToPath(new URL('../../../packages/iso20022/src/fixtures/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'zhirong-iso-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const zhirong = cliRunner(dir);

describe('zhirong payments import-iso20022 --dry-run', () => {
  // Each run starts the whole CLI (a few seconds on a busy machine), so the runs are few; the
  // library's own tests cover the message variants.
  it('summarises a valid message', () => {
    const pacs = zhirong('payments', 'import-iso20022', join(FIXTURES, 'pacs008-cbpr.xml'), '--dry-run', '--json');
    expect(pacs.code, pacs.stderr).toBe(0);
    expect(JSON.parse(pacs.stdout)).toMatchObject({
      messageType: 'pacs.008.001.08',
      transactions: 1,
      totalAmount: '1234.56',
      currency: 'USD',
      errors: [],
    });
  });

  it('exits 1 and lists every error of a bad message, and of a file that is not XML', () => {
    const bad = join(dir, 'bad.xml');
    writeFileSync(
      bad,
      fixtureText('pain001-sepa-multi.xml')
        .replace('NL91ABNA0417164300', 'NL91ABNA0417164301')
        .replace('<NbOfTxs>4</NbOfTxs>', '<NbOfTxs>3</NbOfTxs>'),
    );
    const run = zhirong('payments', 'import-iso20022', bad, '--dry-run', '--json');
    expect(run.code).toBe(1);
    const view = JSON.parse(run.stdout);
    expect(view).toMatchObject({ messageType: 'pain.001.001.03', transactions: 4 });
    expect(view.errors.map((e: { code: string; path: string }) => `${e.code} ${e.path}`)).toEqual([
      'iban_check_digit /Document/CstmrCdtTrfInitn/PmtInf[0]/CdtTrfTxInf[0]/CdtrAcct/Id/IBAN',
      'number_of_transactions_mismatch /Document/CstmrCdtTrfInitn/GrpHdr/NbOfTxs',
    ]);
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'just some notes, not XML\n');
    const notXml = zhirong('payments', 'import-iso20022', text, '--dry-run', '--json');
    expect(notXml.code).toBe(1);
    expect(JSON.parse(notXml.stdout).errors[0].code).toBe('xml_malformed');
  });

  it('exits 2 for a missing file', () => {
    const missing = zhirong('payments', 'import-iso20022', join(dir, 'missing.xml'), '--dry-run', '--json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });
});
