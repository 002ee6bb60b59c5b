import { formatId, parseId } from '@zhirong/kernel';
import {
  PAYMENT_PREFIX,
  type PaymentScreening,
  type PaymentsService,
  type RiskGate,
  type RiskVerdict,
} from '@zhirong/payments';
import type { DomainEvent, Logger, ModuleContext, ZhirongModule } from '@zhirong/platform';
import { CASE_CLOSED_TOPIC, type DecisionRecord, type RiskEvent, type RiskService } from '@zhirong/risk';

/**
 * A payment as the risk engine sees it. Payments know accounts, not customers: the paying account
 * stands for the customer (inbound credits: the receiving one), the receiving account or merchant
 * is the payee.
 */
export function paymentRiskEvent(p: PaymentScreening): RiskEvent {
  const customer = p.debtorAccountId ?? p.creditorAccountId;
  const payee = p.merchantId ?? p.creditorAccountId;
  return {
    id: formatId(PAYMENT_PREFIX, p.paymentId),
    type: 'payment',
    subtype: p.kind,
    atMs: p.createdAt.getTime(),
    customerId: customer ? formatId('acc', customer) : 'external',
    ...(p.debtorAccountId ? { accountId: formatId('acc', p.debtorAccountId) } : {}),
    ...(payee ? { payeeId: p.merchantId ? p.merchantId : formatId('acc', payee) } : {}),
    ...(p.merchantId ? { merchantId: p.merchantId } : {}),
    ...(p.merchantCategoryCode ? { merchantCategoryCode: p.merchantCategoryCode } : {}),
    ...(p.counterpartyCountry ? { country: p.counterpartyCountry } : {}),
    amountMinor: p.amountMinor,
    currency: p.currency,
  };
}

export function verdictOf(d: DecisionRecord): RiskVerdict {
  const top = d.reasons[0];
  return {
    decision: d.decision,
    score: d.score,
    ...(top ? { reason: top.code } : {}),
    policy: ['risk', ...d.versions.rulesets, ...(d.versions.model ? [`model@${d.versions.model}`] : [])].join(' '),
  };
}

/** The payments risk gate, implemented by the risk engine (one call per coalesced group). */
export function riskPaymentGate(context: ModuleContext): RiskGate {
  const risk = () => context.services.service<RiskService>('risk');
  return {
    async screenPayment(p) {
      const [decision] = await risk().decideMany([paymentRiskEvent(p)], { deferDurability: true });
      return verdictOf(decision as DecisionRecord);
    },
    async screenPayments(ps) {
      // The payment's own write commits after the verdict, synchronously: it makes the decision durable.
      return (await risk().decideMany(ps.map(paymentRiskEvent), { deferDurability: true })).map(verdictOf);
    },
  };
}

/**
 * When an analyst closes the case of a held payment, the payment follows: legitimate releases the
 * hold, fraud rejects the payment. Events arrive at least once; a payment already resolved is left
 * as it is.
 */
export class RiskPaymentsFlow {
  constructor(
    readonly payments: PaymentsService,
    readonly logger: Logger,
  ) {}

  async onCaseClosed(event: DomainEvent): Promise<void> {
    const p = event.payload as { eventId?: string; eventType?: string; outcome?: string; closedBy?: string };
    if (p.eventType !== 'payment' || typeof p.eventId !== 'string') return;
    const parsed = parseId(PAYMENT_PREFIX, p.eventId);
    if (!parsed.ok) return;
    const context = { principal: 'risk', actor: `risk-case:${p.closedBy ?? 'analyst'}` };
    const result =
      p.outcome === 'legitimate'
        ? await this.payments.release(parsed.value, context)
        : await this.payments.reject(parsed.value, context, 'confirmed_fraud');
    if (!result.ok && result.code !== 'payment_state_invalid') {
      this.logger.warn({ paymentId: p.eventId, code: result.code }, 'risk: held payment could not follow its case');
    }
  }
}

export const riskPaymentsModule: ZhirongModule<RiskPaymentsFlow> = {
  name: 'risk-payments',
  migrations: { schema: 'flows_risk_payments', migrations: {} },
  errors: {},
  createService(context) {
    return new RiskPaymentsFlow(context.services.service<PaymentsService>('payments'), context.logger);
  },
  start(flow, context) {
    const unsubscribe = context.bus.subscribe(CASE_CLOSED_TOPIC, (event) => flow.onCaseClosed(event), {
      consumer: 'risk-payments.case-closed',
    });
    return async () => unsubscribe();
  },
};
