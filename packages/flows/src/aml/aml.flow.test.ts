// Proves payments reach the AML monitor through the ledger's outbox events: a fan-out made of p2p payments becomes one stored alert covering its ledger transfers, a replayed event adds nothing, and no payment waits on AML — on PGlite and PostgreSQL; each live alert opens one compliance case.
import { tmpdir } from 'node:os';
import { type AmlModuleService, amlModule, amlWorkbenchOf } from '@zhirong/aml';
import { openTestDatabase, testBackends } from '@zhirong/db/testing';
import { type CurrencyCode, cryptoRng, IdGenerator, ManualClock } from '@zhirong/kernel';
import { type LedgerModuleService, ledgerModule } from '@zhirong/ledger';
import { type PaymentsService, paymentsModule } from '@zhirong/payments';
import { bootPlatform, createLogger, loadConfig, ModuleRegistry, type Platform } from '@zhirong/platform';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerPaymentRail } from '../payments/ledger-rail.ts';
import { amlMonitoringModule } from './module.ts';

const CNY = 'CNY' as CurrencyCode;

describe.each(testBackends())('payments → AML monitoring on %s', (backend) => {
  let platform: Platform;
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 1, 0, 0));
  beforeAll(async () => {
    const modules = new ModuleRegistry()
      .register(ledgerModule)
      .register(paymentsModule({ rail: ledgerPaymentRail }))
      .register(amlModule)
      .register(amlMonitoringModule);
    platform = await bootPlatform({
      config: loadConfig({ ZHIRONG_OUTBOX_POLL_MS: '60000' }, tmpdir()),
      modules,
      logger: createLogger({ level: 'silent' }),
      db: await openTestDatabase(backend),
      clock,
    });
    platform.start();
    await platform.relay.stop();
  });
  afterAll(() => platform?.close());

  it('raises one fan-out alert from seven p2p payments out of a freshly funded account', async () => {
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    const payments = platform.service<PaymentsService>('payments');
    const aml = platform.service<AmlModuleService>('aml');
    const ids = new IdGenerator(clock, cryptoRng);
    const bank = ids.uuid();
    const hub = ids.uuid();
    const receivers = Array.from({ length: 7 }, () => ids.uuid());
    await ledger.createAccounts([
      { id: bank, currency: CNY, type: 'asset' },
      { id: hub, currency: CNY, type: 'liability', flags: ['debits_must_not_exceed_credits'] },
      ...receivers.map((id) => ({ id, currency: CNY, type: 'liability' as const })),
    ]);
    const [funded] = await ledger.createTransfers([
      {
        kind: 'single',
        id: ids.uuid(),
        debitAccountId: bank,
        creditAccountId: hub,
        amountMinor: 300_000_00n,
        currency: CNY,
      },
    ]);
    expect(funded?.status).toBe('created');
    await platform.relay.drain();
    let key = 0;
    for (const receiver of receivers) {
      clock.advance(40 * 60_000);
      const outcome = await payments.createPayment(
        { kind: 'p2p', amountMinor: 30_000_00n, currency: CNY, debtorAccountId: hub, creditorAccountId: receiver },
        { principal: 'key_test', actor: 'key_test', idempotencyKey: `aml-${key++}`, requestHash: 'h' },
      );
      // AML never blocks: every payment settles at once, before the monitor has seen it.
      expect(outcome.ok && !outcome.replayed && outcome.payment.state).toBe('settled');
    }
    expect((await aml.monitoring.alerts({ mode: 'live' })).data).toEqual([]);
    await platform.relay.drain();
    const alerts = (await aml.monitoring.alerts({ mode: 'live' })).data;
    expect(alerts.map((a) => a.alert.scenario)).toEqual(['fan_out']);
    const alert = alerts[0];
    const hubId = alert?.alert.focus ?? '';
    expect(alert?.alert.parties).toEqual(expect.arrayContaining([hubId]));
    // The funding transfer and the seven payments' postings, each a ledger transfer id.
    expect(alert?.alert.transactionIds).toHaveLength(8);
    expect(alert?.alert.transactionIds.every((id) => id.startsWith('trf_'))).toBe(true);
    // The alert is a compliance case (the hub account has no owner, so the account is the customer).
    const cases = await amlWorkbenchOf(aml, platform.context).cases.list({});
    expect(cases.map((c) => [c.subject, c.customerId, c.status])).toEqual([
      [{ kind: 'alert', id: alert?.id }, hubId, 'open'],
    ]);

    // At-least-once delivery: the same ledger event again adds nothing.
    const { rows } = await sql<{ id: string; payload: unknown }>`
      select id, payload from platform.outbox where topic = 'ledger.transfers.created' order by id desc limit 1`.execute(
      platform.context.db.kysely,
    );
    const last = rows[0];
    if (!last) throw new Error('no ledger event');
    await platform.context.bus.publish([
      { id: last.id, topic: 'ledger.transfers.created', key: 'x', payload: last.payload, occurredAt: new Date(0) },
    ]);
    const again = (await aml.monitoring.alerts({ mode: 'live' })).data;
    expect(again).toHaveLength(1);
    expect(again[0]?.alert.transactionIds).toEqual(alert?.alert.transactionIds);
    expect(await amlWorkbenchOf(aml, platform.context).cases.list({})).toHaveLength(1);
  });
});
