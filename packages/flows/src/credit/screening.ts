// The risk engine as lending's screening port: each application is a `loan_application` risk event decided once.
import { createHash } from 'node:crypto';
import { APPLICATION_PREFIX, type CreditScreeningPort, type Screening, type ScreeningRequest } from '@zhirong/credit';
import { formatId } from '@zhirong/kernel';
import type { RiskEvent, RiskService } from '@zhirong/risk';

/**
 * The applicant as the risk engine knows them: a pseudonymous customer key from the ID number (the
 * risk store never holds the number itself), so the same person's payments, logins and loans meet
 * in its features and graph.
 */
export function applicantCustomerId(idNumber: string): string {
  return `idn_${createHash('sha256').update(`zhirong.credit.applicant:${idNumber}`).digest('hex').slice(0, 32)}`;
}

/** The risk event of an application; its id is the application's, so deciding it again is idempotent. */
export function applicationRiskEvent(r: ScreeningRequest): RiskEvent {
  return {
    id: formatId(APPLICATION_PREFIX, r.applicationId),
    type: 'loan_application',
    atMs: r.at.getTime(),
    customerId: applicantCustomerId(r.idNumber),
    phone: r.phone,
    amountMinor: r.amountMinor,
    currency: r.currency,
    channel: 'credit',
  };
}

const FRAUD = { approve: 'allow', review: 'review', decline: 'block' } as const;

/**
 * Screening by the risk engine's `decide`: decline → the fraud rule fails (or the deny-list rule,
 * when a list decided it) with the engine's reason; review → refer; approve → passes. The engine's
 * decision id is stored with the credit decision inputs. A what-if evaluates without recording.
 */
export function riskCreditScreening(risk: () => RiskService): CreditScreeningPort {
  return {
    async screen(request): Promise<Screening> {
      const event = applicationRiskEvent(request);
      const service = risk();
      const evaluated = request.dryRun
        ? { id: undefined, ...(await service.engine.evaluate(event, false)) }
        : await service.decide(event);
      const fraud = FRAUD[evaluated.decision];
      const top = evaluated.reasons[0];
      const listed = fraud === 'block' && evaluated.reasons.some((r) => r.source === 'list');
      return {
        denyListed: listed,
        fraud: listed ? 'allow' : fraud,
        source: 'risk-engine',
        ...(evaluated.id === undefined ? {} : { decisionId: evaluated.id }),
        ...(fraud !== 'allow' && top ? { reason: { code: top.code, en: top.en, zh: top.zh } } : {}),
      };
    },
  };
}
