import { createHash } from 'node:crypto';
import { inTransaction } from '@zhirong/db';
import { assert, type Clock, canonicalJson, formatAmount, formatId, type IdGenerator } from '@zhirong/kernel';
import type { Logger, NewEvent, Outbox } from '@zhirong/platform';
import * as repo from './credit.repository.ts';
import {
  bundledModels,
  type DecisionInputs,
  type DecisionRecord,
  decide,
  decisionBytes,
  type PlatformData,
  type Screening,
} from './decision.ts';
import { EMPLOYMENT_TYPES, type EmploymentType } from './features.ts';
import { ageOn, parseResidentId } from './identity-number.ts';
import {
  accruedInterestThrough,
  allocateRepayment,
  bucketOf,
  dailyPenalty,
  daysPastDue,
  type InstallmentState,
  payoffAmount,
  prepay,
} from './loan.ts';
import { feeOf, type Product, type ProductRequest, validateProduct } from './product.ts';
import { fail, type Outcome, parseMoneyField, parseMonths } from './quote.ts';
import { addDays, buildSchedule, D, isCalendarDate } from './schedule.ts';
import { type CreditMonitoringPort, CreditServicing } from './servicing.ts';

export const PRODUCT_PREFIX = 'lpr';
export const APPLICATION_PREFIX = 'lap';
export const LOAN_PREFIX = 'loan';
export const REPAYMENT_PREFIX = 'lrp';
export const EVIDENCE_TOPIC = 'evidence.records';
export const DECISION_RECORD_TYPE = 'credit.decision';
/** Loans accrued per database transaction by the nightly batch. */
export const ACCRUAL_BATCH_MAX = 1000;
/** Concurrent accrual workers at most (each takes its own batches with `skip locked`). */
export const ACCRUAL_WORKERS_MAX = 8;
/** Days a single accrual pass catches up for one loan. */
export const ACCRUAL_CATCH_UP_DAYS_MAX = 366;
/** Days past due from which a loan may be written off (M3+). */
export const WRITE_OFF_DPD_MIN = 91;

/** Accounts of the institution the money port resolves per currency. */
export type SystemRole = 'loans_receivable' | 'interest_income' | 'fee_income' | 'penalty_income' | 'loan_losses';

/** One leg of a linked chain: from one account to another. */
export interface Movement {
  readonly id: string;
  readonly debit: { readonly account: string } | { readonly system: SystemRole };
  readonly credit: { readonly account: string } | { readonly system: SystemRole };
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/**
 * What lending needs from the ledger, in its own terms (flows adapts the ledger to it): the facts of
 * a customer's account, and linked chains of movements that commit all or nothing — with the
 * lending write running inside the same database transaction, so a loan exists exactly when its
 * money moved.
 */
export interface CreditMoneyPort {
  account(id: string): Promise<{ readonly currency: string; readonly status: string } | undefined>;
  post(
    movements: readonly Movement[],
    write: (trx: repo.Trx) => Promise<void>,
  ): Promise<{ readonly ok: true } | { readonly ok: false; readonly code: string }>;
}

/** What the screening port is told about an application (before anything is stored). */
export interface ScreeningRequest {
  /** The application's id (uuid): the risk event's id derives from it, so a retry is not counted twice. */
  readonly applicationId: string;
  readonly idNumber: string;
  readonly phone: string;
  readonly name: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly at: Date;
  /** A what-if (`credit decide`): decide without storing anything. */
  readonly dryRun: boolean;
}

/**
 * The risk engine's view of an applicant (deny lists, fraud decision). flows connects it to the
 * risk engine (packages/flows/src/credit); without a risk module the default approves everyone.
 */
export interface CreditScreeningPort {
  screen(request: ScreeningRequest): Promise<Screening>;
}

export const approveAllScreening: CreditScreeningPort = {
  async screen() {
    return { denyListed: false, fraud: 'allow', source: 'default-approve' };
  },
};

/** Days of account history the decision reads (inflows and spending). */
export const ACCOUNT_HISTORY_DAYS = 90;

/** The customer's account as the ledger shows it (flows fills it): balance, inflows and spending. */
export interface CreditCustomerDataPort {
  accountFacts(
    accountId: string,
    at: Date,
    days: number,
  ): Promise<
    | {
        readonly currency: string;
        readonly balanceMinor: bigint;
        readonly inflowsMinor: bigint;
        readonly outflowsMinor: bigint;
      }
    | undefined
  >;
}

export interface CreditDependencies {
  readonly db: repo.Db;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly outbox: Outbox;
  readonly logger: Logger;
  readonly timeZone: string;
  readonly money: CreditMoneyPort;
  readonly screening?: CreditScreeningPort;
  /** Falling balances and new risk decisions for early warnings (flows); without it only missed payments are flagged. */
  readonly monitoring?: CreditMonitoringPort;
  /** Account data from the ledger for applications that name the customer's account. */
  readonly customerData?: CreditCustomerDataPort;
  readonly eventsCommitted?: () => void;
}

/** What an applicant sends (text as in JSON; validated here, field by field). */
export interface ApplicationRequest {
  readonly productId: string;
  readonly amount: string;
  readonly termMonths: number;
  /** The customer's account on the platform (uuid): its balance, inflows and spending become decision inputs. */
  readonly accountId?: string;
  readonly applicant: {
    readonly name: string;
    readonly idNumber: string;
    readonly phone: string;
    readonly monthlyIncome: string;
    readonly employment: { readonly type: string; readonly months: number };
  };
  readonly external?: {
    readonly bureauScore?: number;
    readonly inquiries6m?: number;
    readonly existingLoans?: number;
    readonly hasMortgage?: boolean;
    readonly monthlyDebtPayments?: string;
  };
  readonly consent: { readonly granted: boolean; readonly version: string; readonly grantedAt: string };
}

export interface LoanView {
  readonly loan: repo.Loan;
  readonly installments: readonly InstallmentState[];
  readonly bucket: ReturnType<typeof bucketOf>;
  readonly payoffMinor: bigint;
}

class Refused extends Error {
  constructor(readonly failure: ReturnType<typeof fail>) {
    super(failure.code);
  }
}

const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();
function businessDate(at: Date, timeZone: string): string {
  let format = DATE_FORMATS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    DATE_FORMATS.set(timeZone, format);
  }
  return format.format(at);
}

const PHONE = /^1[3-9]\d{9}$/;
const BUREAU_DEFAULT = 600;

/**
 * "310" lending: products, applications decided in one call and stored with every input and
 * version, loans disbursed through the ledger, nightly accrual, repayments and write-off.
 */
export class CreditService {
  readonly #deps: CreditDependencies;
  /** Products never change after creation: read once. */
  readonly #products = new Map<string, Product>();

  /** Collections queue, early-warning flags and portfolio reports. */
  readonly servicing: CreditServicing;

  constructor(deps: CreditDependencies) {
    this.#deps = deps;
    this.servicing = new CreditServicing({
      db: deps.db,
      clock: deps.clock,
      ids: deps.ids,
      today: () => this.today(),
      ...(deps.monitoring ? { monitoring: deps.monitoring } : {}),
    });
  }

  today(): string {
    return businessDate(this.#deps.clock.now(), this.#deps.timeZone);
  }

  // ---------------------------------------------------------------- products

  async createProduct(request: ProductRequest): Promise<Outcome<Product>> {
    const product = validateProduct(request, this.#deps.ids.uuid(), this.#deps.clock.now());
    if (!product.ok) return product;
    await repo.insertProduct(this.#deps.db, product.value);
    return product;
  }

  async getProduct(id: string): Promise<Product | undefined> {
    const cached = this.#products.get(id);
    if (cached) return cached;
    const product = await repo.getProduct(this.#deps.db, id);
    if (product && this.#products.size < 10_000) this.#products.set(id, product);
    return product;
  }

  listProducts(limit: number, afterId?: string) {
    return repo.listProducts(this.#deps.db, limit, afterId);
  }

  // ---------------------------------------------------------------- applications

  /**
   * Validates, screens, decides and stores an application in one transaction (nothing half-stored).
   * `dryRun` decides without storing (`zhirong credit decide`).
   */
  async apply(
    request: ApplicationRequest,
    options: { readonly dryRun?: boolean } = {},
  ): Promise<Outcome<repo.Application>> {
    const { db, clock, ids } = this.#deps;
    const today = this.today();
    const product = await this.getProduct(request.productId);
    if (!product) return fail('product_not_found', { id: formatId(PRODUCT_PREFIX, request.productId) });
    const amount = parseMoneyField(request.amount, product.currency);
    if (!amount.ok) return amount;
    const format = (minor: bigint) => formatAmount(minor, product.currency);
    if (amount.value < product.amountMinMinor || amount.value > product.amountMaxMinor)
      return fail('amount_out_of_range', {
        min: format(product.amountMinMinor),
        max: format(product.amountMaxMinor),
        currency: product.currency,
      });
    const term = parseMonths(request.termMonths);
    if (!term.ok) return fail(term.code);
    if (term.value < product.termMin || term.value > product.termMax)
      return fail('term_out_of_range', { min: product.termMin, max: product.termMax });
    const a = request.applicant;
    const name = a.name.trim();
    if (name.length < 1 || name.length > 64)
      return fail('credit_input_invalid', { field: 'applicant.name', reason: '1 to 64 characters' });
    const id = parseResidentId(a.idNumber, today);
    if (!id.ok) return fail(id.code);
    const age = ageOn(id.value.birthDate, today);
    if (age < 18) return fail('applicant_under_age', { age });
    if (!PHONE.test(a.phone)) return fail('phone_invalid');
    const income = parseMoneyField(a.monthlyIncome, product.currency);
    if (!income.ok) return fail('credit_input_invalid', { field: 'applicant.monthlyIncome', reason: income.code });
    if (!(EMPLOYMENT_TYPES as readonly string[]).includes(a.employment.type))
      return fail('credit_input_invalid', {
        field: 'applicant.employment.type',
        reason: `one of ${EMPLOYMENT_TYPES.join(', ')}`,
      });
    const monthsEmployed = a.employment.months;
    if (!Number.isSafeInteger(monthsEmployed) || monthsEmployed < 0 || monthsEmployed > 720)
      return fail('credit_input_invalid', { field: 'applicant.employment.months', reason: 'whole months, 0 to 720' });
    const e = request.external ?? {};
    const bureauScore = e.bureauScore ?? BUREAU_DEFAULT;
    const inquiries = e.inquiries6m ?? 0;
    const existing = e.existingLoans ?? 0;
    if (!Number.isSafeInteger(bureauScore) || bureauScore < 300 || bureauScore > 850)
      return fail('credit_input_invalid', { field: 'external.bureauScore', reason: 'a whole number from 300 to 850' });
    if (!Number.isSafeInteger(inquiries) || inquiries < 0 || inquiries > 100)
      return fail('credit_input_invalid', { field: 'external.inquiries6m', reason: 'a whole number from 0 to 100' });
    if (!Number.isSafeInteger(existing) || existing < 0 || existing > 100)
      return fail('credit_input_invalid', { field: 'external.existingLoans', reason: 'a whole number from 0 to 100' });
    const debt = parseMoneyField(e.monthlyDebtPayments ?? '0', product.currency, true);
    if (!debt.ok) return fail('credit_input_invalid', { field: 'external.monthlyDebtPayments', reason: debt.code });
    const c = request.consent;
    if (c.granted !== true || c.version.trim() === '' || Number.isNaN(Date.parse(c.grantedAt)))
      return fail('consent_missing');

    // The account is input: checked before the risk engine records anything about the application.
    let account: PlatformData['account'];
    if (request.accountId !== undefined) {
      const facts = await this.#deps.customerData?.accountFacts(request.accountId, clock.now(), ACCOUNT_HISTORY_DAYS);
      if (!facts || facts.currency !== product.currency)
        return fail('credit_account_not_found', { id: formatId('acc', request.accountId) });
      account = {
        id: request.accountId,
        days: ACCOUNT_HISTORY_DAYS,
        balanceMinor: facts.balanceMinor.toString(),
        inflowsMinor: facts.inflowsMinor.toString(),
        outflowsMinor: facts.outflowsMinor.toString(),
      };
    }
    const applicationId = ids.uuid();
    // Screening and the applicant's loans here are independent reads: one round trip of waiting, not two.
    const [screening, here] = await Promise.all([
      (this.#deps.screening ?? approveAllScreening).screen({
        applicationId,
        idNumber: id.value.number,
        phone: a.phone,
        name,
        amountMinor: amount.value,
        currency: product.currency,
        at: clock.now(),
        dryRun: options.dryRun === true,
      }),
      repo.activeLoansOf(db, id.value.number),
    ]);
    const models = bundledModels();
    const inputs: DecisionInputs = {
      asOf: today,
      currency: product.currency,
      amountMinor: amount.value.toString(),
      termMonths: term.value,
      age,
      employment: a.employment.type as EmploymentType,
      monthsEmployed,
      monthlyIncomeMinor: income.value.toString(),
      bureauScore,
      inquiries6m: inquiries,
      existingLoans: existing,
      hasMortgage: e.hasMortgage ?? false,
      monthlyDebtMinor: debt.value.toString(),
      activeLoansHere: here.count,
      monthlyDebtHereMinor: here.monthlyMinor.toString(),
      screening: {
        denyListed: screening.denyListed,
        fraud: screening.fraud,
        source: screening.source,
        ...(screening.decisionId === undefined ? {} : { decisionId: screening.decisionId }),
        ...(screening.reason === undefined ? {} : { reason: screening.reason }),
      },
      models: { champion: models.champion.artefact.contentHash, challenger: models.challenger.artefact.contentHash },
      platform: { earlierLoans: here.earlier, ...(account ? { account } : {}) },
      product: {
        id: product.id,
        amountMinMinor: product.amountMinMinor.toString(),
        amountMaxMinor: product.amountMaxMinor.toString(),
        method: product.method,
        dayCount: product.dayCount,
        annualRateMin: product.annualRateMin,
        annualRateMax: product.annualRateMax,
        upfrontFeeRate: product.upfrontFeeRate,
        monthlyFeeRate: product.monthlyFeeRate,
        aprCap: product.aprCap,
      },
    };
    const decision = decide(inputs);
    const application: repo.Application = {
      id: applicationId,
      productId: product.id,
      idNumber: id.value.number,
      applicant: {
        name,
        idNumber: id.value.number,
        birthDate: id.value.birthDate,
        sex: id.value.sex,
        regionCode: id.value.regionCode,
        phone: a.phone,
        monthlyIncomeMinor: income.value.toString(),
        employment: { type: a.employment.type, months: monthsEmployed },
      },
      amountMinor: amount.value,
      currency: product.currency,
      termMonths: term.value,
      consent: { granted: true, version: c.version, grantedAt: new Date(Date.parse(c.grantedAt)).toISOString() },
      inputs,
      decision,
      status: 'decided',
      loanId: null,
      createdAt: clock.now(),
    };
    if (options.dryRun) return { ok: true, value: application };
    await inTransaction(db, async (trx) => {
      await repo.insertApplication(trx, application);
      await this.#deps.outbox.enqueue(trx, [this.#decisionEvent(application)]);
    });
    this.#deps.eventsCommitted?.();
    return { ok: true, value: application };
  }

  /** The decision's digest goes to the evidence log, so a changed record is detectable. */
  #decisionEvent(a: repo.Application): NewEvent {
    const recordId = formatId(APPLICATION_PREFIX, a.id);
    return {
      topic: EVIDENCE_TOPIC,
      key: recordId,
      payload: {
        records: [
          {
            recordType: DECISION_RECORD_TYPE,
            recordId,
            body: {
              id: recordId,
              inputsDigest: `sha256:${createHash('sha256').update(canonicalJson(a.inputs)).digest('hex')}`,
              decisionDigest: `sha256:${createHash('sha256').update(decisionBytes(a.decision)).digest('hex')}`,
              outcome: a.decision.outcome,
              modelVersion: a.decision.modelVersion,
              policyVersion: a.decision.policyVersion,
            },
          },
        ],
      },
    };
  }

  getApplication(id: string) {
    return repo.getApplication(this.#deps.db, id);
  }

  /** Applications by id (uuids), for readers of many at once (the evidence log); unknown ids are left out. */
  getApplications(ids: readonly string[]) {
    return repo.getApplications(this.#deps.db, ids);
  }

  listApplications(limit: number, afterId?: string) {
    return repo.listApplications(this.#deps.db, limit, afterId);
  }

  /** Decides again from the stored inputs and compares the bytes with the stored decision. */
  async replay(
    id: string,
  ): Promise<Outcome<{ application: repo.Application; replayed: DecisionRecord; identical: boolean }>> {
    const application = await repo.getApplication(this.#deps.db, id);
    if (!application) return fail('application_not_found', { id: formatId(APPLICATION_PREFIX, id) });
    const replayed = decide(application.inputs);
    return {
      ok: true,
      value: {
        application,
        replayed,
        identical: decisionBytes(replayed) === decisionBytes(application.decision),
      },
    };
  }

  // ---------------------------------------------------------------- loans

  /**
   * Accepts an approved application: the schedule is built from today, and the disbursement —
   * loans receivable → customer (principal − upfront fee) and loans receivable → fee income — is one
   * linked ledger chain whose transaction also writes the loan. Accepting twice disburses once.
   */
  async accept(request: {
    readonly applicationId: string;
    readonly customerAccountId: string;
    readonly amountMinor?: bigint;
  }): Promise<Outcome<LoanView>> {
    const { db, ids, clock } = this.#deps;
    const application = await repo.getApplication(db, request.applicationId);
    if (!application) return fail('application_not_found', { id: formatId(APPLICATION_PREFIX, request.applicationId) });
    const appId = formatId(APPLICATION_PREFIX, application.id);
    if (application.status === 'accepted')
      return fail('application_already_accepted', {
        id: appId,
        loanId: formatId(LOAN_PREFIX, application.loanId ?? ''),
      });
    const d = application.decision;
    if (d.outcome !== 'approve' || d.annualRate === null)
      return fail('application_not_approved', { id: appId, decision: d.outcome });
    const product = await this.getProduct(application.productId);
    assert(product !== undefined, 'an application references its product');
    const approved = BigInt(d.approvedAmountMinor);
    const principal = request.amountMinor ?? approved;
    if (principal > BigInt(d.limitMinor) || principal > approved)
      return fail('amount_above_limit', {
        limit: formatAmount(approved, product.currency),
        currency: product.currency,
      });
    if (principal < product.amountMinMinor)
      return fail('amount_out_of_range', {
        min: formatAmount(product.amountMinMinor, product.currency),
        max: formatAmount(approved, product.currency),
        currency: product.currency,
      });
    const account = await this.#deps.money.account(request.customerAccountId);
    if (!account) return fail('credit_account_not_found', { id: formatId('acc', request.customerAccountId) });
    if (account.currency !== product.currency || account.status !== 'active')
      return fail('credit_payment_failed', { reason: `account ${account.status} in ${account.currency}` });

    const today = this.today();
    const schedule = buildSchedule({
      principalMinor: principal,
      months: application.termMonths,
      annualRate: new D(d.annualRate),
      method: product.method,
      dayCount: product.dayCount,
      startDate: today,
      periodicFeeMinor: feeOf(principal, product.monthlyFeeRate),
    });
    assert(schedule.ok, 'an approved application builds its schedule');
    const upfront = feeOf(principal, product.upfrontFeeRate);
    const loanId = ids.uuid();
    const meta = { loanId: formatId(LOAN_PREFIX, loanId), applicationId: appId };
    const movements: Movement[] = [
      {
        id: ids.uuid(),
        debit: { system: 'loans_receivable' },
        credit: { account: request.customerAccountId },
        amountMinor: principal - upfront,
        currency: product.currency,
        metadata: { ...meta, leg: 'disbursement' },
      },
    ];
    if (upfront > 0n)
      movements.push({
        id: ids.uuid(),
        debit: { system: 'loans_receivable' },
        credit: { system: 'fee_income' },
        amountMinor: upfront,
        currency: product.currency,
        metadata: { ...meta, leg: 'upfront_fee' },
      });
    const installments: InstallmentState[] = schedule.value.installments.map((i) => ({
      period: i.period,
      fromDate: i.fromDate,
      dueDate: i.dueDate,
      principalMinor: i.principalMinor,
      interestMinor: i.interestMinor,
      feeMinor: i.feeMinor,
      principalPaidMinor: 0n,
      interestPaidMinor: 0n,
      feePaidMinor: 0n,
    }));
    const loan: repo.Loan = {
      id: loanId,
      applicationId: application.id,
      productId: product.id,
      idNumber: application.idNumber,
      customerAccountId: request.customerAccountId,
      currency: product.currency,
      principalMinor: principal,
      annualRate: d.annualRate,
      penaltyRate: product.penaltyRate,
      graceDays: product.graceDays,
      method: product.method,
      dayCount: product.dayCount,
      startDate: today,
      upfrontFeeMinor: upfront,
      status: 'active',
      principalOutstandingMinor: principal,
      interestAccruedMinor: 0n,
      penaltyOutstandingMinor: 0n,
      penaltyPaidMinor: 0n,
      accruedThrough: today,
      daysPastDue: 0,
      disbursementTransferIds: movements.map((m) => m.id),
      createdAt: clock.now(),
      closedAt: null,
    };
    const posted = await this.#post(movements, async (trx) => {
      const current = await repo.getApplication(trx, application.id, true);
      if (current?.status !== 'decided')
        throw new Refused(
          fail('application_already_accepted', { id: appId, loanId: formatId(LOAN_PREFIX, current?.loanId ?? '') }),
        );
      await repo.insertLoan(trx, loan, installments);
      await repo.markAccepted(trx, application.id, loanId);
      await this.#deps.outbox.enqueue(trx, [
        { topic: 'credit.loans.disbursed', key: meta.loanId, payload: { ...meta, principal: principal.toString() } },
      ]);
    });
    if (!posted.ok) return posted;
    return { ok: true, value: { loan, installments, bucket: 'current', payoffMinor: principal } };
  }

  async #post(movements: readonly Movement[], write: (trx: repo.Trx) => Promise<void>): Promise<Outcome<true>> {
    try {
      const result = await this.#deps.money.post(movements, write);
      if (!result.ok) return fail('credit_payment_failed', { reason: result.code });
    } catch (error) {
      if (error instanceof Refused) return error.failure;
      throw error;
    }
    this.#deps.eventsCommitted?.();
    return { ok: true, value: true };
  }

  async loan(id: string): Promise<LoanView | undefined> {
    const loan = await repo.getLoan(this.#deps.db, id);
    if (!loan) return undefined;
    const installments = await repo.installmentsOf(this.#deps.db, id);
    const today = this.today();
    const payoff = loan.status === 'active' ? payoffAmount(installments, loan.penaltyOutstandingMinor, today) : 0n;
    return { loan, installments, bucket: bucketOf(loan.daysPastDue), payoffMinor: payoff };
  }

  listLoans(limit: number, afterId?: string, status?: repo.LoanStatus) {
    return repo.listLoans(this.#deps.db, limit, afterId, status);
  }

  repayments(loanId: string) {
    return repo.repaymentsOf(this.#deps.db, loanId);
  }

  accruals(loanId: string) {
    return repo.accrualsOf(this.#deps.db, loanId);
  }

  /**
   * Takes a repayment from the customer's account: allocated penalty → fees → interest → principal
   * of what is due, anything left prepays (accrued interest of the current period, then principal,
   * the remaining schedule recalculated). One linked chain to the income and receivable accounts,
   * written with the loan in the ledger's transaction.
   */
  async repay(loanId: string, amountMinor: bigint): Promise<Outcome<{ repayment: repo.Repayment; view: LoanView }>> {
    const { db, ids, clock } = this.#deps;
    const today = this.today();
    const before = await repo.getLoan(db, loanId);
    if (!before) return fail('loan_not_found', { id: formatId(LOAN_PREFIX, loanId) });
    let outcome: { repayment: repo.Repayment; view: LoanView } | undefined;
    const plan = (loan: repo.Loan, installments: readonly InstallmentState[]) => {
      if (loan.status !== 'active')
        throw new Refused(fail('loan_not_active', { id: formatId(LOAN_PREFIX, loan.id), status: loan.status }));
      const owed = payoffAmount(installments, loan.penaltyOutstandingMinor, today);
      if (amountMinor > owed)
        throw new Refused(
          fail('repayment_exceeds_due', { owed: formatAmount(owed, loan.currency), currency: loan.currency }),
        );
      const allocation = allocateRepayment(amountMinor, loan.penaltyOutstandingMinor, installments, today);
      const prepaid = prepay(allocation.excessMinor, allocation.installments, today, {
        startDate: loan.startDate,
        annualRate: new D(loan.annualRate),
        method: loan.method,
        dayCount: loan.dayCount,
      });
      assert(prepaid.unusedMinor === 0n, 'a payment within the payoff is used in full');
      return { allocation, prepaid };
    };
    // Plan outside the transaction to know the legs; plan again under the row lock to write.
    let first: ReturnType<typeof plan>;
    try {
      first = plan(before, await repo.installmentsOf(db, loanId));
    } catch (error) {
      if (error instanceof Refused) return error.failure;
      throw error;
    }
    const legs: [keyof typeof LEG_ROLE, bigint][] = [
      ['penalty', first.allocation.penaltyMinor],
      ['fees', first.allocation.feesMinor],
      ['interest', first.allocation.interestMinor + first.prepaid.accruedInterestMinor],
      ['principal', first.allocation.principalMinor + first.prepaid.principalMinor],
    ];
    const repaymentId = ids.uuid();
    const meta = { loanId: formatId(LOAN_PREFIX, loanId), repaymentId: formatId(REPAYMENT_PREFIX, repaymentId) };
    const movements: Movement[] = legs
      .filter(([, amount]) => amount > 0n)
      .map(([leg, amount]) => ({
        id: ids.uuid(),
        debit: { account: before.customerAccountId },
        credit: { system: LEG_ROLE[leg] },
        amountMinor: amount,
        currency: before.currency,
        metadata: { ...meta, leg },
      }));
    const posted = await this.#post(movements, async (trx) => {
      const loan = await repo.getLoan(trx, loanId, true);
      assert(loan !== undefined, 'the loan exists');
      const { allocation, prepaid } = plan(loan, await repo.installmentsOf(trx, loanId));
      // Someone else's write between planning and the lock would change the legs: refuse, retry.
      if (
        allocation.penaltyMinor !== first.allocation.penaltyMinor ||
        allocation.principalMinor + prepaid.principalMinor !==
          first.allocation.principalMinor + first.prepaid.principalMinor
      )
        throw new Refused(fail('idempotency_request_in_progress'));
      const installments = prepaid.installments;
      const principalPaid = installments.reduce((s, i) => s + i.principalPaidMinor, 0n);
      const outstanding = loan.principalMinor - principalPaid;
      const penaltyLeft = loan.penaltyOutstandingMinor - allocation.penaltyMinor;
      const settled = installments.every(
        (i) =>
          i.principalPaidMinor === i.principalMinor &&
          i.interestPaidMinor === i.interestMinor &&
          i.feePaidMinor === i.feeMinor,
      );
      const closed = settled && outstanding === 0n && penaltyLeft === 0n;
      const now = clock.now();
      await repo.writeInstallments(trx, loanId, installments);
      const state = {
        status: (closed ? 'closed' : 'active') as repo.LoanStatus,
        principalOutstandingMinor: outstanding,
        penaltyOutstandingMinor: penaltyLeft,
        penaltyPaidMinor: loan.penaltyPaidMinor + allocation.penaltyMinor,
        daysPastDue: daysPastDue(installments, today),
        closedAt: closed ? now : null,
      };
      await repo.updateLoanState(trx, loanId, state);
      const repayment: repo.Repayment = {
        id: repaymentId,
        loanId,
        kind: 'repayment',
        businessDate: today,
        amountMinor,
        penaltyMinor: allocation.penaltyMinor,
        feesMinor: allocation.feesMinor,
        interestMinor: allocation.interestMinor + prepaid.accruedInterestMinor,
        principalMinor: allocation.principalMinor,
        prepaidPrincipalMinor: prepaid.principalMinor,
        transferIds: movements.map((m) => m.id),
        createdAt: now,
      };
      await repo.insertRepayment(trx, repayment);
      await this.#deps.outbox.enqueue(trx, [
        {
          topic: 'credit.loans.repaid',
          key: meta.loanId,
          payload: { ...meta, amount: amountMinor.toString(), closed },
        },
      ]);
      const updated = { ...loan, ...state };
      outcome = {
        repayment,
        view: {
          loan: updated,
          installments,
          bucket: bucketOf(state.daysPastDue),
          payoffMinor: closed ? 0n : payoffAmount(installments, penaltyLeft, today),
        },
      };
    });
    if (!posted.ok) return posted;
    assert(outcome !== undefined, 'the write ran');
    return { ok: true, value: outcome };
  }

  /**
   * The nightly batch: accrues interest and penalty for every active loan through `date`, one row
   * per loan and day (catching up missed days). Running it again for the same date does nothing.
   */
  async accrue(
    date: string,
    options: { readonly workers?: number } = {},
  ): Promise<Outcome<{ loans: number; rows: number; interestMinor: bigint; penaltyMinor: bigint }>> {
    if (!isCalendarDate(date) || date > this.today()) return fail('credit_date_invalid', { value: date });
    const workers = Math.max(1, Math.min(options.workers ?? 1, ACCRUAL_WORKERS_MAX));
    let loans = 0;
    let rows = 0;
    let interestTotal = 0n;
    let penaltyTotal = 0n;
    const worker = async () => {
      for (;;) {
        const done = await inTransaction(this.#deps.db, async (trx) => {
          const batch = await repo.loansToAccrue(trx, date, ACCRUAL_BATCH_MAX);
          if (batch.length === 0) return 0;
          const schedules = await repo.installmentsForAccrual(
            trx,
            batch.map((l) => l.id),
            date,
          );
          const accruals: repo.AccrualRow[] = [];
          const updates: Parameters<typeof repo.setAccrued>[1][number][] = [];
          for (const loan of batch) {
            const installments = schedules.installments.get(loan.id) ?? [];
            // Installments due and settled before this run count in full on every day accrued now.
            const settled = schedules.settledInterest.get(loan.id) ?? 0n;
            let recorded = loan.interestAccruedMinor;
            let penaltyAdded = 0n;
            let day = loan.accruedThrough;
            let dpd = loan.daysPastDue;
            const penaltyRate = new D(loan.penaltyRate);
            for (let n = 0; n < ACCRUAL_CATCH_UP_DAYS_MAX && day < date; n++) {
              day = addDays(day, 1);
              const target = settled + accruedInterestThrough(installments, day);
              const penalty = dailyPenalty(installments, day, loan.graceDays, penaltyRate, loan.dayCount);
              dpd = daysPastDue(installments, day);
              accruals.push({
                loanId: loan.id,
                businessDate: day,
                interestMinor: target - recorded,
                penaltyMinor: penalty,
                daysPastDue: dpd,
              });
              interestTotal += target - recorded;
              penaltyTotal += penalty;
              recorded = target;
              penaltyAdded += penalty;
            }
            updates.push({
              id: loan.id,
              through: day,
              interestMinor: recorded,
              penaltyAddedMinor: penaltyAdded,
              daysPastDue: dpd,
            });
          }
          await repo.insertAccruals(trx, accruals);
          await repo.setAccrued(trx, updates);
          rows += accruals.length;
          return batch.length;
        });
        if (done === 0) break;
        loans += done;
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
    return { ok: true, value: { loans, rows, interestMinor: interestTotal, penaltyMinor: penaltyTotal } };
  }

  /** Writes off a loan in M3+: the outstanding principal moves from loans receivable to loan losses. */
  async writeOff(loanId: string): Promise<Outcome<LoanView>> {
    const { db, ids, clock } = this.#deps;
    const loan = await repo.getLoan(db, loanId);
    if (!loan) return fail('loan_not_found', { id: formatId(LOAN_PREFIX, loanId) });
    if (loan.status !== 'active')
      return fail('loan_not_active', { id: formatId(LOAN_PREFIX, loanId), status: loan.status });
    if (loan.daysPastDue < WRITE_OFF_DPD_MIN)
      return fail('loan_write_off_not_allowed', {
        id: formatId(LOAN_PREFIX, loanId),
        days: loan.daysPastDue,
        min: WRITE_OFF_DPD_MIN,
      });
    const id = ids.uuid();
    const meta = { loanId: formatId(LOAN_PREFIX, loanId), leg: 'write_off' };
    const movements: Movement[] = [
      {
        id: ids.uuid(),
        debit: { system: 'loan_losses' },
        credit: { system: 'loans_receivable' },
        amountMinor: loan.principalOutstandingMinor,
        currency: loan.currency,
        metadata: meta,
      },
    ];
    const posted = await this.#post(movements, async (trx) => {
      const current = await repo.getLoan(trx, loanId, true);
      if (current?.status !== 'active' || current.principalOutstandingMinor !== loan.principalOutstandingMinor)
        throw new Refused(fail('loan_not_active', { id: meta.loanId, status: current?.status ?? 'unknown' }));
      const now = clock.now();
      await repo.updateLoanState(trx, loanId, {
        status: 'written_off',
        principalOutstandingMinor: loan.principalOutstandingMinor,
        penaltyOutstandingMinor: loan.penaltyOutstandingMinor,
        penaltyPaidMinor: loan.penaltyPaidMinor,
        daysPastDue: loan.daysPastDue,
        closedAt: now,
      });
      await repo.insertRepayment(trx, {
        id,
        loanId,
        kind: 'write_off',
        businessDate: this.today(),
        amountMinor: loan.principalOutstandingMinor,
        penaltyMinor: 0n,
        feesMinor: 0n,
        interestMinor: 0n,
        principalMinor: loan.principalOutstandingMinor,
        prepaidPrincipalMinor: 0n,
        transferIds: movements.map((m) => m.id),
        createdAt: now,
      });
      await this.#deps.outbox.enqueue(trx, [{ topic: 'credit.loans.written_off', key: meta.loanId, payload: meta }]);
    });
    if (!posted.ok) return posted;
    const view = await this.loan(loanId);
    assert(view !== undefined, 'the loan exists');
    return { ok: true, value: view };
  }
}

const LEG_ROLE = {
  penalty: 'penalty_income',
  fees: 'fee_income',
  interest: 'interest_income',
  principal: 'loans_receivable',
} as const satisfies Record<string, SystemRole>;
