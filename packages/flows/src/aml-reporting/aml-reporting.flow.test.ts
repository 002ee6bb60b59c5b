// Proves AML is fed from the other domains on both databases: a settled payment becomes the payer's `out` and the payee's `in` transactions (owner from the ledger, cross-border and cash recognised), a payment to a new external counterparty screens it once and a hit opens a case, and a list loaded through the outbox re-screens every customer and opens a case.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AmlScreeningService, amlModule, amlWorkbenchOf, readCsvNames } from '@zhirong/aml';
import { openTestDatabase, testBackends } from '@zhirong/db/testing';
import { type CurrencyCode, formatId } from '@zhirong/kernel';
import { type LedgerModuleService, ledgerModule } from '@zhirong/ledger';
import type { PaymentOrder } from '@zhirong/payments';
import { bootPlatform, createLogger, loadConfig, ModuleRegistry, type Platform } from '@zhirong/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmlReportingFlow, amlReportingModule, paymentTransactions } from './module.ts';

const CNY = 'CNY' as CurrencyCode;

function payment(overrides: Partial<PaymentOrder>): PaymentOrder {
  const at = new Date('2026-06-01T02:00:00Z');
  return {
    id: '0190f000-0000-7000-8000-000000000001',
    kind: 'payout',
    state: 'settled',
    amountMinor: 30_000_000n,
    currency: CNY,
    creditAmountMinor: 30_000_000n,
    creditCurrency: CNY,
    debtorAccountId: null,
    creditorAccountId: null,
    debtor: null,
    creditor: null,
    merchantId: null,
    mdr: null,
    feeMinor: 0n,
    quote: null,
    capture: 'automatic',
    endToEndId: null,
    remittanceInformation: null,
    refundedMinor: 0n,
    failureCode: null,
    riskVerdict: null,
    metadata: {},
    transitions: [],
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

describe('paymentTransactions', () => {
  it('maps both internal sides, cross-border and cash', () => {
    const settled = new Date('2026-06-01T03:00:00Z');
    const p2p = payment({
      kind: 'p2p',
      debtorAccountId: '0190f000-0000-7000-8000-00000000000a',
      creditorAccountId: '0190f000-0000-7000-8000-00000000000b',
      metadata: { channel: 'cash' },
    });
    const legs = paymentTransactions(p2p, settled, {
      owners: new Map([['0190f000-0000-7000-8000-00000000000a', 'cus-a']]),
      types: new Map([['cus-a', 'corporate']]),
    });
    expect(legs.map((t) => [t.customerId, t.customerType, t.direction, t.channel, t.region, t.amountMinor])).toEqual([
      ['cus-a', 'corporate', 'out', 'cash', 'domestic', 30_000_000n],
      [formatId('acc', '0190f000-0000-7000-8000-00000000000b'), 'personal', 'in', 'cash', 'domestic', 30_000_000n],
    ]);
    const abroad = payment({
      debtorAccountId: '0190f000-0000-7000-8000-00000000000a',
      creditor: { name: 'Acme GmbH', iban: 'DE89370400440532013000', country: 'DE' },
    });
    const [out] = paymentTransactions(abroad, settled, { owners: new Map(), types: new Map() });
    expect(out).toMatchObject({
      region: 'cross_border',
      direction: 'out',
      counterparty: { name: 'Acme GmbH', accountId: 'DE89370400440532013000', country: 'DE' },
    });
  });
});

describe.each(testBackends())('AML reporting flow on %s', (backend) => {
  let platform: Platform;
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zhirong-aml-flow-'));
    platform = await bootPlatform({
      config: loadConfig({ ZHIRONG_DATA_DIR: dataDir, ZHIRONG_OUTBOX_POLL_MS: '60000' }, dataDir),
      modules: new ModuleRegistry().register(ledgerModule).register(amlModule).register(amlReportingModule),
      logger: createLogger({ level: 'silent' }),
      db: await openTestDatabase(backend),
    });
    platform.start();
    await platform.relay.stop();
  });
  afterAll(() => platform.close());

  it('records settled payments and screens a new counterparty once', async () => {
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    const flow = platform.service<AmlReportingFlow>('aml-reporting');
    const screening = platform.service<AmlScreeningService>('aml');
    await screening.loadList({
      listName: 'ofac',
      kind: 'sanctions',
      sourceFormat: 'csv',
      sourceName: 'ofac.csv',
      records: readCsvNames('full_name\nGolden Dragon Trading Ltd\n', 'ofac.csv'),
    });
    const account = platform.context.ids.uuid();
    await ledger.createAccounts([{ id: account, currency: CNY, type: 'liability', ownerRef: 'cus-owner' }]);
    const toDragon = (id: string) =>
      payment({
        id,
        debtorAccountId: account,
        creditor: { name: 'GOLDEN DRAGON TRADING LIMITED', iban: 'HK00DRAGON', country: 'HK' },
      });
    const settled = new Date('2026-06-01T03:00:00Z');
    expect(await flow.recordPayment(toDragon('0190f000-0000-7000-8000-000000000101'), settled)).toEqual({
      recorded: 1,
      screened: 1,
    });
    expect(await flow.recordPayment(toDragon('0190f000-0000-7000-8000-000000000102'), settled)).toEqual({
      recorded: 1,
      screened: 0,
    });
    const aml = amlWorkbenchOf(screening, platform.context);
    const cases = await aml.cases.list({ customerId: 'cus-owner' });
    expect(cases.map((c) => c.evidence)).toMatchObject([
      { source: 'payment_counterparty', counterpartyKey: 'iban:HK00DRAGON' },
    ]);
    const day = await aml.reports.aggregates('2026-06-01');
    expect(day.map((a) => [a.customerId, a.category, a.totalMinor])).toEqual([
      ['cus-owner', 'personal_cross_border_transfer', 60_000_000n],
    ]);
  });

  it('re-screens every customer when a list version is loaded', async () => {
    const screening = platform.service<AmlScreeningService>('aml');
    const aml = amlWorkbenchOf(screening, platform.context);
    await aml.screeningCases.onboard(
      { customerId: 'cus-li', customerType: 'personal', fullName: 'Li Na', country: 'CN', products: [], pep: false },
      'onboarding',
    );
    expect(await aml.cases.list({ customerId: 'cus-li' })).toEqual([]);
    await screening.loadList({
      listName: 'pep-cn',
      kind: 'pep',
      sourceFormat: 'csv',
      sourceName: 'pep.csv',
      records: readCsvNames('full_name\n李娜\n', 'pep.csv'),
    });
    await platform.relay.drain();
    const cases = await aml.cases.list({ customerId: 'cus-li' });
    expect(cases.map((c) => c.evidence)).toMatchObject([{ source: 'rescreen', list: 'pep-cn' }]);
  });
});
