import type { CreditTransferMessageType, MessageType, StatementMessageType } from './definitions.ts';
import type { Iso20022Error } from './schema.ts';

/**
 * What an imported message means, independent of its XML version. Amounts are bigint minor units
 * of their ISO 4217 currency (kernel currency table); dates are the ISO strings of the message.
 */

/** A party and its account and agent, as far as the message names them. */
export interface Party {
  name?: string;
  iban?: string;
  /** An account identifier that is not an IBAN (Othr/Id). */
  otherAccountId?: string;
  /** BIC of the party's agent (DbtrAgt / CdtrAgt); for a statement account, of the account servicer. */
  bic?: string;
  /** Country of the postal address, else country of residence. */
  country?: string;
}

export interface CreditTransfer {
  endToEndId: string;
  instructionId?: string;
  transactionId?: string;
  uetr?: string;
  amount: bigint;
  currency: string;
  debtor: Party;
  creditor: Party;
  ultimateDebtor?: Party;
  ultimateCreditor?: Party;
  remittanceInformation?: string;
  /** Purp/Cd (or Purp/Prtry). */
  purpose?: string;
  /** CtgyPurp/Cd of the transaction, else of its payment information block. */
  categoryPurpose?: string;
  requestedExecutionDate?: string;
  interbankSettlementDate?: string;
  chargeBearer?: string;
  /** pain.001: the PmtInfId of the block the transaction belongs to. */
  paymentInformationId?: string;
  /** pain.001: BtchBookg of the block (true asks for one booking per block). */
  batchBooking?: boolean;
  /** Element path of the transaction in the message, for error reports. */
  path?: string;
}

export interface CreditTransferMessage {
  type: CreditTransferMessageType;
  messageId: string;
  createdAt: string;
  numberOfTransactions: number;
  /** CtrlSum as written, when present. */
  controlSum?: string;
  /** Name (else first identifier) of the initiating party (pain.001) or the instructing agent's BIC (pacs.008). */
  initiatingParty?: string;
  transfers: CreditTransfer[];
}

export type CreditDebit = 'CRDT' | 'DBIT';

export interface Balance {
  amount: bigint;
  currency: string;
  creditDebit: CreditDebit;
  /** The balance date (Dt/Dt, else Dt/DtTm as written). */
  date: string;
}

export interface BankTransactionCode {
  domain?: string;
  family?: string;
  subFamily?: string;
  proprietary?: string;
}

/** One TxDtls of an entry: a batch entry has several. */
export interface EntryTransaction {
  endToEndId?: string;
  uetr?: string;
  amount?: bigint;
  currency?: string;
  creditDebit?: CreditDebit;
  counterparty?: Party;
  remittanceInformation?: string;
}

export interface StatementEntry {
  entryReference?: string;
  amount: bigint;
  currency: string;
  creditDebit: CreditDebit;
  /** BOOK, PDNG, INFO (the code, whichever version's shape carried it). */
  status: string;
  bookingDate?: string;
  valueDate?: string;
  /** End-to-end id of the entry's single transaction (absent for batch entries and NOTPROVIDED). */
  endToEndId?: string;
  uetr?: string;
  accountServicerReference?: string;
  /** The other side: the debtor of a credit, the creditor of a debit. */
  counterparty?: Party;
  remittanceInformation?: string;
  reversal?: boolean;
  bankTransactionCode?: BankTransactionCode;
  /** Every TxDtls of the entry, in order. */
  transactions?: EntryTransaction[];
  path?: string;
}

export interface Statement {
  id: string;
  account: Party & { currency?: string };
  createdAt?: string;
  from?: string;
  to?: string;
  /** OPBD, else PRCD (the closing balance of the previous statement). */
  openingBalance?: Balance;
  /** CLBD. */
  closingBalance?: Balance;
  /** Every balance with its type code (OPBD, CLBD, CLAV, PRCD, ITBD, …), in message order. */
  balances?: (Balance & { type: string })[];
  entries: StatementEntry[];
}

export interface StatementMessage {
  type: StatementMessageType;
  messageId: string;
  createdAt: string;
  statements: Statement[];
}

export type Iso20022Message = CreditTransferMessage | StatementMessage;

/** The CLI's dry-run JSON. For a statement, `transactions` counts entries and amounts are gross (credits + debits). */
export interface ImportSummary {
  messageType: string;
  transactions: number;
  /** Total of the first currency, as a decimal string with the currency's digits. */
  totalAmount: string;
  currency: string;
  /** One line per currency, in order of first appearance; statements add credit and debit totals. */
  totals: { currency: string; amount: string; count: number; credits?: string; debits?: string }[];
  errors: Iso20022Error[];
}

export type ParseResult =
  | { ok: true; message: Iso20022Message; summary: ImportSummary }
  | { ok: false; type?: MessageType; errors: Iso20022Error[]; summary?: ImportSummary };

export function isStatementMessage(message: Iso20022Message): message is StatementMessage {
  return message.type.startsWith('camt.053');
}
