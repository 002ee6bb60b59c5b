import { defineErrors, pickInputErrors } from '@zhirong/kernel';

/** Every lending error code, with its HTTP status and zh/en message. */
export const creditErrors = defineErrors({
  ...pickInputErrors('idempotency_key_invalid', 'idempotency_key_reused'),
  ...pickInputErrors(
    'id_malformed',
    'currency_unknown',
    'amount_malformed',
    'amount_too_precise',
    'amount_zero',
    'amount_negative',
    'amount_too_large',
    'cursor_malformed',
  ),
  credit_rate_invalid: {
    status: 400,
    en: 'The annual rate {field} must be a decimal from 0 to 1 with at most 8 decimals (0.12 is 12 %).',
    zh: '年化利率 {field} 必须是 0 至 1 之间、最多 8 位小数的十进制数（0.12 表示 12%）。',
  },
  credit_term_invalid: {
    status: 400,
    en: 'The term must be a whole number of months from 1 to 360.',
    zh: '期限必须是 1 至 360 之间的整数月。',
  },
  credit_date_invalid: {
    status: 400,
    en: 'The date {value} is not a valid calendar date (YYYY-MM-DD).',
    zh: '日期 {value} 不是有效的日历日期（YYYY-MM-DD）。',
  },
  credit_method_invalid: {
    status: 400,
    en: 'The repayment method must be equal-installment, equal-principal or interest-only.',
    zh: '还款方式必须是 equal-installment（等额本息）、equal-principal（等额本金）或 interest-only（先息后本）。',
  },
  credit_day_count_invalid: {
    status: 400,
    en: 'The day-count convention must be 30/360, ACT/365 or ACT/360.',
    zh: '计息基准必须是 30/360、ACT/365 或 ACT/360。',
  },
  credit_input_invalid: {
    status: 400,
    en: 'The field {field} is invalid: {reason}.',
    zh: '字段 {field} 无效：{reason}。',
  },
  id_number_format: {
    status: 422,
    en: 'The resident ID number must be 17 digits followed by a digit or X.',
    zh: '居民身份证号码必须为 17 位数字加 1 位数字或 X。',
  },
  id_number_region: {
    status: 422,
    en: 'The resident ID number does not start with a valid region code.',
    zh: '居民身份证号码的行政区划代码无效。',
  },
  id_number_birth_date: {
    status: 422,
    en: 'The birth date in the resident ID number is not a valid past date.',
    zh: '居民身份证号码中的出生日期无效。',
  },
  id_number_check_digit: {
    status: 422,
    en: 'The check character of the resident ID number is wrong (GB 11643).',
    zh: '居民身份证号码校验码错误（GB 11643）。',
  },
  credit_code_format: {
    status: 422,
    en: 'The unified social credit code must be 18 characters of 0-9 and A-Y without I, O, S, V, Z.',
    zh: '统一社会信用代码必须为 18 位，由数字和除 I、O、S、V、Z 外的大写字母组成。',
  },
  credit_code_check_digit: {
    status: 422,
    en: 'The check character of the unified social credit code is wrong (GB 32100).',
    zh: '统一社会信用代码校验码错误（GB 32100）。',
  },
  product_not_found: { status: 404, en: 'Loan product {id} does not exist.', zh: '贷款产品 {id} 不存在。' },
  product_range_invalid: {
    status: 422,
    en: 'The {field} range is empty: the minimum must not exceed the maximum.',
    zh: '{field} 范围无效：最小值不能大于最大值。',
  },
  product_apr_exceeds_cap: {
    status: 422,
    en: 'At its own pricing this product would cost up to {apr} a year (IRR, fees included), above its cap of {cap}.',
    zh: '按其定价，该产品年化利率（IRR，含费用）最高可达 {apr}，超过上限 {cap}。',
  },
  product_cap_invalid: {
    status: 422,
    en: 'The APR cap must be from 0 to 0.36; the law sets 0.24 as the default.',
    zh: '年化利率上限必须在 0 至 0.36 之间；默认为 0.24。',
  },
  application_not_found: { status: 404, en: 'Application {id} does not exist.', zh: '贷款申请 {id} 不存在。' },
  amount_out_of_range: {
    status: 422,
    en: 'The amount must be from {min} to {max} {currency} for this product.',
    zh: '该产品的申请金额必须在 {min} 至 {max} {currency} 之间。',
  },
  term_out_of_range: {
    status: 422,
    en: 'The term must be from {min} to {max} months for this product.',
    zh: '该产品的期限必须在 {min} 至 {max} 个月之间。',
  },
  currency_mismatch: {
    status: 422,
    en: 'This product lends in {currency}.',
    zh: '该产品的币种为 {currency}。',
  },
  consent_missing: {
    status: 422,
    en: 'The applicant must consent to the use of their data (consent.granted true, with the text version and time).',
    zh: '申请人必须同意数据使用授权（consent.granted 为 true，并注明授权文本版本与时间）。',
  },
  applicant_under_age: {
    status: 422,
    en: 'The applicant is {age}; lending requires an adult of 18 or more.',
    zh: '申请人年龄为 {age} 岁；借款人须年满 18 周岁。',
  },
  phone_invalid: {
    status: 422,
    en: 'The phone number must be a mainland mobile number of 11 digits starting with 1.',
    zh: '手机号码必须是以 1 开头的 11 位大陆手机号。',
  },
  application_not_approved: {
    status: 409,
    en: 'Application {id} was not approved ({decision}); it cannot become a loan.',
    zh: '贷款申请 {id} 未获批准（{decision}），不能放款。',
  },
  application_already_accepted: {
    status: 409,
    en: 'Application {id} was already accepted as loan {loanId}.',
    zh: '贷款申请 {id} 已被接受，对应贷款 {loanId}。',
  },
  amount_above_limit: {
    status: 422,
    en: 'The amount exceeds the approved credit limit of {limit} {currency}.',
    zh: '金额超过已批准的授信额度 {limit} {currency}。',
  },
  loan_not_found: { status: 404, en: 'Loan {id} does not exist.', zh: '贷款 {id} 不存在。' },
  loan_not_active: {
    status: 409,
    en: 'Loan {id} is {status}; it accepts no more repayments or accruals.',
    zh: '贷款 {id} 状态为 {status}，不再接受还款或计息。',
  },
  loan_write_off_not_allowed: {
    status: 409,
    en: 'Loan {id} is only {days} days past due; write-off needs at least {min}.',
    zh: '贷款 {id} 仅逾期 {days} 天；核销需逾期至少 {min} 天。',
  },
  repayment_exceeds_due: {
    status: 422,
    en: 'The repayment exceeds everything owed on the loan ({owed} {currency}).',
    zh: '还款金额超过该贷款全部欠款（{owed} {currency}）。',
  },
  credit_account_not_found: {
    status: 422,
    en: 'Ledger account {id} does not exist.',
    zh: '账务账户 {id} 不存在。',
  },
  credit_payment_failed: {
    status: 422,
    en: 'The ledger refused the movement ({reason}); nothing was changed.',
    zh: '账务系统拒绝了该笔资金划转（{reason}），未作任何变更。',
  },
  decision_not_reproducible: {
    status: 500,
    en: 'Replaying application {id} gave a different decision: the stored inputs or versions were changed.',
    zh: '重放贷款申请 {id} 得到不同的决策：已存储的输入或版本被更改。',
  },
  credit_warning_not_found: {
    status: 404,
    en: 'There is no early-warning flag {id}.',
    zh: '预警标记 {id} 不存在。',
  },
  idempotency_request_in_progress: {
    status: 409,
    en: 'A request with this Idempotency-Key is still in progress.',
    zh: '使用该 Idempotency-Key 的请求仍在处理中。',
  },
});

export type CreditErrorCode = keyof typeof creditErrors;
