import { findCurrency, formatAmount } from '@zhirong/kernel';
import { formatScaled, parseDecimal, scaled } from './decimal.ts';
import {
  definitionOf,
  type MessageType,
  messageTypeOf,
  type StatementMessageType,
  SUPPORTED_TYPES,
} from './definitions.ts';
import type {
  Balance,
  BankTransactionCode,
  CreditDebit,
  CreditTransfer,
  CreditTransferMessage,
  EntryTransaction,
  ImportSummary,
  Iso20022Message,
  ParseResult,
  Party,
  Statement,
  StatementEntry,
  StatementMessage,
} from './model.ts';
import { clip, type Iso20022Error, issue, validateElement } from './schema.ts';
import { childOf, childrenOf, decodeXml, readXml, textAt, type XmlElement } from './xml.ts';

/** The largest message accepted, in bytes (a 10,000-transaction SEPA pain.001 is about 6 MB). */
export const MESSAGE_BYTES_MAX = 64 * 1024 * 1024;

/** End-to-end id a SEPA debtor writes when it has none: it may repeat (EPC rulebook). */
export const END_TO_END_NOT_PROVIDED = 'NOTPROVIDED';

/** Control sums are compared exactly at the precision of DecimalNumber (17 fraction digits). */
const SUM_SCALE = 17;

/**
 * Recognises the message by its namespace, parses it with a real XML parser, validates it against
 * its message definition and the business rules (control sums, duplicates, amounts exact to the
 * currency), and returns either the message or every error with its element path.
 */
export function parseIso20022(input: string | Uint8Array): ParseResult {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > MESSAGE_BYTES_MAX)
    return { ok: false, errors: [issue('message_too_large', '/', { size, limit: MESSAGE_BYTES_MAX, element: '' })] };
  const decoded = decodeXml(input);
  if (!decoded.ok) return { ok: false, errors: [issue(decoded.problem.code, '/', { ...decoded.problem.params })] };
  const read = readXml(decoded.text);
  if (!read.ok) return { ok: false, errors: [issue(read.problem.code, '/', { ...read.problem.params })] };
  const document = findDocument(read.root);
  if (document === undefined) return { ok: false, errors: [issue('document_missing', '/', { element: 'Document' })] };
  const type = messageTypeOf(document.namespace);
  if (type === undefined) {
    return {
      ok: false,
      errors: [
        issue('namespace_unsupported', '/Document', {
          namespace: document.namespace || '(none)',
          supported: SUPPORTED_TYPES.join(', '),
        }),
      ],
    };
  }
  const errors: Iso20022Error[] = [];
  const { registry } = definitionOf(type);
  validateElement(
    registry,
    'Document',
    document,
    { parent: undefined, name: 'Document', index: -1 },
    document.namespace,
    errors,
  );
  const message =
    type === 'pain.001.001.03' || type === 'pain.001.001.09'
      ? readPain001(type, document, errors)
      : type === 'pacs.008.001.08'
        ? readPacs008(document, errors)
        : readCamt053(type, document);
  const summary = summarize(message, errors);
  if (errors.length > 0) return { ok: false, type, errors, summary };
  return { ok: true, message, summary };
}

/**
 * The Document element: the root itself, or the first one inside an envelope (AppHdr + Document
 * wrappers), preferring one in a supported namespace; an unsupported Document is returned so that
 * the caller can name its namespace.
 */
function findDocument(root: XmlElement): XmlElement | undefined {
  let level: XmlElement[] = [root];
  let fallback: XmlElement | undefined;
  for (let depth = 0; depth < 6 && level.length > 0; depth++) {
    for (const element of level) {
      if (element.name !== 'Document') continue;
      if (messageTypeOf(element.namespace) !== undefined) return element;
      fallback ??= element;
    }
    level = level.flatMap((e) => e.children);
  }
  return fallback;
}

// ---------------------------------------------------------------------------------------------
// Shared readers

interface AmountValue {
  amount: bigint;
  currency: string;
  /** The decimal value scaled to SUM_SCALE, for control sums. */
  sumValue: bigint;
}

/** The amount of an element with a Ccy attribute, or undefined when it is not valid (the schema check said why). */
function amountOf(element: XmlElement | undefined): AmountValue | undefined {
  if (element === undefined) return undefined;
  const parts = parseDecimal(element.text);
  const currency = findCurrency(element.attributes.Ccy ?? '');
  if (parts === undefined || parts.negative || currency === undefined || parts.fraction.length > currency.exponent)
    return undefined;
  if (parts.whole.length + parts.fraction.length > 18) return undefined;
  return { amount: scaled(parts, currency.exponent), currency: currency.code, sumValue: scaled(parts, SUM_SCALE) };
}

function requirePositive(value: AmountValue | undefined, path: string, errors: Iso20022Error[]): void {
  if (value !== undefined && value.amount === 0n) errors.push(issue('amount_not_positive', path));
}

/** A copy of `value` without its undefined members (no `delete`: objects stay in V8's fast mode). */
function defined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out as T;
}

function agentBic(agent: XmlElement | undefined): string | undefined {
  const id = childOf(agent, 'FinInstnId');
  return textAt(id, 'BICFI') ?? textAt(id, 'BIC');
}

function partyOf(party: XmlElement | undefined, account: XmlElement | undefined, agent: XmlElement | undefined): Party {
  return defined({
    name: textAt(party, 'Nm'),
    iban: textAt(account, 'Id', 'IBAN'),
    otherAccountId: textAt(account, 'Id', 'Othr', 'Id'),
    bic: agentBic(agent),
    country: textAt(party, 'PstlAdr', 'Ctry') ?? textAt(party, 'CtryOfRes'),
  });
}

function partyIdentifier(party: XmlElement | undefined): string | undefined {
  return (
    textAt(party, 'Nm') ??
    textAt(party, 'Id', 'OrgId', 'AnyBIC') ??
    textAt(party, 'Id', 'OrgId', 'BICOrBEI') ??
    textAt(
      childOf(childOf(party, 'Id'), 'OrgId')?.children.find((c) => c.name === 'Othr'),
      'Id',
    )
  );
}

function remittanceOf(remittance: XmlElement | undefined): string | undefined {
  const lines = childrenOf(remittance, 'Ustrd')
    .map((u) => u.text)
    .filter((t) => t !== '');
  if (lines.length > 0) return lines.join(' ');
  for (const structured of childrenOf(remittance, 'Strd')) {
    const reference = textAt(structured, 'CdtrRefInf', 'Ref');
    if (reference !== undefined) return reference;
    const additional = textAt(structured, 'AddtlRmtInf');
    if (additional !== undefined) return additional;
  }
  return undefined;
}

function codeOf(choiceElement: XmlElement | undefined): string | undefined {
  return textAt(choiceElement, 'Cd') ?? textAt(choiceElement, 'Prtry');
}

function checkCount(declared: string | undefined, actual: number, path: string, errors: Iso20022Error[]): void {
  if (declared === undefined || !/^[0-9]{1,15}$/.test(declared)) return;
  if (Number(declared) !== actual) errors.push(issue('number_of_transactions_mismatch', path, { declared, actual }));
}

/**
 * Compares a declared CtrlSum with the sum of the amounts. `complete` is false when some amount in
 * scope was invalid (already reported): the sum would then differ for that reason alone.
 */
function checkControlSum(
  declared: string | undefined,
  sum: bigint,
  complete: boolean,
  path: string,
  errors: Iso20022Error[],
): void {
  if (declared === undefined || !complete) return;
  const parts = parseDecimal(declared);
  if (parts === undefined || parts.fraction.length > SUM_SCALE) return;
  if (scaled(parts, SUM_SCALE) !== sum)
    errors.push(issue('control_sum_mismatch', path, { declared, actual: formatScaled(sum, SUM_SCALE) }));
}

class DuplicateCheck {
  private readonly seen = new Map<string, string>();
  constructor(private readonly code: 'end_to_end_id_duplicate' | 'uetr_duplicate') {}
  check(value: string | undefined, path: string, errors: Iso20022Error[]): void {
    if (value === undefined || value === END_TO_END_NOT_PROVIDED) return;
    const first = this.seen.get(value);
    if (first === undefined) this.seen.set(value, path);
    else errors.push(issue(this.code, path, { value: clip(value), first }));
  }
}

// ---------------------------------------------------------------------------------------------
// pain.001.001.03

function readPain001(
  type: 'pain.001.001.03' | 'pain.001.001.09',
  document: XmlElement,
  errors: Iso20022Error[],
): CreditTransferMessage {
  const root = childOf(document, 'CstmrCdtTrfInitn');
  const header = childOf(root, 'GrpHdr');
  const base = '/Document/CstmrCdtTrfInitn';
  const transfers: CreditTransfer[] = [];
  const endToEnd = new DuplicateCheck('end_to_end_id_duplicate');
  const uetrs = new DuplicateCheck('uetr_duplicate');
  let total = 0n;
  let allRead = true;
  childrenOf(root, 'PmtInf').forEach((block, b) => {
    const blockPath = `${base}/PmtInf[${b}]`;
    const debtor = partyOf(childOf(block, 'Dbtr'), childOf(block, 'DbtrAcct'), childOf(block, 'DbtrAgt'));
    const ultimateDebtor = childOf(block, 'UltmtDbtr');
    const blockCategory = codeOf(childOf(childOf(block, 'PmtTpInf'), 'CtgyPurp'));
    const batch = textAt(block, 'BtchBookg');
    const transactions = childrenOf(block, 'CdtTrfTxInf');
    let blockSum = 0n;
    let blockRead = true;
    transactions.forEach((tx, t) => {
      const path = `${blockPath}/CdtTrfTxInf[${t}]`;
      const amountChoice = childOf(tx, 'Amt');
      const instructed = childOf(amountChoice, 'InstdAmt');
      const amountElement = instructed ?? childOf(childOf(amountChoice, 'EqvtAmt'), 'Amt');
      const amountPath = instructed !== undefined ? `${path}/Amt/InstdAmt` : `${path}/Amt/EqvtAmt/Amt`;
      const value = amountOf(amountElement);
      requirePositive(value, amountPath, errors);
      if (value !== undefined) blockSum += value.sumValue;
      else blockRead = false;
      const endToEndId = textAt(tx, 'PmtId', 'EndToEndId') ?? '';
      endToEnd.check(endToEndId || undefined, `${path}/PmtId/EndToEndId`, errors);
      uetrs.check(textAt(tx, 'PmtId', 'UETR'), `${path}/PmtId/UETR`, errors);
      const txUltimateDebtor = childOf(tx, 'UltmtDbtr') ?? ultimateDebtor;
      const ultimateCreditor = childOf(tx, 'UltmtCdtr');
      transfers.push(
        defined({
          endToEndId,
          instructionId: textAt(tx, 'PmtId', 'InstrId'),
          uetr: textAt(tx, 'PmtId', 'UETR'),
          amount: value?.amount ?? 0n,
          currency: value?.currency ?? amountElement?.attributes.Ccy ?? '',
          debtor,
          creditor: partyOf(childOf(tx, 'Cdtr'), childOf(tx, 'CdtrAcct'), childOf(tx, 'CdtrAgt')),
          ultimateDebtor: txUltimateDebtor === undefined ? undefined : partyOf(txUltimateDebtor, undefined, undefined),
          ultimateCreditor:
            ultimateCreditor === undefined ? undefined : partyOf(ultimateCreditor, undefined, undefined),
          remittanceInformation: remittanceOf(childOf(tx, 'RmtInf')),
          purpose: codeOf(childOf(tx, 'Purp')),
          categoryPurpose: codeOf(childOf(childOf(tx, 'PmtTpInf'), 'CtgyPurp')) ?? blockCategory,
          // 03: <ReqdExctnDt>2026-03-13</…>; 09: <ReqdExctnDt><Dt>2026-03-13</Dt></…> (or DtTm).
          requestedExecutionDate: textAt(block, 'ReqdExctnDt') ?? dateOf(childOf(block, 'ReqdExctnDt')),
          chargeBearer: textAt(tx, 'ChrgBr') ?? textAt(block, 'ChrgBr'),
          paymentInformationId: textAt(block, 'PmtInfId'),
          batchBooking: batch === undefined ? undefined : batch === 'true' || batch === '1',
          path,
        }),
      );
    });
    checkCount(textAt(block, 'NbOfTxs'), transactions.length, `${blockPath}/NbOfTxs`, errors);
    checkControlSum(textAt(block, 'CtrlSum'), blockSum, blockRead, `${blockPath}/CtrlSum`, errors);
    total += blockSum;
    allRead &&= blockRead;
  });
  checkCount(textAt(header, 'NbOfTxs'), transfers.length, `${base}/GrpHdr/NbOfTxs`, errors);
  checkControlSum(textAt(header, 'CtrlSum'), total, allRead, `${base}/GrpHdr/CtrlSum`, errors);
  return defined({
    type,
    messageId: textAt(header, 'MsgId') ?? '',
    createdAt: textAt(header, 'CreDtTm') ?? '',
    numberOfTransactions: transfers.length,
    controlSum: textAt(header, 'CtrlSum'),
    initiatingParty: partyIdentifier(childOf(header, 'InitgPty')),
    transfers,
  });
}

// ---------------------------------------------------------------------------------------------
// pacs.008.001.08

function readPacs008(document: XmlElement, errors: Iso20022Error[]): CreditTransferMessage {
  const root = childOf(document, 'FIToFICstmrCdtTrf');
  const header = childOf(root, 'GrpHdr');
  const base = '/Document/FIToFICstmrCdtTrf';
  const endToEnd = new DuplicateCheck('end_to_end_id_duplicate');
  const uetrs = new DuplicateCheck('uetr_duplicate');
  const settlementDate = textAt(header, 'IntrBkSttlmDt');
  const transfers: CreditTransfer[] = [];
  let sum = 0n;
  let allRead = true;
  const byCurrency = new Map<string, bigint>();
  childrenOf(root, 'CdtTrfTxInf').forEach((tx, t) => {
    const path = `${base}/CdtTrfTxInf[${t}]`;
    const value = amountOf(childOf(tx, 'IntrBkSttlmAmt'));
    requirePositive(value, `${path}/IntrBkSttlmAmt`, errors);
    if (value !== undefined) {
      sum += value.sumValue;
      byCurrency.set(value.currency, (byCurrency.get(value.currency) ?? 0n) + value.amount);
    } else allRead = false;
    const endToEndId = textAt(tx, 'PmtId', 'EndToEndId') ?? '';
    endToEnd.check(endToEndId || undefined, `${path}/PmtId/EndToEndId`, errors);
    const uetr = textAt(tx, 'PmtId', 'UETR');
    uetrs.check(uetr, `${path}/PmtId/UETR`, errors);
    const ultimateDebtor = childOf(tx, 'UltmtDbtr');
    const ultimateCreditor = childOf(tx, 'UltmtCdtr');
    transfers.push(
      defined({
        endToEndId,
        instructionId: textAt(tx, 'PmtId', 'InstrId'),
        transactionId: textAt(tx, 'PmtId', 'TxId'),
        uetr,
        amount: value?.amount ?? 0n,
        currency: value?.currency ?? childOf(tx, 'IntrBkSttlmAmt')?.attributes.Ccy ?? '',
        debtor: partyOf(childOf(tx, 'Dbtr'), childOf(tx, 'DbtrAcct'), childOf(tx, 'DbtrAgt')),
        creditor: partyOf(childOf(tx, 'Cdtr'), childOf(tx, 'CdtrAcct'), childOf(tx, 'CdtrAgt')),
        ultimateDebtor: ultimateDebtor === undefined ? undefined : partyOf(ultimateDebtor, undefined, undefined),
        ultimateCreditor: ultimateCreditor === undefined ? undefined : partyOf(ultimateCreditor, undefined, undefined),
        remittanceInformation: remittanceOf(childOf(tx, 'RmtInf')),
        purpose: codeOf(childOf(tx, 'Purp')),
        categoryPurpose:
          codeOf(childOf(childOf(tx, 'PmtTpInf'), 'CtgyPurp')) ??
          codeOf(childOf(childOf(header, 'PmtTpInf'), 'CtgyPurp')),
        interbankSettlementDate: textAt(tx, 'IntrBkSttlmDt') ?? settlementDate,
        chargeBearer: textAt(tx, 'ChrgBr'),
        path,
      }),
    );
  });
  checkCount(textAt(header, 'NbOfTxs'), transfers.length, `${base}/GrpHdr/NbOfTxs`, errors);
  checkControlSum(textAt(header, 'CtrlSum'), sum, allRead, `${base}/GrpHdr/CtrlSum`, errors);
  const declaredTotal = amountOf(childOf(header, 'TtlIntrBkSttlmAmt'));
  if (declaredTotal !== undefined && allRead) {
    const actual = byCurrency.get(declaredTotal.currency) ?? 0n;
    if (byCurrency.size > 1 || actual !== declaredTotal.amount) {
      errors.push(
        issue('total_amount_mismatch', `${base}/GrpHdr/TtlIntrBkSttlmAmt`, {
          declared: formatAmount(declaredTotal.amount, declaredTotal.currency),
          currency: declaredTotal.currency,
          actual: [...byCurrency].map(([c, a]) => `${formatAmount(a, c)} ${c}`).join(' + ') || '0',
        }),
      );
    }
  }
  return defined({
    type: 'pacs.008.001.08' as const,
    messageId: textAt(header, 'MsgId') ?? '',
    createdAt: textAt(header, 'CreDtTm') ?? '',
    numberOfTransactions: transfers.length,
    controlSum: textAt(header, 'CtrlSum'),
    initiatingParty:
      agentBic(childOf(header, 'InstgAgt')) ?? agentBic(childOf(childOf(root, 'CdtTrfTxInf'), 'InstgAgt')),
    transfers,
  });
}

// ---------------------------------------------------------------------------------------------
// camt.053

function creditDebitOf(text: string | undefined): CreditDebit | undefined {
  return text === 'CRDT' || text === 'DBIT' ? text : undefined;
}

function dateOf(element: XmlElement | undefined): string | undefined {
  return textAt(element, 'Dt') ?? textAt(element, 'DtTm');
}

/** A party in RltdPties: camt.053.001.08 wraps it in Pty (or names an agent in Agt); 02 does not. */
function relatedParty(element: XmlElement | undefined): { party?: XmlElement; agent?: XmlElement } {
  if (element === undefined) return {};
  const party = childOf(element, 'Pty');
  if (party !== undefined) return { party };
  const agent = childOf(element, 'Agt');
  if (agent !== undefined) return { agent };
  return { party: element };
}

function counterpartyOf(details: XmlElement | undefined, creditDebit: CreditDebit | undefined): Party | undefined {
  if (details === undefined || creditDebit === undefined) return undefined;
  const side = creditDebit === 'CRDT' ? 'Dbtr' : 'Cdtr';
  const parties = childOf(details, 'RltdPties');
  const agents = childOf(details, 'RltdAgts');
  const { party, agent } = relatedParty(childOf(parties, side));
  const result = partyOf(party, childOf(parties, `${side}Acct`), childOf(agents, `${side}Agt`) ?? agent);
  return Object.keys(result).length === 0 ? undefined : result;
}

function bankTransactionCodeOf(element: XmlElement | undefined): BankTransactionCode | undefined {
  if (element === undefined) return undefined;
  const domain = childOf(element, 'Domn');
  const code = defined({
    domain: textAt(domain, 'Cd'),
    family: textAt(domain, 'Fmly', 'Cd'),
    subFamily: textAt(domain, 'Fmly', 'SubFmlyCd'),
    proprietary: textAt(element, 'Prtry', 'Cd'),
  });
  return Object.keys(code).length === 0 ? undefined : code;
}

function balanceOf(element: XmlElement): (Balance & { type: string }) | undefined {
  const value = amountOf(childOf(element, 'Amt'));
  const creditDebit = creditDebitOf(textAt(element, 'CdtDbtInd'));
  const type = codeOf(childOf(childOf(element, 'Tp'), 'CdOrPrtry'));
  const date = dateOf(childOf(element, 'Dt'));
  if (value === undefined || creditDebit === undefined || type === undefined || date === undefined) return undefined;
  return { type, amount: value.amount, currency: value.currency, creditDebit, date };
}

function entryTransactionOf(details: XmlElement, entryCreditDebit: CreditDebit | undefined): EntryTransaction {
  const value =
    amountOf(childOf(details, 'Amt')) ??
    amountOf(childOf(childOf(childOf(details, 'AmtDtls'), 'TxAmt'), 'Amt')) ??
    amountOf(childOf(childOf(childOf(details, 'AmtDtls'), 'InstdAmt'), 'Amt'));
  const creditDebit = creditDebitOf(textAt(details, 'CdtDbtInd')) ?? entryCreditDebit;
  const endToEndId = textAt(details, 'Refs', 'EndToEndId');
  return defined({
    endToEndId: endToEndId === END_TO_END_NOT_PROVIDED ? undefined : endToEndId,
    uetr: textAt(details, 'Refs', 'UETR'),
    amount: value?.amount,
    currency: value?.currency,
    creditDebit,
    counterparty: counterpartyOf(details, creditDebit),
    remittanceInformation: remittanceOf(childOf(details, 'RmtInf')),
  });
}

function readCamt053(type: StatementMessageType, document: XmlElement): StatementMessage {
  const root = childOf(document, 'BkToCstmrStmt');
  const header = childOf(root, 'GrpHdr');
  const statements: Statement[] = childrenOf(root, 'Stmt').map((statement, s) => {
    const path = `/Document/BkToCstmrStmt/Stmt[${s}]`;
    const account = childOf(statement, 'Acct');
    const balances = childrenOf(statement, 'Bal')
      .map(balanceOf)
      .filter((b): b is Balance & { type: string } => b !== undefined);
    const withoutType = (b: (Balance & { type: string }) | undefined): Balance | undefined =>
      b === undefined
        ? undefined
        : { amount: b.amount, currency: b.currency, creditDebit: b.creditDebit, date: b.date };
    const entries: StatementEntry[] = childrenOf(statement, 'Ntry').map((entry, n) => {
      const value = amountOf(childOf(entry, 'Amt'));
      const creditDebit = creditDebitOf(textAt(entry, 'CdtDbtInd'));
      const status = childOf(entry, 'Sts');
      const transactions = childrenOf(entry, 'NtryDtls').flatMap((d) =>
        childrenOf(d, 'TxDtls').map((tx) => ({ tx, entry: entryTransactionOf(tx, creditDebit) })),
      );
      const single = transactions.length === 1 ? transactions[0] : undefined;
      const reversal = textAt(entry, 'RvslInd');
      return defined({
        entryReference: textAt(entry, 'NtryRef'),
        amount: value?.amount ?? 0n,
        currency: value?.currency ?? childOf(entry, 'Amt')?.attributes.Ccy ?? '',
        creditDebit: creditDebit ?? 'CRDT',
        status: (status?.text || codeOf(status)) ?? '',
        bookingDate: dateOf(childOf(entry, 'BookgDt')),
        valueDate: dateOf(childOf(entry, 'ValDt')),
        endToEndId: single?.entry.endToEndId,
        uetr: single?.entry.uetr,
        accountServicerReference: textAt(entry, 'AcctSvcrRef') ?? textAt(single?.tx, 'Refs', 'AcctSvcrRef'),
        counterparty: single?.entry.counterparty,
        remittanceInformation: single?.entry.remittanceInformation ?? textAt(entry, 'AddtlNtryInf'),
        reversal: reversal === undefined ? undefined : reversal === 'true' || reversal === '1',
        bankTransactionCode: bankTransactionCodeOf(childOf(entry, 'BkTxCd')),
        transactions: transactions.length > 0 ? transactions.map((t) => t.entry) : undefined,
        path: `${path}/Ntry[${n}]`,
      });
    });
    return defined({
      id: textAt(statement, 'Id') ?? '',
      account: defined({
        ...partyOf(childOf(account, 'Ownr'), account, childOf(account, 'Svcr')),
        name: textAt(account, 'Ownr', 'Nm') ?? textAt(account, 'Nm'),
        currency: textAt(account, 'Ccy'),
      }),
      createdAt: textAt(statement, 'CreDtTm'),
      from: textAt(statement, 'FrToDt', 'FrDtTm'),
      to: textAt(statement, 'FrToDt', 'ToDtTm'),
      openingBalance: withoutType(balances.find((b) => b.type === 'OPBD') ?? balances.find((b) => b.type === 'PRCD')),
      closingBalance: withoutType(balances.find((b) => b.type === 'CLBD')),
      balances,
      entries,
    });
  });
  return {
    type,
    messageId: textAt(header, 'MsgId') ?? '',
    createdAt: textAt(header, 'CreDtTm') ?? '',
    statements,
  };
}

// ---------------------------------------------------------------------------------------------
// Summary

/** The dry-run summary of a message: counts and totals per currency, with the errors found. */
export function summarize(message: Iso20022Message, errors: readonly Iso20022Error[] = []): ImportSummary {
  const totals = new Map<string, { amount: bigint; count: number; credits: bigint; debits: bigint }>();
  const add = (currency: string, amount: bigint, creditDebit?: CreditDebit) => {
    if (findCurrency(currency) === undefined) return;
    const line = totals.get(currency) ?? { amount: 0n, count: 0, credits: 0n, debits: 0n };
    line.amount += amount;
    line.count += 1;
    if (creditDebit === 'CRDT') line.credits += amount;
    if (creditDebit === 'DBIT') line.debits += amount;
    totals.set(currency, line);
  };
  let transactions = 0;
  let fallbackCurrency = '';
  const statement = 'statements' in message;
  if ('statements' in message) {
    for (const s of message.statements) {
      fallbackCurrency ||= s.account.currency ?? s.balances?.[0]?.currency ?? '';
      for (const entry of s.entries) {
        transactions++;
        add(entry.currency, entry.amount, entry.creditDebit);
      }
    }
  } else {
    for (const transfer of message.transfers) {
      transactions++;
      add(transfer.currency, transfer.amount);
    }
  }
  const lines = [...totals].map(([currency, line]) => ({
    currency,
    amount: formatAmount(line.amount, currency),
    count: line.count,
    ...(statement
      ? { credits: formatAmount(line.credits, currency), debits: formatAmount(line.debits, currency) }
      : {}),
  }));
  const first = lines[0];
  const currency = first?.currency ?? (findCurrency(fallbackCurrency) ? fallbackCurrency : '');
  return {
    messageType: message.type,
    transactions,
    totalAmount: first?.amount ?? (currency ? formatAmount(0n, currency) : '0'),
    currency,
    totals: lines,
    errors: [...errors],
  };
}

export type { MessageType };
