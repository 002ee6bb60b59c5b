// Proves the receivable lifecycle on the real ledger and evidence log (PGlite and PostgreSQL): issue, split, transfer down the tiers, finance at the exact rounded-down pay-out, automatic settlement to the current holders at maturity, no double spend, a refused payment releasing the receivable, a crash between ledger and commit finished once, and every step a log entry whose proof verifies.
import type { ChainService } from '@zhirong/chain';
import { verifyEvidence } from '@zhirong/chain/verifier';
import { testBackends } from '@zhirong/db/testing';
import { type CurrencyCode, formatId, ManualClock } from '@zhirong/kernel';
import { type LedgerModuleService, postedBalance } from '@zhirong/ledger';
import type { Platform } from '@zhirong/platform';
import { type ScfMoneyPort, ScfService, STEP_PREFIX, type StepResult } from '@zhirong/scf';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceFlow } from '../evidence/module.ts';
import { bootFlowsPlatform } from '../testing.ts';
import { ledgerMoneyPort } from './module.ts';

const CNY = 'CNY' as CurrencyCode;

function ok<T>(outcome: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.code}`);
  return outcome.value;
}

describe.each(testBackends())('supply-chain finance on %s', (backend) => {
  let platform: Platform;
  // 2026-01-01 10:00 in Shanghai.
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 2, 0, 0));
  const accounts: Record<string, string> = {};

  beforeAll(async () => {
    platform = await bootFlowsPlatform(backend, { clock });
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    const ids = platform.context.ids;
    for (const name of ['cash', 'bank', 'core', 'poorCore', 'a', 'b', 'c']) accounts[name] = ids.uuid();
    const guarded = ['debits_must_not_exceed_credits' as const];
    await ledger.createAccounts([
      { id: accounts.cash as string, currency: CNY, type: 'asset' },
      { id: accounts.bank as string, currency: CNY, type: 'asset', metadata: { role: 'bills discounted' } },
      { id: accounts.core as string, currency: CNY, type: 'liability', flags: guarded },
      { id: accounts.poorCore as string, currency: CNY, type: 'liability', flags: guarded },
      ...['a', 'b', 'c'].map((n) => ({
        id: accounts[n] as string,
        currency: CNY,
        type: 'liability' as const,
        flags: guarded,
      })),
    ]);
    // The core enterprise holds 2,000,000.00 at the bank.
    await ledger.createTransfers([
      {
        kind: 'single',
        id: ids.uuid(),
        debitAccountId: accounts.cash as string,
        creditAccountId: accounts.core as string,
        amountMinor: 200_000_000n,
        currency: CNY,
      },
    ]);
  });
  afterAll(() => platform.close());

  const balance = async (name: string) => {
    const account = await platform.service<LedgerModuleService>('ledger').ledger.getAccount(accounts[name] as string);
    if (!account) throw new Error(name);
    return postedBalance(account.type, account.balances);
  };

  it('issues, splits, transfers, finances and settles; value is conserved and nothing is spent twice', async () => {
    const scf = platform.service<ScfService>('scf');
    const chain = platform.service<ChainService>('chain');
    const flow = platform.service<EvidenceFlow>('evidence');
    const steps: StepResult[] = [];

    const issued = ok(
      await scf.issue({
        issuerAccountId: accounts.core as string,
        holderAccountId: accounts.a as string,
        amountMinor: 100_000_000n,
        currency: 'CNY',
        maturityDate: '2026-04-01',
        debtReference: 'PO-2026-001',
      }),
    );
    steps.push(issued);
    const root = issued.outputs[0];
    if (!root) throw new Error('no receivable');
    expect(root).toMatchObject({ issueDate: '2026-01-01', status: 'active', amountMinor: 100_000_000n });

    const split = ok(await scf.split(root.id, [60_000_000n, 40_000_000n]));
    steps.push(split);
    const [sixty, forty] = split.outputs as [StepResult['outputs'][0], StepResult['outputs'][0]];
    expect(await scf.split(root.id, [50_000_000n, 50_000_000n])).toMatchObject({
      ok: false,
      code: 'receivable_not_active',
    });
    expect(await scf.transfer(root.id, accounts.b as string)).toMatchObject({
      ok: false,
      code: 'receivable_not_active',
    });
    expect(await scf.split(forty.id, [30_000_000n, 9_999_999n])).toMatchObject({
      ok: false,
      code: 'split_sum_mismatch',
    });

    const toB = ok(await scf.transfer(sixty.id, accounts.b as string));
    steps.push(toB);
    const partToC = ok(await scf.transfer(forty.id, accounts.c as string, 15_000_000n));
    steps.push(partToC);
    expect(partToC.outputs.map((o) => [o.holderAccountId, o.amountMinor])).toEqual([
      [accounts.c, 15_000_000n],
      [accounts.a, 25_000_000n],
    ]);
    expect(await scf.transfer(forty.id, accounts.b as string)).toMatchObject({
      ok: false,
      code: 'receivable_not_active',
    });

    // Finance B's 600,000.00 at 3.65 % for 90 days: 600000.00 × (1 − 0.0365 × 90/360) = 594,525.00.
    const bHeld = toB.outputs[0];
    if (!bHeld) throw new Error('no output');
    const financed = ok(await scf.finance(bHeld.id, accounts.bank as string, '0.0365'));
    steps.push(financed);
    expect(financed.step.details).toMatchObject({ days: 90, payoutMinor: '59452500', discountMinor: '547500' });
    expect(await balance('b')).toBe(59_452_500n);
    expect(await scf.finance(bHeld.id, accounts.bank as string, '0.0365')).toMatchObject({
      ok: false,
      code: 'receivable_not_active',
    });
    expect(await scf.finance(partToC.outputs[0]?.id as string, accounts.bank as string, '2')).toMatchObject({
      ok: false,
      code: 'rate_invalid',
    });

    // Not yet due: nothing settles; a direct attempt is refused.
    expect(await scf.settleDue()).toEqual({ settled: 0, failed: [] });
    expect(await scf.settle(partToC.outputs[0]?.id as string)).toMatchObject({
      ok: false,
      code: 'receivable_not_matured',
    });

    // Maturity: the core enterprise pays every current holder: the bank 600k, C 150k, A 250k.
    clock.set(Date.UTC(2026, 2, 31, 17, 0, 0)); // 2026-04-01 01:00 in Shanghai
    const settled = await scf.settleDue();
    expect(settled).toEqual({ settled: 3, failed: [] });
    expect(await balance('core')).toBe(100_000_000n);
    // The bank paid 594,525.00 and received 600,000.00: its discount, 5,475.00, shows on the account.
    expect(await balance('bank')).toBe(59_452_500n - 60_000_000n);
    expect(await balance('c')).toBe(15_000_000n);
    expect(await balance('a')).toBe(25_000_000n);
    expect(await balance('b')).toBe(59_452_500n);
    const lineage = await scf.list({ rootId: root.id, limit: 100 });
    expect(lineage.filter((r) => r.status === 'settled').reduce((s, r) => s + r.amountMinor, 0n)).toBe(100_000_000n);
    expect(lineage.filter((r) => r.status === 'active')).toEqual([]);
    expect(await scf.settle(partToC.outputs[0]?.id as string)).toMatchObject({
      ok: false,
      code: 'receivable_not_active',
    });

    // Every step is in the evidence log, and its proof verifies with only the log's public key.
    await platform.relay.drain();
    const history = ok(await scf.history(partToC.outputs[0]?.id as string));
    expect(history.steps.map((s) => s.step.kind)).toEqual(['issue', 'split', 'transfer', 'settle']);
    for (const s of [...steps, ...history.steps]) {
      const recordId = formatId(STEP_PREFIX, s.step.id);
      const bundle = ok(await chain.evidence('scf.step', recordId));
      const body = JSON.parse(JSON.stringify(await flow.recordBody('scf.step', recordId)));
      const report = await verifyEvidence(
        { ...bundle, record: { recordType: 'scf.step', recordId, body } },
        chain.publicKey,
      );
      expect(
        report.checks.filter((c) => !c.ok),
        recordId,
      ).toEqual([]);
    }

    expect((await flow.audit()).problems).toEqual([]);
    // Someone rewrites a receivable's amount in the database: the audit names the step that created it.
    await sql`update scf.receivables set amount = amount + 100 where id = ${sixty.id}::uuid`.execute(
      platform.context.db.kysely,
    );
    const audit = await flow.audit();
    expect(audit.ok).toBe(false);
    expect(audit.problems.map((p) => p.subject)).toEqual([`scf.step/${formatId(STEP_PREFIX, split.step.id)}`]);
  });

  it('releases the receivable when the ledger refuses the payment, and finishes a step a crash left pending, once', async () => {
    const scf = platform.service<ScfService>('scf');
    clock.set(Date.UTC(2026, 3, 2, 2, 0, 0)); // 2026-04-02
    const poor = ok(
      await scf.issue({
        issuerAccountId: accounts.poorCore as string,
        holderAccountId: accounts.a as string,
        amountMinor: 1_000n,
        currency: 'CNY',
        maturityDate: '2026-04-03',
        debtReference: 'INV-9',
      }),
    ).outputs[0];
    if (!poor) throw new Error('no receivable');
    expect(
      await scf.issue({
        issuerAccountId: accounts.core as string,
        holderAccountId: accounts.a as string,
        amountMinor: 1n,
        currency: 'CNY',
        maturityDate: '2026-04-02',
        debtReference: 'x',
      }),
    ).toMatchObject({ ok: false, code: 'maturity_invalid' });
    expect(
      await scf.issue({
        issuerAccountId: platform.context.ids.uuid(),
        holderAccountId: accounts.a as string,
        amountMinor: 1n,
        currency: 'CNY',
        maturityDate: '2026-05-02',
        debtReference: 'x',
      }),
    ).toMatchObject({ ok: false, code: 'scf_account_not_found' });
    clock.set(Date.UTC(2026, 3, 3, 2, 0, 0));
    const refused = await scf.settle(poor.id);
    expect(refused).toMatchObject({ ok: false, code: 'scf_payment_failed', params: { reason: 'exceeds_credits' } });
    expect((await scf.get(poor.id))?.status).toBe('active');

    // A process that dies after the ledger posted the pay-out but before the step commits.
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    const real = ledgerMoneyPort(platform.service<LedgerModuleService>('ledger'));
    const crashing: ScfMoneyPort = {
      accounts: (ids) => real.accounts(ids),
      async postTransfers(transfers) {
        await real.postTransfers(transfers);
        throw new Error('process killed');
      },
    };
    const dying = new ScfService({
      db: platform.context.db.kysely,
      clock,
      ids: platform.context.ids,
      outbox: platform.context.outbox,
      logger: platform.context.logger,
      timeZone: 'Asia/Shanghai',
      money: crashing,
    });
    const fresh = ok(
      await scf.issue({
        issuerAccountId: accounts.core as string,
        holderAccountId: accounts.c as string,
        amountMinor: 36_000n,
        currency: 'CNY',
        maturityDate: '2026-05-03',
        debtReference: 'INV-10',
      }),
    ).outputs[0];
    if (!fresh) throw new Error('no receivable');
    const before = await balance('c');
    await expect(dying.finance(fresh.id, accounts.bank as string, '0.1')).rejects.toThrow('process killed');
    expect((await scf.get(fresh.id))?.status).toBe('locked');
    expect(await scf.transfer(fresh.id, accounts.b as string)).toMatchObject({
      ok: false,
      code: 'receivable_not_active',
    });
    // 30 days at 10 %: 36000 × (1 − 0.1 × 30/360) = 35700 minor units, paid exactly once.
    expect(await balance('c')).toBe(before + 35_700n);
    expect(await scf.recoverPending(0)).toBe(1);
    expect(await scf.recoverPending(0)).toBe(0);
    expect(await balance('c')).toBe(before + 35_700n);
    const after = await scf.get(fresh.id);
    expect(after?.status).toBe('spent');
    const funded = await scf.list({ holderAccountId: accounts.bank as string, status: 'active', limit: 10 });
    expect(funded.map((r) => r.amountMinor)).toEqual([36_000n]);
    expect((await ledger.verify()).ok).toBe(true);
  });
});
