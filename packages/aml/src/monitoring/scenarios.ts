// Monitoring scenarios (typologies): their keys, default parameters, versions and statuses, and the checks on parameters.
import { AmlError } from '../errors.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Every scenario the monitor knows, in priority order: an alert's primary scenario is the first that fired. */
export const SCENARIO_KEYS = [
  'cycle',
  'scatter_gather',
  'gather_scatter',
  'structuring',
  'dormant_reactivation',
  'fan_in',
  'fan_out',
  'rapid_movement',
  'high_risk_counterparty',
  'profile_mismatch',
  'large_amount',
] as const;
export type ScenarioKey = (typeof SCENARIO_KEYS)[number];

export const SCENARIO_STATUSES = ['draft', 'shadow', 'live', 'retired'] as const;
export type ScenarioStatus = (typeof SCENARIO_STATUSES)[number];

/** A parameter value: a count, a duration (`…Ms`), a percentage (`…Percent`), an amount (`…Minor`) or a list of codes. */
export type ParamValue = number | bigint | readonly string[];
export type ScenarioParams = Readonly<Record<string, ParamValue>>;

/**
 * The default parameters, tuned on simulator seeds 1–3 and checked on seeds 11–13 (docs/aml.md).
 * Amounts are minor units of the transaction's currency (CNY fen by default).
 */
export const DEFAULT_SCENARIO_PARAMS: Readonly<Record<ScenarioKey, ScenarioParams>> = {
  large_amount: { cashMinor: 5_000_000n, transferMinor: 50_000_000n },
  structuring: {
    cashThresholdMinor: 5_000_000n,
    transferThresholdMinor: 50_000_000n,
    bandLowPercent: 85,
    windowMs: 7 * DAY_MS,
    countMin: 3,
  },
  rapid_movement: { windowMs: 24 * HOUR_MS, outMinMinor: 2_000_000n, coverPercent: 80, inboundMax: 5 },
  fan_in: { windowMs: 5 * DAY_MS, counterpartiesMin: 5, eachMinMinor: 300_000n, fundedMin: 3 },
  fan_out: { windowMs: 5 * DAY_MS, counterpartiesMin: 5, eachMinMinor: 300_000n, fundedPercent: 50 },
  gather_scatter: { windowMs: 5 * DAY_MS, sourcesMin: 3, receiversMin: 3, eachMinMinor: 100_000n, passPercent: 50 },
  scatter_gather: { windowMs: 3 * DAY_MS, middlesMin: 3, forwardMinPercent: 80, eachMinMinor: 100_000n },
  cycle: {
    windowMs: 8 * DAY_MS,
    lengthMin: 3,
    lengthMax: 8,
    keepMinPercent: 80,
    amountMinMinor: 1_000_000n,
    expansionsMax: 400,
  },
  dormant_reactivation: { dormantMs: 180 * DAY_MS, awakeWindowMs: 7 * DAY_MS, amountMinMinor: 1_000_000n },
  high_risk_counterparty: { regions: [], amountMinMinor: 0n },
  profile_mismatch: { factorPercent: 300 },
};

/** A scenario version the monitor runs: the key, the version number, the parameters and its status. */
export interface ScenarioVersion {
  readonly key: ScenarioKey;
  readonly version: number;
  readonly status: ScenarioStatus;
  readonly params: ScenarioParams;
}

/** Every scenario at version 1, live, with the default parameters (the CLI and the first boot use these). */
export function defaultScenarios(): ScenarioVersion[] {
  return SCENARIO_KEYS.map((key) => ({ key, version: 1, status: 'live', params: DEFAULT_SCENARIO_PARAMS[key] }));
}

export function isScenarioKey(key: string): key is ScenarioKey {
  return (SCENARIO_KEYS as readonly string[]).includes(key);
}

const PARAM_NUMBER_MAX = 10 * 366 * DAY_MS;

/**
 * Parameters from JSON (amounts as integer strings of minor units): every key must be one of the
 * scenario's, of the same kind, in range; missing keys take the defaults. Throws `scenario_params_invalid`.
 */
export function parseScenarioParams(key: ScenarioKey, json: unknown): ScenarioParams {
  const defaults = DEFAULT_SCENARIO_PARAMS[key];
  if (json === undefined || json === null) return defaults;
  if (typeof json !== 'object' || Array.isArray(json)) {
    throw new AmlError('scenario_params_invalid', { scenario: key, reason: 'params must be an object' });
  }
  const out: Record<string, ParamValue> = { ...defaults };
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    const current = defaults[name];
    const bad = (reason: string) =>
      new AmlError('scenario_params_invalid', { scenario: key, reason: `${name}: ${reason}` });
    if (current === undefined) throw bad('unknown parameter');
    if (typeof current === 'bigint') {
      if (typeof value !== 'string' || !/^\d{1,18}$/.test(value)) throw bad('an integer string of minor units');
      out[name] = BigInt(value);
    } else if (typeof current === 'number') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > PARAM_NUMBER_MAX) {
        throw bad('a non-negative integer');
      }
      if (name.endsWith('Percent') && value > 1000) throw bad('at most 1000');
      out[name] = value;
    } else {
      if (!Array.isArray(value) || value.length > 500 || !value.every((v) => typeof v === 'string' && v.length <= 64)) {
        throw bad('a list of at most 500 codes');
      }
      out[name] = value as string[];
    }
  }
  return out;
}

/** Parameters as JSON (bigint amounts as strings). */
export function scenarioParamsJson(params: ScenarioParams): Record<string, number | string | readonly string[]> {
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => [name, typeof value === 'bigint' ? value.toString() : value]),
  );
}
