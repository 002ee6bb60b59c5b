// Proves the risk explanation maths: decisive reasons are kept out of the waterfall, and the waterfall always ends on the score.
import { describe, expect, it } from 'vitest';
import { type Reason, splitReasons, waterfall } from './types.ts';

const reason = (source: Reason['source'], code: string, points: number): Reason => ({
  source,
  code,
  en: code,
  zh: code,
  points,
});

describe('splitReasons', () => {
  it('puts list hits and decline/review rules apart from scoring rules and model contributions', () => {
    const split = splitReasons({
      reasons: [
        reason('list', 'deny', 1000),
        reason('rule', 'big', 1000),
        reason('rule', 'pts', 200),
        reason('model', 'f', 40),
      ],
      matchedRules: [
        { ruleId: 'big', rulesetId: 'rs', action: 'review' },
        { ruleId: 'pts', rulesetId: 'rs', action: 'score', points: 200 },
      ],
    });
    expect(split.decisive.map((r) => r.code)).toEqual(['deny', 'big']);
    expect(split.contributions.map((r) => r.code)).toEqual(['pts', 'f']);
  });
});

describe('waterfall', () => {
  it('lays contributions end to end and adds the remainder up to the score', () => {
    const w = waterfall([reason('rule', 'a', 300), reason('model', 'b', 120)], 610);
    expect(w.steps.map((s) => [s.from, s.to])).toEqual([
      [0, 300],
      [300, 420],
    ]);
    expect(w.rest).toMatchObject({ from: 420, to: 610 });
    expect([w.low, w.high]).toEqual([0, 1000]);
  });

  it('has no remainder when the reasons explain the whole score, and widens the axis past 1000', () => {
    const w = waterfall([reason('rule', 'a', 800), reason('rule', 'b', 400), reason('rule', 'c', -200)], 1000);
    expect(w.rest).toBeNull();
    expect([w.low, w.high]).toEqual([0, 1200]);
  });
});
