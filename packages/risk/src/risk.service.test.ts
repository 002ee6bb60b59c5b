// The risk engine against a real database (PGlite, and PostgreSQL when configured): decisions stored
// append-only and idempotent by event id, rulesets checked at save time and moved draft → shadow →
// live → rolled back, lists with expiry, review cases whose verdict feeds labels and lists, a
// restarted engine computing the same features, a registered model scoring with TreeSHAP reasons,
// replays that reproduce the decision, and backtests against labels.
import { testBackends } from '@zhirong/db/testing';
import { ManualClock } from '@zhirong/kernel';
import type { Platform, ProblemError } from '@zhirong/platform';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionEngine } from './engine/engine.ts';
import { createEngineParts } from './parts.ts';
import type { RiskService } from './risk.service.ts';
import { simulatorEvents } from './sources/index.ts';
import { bootRiskPlatform, paymentEvent, restartedRiskService } from './testing.ts';
import { featureRows, modelFeatureNames, trainRiskModel } from './training.ts';

const START = Date.UTC(2026, 5, 1, 2, 0, 0);

async function problemOf(work: Promise<unknown>): Promise<ProblemError> {
  try {
    await work;
  } catch (error) {
    return error as ProblemError;
  }
  throw new Error('expected a problem');
}

describe.each(testBackends())('risk engine on %s', (backend) => {
  let platform: Platform;
  let risk: RiskService;
  const clock = new ManualClock(START);
  let t = START;
  const next = () => {
    t += 60_000;
    clock.set(t);
    return t;
  };

  beforeAll(async () => {
    ({ platform, risk } = await bootRiskPlatform(backend, { clock }));
  });
  afterAll(() => platform.close());

  it('starts with the default ruleset live', async () => {
    const live = await risk.listRulesets({ status: 'live' });
    expect(live.map((r) => `${r.name}@${r.version}`)).toEqual(['default@1']);
  });

  it('decides, stores append-only, and answers a repeated event id with the stored decision', async () => {
    const event = paymentEvent('e-1', next());
    const first = await risk.decide(event);
    expect(first.decision).toBe('approve');
    expect(Object.keys(first.features).length).toBeGreaterThanOrEqual(40);
    expect(first.versions.rulesets).toEqual(['default@1']);
    expect(first.latencyUs).toBeGreaterThan(0);
    const again = await risk.decide(event);
    expect(again.id).toBe(first.id);
    const conflict = await problemOf(risk.decide({ ...event, amountMinor: 99n }));
    expect(conflict.code).toBe('risk_event_conflict');
    await expect(sql`update risk.decisions set score = 1`.execute(platform.context.db.kysely)).rejects.toThrow(
      /append-only/,
    );
    const events = await platform.relay.drain();
    expect(events).toBeGreaterThan(0);
    // Read back many at once by id (the evidence log does); unknown ids are left out.
    const read = await risk.getDecisions([first.id, platform.context.ids.uuid()]);
    expect(read.map((d) => d.id)).toEqual([first.id]);
    expect(read[0]).toEqual(await risk.getDecision(first.id));
  });

  it('takes an event older than one already decided at the newest decided time', async () => {
    const newest = next();
    await risk.decide(paymentEvent('e-order-1', newest));
    const late = await risk.decide(paymentEvent('e-order-2', newest - 3_600_000, { customerId: 'cus_late' }));
    expect(late.eventAt.getTime()).toBe(newest);
    expect(late.decision).toBe('approve');
  });

  it('rejects bad rules at save time with line and column, and keeps nothing', async () => {
    const before = (await risk.listRulesets()).length;
    const syntax = await problemOf(
      risk.createRuleset(
        {
          name: 'broken',
          eventTypes: ['payment'],
          rules: [
            { id: 'r1', condition: 'amount >\n  ', action: 'review', reason: { en: 'x', zh: 'x' } },
            { id: 'r2', condition: 'no_such_feature > 1', action: 'review', reason: { en: 'x', zh: 'x' } },
            { id: 'r3', condition: 'channel > 5', action: 'review', reason: { en: 'x', zh: 'x' } },
          ],
        },
        'analyst',
      ),
    );
    expect(syntax.code).toBe('rule_invalid');
    const errors = syntax.options.extensions?.errors as {
      ruleId: string;
      line?: number;
      column?: number;
      code: string;
    }[];
    expect(errors.map((e) => e.ruleId)).toEqual(expect.arrayContaining(['r1', 'r2', 'r3']));
    expect(errors.find((e) => e.ruleId === 'r1')?.line).toBe(2);
    expect((await risk.listRulesets()).length).toBe(before);
  });

  it('moves a ruleset draft → shadow → live, enforces it, and rolls back', async () => {
    const big = {
      name: 'big_payments',
      eventTypes: ['payment' as const],
      rules: [
        {
          id: 'big',
          condition: 'amount >= 5000',
          action: 'review' as const,
          reason: { en: 'Large payment {amount}', zh: '大额支付 {amount}' },
        },
      ],
    };
    const v1 = await risk.createRuleset(big, 'analyst');
    expect(v1).toMatchObject({ version: 1, status: 'draft' });
    await risk.promote(v1.id, 'shadow', 'analyst');
    const shadowed = await risk.decide(paymentEvent('e-big-1', next(), { amountMinor: 600_000n }));
    expect(shadowed.decision).toBe('approve');
    expect(shadowed.shadow?.rulesets[0]).toMatchObject({
      ruleset: 'big_payments@1',
      decision: 'review',
      matched: ['big'],
    });

    await risk.promote(v1.id, 'live', 'analyst');
    const enforced = await risk.decide(paymentEvent('e-big-2', next(), { amountMinor: 600_000n }));
    expect(enforced.decision).toBe('review');
    expect(enforced.reasons[0]?.code).toBe('big');
    expect(enforced.matchedRules.map((m) => m.ruleId)).toEqual(['big']);
    const cases = await risk.listCases({ status: 'open', limit: 10 });
    expect(cases.map((c) => c.eventId)).toContain('e-big-2');

    const v2 = await risk.createRuleset(
      { ...big, rules: [{ ...(big.rules[0] as (typeof big.rules)[0]), condition: 'amount >= 1000000' }] },
      'analyst',
    );
    await risk.promote(v2.id, 'live', 'analyst');
    expect((await risk.decide(paymentEvent('e-big-3', next(), { amountMinor: 600_000n }))).decision).toBe('approve');
    const back = await risk.rollback('big_payments', 'analyst');
    expect(back.version).toBe(1);
    expect((await risk.decide(paymentEvent('e-big-4', next(), { amountMinor: 600_000n }))).decision).toBe('review');
    expect((await risk.getRuleset(v2.id)).status).toBe('retired');
    // Leave only the default live for the next tests.
    await sql`update risk.rulesets set status = 'retired' where name = 'big_payments'`.execute(
      platform.context.db.kysely,
    );
    await risk.reload();
  });

  it('declines on a deny-list hit until the entry expires', async () => {
    await risk.createList({ name: 'stolen_devices', kind: 'deny', entityKind: 'device' });
    await risk.addEntries(
      'stolen_devices',
      [{ value: 'dev_bad', reason: 'reported stolen', expiresAt: new Date(t + 3_600_000) }],
      'analyst',
    );
    const hit = await risk.decide(paymentEvent('e-deny-1', next(), { deviceId: 'dev_bad' }));
    expect(hit.decision).toBe('decline');
    expect(hit.reasons[0]).toMatchObject({ source: 'list', code: 'stolen_devices' });
    const later = await risk.decide(paymentEvent('e-deny-2', t + 2 * 3_600_000, { deviceId: 'dev_bad' }));
    expect(later.decision).toBe('approve');
    t += 2 * 3_600_000;
  });

  it('closes a review case as fraud: label, deny lists, and the next payment from that device is declined', async () => {
    const name = 'review_everything';
    const r = await risk.createRuleset(
      {
        name,
        eventTypes: ['payment'],
        rules: [{ id: 'all', condition: 'amount > 0', action: 'review', reason: { en: 'all', zh: '全部' } }],
      },
      'analyst',
    );
    await risk.promote(r.id, 'live', 'analyst');
    const held = await risk.decide(paymentEvent('e-case-1', next(), { deviceId: 'dev_fraud', payeeId: 'acc_mule' }));
    expect(held.decision).toBe('review');
    const [open] = (await risk.listCases({ status: 'open', limit: 100 })).filter((c) => c.eventId === 'e-case-1');
    if (!open) throw new Error('no case');
    expect(open.dueAt.getTime() - open.openedAt.getTime()).toBe(240 * 60_000);
    const viewed = await risk.viewCase(open.id, 'stf_ana');
    expect(viewed.case.notes.at(-1)?.action).toBe('viewed');
    await risk.assignCase(open.id, 'stf_ana', 'stf_lead');
    const closed = await risk.closeCase(open.id, 'fraud', 'stf_ana', 'customer confirmed they did not pay');
    expect(closed).toMatchObject({ status: 'closed', outcome: 'fraud' });
    expect((await problemOf(risk.closeCase(open.id, 'legitimate', 'stf_ana'))).code).toBe('case_closed');
    await sql`update risk.rulesets set status = 'retired' where name = ${name}`.execute(platform.context.db.kysely);
    await risk.reload();
    const blocked = await risk.decide(
      paymentEvent('e-case-2', next(), { customerId: 'cus_other', deviceId: 'dev_fraud' }),
    );
    expect(blocked.decision).toBe('decline');
    expect(blocked.reasons[0]?.code).toBe('confirmed_fraud_devices');
    expect(blocked.features.graph_neighbours_confirmed_fraud).toBeGreaterThanOrEqual(1);
  });

  it('rebuilds the same features after a restart', async () => {
    for (let i = 0; i < 20; i++) {
      await risk.decide(
        paymentEvent(`e-hist-${i}`, next(), { amountMinor: BigInt(1000 + i * 137), payeeId: `acc_p${i % 3}` }),
      );
    }
    const probe = paymentEvent('e-probe', next(), { amountMinor: 54_321n, payeeId: 'acc_p1' });
    const restarted = await restartedRiskService(platform);
    expect(await restarted.engine.features(probe, false)).toEqual(await risk.engine.features(probe, false));
  });

  it('scores with a registered champion, explains with TreeSHAP, replays byte for byte, and backtests', async () => {
    const parts = createEngineParts();
    const engine = new DecisionEngine(parts.store, parts.graph, parts.describe);
    // Fraud injected far above the default base rate, so a small run has positives to learn from.
    const rate = 40;
    const fraudRates = {
      account_takeover: rate,
      card_testing: rate,
      mule_network: rate,
      merchant_collusion: rate,
      refund_abuse: rate,
    };
    const rows = await featureRows(simulatorEvents({ customers: 200, days: 10, seed: 3, fraudRates }), engine);
    const trained = trainRiskModel(rows, modelFeatureNames(parts.catalog.definitions), {
      version: 'm-test',
      gbdt: { rounds: 20 },
    });
    const bad = await problemOf(risk.registerModel({ version: 'bad', artefact: '{}', baselineScores: [] }));
    expect(bad.code).toBe('model_invalid');
    await risk.registerModel({ version: 'm-test', artefact: trained.artefact, baselineScores: trained.baselineScores });
    await risk.promoteModel('m-test', 'champion');
    const scored = await risk.decide(
      paymentEvent('e-model-1', next(), { amountMinor: 4_999_900n, payeeId: 'acc_new' }),
    );
    expect(scored.versions.model).toBe('m-test');
    expect(scored.modelProbability).toBeGreaterThan(0);
    const replay = await risk.replay(scored.id);
    expect(replay.same).toBe(true);
    expect(JSON.stringify(replay.replayed.reasons)).toBe(JSON.stringify(scored.reasons));
    const drift = await risk.drift('m-test', 30);
    expect(drift.version).toBe('m-test');

    const [defaultSet] = await risk.listRulesets({ name: 'default', status: 'live' });
    const report = await risk.backtest(defaultSet?.id as string, {}, new Map([['e-case-1', true]]));
    expect(report.events).toBeGreaterThan(20);
    expect(report.labelled).toBe(1);
    expect(report.decisions.before.approve + report.decisions.before.review + report.decisions.before.decline).toBe(
      report.events,
    );
  });
});
