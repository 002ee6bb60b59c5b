import type { CurrencyCode } from '@zhirong/kernel';
import type { LedgerModuleService } from '@zhirong/ledger';
import type { ModuleContext } from '@zhirong/platform';
import { createScfModule, type ScfMoneyPort } from '@zhirong/scf';

/**
 * The ledger behind the receivables' money port: party accounts are ledger accounts, and every
 * pay-out (financing) and settlement is a single-phase ledger transfer whose id the receivables
 * domain chose (the ledger's idempotency key), tagged with the step in its metadata.
 */
export function ledgerMoneyPort(ledger: LedgerModuleService): ScfMoneyPort {
  return {
    async accounts(ids) {
      const out = new Map<string, { currency: string; status: string }>();
      for (const id of new Set(ids)) {
        const account = await ledger.ledger.getAccount(id);
        if (account) out.set(id, { currency: account.currency, status: account.status });
      }
      return out;
    },
    async postTransfers(transfers) {
      const results = await ledger.ledger.createTransfers(
        transfers.map((t) => ({
          kind: 'single' as const,
          id: t.id,
          debitAccountId: t.debitAccountId,
          creditAccountId: t.creditAccountId,
          amountMinor: t.amountMinor,
          currency: t.currency as CurrencyCode,
          metadata: t.metadata,
        })),
      );
      return results.map((r) => (r.status === 'failed' ? { ok: false as const, code: r.code } : { ok: true as const }));
    },
  };
}

/** The `scf` module with the ledger as its money port. Register it after `ledger`. */
export const scfModule = createScfModule((context: ModuleContext) =>
  ledgerMoneyPort(context.services.service<LedgerModuleService>('ledger')),
);
