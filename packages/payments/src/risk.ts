import type { CurrencyCode } from '@zhirong/kernel';
import type { PaymentKind, RiskVerdictRecord } from './payment.ts';

/**
 * The risk gate between `created` and `authorized`. The risk engine (a later issue) implements
 * this interface; until then the default policy approves everything. The verdict drives the state:
 * approve → authorize; review → funds held until a reviewer releases or rejects; decline → declined
 * with the reason.
 */
export interface PaymentScreening {
  readonly paymentId: string;
  readonly kind: PaymentKind;
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
  readonly debtorAccountId: string | null;
  readonly creditorAccountId: string | null;
  readonly merchantId: string | null;
  readonly merchantCategoryCode: string | null;
  /** Country of the external party of a payout or inbound credit, when known. */
  readonly counterpartyCountry: string | null;
  readonly createdAt: Date;
}

export type RiskVerdict = RiskVerdictRecord;

export interface RiskGate {
  /** Screens one payment. */
  screenPayment(payment: PaymentScreening): Promise<RiskVerdict>;
  /** Screens many at once (the payments service screens a coalesced group in one call when offered). */
  screenPayments?(payments: readonly PaymentScreening[]): Promise<RiskVerdict[]>;
}

/** The default policy: approve every payment. */
export const approveAllPolicy: RiskGate = {
  async screenPayment() {
    return { decision: 'approve', policy: 'approve_all' };
  },
  async screenPayments(payments) {
    return payments.map(() => ({ decision: 'approve', policy: 'approve_all' }) as const);
  },
};

/**
 * A simple amount-threshold policy (a real, usable rule set for small institutions before the risk
 * engine arrives): above `reviewAboveMinor` → review, above `declineAboveMinor` → decline.
 * Thresholds are per currency in minor units.
 */
export function amountThresholdPolicy(
  thresholds: Readonly<Record<string, { reviewAboveMinor?: bigint; declineAboveMinor?: bigint }>>,
): RiskGate {
  const decide = (p: PaymentScreening): RiskVerdict => {
    const t = thresholds[p.currency];
    if (t?.declineAboveMinor !== undefined && p.amountMinor > t.declineAboveMinor) {
      return { decision: 'decline', reason: 'amount_above_decline_threshold', policy: 'amount_threshold' };
    }
    if (t?.reviewAboveMinor !== undefined && p.amountMinor > t.reviewAboveMinor) {
      return { decision: 'review', reason: 'amount_above_review_threshold', policy: 'amount_threshold' };
    }
    return { decision: 'approve', policy: 'amount_threshold' };
  };
  return {
    async screenPayment(p) {
      return decide(p);
    },
    async screenPayments(ps) {
      return ps.map(decide);
    },
  };
}

export async function screenAll(gate: RiskGate, payments: readonly PaymentScreening[]): Promise<RiskVerdict[]> {
  if (payments.length === 0) return [];
  if (gate.screenPayments) return gate.screenPayments(payments);
  return Promise.all(payments.map((p) => gate.screenPayment(p)));
}
