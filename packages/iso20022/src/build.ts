import { findCurrency, formatAmount } from '@zhirong/kernel';
import { formatScaled, parseDecimal, scaled } from './decimal.ts';
import { NAMESPACE_PREFIX } from './definitions.ts';
import type { Balance, CreditTransfer, EntryTransaction, Party, Statement, StatementEntry } from './model.ts';
import { parseIso20022 } from './parse.ts';
import type { Iso20022Error } from './schema.ts';
import { el, optional, serialize, type XmlNode } from './xml-writer.ts';

/** A builder's input would make an invalid message; `errors` are those its output failed with. */
export class Iso20022BuildError extends Error {
  constructor(
    readonly messageType: string,
    readonly errors: readonly Iso20022Error[],
  ) {
    super(
      `cannot build a valid ${messageType}: ${errors
        .slice(0, 5)
        .map((e) => `${e.path}: ${e.message}`)
        .join('; ')}${errors.length > 5 ? ` (+${errors.length - 5} more)` : ''}`,
    );
    this.name = 'Iso20022BuildError';
  }
}

function account(party: Party, name: string): XmlNode | undefined {
  if (party.iban !== undefined) return el(name, [el('Id', [el('IBAN', party.iban)])]);
  if (party.otherAccountId !== undefined) return el(name, [el('Id', [el('Othr', [el('Id', party.otherAccountId)])])]);
  return undefined;
}

function agent(name: string, bic: string | undefined): XmlNode | undefined {
  return bic === undefined ? undefined : el(name, [el('FinInstnId', [el('BICFI', bic)])]);
}

function partyNode(name: string, party: Party | undefined): XmlNode | undefined {
  if (party === undefined) return undefined;
  return el(name, [
    optional('Nm', party.name),
    party.country === undefined ? undefined : el('PstlAdr', [el('Ctry', party.country)]),
  ]);
}

function codeChoice(name: string, code: string | undefined): XmlNode | undefined {
  if (code === undefined) return undefined;
  return el(name, [code.length <= 4 ? el('Cd', code) : el('Prtry', code)]);
}

function amountNode(name: string, amount: bigint, currency: string): XmlNode {
  // An unknown currency is written as is, so that the re-parse reports it with its path.
  const text = findCurrency(currency) === undefined ? amount.toString() : formatAmount(amount, currency);
  return el(name, text, { Ccy: currency });
}

function remittance(text: string | undefined): XmlNode | undefined {
  return text === undefined ? undefined : el('RmtInf', [el('Ustrd', text)]);
}

/** Re-parses what a builder wrote; throws with every error if it is not a valid message. */
function checked(xml: string, type: string): string {
  const parsed = parseIso20022(xml);
  if (!parsed.ok) throw new Iso20022BuildError(type, parsed.errors);
  return xml;
}

export interface Pacs008Input {
  messageId: string;
  createdAt: string;
  settlementDate: string;
  instructingAgentBic?: string;
  instructedAgentBic?: string;
  /** Settlement method; INDA (the instructed agent's account with the instructing agent) by default. */
  settlementMethod?: 'INDA' | 'INGA' | 'COVE' | 'CLRG';
  transfers: CreditTransfer[];
}

/**
 * A pacs.008.001.08 FI-to-FI customer credit transfer for outbound payouts, with CBPR+-style
 * transaction-level agents. The debtor agent defaults to the instructing agent and the creditor
 * agent to the instructed agent. Throws Iso20022BuildError when the result would not validate
 * (a bad IBAN, an unknown currency, a duplicate end-to-end id, a missing agent BIC, …).
 */
export function buildPacs008(input: Pacs008Input): string {
  const type = 'pacs.008.001.08';
  let sum = 0n;
  const currencies = new Set<string>();
  let total = 0n;
  const transactions = input.transfers.map((t) => {
    const decimal = findCurrency(t.currency) && parseDecimal(formatAmount(t.amount, t.currency));
    if (decimal) sum += scaled(decimal, 17);
    currencies.add(t.currency);
    total += t.amount;
    const debtorBic = t.debtor.bic ?? input.instructingAgentBic;
    const creditorBic = t.creditor.bic ?? input.instructedAgentBic;
    return el('CdtTrfTxInf', [
      el('PmtId', [
        optional('InstrId', t.instructionId),
        el('EndToEndId', t.endToEndId),
        el('TxId', t.transactionId ?? t.endToEndId),
        optional('UETR', t.uetr),
      ]),
      t.categoryPurpose === undefined ? undefined : el('PmtTpInf', [codeChoice('CtgyPurp', t.categoryPurpose)]),
      amountNode('IntrBkSttlmAmt', t.amount, t.currency),
      t.interbankSettlementDate !== undefined && t.interbankSettlementDate !== input.settlementDate
        ? el('IntrBkSttlmDt', t.interbankSettlementDate)
        : undefined,
      el('ChrgBr', t.chargeBearer ?? 'SHAR'),
      agent('InstgAgt', input.instructingAgentBic),
      agent('InstdAgt', input.instructedAgentBic),
      partyNode('UltmtDbtr', t.ultimateDebtor),
      partyNode('Dbtr', t.debtor),
      account(t.debtor, 'DbtrAcct'),
      // Without a BIC the agent is left out, and the re-parse refuses the message naming it.
      agent('DbtrAgt', debtorBic),
      agent('CdtrAgt', creditorBic),
      partyNode('Cdtr', t.creditor),
      account(t.creditor, 'CdtrAcct'),
      partyNode('UltmtCdtr', t.ultimateCreditor),
      codeChoice('Purp', t.purpose),
      remittance(t.remittanceInformation),
    ]);
  });
  const [onlyCurrency] = currencies;
  const document = el('Document', [
    el('FIToFICstmrCdtTrf', [
      el('GrpHdr', [
        el('MsgId', input.messageId),
        el('CreDtTm', input.createdAt),
        el('NbOfTxs', String(input.transfers.length)),
        // CtrlSum is a DecimalNumber (18 digits): omitted when a huge mixed-currency batch exceeds it.
        fitsDecimalNumber(sum) ? el('CtrlSum', formatScaled(sum, 17)) : undefined,
        currencies.size === 1 && onlyCurrency !== undefined && findCurrency(onlyCurrency)
          ? amountNode('TtlIntrBkSttlmAmt', total, onlyCurrency)
          : undefined,
        el('IntrBkSttlmDt', input.settlementDate),
        el('SttlmInf', [el('SttlmMtd', input.settlementMethod ?? 'INDA')]),
      ]),
      ...transactions,
    ]),
  ]);
  document.attributes = { xmlns: `${NAMESPACE_PREFIX}${type}` };
  return checked(serialize(document), type);
}

function fitsDecimalNumber(scaledSum: bigint): boolean {
  const parts = parseDecimal(formatScaled(scaledSum, 17));
  return parts !== undefined && parts.whole.length + parts.fraction.length <= 18;
}

function dateChoice(name: string, date: string | undefined): XmlNode | undefined {
  if (date === undefined) return undefined;
  return el(name, [date.length === 10 ? el('Dt', date) : el('DtTm', date)]);
}

function balanceNode(type: string, balance: Balance): XmlNode {
  return el('Bal', [
    el('Tp', [el('CdOrPrtry', [el('Cd', type)])]),
    amountNode('Amt', balance.amount, balance.currency),
    el('CdtDbtInd', balance.creditDebit),
    dateChoice('Dt', balance.date),
  ]);
}

function dateTime(value: string, endOfDay: boolean): string {
  return value.length === 10 ? `${value}T${endOfDay ? '23:59:59' : '00:00:00'}` : value;
}

function entryNode(entry: StatementEntry): XmlNode {
  const details = entry.transactions ?? [
    {
      endToEndId: entry.endToEndId,
      uetr: entry.uetr,
      amount: entry.amount,
      currency: entry.currency,
      creditDebit: entry.creditDebit,
      counterparty: entry.counterparty,
      remittanceInformation: entry.remittanceInformation,
    },
  ];
  const withDetails =
    entry.transactions !== undefined ||
    entry.endToEndId !== undefined ||
    entry.uetr !== undefined ||
    entry.counterparty !== undefined ||
    entry.remittanceInformation !== undefined;
  const code = entry.bankTransactionCode ?? {
    domain: 'PMNT',
    family: entry.creditDebit === 'CRDT' ? 'RCDT' : 'ICDT',
    subFamily: 'OTHR',
  };
  return el('Ntry', [
    optional('NtryRef', entry.entryReference),
    amountNode('Amt', entry.amount, entry.currency),
    el('CdtDbtInd', entry.creditDebit),
    entry.reversal ? el('RvslInd', 'true') : undefined,
    el('Sts', [el('Cd', entry.status || 'BOOK')]),
    dateChoice('BookgDt', entry.bookingDate),
    dateChoice('ValDt', entry.valueDate),
    optional('AcctSvcrRef', entry.accountServicerReference),
    el('BkTxCd', [
      code.domain !== undefined && code.family !== undefined && code.subFamily !== undefined
        ? el('Domn', [el('Cd', code.domain), el('Fmly', [el('Cd', code.family), el('SubFmlyCd', code.subFamily)])])
        : undefined,
      code.proprietary === undefined ? undefined : el('Prtry', [el('Cd', code.proprietary)]),
    ]),
    withDetails
      ? el(
          'NtryDtls',
          details.map((detail) => transactionDetailNode(detail, entry)),
        )
      : undefined,
  ]);
}

function transactionDetailNode(detail: EntryTransaction, entry: StatementEntry): XmlNode {
  const counterparty = detail.counterparty;
  const side = (detail.creditDebit ?? entry.creditDebit) === 'CRDT' ? 'Dbtr' : 'Cdtr';
  const named = counterparty !== undefined && (counterparty.name !== undefined || counterparty.country !== undefined);
  const accountNode = counterparty === undefined ? undefined : account(counterparty, `${side}Acct`);
  return el('TxDtls', [
    detail.endToEndId === undefined && detail.uetr === undefined
      ? undefined
      : el('Refs', [optional('EndToEndId', detail.endToEndId), optional('UETR', detail.uetr)]),
    detail.amount === undefined || detail.currency === undefined
      ? undefined
      : amountNode('Amt', detail.amount, detail.currency),
    detail.creditDebit === undefined ? undefined : el('CdtDbtInd', detail.creditDebit),
    named || accountNode !== undefined
      ? el('RltdPties', [named ? el(side, [partyNode('Pty', counterparty)]) : undefined, accountNode])
      : undefined,
    counterparty?.bic === undefined ? undefined : el('RltdAgts', [agent(`${side}Agt`, counterparty.bic)]),
    remittance(detail.remittanceInformation),
  ]);
}

export interface Camt053Input {
  messageId: string;
  createdAt: string;
  statement: Statement;
}

/**
 * A camt.053.001.08 bank-to-customer statement for one account. Balances come from
 * `statement.balances` when given, else from the opening (OPBD) and closing (CLBD) balances; a
 * statement needs at least one. Dates of the period may be dates (the whole day is meant) or
 * date-times. Throws Iso20022BuildError when the result would not validate.
 */
export function buildCamt053(input: Camt053Input): string {
  const type = 'camt.053.001.08';
  const s = input.statement;
  const balances = s.balances?.map((b) => balanceNode(b.type, b)) ?? [
    s.openingBalance === undefined ? undefined : balanceNode('OPBD', s.openingBalance),
    s.closingBalance === undefined ? undefined : balanceNode('CLBD', s.closingBalance),
  ];
  const document = el('Document', [
    el('BkToCstmrStmt', [
      el('GrpHdr', [el('MsgId', input.messageId), el('CreDtTm', input.createdAt)]),
      el('Stmt', [
        el('Id', s.id),
        el('CreDtTm', s.createdAt ?? input.createdAt),
        s.from === undefined || s.to === undefined
          ? undefined
          : el('FrToDt', [el('FrDtTm', dateTime(s.from, false)), el('ToDtTm', dateTime(s.to, true))]),
        el('Acct', [
          account(s.account, 'Id')?.children?.[0],
          optional('Ccy', s.account.currency),
          s.account.name === undefined ? undefined : el('Ownr', [el('Nm', s.account.name)]),
          agent('Svcr', s.account.bic),
        ]),
        ...balances,
        ...s.entries.map(entryNode),
      ]),
    ]),
  ]);
  document.attributes = { xmlns: `${NAMESPACE_PREFIX}${type}` };
  return checked(serialize(document), type);
}
