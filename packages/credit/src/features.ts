/**
 * The model's view of an application: the columns the probability-of-default scorecard was trained
 * on (tools/credit-train-model.ts, on simulator loan outcomes) and that every application can
 * supply. Values are decimal text, as in the training CSV, so scoring is byte-for-byte repeatable.
 */
export const EMPLOYMENT_TYPES = [
  'office_worker',
  'factory_worker',
  'teacher',
  'civil_servant',
  'doctor',
  'engineer',
  'self_employed',
  'sales',
  'driver',
  'farmer',
  'freelancer',
  'student',
  'retiree',
] as const;
export type EmploymentType = (typeof EMPLOYMENT_TYPES)[number];

export const FEATURE_COLUMNS = [
  'bureau_score',
  'inquiries_6m',
  'debt_to_income',
  'existing_loans',
  'months_employed',
  'has_mortgage',
  'loan_to_income',
  'term_months',
  'age',
  'employment',
] as const;
export type FeatureColumn = (typeof FEATURE_COLUMNS)[number];

/** English and Chinese wording of each feature for adverse-action reasons. */
export const FEATURE_REASONS: Readonly<Record<FeatureColumn, { readonly en: string; readonly zh: string }>> = {
  bureau_score: { en: 'Credit bureau score too low', zh: '征信评分偏低' },
  inquiries_6m: { en: 'Too many recent credit inquiries', zh: '近期征信查询次数过多' },
  debt_to_income: { en: 'Existing debt too high relative to income', zh: '现有负债相对收入过高' },
  existing_loans: { en: 'Too many existing loans', zh: '现有贷款笔数过多' },
  months_employed: { en: 'Length of employment too short', zh: '工作年限过短' },
  has_mortgage: { en: 'Housing status', zh: '住房状况' },
  loan_to_income: { en: 'Amount requested too high relative to income', zh: '申请金额相对收入过高' },
  term_months: { en: 'Requested term', zh: '申请期限' },
  age: { en: 'Age of applicant', zh: '申请人年龄' },
  employment: { en: 'Type of employment', zh: '职业类型' },
};

/** Inputs of a scored application (all values already validated). */
export interface FeatureInputs {
  readonly bureauScore: number;
  readonly inquiries6m: number;
  /** Existing monthly debt payments / monthly income, 2 decimals. */
  readonly debtToIncome: string;
  readonly existingLoans: number;
  readonly monthsEmployed: number;
  readonly hasMortgage: boolean;
  /** Amount / monthly income, 2 decimals. */
  readonly loanToIncome: string;
  readonly termMonths: number;
  readonly age: number;
  readonly employment: EmploymentType;
}

/** One row of text cells in FEATURE_COLUMNS order. */
export function featureRow(f: FeatureInputs): string[] {
  return [
    String(f.bureauScore),
    String(f.inquiries6m),
    f.debtToIncome,
    String(f.existingLoans),
    String(f.monthsEmployed),
    f.hasMortgage ? '1' : '0',
    f.loanToIncome,
    String(f.termMonths),
    String(f.age),
    f.employment,
  ];
}
