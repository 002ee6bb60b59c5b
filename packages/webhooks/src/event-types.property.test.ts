// Proves the SQL pattern match that picks an event's endpoints agrees with the event bus's topicMatches for any pattern and topic (on both databases), and that pattern validation accepts exactly the documented shapes.
import { openTestDatabase, type TestDatabase, testBackends } from '@zhirong/db/testing';
import { topicMatches } from '@zhirong/platform';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEventTypePattern, patternMatchesSql } from './event-types.ts';

const segment = fc.constantFrom('ledger', 'payments', 'payment', 'transfers', 'created', 'a', 'b', 'x_y', 'refund');
const topic = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('.'));
const pattern = fc.oneof(
  topic,
  topic.map((t) => `${t}.*`),
  topic.map((t) => `${t}.>`),
  fc.constantFrom('*', '>'),
);

describe('isEventTypePattern', () => {
  it.each(['ledger.transfers.created', 'payments.payment.*', 'ledger.>', '*', '>', 'a-b.c_d.*'])('accepts %s', (p) => {
    expect(isEventTypePattern(p)).toBe(true);
  });
  it.each(['', 'Ledger', 'a..b', 'a.*.b', 'a.>.b', '.a', 'a.', 'a b', 'a.**', `${'a.'.repeat(100)}a`])(
    'refuses %s',
    (p) => {
      expect(isEventTypePattern(p)).toBe(false);
    },
  );
  it('accepts every generated pattern', () => {
    fc.assert(fc.property(pattern, (p) => isEventTypePattern(p)));
  });
});

describe.each(testBackends())('patternMatchesSql on %s', (backend) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('agrees with topicMatches', async () => {
    const pairs = fc.sample(fc.tuple(pattern, topic), { numRuns: 2000, seed: 20260101 });
    // Lean on the edges too: a pattern's own prefix, one level deeper, two levels deeper.
    for (const t of ['ledger.transfers', 'ledger.transfers.created', 'ledger.transfers.created.x']) {
      for (const p of ['ledger.transfers', 'ledger.transfers.*', 'ledger.transfers.>', 'ledger.*', 'ledger.>']) {
        pairs.push([p, t]);
      }
    }
    const { rows } = await sql<{ i: number; matched: boolean }>`
      select i::int as i, ${patternMatchesSql(sql`p`, sql`t`)} as matched
      from unnest(${pairs.map((x) => x[0])}::text[], ${pairs.map((x) => x[1])}::text[]) with ordinality as u(p, t, i)
      order by i`.execute(db.kysely);
    expect(rows).toHaveLength(pairs.length);
    const disagreements = rows.filter((r) => {
      const [p, t] = pairs[r.i - 1] ?? ['', ''];
      return r.matched !== topicMatches(p, t);
    });
    expect(disagreements).toEqual([]);
    expect(rows.some((r) => r.matched)).toBe(true);
    expect(rows.some((r) => !r.matched)).toBe(true);
  });
});
