import { assert, type CurrencyCode, findCurrency, formatAmount, formatId, parseId } from '@zhirong/kernel';
import type { Account, LedgerService, StatementLine } from '@zhirong/ledger';
import type { CreatePaymentInput, PaymentOrder, PaymentsService, RequestContext } from '@zhirong/payments';
import { systemAccountId } from './ledger-rail.ts';

/**
 * ISO 20022 on the payments side: credit-transfer messages become payment orders, a ledger account
 * becomes a bank-to-customer statement, and the clearing account becomes the "book" a bank
 * statement is reconciled against. Parsing, validation and XML are `@zhirong/iso20022`'s business
 * (a pure library); the types below are the shapes of its agreed API (briefs/iso20022-api.md),
 * written structurally so this module does not depend on the library's build order.
 */
export interface IsoParty {
  readonly name?: string;
  readonly iban?: string;
  readonly otherAccountId?: string;
  readonly bic?: string;
  readonly country?: string;
}

export interface IsoCreditTransfer {
  readonly endToEndId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly debtor: IsoParty;
  readonly creditor: IsoParty;
  readonly remittanceInformation?: string;
  readonly instructionId?: string;
  readonly uetr?: string;
}

export interface IsoCreditTransferMessage {
  readonly type: string;
  readonly messageId: string;
  readonly transfers: readonly IsoCreditTransfer[];
}

export interface IsoError {
  readonly path: string;
  readonly code: string;
  readonly message: string;
  readonly messageZh: string;
}

/** pain.001's placeholder for "the initiator gave no end-to-end id": not an identity, never unique. */
export const END_TO_END_NOT_PROVIDED = 'NOTPROVIDED';

export interface CreditTransferImport {
  /**
   * The ledger account (UUID) of one of this institution's parties, by IBAN or other account id;
   * undefined when the party is not a customer here.
   */
  readonly accountFor: (party: IsoParty) => string | undefined;
  readonly context: RequestContext;
  /** Check everything and create nothing. */
  readonly dryRun?: boolean;
}

export type CreditTransferImportResult =
  | { readonly ok: true; readonly payments: readonly PaymentOrder[]; readonly inputs: readonly CreatePaymentInput[] }
  | { readonly ok: false; readonly errors: readonly IsoError[] };

const identifier = (party: IsoParty) => party.iban ?? party.otherAccountId;

/**
 * Turns a validated credit-transfer message into payment orders, all or none:
 * - pain.001 (a customer instructs its bank): each transaction is a **payout** from the debtor's
 *   account here to the external creditor;
 * - pacs.008 (a bank sends a transfer on): each transaction is an **inbound** credit to the
 *   creditor's account here.
 * The whole message is refused, with every problem listed by element path, when any transaction
 * names no account of ours, repeats an end-to-end id of the message, or reuses one a payment
 * already has.
 */
export async function importCreditTransfers(
  payments: PaymentsService,
  message: IsoCreditTransferMessage,
  options: CreditTransferImport,
): Promise<CreditTransferImportResult> {
  const inbound = message.type.startsWith('pacs.008');
  assert(inbound || message.type.startsWith('pain.001'), 'a credit-transfer message');
  const errors: IsoError[] = [];
  const inputs: CreatePaymentInput[] = [];
  const seen = new Map<string, number>();
  const error = (index: number, field: string, code: string, message: string, messageZh: string) =>
    errors.push({ path: `/transfers/${index}/${field}`, code, message, messageZh });
  for (const [index, t] of message.transfers.entries()) {
    if (!findCurrency(t.currency))
      error(index, 'currency', 'currency_unknown', `unknown currency ${t.currency}`, `未知币种 ${t.currency}`);
    const e2e = t.endToEndId === END_TO_END_NOT_PROVIDED ? undefined : t.endToEndId;
    if (e2e !== undefined) {
      const first = seen.get(e2e);
      if (first !== undefined) {
        error(
          index,
          'endToEndId',
          'end_to_end_id_duplicate',
          `end-to-end id ${e2e} repeats transaction ${first}`,
          `端到端标识 ${e2e} 与第 ${first} 笔交易重复`,
        );
      } else seen.set(e2e, index);
    }
    const ours = inbound ? t.creditor : t.debtor;
    const accountId = options.accountFor(ours);
    if (accountId === undefined) {
      const side = inbound ? 'creditor' : 'debtor';
      error(
        index,
        side,
        'account_unknown',
        `the ${side} account ${identifier(ours) ?? '(none)'} is not an account of this institution`,
        `${side === 'creditor' ? '收款人' : '付款人'}账户 ${identifier(ours) ?? '（无）'} 不是本机构的账户`,
      );
      continue;
    }
    const external = inbound ? t.debtor : t.creditor;
    inputs.push({
      kind: inbound ? 'inbound' : 'payout',
      amountMinor: t.amount,
      currency: t.currency as CurrencyCode,
      ...(inbound
        ? { creditorAccountId: accountId, debtor: { ...external } }
        : { debtorAccountId: accountId, creditor: { ...external } }),
      endToEndId: e2e ?? null,
      remittanceInformation: t.remittanceInformation ?? null,
      metadata: {
        iso20022: {
          messageType: message.type,
          messageId: message.messageId,
          ...(t.instructionId ? { instructionId: t.instructionId } : {}),
          ...(t.uetr ? { uetr: t.uetr } : {}),
        },
      },
    });
  }
  const taken = await payments.existingEndToEndIds([...seen.keys()]);
  for (const [e2e, index] of seen) {
    if (taken.has(e2e)) {
      error(
        index,
        'endToEndId',
        'end_to_end_id_exists',
        `a payment with end-to-end id ${e2e} already exists`,
        `端到端标识为 ${e2e} 的支付已存在`,
      );
    }
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => (a.path < b.path ? -1 : 1)) };
  if (options.dryRun) return { ok: true, payments: [], inputs };
  const outcomes = await payments.createPayments(
    inputs.map((input) => ({ input, context: options.context })),
    { atomic: true },
  );
  const refused = outcomes.flatMap((o, index) =>
    o.ok ? [] : [{ path: `/transfers/${index}`, code: o.code, message: o.code, messageZh: o.code }],
  );
  if (refused.length > 0) return { ok: false, errors: refused };
  return {
    ok: true,
    inputs,
    payments: outcomes.map((o) => {
      assert(o.ok && !o.replayed, 'an atomic import creates every payment');
      return o.payment;
    }),
  };
}

// ---------------------------------------------------------------- statements

export interface IsoBalance {
  readonly amount: bigint;
  readonly currency: string;
  readonly creditDebit: 'CRDT' | 'DBIT';
  readonly date: string;
}

export interface IsoStatementEntry {
  readonly entryReference?: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly creditDebit: 'CRDT' | 'DBIT';
  readonly status: string;
  readonly bookingDate?: string;
  readonly valueDate?: string;
  readonly endToEndId?: string;
  readonly accountServicerReference?: string;
  readonly counterparty?: IsoParty;
  readonly remittanceInformation?: string;
  readonly reversal?: boolean;
}

export interface IsoStatement {
  readonly id: string;
  readonly account: IsoParty & { currency?: string };
  readonly createdAt?: string;
  readonly from?: string;
  readonly to?: string;
  readonly openingBalance?: IsoBalance;
  readonly closingBalance?: IsoBalance;
  readonly entries: IsoStatementEntry[];
}

const STATEMENT_PAGE = 500;
const STATEMENT_LINES_MAX = 100_000;

/** Every statement line of an account in [from, to), oldest first. */
async function linesOf(
  ledger: LedgerService,
  accountId: string,
  from: Date,
  to: Date,
): Promise<{ account: Account; lines: StatementLine[] } | undefined> {
  const lines: StatementLine[] = [];
  let afterSeq: bigint | undefined;
  let account: Account | undefined;
  for (;;) {
    const page = await ledger.statement({
      accountId,
      from,
      to,
      limit: STATEMENT_PAGE,
      ...(afterSeq === undefined ? {} : { afterSeq }),
    });
    if (!page.ok) return undefined;
    account = page.value.account;
    lines.push(...page.value.lines);
    if (page.value.nextAfterSeq === undefined || lines.length >= STATEMENT_LINES_MAX) break;
    afterSeq = page.value.nextAfterSeq;
  }
  assert(account !== undefined, 'a statement names its account');
  return { account, lines };
}

/** The signed posted balance on the customer's side: credit-normal accounts count credits as positive. */
function balance(account: Account, b: { debitsPosted: bigint; creditsPosted: bigint }, date: string): IsoBalance {
  const creditNormal = account.type !== 'asset' && account.type !== 'expense';
  const signed = creditNormal ? b.creditsPosted - b.debitsPosted : b.debitsPosted - b.creditsPosted;
  const inCredit = creditNormal ? signed >= 0n : signed < 0n;
  return {
    amount: signed < 0n ? -signed : signed,
    currency: account.currency,
    creditDebit: inCredit ? 'CRDT' : 'DBIT',
    date,
  };
}

const day = (d: Date) => d.toISOString().slice(0, 10);

function paymentIdOf(line: StatementLine): string | undefined {
  const ref = (line.transfer.metadata as { paymentId?: unknown }).paymentId;
  if (typeof ref !== 'string') return undefined;
  const parsed = parseId('pay', ref);
  return parsed.ok ? parsed.value : undefined;
}

/**
 * A bank-to-customer statement (camt.053) of one ledger account for [from, to): posted entries
 * only (holds are not bookings), each with its end-to-end id, counterparty and remittance
 * information when it belongs to a payment; opening and closing booked balances from the ledger's
 * history. `iban` names the account in the statement (the ledger does not hold IBANs).
 */
export async function accountStatement(
  ledger: LedgerService,
  payments: PaymentsService,
  request: { accountId: string; from: Date; to: Date; iban?: string; statementId: string; createdAt: Date },
): Promise<IsoStatement | undefined> {
  const found = await linesOf(ledger, request.accountId, request.from, request.to);
  if (!found) return undefined;
  const { account, lines } = found;
  const opening = await ledger.balancesAsOf(request.accountId, request.from);
  const closing = await ledger.balancesAsOf(request.accountId, new Date(request.to.getTime() - 1));
  assert(opening.ok && closing.ok, 'the account exists');
  const booked = lines.filter((l) => l.transfer.kind === 'single' || l.transfer.kind === 'post_pending');
  const paymentIds = [...new Set(booked.flatMap((l) => paymentIdOf(l) ?? []))];
  const byPayment = paymentIds.length ? await payments.getPayments(paymentIds) : new Map<string, PaymentOrder>();
  const creditNormal = account.type !== 'asset' && account.type !== 'expense';
  const entries: IsoStatementEntry[] = booked.map((line) => {
    const payment = (() => {
      const id = paymentIdOf(line);
      return id ? byPayment.get(id) : undefined;
    })();
    // For the customer, money in is a credit entry (CRDT): a credit to a credit-normal account.
    const moneyIn = creditNormal ? !line.isDebit : line.isDebit;
    const counterparty = payment ? (moneyIn ? payment.debtor : payment.creditor) : null;
    return {
      entryReference: formatId('trf', line.transferId),
      amount: line.amountMinor,
      currency: account.currency,
      creditDebit: moneyIn ? 'CRDT' : 'DBIT',
      status: 'BOOK',
      bookingDate: day(line.createdAt),
      valueDate: day(line.createdAt),
      accountServicerReference: formatId('trf', line.transferId),
      ...(payment?.endToEndId ? { endToEndId: payment.endToEndId } : {}),
      ...(counterparty ? { counterparty: { ...counterparty } } : {}),
      ...(payment?.remittanceInformation ? { remittanceInformation: payment.remittanceInformation } : {}),
      ...(line.transfer.reversesId ? { reversal: true } : {}),
    };
  });
  return {
    id: request.statementId,
    account: {
      ...(request.iban ? { iban: request.iban } : { otherAccountId: formatId('acc', account.id) }),
      currency: account.currency,
    },
    createdAt: request.createdAt.toISOString(),
    from: request.from.toISOString(),
    to: new Date(request.to.getTime() - 1).toISOString(),
    openingBalance: balance(account, opening.value.balances, day(request.from)),
    closingBalance: balance(account, closing.value.balances, day(new Date(request.to.getTime() - 1))),
    entries,
  };
}

export interface IsoBookEntry {
  readonly id: string;
  readonly endToEndId?: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly creditDebit: 'CRDT' | 'DBIT';
  readonly valueDate: string;
}

/**
 * The book side of a reconciliation: posted entries of the clearing account of `currency` in
 * [from, to), seen from the bank statement's side — money in at the correspondent bank (an inbound
 * credit: the ledger debits clearing) is CRDT, money out (a payout: the ledger credits clearing) is DBIT.
 */
export async function clearingBook(
  ledger: LedgerService,
  payments: PaymentsService,
  request: { currency: string; from: Date; to: Date },
): Promise<IsoBookEntry[]> {
  const found = await linesOf(ledger, systemAccountId('clearing', request.currency), request.from, request.to);
  if (!found) return [];
  const booked = found.lines.filter((l) => l.transfer.kind === 'single' || l.transfer.kind === 'post_pending');
  const paymentIds = [...new Set(booked.flatMap((l) => paymentIdOf(l) ?? []))];
  const byPayment = paymentIds.length ? await payments.getPayments(paymentIds) : new Map<string, PaymentOrder>();
  return booked.map((line) => {
    const id = paymentIdOf(line);
    const payment = id ? byPayment.get(id) : undefined;
    return {
      id: formatId('trf', line.transferId),
      ...(payment?.endToEndId ? { endToEndId: payment.endToEndId } : {}),
      amount: line.amountMinor,
      currency: request.currency,
      creditDebit: line.isDebit ? 'CRDT' : 'DBIT',
      valueDate: day(line.createdAt),
    };
  });
}

/** A readable total for reports: "1234.56 CNY". */
export function totalText(amountMinor: bigint, currency: string): string {
  return `${formatAmount(amountMinor, currency)} ${currency}`;
}
