// Proves the receivable rules over any sequence of issue, split, transfer, finance and settle: no receivable is ever spent twice, children always sum exactly to their parent, every root's value is conserved (active + locked + settled leaves = face), and money paid at settlement equals the face settled; plus the discount formula's rounding (down, exact) on edge values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  childrenOf,
  type Decision,
  decideFinance,
  decideSettle,
  decideSplit,
  decideTransfer,
  discountPayout,
  parseRate,
  type Receivable,
} from './receivable.ts';

const ACCOUNTS = ['a', 'b', 'c', 'd', 'bank'];
function rateOf(basisPoints: number) {
  const parsed = parseRate((basisPoints / 10_000).toFixed(4));
  if (!parsed.ok) throw new Error(`rate ${basisPoints}`);
  return parsed.value;
}
type Op =
  | { kind: 'split'; pick: number; parts: number[] }
  | { kind: 'transfer'; pick: number; to: number; part: number }
  | { kind: 'finance'; pick: number; rateBp: number }
  | { kind: 'settle'; pick: number }
  | { kind: 'respend'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('split' as const),
    pick: fc.nat(),
    parts: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 5 }),
  }),
  fc.record({
    kind: fc.constant('transfer' as const),
    pick: fc.nat(),
    to: fc.nat(),
    part: fc.integer({ min: 0, max: 100 }),
  }),
  fc.record({ kind: fc.constant('finance' as const), pick: fc.nat(), rateBp: fc.integer({ min: 0, max: 10_000 }) }),
  fc.record({ kind: fc.constant('settle' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('respend' as const), pick: fc.nat() }),
);

describe('receivable rules (property)', () => {
  it('never double-spend and always conserve value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.array(op, { maxLength: 60 }), (face, ops) => {
        const all = new Map<string, Receivable>();
        let nextId = 0;
        const root: Receivable = {
          id: `r${nextId++}`,
          rootId: 'r0',
          parentId: null,
          issuerAccountId: 'core',
          holderAccountId: 'a',
          amountMinor: face,
          currency: 'CNY' as Receivable['currency'],
          issueDate: '2026-01-01',
          maturityDate: '2026-07-01',
          debtReference: 'PO-1',
          financed: false,
          status: 'active',
          createdByStepId: 's0',
          spentByStepId: null,
        };
        all.set(root.id, root);
        const paid = new Map<string, bigint>();
        let settledFace = 0n;
        let settlementPaid = 0n;
        const apply = (decision: Decision) => {
          const step = `s${nextId}`;
          const ids = decision.children.map(() => `r${nextId++}`);
          const children = childrenOf(decision, ids, step);
          expect(children.reduce((s, c) => s + c.amountMinor, 0n)).toBe(
            decision.settles ? 0n : decision.spends.amountMinor,
          );
          all.set(decision.spends.id, {
            ...decision.spends,
            status: decision.settles ? 'settled' : 'spent',
            spentByStepId: step,
          });
          for (const c of children) all.set(c.id, c);
          for (const m of decision.money) {
            expect(m.amountMinor > 0n).toBe(true);
            paid.set(m.creditAccountId, (paid.get(m.creditAccountId) ?? 0n) + m.amountMinor);
            if (decision.settles) settlementPaid += m.amountMinor;
          }
          if (decision.settles) settledFace += decision.spends.amountMinor;
        };
        for (const o of ops) {
          const list = [...all.values()];
          const target = list[o.pick % list.length] as Receivable;
          const wasActive = target.status === 'active';
          let result: ReturnType<typeof decideSplit>;
          switch (o.kind) {
            case 'split': {
              // Parts proportional to the generated weights, the remainder on the last: sums exactly.
              const weights = o.parts.map((p) => BigInt(p) + 1n);
              const total = weights.reduce((s, w) => s + w, 0n);
              const amounts = weights.map((w) => (target.amountMinor * w) / total);
              amounts[amounts.length - 1] =
                (amounts.at(-1) ?? 0n) + target.amountMinor - amounts.reduce((s, x) => s + x, 0n);
              result = decideSplit(target, amounts);
              if (result.ok) expect(amounts.every((x) => x > 0n) && amounts.length >= 2).toBe(true);
              break;
            }
            case 'transfer': {
              const to = ACCOUNTS[o.to % ACCOUNTS.length] as string;
              const amount = o.part === 0 ? undefined : (target.amountMinor * BigInt(o.part)) / 100n;
              result = decideTransfer(target, to, amount);
              break;
            }
            case 'finance':
              result = decideFinance(target, 'bank', rateOf(o.rateBp), '2026-03-01');
              break;
            case 'settle':
              result = decideSettle(target, '2026-07-01');
              break;
            case 'respend':
              // Any operation on a receivable that is not active is refused.
              result = decideSplit(target, [1n, target.amountMinor - 1n]);
              if (!wasActive) expect(result).toEqual({ ok: false, code: 'receivable_not_active' });
              break;
          }
          if (!wasActive) expect(result.ok).toBe(false);
          if (result.ok) apply(result.value);
          // Conservation: the unspent and settled leaves of the root always add up to its face.
          const leaves = [...all.values()].filter((r) => r.status === 'active' || r.status === 'settled');
          expect(leaves.reduce((s, r) => s + r.amountMinor, 0n)).toBe(face);
          // A receivable is spent by at most one step, and each child has exactly one live parent chain.
          for (const r of all.values()) if (r.parentId !== null) expect(all.get(r.parentId)?.status).toBe('spent');
        }
        expect(settlementPaid).toBe(settledFace);
      }),
      { numRuns: 300 },
    );
  });

  it('rounds the discount pay-out down, exactly', () => {
    const rate = (t: string) => {
      const r = parseRate(t);
      if (!r.ok) throw new Error(t);
      return r.value;
    };
    // 1,000,000.00 at 3.65 % for 90 days: 100000000 × (1 − 0.0365 × 90 / 360) = 99087500.
    expect(discountPayout(100_000_000n, rate('0.0365'), 90)).toEqual({ ok: true, value: 99_087_500n });
    // 0.01 at 5 % for 1 day: 1 × (1 − 0.05/360) = 0.99986… → 0 → refused (nothing to pay out).
    expect(discountPayout(1n, rate('0.05'), 1)).toEqual({ ok: false, code: 'discount_exceeds_face' });
    // 1.00 at 5 % for 1 day: 99.986… → 99 minor units (rounded down, never up).
    expect(discountPayout(100n, rate('0.05'), 1)).toEqual({ ok: true, value: 99n });
    expect(discountPayout(100n, rate('0'), 30)).toEqual({ ok: true, value: 100n });
    expect(discountPayout(100n, rate('1'), 360)).toEqual({ ok: false, code: 'discount_exceeds_face' });
    for (const bad of ['1.5', '-0.1', '0.123456789', 'abc', '', '.5', '1e-3'])
      expect(parseRate(bad).ok, bad).toBe(false);
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 2n ** 62n }),
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.integer({ min: 1, max: 3650 }),
        (face, n, days) => {
          const r = rate(`0.${String(n).padStart(8, '0')}`);
          const payout = discountPayout(face, r, days);
          const exactNumerator = face * (360n * r.scale - r.numerator * BigInt(days));
          const denominator = 360n * r.scale;
          if (payout.ok) {
            // floor: payout ≤ exact < payout + 1
            expect(payout.value * denominator <= exactNumerator).toBe(true);
            expect((payout.value + 1n) * denominator > exactNumerator).toBe(true);
            expect(payout.value <= face && payout.value > 0n).toBe(true);
          } else expect(exactNumerator < denominator).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
