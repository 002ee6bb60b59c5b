import type { Transaction } from 'kysely';
import type { PaymentOrder, Refund } from './payment.ts';

/**
 * The port through which payments move money. This package owns the payment order and its state;
 * it never touches the ledger itself (domains do not import each other). The composition package
 * (`@zhirong/flows`, `ledgerPaymentRail`) implements the port with ledger transfers: holds are
 * pending transfers, settlement posts them with the fee split, FX legs or clearing leg in the same
 * linked chain. Every step is idempotent: the rail derives its transfer ids from the payment (and
 * refund) id, so running a step again after a crash replays instead of moving money twice.
 *
 * `execute` takes a group of steps (from concurrent requests) and returns one result per step, in
 * order; the ledger applies them in one batch.
 */
export type RailStep =
  /** Hold the funds; with `settle`, post them at once in the same chain (automatic capture). */
  | { readonly op: 'authorize'; readonly payment: PaymentOrder; readonly settle: boolean }
  /** Post a held payment (capture, or release after review). */
  | { readonly op: 'settle'; readonly payment: PaymentOrder }
  /** Release the hold (cancel before capture, or reject after review). */
  | { readonly op: 'void'; readonly payment: PaymentOrder }
  /** Give back part or all of a settled payment (fee share returned to the merchant). */
  | { readonly op: 'refund'; readonly payment: PaymentOrder; readonly refund: Refund }
  /** Correct a settled payment by reversing every leg. */
  | { readonly op: 'reverse'; readonly payment: PaymentOrder };

export type RailResult =
  | { readonly ok: true; readonly transferIds: readonly string[] }
  | { readonly ok: false; readonly code: string; readonly params?: Readonly<Record<string, unknown>> };

export interface RailExecuteOptions {
  /**
   * Runs inside the database transaction that moves the money, with one result per step: what it
   * writes commits with the movement or not at all, and throwing rolls the movement back (the
   * error propagates). Payments records a group's orders, final states, keys and events here, so
   * the common path is one transaction per group.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the rail's transaction spans schemas this package does not type
  readonly inTransaction?: (trx: Transaction<any>, results: readonly RailResult[]) => Promise<void>;
}

export interface PaymentRail {
  execute(steps: readonly RailStep[], options?: RailExecuteOptions): Promise<RailResult[]>;
  /** Currencies the rail can settle payouts/inbound credits in (it has a clearing account for). */
  readonly description?: string;
}
