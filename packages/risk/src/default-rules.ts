import { RISK_EVENT_TYPES, type RiskEventType } from './event.ts';
import type { StoredRule } from './risk.repository.ts';
import type { RiskService } from './risk.service.ts';

/**
 * The ruleset a new installation runs with: patterns the fraud teams of the anchors (Stripe Radar,
 * Marble, Feedzai) flag first — account takeover (a drained account right after a password or phone
 * change), card testing, mule pass-through, refund abuse, shared devices, impossible travel. Each
 * scores points on top of the model; none declines alone, so a wrong rule costs a review, never a
 * customer's payment.
 */
export const DEFAULT_RULESET: {
  readonly name: string;
  readonly eventTypes: readonly RiskEventType[];
  readonly rules: readonly StoredRule[];
  readonly thresholds: { reviewAt: number; declineAt: number };
  readonly description: string;
} = {
  name: 'default',
  eventTypes: RISK_EVENT_TYPES,
  thresholds: { reviewAt: 700, declineAt: 950 },
  description: 'Default rules shipped with Zhirong',
  rules: [
    {
      id: 'ato_drain_after_change',
      condition: 'is_payment and balance_drained and account_change_before_payment_1h',
      action: 'score',
      points: 400,
      reason: {
        en: 'The account is being emptied within an hour of a password or phone change',
        zh: '修改密码或手机号后一小时内转出几乎全部余额',
      },
    },
    {
      id: 'new_device_new_payee_unusual_amount',
      condition: 'is_payment and is_new_device and is_new_payee and coalesce(amount_zscore, 0) >= 3',
      action: 'score',
      points: 250,
      reason: {
        en: 'An unusually large payment to a new payee from a new device',
        zh: '新设备向新收款方支付异常大额款项',
      },
    },
    {
      id: 'card_testing_burst',
      condition: 'coalesce(card_count_10m, 0) >= 8 or customer_failed_count_10m >= 5',
      action: 'score',
      points: 300,
      reason: {
        en: 'A burst of small or failed card payments (card testing)',
        zh: '短时间内大量小额或失败的刷卡（盗卡测试）',
      },
    },
    {
      id: 'mule_pass_through',
      condition: 'is_payment and coalesce(pass_through_ratio_24h, 0) >= 0.9 and received_count_1h >= 3',
      action: 'score',
      points: 250,
      reason: {
        en: 'Money received from several payers is passed straight on (money mule)',
        zh: '收到多笔款项后立即转出（疑似“钱骡”）',
      },
    },
    {
      id: 'refund_abuse',
      condition: 'is_refund and customer_refund_count_30d >= 3 and coalesce(refund_to_spend_ratio_30d, 0) >= 0.5',
      action: 'score',
      points: 250,
      reason: { en: 'Refunds add up to most of what the customer spent', zh: '退款金额占消费金额的大部分' },
    },
    {
      id: 'shared_device',
      condition: 'coalesce(device_distinct_customers_24h, 0) >= 4',
      action: 'score',
      points: 200,
      reason: { en: 'The device was used by several customers today', zh: '该设备今天被多位客户使用' },
    },
    {
      id: 'impossible_travel',
      condition: 'impossible_travel',
      action: 'score',
      points: 200,
      reason: {
        en: 'Too far from the last location to have travelled there',
        zh: '与上次位置相距过远，无法在此时间内到达',
      },
    },
    {
      id: 'night_cross_border_large',
      condition: 'is_payment and is_night and is_cross_border and amount >= 20000',
      action: 'score',
      points: 150,
      reason: { en: 'A large cross-border payment at night', zh: '夜间大额跨境支付' },
    },
  ],
};

/** A new installation's first start puts the default ruleset live; later starts leave it alone. */
export async function ensureDefaultRuleset(risk: RiskService): Promise<void> {
  if ((await risk.listRulesets({ name: DEFAULT_RULESET.name })).length > 0) return;
  const created = await risk.createRuleset(DEFAULT_RULESET, 'system');
  await risk.promote(created.id, 'live', 'system');
}

/**
 * `n` rules for the benchmark: the default ones, then thresholds over count, sum and ratio features
 * of every entity so the engine evaluates rules of every shape the default set uses.
 */
export function benchRules(n: number): StoredRule[] {
  const templates = [
    (i: number) => `customer_count_1h >= ${5 + i} and amount > ${100 * (i + 1)}`,
    (i: number) => `coalesce(amount_zscore, 0) > ${2 + i / 10} or customer_distinct_payees_24h > ${3 + i}`,
    (i: number) => `is_payment and (device_count_24h > ${10 + i} or ip_distinct_customers_24h > ${2 + (i % 5)})`,
    (i: number) =>
      `coalesce(seconds_since_last_login, 1e9) < ${60 * (i + 1)} and is_new_payee and amount >= ${500 + i}`,
    (i: number) => `merchant_count_10m > ${20 + i} and channel in ["app", "web", "pos"]`,
    (i: number) => `customer_sum_1h_over_30d_daily_avg > ${1 + i / 4} and not is_inflow`,
  ];
  const out: StoredRule[] = DEFAULT_RULESET.rules.slice(0, n).map((r) => ({ ...r }));
  for (let i = 0; out.length < n; i++) {
    const template = templates[i % templates.length] as (i: number) => string;
    out.push({
      id: `bench_${i}`,
      condition: template(i),
      action: 'score',
      points: 10 + (i % 40),
      reason: { en: `Benchmark rule ${i}`, zh: `基准测试规则 ${i}` },
    });
  }
  return out;
}
