// Proves the payments side of ISO 20022 on both engines: a pain.001 becomes payouts and a pacs.008 inbound credits, all or none (an unknown account, a repeated or already used end-to-end id refuses the whole message with element paths); a ledger account becomes a camt.053-shaped statement with balances and end-to-end ids; the clearing account becomes the book for reconciliation.
import { testBackends } from '@zhirong/db/testing';
import { type CurrencyCode, formatId } from '@zhirong/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountStatement, clearingBook, type IsoCreditTransferMessage, importCreditTransfers } from './iso20022.ts';
import { openPaymentsTestPlatform, type PaymentsTestPlatform } from './testing.ts';

describe.each(testBackends())('ISO 20022 payments on %s', (backend) => {
  let t: PaymentsTestPlatform;
  let customer: string;
  const iban = 'CN12ZHIRONG0000000000001';
  const context = { principal: 'cli', actor: 'cli' };

  beforeAll(async () => {
    t = await openPaymentsTestPlatform(backend);
    customer = await t.account('CNY', 10_000_00n);
  });
  afterAll(async () => {
    await t?.close();
  });

  const accountFor = (party: { iban?: string }) => (party.iban === iban ? customer : undefined);
  const transfer = (endToEndId: string, amount: bigint, overrides: object = {}) => ({
    endToEndId,
    amount,
    currency: 'CNY',
    debtor: { name: 'Our Customer', iban },
    creditor: { name: 'Supplier GmbH', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
    remittanceInformation: `Invoice ${endToEndId}`,
    ...overrides,
  });
  const tag = backend;

  it('imports a pain.001 as payouts, all or none', async () => {
    const bad: IsoCreditTransferMessage = {
      type: 'pain.001.001.03',
      messageId: `MSG-BAD-${tag}`,
      transfers: [
        transfer(`E2E-A-${tag}`, 100_00n),
        transfer(`E2E-A-${tag}`, 5_00n),
        transfer(`E2E-C-${tag}`, 1_00n, { debtor: { iban: 'GB29NWBK60161331926819' } }),
      ],
    };
    const refused = await importCreditTransfers(t.payments, bad, { accountFor, context });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.errors.map((e) => [e.path, e.code])).toEqual([
        ['/transfers/1/endToEndId', 'end_to_end_id_duplicate'],
        ['/transfers/2/debtor', 'account_unknown'],
      ]);
    }
    expect(await t.balance(customer)).toBe(10_000_00n);

    const good: IsoCreditTransferMessage = {
      type: 'pain.001.001.03',
      messageId: `MSG-1-${tag}`,
      transfers: [transfer(`E2E-1-${tag}`, 1_200_00n), transfer('NOTPROVIDED', 300_50n), transfer('NOTPROVIDED', 1n)],
    };
    const dry = await importCreditTransfers(t.payments, good, { accountFor, context, dryRun: true });
    expect(dry.ok && dry.inputs.map((i) => i.kind)).toEqual(['payout', 'payout', 'payout']);
    expect(await t.balance(customer)).toBe(10_000_00n);
    const imported = await importCreditTransfers(t.payments, good, { accountFor, context });
    if (!imported.ok) throw new Error(JSON.stringify(imported.errors));
    expect(imported.payments.map((p) => [p.kind, p.state, p.endToEndId])).toEqual([
      ['payout', 'settled', `E2E-1-${tag}`],
      ['payout', 'settled', null],
      ['payout', 'settled', null],
    ]);
    expect(imported.payments[0]?.creditor).toMatchObject({ iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' });
    expect(imported.payments[0]?.metadata).toMatchObject({ iso20022: { messageId: `MSG-1-${tag}` } });
    expect(await t.balance(customer)).toBe(10_000_00n - 1_500_51n);

    // The same message again: its end-to-end id is taken, so nothing is created.
    const again = await importCreditTransfers(t.payments, good, { accountFor, context });
    expect(again.ok === false && again.errors.map((e) => e.code)).toEqual(['end_to_end_id_exists']);
    expect(await t.balance(customer)).toBe(10_000_00n - 1_500_51n);
  });

  it('imports a pacs.008 as inbound credits to the creditor', async () => {
    const message: IsoCreditTransferMessage = {
      type: 'pacs.008.001.08',
      messageId: `PACS-${tag}`,
      transfers: [
        transfer(`IN-1-${tag}`, 700_00n, {
          debtor: { name: 'Sender Ltd', iban: 'GB29NWBK60161331926819', bic: 'NWBKGB2L' },
          creditor: { name: 'Our Customer', iban },
        }),
      ],
    };
    const before = await t.balance(customer);
    const imported = await importCreditTransfers(t.payments, message, { accountFor, context });
    if (!imported.ok) throw new Error(JSON.stringify(imported.errors));
    expect(imported.payments[0]).toMatchObject({ kind: 'inbound', state: 'settled', debtor: { bic: 'NWBKGB2L' } });
    expect(await t.balance(customer)).toBe(before + 700_00n);
  });

  it('builds a statement of an account and the clearing book with end-to-end ids', async () => {
    const from = new Date(Date.UTC(2000, 0, 1));
    const to = new Date(Date.UTC(2100, 0, 1));
    const statement = await accountStatement(t.ledger, t.payments, {
      accountId: customer,
      from,
      to,
      iban,
      statementId: `STMT-${tag}`,
      createdAt: new Date(Date.UTC(2026, 10, 26)),
    });
    if (!statement) throw new Error('no statement');
    expect(statement.account).toEqual({ iban, currency: 'CNY' });
    expect(statement.openingBalance).toMatchObject({ amount: 0n, creditDebit: 'CRDT' });
    const closing = await t.balance(customer);
    expect(statement.closingBalance).toMatchObject({ amount: closing, currency: 'CNY', creditDebit: 'CRDT' });
    const net = statement.entries.reduce((s, e) => s + (e.creditDebit === 'CRDT' ? e.amount : -e.amount), 0n);
    expect(net).toBe(closing);
    expect(statement.entries.find((e) => e.endToEndId === `E2E-1-${tag}`)).toMatchObject({
      amount: 1_200_00n,
      creditDebit: 'DBIT',
      status: 'BOOK',
      counterparty: { name: 'Supplier GmbH' },
      remittanceInformation: `Invoice E2E-1-${tag}`,
    });
    expect(statement.entries.find((e) => e.endToEndId === `IN-1-${tag}`)).toMatchObject({
      amount: 700_00n,
      creditDebit: 'CRDT',
    });

    const book = await clearingBook(t.ledger, t.payments, { currency: 'CNY' as CurrencyCode, from, to });
    expect(book.find((b) => b.endToEndId === `E2E-1-${tag}`)).toMatchObject({ amount: 1_200_00n, creditDebit: 'DBIT' });
    expect(book.find((b) => b.endToEndId === `IN-1-${tag}`)).toMatchObject({ amount: 700_00n, creditDebit: 'CRDT' });
    expect(book.every((b) => b.id.startsWith('trf_'))).toBe(true);
    expect(formatId('acc', customer)).toMatch(/^acc_/);
  });
});
