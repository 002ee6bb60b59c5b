// Proves the `zhirong payments` commands end to end on an embedded database: create (with an idempotency key) and show, refunds within and above what was paid with their exit codes, and QR decoding with a precise CRC error.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/zhirong.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'zhirong-payments-cli-'));

function zhirong(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, ZHIRONG_DATA_DIR: dataDir, ZHIRONG_LOG_LEVEL: 'warn', LANG: 'C' };
  delete env.DATABASE_URL;
  const run = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('zhirong payments', () => {
  it('creates, replays, shows and refunds a payment; refuses an over-refund with exit 1', () => {
    const account = (type: string) => JSON.parse(zhirong('ledger', 'accounts', 'create', '--currency', 'CNY', '--type', type, '--json').stdout).id as string;
    const bank = account('asset');
    const alice = account('liability');
    const bob = account('liability');
    expect(zhirong('ledger', 'transfer', '--from', bank, '--to', alice, '--amount', '100.00', '--currency', 'CNY').code).toBe(0);
    const args = ['payments', 'create', '--kind', 'p2p', '--from', alice, '--to', bob, '--amount', '40.00', '--currency', 'CNY'];
    const created = zhirong(...args, '--idempotency-key', 'cli-1', '--json');
    expect(created.code, created.stderr).toBe(0);
    const payment = JSON.parse(created.stdout);
    expect(payment).toMatchObject({ state: 'settled', amount: '40.00' });
    const replayed = JSON.parse(zhirong(...args, '--idempotency-key', 'cli-1', '--json').stdout);
    expect(replayed.id).toBe(payment.id);

    const refund = zhirong('payments', 'refund', payment.id, '--amount', '15.00', '--json');
    expect(refund.code, refund.stderr).toBe(0);
    expect(JSON.parse(refund.stdout).refund).toMatchObject({ amount: '15.00', state: 'succeeded' });
    const over = zhirong('payments', 'refund', payment.id, '--amount', '25.01');
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('refund_exceeds_payment');
    const shown = JSON.parse(zhirong('payments', 'show', payment.id, '--json').stdout);
    expect(shown).toMatchObject({ refunded: '15.00', refunds: [{ amount: '15.00' }] });
    expect(zhirong('payments', 'create', '--kind', 'p2p', '--from', alice, '--to', bob, '--amount', '1.001', '--currency', 'CNY').code).toBe(2);
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
