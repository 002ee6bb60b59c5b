// Proves on the real database (PGlite and PostgreSQL) that any sequence of receivable operations — including two operations racing for the same receivable — never spends a receivable twice, keeps every lineage's value equal to its face, and pays out through the ledger only what the steps record.
import { testBackends } from '@zhirong/db/testing';
import { type CurrencyCode, ManualClock } from '@zhirong/kernel';
import type { LedgerModuleService } from '@zhirong/ledger';
import type { Platform } from '@zhirong/platform';
import type { Receivable, ScfService } from '@zhirong/scf';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootFlowsPlatform } from '../testing.ts';

const CNY = 'CNY' as CurrencyCode;
type Op =
  | { kind: 'split'; pick: number; cut: number }
  | { kind: 'transfer'; pick: number; to: number; part: number }
  | { kind: 'finance'; pick: number }
  | { kind: 'race'; pick: number; to: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('split' as const), pick: fc.nat(), cut: fc.integer({ min: 1, max: 99 }) }),
  fc.record({
    kind: fc.constant('transfer' as const),
    pick: fc.nat(),
    to: fc.nat(),
    part: fc.integer({ min: 0, max: 100 }),
  }),
  fc.record({ kind: fc.constant('finance' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('race' as const), pick: fc.nat(), to: fc.nat() }),
);

describe.each(testBackends())('receivables on %s (property)', (backend) => {
  let platform: Platform;
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 2, 0, 0));
  const holders: string[] = [];
  let core = '';
  let bank = '';

  beforeAll(async () => {
    platform = await bootFlowsPlatform(backend, { clock });
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    const ids = platform.context.ids;
    core = ids.uuid();
    bank = ids.uuid();
    for (let i = 0; i < 3; i++) holders.push(ids.uuid());
    await ledger.createAccounts([
      { id: core, currency: CNY, type: 'liability' },
      { id: bank, currency: CNY, type: 'asset' },
      ...holders.map((id) => ({ id, currency: CNY, type: 'liability' as const })),
    ]);
  });
  afterAll(() => platform.close());

  it('never double-spends and conserves every lineage', async () => {
    const scf = platform.service<ScfService>('scf');
    let payouts = 0n;
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 2n, max: 10n ** 12n }),
        fc.array(op, { minLength: 1, maxLength: 8 }),
        async (face, ops) => {
          const issued = await scf.issue({
            issuerAccountId: core,
            holderAccountId: holders[0] as string,
            amountMinor: face,
            currency: 'CNY',
            maturityDate: '2026-07-01',
            debtReference: 'PO-P',
          });
          if (!issued.ok) throw new Error(issued.code);
          const root = issued.value.outputs[0] as Receivable;
          for (const o of ops) {
            const lineage = await scf.list({ rootId: root.id, limit: 500 });
            const target = lineage[o.pick % lineage.length] as Receivable;
            const before = target.status;
            if (o.kind === 'split') {
              const first = (target.amountMinor * BigInt(o.cut)) / 100n;
              const result = await scf.split(target.id, [first, target.amountMinor - first]);
              if (before !== 'active') expect(result.ok).toBe(false);
            } else if (o.kind === 'transfer') {
              const to = holders[o.to % holders.length] as string;
              const result = await scf.transfer(
                target.id,
                to,
                o.part === 0 ? undefined : (target.amountMinor * BigInt(o.part)) / 100n,
              );
              if (before !== 'active') expect(result.ok).toBe(false);
            } else if (o.kind === 'finance') {
              const result = await scf.finance(target.id, bank, '0.05');
              if (before !== 'active' || target.holderAccountId === bank) expect(result.ok).toBe(false);
              if (result.ok) payouts += BigInt(String(result.value.step.details.payoutMinor));
            } else {
              // Two holders' requests race for the same receivable: at most one may spend it.
              const to = holders[(o.to % (holders.length - 1)) + 1] as string;
              const both = await Promise.all([
                scf.transfer(target.id, to),
                scf.split(target.id, [1n, target.amountMinor - 1n]),
              ]);
              expect(both.filter((r) => r.ok).length).toBeLessThanOrEqual(before === 'active' ? 1 : 0);
            }
            const after = await scf.list({ rootId: root.id, limit: 500 });
            const live = after.filter((r) => r.status === 'active' || r.status === 'locked' || r.status === 'settled');
            expect(live.reduce((s, r) => s + r.amountMinor, 0n)).toBe(face);
            for (const spent of after.filter((r) => r.status === 'spent')) {
              const children = after.filter((r) => r.parentId === spent.id);
              expect(children.reduce((s, r) => s + r.amountMinor, 0n)).toBe(spent.amountMinor);
            }
          }
        },
      ),
      { numRuns: 6 },
    );
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    expect((await ledger.verify()).ok).toBe(true);
    // The funder's account moved by exactly the pay-outs the financing steps recorded.
    const funder = await ledger.getAccount(bank);
    expect(funder?.balances.debitsPosted).toBe(payouts);
  });
});
