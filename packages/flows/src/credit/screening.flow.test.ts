// Proves the risk engine's fraud decision is lending's policy input (PGlite and PostgreSQL): each application is one loan_application risk event keyed by the application id, a decline fails the fraud rule with the engine's reason, a review refers, the risk decision id is stored with the inputs, and replay stays byte-identical.
import type { CreditService } from '@zhirong/credit';
import { testBackends } from '@zhirong/db/testing';
import { formatId, ManualClock } from '@zhirong/kernel';
import type { Platform } from '@zhirong/platform';
import type { RiskService } from '@zhirong/risk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicantCustomerId } from './screening.ts';
import { applicationFor, bootLendingPlatform, ok, PRODUCT } from './testing.ts';

describe.each(testBackends())('lending screened by the risk engine on %s', (backend) => {
  let platform: Platform;
  const clock = new ManualClock(Date.UTC(2026, 0, 10, 2, 0, 0));
  let credit: CreditService;
  let risk: RiskService;
  let productId: string;

  beforeAll(async () => {
    platform = await bootLendingPlatform(backend, clock, { withRisk: true });
    credit = platform.service<CreditService>('credit');
    risk = platform.service<RiskService>('risk');
    const ruleset = await risk.createRuleset(
      {
        name: 'loan_fraud',
        eventTypes: ['loan_application'],
        rules: [
          {
            id: 'loan_too_big',
            condition: 'is_loan_application and amount >= 150000',
            action: 'decline',
            reason: { en: 'Application amount implausible', zh: '申请金额异常' },
          },
          {
            id: 'loan_big',
            condition: 'is_loan_application and amount >= 60000',
            action: 'review',
            reason: { en: 'Large application', zh: '大额申请' },
          },
        ],
      },
      'analyst',
    );
    await risk.promote(ruleset.id, 'live', 'analyst');
    productId = ok(await credit.createProduct(PRODUCT)).id;
  });
  afterAll(() => platform?.close());

  it('approves through the engine and stores its decision id with the inputs', async () => {
    clock.advance(60_000);
    const app = ok(await credit.apply(applicationFor(productId)));
    expect(app.decision.outcome).toBe('approve');
    expect(app.inputs.screening).toMatchObject({ source: 'risk-engine', fraud: 'allow', denyListed: false });
    const decisionId = app.inputs.screening.decisionId as string;
    const stored = await risk.getDecision(decisionId);
    expect(stored.eventId).toBe(formatId('lap', app.id));
    expect(stored.eventType).toBe('loan_application');
    expect(stored.decision).toBe('approve');
    expect(stored.customerId).toBe(applicantCustomerId(app.idNumber));
    expect(stored.customerId).not.toContain(app.idNumber);
    const replay = ok(await credit.replay(app.id));
    expect(replay.identical).toBe(true);
  });

  it('refers an application the engine sends to review, naming the engine reason', async () => {
    clock.advance(60_000);
    const app = ok(await credit.apply(applicationFor(productId, { amount: '80000.00' })));
    expect(app.inputs.screening).toMatchObject({ fraud: 'review', reason: { code: 'loan_big' } });
    expect(app.decision.outcome).toBe('refer');
    expect(app.decision.checks.find((c) => c.rule === 'fraud')).toMatchObject({ passed: false, value: 'review' });
    expect(app.decision.reasons[0]?.code).toBe('policy_fraud');
    expect(app.decision.reasons[0]?.en).toContain('Large application');
    expect(app.decision.reasons[0]?.zh).toContain('大额申请');
    expect((await risk.getDecision(app.inputs.screening.decisionId as string)).decision).toBe('review');
    expect(ok(await credit.replay(app.id)).identical).toBe(true);
  });

  it('declines an application the engine declines, with its reason, and stores the risk decision once', async () => {
    clock.advance(60_000);
    const app = ok(await credit.apply(applicationFor(productId, { amount: '180000.00' })));
    expect(app.decision.outcome).toBe('decline');
    expect(app.decision.pd).toBeNull();
    expect(app.decision.reasons[0]).toMatchObject({ code: 'policy_fraud' });
    expect(app.decision.reasons[0]?.en).toContain('loan_too_big');
    const eventId = formatId('lap', app.id);
    const mine = await risk.listDecisions({ customerId: applicantCustomerId(app.idNumber), limit: 100 });
    expect(mine.filter((d) => d.eventId === eventId)).toHaveLength(1);
    // Deciding the same application event again returns the stored decision, not a new one.
    const again = await risk.decide({
      id: eventId,
      type: 'loan_application',
      atMs: clock.now().getTime(),
      customerId: applicantCustomerId(app.idNumber),
      phone: app.applicant.phone as string,
      amountMinor: app.amountMinor,
      currency: 'CNY',
      channel: 'credit',
    });
    expect(again.id).toBe(app.inputs.screening.decisionId);
    expect(ok(await credit.replay(app.id)).identical).toBe(true);
  });

  it('a what-if consults the engine without storing a risk decision', async () => {
    clock.advance(60_000);
    const customerId = applicantCustomerId(applicationFor(productId).applicant.idNumber);
    const before = (await risk.listDecisions({ customerId, limit: 100 })).length;
    const app = ok(await credit.apply(applicationFor(productId, { amount: '90000.00' }), { dryRun: true }));
    expect(app.decision.outcome).toBe('refer');
    expect(app.inputs.screening.decisionId).toBeUndefined();
    expect(await risk.listDecisions({ customerId, limit: 100 })).toHaveLength(before);
  });
});
