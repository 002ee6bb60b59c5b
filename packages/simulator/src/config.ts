import { parseAmount } from '@zhirong/kernel';
import { z } from 'zod';

/**
 * Everything a run depends on. A run is a pure function of this object: the same config (seed
 * included) writes byte-identical files.
 */
export const FRAUD_TYPES = [
  'account_takeover',
  'card_testing',
  'mule_network',
  'merchant_collusion',
  'refund_abuse',
] as const;
export type FraudType = (typeof FRAUD_TYPES)[number];

export const AML_TYPOLOGIES = [
  'fan_in',
  'fan_out',
  'cycle',
  'scatter_gather',
  'gather_scatter',
  'structuring',
  'dormant_reactivation',
] as const;
export type AmlTypology = (typeof AML_TYPOLOGIES)[number];

/** Scenarios injected per 1,000 customers per 30 days, by type (the defaults). */
export const DEFAULT_FRAUD_RATES: Readonly<Record<FraudType, number>> = {
  account_takeover: 0.6,
  card_testing: 0.6,
  mule_network: 0.2,
  merchant_collusion: 0.15,
  refund_abuse: 0.4,
};
export const DEFAULT_AML_RATES: Readonly<Record<AmlTypology, number>> = {
  fan_in: 0.25,
  fan_out: 0.25,
  cycle: 0.2,
  scatter_gather: 0.2,
  gather_scatter: 0.2,
  structuring: 0.3,
  dormant_reactivation: 0.15,
};

const rate = z.number().min(0).max(1000);
const cny = z
  .string()
  .refine((text) => parseAmount(text, 'CNY').ok, { message: 'a positive CNY amount with at most 2 decimals' });

function isCalendarDate(text: string): boolean {
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

export const SimulationConfigSchema = z
  .object({
    customers: z.number().int().min(10).max(2_000_000).default(10_000),
    days: z.number().int().min(1).max(3660).default(30),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
    /** First simulated day, a business date in Asia/Shanghai (UTC+8, no daylight saving). */
    startDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
      .refine(isCalendarDate, 'a real calendar date')
      .default('2026-01-01'),
    merchantsPerThousandCustomers: z.number().min(1).max(1000).default(40),
    /** Share of customers whose accounts have been dormant (no activity) since long before the start. */
    dormantShare: z.number().min(0).max(0.5).default(0.03),
    fraudRates: z
      .object(
        Object.fromEntries(FRAUD_TYPES.map((t) => [t, rate.default(DEFAULT_FRAUD_RATES[t])])) as Record<
          FraudType,
          z.ZodDefault<typeof rate>
        >,
      )
      .strict()
      .default(DEFAULT_FRAUD_RATES as Record<FraudType, number>),
    amlRates: z
      .object(
        Object.fromEntries(AML_TYPOLOGIES.map((t) => [t, rate.default(DEFAULT_AML_RATES[t])])) as Record<
          AmlTypology,
          z.ZodDefault<typeof rate>
        >,
      )
      .strict()
      .default(DEFAULT_AML_RATES as Record<AmlTypology, number>),
    thresholds: z
      .object({
        /** 大额现金交易: cash deposits or withdrawals of CNY 50,000 or more in a day are reported. */
        cashReport: cny.default('50000.00'),
        /** 大额转账: an individual's transfers of CNY 500,000 or more are reported. */
        transferReport: cny.default('500000.00'),
      })
      .strict()
      .default({ cashReport: '50000.00', transferReport: '500000.00' }),
    loans: z
      .object({
        /** Applications per customer per year (risky customers apply more often). */
        applicationsPerCustomerYear: z.number().min(0).max(12).default(0.5),
        /** Expected share of loans that reach 90 days past due within their term. */
        defaultRate: z.number().min(0.001).max(0.6).default(0.08),
      })
      .strict()
      .default({ applicationsPerCustomerYear: 0.5, defaultRate: 0.08 }),
    /** Realised base rates must lie within this many standard deviations of the configured ones. */
    toleranceSigmas: z.number().min(1).max(10).default(4),
  })
  .strict();

export type SimulationConfig = z.output<typeof SimulationConfigSchema>;
export type SimulationConfigInput = z.input<typeof SimulationConfigSchema>;

export class SimulationConfigError extends Error {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`invalid simulation config:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'SimulationConfigError';
    this.issues = issues;
  }
}

/** Validates a partial config, fills in the defaults, and reports every bad key at once. */
export function simulationConfig(input: unknown = {}): SimulationConfig {
  const parsed = SimulationConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new SimulationConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return Object.freeze(parsed.data);
}
