import { tmpdir } from 'node:os';
import type { Backend } from '@zhirong/db';
import { openTestDatabase } from '@zhirong/db/testing';
import { type Clock, type CurrencyCode, cryptoRng, IdGenerator, systemClock } from '@zhirong/kernel';
import { type LedgerModuleService, type LedgerService, ledgerModule } from '@zhirong/ledger';
import { type PaymentsService, paymentsModule, type RiskGate } from '@zhirong/payments';
import { bootPlatform, createLogger, loadConfig, ModuleRegistry, type Platform } from '@zhirong/platform';
import { riskModule } from '@zhirong/risk';
import { riskPaymentGate, riskPaymentsModule } from '../risk/module.ts';
import { ledgerPaymentRail } from './ledger-rail.ts';

export interface PaymentsTestPlatform {
  readonly platform: Platform;
  readonly payments: PaymentsService;
  readonly ledger: LedgerService;
  readonly ids: IdGenerator;
  /** A customer deposit account (no overdraft), optionally funded from a bank asset account. */
  account(currency?: string, fundedMinor?: bigint, options?: { overdraft?: boolean }): Promise<string>;
  /** Posted balance on the account's normal side. */
  balance(accountId: string): Promise<bigint>;
  close(): Promise<void>;
}

/** The ledger and payments modules on a fresh test database, wired as in production. */
export async function openPaymentsTestPlatform(
  backend: Backend,
  options: { riskGate?: RiskGate; clock?: Clock; riskEngine?: boolean } = {},
): Promise<PaymentsTestPlatform> {
  const modules = new ModuleRegistry().register(ledgerModule);
  // With the risk engine, payments are screened by it and held ones follow their review case.
  if (options.riskEngine) modules.register(riskModule);
  modules.register(
    paymentsModule({
      rail: ledgerPaymentRail,
      ...(options.riskGate ? { riskGate: () => options.riskGate as RiskGate } : {}),
      ...(options.riskEngine ? { riskGate: riskPaymentGate } : {}),
    }),
  );
  if (options.riskEngine) modules.register(riskPaymentsModule);
  const platform = await bootPlatform({
    config: loadConfig({}, tmpdir()),
    modules,
    logger: createLogger({ level: 'silent' }),
    db: await openTestDatabase(backend),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const ledger = platform.service<LedgerModuleService>('ledger').ledger;
  const ids = new IdGenerator(options.clock ?? systemClock, cryptoRng);
  const banks = new Map<string, string>();
  return {
    platform,
    payments: platform.service<PaymentsService>('payments'),
    ledger,
    ids,
    async account(currency = 'CNY', fundedMinor = 0n, accountOptions = {}) {
      const id = ids.uuid();
      const [created] = await ledger.createAccounts([
        {
          id,
          currency,
          type: 'liability',
          flags: accountOptions.overdraft ? [] : ['debits_must_not_exceed_credits'],
        },
      ]);
      if (created?.status !== 'created') throw new Error('test account not created');
      if (fundedMinor > 0n) {
        let bank = banks.get(currency);
        if (!bank) {
          bank = ids.uuid();
          await ledger.createAccounts([{ id: bank, currency, type: 'asset' }]);
          banks.set(currency, bank);
        }
        const [funded] = await ledger.createTransfers([
          {
            kind: 'single',
            id: ids.uuid(),
            debitAccountId: bank,
            creditAccountId: id,
            amountMinor: fundedMinor,
            currency: currency as CurrencyCode,
          },
        ]);
        if (funded?.status !== 'created') throw new Error('test account not funded');
      }
      return id;
    },
    async balance(accountId) {
      const account = await ledger.getAccount(accountId);
      if (!account) throw new Error('no such account');
      const b = account.balances;
      return account.type === 'asset' || account.type === 'expense'
        ? b.debitsPosted - b.creditsPosted
        : b.creditsPosted - b.debitsPosted;
    },
    close: () => platform.close(),
  };
}
