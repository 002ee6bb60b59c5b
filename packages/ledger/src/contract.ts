/**
 * The ledger's public contract: what other packages and apps may use.
 *
 * @example
 * const [result] = await ledger.createTransfers([
 *   { kind: 'single', id, debitAccountId: bank, creditAccountId: alice, amountMinor: 150000n, currency: 'CNY' },
 * ]);
 * if (result.status === 'failed') console.log(result.code); // e.g. 'exceeds_credits'
 */
export type {
  Account,
  AccountFlag,
  AccountStatus,
  AccountType,
  BalanceLimit,
  Balances,
} from './account.ts';
export { ACCOUNT_FLAGS, ACCOUNT_TYPES, availableBalance, postedBalance } from './account.ts';
export { type LedgerErrorCode, ledgerErrors } from './errors.ts';
/** The JSON representations the API returns (prefixed ids, decimal-string amounts). */
export { ACCOUNT_PREFIX, accountJson, TRANSFER_PREFIX, transferJson } from './ledger.dto.ts';
export type {
  AccountRequest,
  AccountResult,
  Outcome,
  Statement,
  StatementLine,
  TransferBatchOptions,
} from './ledger.service.ts';
export type { VerifyProblem, VerifyReport } from './ledger.verify.ts';
export type {
  Entry,
  MovementRequest,
  PendingState,
  ResolutionRequest,
  Transfer,
  TransferKind,
  TransferRequest,
  TransferResult,
} from './transfer.ts';
