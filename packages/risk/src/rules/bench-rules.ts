/**
 * Micro benchmark of rule evaluation: 50 rules over a 40-feature vector, compiled once, evaluated
 * on 2,000 distinct seeded vectors of two kinds (typical and adversarial traffic, see below). Prints one
 * JSON document with the per-evaluation latency percentiles in microseconds. Not a test: run it on a quiet machine with
 *
 *   npx tsx packages/risk/src/rules/bench-rules.ts [--iterations 200000]
 */
import { performance } from 'node:perf_hooks';
import { SeededRng } from '@zhirong/kernel';
import type { FeatureType, FeatureValue, FeatureVector } from '../event.ts';
import { compileRuleset, type RuleSource } from './ruleset.ts';

const FEATURE_COUNT = 40;
const RULE_COUNT = 50;
const VECTOR_COUNT = 2_000;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

const iterations = argument('iterations', 200_000);
const rng = new SeededRng(20261206);

// 24 numeric, 8 string, 8 boolean features, named like the feature store's.
const features = new Map<string, FeatureType>();
const numeric = [
  'amount',
  'amount_zscore',
  'amount_percentile',
  'balance_before',
  'event_time',
  'account_age_days',
  'minutes_since_last_event',
  'geo_speed_kmh',
  ...['customer', 'device', 'ip', 'payee'].flatMap((entity) => [
    `${entity}_count_1h`,
    `${entity}_count_24h`,
    `${entity}_sum_24h`,
    `${entity}_distinct_7d`,
  ]),
];
for (const name of numeric) features.set(name, 'number');
for (const name of [
  'country',
  'channel',
  'subtype',
  'currency',
  'email_domain',
  'merchant_category',
  'device_os',
  'ip_country',
]) {
  features.set(name, 'string');
}
for (const name of [
  'device_is_new',
  'payee_is_new',
  'ip_is_new',
  'is_night',
  'payee_in_graph_ring',
  'password_reset_24h',
  'phone_changed_7d',
  'card_present',
]) {
  features.set(name, 'boolean');
}
if (features.size !== FEATURE_COUNT) throw new Error(`expected ${FEATURE_COUNT} features, have ${features.size}`);

const templates: ((i: number) => Omit<RuleSource, 'id' | 'action' | 'reason'>)[] = [
  (i) => ({ condition: `amount > ${1000 * (i + 1)} and device_is_new` }),
  (i) => ({ condition: `amount_zscore >= ${2 + (i % 3)} and customer_count_1h > ${3 + i}` }),
  (i) => ({ condition: `country in @high_risk_countries or ip_country in ['KP', 'IR', 'SY', 'CU', 'X${i}']` }),
  (i) => ({ condition: `payee_is_new and amount / coalesce(balance_before, 1) > 0.${5 + (i % 4)}` }),
  (i) => ({ condition: `hour_of_day(event_time, 8) < ${5 + (i % 3)} and amount > ${500 + i}` }),
  (i) => ({ condition: `geo_speed_kmh > ${800 + i * 10} and not card_present` }),
  (i) => ({
    condition: `lower(email_domain) in ['mailinator.com', 'tempmail.net'] or ends_with(email_domain, '.xyz${i}')`,
  }),
  (i) => ({ condition: `device_distinct_7d >= ${3 + (i % 4)} and ip_count_24h > ${10 + i}` }),
  (i) => ({ condition: `password_reset_24h and payee_is_new and amount > ${2000 + i}` }),
  (i) => ({ condition: `minutes_since_last_event < ${1 + (i % 5)} and customer_sum_24h > ${5000 + 100 * i}` }),
  (i) => ({ condition: `is_null(account_age_days) or account_age_days < ${7 + i} and amount_percentile > 0.9` }),
  (i) => ({
    condition: `channel == 'api' and subtype != 'merchant' and max(payee_count_1h, device_count_1h) > ${4 + i}`,
  }),
];
const rules: RuleSource[] = Array.from({ length: RULE_COUNT }, (_, i) => {
  const template = templates[i % templates.length] as (i: number) => Omit<RuleSource, 'id' | 'action' | 'reason'>;
  const action = i % 10 === 0 ? 'decline' : i % 5 === 0 ? 'review' : 'score';
  return {
    id: `rule_${i}`,
    ...template(Math.floor(i / templates.length)),
    action,
    ...(action === 'score' ? { points: 10 + i } : {}),
    reason: { en: `Rule ${i} matched on amount {amount}`, zh: `规则 ${i} 命中，金额 {amount}` },
  };
});

const compileStarted = performance.now();
const compiled = compileRuleset(rules, { features, lists: { high_risk_countries: 'string' } });
const compileMs = performance.now() - compileStarted;
if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors, null, 2));
const ruleset = compiled.value;
const highRisk: ReadonlySet<string> = new Set(['KP', 'IR', 'SY', 'NG']);
const env = { lists: (name: string) => (name === 'high_risk_countries' ? highRisk : undefined) };

/** A standard normal draw (Box–Muller). */
function normal(): number {
  return Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float());
}
function pick<T>(items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}

/**
 * Typical traffic: skewed amounts, small counts, mostly domestic, rare risk flags, so a rule fires
 * rarely (as in production). Adversarial traffic: every value uniform, so a quarter of the rules
 * fire and every hit renders its reason texts.
 */
function typicalValue(name: string, type: FeatureType): FeatureValue {
  if (rng.float() < 0.05) return null;
  if (type === 'boolean') return rng.float() < 0.03;
  if (type === 'string') {
    if (name === 'channel') return pick(['app', 'app', 'app', 'web', 'api']);
    if (name === 'email_domain') return pick(['qq.com', '163.com', 'gmail.com', 'mailinator.com']);
    return rng.float() < 0.97 ? 'CN' : pick(['US', 'KP', 'NG', 'JP']);
  }
  if (name === 'event_time') return 1.78e12 + rng.int(86_400_000);
  if (name === 'amount_zscore') return normal();
  if (name === 'amount_percentile') return rng.float();
  if (name === 'account_age_days') return rng.int(3_000);
  if (name.includes('_count_')) return rng.int(name.endsWith('1h') ? 3 : 12);
  if (name.includes('_distinct_')) return rng.int(3);
  if (name === 'geo_speed_kmh') return Math.exp(2 + 1.5 * normal());
  return Math.exp(5 + 1.5 * normal());
}
function adversarialValue(name: string, type: FeatureType): FeatureValue {
  if (rng.float() < 0.1) return null;
  if (type === 'boolean') return rng.float() < 0.2;
  if (type === 'string') return pick(['CN', 'US', 'KP', 'NG', 'DE', 'JP', 'IR', 'GB']);
  return name === 'event_time' ? 1.78e12 + rng.int(86_400_000) : rng.float() * 10_000;
}

function measure(value: (name: string, type: FeatureType) => FeatureValue) {
  const vectors: FeatureVector[] = Array.from({ length: VECTOR_COUNT }, () => {
    const vector: Record<string, FeatureValue> = {};
    for (const [name, type] of features) vector[name] = value(name, type);
    return vector;
  });
  // Warm up, then time each evaluation on its own.
  for (let i = 0; i < 50_000; i++) ruleset.evaluate(vectors[i % VECTOR_COUNT] as FeatureVector, env);
  let hits = 0;
  const samples = new Float64Array(iterations);
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const vector = vectors[i % VECTOR_COUNT] as FeatureVector;
    const t0 = performance.now();
    hits += ruleset.evaluate(vector, env).length;
    samples[i] = performance.now() - t0;
  }
  const elapsedMs = performance.now() - started;
  samples.sort();
  const percentile = (p: number) =>
    Math.round((samples[Math.min(iterations - 1, Math.floor(p * iterations))] ?? 0) * 100_000) / 100;
  return {
    meanHitsPerEvaluation: Math.round((hits / iterations) * 100) / 100,
    latencyMicroseconds: { p50: percentile(0.5), p90: percentile(0.9), p99: percentile(0.99), max: percentile(1) },
    evaluationsPerSecond: Math.round(iterations / (elapsedMs / 1000)),
  };
}

const typical = measure(typicalValue);
const adversarial = measure(adversarialValue);

process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'risk rules',
      configuration: { rules: RULE_COUNT, features: FEATURE_COUNT, vectors: VECTOR_COUNT, iterations },
      featuresUsed: ruleset.featuresUsed.length,
      compileRulesetMs: Math.round(compileMs * 100) / 100,
      typical,
      adversarial,
      targetMicroseconds: 50,
    },
    null,
    2,
  )}\n`,
);
