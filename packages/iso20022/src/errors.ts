import { defineErrors } from '@zhirong/kernel';

/**
 * Every ISO 20022 import error: one code per reason, with its HTTP status (for the API that reports
 * an import) and its en / zh-CN message. Codes the ledger also uses (amount_too_precise,
 * amount_too_large, currency_unknown) keep the ledger's status, 400. `{element}` is the element's name; the full element path
 * travels beside the message in `Iso20022Error.path`.
 */
export const iso20022Errors = defineErrors({
  message_too_large: {
    status: 413,
    en: 'The message is {size} bytes; at most {limit} bytes are accepted.',
    zh: '报文大小为 {size} 字节，最多接受 {limit} 字节。',
  },
  encoding_unsupported: {
    status: 400,
    en: 'The message declares the encoding {encoding}, which is not supported (use UTF-8).',
    zh: '报文声明的编码 {encoding} 不受支持（请使用 UTF-8）。',
  },
  encoding_invalid: {
    status: 400,
    en: 'The message is not valid {encoding} text.',
    zh: '报文不是有效的 {encoding} 文本。',
  },
  xml_malformed: {
    status: 400,
    en: 'The message is not well-formed XML: {reason}',
    zh: '报文不是格式正确的 XML：{reason}',
  },
  xml_doctype_forbidden: {
    status: 400,
    en: 'A document type declaration (DOCTYPE) is not allowed in an ISO 20022 message.',
    zh: 'ISO 20022 报文中不允许出现文档类型声明（DOCTYPE）。',
  },
  document_missing: {
    status: 422,
    en: 'No ISO 20022 Document element was found.',
    zh: '未找到 ISO 20022 的 Document 元素。',
  },
  namespace_unsupported: {
    status: 422,
    en: 'The message namespace {namespace} is not a supported ISO 20022 message ({supported}).',
    zh: '报文命名空间 {namespace} 不是受支持的 ISO 20022 报文（{supported}）。',
  },
  element_missing: {
    status: 422,
    en: 'The required element {element} is missing.',
    zh: '缺少必填元素 {element}。',
  },
  element_unexpected: {
    status: 422,
    en: 'The element {element} is not allowed here.',
    zh: '此处不允许出现元素 {element}。',
  },
  element_out_of_order: {
    status: 422,
    en: 'The element {element} is out of order: it must come before {after}.',
    zh: '元素 {element} 的顺序错误：它必须位于 {after} 之前。',
  },
  element_too_many: {
    status: 422,
    en: 'The element {element} occurs {count} times; at most {max} are allowed.',
    zh: '元素 {element} 出现了 {count} 次，最多允许 {max} 次。',
  },
  element_namespace: {
    status: 422,
    en: 'The element {element} is in namespace {namespace}, not in the message namespace.',
    zh: '元素 {element} 属于命名空间 {namespace}，而不是报文的命名空间。',
  },
  choice_missing: {
    status: 422,
    en: 'The element {element} must contain one of: {options}.',
    zh: '元素 {element} 必须包含以下之一：{options}。',
  },
  choice_multiple: {
    status: 422,
    en: 'The element {element} must contain only one of: {options}.',
    zh: '元素 {element} 只能包含以下之一：{options}。',
  },
  text_expected: {
    status: 422,
    en: 'The element {element} must contain a value, not other elements.',
    zh: '元素 {element} 必须包含值，而不是其他元素。',
  },
  text_unexpected: {
    status: 422,
    en: 'The element {element} must contain elements, not text.',
    zh: '元素 {element} 必须包含子元素，而不是文本。',
  },
  text_empty: {
    status: 422,
    en: 'The element {element} must not be empty.',
    zh: '元素 {element} 不能为空。',
  },
  text_too_long: {
    status: 422,
    en: 'The element {element} has {length} characters; at most {max} are allowed.',
    zh: '元素 {element} 有 {length} 个字符，最多允许 {max} 个。',
  },
  code_unknown: {
    status: 422,
    en: 'The value {value} of {element} is not one of: {options}.',
    zh: '{element} 的值 {value} 不是以下之一：{options}。',
  },
  format_invalid: {
    status: 422,
    en: 'The value {value} of {element} is not a valid {format}.',
    zh: '{element} 的值 {value} 不是有效的 {format}。',
  },
  country_unknown: {
    status: 422,
    en: 'The value {value} of {element} is not an ISO 3166 country code.',
    zh: '{element} 的值 {value} 不是 ISO 3166 国家代码。',
  },
  date_invalid: {
    status: 422,
    en: 'The value {value} of {element} is not a valid ISO date (YYYY-MM-DD).',
    zh: '{element} 的值 {value} 不是有效的 ISO 日期（YYYY-MM-DD）。',
  },
  datetime_invalid: {
    status: 422,
    en: 'The value {value} of {element} is not a valid ISO date and time.',
    zh: '{element} 的值 {value} 不是有效的 ISO 日期时间。',
  },
  boolean_invalid: {
    status: 422,
    en: 'The value {value} of {element} must be true or false.',
    zh: '{element} 的值 {value} 必须为 true 或 false。',
  },
  decimal_invalid: {
    status: 422,
    en: 'The value {value} of {element} is not a decimal number with at most {total} digits, {fraction} after the point.',
    zh: '{element} 的值 {value} 不是最多 {total} 位数字（小数点后最多 {fraction} 位）的十进制数。',
  },
  amount_invalid: {
    status: 422,
    en: 'The amount {value} of {element} is not a non-negative decimal with at most 18 digits, 5 after the point.',
    zh: '{element} 的金额 {value} 不是最多 18 位数字（小数点后最多 5 位）的非负十进制数。',
  },
  amount_not_positive: {
    status: 422,
    en: 'The amount of {element} must be greater than zero.',
    zh: '{element} 的金额必须大于零。',
  },
  amount_too_precise: {
    status: 400,
    en: 'The amount {value} of {element} has more decimal places than {currency} allows ({exponent}).',
    zh: '{element} 的金额 {value} 的小数位数超过了 {currency} 允许的位数（{exponent} 位）。',
  },
  amount_too_large: {
    status: 400,
    en: 'The amount {value} of {element} exceeds the largest supported amount.',
    zh: '{element} 的金额 {value} 超过了支持的最大值。',
  },
  currency_missing: {
    status: 422,
    en: 'The amount {element} has no Ccy attribute.',
    zh: '金额 {element} 缺少 Ccy 属性。',
  },
  currency_unknown: {
    status: 400,
    en: 'The currency {value} of {element} is not an ISO 4217 currency.',
    zh: '{element} 的币种 {value} 不是 ISO 4217 币种。',
  },
  iban_format: {
    status: 422,
    en: 'The IBAN {value} is not in the electronic IBAN format (2 letters, 2 digits, up to 30 letters or digits).',
    zh: 'IBAN {value} 不符合电子格式（2 个字母、2 位数字、最多 30 个字母或数字）。',
  },
  iban_country_unknown: {
    status: 422,
    en: 'The IBAN {value} starts with {country}, which is not an IBAN country.',
    zh: 'IBAN {value} 以 {country} 开头，该国家不使用 IBAN。',
  },
  iban_length: {
    status: 422,
    en: 'The IBAN {value} has {length} characters; IBANs of {country} have {expected}.',
    zh: 'IBAN {value} 有 {length} 个字符，{country} 的 IBAN 应为 {expected} 个字符。',
  },
  iban_check_digit: {
    status: 422,
    en: 'The IBAN {value} fails its check digits (ISO 13616 mod 97).',
    zh: 'IBAN {value} 校验位错误（ISO 13616 模 97 校验）。',
  },
  bic_format: {
    status: 422,
    en: 'The BIC {value} is not an ISO 9362 BIC (8 or 11 characters: bank, country, location, branch).',
    zh: 'BIC {value} 不是 ISO 9362 格式（8 或 11 位：机构、国家、地区、分支）。',
  },
  bic_country_unknown: {
    status: 422,
    en: 'The BIC {value} names the country {country}, which is not an ISO 3166 country.',
    zh: 'BIC {value} 中的国家代码 {country} 不是 ISO 3166 国家代码。',
  },
  number_of_transactions_mismatch: {
    status: 422,
    en: '{element} says {declared} transactions, but the message holds {actual}.',
    zh: '{element} 声明 {declared} 笔交易，但报文实际包含 {actual} 笔。',
  },
  control_sum_mismatch: {
    status: 422,
    en: '{element} says {declared}, but the amounts add up to {actual}.',
    zh: '{element} 声明为 {declared}，但金额合计为 {actual}。',
  },
  total_amount_mismatch: {
    status: 422,
    en: '{element} says {declared} {currency}, but the settlement amounts add up to {actual}.',
    zh: '{element} 声明为 {declared} {currency}，但结算金额合计为 {actual}。',
  },
  end_to_end_id_duplicate: {
    status: 422,
    en: 'The end-to-end id {value} is used more than once in the message (first at {first}).',
    zh: '端到端标识 {value} 在报文中重复出现（首次出现在 {first}）。',
  },
  uetr_duplicate: {
    status: 422,
    en: 'The UETR {value} is used more than once in the message (first at {first}).',
    zh: 'UETR {value} 在报文中重复出现（首次出现在 {first}）。',
  },
});

export type Iso20022ErrorCode = keyof typeof iso20022Errors;
