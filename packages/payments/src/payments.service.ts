import { inTransaction } from '@zhirong/db';
import {
  assert,
  type Clock,
  type CurrencyCode,
  findCurrency,
  formatAmount,
  formatId,
  type IdGenerator,
  uuidTimestampMs,
} from '@zhirong/kernel';
import type { Logger, NewEvent, Outbox } from '@zhirong/platform';
import { Batcher } from './batcher.ts';
import type { PaymentsErrorCode } from './errors.ts';
import { feeReturned, merchantFee, parseMdr } from './fee.ts';
import { buyAmountFor, type FxRate, findCustomerRate, rateText, SPREAD_BPS_MAX, sellAmountFor } from './fx.ts';
import * as repo from './payment.repository.ts';
import {
  type AppliedQuote,
  canTransition,
  type ExternalParty,
  type PaymentKind,
  type PaymentOrder,
  type PaymentState,
  paymentTopic,
  REFUND_TOPICS,
  type Refund,
  type RiskVerdictRecord,
  TRANSITIONS_RECORDED_TOPIC,
  type Transition,
} from './payment.ts';
import {
  MERCHANT_PREFIX,
  PAYMENT_PREFIX,
  paymentEventPayload,
  paymentJson,
  REFUND_PREFIX,
  refundJson,
} from './payments.dto.ts';
import type { PaymentRail, RailResult, RailStep } from './rail.ts';
import { parseDecimal } from './rate.ts';
import { type PaymentScreening, type RiskGate, screenAll } from './risk.ts';

export interface PaymentsDependencies {
  readonly db: repo.Db;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly outbox: Outbox;
  readonly logger?: Logger;
  readonly eventsCommitted?: () => void;
  /** How money moves; without one, every value-moving call answers `payments_unavailable`. */
  readonly rail?: PaymentRail;
  readonly riskGate: RiskGate;
  /** Coalesced create batches in flight at once (1 on PGlite: one connection). */
  readonly inFlightMax?: number;
}

/** Who is asking and with which Idempotency-Key: keys are scoped per principal (API key). */
export interface RequestContext {
  readonly principal: string;
  readonly idempotencyKey?: string;
  /** Digest of the request (method, path, canonical body): same key + other request → 409. */
  readonly requestHash?: string;
  /** Who acts, for the record (an API key id, `cli`). */
  readonly actor?: string;
}

export interface CreatePaymentInput {
  readonly kind: PaymentKind;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly debtorAccountId?: string | null;
  readonly creditorAccountId?: string | null;
  readonly debtor?: ExternalParty | null;
  readonly creditor?: ExternalParty | null;
  readonly merchantId?: string | null;
  readonly quoteId?: string | null;
  readonly capture?: 'automatic' | 'manual';
  readonly endToEndId?: string | null;
  readonly remittanceInformation?: string | null;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export type Failure = {
  readonly ok: false;
  readonly code: PaymentsErrorCode;
  readonly params?: Record<string, unknown>;
};

export type CreateOutcome =
  | { readonly ok: true; readonly replayed: false; readonly payment: PaymentOrder; readonly statusCode: 201 }
  | { readonly ok: true; readonly replayed: true; readonly statusCode: number; readonly response: unknown }
  | Failure;

export type Outcome<T> = { readonly ok: true; readonly value: T } | Failure;

const STALLED_AFTER_MS = 10_000;
/** How far back a starting process looks for payments a crashed predecessor left. */
const RECOVERY_LOOKBACK_MS = 3_600_000;
const RECOVERY_BATCH_MAX = 500;
export const QUOTE_TTL_MS_DEFAULT = 60_000;
export const QUOTE_TTL_MS_MAX = 600_000;

interface Candidate {
  readonly index: number;
  readonly context: RequestContext;
  payment: PaymentOrder;
  readonly verdict: RiskVerdictRecord;
}

const keyOf = (principal: string, key: string) => `${principal}\n${key}`;

/**
 * Payment orders: their lifecycle, the risk gate, idempotency, refunds, FX quotes and merchants.
 * Money moves only through the `PaymentRail` port. Creating payments is coalesced: concurrent
 * requests share one insert, one risk-gate call, one ledger batch and one finalising update.
 */
export class PaymentsService {
  readonly #deps: PaymentsDependencies;
  readonly #creates: Batcher<{ input: CreatePaymentInput; context: RequestContext }, CreateOutcome>;
  #recoveryFromMs: number | undefined;

  constructor(deps: PaymentsDependencies) {
    this.#deps = deps;
    this.#creates = new Batcher((items) => this.#createBatch(items), {
      inFlightMax: deps.inFlightMax ?? 2,
      batchSizeMax: 1000,
    });
  }

  get hasRail(): boolean {
    return this.#deps.rail !== undefined;
  }

  // ------------------------------------------------------------ create

  /** Creates one payment; concurrent calls share database transactions and one ledger batch. */
  createPayment(input: CreatePaymentInput, context: RequestContext): Promise<CreateOutcome> {
    return this.#creates.submit({ input, context });
  }

  /**
   * Creates many payments as one group (file imports); one outcome per input, in order. With
   * `atomic`, a group where any payment cannot be created (invalid, duplicate end-to-end id,
   * replayed key, quote taken) writes nothing at all: every outcome is then a failure.
   * (Once written, each payment still meets the ledger on its own: one may fail for lack of funds.)
   */
  createPayments(
    items: readonly { input: CreatePaymentInput; context: RequestContext }[],
    options: { atomic?: boolean } = {},
  ): Promise<CreateOutcome[]> {
    return this.#createBatch(items, options.atomic ?? false);
  }

  /** End-to-end ids among `values` that payments already carry. */
  async existingEndToEndIds(values: readonly string[]): Promise<Set<string>> {
    return inTransaction(this.#deps.db, (trx) => repo.existingEndToEndIds(trx, values));
  }

  async #createBatch(
    items: readonly { input: CreatePaymentInput; context: RequestContext }[],
    atomic = false,
  ): Promise<CreateOutcome[]> {
    const { clock, ids, db } = this.#deps;
    const rail = this.#deps.rail;
    if (!rail) return items.map(() => ({ ok: false, code: 'payments_unavailable' }));
    const outcomes: (CreateOutcome | undefined)[] = items.map(() => undefined);
    const now = clock.now();

    // 1. What the requests refer to: merchants (fee rate) and FX quotes.
    const merchantIds = [...new Set(items.flatMap((i) => (i.input.merchantId ? [i.input.merchantId] : [])))];
    const quoteIds = [...new Set(items.flatMap((i) => (i.input.quoteId ? [i.input.quoteId] : [])))];
    const [merchants, quotes] = await Promise.all([
      merchantIds.length ? repo.loadMerchants(db, merchantIds) : new Map<string, repo.Merchant>(),
      quoteIds.length ? repo.loadQuotes(db, quoteIds) : new Map<string, repo.StoredQuote>(),
    ]);

    // 2. Build the orders; refuse what cannot be a payment.
    const built: { index: number; payment: PaymentOrder; screening: PaymentScreening }[] = [];
    for (const [index, { input }] of items.entries()) {
      const result = this.#buildOrder(input, merchants, quotes, now, ids.uuid());
      if (!result.ok) {
        outcomes[index] = result;
        continue;
      }
      const payment = result.value;
      const merchant = payment.merchantId ? merchants.get(payment.merchantId) : undefined;
      built.push({
        index,
        payment,
        screening: {
          paymentId: payment.id,
          kind: payment.kind,
          amountMinor: payment.amountMinor,
          currency: payment.currency,
          debtorAccountId: payment.debtorAccountId,
          creditorAccountId: payment.creditorAccountId,
          merchantId: payment.merchantId,
          merchantCategoryCode: merchant?.merchantCategoryCode ?? null,
          counterpartyCountry: payment.creditor?.country ?? payment.debtor?.country ?? null,
          createdAt: now,
        },
      });
    }

    if (atomic && built.length < items.length) {
      return items.map((_, i) => outcomes[i] ?? { ok: false, code: 'payment_group_refused' });
    }

    // 3. The risk gate: created → screened, or declined.
    const verdicts = await screenAll(
      this.#deps.riskGate,
      built.map((b) => b.screening),
    );
    const screenedAt = clock.now();
    const candidates: Candidate[] = built.map((b, i) => {
      const verdict = verdicts[i] ?? { decision: 'decline', reason: 'no_verdict' };
      const declined = verdict.decision === 'decline';
      const cause = declined ? 'risk_declined' : verdict.decision === 'review' ? 'risk_review' : 'risk_approved';
      const transition: Transition = {
        from: 'created',
        to: declined ? 'declined' : 'screened',
        at: screenedAt,
        cause,
        detail: {
          ...(verdict.reason ? { reason: verdict.reason } : {}),
          ...(verdict.policy ? { policy: verdict.policy } : {}),
        },
      };
      return {
        index: b.index,
        context: items[b.index]?.context as RequestContext,
        verdict,
        payment: {
          ...b.payment,
          state: transition.to,
          riskVerdict: verdict,
          failureCode: declined ? (verdict.reason ?? 'risk_declined') : null,
          transitions: [...b.payment.transitions, transition],
          updatedAt: screenedAt,
        },
      };
    });

    // 4. Common path: one transaction for the whole group.
    const together = await this.#createTogether(candidates);
    if (together !== undefined) {
      for (const [i, c] of candidates.entries()) {
        const payment = together[i];
        outcomes[c.index] = payment
          ? { ok: true, replayed: false, payment, statusCode: 201 }
          : { ok: false, code: 'payments_unavailable' };
      }
      return outcomes.map((o) => o ?? { ok: false, code: 'payments_unavailable' });
    }

    // 5. Careful path (a conflict in the group): first write, leaving the conflicting requests out.
    const recorded = await this.#recordCreated(candidates, outcomes, atomic);
    if (recorded === undefined) {
      return items.map((_, i) => outcomes[i] ?? { ok: false, code: 'payment_group_refused' });
    }
    const { accepted, replays } = recorded;
    this.#deps.eventsCommitted?.();
    if (replays.length > 0) {
      const stored = await repo.loadKeys(
        db,
        replays.map((r) => ({ principal: r.context.principal, key: r.context.idempotencyKey as string })),
      );
      for (const r of replays) {
        const record = stored.get(keyOf(r.context.principal, r.context.idempotencyKey as string));
        outcomes[r.index] = await this.#replay(record, r.context);
      }
    }

    // 6. The ledger, through the rail: holds, and for automatic capture the posting in the same chain.
    const toAuthorize = accepted.filter((c) => c.payment.state === 'screened');
    const finals = await this.#authorize(toAuthorize.map((c) => c.payment));
    const byId = new Map(finals.map((p) => [p.id, p]));
    for (const c of accepted) {
      outcomes[c.index] = { ok: true, replayed: false, payment: byId.get(c.payment.id) ?? c.payment, statusCode: 201 };
    }
    return outcomes.map((o) => o ?? { ok: false, code: 'payments_unavailable' });
  }

  /**
   * The whole group in one database transaction: the ledger batch (each payment's hold, and for
   * an approved, automatically captured one its posting, as one linked chain) together with the
   * orders in the states the ledger's answers give them, their idempotency keys (with their
   * responses), quote claims and events. Nothing can be left half done by a crash. Returns
   * undefined when the group holds a conflict (a replayed key, a taken end-to-end id or quote):
   * then nothing was written and the careful path sorts the group out. An unreachable ledger
   * answers `undefined` entries (nothing written: the client retries with its key).
   */
  async #createTogether(candidates: readonly Candidate[]): Promise<(PaymentOrder | undefined)[] | undefined> {
    const rail = this.#deps.rail;
    assert(rail !== undefined, 'creating payments needs a rail');
    const screened = candidates.filter((c) => c.payment.state === 'screened');
    if (screened.length === 0) return undefined;
    const steps = screened.map((c) => authorizeStep(c.payment));
    let finals = new Map<string, PaymentOrder>();
    try {
      await rail.execute(steps, {
        inTransaction: async (trx, results) => {
          const at = this.#deps.clock.now();
          finals = new Map(
            screened.map((c, i) => {
              const { payment } = railOutcome(c.payment, steps[i] as AuthorizeStep, results[i] as RailResult, at);
              return [payment.id, payment];
            }),
          );
          await this.#firstWrite(
            trx,
            candidates.map((c) => ({ ...c, payment: finals.get(c.payment.id) ?? c.payment })),
            true,
          );
        },
      });
    } catch (error) {
      if (repo.isCountMismatch(error)) return undefined;
      this.#deps.logger?.error({ err: error, count: candidates.length }, 'payment group failed; nothing was written');
      return candidates.map(() => undefined);
    }
    this.#deps.eventsCommitted?.();
    return candidates.map((c) => finals.get(c.payment.id) ?? c.payment);
  }

  #buildOrder(
    input: CreatePaymentInput,
    merchants: Map<string, repo.Merchant>,
    quotes: Map<string, repo.StoredQuote>,
    now: Date,
    id: string,
  ): Outcome<PaymentOrder> {
    const fail = (code: PaymentsErrorCode, params?: Record<string, unknown>): Failure => ({
      ok: false,
      code,
      ...(params ? { params } : {}),
    });
    if (!findCurrency(input.currency)) return fail('currency_unknown', { currency: input.currency });
    if (input.amountMinor <= 0n) return fail('amount_zero');
    const kind = input.kind;
    const need = (value: unknown, field: string) => (value ? undefined : fail('party_required', { kind, field }));
    const refuse = (value: unknown, field: string) => (value ? fail('party_not_allowed', { kind, field }) : undefined);
    const problem =
      kind === 'p2p'
        ? (need(input.debtorAccountId, 'debtorAccountId') ??
          need(input.creditorAccountId, 'creditorAccountId') ??
          refuse(input.merchantId, 'merchantId'))
        : kind === 'merchant'
          ? (need(input.debtorAccountId, 'debtorAccountId') ??
            need(input.merchantId, 'merchantId') ??
            refuse(input.creditorAccountId, 'creditorAccountId') ??
            refuse(input.quoteId, 'quoteId'))
          : kind === 'payout'
            ? (need(input.debtorAccountId, 'debtorAccountId') ??
              need(input.creditor, 'creditor') ??
              refuse(input.creditorAccountId, 'creditorAccountId') ??
              refuse(input.merchantId, 'merchantId'))
            : (need(input.creditorAccountId, 'creditorAccountId') ??
              need(input.debtor, 'debtor') ??
              refuse(input.debtorAccountId, 'debtorAccountId') ??
              refuse(input.merchantId, 'merchantId') ??
              refuse(input.quoteId, 'quoteId'));
    if (problem) return problem;

    let mdr: string | null = null;
    let feeMinor = 0n;
    let creditorAccountId = input.creditorAccountId ?? null;
    if (kind === 'merchant') {
      const merchant = merchants.get(input.merchantId as string);
      if (!merchant) return fail('merchant_not_found', { id: formatId(MERCHANT_PREFIX, input.merchantId as string) });
      if (merchant.currency !== input.currency) {
        return fail('merchant_currency_mismatch', {
          id: formatId(MERCHANT_PREFIX, merchant.id),
          expected: merchant.currency,
          currency: input.currency,
        });
      }
      const rate = parseMdr(merchant.mdr);
      assert(rate !== undefined, 'stored merchant rates are valid');
      mdr = merchant.mdr;
      feeMinor = merchantFee(input.amountMinor, rate).feeMinor;
      creditorAccountId = merchant.accountId;
    }

    let quote: AppliedQuote | null = null;
    let creditAmountMinor = input.amountMinor;
    let creditCurrency = input.currency as CurrencyCode;
    if (input.quoteId) {
      const stored = quotes.get(input.quoteId);
      const quoteRef = formatId('fxq', input.quoteId);
      if (!stored) return fail('quote_not_found', { id: quoteRef });
      if (stored.paymentId) return fail('quote_already_used', { id: quoteRef });
      if (stored.expiresAt.getTime() <= now.getTime()) return fail('quote_expired', { id: quoteRef });
      if (stored.sellCurrency !== input.currency) {
        return fail('quote_mismatch', { id: quoteRef, reason: `the quote sells ${stored.sellCurrency}` });
      }
      if (stored.sellAmountMinor !== input.amountMinor) {
        return fail('quote_mismatch', {
          id: quoteRef,
          reason: `the quote is for ${formatAmount(stored.sellAmountMinor, stored.sellCurrency)} ${stored.sellCurrency}`,
        });
      }
      quote = {
        quoteId: stored.id,
        sellCurrency: stored.sellCurrency,
        buyCurrency: stored.buyCurrency,
        sellAmountMinor: stored.sellAmountMinor,
        buyAmountMinor: stored.buyAmountMinor,
        midRate: stored.mid,
        rate: stored.rate,
        spreadBps: stored.spreadBps,
        expiresAt: stored.expiresAt,
      };
      creditAmountMinor = stored.buyAmountMinor;
      creditCurrency = stored.buyCurrency;
    }

    return {
      ok: true,
      value: {
        id,
        kind,
        state: 'created',
        amountMinor: input.amountMinor,
        currency: input.currency as CurrencyCode,
        creditAmountMinor,
        creditCurrency,
        debtorAccountId: input.debtorAccountId ?? null,
        creditorAccountId,
        debtor: input.debtor ?? null,
        creditor: input.creditor ?? null,
        merchantId: input.merchantId ?? null,
        mdr,
        feeMinor,
        quote,
        capture: input.capture ?? 'automatic',
        endToEndId: input.endToEndId ?? null,
        remittanceInformation: input.remittanceInformation ?? null,
        refundedMinor: 0n,
        failureCode: null,
        riskVerdict: null,
        metadata: input.metadata ?? {},
        transitions: [{ from: null, to: 'created', at: now, cause: 'requested' }],
        createdAt: now,
        updatedAt: now,
      },
    };
  }

  /**
   * The first write of a group. The common case (no replayed key, no duplicate end-to-end id, no
   * quote taken meanwhile) is one self-contained statement; if any row is refused it writes
   * nothing, and the group is written again in a transaction that checks each conflict first and
   * leaves the conflicting requests out (or, for an atomic group, refuses the whole group).
   */
  async #recordCreated(
    candidates: readonly Candidate[],
    outcomes: (CreateOutcome | undefined)[],
    atomic = false,
  ): Promise<{ accepted: Candidate[]; replays: Candidate[] } | undefined> {
    if (candidates.length === 0) return { accepted: [], replays: [] };
    try {
      await this.#firstWrite(this.#deps.db, candidates);
      return { accepted: [...candidates], replays: [] };
    } catch (error) {
      if (!repo.isCountMismatch(error)) throw error;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await inTransaction(this.#deps.db, async (trx) => {
          const { accepted, replays, refused } = await this.#sortConflicts(trx, candidates);
          if (atomic && (refused.size > 0 || replays.length > 0)) {
            for (const [index, failure] of refused) outcomes[index] = failure;
            for (const r of replays) outcomes[r.index] = { ok: false, code: 'idempotency_key_reused' };
            return undefined;
          }
          await this.#firstWrite(trx, accepted);
          for (const [index, failure] of refused) outcomes[index] = failure;
          return { accepted, replays };
        });
      } catch (error) {
        // A concurrent group took a key, an end-to-end id or a quote after the checks: look again.
        if (repo.isCountMismatch(error) && attempt < 3) continue;
        throw error;
      }
    }
  }

  /** Splits a group into what can be written, replays of stored keys, and refusals. */
  async #sortConflicts(
    trx: repo.Trx,
    candidates: readonly Candidate[],
  ): Promise<{ accepted: Candidate[]; replays: Candidate[]; refused: Map<number, Failure> }> {
    const accepted: Candidate[] = [];
    const replays: Candidate[] = [];
    const refused = new Map<number, Failure>();
    const keyed = candidates.filter((c) => c.context.idempotencyKey);
    const existingKeys = await repo.loadKeys(
      trx,
      keyed.map((c) => ({ principal: c.context.principal, key: c.context.idempotencyKey as string })),
    );
    const e2e = candidates.flatMap((c) => (c.payment.endToEndId ? [c.payment.endToEndId] : []));
    const takenE2e = await repo.existingEndToEndIds(trx, e2e);
    const quoteIds = candidates.flatMap((c) => (c.payment.quote ? [c.payment.quote.quoteId] : []));
    const quotes = await repo.loadQuotes(trx, quoteIds);
    const now = this.#deps.clock.now();
    const seenKeys = new Set<string>();
    const seenE2e = new Set<string>();
    const seenQuotes = new Set<string>();
    for (const c of candidates) {
      const key = c.context.idempotencyKey ? keyOf(c.context.principal, c.context.idempotencyKey) : undefined;
      if (key && (existingKeys.has(key) || seenKeys.has(key))) {
        if (existingKeys.has(key)) replays.push(c);
        else refused.set(c.index, { ok: false, code: 'idempotency_key_in_progress' });
        continue;
      }
      const e = c.payment.endToEndId;
      if (e && (takenE2e.has(e) || seenE2e.has(e))) {
        refused.set(c.index, { ok: false, code: 'end_to_end_id_exists', params: { value: e } });
        continue;
      }
      const q = c.payment.quote;
      if (q) {
        const stored = quotes.get(q.quoteId);
        const ref = formatId('fxq', q.quoteId);
        if (stored?.paymentId || seenQuotes.has(q.quoteId)) {
          refused.set(c.index, { ok: false, code: 'quote_already_used', params: { id: ref } });
          continue;
        }
        if (!stored || stored.expiresAt.getTime() <= now.getTime()) {
          refused.set(c.index, { ok: false, code: 'quote_expired', params: { id: ref } });
          continue;
        }
        seenQuotes.add(q.quoteId);
      }
      if (key) seenKeys.add(key);
      if (e) seenE2e.add(e);
      accepted.push(c);
    }
    return { accepted, replays, refused };
  }

  /** Writes a group's orders, keys, quote claims and events; raises ZR001 (writing nothing) on any conflict. */
  async #firstWrite(db: repo.Db | repo.Trx, accepted: readonly Candidate[], final = false): Promise<void> {
    if (accepted.length === 0) return;
    const payments = accepted.map((c) => c.payment);
    const keys = accepted.flatMap((c) =>
      c.context.idempotencyKey
        ? [
            {
              principal: c.context.principal,
              key: c.context.idempotencyKey,
              requestHash: c.context.requestHash ?? '',
              resourceId: c.payment.id,
              // Written in its final state (or declined, final at once): its key gets its response now.
              ...(final || c.payment.state === 'declined' ? { transitions: c.payment.transitions.length } : {}),
            },
          ]
        : [],
    );
    const quoteClaims = accepted.flatMap((c) =>
      c.payment.quote ? [{ quoteId: c.payment.quote.quoteId, paymentId: c.payment.id }] : [],
    );
    await repo.recordFirstWrite(db, {
      payments,
      keys,
      quoteClaims,
      outboxInsert: this.#deps.outbox.insertStatement([
        ...payments.flatMap((p) => transitionEvents(p, p.transitions)),
        ...transitionsRecorded(payments),
      ]),
      at: this.#deps.clock.now(),
    });
  }

  /**
   * Places holds for screened payments (and posts them at once for approved, automatically
   * captured ones), then records the outcome. Payments the rail cannot reach stay `screened`; the
   * recovery pass retries them (the rail's steps are idempotent).
   */
  async #authorize(payments: readonly PaymentOrder[]): Promise<PaymentOrder[]> {
    if (payments.length === 0) return [];
    const rail = this.#deps.rail;
    assert(rail !== undefined, 'authorize needs a rail');
    const steps = payments.map(authorizeStep);
    let results: RailResult[];
    try {
      results = await rail.execute(steps);
    } catch (error) {
      this.#deps.logger?.error({ err: error, count: payments.length }, 'payment rail failed; payments stay screened');
      return [...payments];
    }
    const at = this.#deps.clock.now();
    const finals = payments.map((payment, i) =>
      railOutcome(payment, steps[i] as AuthorizeStep, results[i] as RailResult, at),
    );
    await this.#finalize(
      finals.map((f) => ({ payment: f.payment, expected: 'screened', added: f.added })),
      at,
    );
    return finals.map((f) => f.payment);
  }

  /** Second write: new states, transitions, events, and the stored responses of their keys. */
  async #finalize(
    changes: readonly { payment: PaymentOrder; expected: PaymentState; added: readonly Transition[] }[],
    at: Date,
  ): Promise<Set<string>> {
    if (changes.length === 0) return new Set();
    const updates = changes.map((c) => ({
      id: c.payment.id,
      expected: c.expected,
      state: c.payment.state,
      transitions: c.added,
      failureCode: c.payment.failureCode,
      at,
    }));
    const write = (db: repo.Db | repo.Trx, applied: typeof changes) =>
      repo.recordFinalWrite(db, {
        updates: updates.filter((u) => applied.some((c) => c.payment.id === u.id)),
        responses: applied.map((c) => ({ resourceId: c.payment.id, transitions: c.payment.transitions.length })),
        outboxInsert: this.#deps.outbox.insertStatement([
          ...applied.flatMap((c) => transitionEvents(c.payment, c.added)),
          ...transitionsRecorded(applied.map((c) => c.payment)),
        ]),
      });
    let updated: Set<string>;
    try {
      // Common case: every payment is still where this group left it — one self-contained statement.
      await write(this.#deps.db, changes);
      updated = new Set(changes.map((c) => c.payment.id));
    } catch (error) {
      if (!repo.isCountMismatch(error)) throw error;
      // Some payment moved on meanwhile (the recovery pass got there first): write only the others.
      updated = await inTransaction(this.#deps.db, async (trx) => {
        const current = await repo.lockPayments(
          trx,
          changes.map((c) => c.payment.id),
        );
        const applied = changes.filter((c) => current.get(c.payment.id)?.state === c.expected);
        if (applied.length > 0) await write(trx, applied);
        return new Set(applied.map((c) => c.payment.id));
      });
    }
    this.#deps.eventsCommitted?.();
    return updated;
  }

  /**
   * Retries payments left `screened` by a crash or an unreachable ledger; returns how many moved on.
   * It scans the ids created since its watermark (the primary key, no index on state), and moves
   * the watermark up to the oldest payment still stalled. A process starts an hour back, so it
   * picks up what a crashed predecessor left.
   */
  async recoverStalled(): Promise<number> {
    if (!this.#deps.rail) return 0;
    const toMs = this.#deps.clock.nowMs() - STALLED_AFTER_MS;
    this.#recoveryFromMs ??= toMs - RECOVERY_LOOKBACK_MS;
    const stalled = await repo.stalledPayments(this.#deps.db, this.#recoveryFromMs, toMs, RECOVERY_BATCH_MAX);
    const finals = await this.#authorize(stalled.filter((p) => p.state === 'screened'));
    const still = finals.filter((p) => p.state === 'screened' || p.state === 'created');
    const full = stalled.length === RECOVERY_BATCH_MAX;
    const lastMs = stalled.length ? uuidTimestampMs((stalled.at(-1) as PaymentOrder).id) : toMs;
    this.#recoveryFromMs = Math.min(
      still.length ? Math.min(...still.map((p) => uuidTimestampMs(p.id))) : Number.POSITIVE_INFINITY,
      full ? lastMs : toMs,
    );
    let moved = finals.length - still.length;
    const before = new Date(toMs);
    for (const refund of await repo.pendingRefunds(this.#deps.db, before, RECOVERY_BATCH_MAX)) {
      const payment = (await repo.loadPayments(this.#deps.db, [refund.paymentId])).get(refund.paymentId);
      if (!payment) continue;
      await this.#completeRefund(payment, refund);
      moved += 1;
    }
    return moved;
  }

  // ------------------------------------------------------------ reads

  async getPayment(id: string): Promise<{ payment: PaymentOrder; refunds: Refund[] } | undefined> {
    const payment = (await repo.loadPayments(this.#deps.db, [id])).get(id);
    if (!payment) return undefined;
    return { payment, refunds: await repo.loadRefunds(this.#deps.db, id) };
  }

  async getPayments(ids: readonly string[]): Promise<Map<string, PaymentOrder>> {
    return repo.loadPayments(this.#deps.db, ids);
  }

  /** Refunds by id (uuids), for readers of many at once (the evidence log); unknown ids are left out. */
  getRefunds(ids: readonly string[]): Promise<Refund[]> {
    return repo.loadRefundsByIds(this.#deps.db, ids);
  }

  async listPayments(filter: repo.PaymentFilter): Promise<PaymentOrder[]> {
    return repo.listPayments(this.#deps.db, filter);
  }

  // ------------------------------------------------------------ operations on one payment

  /** Posts an authorized (manual-capture) payment. Capturing a settled payment again returns it. */
  capture(id: string, context: RequestContext): Promise<Outcome<PaymentOrder>> {
    return this.#resolveHold(id, context, { from: 'authorized', op: 'settle', to: 'settled', cause: 'captured' });
  }

  /** Releases an authorization: the hold is voided and the payment ends `reversed`. */
  cancel(id: string, context: RequestContext): Promise<Outcome<PaymentOrder>> {
    return this.#resolveHold(id, context, {
      from: 'authorized',
      op: 'void',
      to: 'reversed',
      cause: 'authorization_voided',
    });
  }

  /** A reviewer releases a held payment: review → authorized, then settled unless capture is manual. */
  release(id: string, context: RequestContext): Promise<Outcome<PaymentOrder>> {
    return this.#resolveHold(id, context, { from: 'review', op: 'settle', to: 'settled', cause: 'review_released' });
  }

  /** A reviewer rejects a held payment: the hold is voided and the payment ends `declined`. */
  reject(id: string, context: RequestContext, reason?: string): Promise<Outcome<PaymentOrder>> {
    return this.#resolveHold(id, context, {
      from: 'review',
      op: 'void',
      to: 'declined',
      cause: 'review_rejected',
      ...(reason ? { reason } : {}),
    });
  }

  async #resolveHold(
    id: string,
    context: RequestContext,
    action: { from: PaymentState; op: 'settle' | 'void'; to: PaymentState; cause: string; reason?: string },
  ): Promise<Outcome<PaymentOrder>> {
    const rail = this.#deps.rail;
    if (!rail) return { ok: false, code: 'payments_unavailable' };
    const payment = (await repo.loadPayments(this.#deps.db, [id])).get(id);
    if (!payment) return { ok: false, code: 'payment_not_found', params: { id: formatId(PAYMENT_PREFIX, id) } };
    // A repeated call after success answers with the payment as it is.
    if (payment.state === action.to && payment.transitions.some((t) => t.cause === action.cause)) {
      return { ok: true, value: payment };
    }
    if (payment.state !== action.from) return stateInvalid(payment, action.from);
    // A released payment with manual capture stops at authorized.
    const settleNow = action.op === 'settle' && (action.from === 'authorized' || payment.capture === 'automatic');
    const op = action.op === 'void' ? 'void' : settleNow ? 'settle' : undefined;
    let transferIds: readonly string[] = [];
    if (op) {
      const [result] = await rail.execute([{ op, payment }]);
      assert(result !== undefined, 'one rail result per step');
      if (!result.ok) {
        return {
          ok: false,
          code: 'payment_operation_failed',
          params: { id: formatId(PAYMENT_PREFIX, id), reason: result.code },
        };
      }
      transferIds = result.transferIds;
    }
    const at = this.#deps.clock.now();
    const detail = {
      ...(context.actor ? { by: context.actor } : {}),
      ...(action.reason ? { reason: action.reason } : {}),
      ...(transferIds.length ? { transferIds: transferIds.map((t) => formatId('trf', t)) } : {}),
    };
    const added: Transition[] =
      action.from === 'review' && action.op === 'settle'
        ? [
            { from: 'review', to: 'authorized', at, cause: action.cause, detail },
            ...(settleNow ? [{ from: 'authorized' as const, to: 'settled' as const, at, cause: 'posted' }] : []),
          ]
        : [{ from: action.from, to: action.to, at, cause: action.cause, detail }];
    for (const t of added) assert(t.from !== null && canTransition(t.from, t.to), `transition ${t.from} → ${t.to}`);
    const last = added.at(-1) as Transition;
    const next: PaymentOrder = {
      ...payment,
      state: last.to,
      failureCode: action.to === 'declined' ? 'review_rejected' : payment.failureCode,
      transitions: [...payment.transitions, ...added],
      updatedAt: at,
    };
    const updated = await inTransaction(this.#deps.db, async (trx) => {
      const done = await repo.updatePayments(trx, [
        { id, expected: action.from, state: next.state, transitions: added, failureCode: next.failureCode, at },
      ]);
      if (done.size > 0)
        await this.#deps.outbox.enqueue(trx, [...transitionEvents(next, added), ...transitionsRecorded([next])]);
      return done.size > 0;
    });
    this.#deps.eventsCommitted?.();
    if (updated) return { ok: true, value: next };
    // Someone else moved it meanwhile (a concurrent identical call): answer with what it is now.
    const now = (await repo.loadPayments(this.#deps.db, [id])).get(id);
    assert(now !== undefined, 'a payment is never deleted');
    return now.state === action.to || (action.from === 'review' && now.state === 'authorized')
      ? { ok: true, value: now }
      : stateInvalid(now, action.from);
  }

  /**
   * Refunds all or part of a settled payment. The amount is reserved on the payment row under a
   * row lock before the ledger moves anything, so concurrent refunds can never add up to more than
   * was paid; a refund the ledger refuses gives its reservation back.
   */
  async refund(
    paymentId: string,
    request: { amountMinor?: bigint; reason?: string },
    context: RequestContext,
  ): Promise<Outcome<{ payment: PaymentOrder; refund: Refund }>> {
    if (!this.#deps.rail) return { ok: false, code: 'payments_unavailable' };
    const ref = formatId(PAYMENT_PREFIX, paymentId);
    const reserved = await inTransaction(
      this.#deps.db,
      async (trx): Promise<Outcome<{ payment: PaymentOrder; refund: Refund }>> => {
        const payment = await repo.lockPayment(trx, paymentId);
        if (!payment) return { ok: false, code: 'payment_not_found', params: { id: ref } };
        if (payment.quote || (payment.kind !== 'p2p' && payment.kind !== 'merchant')) {
          return {
            ok: false,
            code: 'refund_not_supported',
            params: { kind: payment.quote ? 'cross-currency' : payment.kind },
          };
        }
        if (payment.state !== 'settled') return stateInvalid(payment, 'settled');
        const available = payment.amountMinor - payment.refundedMinor;
        const amount = request.amountMinor ?? available;
        if (amount <= 0n || amount > available) {
          return {
            ok: false,
            code: 'refund_exceeds_payment',
            params: { id: ref, available: `${formatAmount(available, payment.currency)} ${payment.currency}` },
          };
        }
        const earlier = await repo.loadRefunds(trx, paymentId);
        const feeSoFar = earlier.filter((r) => r.state !== 'failed').reduce((s, r) => s + r.feeReturnedMinor, 0n);
        const fee =
          payment.feeMinor === 0n
            ? 0n
            : feeReturned(payment.feeMinor, payment.amountMinor, payment.refundedMinor, amount);
        const feeBack = payment.refundedMinor + amount === payment.amountMinor ? payment.feeMinor - feeSoFar : fee;
        const feeCapped =
          feeBack < 0n ? 0n : feeBack > payment.feeMinor - feeSoFar ? payment.feeMinor - feeSoFar : feeBack;
        const at = this.#deps.clock.now();
        const refund: Refund = {
          id: this.#deps.ids.uuid(),
          paymentId,
          amountMinor: amount,
          currency: payment.currency,
          feeReturnedMinor: feeCapped,
          state: 'pending',
          failureCode: null,
          reason: request.reason ?? null,
          createdAt: at,
          updatedAt: at,
        };
        await repo.insertRefund(trx, refund);
        await repo.setRefunded(trx, paymentId, payment.refundedMinor + amount, at);
        return { ok: true, value: { payment: { ...payment, refundedMinor: payment.refundedMinor + amount }, refund } };
      },
    );
    if (!reserved.ok) return reserved;
    void context;
    return this.#completeRefund(reserved.value.payment, reserved.value.refund);
  }

  async #completeRefund(
    payment: PaymentOrder,
    refund: Refund,
  ): Promise<Outcome<{ payment: PaymentOrder; refund: Refund }>> {
    const rail = this.#deps.rail;
    assert(rail !== undefined, 'refunds need a rail');
    const [result] = await rail.execute([{ op: 'refund', payment, refund }]);
    assert(result !== undefined, 'one rail result per step');
    const at = this.#deps.clock.now();
    const finished = await inTransaction(this.#deps.db, async (trx) => {
      const current = await repo.lockPayment(trx, payment.id);
      assert(current !== undefined, 'a payment is never deleted');
      const applied = await repo.finishRefund(
        trx,
        refund.id,
        result.ok ? 'succeeded' : 'failed',
        result.ok ? null : result.code,
        at,
      );
      if (!applied) return { payment: current, refund: (await repo.loadRefund(trx, refund.id)) ?? refund };
      const done: Refund = {
        ...refund,
        state: result.ok ? 'succeeded' : 'failed',
        failureCode: result.ok ? null : result.code,
        updatedAt: at,
      };
      const events: NewEvent[] = [
        {
          topic: result.ok ? REFUND_TOPICS.succeeded : REFUND_TOPICS.failed,
          key: formatId(PAYMENT_PREFIX, payment.id),
          payload: refundJson(done),
        },
      ];
      let next = current;
      if (!result.ok) {
        next = { ...current, refundedMinor: current.refundedMinor - refund.amountMinor, updatedAt: at };
        await repo.setRefunded(trx, payment.id, next.refundedMinor, at);
      } else {
        const refunds = await repo.loadRefunds(trx, payment.id);
        const settledSum = refunds.filter((r) => r.state === 'succeeded').reduce((s, r) => s + r.amountMinor, 0n);
        if (settledSum === current.amountMinor && current.state === 'settled') {
          const t: Transition = {
            from: 'settled',
            to: 'refunded',
            at,
            cause: 'fully_refunded',
            detail: { refundId: formatId(REFUND_PREFIX, refund.id) },
          };
          next = { ...current, state: 'refunded', transitions: [...current.transitions, t], updatedAt: at };
          await repo.updatePayments(trx, [
            { id: payment.id, expected: 'settled', state: 'refunded', transitions: [t], at },
          ]);
          events.push(...transitionEvents(next, [t]), ...transitionsRecorded([next]));
        }
      }
      await this.#deps.outbox.enqueue(trx, events);
      return { payment: next, refund: done };
    });
    this.#deps.eventsCommitted?.();
    if (!result.ok) {
      return {
        ok: false,
        code: 'refund_failed',
        params: { reason: result.code, id: formatId(REFUND_PREFIX, refund.id) },
      };
    }
    return { ok: true, value: finished };
  }

  /** Corrects a settled, unrefunded payment by reversing every ledger leg; it ends `reversed`. */
  async reverse(paymentId: string, context: RequestContext, reason?: string): Promise<Outcome<PaymentOrder>> {
    const rail = this.#deps.rail;
    if (!rail) return { ok: false, code: 'payments_unavailable' };
    const ref = formatId(PAYMENT_PREFIX, paymentId);
    // Reserve the whole amount as if refunded, so no refund can start meanwhile.
    const reserved = await inTransaction(this.#deps.db, async (trx): Promise<Outcome<PaymentOrder>> => {
      const payment = await repo.lockPayment(trx, paymentId);
      if (!payment) return { ok: false, code: 'payment_not_found', params: { id: ref } };
      if (payment.state === 'reversed') return { ok: true, value: payment };
      if (payment.state !== 'settled' || payment.refundedMinor !== 0n)
        return stateInvalid(payment, 'settled, with nothing refunded');
      await repo.setRefunded(trx, paymentId, payment.amountMinor, this.#deps.clock.now());
      return { ok: true, value: payment };
    });
    if (!reserved.ok || reserved.value.state === 'reversed') return reserved;
    const payment = reserved.value;
    const [result] = await rail.execute([{ op: 'reverse', payment }]);
    assert(result !== undefined, 'one rail result per step');
    const at = this.#deps.clock.now();
    if (!result.ok) {
      await inTransaction(this.#deps.db, (trx) => repo.setRefunded(trx, paymentId, 0n, at));
      return { ok: false, code: 'payment_operation_failed', params: { id: ref, reason: result.code } };
    }
    const t: Transition = {
      from: 'settled',
      to: 'reversed',
      at,
      cause: 'reversed',
      detail: {
        ...(context.actor ? { by: context.actor } : {}),
        ...(reason ? { reason } : {}),
        transferIds: result.transferIds.map((id) => formatId('trf', id)),
      },
    };
    const next: PaymentOrder = {
      ...payment,
      state: 'reversed',
      refundedMinor: 0n,
      transitions: [...payment.transitions, t],
      updatedAt: at,
    };
    await inTransaction(this.#deps.db, async (trx) => {
      await repo.setRefunded(trx, paymentId, 0n, at);
      const done = await repo.updatePayments(trx, [
        { id: paymentId, expected: 'settled', state: 'reversed', transitions: [t], at },
      ]);
      if (done.size > 0)
        await this.#deps.outbox.enqueue(trx, [...transitionEvents(next, [t]), ...transitionsRecorded([next])]);
    });
    this.#deps.eventsCommitted?.();
    return { ok: true, value: next };
  }

  // ------------------------------------------------------------ merchants

  async createMerchant(
    input: Omit<repo.Merchant, 'createdAt'>,
  ): Promise<Outcome<{ merchant: repo.Merchant; created: boolean }>> {
    if (!parseMdr(input.mdr)) return { ok: false, code: 'mdr_invalid' };
    if (!findCurrency(input.currency))
      return { ok: false, code: 'currency_unknown', params: { currency: input.currency } };
    const merchant: repo.Merchant = { ...input, createdAt: this.#deps.clock.now() };
    const created = await repo.insertMerchant(this.#deps.db, merchant);
    const stored = (await repo.loadMerchants(this.#deps.db, [input.id])).get(input.id);
    assert(stored !== undefined, 'the merchant exists after insert');
    return { ok: true, value: { merchant: stored, created } };
  }

  async getMerchant(id: string): Promise<repo.Merchant | undefined> {
    return (await repo.loadMerchants(this.#deps.db, [id])).get(id);
  }

  // ------------------------------------------------------------ FX

  async setRates(rates: readonly FxRate[]): Promise<Outcome<FxRate[]>> {
    for (const r of rates) {
      const invalid = (reason: string): Failure => ({
        ok: false,
        code: 'fx_rate_invalid',
        params: { base: r.base, quote: r.quote, reason },
      });
      if (!findCurrency(r.base) || !findCurrency(r.quote)) return invalid('unknown currency');
      if (r.base === r.quote) return invalid('a pair needs two different currencies');
      const mid = parseDecimal(r.mid);
      if (!mid || mid.numerator === 0n) return invalid('the mid rate must be a positive decimal');
      if (!Number.isInteger(r.spreadBps) || r.spreadBps < 0 || r.spreadBps > SPREAD_BPS_MAX) {
        return invalid(`the spread must be 0 to ${SPREAD_BPS_MAX} basis points`);
      }
    }
    await repo.upsertRates(this.#deps.db, rates, this.#deps.clock.now());
    return { ok: true, value: await repo.listRates(this.#deps.db) };
  }

  async listRates(): Promise<(FxRate & { updatedAt: Date })[]> {
    return repo.listRates(this.#deps.db);
  }

  /** Locks a rate for `ttlMs`: either the amount sold or the amount bought is fixed, the other computed. */
  async createQuote(request: {
    sellCurrency: string;
    buyCurrency: string;
    sellAmountMinor?: bigint;
    buyAmountMinor?: bigint;
    ttlMs?: number;
  }): Promise<Outcome<repo.StoredQuote>> {
    const { sellCurrency: sell, buyCurrency: buy } = request;
    for (const c of [sell, buy])
      if (!findCurrency(c)) return { ok: false, code: 'currency_unknown', params: { currency: c } };
    const rate = findCustomerRate(await repo.listRates(this.#deps.db), sell, buy);
    if (!rate || sell === buy) return { ok: false, code: 'fx_rate_unavailable', params: { sell, buy } };
    const sellAmountMinor =
      request.sellAmountMinor ?? sellAmountFor(request.buyAmountMinor ?? 0n, sell, buy, rate.rate);
    const buyAmountMinor =
      request.sellAmountMinor !== undefined
        ? buyAmountFor(request.sellAmountMinor, sell, buy, rate.rate)
        : (request.buyAmountMinor ?? 0n);
    if (sellAmountMinor <= 0n || buyAmountMinor <= 0n) return { ok: false, code: 'amount_zero' };
    const now = this.#deps.clock.now();
    const ttl = Math.min(request.ttlMs ?? QUOTE_TTL_MS_DEFAULT, QUOTE_TTL_MS_MAX);
    const quote: repo.StoredQuote = {
      id: this.#deps.ids.uuid(),
      sellCurrency: sell as CurrencyCode,
      buyCurrency: buy as CurrencyCode,
      sellAmountMinor,
      buyAmountMinor,
      mid: rateText(rate.mid),
      rate: rateText(rate.rate),
      rateNumerator: rate.rate.numerator,
      rateDenominator: rate.rate.denominator,
      spreadBps: rate.spreadBps,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttl),
      paymentId: null,
    };
    await repo.insertQuote(this.#deps.db, quote);
    return { ok: true, value: quote };
  }

  async getQuote(id: string): Promise<repo.StoredQuote | undefined> {
    return (await repo.loadQuotes(this.#deps.db, [id])).get(id);
  }

  /** What a request with an already used key gets: the stored response, or a 409 reason. */
  async #replay(record: repo.IdempotencyRecord | undefined, context: RequestContext): Promise<CreateOutcome> {
    if (!record) return { ok: false, code: 'idempotency_key_in_progress' };
    if (record.requestHash !== (context.requestHash ?? '')) return { ok: false, code: 'idempotency_key_reused' };
    if (record.statusCode === null) return { ok: false, code: 'idempotency_key_in_progress' };
    if (record.transitions !== null && record.resourceId !== null) {
      const payment = (await repo.loadPayments(this.#deps.db, [record.resourceId])).get(record.resourceId);
      assert(payment !== undefined, 'a key names a payment that exists');
      return {
        ok: true,
        replayed: true,
        statusCode: record.statusCode,
        response: paymentJson(paymentAsOf(payment, record.transitions)),
      };
    }
    return { ok: true, replayed: true, statusCode: record.statusCode, response: record.response };
  }

  // ------------------------------------------------------------ idempotency for single operations

  /**
   * Runs `work` once per (principal, Idempotency-Key): a repeat with the same request gets the
   * stored response, with another request a 409. Failures are not stored (the request may be
   * retried with the same key once the cause is fixed).
   */
  async idempotent(
    context: RequestContext,
    work: () => Promise<{ statusCode: number; body: unknown }>,
  ): Promise<{ statusCode: number; body: unknown; replayed: boolean }> {
    const key = context.idempotencyKey;
    if (!key) return { ...(await work()), replayed: false };
    const { db, clock } = this.#deps;
    const claimed = await inTransaction(db, (trx) =>
      repo.claimKeys(
        trx,
        [{ principal: context.principal, key, requestHash: context.requestHash ?? '', resourceId: null }],
        clock.now(),
      ),
    );
    if (claimed.size === 0) {
      const record = (await repo.loadKeys(db, [{ principal: context.principal, key }])).get(
        keyOf(context.principal, key),
      );
      const outcome = await this.#replay(record, context);
      if (!outcome.ok) throw new IdempotencyConflict(outcome.code);
      assert(outcome.replayed, 'a claimed key is a replay');
      return { statusCode: outcome.statusCode, body: outcome.response, replayed: true };
    }
    try {
      const result = await work();
      await repo.storeKeyResponse(db, context.principal, key, result.statusCode, result.body);
      return { ...result, replayed: false };
    } catch (error) {
      await repo.releaseKey(db, context.principal, key).catch(() => {});
      throw error;
    }
  }
}

type AuthorizeStep = Extract<RailStep, { op: 'authorize' }>;

/** Hold the funds; post them in the same chain when the payment is approved and captured automatically. */
function authorizeStep(payment: PaymentOrder): AuthorizeStep {
  return {
    op: 'authorize',
    payment,
    settle: payment.riskVerdict?.decision === 'approve' && payment.capture === 'automatic',
  };
}

/** A screened payment after the ledger's answer to its authorize step, with the transitions added. */
function railOutcome(
  payment: PaymentOrder,
  step: AuthorizeStep,
  result: RailResult,
  at: Date,
): { payment: PaymentOrder; added: Transition[] } {
  if (!result.ok) {
    const t: Transition = {
      from: 'screened',
      to: 'failed',
      at,
      cause: result.code,
      ...(result.params ? { detail: { ...result.params } } : {}),
    };
    return {
      payment: {
        ...payment,
        state: 'failed',
        failureCode: result.code,
        transitions: [...payment.transitions, t],
        updatedAt: at,
      },
      added: [t],
    };
  }
  const detail = { transferIds: result.transferIds.map((id) => formatId('trf', id)) };
  const added: Transition[] =
    payment.riskVerdict?.decision === 'review'
      ? [{ from: 'screened', to: 'review', at, cause: 'hold_placed', detail }]
      : step.settle
        ? [
            { from: 'screened', to: 'authorized', at, cause: 'hold_placed' },
            { from: 'authorized', to: 'settled', at, cause: 'posted', detail },
          ]
        : [{ from: 'screened', to: 'authorized', at, cause: 'hold_placed', detail }];
  const last = added.at(-1) as Transition;
  return {
    payment: { ...payment, state: last.to, transitions: [...payment.transitions, ...added], updatedAt: at },
    added,
  };
}

/** Thrown by `idempotent` for a key reused with another request, or still in progress. */
export class IdempotencyConflict extends Error {
  constructor(readonly code: PaymentsErrorCode) {
    super(code);
  }
}

/**
 * The payment as the create call answered it: its first `count` transitions (transitions are only
 * ever appended), nothing refunded yet. Everything else of an order never changes after creation.
 */
export function paymentAsOf(payment: PaymentOrder, count: number): PaymentOrder {
  const transitions = payment.transitions.slice(0, count);
  const last = transitions.at(-1);
  assert(last !== undefined, 'a payment has at least one transition');
  const final = last.to === 'declined' || last.to === 'failed';
  return {
    ...payment,
    state: last.to,
    transitions,
    refundedMinor: 0n,
    failureCode: final ? payment.failureCode : null,
    updatedAt: last.at,
  };
}

function stateInvalid(payment: PaymentOrder, expected: string): Failure {
  return {
    ok: false,
    code: 'payment_state_invalid',
    params: { id: formatId(PAYMENT_PREFIX, payment.id), state: payment.state, expected },
  };
}

function transitionEvents(payment: PaymentOrder, transitions: readonly Transition[]): NewEvent[] {
  return transitions.map((t) => ({
    topic: paymentTopic(t.to),
    key: formatId(PAYMENT_PREFIX, payment.id),
    payload: {
      ...paymentEventPayload({ ...payment, state: t.to }, t.from, t.cause, t.at),
      ...(t.detail ? { detail: t.detail } : {}),
    },
  }));
}

/** The batch event naming the payments a write recorded transitions of (none for no payments). */
function transitionsRecorded(payments: readonly PaymentOrder[]): NewEvent[] {
  const first = payments[0];
  if (!first) return [];
  return [
    {
      topic: TRANSITIONS_RECORDED_TOPIC,
      key: formatId(PAYMENT_PREFIX, first.id),
      payload: { paymentIds: payments.map((p) => formatId(PAYMENT_PREFIX, p.id)) },
    },
  ];
}
