// Proves the pacs.008 and camt.053 builders write messages that re-parse cleanly to the same values (fast-check round trips over names with Chinese and XML-special characters, every currency exponent, UETRs, batch and reversal entries), and refuse input that would make an invalid message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildCamt053,
  buildPacs008,
  type CreditTransfer,
  type CreditTransferMessage,
  Iso20022BuildError,
  parseIso20022,
  type StatementEntry,
  type StatementMessage,
} from './index.ts';
import { germanIban } from './testing.ts';

const CHARS = [...'abcXYZ019 -./&<>"\'张三李四银行（）é'];
const text = (max: number) =>
  fc
    .string({ unit: fc.constantFrom(...CHARS), minLength: 1, maxLength: max })
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
const currency = fc.constantFrom('EUR', 'USD', 'CNY', 'JPY', 'KWD', 'GBP');
const amount = fc.bigInt({ min: 1n, max: 10n ** 15n });
const bic = fc.constantFrom('DEUTDEFF', 'COBADEFFXXX', 'BKCHCNBJ', 'HSBCHKHH', 'CHASUS33', 'ICBKCNBJ300');
const iban = fc.integer({ min: 1, max: 2_000_000_000 }).map(germanIban);
const party = fc.record(
  {
    name: text(140),
    iban,
    bic,
    country: fc.constantFrom('DE', 'CN', 'HK', 'US'),
  },
  { requiredKeys: ['bic'] },
);

const transfers = fc
  .array(
    fc.record(
      {
        amount,
        currency,
        debtor: party,
        creditor: party,
        uetr: fc.uuid({ version: 4 }),
        remittanceInformation: text(140),
        purpose: fc.constantFrom('GDDS', 'SALA', 'SUPP'),
        instructionId: text(35),
      },
      { requiredKeys: ['amount', 'currency', 'debtor', 'creditor'] },
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((list) => list.map((t, i): CreditTransfer => ({ ...t, endToEndId: `E2E-${i}`, transactionId: `TX-${i}` })));

describe('buildPacs008', () => {
  it('round-trips any batch of transfers through parseIso20022', () => {
    fc.assert(
      fc.property(transfers, (list) => {
        const xml = buildPacs008({
          messageId: 'OUT-1',
          createdAt: '2026-03-16T10:00:00Z',
          settlementDate: '2026-03-16',
          instructingAgentBic: 'DEUTDEFF',
          instructedAgentBic: 'HSBCHKHH',
          transfers: list,
        });
        const parsed = parseIso20022(xml);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
        const message = parsed.message as CreditTransferMessage;
        expect(message.type).toBe('pacs.008.001.08');
        expect(message.numberOfTransactions).toBe(list.length);
        message.transfers.forEach((back, i) => {
          const sent = list[i] as CreditTransfer;
          expect(back).toMatchObject({
            endToEndId: sent.endToEndId,
            transactionId: sent.transactionId,
            amount: sent.amount,
            currency: sent.currency,
            interbankSettlementDate: '2026-03-16',
            chargeBearer: 'SHAR',
            debtor: sent.debtor,
            creditor: sent.creditor,
          });
          expect(back.uetr).toBe(sent.uetr);
          expect(back.remittanceInformation).toBe(sent.remittanceInformation);
          expect(back.purpose).toBe(sent.purpose);
          expect(back.instructionId).toBe(sent.instructionId);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('refuses input that would not validate, naming every element', () => {
    const transfer: CreditTransfer = {
      endToEndId: 'E2E-1',
      amount: 100n,
      currency: 'EUR',
      debtor: { name: 'A', iban: 'DE89370400440532013001', bic: 'DEUTDEFF' },
      creditor: { name: 'B', iban: 'NL91ABNA0417164300' },
    };
    const build = (transfers: CreditTransfer[]) => () =>
      buildPacs008({ messageId: 'X', createdAt: '2026-03-16T10:00:00Z', settlementDate: '2026-03-16', transfers });
    expect(build([transfer])).toThrow(Iso20022BuildError);
    try {
      build([transfer, { ...transfer, currency: 'XXX' }])();
    } catch (error) {
      const codes = (error as Iso20022BuildError).errors.map((e) => `${e.code} ${e.path}`);
      expect(codes).toEqual(
        expect.arrayContaining([
          'iban_check_digit /Document/FIToFICstmrCdtTrf/CdtTrfTxInf[0]/DbtrAcct/Id/IBAN',
          'element_missing /Document/FIToFICstmrCdtTrf/CdtTrfTxInf[0]/CdtrAgt',
          'currency_unknown /Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt',
          'end_to_end_id_duplicate /Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/PmtId/EndToEndId',
        ]),
      );
    }
    expect(build([])).toThrow(/CdtTrfTxInf/);
  });
});

const entry = fc.record(
  {
    amount: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    creditDebit: fc.constantFrom('CRDT' as const, 'DBIT' as const),
    status: fc.constantFrom('BOOK', 'PDNG', 'INFO'),
    bookingDate: fc.constantFrom('2026-03-16', '2026-03-17'),
    valueDate: fc.constantFrom('2026-03-15', '2026-03-16'),
    endToEndId: text(35),
    entryReference: text(35),
    accountServicerReference: text(35),
    counterparty: party,
    remittanceInformation: text(140),
    reversal: fc.constant(true),
  },
  { requiredKeys: ['amount', 'creditDebit', 'status'] },
);

describe('buildCamt053', () => {
  it('round-trips any statement through parseIso20022', () => {
    fc.assert(
      fc.property(currency, fc.array(entry, { maxLength: 10 }), (ccy, entries) => {
        const statementEntries: StatementEntry[] = entries.map((e) => ({ ...e, currency: ccy }));
        const xml = buildCamt053({
          messageId: 'STMT-1',
          createdAt: '2026-03-17T01:00:00Z',
          statement: {
            id: 'S-1',
            account: { iban: 'DE89370400440532013000', currency: ccy, name: '清算账户', bic: 'COBADEFFXXX' },
            from: '2026-03-16',
            to: '2026-03-16',
            openingBalance: { amount: 100n, currency: ccy, creditDebit: 'CRDT', date: '2026-03-15' },
            closingBalance: { amount: 5n, currency: ccy, creditDebit: 'DBIT', date: '2026-03-16' },
            entries: statementEntries,
          },
        });
        const parsed = parseIso20022(xml);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
        const [statement] = (parsed.message as StatementMessage).statements;
        expect(statement?.from).toBe('2026-03-16T00:00:00');
        expect(statement?.openingBalance).toEqual({
          amount: 100n,
          currency: ccy,
          creditDebit: 'CRDT',
          date: '2026-03-15',
        });
        expect(statement?.closingBalance?.creditDebit).toBe('DBIT');
        expect(statement?.account).toMatchObject({
          iban: 'DE89370400440532013000',
          name: '清算账户',
          bic: 'COBADEFFXXX',
        });
        expect(statement?.entries.length).toBe(statementEntries.length);
        statement?.entries.forEach((back, i) => {
          const sent = statementEntries[i] as StatementEntry;
          for (const key of [
            'amount',
            'currency',
            'creditDebit',
            'status',
            'bookingDate',
            'valueDate',
            'endToEndId',
            'entryReference',
            'accountServicerReference',
            'remittanceInformation',
            'reversal',
          ] as const)
            expect(back[key], key).toEqual(sent[key]);
          expect(back.counterparty).toEqual(sent.counterparty);
        });
        expect(parsed.summary.transactions).toBe(statementEntries.length);
      }),
      { numRuns: 60 },
    );
  });

  it('writes batch entries with one TxDtls per transaction', () => {
    const xml = buildCamt053({
      messageId: 'M',
      createdAt: '2026-03-17T01:00:00Z',
      statement: {
        id: 'S',
        account: { otherAccountId: '12345', currency: 'JPY' },
        balances: [
          { type: 'CLBD', amount: 0n, currency: 'JPY', creditDebit: 'CRDT', date: '2026-03-16T23:59:59+09:00' },
        ],
        entries: [
          {
            amount: 3000n,
            currency: 'JPY',
            creditDebit: 'DBIT',
            status: 'BOOK',
            transactions: [
              { endToEndId: 'A', amount: 1000n, currency: 'JPY', creditDebit: 'DBIT' },
              { endToEndId: 'B', amount: 2000n, currency: 'JPY', creditDebit: 'DBIT', counterparty: { name: '山田' } },
            ],
          },
        ],
      },
    });
    const parsed = parseIso20022(xml);
    expect(parsed.ok).toBe(true);
    const [back] = parsed.ok ? ((parsed.message as StatementMessage).statements[0]?.entries ?? []) : [];
    expect(back?.transactions?.map((t) => [t.endToEndId, t.amount, t.counterparty?.name])).toEqual([
      ['A', 1000n, undefined],
      ['B', 2000n, '山田'],
    ]);
    expect(() =>
      buildCamt053({
        messageId: 'M',
        createdAt: '2026-03-17T01:00:00Z',
        statement: { id: 'S', account: { iban: 'X' }, entries: [] },
      }),
    ).toThrow(Iso20022BuildError);
  });
});
