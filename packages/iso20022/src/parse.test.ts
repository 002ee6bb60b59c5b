// Proves parseIso20022 accepts the bank and scheme variants of pain.001, pacs.008 and camt.053 (prefixes, BOM, CRLF, envelopes, batch entries, both camt shapes) with the right values, and rejects a bad message whole with every error at its element path.
import { describe, expect, it } from 'vitest';
import { type CreditTransferMessage, parseIso20022, type StatementMessage } from './index.ts';
import { FIXTURES, type FixtureName, fixtureBytes, fixtureText } from './testing.ts';

function ok(name: FixtureName) {
  const result = parseIso20022(fixtureBytes(name));
  if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.errors, null, 1)}`);
  return result;
}

/** Parses `fixture` with `edit` applied to its text; returns the codes and paths of the errors. */
function rejected(name: FixtureName, edit: (xml: string) => string) {
  const xml = edit(fixtureText(name));
  expect(xml).not.toBe(fixtureText(name));
  const result = parseIso20022(xml);
  if (result.ok) throw new Error('expected the edited message to be rejected');
  for (const error of result.errors) expect(`${error.message} ${error.messageZh}`).not.toMatch(/\{\w+\}/);
  return result.errors.map((e) => `${e.code} ${e.path}`);
}

describe('accepts every fixture', () => {
  it.each(FIXTURES)('%s', (name) => {
    const result = ok(name);
    expect(result.summary.errors).toEqual([]);
    expect(result.summary.transactions).toBeGreaterThan(0);
  });
});

describe('pain.001.001.03', () => {
  it('reads a SEPA message with two payment information blocks', () => {
    const { message, summary } = ok('pain001-sepa-multi.xml');
    const m = message as CreditTransferMessage;
    expect(summary).toMatchObject({
      messageType: 'pain.001.001.03',
      transactions: 4,
      totalAmount: '12690.17',
      currency: 'EUR',
      errors: [],
    });
    expect(m).toMatchObject({ messageId: 'ZR-SCT-20260312-0001', numberOfTransactions: 4, controlSum: '12690.17' });
    expect(m.initiatingParty).toBe('Muster Handels GmbH');
    const [first, second, third] = m.transfers;
    expect(first).toMatchObject({
      endToEndId: 'SALARY-202603-0001',
      instructionId: 'SAL-0001',
      amount: 320000n,
      currency: 'EUR',
      debtor: { name: 'Muster Handels GmbH', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', country: 'DE' },
      creditor: { name: 'Jan de Vries', iban: 'NL91ABNA0417164300', bic: 'INGBNL2A' },
      categoryPurpose: 'SALA',
      requestedExecutionDate: '2026-03-13',
      chargeBearer: 'SLEV',
      paymentInformationId: 'SALARIES-2026-03',
      batchBooking: true,
      remittanceInformation: 'Salary March 2026',
      path: '/Document/CstmrCdtTrfInitn/PmtInf[0]/CdtTrfTxInf[0]',
    });
    expect(second).toMatchObject({ endToEndId: 'NOTPROVIDED', amount: 320000n, purpose: 'SALA' });
    expect(second?.ultimateCreditor).toEqual({ name: 'Marie Dubois-Laurent' });
    expect(third).toMatchObject({
      endToEndId: 'INV-2026-0447',
      amount: 589017n,
      remittanceInformation: 'RF18539007547034',
      ultimateDebtor: { name: 'Muster Handels GmbH Filiale Koeln' },
      creditor: { country: 'BE' },
      batchBooking: false,
    });
    expect(m.transfers[3]?.categoryPurpose).toBe('SUPP');
  });

  it('reads prefixed elements, a BOM, CRLF line ends, Chinese text and non-IBAN accounts', () => {
    const bytes = fixtureBytes('pain001-prefixed-cny.xml');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const { message, summary } = ok('pain001-prefixed-cny.xml');
    const m = message as CreditTransferMessage;
    expect(summary).toMatchObject({ transactions: 2, totalAmount: '15800.50', currency: 'CNY' });
    expect(m.initiatingParty).toBe('杭州智融贸易有限公司');
    expect(m.transfers[0]).toMatchObject({
      creditor: { name: '张三', otherAccountId: '6217000010001234567', bic: 'BKCHCNBJ' },
      debtor: { otherAccountId: '6222020200112233445', bic: 'ICBKCNBJ300', country: 'CN' },
      remittanceInformation: '货款 & 运费（第一期）',
      amount: 1280050n,
    });
  });

  it('accepts the same message as a string, as UTF-16 with a BOM, and as declared ISO-8859-1', () => {
    const text = fixtureText('pain001-sepa-multi.xml');
    expect(parseIso20022(text).ok).toBe(true);
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      utf16[2 + i * 2] = text.charCodeAt(i) & 0xff;
      utf16[3 + i * 2] = text.charCodeAt(i) >> 8;
    }
    expect(parseIso20022(utf16).ok).toBe(true);
    const latin = text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace('Marie Dubois<', 'Marie Dübois<');
    const latinBytes = Uint8Array.from([...latin].map((c) => c.charCodeAt(0)));
    const parsed = parseIso20022(latinBytes);
    expect(parsed.ok && (parsed.message as CreditTransferMessage).transfers[1]?.creditor.name).toBe('Marie Dübois');
  });

  it('rejects a broken message whole and lists every error with its path', () => {
    const errors = rejected('pain001-sepa-multi.xml', (xml) =>
      xml
        .replace('<NbOfTxs>4</NbOfTxs>', '<NbOfTxs>5</NbOfTxs>')
        .replace('<CtrlSum>6400.00</CtrlSum>', '<CtrlSum>6400.01</CtrlSum>')
        .replace('NL91ABNA0417164300', 'NL91ABNA0417164301')
        .replace('<BIC>INGBNL2A</BIC>', '<BIC>ING-NL2A</BIC>')
        .replace('<InstdAmt Ccy="EUR">5890.17</InstdAmt>', '<InstdAmt Ccy="EUR">5890.175</InstdAmt>')
        .replace('<InstdAmt Ccy="EUR">400.00</InstdAmt>', '<InstdAmt Ccy="XYZ">400.00</InstdAmt>')
        .replace('<EndToEndId>INV-2026-0448</EndToEndId>', '<EndToEndId>INV-2026-0447</EndToEndId>')
        .replace('<ReqdExctnDt>2026-03-16</ReqdExctnDt>', '<ReqdExctnDt>2026-02-30</ReqdExctnDt>')
        .replace('<MsgId>ZR-SCT-20260312-0001</MsgId>', `<MsgId>${'M'.repeat(36)}</MsgId>`),
    );
    const base = '/Document/CstmrCdtTrfInitn';
    expect(errors).toEqual(
      expect.arrayContaining([
        `text_too_long ${base}/GrpHdr/MsgId`,
        `number_of_transactions_mismatch ${base}/GrpHdr/NbOfTxs`,
        `control_sum_mismatch ${base}/PmtInf[0]/CtrlSum`,
        `iban_check_digit ${base}/PmtInf[0]/CdtTrfTxInf[0]/CdtrAcct/Id/IBAN`,
        `bic_format ${base}/PmtInf[0]/CdtTrfTxInf[0]/CdtrAgt/FinInstnId/BIC`,
        `amount_too_precise ${base}/PmtInf[1]/CdtTrfTxInf[0]/Amt/InstdAmt`,
        `currency_unknown ${base}/PmtInf[1]/CdtTrfTxInf[1]/Amt/InstdAmt`,
        `end_to_end_id_duplicate ${base}/PmtInf[1]/CdtTrfTxInf[1]/PmtId/EndToEndId`,
        `format_invalid ${base}/PmtInf[1]/ReqdExctnDt`,
      ]),
    );
    const result = parseIso20022(
      fixtureText('pain001-sepa-multi.xml').replace('NL91ABNA0417164300', 'NL91ABNA0417164301'),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.type).toBe('pain.001.001.03');
      const [error] = result.errors;
      expect(error?.message).toContain('NL91ABNA0417164301');
      expect(error?.messageZh).toContain('校验位');
      // The summary still describes the message, so a dry run can show what was refused.
      expect(result.summary).toMatchObject({ transactions: 4, currency: 'EUR' });
    }
  });

  it('checks amounts: exact to the currency, positive, within 18 digits, with a Ccy', () => {
    const edit = (amount: string) => (xml: string) =>
      xml.replace('<InstdAmt Ccy="EUR">400.00</InstdAmt>', `<InstdAmt ${amount}</InstdAmt>`);
    const path = '/Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[1]/Amt/InstdAmt';
    expect(rejected('pain001-sepa-multi.xml', edit('Ccy="EUR">400.001'))).toContain(`amount_too_precise ${path}`);
    expect(rejected('pain001-sepa-multi.xml', edit('Ccy="JPY">400.5'))).toContain(`amount_too_precise ${path}`);
    expect(rejected('pain001-sepa-multi.xml', edit('Ccy="EUR">0.00'))).toContain(`amount_not_positive ${path}`);
    expect(rejected('pain001-sepa-multi.xml', edit('Ccy="EUR">-400.00'))).toContain(`amount_invalid ${path}`);
    expect(rejected('pain001-sepa-multi.xml', edit('Ccy="EUR">1234567890123456789'))).toContain(
      `amount_invalid ${path}`,
    );
    expect(rejected('pain001-sepa-multi.xml', edit('Ccy="EUR">4O0.00'))).toContain(`amount_invalid ${path}`);
    expect(rejected('pain001-sepa-multi.xml', edit('>400.00'))).toContain(`currency_missing ${path}`);
    // Trailing zeros beyond the currency's digits are the same amount, as XSD decimals are.
    const trailing = parseIso20022(
      fixtureText('pain001-sepa-multi.xml').replace('Ccy="EUR">400.00<', 'Ccy="EUR">400.00000<'),
    );
    expect(trailing.ok).toBe(true);
  });

  it('checks structure: required, unexpected, out-of-order, repeated and empty elements', () => {
    const base = '/Document/CstmrCdtTrfInitn';
    expect(
      rejected('pain001-sepa-multi.xml', (xml) => xml.replace('<ReqdExctnDt>2026-03-13</ReqdExctnDt>', '')),
    ).toEqual([`element_missing ${base}/PmtInf[0]/ReqdExctnDt`]);
    expect(
      rejected('pain001-sepa-multi.xml', (xml) =>
        xml.replace('<PmtMtd>TRF</PmtMtd>', '<PmtMtd>TRF</PmtMtd><Foo>1</Foo>'),
      ),
    ).toEqual([`element_unexpected ${base}/PmtInf[0]/Foo`]);
    expect(
      rejected('pain001-sepa-multi.xml', (xml) =>
        xml.replace(
          '<MsgId>ZR-SCT-20260312-0001</MsgId>\n      <CreDtTm>2026-03-12T09:30:47</CreDtTm>',
          '<CreDtTm>2026-03-12T09:30:47</CreDtTm><MsgId>ZR-SCT-20260312-0001</MsgId>',
        ),
      ),
    ).toEqual([`element_out_of_order ${base}/GrpHdr/MsgId`]);
    expect(
      rejected('pain001-sepa-multi.xml', (xml) =>
        xml.replace('<BtchBookg>true</BtchBookg>', '<BtchBookg>true</BtchBookg><BtchBookg>true</BtchBookg>'),
      ),
    ).toEqual([`element_too_many ${base}/PmtInf[0]/BtchBookg`]);
    expect(rejected('pain001-sepa-multi.xml', (xml) => xml.replace('<Nm>Jan de Vries</Nm>', '<Nm></Nm>'))).toEqual([
      `text_empty ${base}/PmtInf[0]/CdtTrfTxInf[0]/Cdtr/Nm`,
    ]);
    expect(
      rejected('pain001-sepa-multi.xml', (xml) => xml.replace('<PmtMtd>TRF</PmtMtd>', '<PmtMtd>WIRE</PmtMtd>')),
    ).toEqual([`code_unknown ${base}/PmtInf[0]/PmtMtd`]);
    expect(
      rejected('pain001-sepa-multi.xml', (xml) =>
        xml.replace('<BtchBookg>false</BtchBookg>', '<BtchBookg>yes</BtchBookg>'),
      ),
    ).toEqual([`boolean_invalid ${base}/PmtInf[1]/BtchBookg`]);
    expect(
      rejected('pain001-sepa-multi.xml', (xml) =>
        xml.replace(
          '<InstdAmt Ccy="EUR">400.00</InstdAmt>',
          '<InstdAmt Ccy="EUR">400.00</InstdAmt><EqvtAmt><Amt Ccy="EUR">1</Amt><CcyOfTrf>EUR</CcyOfTrf></EqvtAmt>',
        ),
      ),
    ).toEqual([`choice_multiple ${base}/PmtInf[1]/CdtTrfTxInf[1]/Amt`]);
  });

  it('reads pain.001.001.09 (EPC 2023): date choice, BICFI, UETR, equivalent amount', () => {
    const { message, summary } = ok('pain001-v09-sepa.xml');
    const m = message as CreditTransferMessage;
    expect(summary).toMatchObject({ messageType: 'pain.001.001.09', transactions: 3, totalAmount: '1980.30' });
    expect(m.initiatingParty).toBe('Cooperativa Agricola del Sol');
    expect(m.transfers[0]).toMatchObject({
      requestedExecutionDate: '2026-04-07',
      uetr: 'c3f1d1a2-5b6e-4f7a-8c9d-0e1f2a3b4c5d',
      debtor: { bic: 'CAIXESBBXXX', country: 'ES' },
      creditor: { bic: 'BCITITMM', iban: 'IT60X0542811101000000123456', country: 'IT' },
    });
    expect(m.transfers[1]?.categoryPurpose).toBe('SALA');
    expect(m.transfers[2]).toMatchObject({ amount: 3030n, purpose: 'SUPP' });
    const base = '/Document/CstmrCdtTrfInitn/PmtInf[0]';
    expect(
      rejected('pain001-v09-sepa.xml', (xml) =>
        xml
          .replace('<BICFI>CAIXESBBXXX</BICFI>', '<BIC>CAIXESBBXXX</BIC>')
          .replace('<BirthDt>1988-02-29</BirthDt>', '<BirthDt>1989-02-29</BirthDt>'),
      ),
    ).toEqual([
      `element_unexpected ${base}/DbtrAgt/FinInstnId/BIC`,
      `format_invalid ${base}/CdtTrfTxInf[1]/Cdtr/Id/PrvtId/DtAndPlcOfBirth/BirthDt`,
    ]);
  });

  it('accepts the Swiss SPS variant namespace of pain.001.001.03 as pain.001.001.03', () => {
    const swiss = fixtureText('pain001-sepa-multi.xml').replace(
      'xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"',
      'xmlns="http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd"',
    );
    const result = parseIso20022(swiss);
    expect(result.ok && result.summary.messageType).toBe('pain.001.001.03');
  });

  it('lets NOTPROVIDED end-to-end ids repeat (EPC rulebook) and still rejects other repeats', () => {
    const twice = fixtureText('pain001-sepa-multi.xml').replace(
      '<EndToEndId>SALARY-202603-0001</EndToEndId>',
      '<EndToEndId>NOTPROVIDED</EndToEndId>',
    );
    expect(parseIso20022(twice).ok).toBe(true);
  });
});

describe('pacs.008.001.08', () => {
  it('reads a CBPR+ transfer with UETR and transaction-level agents', () => {
    const { message, summary } = ok('pacs008-cbpr.xml');
    expect(summary).toMatchObject({
      messageType: 'pacs.008.001.08',
      transactions: 1,
      totalAmount: '1234.56',
      currency: 'USD',
    });
    expect((message as CreditTransferMessage).transfers[0]).toMatchObject({
      endToEndId: 'ABC/4562/2026-03-15',
      transactionId: 'BBBB/260315-CCT/USD/123',
      uetr: '8a562c67-ca16-48ba-b074-65581be6f001',
      amount: 123456n,
      interbankSettlementDate: '2026-03-16',
      chargeBearer: 'DEBT',
      purpose: 'GDDS',
      debtor: { name: 'Acme Industrial Supplies Inc.', otherAccountId: '000123456789', bic: 'CHASUS33', country: 'US' },
      creditor: { name: 'Pearl River Electronics Ltd', bic: 'HSBCHKHH', country: 'HK' },
    });
  });

  it('finds the Document inside a business message envelope and applies the group settlement date', () => {
    const { message, summary } = ok('pacs008-envelope-batch.xml');
    const m = message as CreditTransferMessage;
    expect(summary).toMatchObject({ transactions: 3, totalAmount: '1000.10' });
    expect(m.initiatingParty).toBe('DEUTDEFF');
    expect(m.transfers.map((t) => t.interbankSettlementDate)).toEqual(['2026-03-20', '2026-03-20', '2026-03-20']);
    expect(m.transfers[1]).toMatchObject({
      remittanceInformation: 'RF712348231',
      ultimateDebtor: { name: 'Meier Holding' },
    });
    expect(m.transfers[0]?.creditor.name).toBe('Élodie Martin');
  });

  it('checks totals, UETRs and the mandatory charge bearer', () => {
    const base = '/Document/FIToFICstmrCdtTrf';
    const errors = rejected('pacs008-envelope-batch.xml', (xml) =>
      xml
        .replace(
          '<p8:TtlIntrBkSttlmAmt Ccy="EUR">1000.10</p8:TtlIntrBkSttlmAmt>',
          '<p8:TtlIntrBkSttlmAmt Ccy="EUR">1000.00</p8:TtlIntrBkSttlmAmt>',
        )
        .replace(
          '<p8:TxId>TX-77-2</p8:TxId>',
          '<p8:TxId>TX-77-2</p8:TxId><p8:UETR>0f3a91d2-6c1e-4b7a-9d2e-1c2b3a4d5e6f</p8:UETR>',
        )
        .replace(
          '<p8:TxId>TX-77-3</p8:TxId>',
          '<p8:TxId>TX-77-3</p8:TxId><p8:UETR>0F3A91D2-6C1E-4B7A-9D2E-1C2B3A4D5E6F</p8:UETR>',
        )
        .replace(
          '<p8:IntrBkSttlmAmt Ccy="EUR">0.11</p8:IntrBkSttlmAmt>\n        <p8:ChrgBr>SLEV</p8:ChrgBr>',
          '<p8:IntrBkSttlmAmt Ccy="EUR">0.11</p8:IntrBkSttlmAmt>',
        ),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        `total_amount_mismatch ${base}/GrpHdr/TtlIntrBkSttlmAmt`,
        `uetr_duplicate ${base}/CdtTrfTxInf[1]/PmtId/UETR`,
        `format_invalid ${base}/CdtTrfTxInf[2]/PmtId/UETR`,
        `element_missing ${base}/CdtTrfTxInf[2]/ChrgBr`,
      ]),
    );
  });
});

describe('camt.053', () => {
  it('reads a camt.053.001.02 statement with a batch entry, a reversal and a pending entry', () => {
    const { message, summary } = ok('camt053-v02-batch.xml');
    const m = message as StatementMessage;
    expect(summary).toMatchObject({ messageType: 'camt.053.001.02', transactions: 4, currency: 'EUR' });
    expect(summary.totals[0]).toMatchObject({ amount: '13139.83', credits: '449.83', debits: '12690.00', count: 4 });
    const [statement] = m.statements;
    expect(statement?.account).toMatchObject({ iban: 'DE89370400440532013000', currency: 'EUR', bic: 'COBADEFFXXX' });
    expect(statement?.openingBalance).toEqual({
      amount: 2000000n,
      currency: 'EUR',
      creditDebit: 'CRDT',
      date: '2026-03-12',
    });
    expect(statement?.closingBalance?.amount).toBe(1404983n);
    expect(statement?.balances?.map((b) => b.type)).toEqual(['PRCD', 'CLBD', 'CLAV']);
    const [batch, credit, reversal, pending] = statement?.entries ?? [];
    expect(batch?.endToEndId).toBeUndefined();
    expect(batch?.transactions?.map((t) => [t.endToEndId, t.amount])).toEqual([
      ['SALARY-202603-0001', 320000n],
      [undefined, 320000n],
    ]);
    expect(batch?.bankTransactionCode).toEqual({
      domain: 'PMNT',
      family: 'ICDT',
      subFamily: 'ESCT',
      proprietary: 'NTRF+191+00931',
    });
    expect(credit).toMatchObject({
      endToEndId: 'ORDER-55120',
      status: 'BOOK',
      counterparty: { name: 'Kunde AG', iban: 'CH9300762011623852957', bic: 'UBSWCHZH80A' },
      remittanceInformation: 'RF18539007547034',
    });
    expect(reversal).toMatchObject({ reversal: true, valueDate: '2026-03-12', creditDebit: 'CRDT' });
    expect(pending).toMatchObject({ status: 'PDNG', valueDate: '2026-03-16' });
    expect(pending?.bookingDate).toBeUndefined();
  });

  it('reads a camt.053.001.08 statement: status choice, Pty wrappers, UETR, several entry details', () => {
    const { message } = ok('camt053-v08-cbpr.xml');
    const [statement] = (message as StatementMessage).statements;
    expect(statement?.account).toMatchObject({ otherAccountId: '400515123456', currency: 'USD', bic: 'HSBCHKHH' });
    expect(statement?.from).toBe('2026-03-16T00:00:00+08:00');
    const [incoming, fees] = statement?.entries ?? [];
    expect(incoming).toMatchObject({
      status: 'BOOK',
      endToEndId: 'ABC/4562/2026-03-15',
      uetr: '8a562c67-ca16-48ba-b074-65581be6f001',
      counterparty: { name: 'Acme Industrial Supplies Inc.', bic: 'CHASUS33', country: 'US' },
    });
    expect(fees?.transactions?.length).toBe(2);
    expect(fees?.transactions?.[1]?.counterparty).toEqual({ bic: 'CITIUS33' });
    expect(fees?.remittanceInformation).toBe('Monthly account fees');
  });

  it('accepts the neighbouring versions 03 to 07 in either shape', () => {
    for (const version of ['03', '04', '05', '06', '07']) {
      for (const name of ['camt053-v02-batch.xml', 'camt053-v08-cbpr.xml'] as const) {
        const from = name === 'camt053-v02-batch.xml' ? 'camt.053.001.02' : 'camt.053.001.08';
        const xml = fixtureText(name)
          .replaceAll(from, `camt.053.001.${version}`)
          .replace(/<BIC>/g, '<BICFI>')
          .replace(/<\/BIC>/g, '</BICFI>');
        const result = parseIso20022(xml);
        expect(result.ok ? [] : result.errors, `${version} ${name}`).toEqual([]);
      }
    }
  });

  it('rejects bad statement values at their paths', () => {
    const base = '/Document/BkToCstmrStmt/Stmt[0]';
    const errors = rejected('camt053-v02-batch.xml', (xml) =>
      xml
        .replace('<Sts>PDNG</Sts>', '<Sts>DONE</Sts>')
        .replace('<Amt Ccy="EUR">289.83</Amt>', '<Amt Ccy="EUR">289.833</Amt>')
        .replace('<Cd>CLAV</Cd>', '<Cd>XXXX</Cd>')
        .replace(
          '<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>BOOK</Sts>',
          '<CdtDbtInd>DEBIT</CdtDbtInd>\n        <Sts>BOOK</Sts>',
        ),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        `code_unknown ${base}/Ntry[3]/Sts`,
        `amount_too_precise ${base}/Ntry[1]/Amt`,
        `code_unknown ${base}/Bal[2]/Tp/CdOrPrtry/Cd`,
        `code_unknown ${base}/Ntry[0]/CdtDbtInd`,
      ]),
    );
    expect(rejected('camt053-v08-cbpr.xml', (xml) => xml.replace(/<Bal>[\s\S]*<\/Bal>/, ''))).toEqual([
      `element_missing ${base}/Bal[0]`,
    ]);
  });
});

describe('refuses what is not a supported ISO 20022 message', () => {
  const single = (input: string | Uint8Array) => {
    const result = parseIso20022(input);
    expect(result.ok).toBe(false);
    return result.ok ? '' : result.errors.map((e) => e.code).join(',');
  };

  it('names the problem for non-XML, broken XML, wrong encodings and unsupported namespaces', () => {
    expect(single('')).toBe('xml_malformed');
    expect(single('hello, world')).toBe('xml_malformed');
    expect(single('<Document><a></Document>')).toBe('xml_malformed');
    expect(single('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document/>')).toBe('xml_doctype_forbidden');
    expect(single(Uint8Array.from([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e]))).toBe('encoding_invalid');
    // A string is already decoded: its declaration's encoding no longer matters.
    expect(single('<?xml version="1.0" encoding="EBCDIC"?><a/>')).toBe('document_missing');
    expect(single(new TextEncoder().encode('<?xml version="1.0" encoding="EBCDIC"?><a/>'))).toBe(
      'encoding_unsupported',
    );
    expect(single('<x:Document xmlns:y="urn:y"/>')).toBe('xml_malformed');
    expect(single('<Invoice xmlns="urn:example"/>')).toBe('document_missing');
    expect(single('<Document/>')).toBe('namespace_unsupported');
    expect(single('<Envelope><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.12"/></Envelope>')).toBe(
      'namespace_unsupported',
    );
    const pain12 = fixtureText('pain001-sepa-multi.xml').replace(/pain\.001\.001\.03/g, 'pain.001.001.12');
    const unsupported = parseIso20022(pain12);
    expect(unsupported.ok).toBe(false);
    if (!unsupported.ok) {
      expect(unsupported.errors[0]?.code).toBe('namespace_unsupported');
      expect(unsupported.errors[0]?.message).toContain('urn:iso:std:iso:20022:tech:xsd:pain.001.001.12');
    }
  });

  it('reports elements from a foreign namespace inside the Document', () => {
    const xml = fixtureText('pacs008-cbpr.xml').replace('<Purp>', '<x:Note xmlns:x="urn:x">hi</x:Note><Purp>');
    const result = parseIso20022(xml);
    expect(result.ok ? [] : result.errors.map((e) => `${e.code} ${e.path}`)).toEqual([
      'element_namespace /Document/FIToFICstmrCdtTrf/CdtTrfTxInf[0]/Note',
    ]);
  });
});
