import { createHash } from 'node:crypto';
import { approveAllScreening, type CreditMoneyPort, createCreditModule, type SystemRole } from '@zhirong/credit';
import { bytesToUuid, type CurrencyCode } from '@zhirong/kernel';
import type { AccountType, LedgerModuleService, TransferRequest } from '@zhirong/ledger';
import type { ModuleContext } from '@zhirong/platform';
import type { RiskService } from '@zhirong/risk';
import { ledgerCustomerData, ledgerRiskMonitoring } from './monitoring.ts';
import { riskCreditScreening } from './screening.ts';

/**
 * The ledger behind lending's money port. The institution's lending accounts exist once per
 * currency with fixed ids (created on first use): loans receivable (asset), interest, fee and
 * penalty income, and loan losses (expense, for write-offs). Every movement lending asks for is one
 * linked chain — all its transfers commit or none do — and lending's own write runs inside the
 * ledger's transaction, so a loan, a repayment or a write-off is recorded exactly when its money moved.
 */
const SYSTEM_ACCOUNTS: Readonly<Record<SystemRole, { type: AccountType; code: number }>> = {
  loans_receivable: { type: 'asset', code: 1301 },
  interest_income: { type: 'income', code: 6011 },
  fee_income: { type: 'income', code: 6022 },
  penalty_income: { type: 'income', code: 6013 },
  loan_losses: { type: 'expense', code: 6701 },
};

/**
 * Each lending account is split into this many shards (same role, type and code): every
 * disbursement debits loans receivable, and one hot row would serialise all of them behind its
 * lock. A chain uses one shard, picked from its first transfer id; a role's balance is the sum over
 * its shards (`creditSystemAccountIds`).
 */
export const CREDIT_ACCOUNT_SHARDS = 16;

/** The id of one shard of a lending system account: the same in every installation. */
export function creditSystemAccountId(role: SystemRole, currency: string, shard = 0): string {
  const name = shard === 0 ? `zhirong.credit.${role}.${currency}` : `zhirong.credit.${role}.${currency}.${shard}`;
  const bytes = Uint8Array.from(createHash('sha256').update(name).digest().subarray(0, 16));
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  return bytesToUuid(bytes);
}

/** Every shard of a lending system account. */
export function creditSystemAccountIds(role: SystemRole, currency: string): string[] {
  return Array.from({ length: CREDIT_ACCOUNT_SHARDS }, (_, shard) => creditSystemAccountId(role, currency, shard));
}

export function ledgerCreditPort(ledger: LedgerModuleService): CreditMoneyPort {
  const ensured = new Set<string>();
  const ensure = async (currency: string) => {
    if (ensured.has(currency)) return;
    const results = await ledger.ledger.createAccounts(
      (Object.keys(SYSTEM_ACCOUNTS) as SystemRole[]).flatMap((role) =>
        Array.from({ length: CREDIT_ACCOUNT_SHARDS }, (_, shard) => ({
          id: creditSystemAccountId(role, currency, shard),
          currency,
          type: SYSTEM_ACCOUNTS[role].type,
          code: SYSTEM_ACCOUNTS[role].code,
          ownerRef: `credit:${role}`,
          metadata: shard === 0 ? { system: 'credit', role } : { system: 'credit', role, shard },
        })),
      ),
    );
    for (const r of results)
      if (r.status === 'failed') throw new Error(`cannot create a credit system account: ${r.code}`);
    ensured.add(currency);
  };
  const accountOf = (side: { account: string } | { system: SystemRole }, currency: string, shard: number) =>
    'account' in side ? side.account : creditSystemAccountId(side.system, currency, shard);
  return {
    async account(id) {
      const account = await ledger.ledger.getAccount(id);
      return account ? { currency: account.currency, status: account.status } : undefined;
    },
    async post(movements, write) {
      const first = movements[0];
      if (!first) throw new Error('a chain has at least one movement');
      await ensure(first.currency);
      const shard = Number.parseInt(first.id.slice(-2), 16) % CREDIT_ACCOUNT_SHARDS;
      const requests: TransferRequest[] = movements.map((m, i) => ({
        kind: 'single' as const,
        id: m.id,
        debitAccountId: accountOf(m.debit, m.currency, shard),
        creditAccountId: accountOf(m.credit, m.currency, shard),
        amountMinor: m.amountMinor,
        currency: m.currency as CurrencyCode,
        metadata: m.metadata,
        ...(i < movements.length - 1 ? { linked: true } : {}),
      }));
      let failure: string | undefined;
      await ledger.ledger.createTransfers(requests, {
        inTransaction: async (trx, results) => {
          const failed =
            results.find((r) => r.status === 'failed' && r.code !== 'linked_event_failed') ??
            results.find((r) => r.status === 'failed');
          if (failed && failed.status === 'failed') {
            failure = failed.code;
            return;
          }
          failure = undefined;
          await write(trx);
        },
      });
      return failure === undefined ? { ok: true } : { ok: false, code: failure };
    },
  };
}

/** The risk service when the platform has the risk engine (credit then screens and monitors with it). */
function riskOf(context: ModuleContext): RiskService | undefined {
  try {
    return context.services.service<RiskService>('risk');
  } catch {
    return undefined;
  }
}

/**
 * The `credit` module with the ledger as its money port and, when the platform has the risk engine,
 * the engine as its screening port; monitoring reads balances from the ledger and risk decisions
 * from the engine, and applications naming an account read its balance and flows from the ledger. Register it after `ledger` (and `risk`).
 */
export const creditModule = createCreditModule(
  (context: ModuleContext) => ledgerCreditPort(context.services.service<LedgerModuleService>('ledger')),
  (context: ModuleContext) => {
    const risk = riskOf(context);
    if (risk) return riskCreditScreening(() => risk);
    context.logger.warn('credit: no risk module registered, applications are screened by the default (approve)');
    return approveAllScreening;
  },
  (context: ModuleContext) => {
    const risk = riskOf(context);
    return ledgerRiskMonitoring(
      () => context.services.service<LedgerModuleService>('ledger'),
      risk ? () => risk : undefined,
    );
  },
  (context: ModuleContext) => ledgerCustomerData(() => context.services.service<LedgerModuleService>('ledger')),
);
