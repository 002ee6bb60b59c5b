import { defineErrors, pickInputErrors } from '@zhirong/kernel';

/**
 * Every payments error code with its HTTP status and zh/en message. Codes shared with the ledger
 * (`id_malformed`, amount and currency codes) carry the very same definition: the platform's
 * catalog refuses one code with two meanings.
 */
export const paymentsErrors = defineErrors({
  ...pickInputErrors('idempotency_key_invalid', 'idempotency_key_reused'),
  ...pickInputErrors(
    'id_malformed',
    'currency_unknown',
    'amount_malformed',
    'amount_too_precise',
    'amount_zero',
    'amount_negative',
    'amount_too_large',
    'metadata_too_large',
    'cursor_malformed',
  ),
  payment_not_found: { status: 404, en: 'Payment {id} does not exist.', zh: '支付 {id} 不存在。' },
  refund_not_found: { status: 404, en: 'Refund {id} does not exist.', zh: '退款 {id} 不存在。' },
  merchant_not_found: { status: 404, en: 'Merchant {id} does not exist.', zh: '商户 {id} 不存在。' },
  quote_not_found: { status: 404, en: 'FX quote {id} does not exist.', zh: '汇率报价 {id} 不存在。' },
  quote_expired: { status: 422, en: 'FX quote {id} has expired.', zh: '汇率报价 {id} 已过期。' },
  quote_already_used: {
    status: 409,
    en: 'FX quote {id} was already used by another payment.',
    zh: '汇率报价 {id} 已被其他支付使用。',
  },
  quote_mismatch: {
    status: 422,
    en: 'The payment does not match FX quote {id}: {reason}.',
    zh: '支付与汇率报价 {id} 不一致：{reason}。',
  },
  fx_rate_unavailable: {
    status: 422,
    en: 'There is no exchange rate from {sell} to {buy}.',
    zh: '没有从 {sell} 到 {buy} 的汇率。',
  },
  fx_rate_invalid: {
    status: 400,
    en: 'The exchange rate {base}/{quote} is not valid: {reason}.',
    zh: '汇率 {base}/{quote} 无效：{reason}。',
  },
  mdr_invalid: {
    status: 400,
    en: 'The merchant discount rate must be a decimal from 0 to 0.2, e.g. "0.006".',
    zh: '商户扣率必须是 0 到 0.2 之间的小数，例如 "0.006"。',
  },
  party_required: {
    status: 400,
    en: 'A {kind} payment needs {field}.',
    zh: '{kind} 类型的支付需要提供 {field}。',
  },
  party_not_allowed: {
    status: 400,
    en: 'A {kind} payment does not take {field}.',
    zh: '{kind} 类型的支付不接受 {field}。',
  },
  iban_invalid: { status: 400, en: 'IBAN {value} fails its check digits.', zh: 'IBAN {value} 校验位错误。' },
  bic_invalid: { status: 400, en: 'BIC {value} is not a valid BIC.', zh: 'BIC {value} 格式无效。' },
  merchant_currency_mismatch: {
    status: 422,
    en: 'Merchant {id} accepts {expected}, not {currency}.',
    zh: '商户 {id} 只收取 {expected}，不收取 {currency}。',
  },
  end_to_end_id_exists: {
    status: 409,
    en: 'A payment with end-to-end id {value} already exists.',
    zh: '端到端标识为 {value} 的支付已存在。',
  },
  payment_state_invalid: {
    status: 409,
    en: 'Payment {id} is {state}; this operation needs it {expected}.',
    zh: '支付 {id} 当前状态为 {state}；此操作要求状态为 {expected}。',
  },
  refund_exceeds_payment: {
    status: 422,
    en: 'The refund would take refunds of payment {id} above the {available} still refundable.',
    zh: '该退款将使支付 {id} 的退款总额超过剩余可退金额 {available}。',
  },
  refund_not_supported: {
    status: 422,
    en: 'A {kind} payment cannot be refunded; reverse it instead.',
    zh: '{kind} 类型的支付不能退款，请改用冲正。',
  },
  refund_failed: {
    status: 422,
    en: 'The ledger refused the refund: {reason}.',
    zh: '账务系统拒绝了该退款：{reason}。',
  },
  payment_operation_failed: {
    status: 422,
    en: 'The ledger refused the operation on payment {id}: {reason}.',
    zh: '账务系统拒绝了对支付 {id} 的操作：{reason}。',
  },
  idempotency_key_in_progress: {
    status: 409,
    en: 'A request with this Idempotency-Key is still being processed; retry shortly.',
    zh: '使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。',
  },
  qr_tlv_malformed: {
    status: 422,
    en: 'The QR payload is malformed at position {position}: {message}',
    zh: '二维码数据在位置 {position} 格式错误：{message}',
  },
  qr_crc_missing: {
    status: 422,
    en: 'The QR payload has no CRC (ID 63) at its end.',
    zh: '二维码数据末尾缺少 CRC 校验（ID 63）。',
  },
  qr_crc_mismatch: {
    status: 422,
    en: 'The QR payload CRC does not match its content: {message}',
    zh: '二维码数据的 CRC 校验值与内容不符：{message}',
  },
  qr_field_missing: {
    status: 422,
    en: 'The QR payload lacks a required data object: {message}',
    zh: '二维码数据缺少必需的数据对象：{message}',
  },
  qr_field_invalid: {
    status: 422,
    en: 'The QR data object {tag} at position {position} is invalid: {message}',
    zh: '二维码数据对象 {tag}（位置 {position}）无效：{message}',
  },
  qr_tag_duplicate: {
    status: 422,
    en: 'The QR data object {tag} appears twice (position {position}).',
    zh: '二维码数据对象 {tag} 重复出现（位置 {position}）。',
  },
  qr_merchant_unknown: {
    status: 422,
    en: 'The QR code does not name a merchant of this institution.',
    zh: '该二维码未指向本机构的商户。',
  },
  qr_amount_required: {
    status: 400,
    en: 'The QR code is static: the amount must be given.',
    zh: '该二维码为静态码，必须提供金额。',
  },
  qr_amount_mismatch: {
    status: 422,
    en: 'The QR code fixes the amount at {expected}; {given} was given.',
    zh: '该二维码已固定金额为 {expected}，但提供的金额为 {given}。',
  },
  qr_build_invalid: {
    status: 400,
    en: 'The QR code cannot be built: {message}',
    zh: '无法生成二维码：{message}',
  },
  payment_group_refused: {
    status: 422,
    en: 'Another payment of the same group was refused, so none was created.',
    zh: '同组中另一笔支付被拒绝，因此整组均未创建。',
  },
  payments_unavailable: {
    status: 503,
    en: 'Payments cannot move money right now; retry with the same Idempotency-Key.',
    zh: '支付暂时无法处理资金划转，请使用相同的 Idempotency-Key 重试。',
  },
});

export type PaymentsErrorCode = keyof typeof paymentsErrors;
