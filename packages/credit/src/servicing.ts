// Post-loan servicing: the collections queue (bucket, amount due, assignee, promises, notes), early-warning flags, and portfolio reports.
import { inTransaction } from '@zhirong/db';
import { type Clock, formatAmount, type IdGenerator } from '@zhirong/kernel';
import { psi } from '@zhirong/ml';
import type { Db } from './credit.repository.ts';
import { type Bucket, bucketOf } from './loan.ts';
import { fail, type Outcome } from './quote.ts';
import { addDays, addMonths, D, isCalendarDate } from './schedule.ts';
import * as srepo from './servicing.repository.ts';

export type { CollectionAction, Warning, WarningKind } from './servicing.repository.ts';

/** Days-past-due ranges of the collection buckets (M1 1–30, M2 31–60, M3 61–90, M3+ over 90). */
export const BUCKET_DPD: Readonly<Record<Exclude<Bucket, 'current'>, readonly [number, number]>> = {
  M1: [1, 30],
  M2: [31, 60],
  M3: [61, 90],
  'M3+': [91, 1_000_000],
};
export const COLLECTION_NOTE_MAX = 1000;
/** Days ahead a promise to pay may name at most. */
export const PROMISE_DAYS_MAX = 90;
/** Loans handed to the monitoring port per call. */
export const MONITOR_BATCH = 500;
/** A loan is "bad" once it reached this many days past due (M3+), or was written off. */
export const BAD_DPD = 91;
/** Vintage curves count loans that reached this many days past due by each month on book. */
export const VINTAGE_DPD = 30;

export interface Promise_ {
  readonly amountMinor: bigint;
  readonly date: string;
  readonly note: string | null;
  readonly actor: string;
  readonly createdAt: Date;
  /** kept: repaid at least the amount by the date; broken: the date passed without it; else pending. */
  readonly status: 'pending' | 'kept' | 'broken';
  readonly repaidMinor: bigint;
}

export interface CollectionEntry {
  readonly loanId: string;
  readonly currency: string;
  readonly customerAccountId: string;
  readonly daysPastDue: number;
  readonly bucket: Bucket;
  readonly oldestDueDate: string | null;
  /** Unpaid principal, interest and fees of installments already due. */
  readonly overdueMinor: bigint;
  readonly penaltyMinor: bigint;
  /** What clears the arrears today: overdue installments plus penalty. */
  readonly amountDueMinor: bigint;
  readonly principalOutstandingMinor: bigint;
  readonly assignee: string | null;
  readonly promise: Promise_ | null;
  readonly notes: readonly { readonly note: string; readonly actor: string; readonly createdAt: Date }[];
  readonly actions?: readonly srepo.CollectionAction[];
}

/** A loan handed to the monitoring port (flows reads the ledger and the risk engine for it). */
export interface MonitoredLoan {
  readonly loanId: string;
  readonly applicationId: string;
  readonly idNumber: string;
  readonly customerAccountId: string;
  readonly currency: string;
  /** Disbursement time: only what happened after it counts. */
  readonly since: Date;
}

export interface MonitoringSignal {
  readonly loanId: string;
  readonly kind: 'falling_balance' | 'risk_decision';
  readonly key: string;
  readonly reason: { readonly code: string; readonly en: string; readonly zh: string };
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Data from other domains for early warnings: falling balances (ledger) and new risk decisions (risk engine). */
export interface CreditMonitoringPort {
  signals(loans: readonly MonitoredLoan[], at: Date): Promise<MonitoringSignal[]>;
}

export interface ServicingDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly today: () => string;
  readonly monitoring?: CreditMonitoringPort;
}

function rate(numerator: number | bigint, denominator: number | bigint): string | null {
  return Number(denominator) === 0
    ? null
    : new D(numerator.toString()).div(denominator.toString()).toDecimalPlaces(4, D.ROUND_HALF_UP).toFixed(4);
}

export class CreditServicing {
  readonly #deps: ServicingDeps;

  constructor(deps: ServicingDeps) {
    this.#deps = deps;
  }

  // ---------------------------------------------------------------- collections

  /** Overdue active loans, worst first, in one bucket or all, optionally of one assignee. */
  async queue(q: {
    readonly bucket?: Exclude<Bucket, 'current'>;
    readonly assignee?: string;
    readonly after?: string;
    readonly limit: number;
  }): Promise<CollectionEntry[]> {
    const { db } = this.#deps;
    const today = this.#deps.today();
    const [dpdMin, dpdMax] = q.bucket ? BUCKET_DPD[q.bucket] : [1, 1_000_000];
    let after: { dpd: number; id: string } | undefined;
    if (q.after !== undefined) {
      const [row] = await srepo.overdueLoans(db, { today, dpdMin: 0, dpdMax: 1_000_000, loanId: q.after, limit: 1 });
      // A cursor loan that left the queue: continue after its id at its last known position.
      after = { dpd: row?.daysPastDue ?? dpdMax, id: q.after };
    }
    const rows = await srepo.overdueLoans(db, {
      today,
      dpdMin,
      dpdMax,
      ...(q.assignee === undefined ? {} : { assignee: q.assignee }),
      ...(after ? { after } : {}),
      limit: q.limit,
    });
    return this.#entries(rows, false);
  }

  /** One loan's collection case with its whole history (active loans, overdue or not). */
  async collectionCase(loanId: string): Promise<CollectionEntry | undefined> {
    const rows = await srepo.overdueLoans(this.#deps.db, {
      today: this.#deps.today(),
      dpdMin: 0,
      dpdMax: 1_000_000,
      loanId,
      limit: 1,
    });
    return (await this.#entries(rows, true))[0];
  }

  async #entries(rows: readonly srepo.OverdueLoanRow[], history: boolean): Promise<CollectionEntry[]> {
    const today = this.#deps.today();
    const actions = await srepo.actionsOf(
      this.#deps.db,
      rows.map((r) => r.loanId),
    );
    const out: CollectionEntry[] = [];
    for (const r of rows) {
      const mine = actions.filter((a) => a.loanId === r.loanId);
      const p = mine.find((a) => a.kind === 'promise');
      let promise: Promise_ | null = null;
      if (p && p.promisedAmountMinor !== null && p.promisedDate !== null) {
        const repaid = await srepo.repaidSince(this.#deps.db, r.loanId, p.createdAt, p.promisedDate);
        promise = {
          amountMinor: p.promisedAmountMinor,
          date: p.promisedDate,
          note: p.note,
          actor: p.actor,
          createdAt: p.createdAt,
          repaidMinor: repaid,
          status: repaid >= p.promisedAmountMinor ? 'kept' : today > p.promisedDate ? 'broken' : 'pending',
        };
      }
      out.push({
        loanId: r.loanId,
        currency: r.currency,
        customerAccountId: r.customerAccountId,
        daysPastDue: r.daysPastDue,
        bucket: bucketOf(r.daysPastDue),
        oldestDueDate: r.oldestDueDate,
        overdueMinor: r.overdueMinor,
        penaltyMinor: r.penaltyOutstandingMinor,
        amountDueMinor: r.overdueMinor + r.penaltyOutstandingMinor,
        principalOutstandingMinor: r.principalOutstandingMinor,
        assignee: r.assignee,
        promise,
        notes: mine
          .filter((a) => a.kind === 'note' && a.note !== null)
          .slice(0, 3)
          .map((a) => ({ note: a.note as string, actor: a.actor, createdAt: a.createdAt })),
        ...(history ? { actions: mine } : {}),
      });
    }
    return out;
  }

  /** Records a collection action on an active loan: assignment, a contact note, or a promise to pay. */
  async act(
    loanId: string,
    action:
      | { readonly kind: 'assign'; readonly assignee: string | null }
      | { readonly kind: 'note'; readonly note: string }
      | { readonly kind: 'promise'; readonly amountMinor: bigint; readonly date: string; readonly note?: string },
    actor: string,
  ): Promise<Outcome<CollectionEntry>> {
    const { db, ids, clock } = this.#deps;
    const today = this.#deps.today();
    const note = action.kind === 'assign' ? null : (action.note?.trim() ?? null);
    if (action.kind === 'note' && (note === null || note.length === 0))
      return fail('credit_input_invalid', { field: 'note', reason: 'not empty' });
    if (note !== null && note.length > COLLECTION_NOTE_MAX)
      return fail('credit_input_invalid', { field: 'note', reason: `at most ${COLLECTION_NOTE_MAX} characters` });
    if (action.kind === 'assign' && action.assignee !== null && !/^[\w.@-]{1,64}$/u.test(action.assignee))
      return fail('credit_input_invalid', { field: 'assignee', reason: '1 to 64 letters, digits, . _ @ -' });
    if (action.kind === 'promise') {
      if (!isCalendarDate(action.date) || action.date < today || action.date > addDays(today, PROMISE_DAYS_MAX))
        return fail('credit_input_invalid', {
          field: 'date',
          reason: `a date from ${today} to ${addDays(today, PROMISE_DAYS_MAX)}`,
        });
      if (action.amountMinor <= 0n) return fail('credit_input_invalid', { field: 'amount', reason: 'more than 0' });
    }
    const current = await this.collectionCase(loanId);
    if (!current) return fail('loan_not_active', { id: `loan_${loanId}`, status: 'not active' });
    await inTransaction(db, async (trx) => {
      await srepo.insertAction(trx, {
        id: ids.uuid(),
        loanId,
        kind: action.kind,
        assignee: action.kind === 'assign' ? action.assignee : null,
        note: note === '' ? null : note,
        promisedAmountMinor: action.kind === 'promise' ? action.amountMinor : null,
        promisedDate: action.kind === 'promise' ? action.date : null,
        actor,
        createdAt: clock.now(),
      });
    });
    const after = await this.collectionCase(loanId);
    return after ? { ok: true, value: after } : fail('loan_not_active', { id: `loan_${loanId}`, status: 'closed' });
  }

  // ---------------------------------------------------------------- early warnings

  /**
   * The monitoring batch: flags every unpaid installment already due (missed payment), and asks the
   * monitoring port about falling balances and new risk decisions for every active loan. Each
   * condition is flagged once (unique per loan, kind and key); running it again raises nothing new.
   */
  async monitor(): Promise<Record<srepo.WarningKind, number>> {
    const { db, ids, clock } = this.#deps;
    const now = clock.now();
    const raised: Record<srepo.WarningKind, number> = { missed_payment: 0, falling_balance: 0, risk_decision: 0 };
    const missed = await srepo.missedInstallments(db, this.#deps.today());
    raised.missed_payment = await srepo.insertWarnings(
      db,
      missed.map((m) => {
        const amount = formatAmount(m.unpaidMinor, m.currency);
        return {
          id: ids.uuid(),
          loanId: m.loanId,
          kind: 'missed_payment',
          key: `period:${m.period}`,
          reason: {
            code: 'missed_payment',
            en: `Installment ${m.period} due ${m.dueDate} is unpaid (${amount} ${m.currency})`,
            zh: `第 ${m.period} 期（${m.dueDate} 到期）未还（${amount} ${m.currency}）`,
          },
          detail: { period: m.period, dueDate: m.dueDate, unpaid: amount, currency: m.currency },
          raisedAt: now,
          acknowledgedAt: null,
          acknowledgedBy: null,
        };
      }),
    );
    const port = this.#deps.monitoring;
    if (!port) return raised;
    let after: string | undefined;
    for (;;) {
      const page = await srepo.activeLoansPage(db, after, MONITOR_BATCH);
      if (page.length === 0) break;
      after = page.at(-1)?.loanId;
      const signals = await port.signals(page, now);
      for (const kind of ['falling_balance', 'risk_decision'] as const)
        raised[kind] += await srepo.insertWarnings(
          db,
          signals
            .filter((s) => s.kind === kind)
            .map((s) => ({ ...s, id: ids.uuid(), raisedAt: now, acknowledgedAt: null, acknowledgedBy: null })),
        );
    }
    return raised;
  }

  warnings(q: {
    readonly loanId?: string;
    readonly openOnly: boolean;
    readonly after?: string;
    readonly limit: number;
  }) {
    return srepo.listWarnings(this.#deps.db, q);
  }

  acknowledge(id: string, by: string) {
    return srepo.acknowledgeWarning(this.#deps.db, id, by, this.#deps.clock.now());
  }

  // ---------------------------------------------------------------- portfolio reports

  /**
   * The portfolio as of a business date: approval rate by score band (applications of the last
   * `days`), bad rate by band (ever M3+ or written off), roll rates between two dates by band,
   * vintage curves (share of each disbursement month ever 30+ days past due by month on book) and
   * the PSI of application PDs (the last `days` against the `days` before).
   */
  async report(options: { readonly asOf?: string; readonly days?: number } = {}): Promise<Outcome<PortfolioReport>> {
    const asOf = options.asOf ?? this.#deps.today();
    if (!isCalendarDate(asOf) || asOf > this.#deps.today()) return fail('credit_date_invalid', { value: asOf });
    const days = options.days ?? 30;
    if (!Number.isSafeInteger(days) || days < 1 || days > 3660)
      return fail('credit_input_invalid', { field: 'days', reason: 'a whole number from 1 to 3660' });
    const start = addDays(asOf, 1 - days);
    const baselineStart = addDays(asOf, 1 - 2 * days);
    const rollFrom = addDays(asOf, -days);
    const apps = await srepo.applicationFacts(this.#deps.db, baselineStart, asOf);
    const loans = await srepo.loanFacts(this.#deps.db, asOf, rollFrom, asOf);
    return {
      ok: true,
      value: portfolioReport({
        asOf,
        days,
        rollFrom,
        current: apps.filter((a) => a.asOf >= start),
        baseline: apps.filter((a) => a.asOf < start),
        loans,
      }),
    };
  }
}

const BANDS_ORDER = ['A', 'B', 'C', 'D', 'E', 'policy'];
const STATES = ['current', 'M1', 'M2', 'M3', 'M3+', 'closed', 'written_off'] as const;
type State = (typeof STATES)[number];
const SEVERITY: Readonly<Record<State, number>> = {
  closed: -1,
  current: 0,
  M1: 1,
  M2: 2,
  M3: 3,
  'M3+': 4,
  written_off: 5,
};

export interface PortfolioReport {
  readonly asOf: string;
  readonly days: number;
  readonly bands: readonly {
    readonly band: string;
    readonly applications: number;
    readonly approved: number;
    readonly referred: number;
    readonly declined: number;
    readonly approvalRate: string | null;
    readonly loans: number;
    readonly bad: number;
    readonly badRate: string | null;
  }[];
  readonly rollRates: {
    readonly from: string;
    readonly to: string;
    readonly byBand: readonly {
      readonly band: string;
      readonly rows: readonly {
        readonly from: Bucket;
        readonly loans: number;
        readonly to: Readonly<Record<State, number>>;
        /** Share that moved to a worse state (a later bucket or written off). */
        readonly rollForward: string | null;
      }[];
    }[];
  };
  readonly vintages: readonly {
    readonly vintage: string;
    readonly loans: number;
    readonly curve: readonly {
      readonly mob: number;
      readonly observed: number;
      readonly bad: number;
      readonly rate: string | null;
    }[];
  }[];
  readonly psi: {
    readonly baseline: { readonly from: string; readonly to: string; readonly scored: number };
    readonly current: { readonly from: string; readonly to: string; readonly scored: number };
    readonly value: string | null;
    readonly status: 'stable' | 'watch' | 'shifted' | null;
    readonly bins: readonly { upper: string; expected: string; actual: string }[];
  };
}

const bandOf = (band: string | null) => band ?? 'policy';

/** The report from its facts (pure: the hand-checked tests feed it a constructed book). */
export function portfolioReport(input: {
  readonly asOf: string;
  readonly days: number;
  readonly rollFrom: string;
  readonly current: readonly srepo.ApplicationFact[];
  readonly baseline: readonly srepo.ApplicationFact[];
  readonly loans: readonly srepo.LoanFact[];
}): PortfolioReport {
  const bandNames = new Set<string>([
    ...input.current.map((a) => bandOf(a.band)),
    ...input.loans.map((l) => bandOf(l.band)),
  ]);
  const ordered = [...bandNames].sort((a, b) => BANDS_ORDER.indexOf(a) - BANDS_ORDER.indexOf(b));
  const isBad = (l: srepo.LoanFact) =>
    l.status === 'written_off' || l.maxDaysPastDue >= BAD_DPD || l.daysPastDue >= BAD_DPD;
  const bands = ordered.map((band) => {
    const apps = input.current.filter((a) => bandOf(a.band) === band);
    const loans = input.loans.filter((l) => bandOf(l.band) === band);
    const approved = apps.filter((a) => a.outcome === 'approve').length;
    const bad = loans.filter(isBad).length;
    return {
      band,
      applications: apps.length,
      approved,
      referred: apps.filter((a) => a.outcome === 'refer').length,
      declined: apps.filter((a) => a.outcome === 'decline').length,
      approvalRate: rate(approved, apps.length),
      loans: loans.length,
      bad,
      badRate: rate(bad, loans.length),
    };
  });

  const stateTo = (l: srepo.LoanFact): State | undefined => {
    if (l.dpdTo !== null) return bucketOf(l.dpdTo);
    if (l.status === 'written_off' && l.closedDate !== null && l.closedDate <= input.asOf) return 'written_off';
    if (l.status === 'closed' && l.closedDate !== null && l.closedDate <= input.asOf) return 'closed';
    return undefined;
  };
  const rollRows = (loans: readonly srepo.LoanFact[]) =>
    (['current', 'M1', 'M2', 'M3', 'M3+'] as const)
      .map((from) => {
        const to = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<State, number>;
        let n = 0;
        let worse = 0;
        for (const l of loans) {
          if (l.dpdFrom === null || bucketOf(l.dpdFrom) !== from) continue;
          const state = stateTo(l);
          if (state === undefined) continue;
          n++;
          to[state]++;
          if (SEVERITY[state] > SEVERITY[from]) worse++;
        }
        return { from, loans: n, to, rollForward: rate(worse, n) };
      })
      .filter((r) => r.loans > 0);
  const byBand = [
    { band: 'all', rows: rollRows(input.loans) },
    ...ordered.map((band) => ({ band, rows: rollRows(input.loans.filter((l) => bandOf(l.band) === band)) })),
  ].filter((b) => b.rows.length > 0);

  const vintageNames = [...new Set(input.loans.map((l) => l.startDate.slice(0, 7)))].sort();
  const vintages = vintageNames.map((vintage) => {
    const loans = input.loans.filter((l) => l.startDate.slice(0, 7) === vintage);
    const curve: { mob: number; observed: number; bad: number; rate: string | null }[] = [];
    for (let mob = 1; mob <= 36; mob++) {
      const observed = loans.filter((l) => addMonths(l.startDate, mob) <= input.asOf);
      if (observed.length === 0) break;
      const bad = observed.filter((l) => l.first30 !== null && l.first30 <= addMonths(l.startDate, mob)).length;
      curve.push({ mob, observed: observed.length, bad, rate: rate(bad, observed.length) });
    }
    return { vintage, loans: loans.length, curve };
  });

  const pds = (apps: readonly srepo.ApplicationFact[]) => apps.filter((a) => a.pd !== null).map((a) => Number(a.pd));
  const expected = pds(input.baseline);
  const actual = pds(input.current);
  const stability = expected.length > 0 && actual.length > 0 ? psi(expected, actual, 10) : undefined;
  return {
    asOf: input.asOf,
    days: input.days,
    bands,
    rollRates: { from: input.rollFrom, to: input.asOf, byBand },
    vintages,
    psi: {
      baseline: {
        from: addDays(input.asOf, 1 - 2 * input.days),
        to: addDays(input.asOf, -input.days),
        scored: expected.length,
      },
      current: { from: addDays(input.asOf, 1 - input.days), to: input.asOf, scored: actual.length },
      value: stability ? stability.value.toFixed(4) : null,
      status: stability ? (stability.value < 0.1 ? 'stable' : stability.value <= 0.25 ? 'watch' : 'shifted') : null,
      bins: (stability?.bins ?? []).map((b) => ({
        upper: b.upper === null ? 'missing' : Number.isFinite(b.upper) ? b.upper.toFixed(6) : '+inf',
        expected: b.expected.toFixed(4),
        actual: b.actual.toFixed(4),
      })),
    },
  };
}
