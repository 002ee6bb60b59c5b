// Proves the `zhirong payments` commands end to end on an embedded database: create (with an idempotency key) and show, refunds within and above what was paid with their exit codes, and QR decoding with a precise CRC error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledgerPaymentRail } from '@zhirong/flows';
import { cryptoRng, formatId, IdGenerator, systemClock } from '@zhirong/kernel';
import { type LedgerModuleService, ledgerModule } from '@zhirong/ledger';
import { paymentsModule } from '@zhirong/payments';
import { bootPlatform, createLogger, loadConfig, ModuleRegistry } from '@zhirong/platform';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from './cli-testing.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'zhirong-payments-cli-'));

const zhirong = cliRunner(dataDir);

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function setUpAccounts(): Promise<[string, string]> {
  const platform = await bootPlatform({
    config: loadConfig({ ZHIRONG_DATA_DIR: dataDir }, tmpdir()),
    modules: new ModuleRegistry().register(ledgerModule).register(paymentsModule({ rail: ledgerPaymentRail })),
    logger: createLogger({ level: 'silent' }),
  });
  try {
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    const ids = new IdGenerator(systemClock, cryptoRng);
    const [bank, alice, bob] = [ids.uuid(), ids.uuid(), ids.uuid()];
    await ledger.createAccounts([
      { id: bank, currency: 'CNY', type: 'asset' },
      { id: alice, currency: 'CNY', type: 'liability', flags: ['debits_must_not_exceed_credits'] },
      { id: bob, currency: 'CNY', type: 'liability' },
    ]);
    await ledger.createTransfers([
      {
        kind: 'single',
        id: ids.uuid(),
        debitAccountId: bank,
        creditAccountId: alice,
        amountMinor: 100_00n,
        currency: 'CNY' as never,
      },
    ]);
    return [formatId('acc', alice), formatId('acc', bob)];
  } finally {
    await platform.close();
  }
}

describe('zhirong payments', { timeout: 180_000 }, () => {
  it('creates, replays and refunds a payment; refuses an over-refund with exit 1', async () => {
    // Accounts are set up in-process (each CLI call is a process start): alice holds 100.00.
    const [alice, bob] = await setUpAccounts();
    const args = [
      'payments',
      'create',
      '--kind',
      'p2p',
      '--from',
      alice,
      '--to',
      bob,
      '--amount',
      '40.00',
      '--currency',
      'CNY',
    ];
    const created = zhirong(...args, '--idempotency-key', 'cli-1', '--json');
    expect(created.code, created.stderr).toBe(0);
    const payment = JSON.parse(created.stdout);
    expect(payment).toMatchObject({ state: 'settled', amount: '40.00' });
    const replayed = JSON.parse(zhirong(...args, '--idempotency-key', 'cli-1', '--json').stdout);
    expect(replayed.id).toBe(payment.id);

    const refund = zhirong('payments', 'refund', payment.id, '--amount', '15.00', '--json');
    expect(refund.code, refund.stderr).toBe(0);
    expect(JSON.parse(refund.stdout).refund).toMatchObject({ amount: '15.00', state: 'succeeded' });
    expect(JSON.parse(refund.stdout).payment).toMatchObject({ id: payment.id, refunded: '15.00' });
    const over = zhirong('payments', 'refund', payment.id, '--amount', '25.01');
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('refund_exceeds_payment');
  });

  it('decodes a QR payload and points at a bad CRC', () => {
    const good = zhirong(
      'payments',
      'qr-decode',
      '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D',
      '--json',
    );
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true, currency: 'BRL', merchantName: 'Fulano de Tal' });
    const bad = zhirong('payments', 'qr-decode', '000201010211520412345303156580 2CN6304ABCD');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/qr_\w+ at position \d+/);
  });
});
