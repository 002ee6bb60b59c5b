import { AMOUNT_MAX_MINOR, assert, canonicalJson } from '@zhirong/kernel';
import { type AccountState, type Balances, withinLimit } from './account.ts';
import type { LedgerErrorCode } from './errors.ts';
import type {
  Entry,
  MovementRequest,
  PendingState,
  ResolutionKind,
  ResolutionRequest,
  Transfer,
  TransferRequest,
  TransferResult,
} from './transfer.ts';

/**
 * The ledger's decision procedure, free of I/O: given the state a batch touches (loaded and locked
 * by the repository), apply the requests one by one, in order, exactly as if each ran alone — the
 * TigerBeetle model. It returns one result per request and the rows to write. Because it is pure,
 * the property tests drive it directly with random operation sequences, and the database path
 * runs the very same code.
 */
export interface PendingRecord {
  readonly transfer: Transfer;
  state: PendingState;
  readonly expiresAt: Date | null;
}

export interface EngineState {
  readonly now: Date;
  readonly accounts: Map<string, AccountState>;
  /** Transfers already stored whose ids appear in the batch (for replays). */
  readonly existing: Map<string, Transfer>;
  /** Pending transfers referenced by resolutions in the batch. */
  readonly pendings: Map<string, PendingRecord>;
  /**
   * Stored transfers the batch references (as reversal targets or pending ids), with the amount
   * already reversed; the engine adds the transfers it creates, so later requests of the batch can
   * reference them too.
   */
  readonly reversible: Map<string, { transfer: Transfer; reversedMinor: bigint }>;
}

export interface EngineOutput {
  readonly results: TransferResult[];
  readonly transfers: Transfer[];
  readonly entries: Entry[];
  /** New pending transfers, with their expiry. */
  readonly pendingCreated: { transferId: string; expiresAt: Date | null }[];
  /** Pending transfers resolved by this batch. */
  readonly pendingResolved: { pendingId: string; state: PendingState; resolvedBy: string }[];
  /** Accounts whose balances changed, final state. */
  readonly touchedAccounts: Map<string, AccountState>;
}

type Failure = { code: LedgerErrorCode; params?: Record<string, unknown> };

/** System-generated expiry of pending transfers whose timeout has passed. */
export interface ExpiryRequest {
  readonly kind: 'expire_pending';
  readonly id: string;
  readonly pendingId: string;
}

export function applyTransfers(
  state: EngineState,
  requests: readonly (TransferRequest | ExpiryRequest)[],
): EngineOutput {
  const out: EngineOutput = {
    results: [],
    transfers: [],
    entries: [],
    pendingCreated: [],
    pendingResolved: [],
    touchedAccounts: new Map(),
  };
  const createdInBatch = new Map<string, Transfer>();
  const undo: (() => void)[] = [];
  let chainStart = -1;

  const lastLinked = requests.at(-1);
  const chainOpen = lastLinked !== undefined && 'linked' in lastLinked && lastLinked.linked === true;

  for (let index = 0; index < requests.length; index++) {
    const request = requests[index] as TransferRequest | ExpiryRequest;
    const linked = 'linked' in request && request.linked === true;
    if (chainStart < 0 && linked) {
      chainStart = index;
      undo.length = 0;
    }
    const inChain = chainStart >= 0;
    let result: TransferResult | Failure;
    if (chainOpen && inChain && index === requests.length - 1) {
      result = { code: 'linked_event_chain_open' };
    } else {
      result = applyOne(state, out, createdInBatch, request, inChain ? undo : null);
    }
    if ('code' in result) {
      if (inChain) {
        // Undo the chain so far and fail every member: the chain is atomic.
        for (let i = undo.length - 1; i >= 0; i--) undo[i]?.();
        undo.length = 0;
        for (let i = chainStart; i < index; i++) out.results[i] = { status: 'failed', code: 'linked_event_failed' };
        out.results.push({ status: 'failed', code: result.code, ...(result.params ? { params: result.params } : {}) });
        // Skip the rest of the chain.
        let j = index;
        while (j < requests.length - 1 && isLinked(requests[j])) {
          j++;
          out.results.push({ status: 'failed', code: 'linked_event_failed' });
        }
        index = j;
        chainStart = -1;
        continue;
      }
      out.results.push({ status: 'failed', code: result.code, ...(result.params ? { params: result.params } : {}) });
    } else {
      out.results.push(result);
    }
    if (inChain && !linked) {
      chainStart = -1;
      undo.length = 0;
    }
  }
  assert(out.results.length === requests.length, 'one result per request');
  return out;
}

function isLinked(request: TransferRequest | ExpiryRequest | undefined): boolean {
  return request !== undefined && 'linked' in request && request.linked === true;
}

function applyOne(
  state: EngineState,
  out: EngineOutput,
  createdInBatch: Map<string, Transfer>,
  request: TransferRequest | ExpiryRequest,
  undo: (() => void)[] | null,
): TransferResult | Failure {
  const previous = createdInBatch.get(request.id) ?? state.existing.get(request.id);
  if (previous !== undefined) {
    return sameFields(previous, request, state)
      ? { status: 'exists', transfer: previous }
      : { code: 'exists_with_different_fields' };
  }
  const outcome =
    request.kind === 'single' || request.kind === 'pending'
      ? applyMovement(state, request)
      : applyResolution(state, request as ResolutionRequest | ExpiryRequest);
  if ('code' in outcome) return outcome;

  // Commit the decision into the in-memory state and the output, recording how to undo it.
  const { transfer, debit, credit, pendingRecord, resolves, reversal } = outcome;
  // What undoing needs is only captured inside a linked chain: the common case allocates nothing for it.
  const saved =
    undo === null
      ? undefined
      : {
          debit: state.accounts.get(debit.id),
          credit: state.accounts.get(credit.id),
          touchedDebit: out.touchedAccounts.get(debit.id),
          touchedCredit: out.touchedAccounts.get(credit.id),
          transfers: out.transfers.length,
          entries: out.entries.length,
          pendingCreated: out.pendingCreated.length,
          pendingResolved: out.pendingResolved.length,
        };
  // The decision's accounts are fresh copies with the new balances and the next entry number.
  const debitAfter = debit;
  const creditAfter = credit;
  state.accounts.set(debit.id, debitAfter);
  state.accounts.set(credit.id, creditAfter);
  out.touchedAccounts.set(debit.id, debitAfter);
  out.touchedAccounts.set(credit.id, creditAfter);
  out.transfers.push(transfer);
  out.entries.push(entryFor(debitAfter, transfer, true), entryFor(creditAfter, transfer, false));
  createdInBatch.set(transfer.id, transfer);
  // A later request of the batch may reverse it (or name it as a pending id), as if it ran alone.
  state.reversible.set(transfer.id, { transfer, reversedMinor: 0n });
  if (pendingRecord) {
    state.pendings.set(transfer.id, pendingRecord);
    out.pendingCreated.push({ transferId: transfer.id, expiresAt: pendingRecord.expiresAt });
  }
  let previousPendingState: PendingState | undefined;
  if (resolves) {
    previousPendingState = resolves.record.state;
    resolves.record.state = resolves.state;
    out.pendingResolved.push({
      pendingId: resolves.record.transfer.id,
      state: resolves.state,
      resolvedBy: transfer.id,
    });
  }
  if (reversal) reversal.entry.reversedMinor += transfer.amountMinor;

  if (undo === null || saved === undefined) return { status: 'created', transfer };
  undo.push(() => {
    restore(state.accounts, debit.id, saved.debit);
    restore(state.accounts, credit.id, saved.credit);
    restore(out.touchedAccounts, debit.id, saved.touchedDebit);
    restore(out.touchedAccounts, credit.id, saved.touchedCredit);
    out.transfers.length = saved.transfers;
    out.entries.length = saved.entries;
    out.pendingCreated.length = saved.pendingCreated;
    out.pendingResolved.length = saved.pendingResolved;
    createdInBatch.delete(transfer.id);
    state.reversible.delete(transfer.id);
    if (pendingRecord) state.pendings.delete(transfer.id);
    if (resolves && previousPendingState) resolves.record.state = previousPendingState;
    if (reversal) reversal.entry.reversedMinor -= transfer.amountMinor;
  });
  return { status: 'created', transfer };
}

function restore<V>(map: Map<string, V>, key: string, value: V | undefined): void {
  if (value === undefined) map.delete(key);
  else map.set(key, value);
}

interface Decision {
  transfer: Transfer;
  /** Fresh copies of the accounts with their new balances and the next entry number. */
  debit: AccountState;
  credit: AccountState;
  pendingRecord?: PendingRecord;
  resolves?: { record: PendingRecord; state: PendingState };
  reversal?: { entry: { transfer: Transfer; reversedMinor: bigint } };
}

function accountUsable(account: AccountState, allowFrozenOrClosed: boolean): Failure | undefined {
  if (allowFrozenOrClosed) return undefined;
  if (account.status === 'closed') return { code: 'account_closed', params: { id: account.id } };
  if (account.status === 'frozen') return { code: 'account_frozen', params: { id: account.id } };
  return undefined;
}

function applyMovement(state: EngineState, request: MovementRequest): Decision | Failure {
  if (request.debitAccountId === request.creditAccountId) return { code: 'accounts_must_be_different' };
  if (request.kind !== 'pending' && (request.timeoutSeconds ?? 0) !== 0) {
    return { code: 'timeout_reserved_for_pending_transfer' };
  }
  // Validated at the HTTP edge too; refusing here keeps one bad request from failing a shared batch.
  if (request.amountMinor <= 0n) return { code: request.amountMinor === 0n ? 'amount_zero' : 'amount_negative' };
  if (request.amountMinor > AMOUNT_MAX_MINOR) return { code: 'amount_too_large' };
  const debit = state.accounts.get(request.debitAccountId);
  if (!debit) return { code: 'account_not_found', params: { id: request.debitAccountId } };
  const credit = state.accounts.get(request.creditAccountId);
  if (!credit) return { code: 'account_not_found', params: { id: request.creditAccountId } };
  if (debit.currency !== request.currency || credit.currency !== request.currency) return { code: 'currency_mismatch' };
  const unusable = accountUsable(debit, false) ?? accountUsable(credit, false);
  if (unusable) return unusable;

  let reversal: Decision['reversal'];
  if (request.reversesId !== undefined) {
    const entry = state.reversible.get(request.reversesId);
    if (!entry) return { code: 'transfer_not_found', params: { id: request.reversesId } };
    const target = entry.transfer;
    if (request.kind !== 'single' || (target.kind !== 'single' && target.kind !== 'post_pending')) {
      return { code: 'reversal_target_not_posted', params: { id: request.reversesId } };
    }
    if (target.debitAccountId !== request.creditAccountId || target.creditAccountId !== request.debitAccountId) {
      return { code: 'reversal_target_not_posted', params: { id: request.reversesId } };
    }
    if (entry.reversedMinor + request.amountMinor > target.amountMinor) {
      return { code: 'exceeds_reversible_amount', params: { id: request.reversesId } };
    }
    reversal = { entry };
  }

  const amount = request.amountMinor;
  const pending = request.kind === 'pending';
  const debitBalances: Balances = pending
    ? { ...debit.balances, debitsPending: debit.balances.debitsPending + amount }
    : { ...debit.balances, debitsPosted: debit.balances.debitsPosted + amount };
  const creditBalances: Balances = pending
    ? { ...credit.balances, creditsPending: credit.balances.creditsPending + amount }
    : { ...credit.balances, creditsPosted: credit.balances.creditsPosted + amount };
  const overflow = checkOverflow(debit.id, debitBalances) ?? checkOverflow(credit.id, creditBalances);
  if (overflow) return overflow;
  if (!withinLimit(debit.limit, debitBalances)) return { code: 'exceeds_credits', params: { id: debit.id } };
  if (!withinLimit(credit.limit, creditBalances)) return { code: 'exceeds_debits', params: { id: credit.id } };

  const timeoutSeconds = request.timeoutSeconds ?? 0;
  const transfer: Transfer = {
    id: request.id,
    kind: request.kind,
    debitAccountId: debit.id,
    creditAccountId: credit.id,
    amountMinor: amount,
    currency: request.currency,
    pendingId: null,
    reversesId: request.reversesId ?? null,
    timeoutSeconds,
    code: request.code ?? 0,
    metadata: request.metadata ?? {},
    linked: request.linked === true,
    createdAt: state.now,
  };
  return {
    transfer,
    debit: { ...debit, balances: debitBalances, entryCount: debit.entryCount + 1n },
    credit: { ...credit, balances: creditBalances, entryCount: credit.entryCount + 1n },
    ...(pending
      ? {
          pendingRecord: {
            transfer,
            state: 'pending' as const,
            expiresAt: timeoutSeconds > 0 ? new Date(state.now.getTime() + timeoutSeconds * 1000) : null,
          },
        }
      : {}),
    ...(reversal ? { reversal } : {}),
  };
}

function applyResolution(state: EngineState, request: ResolutionRequest | ExpiryRequest): Decision | Failure {
  const record = state.pendings.get(request.pendingId);
  if (!record) {
    if (state.reversible.has(request.pendingId) || state.existing.has(request.pendingId)) {
      return { code: 'pending_transfer_not_pending', params: { id: request.pendingId } };
    }
    return { code: 'pending_transfer_not_found', params: { id: request.pendingId } };
  }
  const pending = record.transfer;
  if (pending.kind !== 'pending') return { code: 'pending_transfer_not_pending', params: { id: pending.id } };
  if (record.state === 'posted') return { code: 'pending_transfer_already_posted', params: { id: pending.id } };
  if (record.state === 'voided') return { code: 'pending_transfer_already_voided', params: { id: pending.id } };
  if (record.state === 'expired') return { code: 'pending_transfer_expired', params: { id: pending.id } };
  const expired = record.expiresAt !== null && record.expiresAt.getTime() <= state.now.getTime();
  if (expired && request.kind !== 'expire_pending') {
    return { code: 'pending_transfer_expired', params: { id: pending.id } };
  }
  if (request.kind === 'expire_pending' && !expired) {
    // The sweeper only expires what is due; anything else is a bug in the caller.
    return { code: 'pending_transfer_not_pending', params: { id: pending.id } };
  }
  const debit = state.accounts.get(pending.debitAccountId);
  const credit = state.accounts.get(pending.creditAccountId);
  assert(debit !== undefined && credit !== undefined, 'accounts of a pending transfer are loaded with it');

  const kind: ResolutionKind = request.kind;
  const posting = kind === 'post_pending';
  const requestedAmount = request.kind === 'post_pending' ? request.amountMinor : undefined;
  const amount = posting ? (requestedAmount ?? pending.amountMinor) : pending.amountMinor;
  if (posting) {
    if (amount <= 0n) return { code: 'amount_zero' };
    if (amount > pending.amountMinor) return { code: 'exceeds_pending_transfer_amount', params: { id: pending.id } };
    const unusable = accountUsable(debit, false) ?? accountUsable(credit, false);
    if (unusable) return unusable;
  }
  const held = pending.amountMinor;
  const debitBalances: Balances = {
    ...debit.balances,
    debitsPending: debit.balances.debitsPending - held,
    debitsPosted: debit.balances.debitsPosted + (posting ? amount : 0n),
  };
  const creditBalances: Balances = {
    ...credit.balances,
    creditsPending: credit.balances.creditsPending - held,
    creditsPosted: credit.balances.creditsPosted + (posting ? amount : 0n),
  };
  assert(debitBalances.debitsPending >= 0n && creditBalances.creditsPending >= 0n, 'pending balance covers the hold');
  const overflow = checkOverflow(debit.id, debitBalances) ?? checkOverflow(credit.id, creditBalances);
  if (overflow) return overflow;
  // Posting at most the held amount, or releasing it, can only move a limited account toward its limit's safe side.
  assert(
    !withinLimit(debit.limit, debit.balances) || withinLimit(debit.limit, debitBalances),
    'a resolution never breaks a limit',
  );
  assert(
    !withinLimit(credit.limit, credit.balances) || withinLimit(credit.limit, creditBalances),
    'a resolution never breaks a limit',
  );
  const transfer: Transfer = {
    id: request.id,
    kind,
    debitAccountId: debit.id,
    creditAccountId: credit.id,
    amountMinor: amount,
    currency: pending.currency,
    pendingId: pending.id,
    reversesId: null,
    timeoutSeconds: 0,
    code: 'code' in request ? (request.code ?? pending.code) : pending.code,
    metadata: 'metadata' in request ? (request.metadata ?? {}) : {},
    linked: 'linked' in request && request.linked === true,
    createdAt: state.now,
  };
  const finalState: PendingState = posting ? 'posted' : kind === 'void_pending' ? 'voided' : 'expired';
  return {
    transfer,
    debit: { ...debit, balances: debitBalances, entryCount: debit.entryCount + 1n },
    credit: { ...credit, balances: creditBalances, entryCount: credit.entryCount + 1n },
    resolves: { record, state: finalState },
  };
}

function checkOverflow(accountId: string, b: Balances): Failure | undefined {
  const max = AMOUNT_MAX_MINOR;
  if (b.debitsPending + b.debitsPosted > max || b.creditsPending + b.creditsPosted > max) {
    return { code: 'overflows_balance', params: { id: accountId } };
  }
  return undefined;
}

function entryFor(account: AccountState, transfer: Transfer, isDebit: boolean): Entry {
  return {
    accountId: account.id,
    seq: account.entryCount,
    transferId: transfer.id,
    isDebit,
    amountMinor: transfer.amountMinor,
    debitsPending: account.balances.debitsPending,
    debitsPosted: account.balances.debitsPosted,
    creditsPending: account.balances.creditsPending,
    creditsPosted: account.balances.creditsPosted,
    createdAt: transfer.createdAt,
  };
}

/** A replay must ask for exactly what was stored; otherwise it is a different request under a used id. */
function sameFields(stored: Transfer, request: TransferRequest | ExpiryRequest, state: EngineState): boolean {
  if (stored.kind !== request.kind) return false;
  if (request.kind === 'expire_pending') return stored.pendingId === request.pendingId;
  const sameCommon =
    stored.linked === (request.linked === true) &&
    stored.code ===
      (request.code ?? (request.kind === 'post_pending' || request.kind === 'void_pending' ? stored.code : 0)) &&
    canonicalJson(stored.metadata) === canonicalJson(request.metadata ?? {});
  if (!sameCommon) return false;
  if (request.kind === 'single' || request.kind === 'pending') {
    return (
      stored.debitAccountId === request.debitAccountId &&
      stored.creditAccountId === request.creditAccountId &&
      stored.amountMinor === request.amountMinor &&
      stored.currency === request.currency &&
      stored.timeoutSeconds === (request.timeoutSeconds ?? 0) &&
      stored.reversesId === (request.reversesId ?? null)
    );
  }
  const resolution = request as ResolutionRequest;
  if (stored.pendingId !== resolution.pendingId) return false;
  if (resolution.kind === 'void_pending' || resolution.amountMinor === undefined) {
    // Void releases the whole hold and "post everything" posts it: the stored amount is the pending amount.
    const pendingAmount = state.pendings.get(resolution.pendingId)?.transfer.amountMinor;
    return pendingAmount === undefined || stored.amountMinor === pendingAmount;
  }
  return stored.amountMinor === resolution.amountMinor;
}
