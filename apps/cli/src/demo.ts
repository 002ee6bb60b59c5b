import { type CurrencyCode, formatId } from '@zhirong/kernel';
import type { LedgerModuleService } from '@zhirong/ledger';
import type { Platform } from '@zhirong/platform';

const CNY = 'CNY' as CurrencyCode;

/**
 * Seeds a small demo bank on an empty ledger: the bank's settlement account, customer deposit
 * accounts that may not be overdrawn, fee income, and a few days of transfers. Clearly marked as
 * demo data in every account's metadata. Does nothing when the ledger already has accounts.
 */
export async function seedDemoData(platform: Platform): Promise<{ seeded: boolean; accounts: string[] }> {
  const { ledger } = platform.service<LedgerModuleService>('ledger');
  if ((await ledger.listAccounts({ limit: 1 })).length > 0) return { seeded: false, accounts: [] };
  const ids = platform.context.ids;
  const demo = { demo: true };
  const settlement = ids.uuid();
  const fees = ids.uuid();
  const customers = ['张伟', '王芳', '李娜', 'Alice Chen', 'Bob Li'].map((name) => ({ name, id: ids.uuid() }));
  await ledger.createAccounts([
    { id: settlement, currency: CNY, type: 'asset', code: 1002, metadata: { ...demo, name: '备付金 Settlement' } },
    { id: fees, currency: CNY, type: 'income', code: 6021, metadata: { ...demo, name: '手续费收入 Fee income' } },
    ...customers.map((c) => ({
      id: c.id,
      currency: CNY,
      type: 'liability' as const,
      code: 2011,
      ownerRef: `demo-customer-${c.name}`,
      flags: ['debits_must_not_exceed_credits' as const],
      metadata: { ...demo, name: `${c.name} 活期存款` },
    })),
  ]);
  const rng = platform.context.rng;
  const transfers = customers.flatMap((c) => [
    {
      kind: 'single' as const,
      id: ids.uuid(),
      debitAccountId: settlement,
      creditAccountId: c.id,
      amountMinor: BigInt(500_000 + rng.int(5_000_000)),
      currency: CNY,
      metadata: { ...demo, memo: '工资入账 salary' },
    },
  ]);
  for (let i = 0; i < 20; i++) {
    const from = customers[rng.int(customers.length)];
    const to = customers[rng.int(customers.length)];
    if (!from || !to || from === to) continue;
    const id = ids.uuid();
    transfers.push({
      kind: 'single',
      id,
      debitAccountId: from.id,
      creditAccountId: to.id,
      amountMinor: BigInt(1_000 + rng.int(100_000)),
      currency: CNY,
      metadata: { ...demo, memo: '转账 transfer' },
    });
    transfers.push({
      kind: 'single',
      id: ids.uuid(),
      debitAccountId: from.id,
      creditAccountId: fees,
      amountMinor: 200n,
      currency: CNY,
      metadata: { ...demo, memo: '手续费 fee' },
    });
  }
  await ledger.createTransfers(transfers);
  return {
    seeded: true,
    accounts: [settlement, fees, ...customers.map((c) => c.id)].map((id) => formatId('acc', id)),
  };
}
