// Proves with random transactions that the daily aggregation never double counts: every distinct transaction lands in exactly one group, the group totals add up to the distinct amounts, and neither order nor repeats change the result.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateDaily, DEFAULT_THRESHOLDS, type ReportableTransaction } from './transaction.ts';

const transaction = fc.record({
  id: fc.integer({ min: 0, max: 60 }).map((n) => `t${n}`),
  customerId: fc.constantFrom('A', 'B', 'C'),
  customerType: fc.constantFrom('personal' as const, 'corporate' as const),
  channel: fc.constantFrom('cash' as const, 'transfer' as const),
  region: fc.constantFrom('domestic' as const, 'cross_border' as const),
  direction: fc.constantFrom('in' as const, 'out' as const),
  amountMinor: fc.oneof(
    fc.constantFrom(1n, 4_999_999n, 5_000_000n, 20_000_000n, 2n ** 40n),
    fc.bigInt({ min: 1n, max: 10n ** 12n }),
  ),
  currency: fc.constantFrom('CNY', 'USD', 'EUR'),
  occurredAt: fc.integer({ min: Date.UTC(2026, 4, 30), max: Date.UTC(2026, 5, 3) }).map((ms) => new Date(ms)),
  counterparty: fc.constant({}),
});

describe('aggregateDaily (property)', () => {
  it('puts each distinct transaction in exactly one group and loses or adds no money', () => {
    fc.assert(
      fc.property(fc.array(transaction, { maxLength: 80 }), fc.integer({ min: -720, max: 840 }), (txs, offset) => {
        // The first occurrence of an id is the transaction; later ones are repeats.
        const distinct = new Map<string, ReportableTransaction>();
        for (const t of txs) if (!distinct.has(t.id)) distinct.set(t.id, t);
        const groups = aggregateDaily(txs, DEFAULT_THRESHOLDS, offset);
        const placed = groups.flatMap((g) => g.transactionIds);
        expect(placed.length).toBe(distinct.size);
        expect(new Set(placed).size).toBe(distinct.size);
        const total = groups.reduce((sum, g) => sum + g.totalMinor, 0n);
        expect(total).toBe([...distinct.values()].reduce((sum, t) => sum + t.amountMinor, 0n));
        for (const g of groups) {
          const sum = g.transactionIds.reduce(
            (s, id) => s + (distinct.get(id) as ReportableTransaction).amountMinor,
            0n,
          );
          expect(sum).toBe(g.totalMinor);
          expect(g.reportable).toBe(g.thresholdMinor !== null && g.totalMinor >= g.thresholdMinor);
        }
        const shuffled = [...distinct.values()].reverse();
        expect(aggregateDaily([...shuffled, ...shuffled], DEFAULT_THRESHOLDS, offset)).toEqual(groups);
      }),
      { numRuns: 300 },
    );
  });
});
