import type { CurrencyCode } from '@zhirong/kernel';

/**
 * - `single`: posted at once.
 * - `pending`: first phase of a two-phase transfer; reserves the amount in the pending balances.
 * - `post_pending` / `void_pending` / `expire_pending`: the one resolution a pending transfer gets.
 */
export const TRANSFER_KINDS = ['single', 'pending', 'post_pending', 'void_pending', 'expire_pending'] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];
export type ResolutionKind = 'post_pending' | 'void_pending' | 'expire_pending';

export type PendingState = 'pending' | 'posted' | 'voided' | 'expired';

/** A committed transfer. Immutable once written: mistakes are corrected by reversal transfers. */
export interface Transfer {
  readonly id: string;
  readonly kind: TransferKind;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  /** Posted amount (single, post), reserved amount (pending), or released amount (void, expire). */
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
  /** The pending transfer a resolution resolves. */
  readonly pendingId: string | null;
  /** The transfer a correcting transfer reverses. */
  readonly reversesId: string | null;
  /** Pending only: seconds until expiry, 0 for never. */
  readonly timeoutSeconds: number;
  readonly code: number;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly linked: boolean;
  readonly createdAt: Date;
}

interface RequestBase {
  /** UUID chosen by the client: the idempotency key of the transfer. */
  readonly id: string;
  /** Chain with the next request of the batch: all succeed or all fail. */
  readonly linked?: boolean;
  readonly code?: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface MovementRequest extends RequestBase {
  readonly kind: 'single' | 'pending';
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
  /** Pending only; 0 or absent = no expiry. */
  readonly timeoutSeconds?: number;
  /** Marks this transfer as correcting (reversing) an earlier posted transfer. */
  readonly reversesId?: string;
}

export interface ResolutionRequest extends RequestBase {
  readonly kind: 'post_pending' | 'void_pending';
  readonly pendingId: string;
  /** Post only: the amount to post, at most the pending amount; absent = all of it. */
  readonly amountMinor?: bigint;
}

export type TransferRequest = MovementRequest | ResolutionRequest;

export function isResolution(request: TransferRequest): request is ResolutionRequest {
  return request.kind === 'post_pending' || request.kind === 'void_pending';
}

/** One result per request, in request order. `exists` is a replay and means the same as `created`. */
export type TransferResult =
  | { readonly status: 'created'; readonly transfer: Transfer }
  | { readonly status: 'exists'; readonly transfer: Transfer }
  | { readonly status: 'failed'; readonly code: string; readonly params?: Readonly<Record<string, unknown>> };

export interface Entry {
  readonly accountId: string;
  /** Per-account sequence, 1, 2, 3, … without gaps. */
  readonly seq: bigint;
  readonly transferId: string;
  readonly isDebit: boolean;
  readonly amountMinor: bigint;
  /** The account's balances right after this entry. */
  readonly debitsPending: bigint;
  readonly debitsPosted: bigint;
  readonly creditsPending: bigint;
  readonly creditsPosted: bigint;
  readonly createdAt: Date;
}
