// Proves statement-to-book reconciliation: end-to-end id matches first, then amount and value date within the tolerance, and (property) every entry of either side ends up exactly once, matched pairs always agree on money and direction, and a matched end-to-end pair shares its id.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BookEntry, reconcile, type StatementEntry } from './index.ts';

function entry(fields: Partial<StatementEntry> & { amount: bigint }): StatementEntry {
  return { currency: 'EUR', creditDebit: 'CRDT', status: 'BOOK', valueDate: '2026-03-16', ...fields };
}
function book(id: string, fields: Partial<BookEntry> & { amount: bigint }): BookEntry {
  return { id, currency: 'EUR', creditDebit: 'CRDT', valueDate: '2026-03-16', ...fields };
}

describe('reconcile', () => {
  it('matches by end-to-end id, then by amount and date, and reports both unmatched sides', () => {
    const statement = [
      entry({ amount: 1000n, endToEndId: 'E2E-1', valueDate: '2026-03-17' }),
      entry({ amount: 500n }),
      entry({ amount: 700n, creditDebit: 'DBIT' }),
      entry({ amount: 999n }),
      entry({ amount: 500n, valueDate: '2026-03-18T10:00:00+01:00' }),
    ];
    const ledger = [
      book('b1', { amount: 500n }),
      book('b2', { amount: 1000n, endToEndId: 'E2E-1' }),
      book('b3', { amount: 700n, creditDebit: 'CRDT' }),
      book('b4', { amount: 500n, valueDate: '2026-03-17' }),
    ];
    const exact = reconcile(statement, ledger);
    expect(exact.matched.map((m) => [m.book.id, m.rule])).toEqual([
      ['b2', 'end_to_end_id'],
      ['b1', 'amount_date'],
    ]);
    expect(exact.unmatchedStatement.map((e) => e.amount)).toEqual([700n, 999n, 500n]);
    expect(exact.unmatchedBook.map((b) => b.id)).toEqual(['b3', 'b4']);
    const lenient = reconcile(statement, ledger, { dateToleranceDays: 1 });
    expect(lenient.matched.map((m) => m.book.id)).toEqual(['b2', 'b1', 'b4']);
  });

  it('does not match an end-to-end id whose amount differs, and prefers the closest date', () => {
    const result = reconcile(
      [entry({ amount: 100n, endToEndId: 'X', valueDate: '2026-03-10' })],
      [
        book('wrong-amount', { amount: 101n, endToEndId: 'X' }),
        book('far', { amount: 100n, valueDate: '2026-03-12' }),
        book('near', { amount: 100n, valueDate: '2026-03-09' }),
      ],
      { dateToleranceDays: 3 },
    );
    expect(result.matched.map((m) => [m.book.id, m.rule])).toEqual([['near', 'amount_date']]);
    expect(() => reconcile([], [], { dateToleranceDays: -1 })).toThrow(RangeError);
  });

  it('accounts for every entry exactly once, with consistent pairs (property)', () => {
    const money = fc.record({
      amount: fc.bigInt({ min: 1n, max: 5n }),
      currency: fc.constantFrom('EUR', 'USD'),
      creditDebit: fc.constantFrom('CRDT' as const, 'DBIT' as const),
      day: fc.integer({ min: 10, max: 14 }),
      endToEndId: fc.option(fc.constantFrom('A', 'B', 'C'), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(money, { maxLength: 12 }),
        fc.array(money, { maxLength: 12 }),
        fc.integer({ min: 0, max: 3 }),
        (left, right, tolerance) => {
          const statement = left.map((m) => entry({ ...m, valueDate: `2026-03-${m.day}`, endToEndId: m.endToEndId }));
          const ledger = right.map((m, i) => book(`b${i}`, { ...m, valueDate: `2026-03-${m.day}` }));
          const result = reconcile(statement, ledger, { dateToleranceDays: tolerance });
          expect(result.matched.length + result.unmatchedStatement.length).toBe(statement.length);
          expect(result.matched.length + result.unmatchedBook.length).toBe(ledger.length);
          expect(new Set(result.matched.map((m) => m.book.id)).size).toBe(result.matched.length);
          expect(new Set([...result.matched.map((m) => m.statement), ...result.unmatchedStatement]).size).toBe(
            statement.length,
          );
          for (const { statement: s, book: b, rule } of result.matched) {
            expect([s.amount, s.currency, s.creditDebit]).toEqual([b.amount, b.currency, b.creditDebit]);
            if (rule === 'end_to_end_id') expect(s.endToEndId).toBe(b.endToEndId);
            else
              expect(Math.abs(Number(s.valueDate?.slice(8)) - Number(b.valueDate.slice(8)))).toBeLessThanOrEqual(
                tolerance,
              );
          }
          // Nothing left over could still have been paired by the amount-and-date rule.
          for (const s of result.unmatchedStatement)
            for (const b of result.unmatchedBook)
              expect(
                s.amount === b.amount &&
                  s.currency === b.currency &&
                  s.creditDebit === b.creditDebit &&
                  Math.abs(Number(s.valueDate?.slice(8)) - Number(b.valueDate.slice(8))) <= tolerance,
              ).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
