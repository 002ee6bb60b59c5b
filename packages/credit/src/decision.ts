import { readFileSync } from 'node:fs';
import { canonicalJson, formatAmount, requireCurrency } from '@zhirong/kernel';
import { loadModel, type Model } from '@zhirong/ml';
import { exceedsCap, rateText } from './apr.ts';
import { type EmploymentType, FEATURE_COLUMNS, FEATURE_REASONS, type FeatureColumn, featureRow } from './features.ts';
import { feeOf, productApr } from './product.ts';
import { buildSchedule, D, type DayCount, type Dec, type RepaymentMethod } from './schedule.ts';

/**
 * The credit decision — one pure function of stored inputs, so `replay` reproduces it byte for
 * byte: policy rules first (age 18–65 from the ID number, deny list, the risk engine's fraud
 * decision, number of active loans, debt-to-income with the new installment), then the
 * probability-of-default scorecard (`pd-model.json`, trained on simulator loan outcomes by
 * tools/credit-train-model.ts), its PD band → approve / refer / decline, a credit limit and a
 * risk-based rate (capped so the APR with fees never exceeds the product's cap), and the top-4
 * adverse-action reasons in zh and en (policy rules first, then the scorecard attributes that lost
 * the most points).
 */
export const POLICY = {
  /** 2026.2 added the prior write-off rule on the platform's own history; 2026.1 decisions replay as 2026.1. */
  version: 'credit-policy-2026.2',
  ageMin: 18,
  ageMax: 65,
  activeLoansMax: 3,
  /** (existing monthly debt + the new installment) / monthly income. */
  debtToIncomeMax: '0.55',
  /** PD bands, upper bounds exclusive; the last band has no bound. */
  bands: [
    { band: 'A', pdBelow: '0.04', outcome: 'approve', incomeMultiple: 10, rateShare: '0' },
    { band: 'B', pdBelow: '0.08', outcome: 'approve', incomeMultiple: 6, rateShare: '0.34' },
    { band: 'C', pdBelow: '0.12', outcome: 'approve', incomeMultiple: 3, rateShare: '0.67' },
    { band: 'D', pdBelow: '0.20', outcome: 'refer', incomeMultiple: 2, rateShare: '1' },
    { band: 'E', pdBelow: null, outcome: 'decline', incomeMultiple: 0, rateShare: '1' },
  ],
} as const;

export type Outcome = 'approve' | 'decline' | 'refer';
export type FraudDecision = 'allow' | 'review' | 'block';

/** What the platform itself knows about an applicant (money as minor-unit strings). */
export interface PlatformData {
  readonly earlierLoans: {
    readonly count: number;
    readonly active: number;
    readonly closed: number;
    readonly writtenOff: number;
    readonly maxDaysPastDue: number;
  };
  readonly account?: {
    readonly id: string;
    readonly days: number;
    readonly balanceMinor: string;
    readonly inflowsMinor: string;
    readonly outflowsMinor: string;
  };
}

/** The risk engine's answer about an applicant, stored with the decision inputs. */
export interface Screening {
  readonly denyListed: boolean;
  readonly fraud: FraudDecision;
  /** Who answered: `risk-engine` (with the rulesets and model that decided) or `default-approve`. */
  readonly source: string;
  /** The risk engine's stored decision (absent for a what-if or the default). */
  readonly decisionId?: string;
  /** The risk engine's top reason when it did not approve. */
  readonly reason?: { readonly code: string; readonly en: string; readonly zh: string };
}

/** Everything the decision reads, as stored with the application (money as minor-unit strings). */
export interface DecisionInputs {
  readonly asOf: string;
  readonly currency: string;
  readonly amountMinor: string;
  readonly termMonths: number;
  readonly age: number;
  readonly employment: EmploymentType;
  readonly monthsEmployed: number;
  readonly monthlyIncomeMinor: string;
  /** External attributes supplied with the application (bureau data). */
  readonly bureauScore: number;
  readonly inquiries6m: number;
  readonly existingLoans: number;
  readonly hasMortgage: boolean;
  readonly monthlyDebtMinor: string;
  /** From inside the platform: this institution's active loans of the applicant. */
  readonly activeLoansHere: number;
  readonly monthlyDebtHereMinor: string;
  /** The risk engine's answer through the screening port. */
  readonly screening: Screening;
  /**
   * The models the decision used, by content hash (bundled artefacts, see `bundledModels`). Absent
   * in decisions made before the GBDT challenger existed: those used the scorecard alone.
   */
  readonly models?: { readonly champion: string; readonly challenger: string };
  /**
   * Data from inside the platform (absent in decisions made before it was gathered): the
   * applicant's earlier loans here and, when the application names the customer's account, its
   * balance, inflows and spending over the last `days` from the ledger.
   */
  readonly platform?: PlatformData;
  readonly product: {
    readonly id: string;
    readonly amountMinMinor: string;
    readonly amountMaxMinor: string;
    readonly method: RepaymentMethod;
    readonly dayCount: DayCount;
    readonly annualRateMin: string;
    readonly annualRateMax: string;
    readonly upfrontFeeRate: string;
    readonly monthlyFeeRate: string;
    readonly aprCap: string;
  };
}

export interface Reason {
  readonly code: string;
  readonly en: string;
  readonly zh: string;
}

export interface PolicyCheck {
  readonly rule: string;
  readonly passed: boolean;
  readonly value: string;
  readonly limit: string;
}

export interface DecisionRecord {
  readonly outcome: Outcome;
  readonly policyVersion: string;
  readonly modelVersion: string;
  readonly checks: readonly PolicyCheck[];
  /** Probability of default, 6 decimals; null when a policy rule decided first. */
  readonly pd: string | null;
  readonly score: string | null;
  readonly band: string | null;
  readonly limitMinor: string;
  readonly approvedAmountMinor: string;
  readonly annualRate: string | null;
  readonly apr: string | null;
  readonly reasons: readonly Reason[];
  /**
   * The other model's view of the same application, recorded beside the decision (it decides
   * nothing): its PD and its top reasons (TreeSHAP for the GBDT, points lost for the scorecard).
   * Absent when a policy rule decided first, and in decisions made before it existed.
   */
  readonly challenger?: {
    readonly modelVersion: string;
    readonly kind: string;
    readonly pd: string;
    readonly reasons: readonly Reason[];
  };
}

const POLICY_REASONS: Readonly<Record<string, { en: string; zh: string }>> = {
  age: { en: 'Age outside 18–65', zh: '年龄不在 18–65 周岁范围内' },
  deny_list: { en: 'Listed on a deny list', zh: '命中禁止名单' },
  fraud: { en: 'Fraud check did not pass', zh: '反欺诈核查未通过' },
  active_loans: { en: 'Too many active loans with us', zh: '在本机构未结清贷款过多' },
  prior_write_off: { en: 'An earlier loan with us was written off', zh: '在本机构曾有贷款被核销' },
  debt_to_income: { en: 'Debt payments too high relative to income', zh: '月还款额相对收入过高' },
  limit_below_minimum: { en: 'Affordable amount below the product minimum', zh: '可批额度低于产品最低金额' },
};

let cached: Model | undefined;
/** The bundled PD scorecard (loaded once). */
export function defaultModel(): Model {
  cached ??= loadModel(readFileSync(new URL('./pd-model.json', import.meta.url), 'utf8'));
  return cached;
}

let cachedGbdt: Model | undefined;
/** The bundled PD GBDT, trained on the same simulator loans and columns (loaded once). */
export function gbdtModel(): Model {
  cachedGbdt ??= loadModel(readFileSync(new URL('./pd-gbdt-model.json', import.meta.url), 'utf8'));
  return cachedGbdt;
}

/**
 * Which bundled model decides (champion) and which is recorded beside it (challenger). Set from the
 * hold-out AUCs printed by tools/credit-train-model.ts (see packages/credit/README.md).
 */
export const MODEL_ROLES = { champion: 'scorecard', challenger: 'gbdt' } as const;

/** The bundled models by content hash, and the current champion and challenger. */
export function bundledModels(): {
  readonly byVersion: ReadonlyMap<string, Model>;
  readonly champion: Model;
  readonly challenger: Model;
} {
  const kinds = { scorecard: defaultModel(), gbdt: gbdtModel() };
  return {
    byVersion: new Map(Object.values(kinds).map((m) => [m.artefact.contentHash, m])),
    champion: kinds[MODEL_ROLES.champion],
    challenger: kinds[MODEL_ROLES.challenger],
  };
}

/** The models a stored decision names (the scorecard alone for decisions before the challenger). */
function modelsOf(inputs: DecisionInputs, given: Model | undefined): { champion: Model; challenger?: Model } {
  if (given) return { champion: given };
  if (!inputs.models) return { champion: defaultModel() };
  const { byVersion } = bundledModels();
  const champion = byVersion.get(inputs.models.champion);
  const challenger = byVersion.get(inputs.models.challenger);
  if (!champion || !challenger)
    throw new Error(
      `a model this decision names is not bundled: ${inputs.models.champion} ${inputs.models.challenger}`,
    );
  return { champion, challenger };
}

function reasonsOf(features: readonly string[]): Reason[] {
  return features.map((feature) => ({
    code: feature,
    ...(FEATURE_REASONS[feature as FeatureColumn] ?? { en: feature, zh: feature }),
  }));
}

function ratio(numerator: Dec, denominator: Dec): string {
  return denominator.isZero() ? '99.99' : numerator.div(denominator).toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2);
}

/**
 * Decides an application from its stored inputs. Pure and deterministic. The models are the ones
 * `inputs.models` names (or `model` alone, for tests).
 */
export function decide(inputs: DecisionInputs, given?: Model): DecisionRecord {
  const { champion: model, challenger } = modelsOf(inputs, given);
  const income = new D(inputs.monthlyIncomeMinor);
  const amount = BigInt(inputs.amountMinor);
  const product = inputs.product;
  const rateMax = new D(product.annualRateMax);
  // The new installment at the product's highest rate: the affordability test is conservative.
  const firstSchedule = buildSchedule({
    principalMinor: amount,
    months: inputs.termMonths,
    annualRate: rateMax,
    method: product.method,
    dayCount: product.dayCount,
    startDate: inputs.asOf,
    periodicFeeMinor: feeOf(amount, product.monthlyFeeRate),
  });
  const firstInstallment = firstSchedule.ok ? (firstSchedule.value.installments[0]?.totalMinor ?? 0n) : 0n;
  const debtBefore = new D(inputs.monthlyDebtMinor).plus(inputs.monthlyDebtHereMinor);
  const dti = ratio(debtBefore.plus(firstInstallment.toString()), income);
  const checks: PolicyCheck[] = [
    {
      rule: 'age',
      passed: inputs.age >= POLICY.ageMin && inputs.age <= POLICY.ageMax,
      value: String(inputs.age),
      limit: `${POLICY.ageMin}-${POLICY.ageMax}`,
    },
    {
      rule: 'deny_list',
      passed: !inputs.screening.denyListed,
      value: String(inputs.screening.denyListed),
      limit: 'false',
    },
    { rule: 'fraud', passed: inputs.screening.fraud === 'allow', value: inputs.screening.fraud, limit: 'allow' },
    {
      rule: 'active_loans',
      passed: inputs.activeLoansHere < POLICY.activeLoansMax,
      value: String(inputs.activeLoansHere),
      limit: `<${POLICY.activeLoansMax}`,
    },
    {
      rule: 'debt_to_income',
      passed: new D(dti).lte(POLICY.debtToIncomeMax),
      value: dti,
      limit: `<=${POLICY.debtToIncomeMax}`,
    },
    // Only decisions that gathered the platform's own history have this rule (older ones replay without it).
    ...(inputs.platform
      ? [
          {
            rule: 'prior_write_off',
            passed: inputs.platform.earlierLoans.writtenOff === 0,
            value: String(inputs.platform.earlierLoans.writtenOff),
            limit: '0',
          },
        ]
      : []),
  ];
  const base = {
    policyVersion: inputs.platform ? POLICY.version : 'credit-policy-2026.1',
    modelVersion: model.artefact.contentHash,
    checks,
  };
  const failed = checks.filter((c) => !c.passed);
  const riskReason = inputs.screening.reason;
  const policyReasons = failed.map((c) => {
    const wording = POLICY_REASONS[c.rule] as { en: string; zh: string };
    // The risk engine's own reason, when it gave one, says why the fraud or list check failed.
    if ((c.rule === 'fraud' || c.rule === 'deny_list') && riskReason)
      return {
        code: `policy_${c.rule}`,
        en: `${wording.en}: ${riskReason.en} (${riskReason.code})`,
        zh: `${wording.zh}：${riskReason.zh}（${riskReason.code}）`,
      };
    return { code: `policy_${c.rule}`, ...wording };
  });
  // Hard rules decline; a fraud "review" alone refers to a person.
  if (failed.some((c) => c.rule !== 'fraud' || inputs.screening.fraud === 'block')) {
    return { ...base, ...empty('decline'), reasons: policyReasons.slice(0, 4) };
  }

  const frame = {
    header: FEATURE_COLUMNS,
    columns: featureRow({
      bureauScore: inputs.bureauScore,
      inquiries6m: inputs.inquiries6m,
      debtToIncome: ratio(debtBefore, income),
      existingLoans: inputs.existingLoans + inputs.activeLoansHere,
      monthsEmployed: inputs.monthsEmployed,
      hasMortgage: inputs.hasMortgage,
      loanToIncome: ratio(new D(inputs.amountMinor), income),
      termMonths: inputs.termMonths,
      age: inputs.age,
      employment: inputs.employment,
    }).map((cell) => [cell]),
    rows: 1,
    fingerprint: '',
  };
  const explanation = model.explain(frame, 0);
  const pd = explanation.probability.toFixed(6);
  const score = explanation.score === undefined ? null : explanation.score.toFixed(2);
  const modelReasons = reasonsOf(explanation.reasons);
  const reasons = [...policyReasons, ...modelReasons].slice(0, 4);
  const band = POLICY.bands.find((b) => b.pdBelow === null || new D(pd).lt(b.pdBelow)) ?? POLICY.bands[4];
  const other = challenger?.explain(frame, 0);
  const scored = {
    ...base,
    pd,
    score,
    band: band.band,
    reasons,
    ...(challenger && other
      ? {
          challenger: {
            modelVersion: challenger.artefact.contentHash,
            kind: challenger.artefact.kind,
            pd: other.probability.toFixed(6),
            reasons: reasonsOf(other.reasons),
          },
        }
      : {}),
  };
  if (band.outcome === 'decline') return { ...scored, ...empty('decline'), pd, score, band: band.band };

  // Limit: a multiple of monthly income, within the product, floored to 100 major units.
  const unit = 100n * 10n ** BigInt(requireCurrency(inputs.currency).exponent);
  let limit = BigInt(income.mul(band.incomeMultiple).floor().toFixed(0));
  if (limit > BigInt(product.amountMaxMinor)) limit = BigInt(product.amountMaxMinor);
  limit = (limit / unit) * unit;
  if (limit < BigInt(product.amountMinMinor)) {
    return {
      ...scored,
      ...empty('decline'),
      pd,
      score,
      band: band.band,
      reasons: [
        { code: 'policy_limit_below_minimum', ...(POLICY_REASONS.limit_below_minimum as { en: string; zh: string }) },
        ...modelReasons,
      ].slice(0, 4),
    };
  }
  const approved = amount < limit ? amount : limit;
  const rateMin = new D(product.annualRateMin);
  let rate = rateMin.plus(rateMax.minus(rateMin).mul(band.rateShare)).toDecimalPlaces(6, D.ROUND_HALF_UP);
  let apr = productApr(product, approved, inputs.termMonths, rate, inputs.asOf).apr;
  // The product was checked at creation; rounding at this amount may still need a step down.
  for (let i = 0; i < 10_000 && exceedsCap(apr, new D(product.aprCap)) && rate.gt(0); i++) {
    rate = rate.minus('0.0001');
    apr = productApr(product, approved, inputs.termMonths, rate, inputs.asOf).apr;
  }
  const outcome: Outcome = policyReasons.length > 0 ? 'refer' : (band.outcome as Outcome);
  return {
    ...scored,
    outcome,
    limitMinor: limit.toString(),
    approvedAmountMinor: approved.toString(),
    annualRate: rate.toFixed(),
    apr: rateText(apr.nominal),
  };
}

function empty(outcome: Outcome) {
  return {
    outcome,
    pd: null,
    score: null,
    band: null,
    limitMinor: '0',
    approvedAmountMinor: '0',
    annualRate: null,
    apr: null,
  } as const;
}

/** The bytes compared by replay. */
export function decisionBytes(record: DecisionRecord): string {
  return canonicalJson(record);
}

export function decisionJson(record: DecisionRecord, currency: string) {
  return {
    outcome: record.outcome,
    policyVersion: record.policyVersion,
    modelVersion: record.modelVersion,
    pd: record.pd,
    score: record.score,
    band: record.band,
    limit: formatAmount(BigInt(record.limitMinor), currency),
    approvedAmount: formatAmount(BigInt(record.approvedAmountMinor), currency),
    annualRate: record.annualRate,
    apr: record.apr,
    reasons: record.reasons,
    checks: record.checks,
    ...(record.challenger ? { challenger: record.challenger } : {}),
  };
}

export { feeOf };
