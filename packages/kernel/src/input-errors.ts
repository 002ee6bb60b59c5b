import { defineErrors } from './problem.ts';

/**
 * Errors of input that every domain validates the same way (ids, amounts, currencies, cursors,
 * metadata): one definition, spread into each domain's catalog, because the platform refuses one
 * code with two meanings. The parsers that raise them (parseAmount, parseId) live in the kernel too.
 */
export const inputErrors = defineErrors({
  id_malformed: { status: 400, en: 'The id {value} is not a valid {kind} id.', zh: '{value} 不是有效的 {kind} 标识。' },
  currency_unknown: {
    status: 400,
    en: 'Currency {currency} is not an ISO 4217 currency.',
    zh: '币种 {currency} 不是 ISO 4217 币种。',
  },
  amount_malformed: { status: 400, en: 'The amount is not a plain decimal number.', zh: '金额不是有效的十进制数字。' },
  amount_too_precise: {
    status: 400,
    en: 'The amount has more decimal places than {currency} allows.',
    zh: '金额的小数位数超过了 {currency} 允许的位数。',
  },
  amount_zero: { status: 400, en: 'The amount must be greater than zero.', zh: '金额必须大于零。' },
  amount_negative: { status: 400, en: 'The amount must not be negative.', zh: '金额不能为负数。' },
  amount_too_large: {
    status: 400,
    en: 'The amount exceeds the largest supported amount.',
    zh: '金额超过了支持的最大值。',
  },
  metadata_too_large: { status: 400, en: 'Metadata is limited to {max} bytes.', zh: '元数据最多 {max} 字节。' },
  cursor_malformed: { status: 400, en: 'The cursor is not valid.', zh: '分页游标无效。' },
  idempotency_key_invalid: {
    status: 400,
    en: 'The Idempotency-Key header must be 1 to 255 visible ASCII characters (no spaces).',
    zh: 'Idempotency-Key 请求头必须为 1 至 255 个可见 ASCII 字符（不含空格）。',
  },
  idempotency_key_reused: {
    status: 409,
    en: 'This Idempotency-Key was already used with a different request.',
    zh: '该 Idempotency-Key 已用于另一个不同的请求。',
  },
});

/** What an Idempotency-Key header may hold: 1 to 255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

type InputCode = keyof typeof inputErrors;

/** The shared input errors named in `codes`, to spread into a domain catalog. */
export function pickInputErrors<const K extends InputCode>(...codes: K[]): Pick<typeof inputErrors, K> {
  return Object.fromEntries(codes.map((code) => [code, inputErrors[code]])) as Pick<typeof inputErrors, K>;
}
