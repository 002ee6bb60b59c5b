// Proves payment state changes (every transition, and refunds once final), risk decisions, credit decisions and consents reach the evidence log through the outbox, each with a proof that verifies against the signed head, that a replayed event adds nothing, and that the audit names each kind of row edited directly in the database — on PGlite and PostgreSQL.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AmlScreeningService, amlModule, amlWorkbenchOf } from '@zhirong/aml';
import { type ChainService, chainModule } from '@zhirong/chain';
import { verifyEvidence } from '@zhirong/chain/verifier';
import type { CreditService } from '@zhirong/credit';
import type { Backend } from '@zhirong/db';
import { openTestDatabase, testBackends } from '@zhirong/db/testing';
import { type CurrencyCode, formatId, ManualClock } from '@zhirong/kernel';
import { type LedgerModuleService, ledgerModule } from '@zhirong/ledger';
import { type PaymentsService, paymentsModule, TRANSITIONS_RECORDED_TOPIC } from '@zhirong/payments';
import { bootPlatform, createLogger, loadConfig, ModuleRegistry, type Platform } from '@zhirong/platform';
import { DECISIONS_TOPIC, type RiskService, riskModule } from '@zhirong/risk';
import { makeResidentId } from '@zhirong/simulator';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditModule } from '../credit/module.ts';
import { ledgerPaymentRail } from '../payments/ledger-rail.ts';
import { riskPaymentGate, riskPaymentsModule } from '../risk/module.ts';
import { type EvidenceFlow, evidenceModule } from './module.ts';

const CNY = 'CNY' as CurrencyCode;
/** Outbox poll (250 ms, not used here: the commit wakes the relay) + retries of a failed append (2 s) + slack for a loaded machine. */
const DELAY_BOUND_MS = 5_000;

/** Every module that logs records, registered as in production (evidence right after chain), relay timer stopped. */
export async function bootEvidencePlatform(backend: Backend, clock: ManualClock, pollMs = '60000'): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zhirong-evidence-'));
  const modules = new ModuleRegistry()
    .register(ledgerModule)
    .register(chainModule)
    .register(evidenceModule)
    .register(riskModule)
    .register(paymentsModule({ rail: ledgerPaymentRail, riskGate: riskPaymentGate }))
    .register(riskPaymentsModule)
    .register(creditModule)
    .register(amlModule);
  const platform = await bootPlatform({
    config: loadConfig(
      {
        ZHIRONG_DATA_DIR: dataDir,
        ZHIRONG_OUTBOX_POLL_MS: pollMs,
        ZHIRONG_CHAIN_HEAD_INTERVAL_MS: '3600000',
        ZHIRONG_CHAIN_WITNESS_QUORUM: '1',
      },
      dataDir,
    ),
    modules,
    logger: createLogger({ level: 'silent' }),
    db: await openTestDatabase(backend),
    clock,
  });
  platform.start();
  return platform;
}

const PRODUCT = {
  name: '消费贷 Consumer loan',
  currency: 'CNY',
  minAmount: '1000.00',
  maxAmount: '200000.00',
  minTermMonths: 6,
  maxTermMonths: 36,
  method: 'equal-installment' as const,
  annualRateMin: '0.08',
  annualRateMax: '0.18',
  upfrontFeeRate: '0.01',
  graceDays: 3,
};

function application(productId: string) {
  return {
    productId,
    amount: '20000.00',
    termMonths: 12,
    applicant: {
      name: '李娜',
      idNumber: makeResidentId({ regionCode: '310115', birthDate: '19900315', sex: 'F' }, 21),
      phone: '13812345678',
      monthlyIncome: '25000.00',
      employment: { type: 'engineer', months: 72 },
    },
    external: { bureauScore: 790, inquiries6m: 0, existingLoans: 0, hasMortgage: true, monthlyDebtPayments: '0.00' },
    consent: { granted: true, version: 'consent-2026-01', grantedAt: '2026-01-01T01:00:00Z' },
  };
}

describe.each(testBackends())('business records → evidence log on %s', (backend) => {
  let platform: Platform;
  const clock = new ManualClock(Date.UTC(2026, 11, 6, 2, 0, 0));
  beforeAll(async () => {
    platform = await bootEvidencePlatform(backend, clock);
    await platform.relay.stop();
  });
  afterAll(() => platform.close());

  it('logs every payment transition, risk decision, credit decision and consent once, each with a verifiable proof; the audit names each edited row', async () => {
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    const payments = platform.service<PaymentsService>('payments');
    const risk = platform.service<RiskService>('risk');
    const credit = platform.service<CreditService>('credit');
    const chain = platform.service<ChainService>('chain');
    const flow = platform.service<EvidenceFlow>('evidence');
    const db = platform.context.db.kysely;
    const ids = platform.context.ids;

    // A payment (screened by the risk engine: a decision) and a refund of it.
    const [bank, alice, bob] = [ids.uuid(), ids.uuid(), ids.uuid()];
    await ledger.createAccounts([
      { id: bank, currency: CNY, type: 'asset' },
      { id: alice, currency: CNY, type: 'liability', flags: ['debits_must_not_exceed_credits'] },
      { id: bob, currency: CNY, type: 'liability' },
    ]);
    await ledger.createTransfers([
      {
        kind: 'single',
        id: ids.uuid(),
        debitAccountId: bank,
        creditAccountId: alice,
        amountMinor: 10_000_00n,
        currency: CNY,
      },
    ]);
    const context = { principal: 'key_test', actor: 'key_test', idempotencyKey: 'evidence-1', requestHash: 'h' };
    clock.advance(60_000);
    const created = await payments.createPayment(
      { kind: 'p2p', amountMinor: 50_00n, currency: CNY, debtorAccountId: alice, creditorAccountId: bob },
      context,
    );
    if (!created.ok || created.replayed) throw new Error(created.ok ? 'replayed' : created.code);
    const payment = created.payment;
    expect(payment.state).toBe('settled');
    clock.advance(60_000);
    const refunded = await payments.refund(payment.id, {}, { ...context, idempotencyKey: 'evidence-2' });
    if (!refunded.ok) throw new Error(refunded.code);
    const stored = (await payments.getPayments([payment.id])).get(payment.id);
    const transitions = stored?.transitions.length ?? 0;
    expect(stored?.state).toBe('refunded');
    expect(transitions).toBeGreaterThanOrEqual(4);

    // A risk decision asked for directly (not a payment), besides the payment's own.
    clock.advance(60_000);
    const login = await risk.decide({
      id: 'login-1',
      type: 'login',
      atMs: clock.nowMs(),
      customerId: 'cus_1',
      amountMinor: 0n,
    });
    const paymentDecision = (await risk.listDecisions({ customerId: formatId('acc', alice), limit: 10 }))[0];
    if (!paymentDecision) throw new Error('no decision for the payment');

    // A credit application, decided with the applicant's consent.
    const product = await credit.createProduct(PRODUCT);
    if (!product.ok) throw new Error(product.code);
    const applied = await credit.apply(application(product.value.id));
    if (!applied.ok) throw new Error(applied.code);
    const lap = formatId('lap', applied.value.id);

    await platform.relay.drain();

    const expected = [
      ...Array.from({ length: transitions }, (_, i) => ['payments.transition', `${formatId('pay', payment.id)}:${i}`]),
      ['payments.refund', formatId('rfd', refunded.value.refund.id)],
      ['risk.decision', formatId('rdc', login.id)],
      ['risk.decision', formatId('rdc', paymentDecision.id)],
      ['credit.decision', lap],
      ['credit.consent', lap],
    ] as const;
    for (const [recordType, recordId] of expected) {
      const bundle = await chain.evidence(recordType, recordId);
      if (!bundle.ok) throw new Error(`${recordType}/${recordId}: ${bundle.code}`);
      const body = JSON.parse(JSON.stringify(await flow.recordBody(recordType, recordId)));
      const report = await verifyEvidence({ ...bundle.value, record: { recordType, recordId, body } }, chain.publicKey);
      expect(
        report.checks.filter((c) => !c.ok),
        `${recordType}/${recordId}`,
      ).toEqual([]);
    }
    const consent = (await flow.recordBody('credit.consent', lap)) as { consent: { version: string } };
    expect(consent.consent.version).toBe('consent-2026-01');
    const transition = (await flow.recordBody('payments.transition', `${formatId('pay', payment.id)}:0`)) as {
      payment: { amount: string };
      transition: { from: null; to: string };
    };
    expect(transition).toMatchObject({ payment: { amount: '50.00' }, transition: { from: null, to: 'created' } });

    // At-least-once delivery: the batch events again add nothing.
    const size = await chain.treeSize();
    const { rows } = await sql<{ id: string; topic: string; key: string; payload: unknown }>`
      select id, topic, key, payload from platform.outbox
      where topic in (${TRANSITIONS_RECORDED_TOPIC}, ${DECISIONS_TOPIC}, 'evidence.records', 'payments.refund.succeeded')
      order by id`.execute(db);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    await platform.context.bus.publish(rows.map((r) => ({ ...r, occurredAt: new Date(0) })));
    expect(await chain.treeSize()).toBe(size);

    const clean = await flow.audit();
    expect(clean.problems).toEqual([]);
    expect(clean).toMatchObject({ ok: true, recordsUnchecked: 0 });
    expect(clean.recordsChecked).toBe(clean.leaves);

    // Edits behind the domains' backs, as a DBA could make them.
    await sql`update payments.payments set amount = amount + 1 where id = ${payment.id}::uuid`.execute(db);
    await sql`update payments.refunds set reason = 'forged' where id = ${refunded.value.refund.id}::uuid`.execute(db);
    await sql`alter table risk.decisions disable trigger decisions_append_only`.execute(db);
    await sql`update risk.decisions set score = score + 1 where id = ${login.id}::uuid`.execute(db);
    await sql`alter table risk.decisions enable trigger decisions_append_only`.execute(db);
    await sql`update credit.applications set consent = jsonb_set(consent, '{version}', '"consent-forged"')
      where id = ${applied.value.id}::uuid`.execute(db);
    const tampered = await flow.audit();
    expect(tampered.ok).toBe(false);
    const named = tampered.problems.map((p) => `${p.check} ${p.subject}`).sort();
    expect(named).toEqual(
      [
        ...Array.from(
          { length: transitions },
          (_, i) => `record_changed payments.transition/${formatId('pay', payment.id)}:${i}`,
        ),
        `record_changed payments.refund/${formatId('rfd', refunded.value.refund.id)}`,
        `record_changed risk.decision/${formatId('rdc', login.id)}`,
        `record_changed credit.consent/${lap}`,
      ].sort(),
    );

    // The stored decision of the application, edited: its record (not the consent's) is named.
    await sql`update credit.applications set consent = jsonb_set(consent, '{version}', '"consent-2026-01"'),
      decision = jsonb_set(decision, '{outcome}', '"forged"')
      where id = ${applied.value.id}::uuid`.execute(db);
    const decisionEdited = await flow.audit();
    expect(decisionEdited.problems.map((p) => p.subject)).toContain(`credit.decision/${lap}`);
    expect(decisionEdited.problems.map((p) => p.subject)).not.toContain(`credit.consent/${lap}`);
  });

  it('logs an AML report when generated and again when submitted; the audit names an edited report', async () => {
    const chain = platform.service<ChainService>('chain');
    const flow = platform.service<EvidenceFlow>('evidence');
    const db = platform.context.db.kysely;
    const { reports } = amlWorkbenchOf(platform.service<AmlScreeningService>('aml'), platform.context);
    await reports.recordTransactions([
      {
        id: 'aml-evidence-1',
        customerId: 'cus_evidence',
        customerType: 'personal',
        channel: 'cash',
        region: 'domestic',
        direction: 'in',
        amountMinor: 6_000_000n,
        currency: 'CNY',
        occurredAt: new Date('2026-12-03T02:00:00Z'),
        counterparty: { name: '王五' },
      },
    ]);
    const { report } = await reports.generateLargeValue('2026-12-03', 'compliance');
    expect(report.entryCount).toBe(1);
    await reports.submit(report.id, { format: 'xml', reference: 'CAMLMAC-2026-12-03-1' }, 'compliance');
    await platform.relay.drain();
    const id = formatId('amr', report.id);
    for (const recordType of ['aml.report', 'aml.report.submission']) {
      const bundle = await chain.evidence(recordType, id);
      if (!bundle.ok) throw new Error(`${recordType}/${id}: ${bundle.code}`);
      const body = JSON.parse(JSON.stringify(await flow.recordBody(recordType, id)));
      const verified = await verifyEvidence(
        { ...bundle.value, record: { recordType, recordId: id, body } },
        chain.publicKey,
      );
      expect(
        verified.checks.filter((c) => !c.ok),
        recordType,
      ).toEqual([]);
    }
    expect(await flow.recordBody('aml.report.submission', id)).toMatchObject({
      submissionReference: 'CAMLMAC-2026-12-03-1',
      submittedBy: 'compliance',
    });
    await sql`update aml.reports set entry_count = 0 where id = ${report.id}::uuid`.execute(db);
    const audit = await flow.audit();
    expect(audit.problems.map((p) => `${p.check} ${p.subject}`)).toContain(`record_changed aml.report/${id}`);
    await sql`update aml.reports set entry_count = 1 where id = ${report.id}::uuid`.execute(db);
  });

  it('has every transition of a payment on the log soon after its commit, with the relay running on its own', async () => {
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    const payments = platform.service<PaymentsService>('payments');
    const chain = platform.service<ChainService>('chain');
    const ids = platform.context.ids;
    const [bank, alice, bob] = [ids.uuid(), ids.uuid(), ids.uuid()];
    await ledger.createAccounts([
      { id: bank, currency: CNY, type: 'asset' },
      { id: alice, currency: CNY, type: 'liability' },
      { id: bob, currency: CNY, type: 'liability' },
    ]);
    await ledger.createTransfers([
      {
        kind: 'single',
        id: ids.uuid(),
        debitAccountId: bank,
        creditAccountId: alice,
        amountMinor: 1_000_00n,
        currency: CNY,
      },
    ]);
    await platform.relay.drain();
    // Production: the relay runs by itself, woken by each commit (and polling every ZHIRONG_OUTBOX_POLL_MS).
    platform.relay.start();
    const delays: number[] = [];
    for (let n = 0; n < 5; n++) {
      clock.advance(60_000);
      const created = await payments.createPayment(
        { kind: 'p2p', amountMinor: 1_00n, currency: CNY, debtorAccountId: alice, creditorAccountId: bob },
        { principal: 'key_test', actor: 'key_test', idempotencyKey: `delay-${n}`, requestHash: 'h' },
      );
      if (!created.ok || created.replayed) throw new Error(created.ok ? 'replayed' : created.code);
      const committed = performance.now();
      const last = `${formatId('pay', created.payment.id)}:${created.payment.transitions.length - 1}`;
      while (!(await chain.leafOf('payments.transition', last))) {
        if (performance.now() - committed > DELAY_BOUND_MS)
          throw new Error(`${last} not on the log after ${DELAY_BOUND_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      delays.push(performance.now() - committed);
    }
    await platform.relay.stop();
    // The documented bound with an idle relay (docs/chain.md): the poll interval plus one append and
    // its retries; measured delays are usually a few tens of milliseconds (woken by the commit).
    expect(Math.max(...delays)).toBeLessThan(DELAY_BOUND_MS);
    process.stdout.write(`evidence delay on ${backend}: ${delays.map((d) => d.toFixed(1)).join(', ')} ms\n`);
  });
});
