import { createHash } from 'node:crypto';
import { assert, bytesToUuid, type CurrencyCode, formatId, LIMITS } from '@zhirong/kernel';
import type { LedgerModuleService, TransferRequest, TransferResult } from '@zhirong/ledger';
import type { PaymentOrder, PaymentRail, RailExecuteOptions, RailResult, RailStep, Refund } from '@zhirong/payments';
import type { ModuleContext } from '@zhirong/platform';

/**
 * The payment steps that move money, as ledger transfers. Every step is one linked chain (all its
 * transfers commit or none do), and the chains of a group of steps go to the ledger in one batch —
 * one database transaction for a whole group of concurrent payments.
 *
 * | payment            | hold (pending transfer)        | settlement (same chain as the hold for automatic capture)    |
 * |--------------------|--------------------------------|--------------------------------------------------------------|
 * | p2p                | debtor → creditor              | post                                                         |
 * | merchant           | consumer → merchant (gross)    | post; merchant → fee income (MDR fee)                         |
 * | payout             | debtor → clearing[cur]         | post                                                         |
 * | inbound            | clearing[cur] → creditor       | post                                                         |
 * | with an FX quote   | debtor → liquidity[sell]       | post; liquidity[buy] → creditor (or clearing[buy] for payouts) |
 *
 * Refunds move the refunded amount back (merchant → consumer), with the fee share returned from
 * fee income to the merchant first in the same chain. Reversals correct every posted leg with a
 * ledger reversal (`reversesId`). Voids release the hold.
 *
 * Transfer ids are derived from the payment id (and refund id) and the leg's name, so a step run
 * again — by the recovery pass after a crash, or by a repeated API call — replays (`exists`) and
 * never moves money twice. The derived ids keep the payment id's 48-bit time prefix, so they stay
 * roughly time-ordered in the ledger's indexes like UUIDv7s.
 */
export type SystemAccountRole = 'fee_income' | 'clearing' | 'liquidity';

const SYSTEM_ACCOUNTS: Readonly<Record<SystemAccountRole, { type: 'income' | 'asset'; code: number }>> = {
  fee_income: { type: 'income', code: 6021 },
  clearing: { type: 'asset', code: 1031 },
  liquidity: { type: 'asset', code: 1041 },
};

/** Transfer codes of the payment legs (the ledger's `code`: a category, for statements and reports). */
export const LEG_CODES = {
  hold: 3001,
  fee: 3002,
  fx: 3003,
  refund: 3004,
  refund_fee: 3005,
  reversal: 3006,
} as const;

/** The id of a payments system account: the same in every installation, created on first use. */
export function systemAccountId(role: SystemAccountRole, currency: string): string {
  const digest = createHash('sha256').update(`zhirong.payments.${role}.${currency}`).digest();
  return versioned(digest.subarray(0, 16));
}

/** Id of one leg of a payment: the payment id's 48-bit time prefix, then a digest of the leg's name. */
export function legId(paymentId: string, leg: string): string {
  const digest = createHash('sha256').update(`${paymentId}/${leg}`).digest();
  const bytes = new Uint8Array(16);
  const hex = paymentId.replaceAll('-', '');
  for (let i = 0; i < 6; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  bytes.set(digest.subarray(0, 10), 6);
  return versioned(bytes);
}

/** Marks 16 bytes as an RFC 9562 version-8 (custom) UUID. */
function versioned(source: Uint8Array): string {
  const bytes = Uint8Array.from(source);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  return bytesToUuid(bytes);
}

interface Chain {
  readonly requests: TransferRequest[];
}

const meta = (payment: PaymentOrder, leg: string, extra: Record<string, unknown> = {}) => ({
  paymentId: formatId('pay', payment.id),
  leg,
  ...extra,
});

/** The accounts a payment's hold moves between, and where the credit side finally lands. */
function holdAccounts(p: PaymentOrder): { debit: string; credit: string; currency: CurrencyCode } {
  if (p.quote) {
    assert(p.debtorAccountId !== null, 'a converted payment has a debtor account');
    return { debit: p.debtorAccountId, credit: systemAccountId('liquidity', p.currency), currency: p.currency };
  }
  switch (p.kind) {
    case 'p2p':
    case 'merchant':
      assert(p.debtorAccountId !== null && p.creditorAccountId !== null, 'internal payments name both accounts');
      return { debit: p.debtorAccountId, credit: p.creditorAccountId, currency: p.currency };
    case 'payout':
      assert(p.debtorAccountId !== null, 'a payout has a debtor account');
      return { debit: p.debtorAccountId, credit: systemAccountId('clearing', p.currency), currency: p.currency };
    case 'inbound':
      assert(p.creditorAccountId !== null, 'an inbound credit has a creditor account');
      return { debit: systemAccountId('clearing', p.currency), credit: p.creditorAccountId, currency: p.currency };
  }
}

/** The FX leg: from the liquidity account of the bought currency to the creditor (or clearing). */
function fxLeg(p: PaymentOrder): { debit: string; credit: string } | undefined {
  if (!p.quote) return undefined;
  const credit = p.kind === 'payout' ? systemAccountId('clearing', p.creditCurrency) : p.creditorAccountId;
  assert(credit !== null, 'a converted payment has a creditor side');
  return { debit: systemAccountId('liquidity', p.creditCurrency), credit };
}

function settlementLegs(p: PaymentOrder): TransferRequest[] {
  const legs: TransferRequest[] = [
    { kind: 'post_pending', id: legId(p.id, 'post'), pendingId: legId(p.id, 'hold'), metadata: meta(p, 'post') },
  ];
  if (p.kind === 'merchant' && p.feeMinor > 0n) {
    assert(p.creditorAccountId !== null, 'a merchant payment credits the merchant');
    legs.push({
      kind: 'single',
      id: legId(p.id, 'fee'),
      debitAccountId: p.creditorAccountId,
      creditAccountId: systemAccountId('fee_income', p.currency),
      amountMinor: p.feeMinor,
      currency: p.currency,
      code: LEG_CODES.fee,
      metadata: meta(p, 'fee', { mdr: p.mdr }),
    });
  }
  const fx = fxLeg(p);
  if (fx) {
    legs.push({
      kind: 'single',
      id: legId(p.id, 'fx'),
      debitAccountId: fx.debit,
      creditAccountId: fx.credit,
      amountMinor: p.creditAmountMinor,
      currency: p.creditCurrency,
      code: LEG_CODES.fx,
      metadata: meta(p, 'fx', { quoteId: p.quote ? formatId('fxq', p.quote.quoteId) : null, rate: p.quote?.rate }),
    });
  }
  return legs;
}

function holdLeg(p: PaymentOrder): TransferRequest {
  const { debit, credit, currency } = holdAccounts(p);
  return {
    kind: 'pending',
    id: legId(p.id, 'hold'),
    debitAccountId: debit,
    creditAccountId: credit,
    amountMinor: p.amountMinor,
    currency,
    code: LEG_CODES.hold,
    metadata: meta(p, 'hold', p.endToEndId ? { endToEndId: p.endToEndId } : {}),
  };
}

function refundLegs(p: PaymentOrder, refund: Refund): TransferRequest[] {
  assert(p.debtorAccountId !== null && p.creditorAccountId !== null, 'refunds are of internal payments');
  const legs: TransferRequest[] = [];
  if (refund.feeReturnedMinor > 0n) {
    legs.push({
      kind: 'single',
      id: legId(p.id, `refund/${refund.id}/fee`),
      debitAccountId: systemAccountId('fee_income', p.currency),
      creditAccountId: p.creditorAccountId,
      amountMinor: refund.feeReturnedMinor,
      currency: p.currency,
      code: LEG_CODES.refund_fee,
      metadata: meta(p, 'refund_fee', { refundId: formatId('rfd', refund.id) }),
    });
  }
  legs.push({
    kind: 'single',
    id: legId(p.id, `refund/${refund.id}`),
    debitAccountId: p.creditorAccountId,
    creditAccountId: p.debtorAccountId,
    amountMinor: refund.amountMinor,
    currency: p.currency,
    code: LEG_CODES.refund,
    metadata: meta(p, 'refund', { refundId: formatId('rfd', refund.id) }),
  });
  return legs;
}

function reversalLegs(p: PaymentOrder): TransferRequest[] {
  const { debit, credit, currency } = holdAccounts(p);
  const legs: TransferRequest[] = [];
  if (p.kind === 'merchant' && p.feeMinor > 0n && p.creditorAccountId) {
    legs.push({
      kind: 'single',
      id: legId(p.id, 'reverse/fee'),
      debitAccountId: systemAccountId('fee_income', p.currency),
      creditAccountId: p.creditorAccountId,
      amountMinor: p.feeMinor,
      currency: p.currency,
      reversesId: legId(p.id, 'fee'),
      code: LEG_CODES.reversal,
      metadata: meta(p, 'reverse_fee'),
    });
  }
  const fx = fxLeg(p);
  if (fx) {
    legs.push({
      kind: 'single',
      id: legId(p.id, 'reverse/fx'),
      debitAccountId: fx.credit,
      creditAccountId: fx.debit,
      amountMinor: p.creditAmountMinor,
      currency: p.creditCurrency,
      reversesId: legId(p.id, 'fx'),
      code: LEG_CODES.reversal,
      metadata: meta(p, 'reverse_fx'),
    });
  }
  legs.push({
    kind: 'single',
    id: legId(p.id, 'reverse/post'),
    debitAccountId: credit,
    creditAccountId: debit,
    amountMinor: p.amountMinor,
    currency,
    reversesId: legId(p.id, 'post'),
    code: LEG_CODES.reversal,
    metadata: meta(p, 'reverse'),
  });
  return legs;
}

export function chainFor(step: RailStep): Chain {
  const p = step.payment;
  switch (step.op) {
    case 'authorize':
      return { requests: step.settle ? [holdLeg(p), ...settlementLegs(p)] : [holdLeg(p)] };
    case 'settle':
      return { requests: settlementLegs(p) };
    case 'void':
      return {
        requests: [
          { kind: 'void_pending', id: legId(p.id, 'void'), pendingId: legId(p.id, 'hold'), metadata: meta(p, 'void') },
        ],
      };
    case 'refund':
      return { requests: refundLegs(p, step.refund) };
    case 'reverse':
      return { requests: reversalLegs(p) };
  }
}

/** Currencies whose system accounts a step needs. */
function currenciesOf(step: RailStep): string[] {
  const p = step.payment;
  return p.creditCurrency === p.currency ? [p.currency] : [p.currency, p.creditCurrency];
}

const ACCOUNT_CODES = new Set([
  'account_not_found',
  'exceeds_credits',
  'exceeds_debits',
  'overflows_balance',
  'account_frozen',
  'account_closed',
]);

/** Ledger results use UUIDs; the API speaks prefixed ids. */
function publicParams(code: string, params: Readonly<Record<string, unknown>> | undefined) {
  if (!params) return undefined;
  const id = params.id;
  if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) return { ...params };
  return { ...params, id: formatId(ACCOUNT_CODES.has(code) ? 'acc' : 'trf', id) };
}

/** The rail over the ledger service, in-process (never HTTP between modules). */
export class LedgerPaymentRail implements PaymentRail {
  readonly description = 'ledger';
  readonly #ledger: LedgerModuleService;
  readonly #ensured = new Set<string>();

  constructor(ledger: LedgerModuleService) {
    this.#ledger = ledger;
  }

  /** Creates the fee-income, clearing and liquidity accounts of these currencies if missing (idempotent). */
  async ensureSystemAccounts(currencies: readonly string[]): Promise<void> {
    const missing = [...new Set(currencies)].filter((c) => !this.#ensured.has(c));
    if (missing.length === 0) return;
    const requests = missing.flatMap((currency) =>
      (Object.keys(SYSTEM_ACCOUNTS) as SystemAccountRole[]).map((role) => ({
        id: systemAccountId(role, currency),
        currency,
        type: SYSTEM_ACCOUNTS[role].type,
        code: SYSTEM_ACCOUNTS[role].code,
        ownerRef: `payments:${role}`,
        metadata: { system: 'payments', role },
      })),
    );
    const results = await this.#ledger.ledger.createAccounts(requests);
    for (const r of results) {
      if (r.status === 'failed') throw new Error(`cannot create a payments system account: ${r.code}`);
    }
    for (const c of missing) this.#ensured.add(c);
  }

  async execute(steps: readonly RailStep[], options: RailExecuteOptions = {}): Promise<RailResult[]> {
    if (steps.length === 0) return [];
    await this.ensureSystemAccounts(steps.flatMap(currenciesOf));
    const chains = steps.map(chainFor);
    if (options.inTransaction) {
      // One ledger batch, so the caller's write shares its transaction.
      assert(
        chains.reduce((n, c) => n + c.requests.length, 0) <= LIMITS.transferBatchSizeMax,
        'a group written with the movement fits one ledger batch',
      );
      return this.#apply(chains, options.inTransaction);
    }
    const results: RailResult[] = [];
    // Group chains into ledger batches below the ledger's batch limit.
    let batch: Chain[] = [];
    let size = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      results.push(...(await this.#apply(batch)));
      batch = [];
      size = 0;
    };
    for (const chain of chains) {
      if (size + chain.requests.length > LIMITS.transferBatchSizeMax) await flush();
      batch.push(chain);
      size += chain.requests.length;
    }
    await flush();
    assert(results.length === steps.length, 'one rail result per step');
    return results;
  }

  async #apply(chains: readonly Chain[], inTransaction?: RailExecuteOptions['inTransaction']): Promise<RailResult[]> {
    const requests: TransferRequest[] = [];
    for (const chain of chains) {
      chain.requests.forEach((r, i) => {
        requests.push(i < chain.requests.length - 1 ? { ...r, linked: true } : r);
      });
    }
    let mapped: RailResult[] | undefined;
    const ledgerResults = await this.#ledger.ledger.createTransfers(
      requests,
      inTransaction
        ? {
            inTransaction: async (trx, results) => {
              mapped = railResults(chains, results);
              await inTransaction(trx, mapped);
            },
          }
        : {},
    );
    return mapped ?? railResults(chains, ledgerResults);
  }
}

/** One result per chain: ok with its transfer ids, or the first specific failure of the chain. */
function railResults(chains: readonly Chain[], ledgerResults: readonly TransferResult[]): RailResult[] {
  let at = 0;
  return chains.map((chain): RailResult => {
    const own: TransferResult[] = ledgerResults.slice(at, at + chain.requests.length);
    at += chain.requests.length;
    const failed =
      own.find((r) => r.status === 'failed' && r.code !== 'linked_event_failed') ??
      own.find((r) => r.status === 'failed');
    if (failed && failed.status === 'failed') {
      const params = publicParams(failed.code, failed.params);
      return { ok: false, code: failed.code, ...(params ? { params } : {}) };
    }
    return { ok: true, transferIds: chain.requests.map((r) => r.id) };
  });
}

/** The rail factory `paymentsModule({ rail: ledgerPaymentRail })` takes; the ledger module must be registered first. */
export function ledgerPaymentRail(context: ModuleContext): LedgerPaymentRail {
  return new LedgerPaymentRail(context.services.service<LedgerModuleService>('ledger'));
}
