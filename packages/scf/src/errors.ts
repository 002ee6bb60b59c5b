import { defineErrors, pickInputErrors } from '@zhirong/kernel';

/** Every supply-chain-finance error code, with its HTTP status and zh/en message. */
export const scfErrors = defineErrors({
  ...pickInputErrors('idempotency_key_invalid', 'idempotency_key_reused'),
  ...pickInputErrors(
    'id_malformed',
    'currency_unknown',
    'amount_malformed',
    'amount_too_precise',
    'amount_zero',
    'amount_negative',
    'amount_too_large',
  ),
  // Shared with the ledger, word for word: the same failure has the same code everywhere.
  step_not_found: { status: 404, en: 'Step {id} does not exist.', zh: '操作记录 {id} 不存在。' },
  receivable_not_found: { status: 404, en: 'Receivable {id} does not exist.', zh: '应收账款凭证 {id} 不存在。' },
  receivable_not_active: {
    status: 409,
    en: 'Receivable {id} was already split, transferred, financed or settled, and cannot be used again.',
    zh: '应收账款凭证 {id} 已被拆分、转让、融资或结算，不能再次使用。',
  },
  receivable_matured: {
    status: 422,
    en: 'Receivable {id} has reached maturity and can no longer be financed.',
    zh: '应收账款凭证 {id} 已到期，不能再融资。',
  },
  receivable_not_matured: {
    status: 422,
    en: 'Receivable {id} matures on {maturityDate}; it cannot be settled before.',
    zh: '应收账款凭证 {id} 于 {maturityDate} 到期，到期前不能结算。',
  },
  split_sum_mismatch: {
    status: 422,
    en: 'The parts must add up exactly to the amount of the receivable.',
    zh: '拆分金额之和必须与凭证金额完全相等。',
  },
  split_parts_invalid: {
    status: 422,
    en: 'A split needs from 2 to {max} positive parts.',
    zh: '拆分需要 2 至 {max} 个正数金额。',
  },
  transfer_amount_invalid: {
    status: 422,
    en: 'The amount to transfer must be positive and at most the amount of the receivable.',
    zh: '转让金额必须为正数，且不超过凭证金额。',
  },
  transfer_to_holder: {
    status: 422,
    en: 'The receivable already belongs to that account.',
    zh: '该凭证已由此账户持有。',
  },
  rate_invalid: {
    status: 400,
    en: 'The annual rate must be a decimal from 0 to 1 with at most 8 decimals (0.0365 is 3.65 %).',
    zh: '年化利率必须是 0 至 1 之间、最多 8 位小数的十进制数（0.0365 表示 3.65%）。',
  },
  discount_exceeds_face: {
    status: 422,
    en: 'At this rate and term the discount would leave nothing to pay out.',
    zh: '按此利率与期限计算，贴现后无可支付金额。',
  },
  maturity_invalid: {
    status: 422,
    en: 'The maturity date must be a calendar date after the issue date {issueDate}.',
    zh: '到期日必须是晚于开立日 {issueDate} 的有效日期。',
  },
  scf_account_not_found: {
    status: 422,
    en: 'Ledger account {id} does not exist.',
    zh: '账务账户 {id} 不存在。',
  },
  scf_account_unusable: {
    status: 422,
    en: 'Ledger account {id} cannot be used: {reason}.',
    zh: '账务账户 {id} 不可用：{reason}。',
  },
  scf_payment_failed: {
    status: 422,
    en: 'The ledger refused the payment ({reason}); nothing was changed.',
    zh: '账务系统拒绝了该笔款项（{reason}），凭证未作任何变更。',
  },
  idempotency_request_in_progress: {
    status: 409,
    en: 'A request with this Idempotency-Key is still in progress.',
    zh: '使用该 Idempotency-Key 的请求仍在处理中。',
  },
});

export type ScfErrorCode = keyof typeof scfErrors;
