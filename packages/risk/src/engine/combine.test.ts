// Proves how a verdict is combined: model per-mille plus rule points within 0–1000, the order of authority (deny list, allow list, decline and review rules, then the score), and reasons ordered by their contribution in both languages.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combine, type ListHit, type RuleHitLike, SCORE_MAX } from './combine.ts';

const thresholds = { reviewAt: 700, declineAt: 900 };
const describeFeature = (f: string) =>
  f === 'amount_zscore' ? { en: 'Amount against usual', zh: '金额偏离常态' } : undefined;
const model = (probability: number) => ({
  version: 'm1',
  probability,
  margin: Math.log(probability / (1 - probability)),
});
const rule = (ruleId: string, action: RuleHitLike['action'], points = 0): RuleHitLike => ({
  ruleId,
  action,
  points,
  reason: { en: `rule ${ruleId}`, zh: `规则 ${ruleId}` },
});
const list = (kind: 'allow' | 'deny'): ListHit => ({
  list: `${kind}_devices`,
  kind,
  entityKind: 'device',
  value: 'd1',
  reason: 'r',
});

describe('combine', () => {
  it('scores the model in per-mille plus rule points, and compares with the thresholds', () => {
    const base = { contributions: [], listHits: [], thresholds, describe: describeFeature };
    expect(combine({ ...base, model: model(0.5), ruleHits: [] })).toMatchObject({ score: 500, decision: 'approve' });
    expect(combine({ ...base, model: model(0.5), ruleHits: [rule('r1', 'score', 250)] })).toMatchObject({
      score: 750,
      decision: 'review',
      decidedBy: 'score',
    });
    expect(combine({ ...base, model: model(0.95), ruleHits: [] })).toMatchObject({ score: 950, decision: 'decline' });
    expect(combine({ ...base, model: undefined, ruleHits: [rule('r1', 'score', -50)] }).score).toBe(0);
  });

  it('lets deny lists beat allow lists, allow lists beat rules, and decline rules beat review rules', () => {
    const base = { model: model(0.1), contributions: [], thresholds, describe: describeFeature };
    expect(combine({ ...base, ruleHits: [], listHits: [list('allow'), list('deny')] })).toMatchObject({
      decision: 'decline',
      decidedBy: 'deny_list',
    });
    expect(combine({ ...base, ruleHits: [rule('r', 'decline')], listHits: [list('allow')] })).toMatchObject({
      decision: 'approve',
      decidedBy: 'allow_list',
    });
    expect(combine({ ...base, ruleHits: [rule('a', 'review'), rule('b', 'decline')], listHits: [] })).toMatchObject({
      decision: 'decline',
      decidedBy: 'rule',
    });
    expect(combine({ ...base, ruleHits: [rule('a', 'review')], listHits: [] }).decision).toBe('review');
  });

  it('explains with the largest contributions first, in both languages', () => {
    const out = combine({
      model: model(0.6),
      contributions: [
        { feature: 'amount_zscore', value: 4.25, contribution: 2 },
        { feature: 'hour_of_day', value: 3, contribution: 0.5 },
        { feature: 'is_new_payee', value: false, contribution: -1 },
      ],
      ruleHits: [rule('night', 'score', 200)],
      listHits: [],
      thresholds,
      describe: describeFeature,
    });
    expect(out.reasons.map((r) => r.code)).toEqual(['amount_zscore', 'night', 'hour_of_day']);
    expect(out.reasons[0]).toMatchObject({
      source: 'model',
      en: 'Amount against usual (4.25) raised the risk',
      zh: '金额偏离常态（4.25）提高了风险',
    });
    // Features that lowered the risk are not reasons for it.
    expect(out.reasons.some((r) => r.code === 'is_new_payee')).toBe(false);
  });

  it('keeps the score within 0–1000 and never approves what a decline rule hit', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(
          fc.tuple(
            fc.constantFrom('decline', 'review', 'score') as fc.Arbitrary<RuleHitLike['action']>,
            fc.integer({ min: -1000, max: 1000 }),
          ),
          { maxLength: 8 },
        ),
        (p, hits) => {
          const ruleHits = hits.map(([action, points], i) => rule(`r${i}`, action, points));
          const out = combine({
            model: model(p),
            contributions: [],
            ruleHits,
            listHits: [],
            thresholds,
            describe: describeFeature,
          });
          expect(out.score).toBeGreaterThanOrEqual(0);
          expect(out.score).toBeLessThanOrEqual(SCORE_MAX);
          if (ruleHits.some((h) => h.action === 'decline')) expect(out.decision).toBe('decline');
          else if (ruleHits.some((h) => h.action === 'review')) expect(out.decision).toBe('review');
        },
      ),
    );
  });
});
