import { assert } from '@zhirong/kernel';
import { newEvent, payment, roundYuan, type SimEvent } from './event.ts';
import { STREAM, WeightedPicker } from './random.ts';
import { type Customer, DAY_MS, LOCAL_OFFSET_MS, OCCUPATIONS, type World } from './world.ts';

/**
 * Loan applicants and their outcomes. Each customer has a hidden latent risk z ~ N(0, 1). Risky
 * customers apply more often; every application carries features that are noisy proxies of z
 * (a bureau score, recent inquiries, debt-to-income, existing loans, time employed) plus the loan's
 * own terms. Whether the loan reaches 90 days past due within its 6–12 month term is drawn from
 *   logit P(default) = a + 1.0·z + 0.3·ln(amount / monthly income) + purpose + occupation + youth + term
 * with the intercept a solved so the expected default rate equals the configured one. The label is
 * never an input to any feature, and z itself is never written.
 */
export const LOAN_PURPOSES = [
  ['consumption', 35, 0],
  ['home_improvement', 15, -0.1],
  ['business', 15, 0.35],
  ['car', 10, -0.2],
  ['travel', 10, 0.1],
  ['education', 8, -0.15],
  ['medical', 7, 0.2],
] as const;
const PURPOSE_PICKER = new WeightedPicker(
  LOAN_PURPOSES.map((_, index) => index),
  LOAN_PURPOSES.map((p) => p[1]),
);
const OCCUPATION_EFFECT: Readonly<Record<string, number>> = {
  civil_servant: -0.4,
  teacher: -0.3,
  doctor: -0.3,
  engineer: -0.2,
  student: 0.3,
  self_employed: 0.2,
  freelancer: 0.25,
  farmer: 0.15,
};
const TERMS = [6, 9, 12] as const;

export interface LoanFeatures {
  readonly bureauScore: number;
  readonly inquiries6m: number;
  readonly debtToIncome: number;
  readonly existingLoans: number;
  readonly monthsEmployed: number;
  readonly hasMortgage: boolean;
}

export interface Instalment {
  readonly number: number;
  readonly dueMs: number;
  readonly amountMinor: bigint;
  readonly principalMinor: bigint;
  readonly interestMinor: bigint;
}

export interface Loan {
  readonly index: number;
  readonly id: string;
  readonly customer: number;
  readonly appliedAtMs: number;
  readonly amountMinor: bigint;
  readonly termMonths: number;
  /** Annual rate in basis points (e.g. 1520 = 15.20%), priced from the bureau score. */
  readonly aprBasisPoints: number;
  readonly purpose: string;
  readonly features: LoanFeatures;
  readonly schedule: readonly Instalment[];
  /** Hidden: the probability the outcome was drawn with (for tests and calibration only). */
  readonly defaultProbability: number;
  readonly defaulted: boolean;
  /** 1-based number of the first missed instalment when defaulted. */
  readonly firstMissedInstalment: number | null;
  /** 90 days after the first missed due date. */
  readonly defaultAtMs: number | null;
  /** When the outcome is known: the default, or the last due date. */
  readonly outcomeAtMs: number;
  readonly events: SimEvent[];
  applicationEventId: string;
  balanceAtApplicationMinor: bigint | null;
}

export interface LoanPlan {
  readonly loans: Loan[];
  readonly intercept: number;
  readonly expectedDefaultRate: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The local due date `months` after `appliedAtMs`, on the same day of month (capped at the 28th), 10:00. */
function dueDate(appliedAtMs: number, months: number): number {
  const local = new Date(appliedAtMs + LOCAL_OFFSET_MS);
  const day = Math.min(local.getUTCDate(), 28);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + months, day, 10) - LOCAL_OFFSET_MS;
}

/** Equal instalments (等额本息): interest on the remaining principal each month, rounded down to the fen; the last instalment clears the rest. */
export function annuitySchedule(
  principalMinor: bigint,
  aprBasisPoints: number,
  termMonths: number,
  appliedAtMs: number,
): Instalment[] {
  assert(principalMinor > 0n && termMonths > 0, 'a loan has a principal and a term');
  const monthly = aprBasisPoints / 120_000;
  const payment = BigInt(Math.ceil((Number(principalMinor) * monthly) / (1 - (1 + monthly) ** -termMonths)));
  const out: Instalment[] = [];
  let remaining = principalMinor;
  for (let number = 1; number <= termMonths; number++) {
    const interest = (remaining * BigInt(aprBasisPoints)) / 120_000n;
    const principal =
      number === termMonths ? remaining : payment - interest > remaining ? remaining : payment - interest;
    remaining -= principal;
    out.push({
      number,
      dueMs: dueDate(appliedAtMs, number),
      amountMinor: principal + interest,
      principalMinor: principal,
      interestMinor: interest,
    });
  }
  assert(remaining === 0n, 'the schedule repays the principal exactly');
  return out;
}

export function planLoans(world: World): LoanPlan {
  const { config } = world;
  const endMs = world.startMs + config.days * DAY_MS;
  const perDay = config.loans.applicationsPerCustomerYear / 365;
  const applicants: {
    customer: Customer;
    score: number;
    draft: Omit<
      Loan,
      | 'defaultProbability'
      | 'defaulted'
      | 'firstMissedInstalment'
      | 'defaultAtMs'
      | 'outcomeAtMs'
      | 'events'
      | 'index'
      | 'id'
    >;
    u: number;
    missU: number;
  }[] = [];
  for (const customer of world.customers) {
    if (customer.dormant || customer.age > 70) continue;
    const random = world.streams.stream(STREAM.loan, customer.index);
    const z = customer.latentRisk;
    const p = Math.min(0.95, perDay * config.days * Math.exp(0.35 * z - 0.06125));
    if (!random.chance(p)) continue;
    const appliedAtMs =
      world.startMs + random.int(config.days) * DAY_MS + (8 + random.int(14)) * 3_600_000 + random.int(3_600_000);
    const income = customer.monthlyIncomeCny;
    const amountMinor = (() => {
      const amount = roundYuan(Math.min(200_000, Math.max(1000, income * random.logNormal(2, 0.6))), 100);
      return amount;
    })();
    const termMonths = TERMS[random.int(TERMS.length)] as number;
    const purposeIndex = PURPOSE_PICKER.pick(random);
    const purpose = LOAN_PURPOSES[purposeIndex] as (typeof LOAN_PURPOSES)[number];
    const occupationKey = OCCUPATIONS[customer.occupation]?.key ?? '';
    const working = occupationKey !== 'student' && occupationKey !== 'retiree';
    const features: LoanFeatures = {
      bureauScore: Math.max(300, Math.min(850, Math.round(650 - 55 * z + 45 * random.normal()))),
      inquiries6m: random.poisson(Math.exp(0.2 + 0.45 * z)),
      debtToIncome: Math.min(3, Math.round(random.logNormal(0.25 * Math.exp(0.35 * z), 0.5) * 100) / 100),
      existingLoans: random.poisson(Math.exp(-0.2 + 0.3 * z)),
      monthsEmployed: working
        ? Math.max(
            0,
            Math.min((customer.age - 18) * 12, Math.round(12 * random.logNormal(4, 0.9) * Math.exp(-0.2 * z))),
          )
        : 0,
      hasMortgage: random.chance(customer.age >= 30 && customer.age <= 55 ? 0.35 : 0.1),
    };
    const aprBasisPoints = Math.round(2400 - ((features.bureauScore - 300) / 550) * 1680);
    const score =
      1.0 * z +
      0.3 * Math.log(Number(amountMinor) / 100 / income) +
      purpose[2] +
      (OCCUPATION_EFFECT[occupationKey] ?? 0) +
      (customer.age < 25 ? 0.3 : 0) +
      (termMonths === 12 ? 0.15 : 0);
    applicants.push({
      customer,
      score,
      u: random.float(),
      missU: random.float(),
      draft: {
        customer: customer.index,
        appliedAtMs: Math.min(appliedAtMs, endMs - 1),
        amountMinor,
        termMonths,
        aprBasisPoints,
        purpose: purpose[0],
        features,
        schedule: annuitySchedule(amountMinor, aprBasisPoints, termMonths, appliedAtMs),
        applicationEventId: '',
        balanceAtApplicationMinor: null,
      },
    });
  }

  // Solve the intercept so the applicants' mean default probability equals the configured rate.
  let low = -20;
  let high = 20;
  for (let i = 0; i < 60 && applicants.length > 0; i++) {
    const mid = (low + high) / 2;
    let mean = 0;
    for (const a of applicants) mean += sigmoid(mid + a.score);
    mean /= applicants.length;
    if (mean < config.loans.defaultRate) low = mid;
    else high = mid;
  }
  const intercept = (low + high) / 2;

  const loans: Loan[] = applicants.map((applicant, index) => {
    const { customer, draft } = applicant;
    const probability = sigmoid(intercept + applicant.score);
    const defaulted = applicant.u < probability;
    // A default shows 6–12 months after the application: the first missed instalment is the 3rd to
    // the (term − 3)th, and 90 days past its due date the loan is in default.
    const firstMissed = defaulted ? 3 + Math.floor(applicant.missU * (draft.termMonths - 5)) : null;
    const missedDue = firstMissed === null ? null : (draft.schedule[firstMissed - 1]?.dueMs ?? null);
    const defaultAtMs = missedDue === null ? null : missedDue + 90 * DAY_MS;
    const id = `LN${String(index + 1).padStart(8, '0')}`;
    const events: SimEvent[] = [];
    const application = newEvent(draft.appliedAtMs, 'loan_application', draft.purpose, customer.index);
    application.amountMinor = draft.amountMinor;
    application.loan = index;
    application.channel = 'app';
    application.device = customer.devices[0] as string;
    application.ip = customer.homeIp;
    events.push(application);
    const disbursement = payment(
      draft.appliedAtMs + 1000,
      'loan_disbursement',
      customer.index,
      world.bank.loans,
      customer.account,
      draft.amountMinor,
      'bank',
    );
    disbursement.loan = index;
    events.push(disbursement);
    for (const instalment of draft.schedule) {
      const repayment = payment(
        instalment.dueMs,
        'loan_repayment',
        customer.index,
        customer.account,
        world.bank.loans,
        instalment.amountMinor,
        'auto_debit',
      );
      repayment.loan = index;
      if (firstMissed !== null && instalment.number >= firstMissed) {
        repayment.status = 'declined';
        repayment.reason = 'missed_payment';
      } else repayment.mustSucceed = true;
      events.push(repayment);
    }
    const last = draft.schedule[draft.schedule.length - 1];
    return {
      ...draft,
      index,
      id,
      defaultProbability: probability,
      defaulted,
      firstMissedInstalment: firstMissed,
      defaultAtMs,
      outcomeAtMs: defaultAtMs ?? last?.dueMs ?? draft.appliedAtMs,
      events: events.filter((e) => e.tsMs < endMs),
    };
  });
  const expectedDefaultRate =
    applicants.length === 0 ? 0 : loans.reduce((sum, loan) => sum + loan.defaultProbability, 0) / loans.length;
  return { loans, intercept, expectedDefaultRate };
}
