// Proves the evidence-log and receivables commands end to end on an embedded database: `scf issue` logs its step, `chain proof` writes a bundle that `chain verify-proof` accepts with only the public key and rejects once tampered, and `chain audit` passes, then names a ledger transfer edited in the database and exits non-zero.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@zhirong/db';
import { type CurrencyCode, formatId } from '@zhirong/kernel';
import type { LedgerModuleService } from '@zhirong/ledger';
import { bootPlatform, createLogger, loadConfig } from '@zhirong/platform';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from './cli-testing.ts';
import { platformModules } from './modules.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'zhirong-chain-cli-'));
const CNY = 'CNY' as CurrencyCode;

const zhirong = cliRunner(dataDir, { timeoutMs: 90_000 });

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('zhirong chain and scf commands', () => {
  it('issue, prove, verify, audit; the audit names a tampered transfer', async () => {
    // Accounts and a transfer, written in-process to the same embedded database (then closed for the CLI).
    const platform = await bootPlatform({
      config: loadConfig({ ZHIRONG_DATA_DIR: dataDir }, dataDir),
      modules: platformModules(),
      logger: createLogger({ level: 'silent' }),
    });
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    const [bank, core, supplier, transfer] = [0, 1, 2, 3].map(() => platform.context.ids.uuid()) as [
      string,
      string,
      string,
      string,
    ];
    await ledger.createAccounts([
      { id: bank, currency: CNY, type: 'asset' },
      { id: core, currency: CNY, type: 'liability' },
      { id: supplier, currency: CNY, type: 'liability' },
    ]);
    await ledger.createTransfers([
      {
        kind: 'single',
        id: transfer,
        debitAccountId: bank,
        creditAccountId: core,
        amountMinor: 50_000n,
        currency: CNY,
      },
    ]);
    await platform.close();

    const issued = zhirong(
      'scf',
      'issue',
      '--issuer',
      formatId('acc', core),
      '--holder',
      formatId('acc', supplier),
      '--amount',
      '1000.00',
      '--currency',
      'CNY',
      '--maturity',
      '2099-01-01',
      '--debt',
      'PO-1',
      '--json',
    );
    expect(issued.code, issued.stderr).toBe(0);
    const step = JSON.parse(issued.stdout).step.id as string;
    const proof = zhirong('chain', 'proof', 'scf.step', step);
    expect(proof.code, proof.stderr).toBe(0);
    const bundle = JSON.parse(proof.stdout);
    expect(bundle.record.body.id).toBe(step);
    const file = join(dataDir, 'proof.json');
    writeFileSync(file, proof.stdout);
    const verified = zhirong('chain', 'verify-proof', file, '--public-key', bundle.publicKey);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain('proof verified');

    writeFileSync(
      file,
      JSON.stringify({ ...bundle, record: { ...bundle.record, body: { ...bundle.record.body, kind: 'split' } } }),
    );
    const tampered = zhirong('chain', 'verify-proof', file, '--public-key', bundle.publicKey);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('FAIL record_matches_leaf');
    const clean = zhirong('chain', 'audit', '--json');
    expect(clean.code, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, leaves: 2, recordsChecked: 2 });

    const db = await openDatabase({ dataDir: join(dataDir, 'pgdata') });
    await sql`update ledger.transfers set amount = 5000000 where id = ${transfer}::uuid`.execute(db.kysely);
    await db.close();
    const audit = zhirong('chain', 'audit');
    expect(audit.code).toBe(1);
    expect(audit.stdout).toContain(`MISMATCH record_changed ledger.transfer/${formatId('trf', transfer)}`);
    expect(readFileSync(join(dataDir, 'chain-log.key'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
  }, 300_000);
});
