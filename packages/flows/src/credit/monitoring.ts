// Early-warning signals for lending from the other domains: falling balances from the ledger and new review/decline risk decisions on the customer.
import {
  APPLICATION_PREFIX,
  type CreditCustomerDataPort,
  type CreditMonitoringPort,
  type MonitoringSignal,
} from '@zhirong/credit';
import { formatAmount, formatId } from '@zhirong/kernel';
import { type LedgerModuleService, postedBalance } from '@zhirong/ledger';
import type { RiskService } from '@zhirong/risk';
import { applicantCustomerId } from './screening.ts';

/** A balance is "falling" when it is below this share of what it was `BALANCE_LOOKBACK_DAYS` ago. */
export const BALANCE_FALL_SHARE = 0.5;
export const BALANCE_LOOKBACK_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * For each loan: the customer account's posted balance now against `BALANCE_LOOKBACK_DAYS` ago
 * (flagged once per calendar month when it fell below half), and the risk engine's review or
 * decline decisions on the customer since disbursement — as the applicant (pseudonymous id-number
 * key) or as the account — other than the loan's own application (each decision flagged once).
 */
export function ledgerRiskMonitoring(
  ledger: () => LedgerModuleService,
  risk: (() => RiskService) | undefined,
): CreditMonitoringPort {
  return {
    async signals(loans, at) {
      const out: MonitoringSignal[] = [];
      const then = new Date(at.getTime() - BALANCE_LOOKBACK_DAYS * DAY_MS);
      for (const loan of loans) {
        const now = await ledger().ledger.balancesAsOf(loan.customerAccountId, at);
        const before = await ledger().ledger.balancesAsOf(loan.customerAccountId, then);
        if (now.ok && before.ok && before.value.seq > 0n) {
          const type = now.value.account.type;
          const b0 = postedBalance(type, before.value.balances);
          const b1 = postedBalance(type, now.value.balances);
          // Integer comparison of b1 < b0 × share (share = 1/2).
          if (b0 > 0n && b1 * 2n < b0) {
            const month = at.toISOString().slice(0, 7);
            const f = (minor: bigint) => formatAmount(minor, loan.currency);
            out.push({
              loanId: loan.loanId,
              kind: 'falling_balance',
              key: `balance:${month}`,
              reason: {
                code: 'falling_balance',
                en: `Account balance fell from ${f(b0)} to ${f(b1)} ${loan.currency} in ${BALANCE_LOOKBACK_DAYS} days`,
                zh: `账户余额 ${BALANCE_LOOKBACK_DAYS} 天内由 ${f(b0)} 降至 ${f(b1)} ${loan.currency}`,
              },
              detail: { before: f(b0), now: f(b1), lookbackDays: BALANCE_LOOKBACK_DAYS, currency: loan.currency },
            });
          }
        }
        if (!risk) continue;
        const own = formatId(APPLICATION_PREFIX, loan.applicationId);
        for (const customerId of [applicantCustomerId(loan.idNumber), formatId('acc', loan.customerAccountId)]) {
          for (const decision of ['review', 'decline'] as const) {
            const found = await risk().listDecisions({ customerId, decision, from: loan.since, limit: 100 });
            for (const d of found) {
              if (d.eventId === own) continue;
              const top = d.reasons[0];
              out.push({
                loanId: loan.loanId,
                kind: 'risk_decision',
                key: `risk:${d.id}`,
                reason: {
                  code: `risk_${d.decision}`,
                  en: `Risk engine ${d.decision} on ${d.eventType} ${d.eventId}${top ? `: ${top.en}` : ''}`,
                  zh: `风控引擎对 ${d.eventType} ${d.eventId} 的决策为 ${d.decision === 'review' ? '人工审核' : '拒绝'}${top ? `：${top.zh}` : ''}`,
                },
                detail: {
                  decisionId: d.id,
                  eventId: d.eventId,
                  eventType: d.eventType,
                  decision: d.decision,
                  score: d.score,
                },
              });
            }
          }
        }
      }
      return out;
    },
  };
}

/**
 * The customer's account for a decision, from the ledger: the posted balance now, and inflows and
 * spending over the last `days` as the growth of posted credits and debits (for a credit-normal
 * account such as a customer's deposit; the other way round for a debit-normal one).
 */
export function ledgerCustomerData(ledger: () => LedgerModuleService): CreditCustomerDataPort {
  return {
    async accountFacts(accountId, at, days) {
      const now = await ledger().ledger.balancesAsOf(accountId, at);
      if (!now.ok) return undefined;
      const then = await ledger().ledger.balancesAsOf(accountId, new Date(at.getTime() - days * DAY_MS));
      if (!then.ok) return undefined;
      const type = now.value.account.type;
      const credits = now.value.balances.creditsPosted - then.value.balances.creditsPosted;
      const debits = now.value.balances.debitsPosted - then.value.balances.debitsPosted;
      // A debit-normal account (asset, expense) shows a posted debit as a positive balance.
      const debitNormal =
        postedBalance(type, { debitsPosted: 1n, creditsPosted: 0n, debitsPending: 0n, creditsPending: 0n }) === 1n;
      return {
        currency: now.value.account.currency,
        balanceMinor: postedBalance(type, now.value.balances),
        inflowsMinor: debitNormal ? debits : credits,
        outflowsMinor: debitNormal ? credits : debits,
      };
    },
  };
}
