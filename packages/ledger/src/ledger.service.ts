import { inTransaction, isUniqueViolation } from '@zhirong/db';
import {
  assert,
  type Clock,
  type CurrencyCode,
  canonicalJson,
  findCurrency,
  type IdGenerator,
  LIMITS,
} from '@zhirong/kernel';
import type { NewEvent, Outbox } from '@zhirong/platform';
import {
  ACCOUNT_TYPES,
  type Account,
  type AccountFlag,
  type AccountStatus,
  type AccountType,
  type Balances,
  flagsToLimit,
  isZero,
} from './account.ts';
import type { LedgerErrorCode } from './errors.ts';
import * as repo from './ledger.repository.ts';
import { type VerifyReport, verifyLedger } from './ledger.verify.ts';
import { applyTransfers, type EngineState, type ExpiryRequest } from './transfer.engine.ts';
import { type Entry, isResolution, type Transfer, type TransferRequest, type TransferResult } from './transfer.ts';

export interface AccountRequest {
  /** UUID; the idempotency key of the creation. */
  readonly id: string;
  readonly currency: string;
  readonly type: AccountType;
  readonly code?: number;
  readonly ownerRef?: string | null;
  readonly flags?: readonly AccountFlag[];
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export type AccountResult =
  | { readonly status: 'created' | 'exists'; readonly account: Account }
  | { readonly status: 'failed'; readonly code: LedgerErrorCode; readonly params?: Record<string, unknown> };

export type Failure = { readonly ok: false; readonly code: LedgerErrorCode; readonly params?: Record<string, unknown> };
export type Outcome<T> = { readonly ok: true; readonly value: T } | Failure;

export interface StatementLine extends Entry {
  readonly transfer: Transfer;
}

export interface Statement {
  readonly account: Account;
  readonly lines: readonly StatementLine[];
  /** Sequence number to continue after, when more lines may follow. */
  readonly nextAfterSeq: bigint | undefined;
}

export interface LedgerDependencies {
  readonly db: repo.Db;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly outbox: Outbox;
  /** Called after a commit that wrote events. */
  readonly eventsCommitted?: () => void;
}

/** Options of `createTransfers`. */
export interface TransferBatchOptions {
  /**
   * Runs inside the batch's transaction after its transfers are written, before the commit, with
   * the results: what it writes commits with the batch or not at all; throwing rolls the batch
   * back (the error propagates). For a composition package (flows) recording its own state
   * atomically with the money movement. It may run more than once (retried transactions): it must
   * only use `trx`.
   */
  readonly inTransaction?: (trx: repo.Trx, results: readonly TransferResult[]) => Promise<void>;
}

const UNIQUE_RETRIES_MAX = 3;

/** Rolls a batch back so it runs again with the replay check. */
class ReplaySuspected extends Error {}
export const EXPIRY_BATCH_MAX = 1000;

/** The double-entry ledger: accounts, single and two-phase transfers, history and verification. */
export class LedgerService {
  readonly #deps: LedgerDependencies;

  constructor(deps: LedgerDependencies) {
    this.#deps = deps;
  }

  // ------------------------------------------------------------ accounts

  /** Creates accounts; a replay of the same id with the same fields is `exists`, with other fields a failure. */
  async createAccounts(requests: readonly AccountRequest[]): Promise<AccountResult[]> {
    assert(requests.length <= LIMITS.accountBatchSizeMax, 'account batch bounded at the edge');
    const { db, clock } = this.#deps;
    const results: (AccountResult | undefined)[] = requests.map((r) => validateAccount(r));
    const valid = requests.filter((_, i) => results[i] === undefined);
    const now = clock.now();
    return inTransaction(db, async (trx) => {
      const inserted = await repo.insertAccounts(
        trx,
        valid.map((r) => ({
          id: r.id,
          currency: r.currency,
          type: r.type,
          code: r.code ?? 0,
          ownerRef: r.ownerRef ?? null,
          limit: flagsToLimit(r.flags ?? []) as Exclude<ReturnType<typeof flagsToLimit>, 'conflict'>,
          metadata: r.metadata ?? {},
          createdAt: now,
        })),
      );
      const stored = await repo.loadAccounts(
        trx,
        valid.map((r) => r.id),
      );
      const firstIndex = new Map<string, number>();
      const out = requests.map((request, index): AccountResult => {
        const early = results[index];
        if (early) return early;
        const account = stored.get(request.id);
        assert(account !== undefined, 'account row exists after insert');
        const createdHere = inserted.has(request.id) && !firstIndex.has(request.id);
        firstIndex.set(request.id, index);
        if (!sameAccount(account, request)) return { status: 'failed', code: 'exists_with_different_fields' };
        return { status: createdHere ? 'created' : 'exists', account };
      });
      const events: NewEvent[] = out.flatMap((r) =>
        r.status === 'created'
          ? [{ topic: 'ledger.account.created', key: r.account.id, payload: accountEvent(r.account) }]
          : [],
      );
      await this.#deps.outbox.enqueue(trx, events);
      return out;
    }).finally(() => this.#deps.eventsCommitted?.());
  }

  async getAccount(id: string): Promise<Account | undefined> {
    return (await repo.loadAccounts(this.#deps.db, [id])).get(id);
  }

  async listAccounts(filter: repo.AccountFilter): Promise<Account[]> {
    return repo.listAccounts(this.#deps.db, filter);
  }

  /** Freezes, unfreezes or closes an account. Closing needs a zero balance and nothing pending. */
  async setAccountStatus(id: string, status: AccountStatus): Promise<Outcome<Account>> {
    return inTransaction(this.#deps.db, async (trx): Promise<Outcome<Account>> => {
      const account = await repo.lockAccount(trx, id);
      if (!account) return { ok: false, code: 'account_not_found', params: { id } };
      if (account.status === status) return { ok: true, value: account };
      const allowed =
        account.status !== 'closed' &&
        (status !== 'closed' || account.status === 'active' || account.status === 'frozen');
      if (!allowed) {
        return {
          ok: false,
          code: 'account_status_transition_invalid',
          params: { id, from: account.status, to: status },
        };
      }
      if (status === 'closed' && !isZero(account.balances)) {
        return { ok: false, code: 'account_balance_not_zero', params: { id } };
      }
      await repo.updateAccountStatus(trx, id, status);
      const updated = { ...account, status };
      await this.#deps.outbox.enqueue(trx, [
        { topic: 'ledger.account.status_changed', key: id, payload: { id, from: account.status, to: status } },
      ]);
      return { ok: true, value: updated };
    }).finally(() => this.#deps.eventsCommitted?.());
  }

  // ------------------------------------------------------------ transfers

  /**
   * Applies a batch of transfer requests atomically per request (or per linked chain), in order,
   * in one database transaction. Returns one result per request.
   */
  async createTransfers(
    requests: readonly TransferRequest[],
    options: TransferBatchOptions = {},
  ): Promise<TransferResult[]> {
    return this.#applyBatch(requests, options);
  }

  async #applyBatch(
    requests: readonly (TransferRequest | ExpiryRequest)[],
    options: TransferBatchOptions = {},
  ): Promise<TransferResult[]> {
    assert(requests.length <= LIMITS.transferBatchSizeMax, 'transfer batch bounded at the edge');
    if (requests.length === 0) return [];
    // First attempt assumes no request is a replay and skips reading existing ids; the insert then
    // proves it (`on conflict do nothing` inserts every row). A replay, a refusal that might hide
    // one, or a concurrent insert of the same id rolls back and runs again with the full check.
    let checkExisting = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const results = await inTransaction(this.#deps.db, (trx) =>
          this.#applyInTransaction(trx, requests, checkExisting, options),
        );
        if (results.some((r) => r.status === 'created')) this.#deps.eventsCommitted?.();
        return results;
      } catch (error) {
        if (attempt < UNIQUE_RETRIES_MAX && (error instanceof ReplaySuspected || isUniqueViolation(error))) {
          checkExisting = true;
          continue;
        }
        throw error;
      }
    }
  }

  async #applyInTransaction(
    trx: repo.Trx,
    requests: readonly (TransferRequest | ExpiryRequest)[],
    checkExisting: boolean,
    options: TransferBatchOptions,
  ): Promise<TransferResult[]> {
    const referencedIds = new Set<string>();
    for (const r of requests) {
      if (r.kind === 'expire_pending' || isResolution(r as TransferRequest))
        referencedIds.add((r as { pendingId: string }).pendingId);
      else if ((r as { reversesId?: string }).reversesId) referencedIds.add((r as { reversesId: string }).reversesId);
    }
    const referenced = await repo.loadTransfers(trx, [...referencedIds]);
    const accountIds: string[] = [];
    for (const r of requests) {
      if (r.kind === 'single' || r.kind === 'pending') accountIds.push(r.debitAccountId, r.creditAccountId);
    }
    for (const t of referenced.values()) accountIds.push(t.debitAccountId, t.creditAccountId);
    const accounts = await repo.lockAccounts(trx, accountIds);
    // Only under the account locks: a concurrent batch that wrote one of our ids with the same
    // fields (a client's retry) locked the same accounts, so it has committed or rolled back by now
    // and a replay is seen as one, not decided afresh; and the batch's time is read after the
    // batches it waited for, so each account's entries are dated in the order of their sequence.
    const now = this.#deps.clock.now();
    const existing = checkExisting
      ? await repo.loadTransfers(
          trx,
          requests.map((r) => r.id),
        )
      : new Map<string, Transfer>();
    // Read pending states and reversed sums only now: the account locks keep them stable.
    const pendings = await repo.loadPendingRecords(trx, [...referenced.values()]);
    // Every referenced transfer, whatever its kind: the engine itself refuses to reverse a pending
    // transfer (`reversal_target_not_posted`) or to resolve a transfer that is not pending.
    const reversibleIds = [...referenced.keys()];
    const reversed = await repo.loadReversedSums(trx, reversibleIds);
    const state: EngineState = {
      now,
      accounts,
      existing,
      pendings,
      reversible: new Map(
        reversibleIds.map((id) => [
          id,
          { transfer: referenced.get(id) as Transfer, reversedMinor: reversed.get(id) ?? 0n },
        ]),
      ),
    };
    const output = applyTransfers(state, requests);
    if (!checkExisting && output.results.some((r) => r.status === 'failed')) throw new ReplaySuspected();
    // One event per committed batch, naming the transfers (not carrying them): thousands of outbox
    // rows, or a payload of every field, would cost more than the ledger writes themselves.
    // Consumers read the transfers they need with `getTransfers(ids)`.
    const outboxInsert =
      output.transfers.length > 0
        ? this.#deps.outbox.insertStatement([
            {
              topic: 'ledger.transfers.created',
              key: output.transfers[0]?.id ?? '',
              payload: {
                count: output.transfers.length,
                transferIds: output.transfers.map((t) => t.id),
                createdAt: now,
              },
            },
          ])
        : undefined;
    const { inserted } = await repo.writeBatch(trx, output, outboxInsert);
    if (inserted !== output.transfers.length) throw new ReplaySuspected();
    // A composition package's own write, atomic with the batch (it sees the results it records).
    await options.inTransaction?.(trx, output.results);
    return output.results;
  }

  /** Transfers by id (at most one batch's worth), in no particular order; unknown ids are skipped. */
  async getTransfers(ids: readonly string[]): Promise<Transfer[]> {
    assert(ids.length <= LIMITS.transferBatchSizeMax, 'lookup bounded by the batch size');
    return [...(await repo.loadTransfers(this.#deps.db, ids)).values()];
  }

  async getTransfer(id: string): Promise<(Transfer & { pendingState?: string; expiresAt?: Date | null }) | undefined> {
    const transfer = (await repo.loadTransfers(this.#deps.db, [id])).get(id);
    if (transfer?.kind !== 'pending') return transfer;
    const pending = await repo.pendingStateOf(this.#deps.db, id);
    return { ...transfer, pendingState: pending?.state ?? 'pending', expiresAt: pending?.expiresAt ?? null };
  }

  /**
   * Builds the correcting transfer for `originalId`: the same accounts the other way round, for all
   * or part of the amount not yet reversed.
   */
  async reversalRequest(
    originalId: string,
    request: { id: string; amountMinor?: bigint; metadata?: Record<string, unknown>; code?: number },
  ): Promise<Outcome<TransferRequest>> {
    const original = (await repo.loadTransfers(this.#deps.db, [originalId])).get(originalId);
    if (!original) return { ok: false, code: 'transfer_not_found', params: { id: originalId } };
    if (original.kind !== 'single' && original.kind !== 'post_pending') {
      return { ok: false, code: 'reversal_target_not_posted', params: { id: originalId } };
    }
    return {
      ok: true,
      value: {
        kind: 'single',
        id: request.id,
        debitAccountId: original.creditAccountId,
        creditAccountId: original.debitAccountId,
        amountMinor: request.amountMinor ?? original.amountMinor,
        currency: original.currency,
        reversesId: original.id,
        code: request.code ?? original.code,
        metadata: request.metadata ?? {},
      },
    };
  }

  /** Expires pending transfers whose timeout has passed; returns how many. Safe to run on several processes. */
  async expireDue(limit = EXPIRY_BATCH_MAX): Promise<number> {
    const due = await repo.duePendingTransfers(this.#deps.db, this.#deps.clock.now(), limit);
    if (due.length === 0) return 0;
    const results = await this.#applyBatch(
      due.map((pendingId): ExpiryRequest => ({ kind: 'expire_pending', id: this.#deps.ids.uuid(), pendingId })),
    );
    return results.filter((r) => r.status === 'created').length;
  }

  // ------------------------------------------------------------ history

  async statement(query: repo.StatementQuery): Promise<Outcome<Statement>> {
    const account = await this.getAccount(query.accountId);
    if (!account) return { ok: false, code: 'account_not_found', params: { id: query.accountId } };
    const lines = await repo.statementEntries(this.#deps.db, { ...query, limit: query.limit + 1 });
    const more = lines.length > query.limit;
    const page = more ? lines.slice(0, query.limit) : lines;
    return { ok: true, value: { account, lines: page, nextAfterSeq: more ? page.at(-1)?.seq : undefined } };
  }

  async balancesAsOf(
    accountId: string,
    at: Date,
  ): Promise<Outcome<{ account: Account; balances: Balances; seq: bigint }>> {
    const account = await this.getAccount(accountId);
    if (!account) return { ok: false, code: 'account_not_found', params: { id: accountId } };
    const { seq, ...balances } = await repo.balancesAsOf(this.#deps.db, accountId, at);
    return { ok: true, value: { account, balances, seq } };
  }

  async totals(): Promise<repo.CurrencyTotals[]> {
    return repo.totalsPerCurrency(this.#deps.db);
  }

  async verify(): Promise<VerifyReport> {
    return verifyLedger(this.#deps.db);
  }
}

function validateAccount(r: AccountRequest): AccountResult | undefined {
  if (findCurrency(r.currency) === undefined)
    return { status: 'failed', code: 'currency_unknown', params: { currency: r.currency } };
  if (!ACCOUNT_TYPES.includes(r.type))
    return { status: 'failed', code: 'account_type_unknown', params: { type: r.type } };
  if (flagsToLimit(r.flags ?? []) === 'conflict') return { status: 'failed', code: 'account_flags_conflict' };
  // The limit is in bytes (UTF-8, as the edge counts them), not in UTF-16 code units.
  if (r.metadata && Buffer.byteLength(JSON.stringify(r.metadata)) > LIMITS.metadataBytesMax) {
    return { status: 'failed', code: 'metadata_too_large', params: { max: LIMITS.metadataBytesMax } };
  }
  return undefined;
}

function sameAccount(a: Account, r: AccountRequest): boolean {
  return (
    a.currency === (r.currency as CurrencyCode) &&
    a.type === r.type &&
    a.code === (r.code ?? 0) &&
    a.ownerRef === (r.ownerRef ?? null) &&
    a.limit === flagsToLimit(r.flags ?? []) &&
    canonicalJson(a.metadata) === canonicalJson(r.metadata ?? {})
  );
}

function accountEvent(a: Account) {
  return { id: a.id, currency: a.currency, type: a.type, code: a.code, ownerRef: a.ownerRef, limit: a.limit };
}
