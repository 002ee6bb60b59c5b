import { assert, type CurrencyCode, err, ok, type Result } from '@zhirong/kernel';

/**
 * Digital receivables (应收账款凭证) as unspent outputs. A receivable is `active` until an
 * operation spends it: a split or a transfer replaces it by children whose amounts sum exactly to
 * it, financing replaces it by a child held by the funder, settlement pays its holder and marks it
 * `settled`. A spent, settled (or, while money moves, `locked`) receivable can never be used
 * again — that is the whole of double-spend prevention, checked here before every write and held
 * in the database by the status column under a row lock.
 */
export type ReceivableStatus = 'active' | 'locked' | 'spent' | 'settled';

export interface Receivable {
  /** UUID (`rcv_…` outside). */
  readonly id: string;
  /** The receivable the core enterprise issued, at the top of this one's lineage. */
  readonly rootId: string;
  readonly parentId: string | null;
  /** The core enterprise's ledger account: it owes the amount and pays it at maturity. */
  readonly issuerAccountId: string;
  /** The current holder's ledger account: paid at maturity. */
  readonly holderAccountId: string;
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
  /** Business dates, `YYYY-MM-DD` in the institution's time zone. */
  readonly issueDate: string;
  readonly maturityDate: string;
  /** The confirmed trade debt (contract or invoice) the core enterprise issued it against. */
  readonly debtReference: string;
  /** Held by a funder that discounted it. */
  readonly financed: boolean;
  readonly status: ReceivableStatus;
  readonly createdByStepId: string;
  readonly spentByStepId: string | null;
}

export type StepKind = 'issue' | 'split' | 'transfer' | 'finance' | 'settle';

export type ScfDecisionError =
  | 'receivable_not_active'
  | 'receivable_matured'
  | 'receivable_not_matured'
  | 'split_sum_mismatch'
  | 'split_parts_invalid'
  | 'transfer_amount_invalid'
  | 'transfer_to_holder'
  | 'rate_invalid'
  | 'discount_exceeds_face'
  | 'maturity_invalid';

export const SPLIT_PARTS_MAX = 100;
export const RATE_SCALE_DIGITS_MAX = 8;
const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A valid `YYYY-MM-DD` calendar date. */
export function isBusinessDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return at.toISOString().slice(0, 10) === text;
}

/** Whole days from `from` to `to` (business dates). */
export function daysBetween(from: string, to: string): number {
  assert(isBusinessDate(from) && isBusinessDate(to), 'business dates');
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The business date of an instant in a time zone (`Asia/Shanghai` by default). */
export function businessDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** An annual rate as an exact fraction: "0.0365" → 365 / 10^4. */
export interface Rate {
  readonly numerator: bigint;
  readonly scale: bigint;
  readonly text: string;
}

/** Parses a decimal annual rate in [0, 1] with at most 8 decimals ("0.0365" is 3.65 %). */
export function parseRate(text: string): Result<Rate, 'rate_invalid'> {
  const m = /^(0|1)(?:\.(\d{1,8}))?$/.exec(text);
  if (!m) return err('rate_invalid');
  const fraction = m[2] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  const numerator = BigInt(m[1] ?? '0') * scale + (fraction === '' ? 0n : BigInt(fraction));
  if (numerator > scale) return err('rate_invalid');
  return ok({ numerator, scale, text });
}

/**
 * Discount pay-out: face × (1 − rate × days / 360), rounded DOWN to the minor unit, in exact
 * integer arithmetic: floor(face × (360·scale − numerator·days) / (360·scale)).
 */
export function discountPayout(faceMinor: bigint, rate: Rate, days: number): Result<bigint, 'discount_exceeds_face'> {
  assert(faceMinor > 0n && Number.isSafeInteger(days) && days > 0, 'a positive face and term');
  const denominator = 360n * rate.scale;
  const factor = denominator - rate.numerator * BigInt(days);
  if (factor <= 0n) return err('discount_exceeds_face');
  const payout = (faceMinor * factor) / denominator;
  if (payout <= 0n) return err('discount_exceeds_face');
  assert(payout <= faceMinor, 'a discount never pays more than the face');
  return ok(payout);
}

/** What an operation decided: the receivable it spends, the children it creates, money to move. */
export interface Decision {
  readonly spends: Receivable;
  readonly children: readonly ChildSpec[];
  /** Settlement marks the input settled instead of spent. */
  readonly settles: boolean;
  readonly money: readonly { debitAccountId: string; creditAccountId: string; amountMinor: bigint }[];
  readonly details: Readonly<Record<string, unknown>>;
}

export interface ChildSpec {
  readonly holderAccountId: string;
  readonly amountMinor: bigint;
  readonly financed: boolean;
}

function active(r: Receivable): Result<Receivable, ScfDecisionError> {
  return r.status === 'active' ? ok(r) : err('receivable_not_active');
}

export function decideSplit(r: Receivable, amounts: readonly bigint[]): Result<Decision, ScfDecisionError> {
  const a = active(r);
  if (!a.ok) return a;
  if (amounts.length < 2 || amounts.length > SPLIT_PARTS_MAX || amounts.some((x) => x <= 0n)) {
    return err('split_parts_invalid');
  }
  if (amounts.reduce((s, x) => s + x, 0n) !== r.amountMinor) return err('split_sum_mismatch');
  return ok({
    spends: r,
    children: amounts.map((amountMinor) => ({ holderAccountId: r.holderAccountId, amountMinor, financed: r.financed })),
    settles: false,
    money: [],
    details: { parts: amounts.length },
  });
}

export function decideTransfer(
  r: Receivable,
  toAccountId: string,
  amountMinor: bigint | undefined,
): Result<Decision, ScfDecisionError> {
  const a = active(r);
  if (!a.ok) return a;
  if (toAccountId === r.holderAccountId) return err('transfer_to_holder');
  const amount = amountMinor ?? r.amountMinor;
  if (amount <= 0n || amount > r.amountMinor) return err('transfer_amount_invalid');
  const children: ChildSpec[] = [{ holderAccountId: toAccountId, amountMinor: amount, financed: false }];
  if (amount < r.amountMinor) {
    children.push({ holderAccountId: r.holderAccountId, amountMinor: r.amountMinor - amount, financed: r.financed });
  }
  return ok({ spends: r, children, settles: false, money: [], details: { from: r.holderAccountId, to: toAccountId } });
}

export function decideFinance(
  r: Receivable,
  funderAccountId: string,
  rate: Rate,
  onDate: string,
): Result<Decision, ScfDecisionError> {
  const a = active(r);
  if (!a.ok) return a;
  if (funderAccountId === r.holderAccountId) return err('transfer_to_holder');
  const days = daysBetween(onDate, r.maturityDate);
  if (days <= 0) return err('receivable_matured');
  const payout = discountPayout(r.amountMinor, rate, days);
  if (!payout.ok) return payout;
  return ok({
    spends: r,
    children: [{ holderAccountId: funderAccountId, amountMinor: r.amountMinor, financed: true }],
    settles: false,
    money: [{ debitAccountId: funderAccountId, creditAccountId: r.holderAccountId, amountMinor: payout.value }],
    details: {
      annualRate: rate.text,
      days,
      financeDate: onDate,
      payoutMinor: payout.value,
      discountMinor: r.amountMinor - payout.value,
    },
  });
}

export function decideSettle(r: Receivable, onDate: string): Result<Decision, ScfDecisionError> {
  const a = active(r);
  if (!a.ok) return a;
  if (daysBetween(onDate, r.maturityDate) > 0) return err('receivable_not_matured');
  return ok({
    spends: r,
    children: [],
    settles: true,
    money: [{ debitAccountId: r.issuerAccountId, creditAccountId: r.holderAccountId, amountMinor: r.amountMinor }],
    details: { settleDate: onDate },
  });
}

/** The receivables a decision creates, given their ids and the step that creates them. */
export function childrenOf(decision: Decision, ids: readonly string[], stepId: string): Receivable[] {
  assert(ids.length === decision.children.length, 'one id per child');
  const parent = decision.spends;
  return decision.children.map((c, i) => ({
    id: ids[i] as string,
    rootId: parent.rootId,
    parentId: parent.id,
    issuerAccountId: parent.issuerAccountId,
    holderAccountId: c.holderAccountId,
    amountMinor: c.amountMinor,
    currency: parent.currency,
    issueDate: parent.issueDate,
    maturityDate: parent.maturityDate,
    debtReference: parent.debtReference,
    financed: c.financed,
    status: 'active',
    createdByStepId: stepId,
    spentByStepId: null,
  }));
}
