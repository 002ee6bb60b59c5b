import { CatalogError, defineErrors, pickInputErrors } from '@zhirong/kernel';

/** Every AML error code, with its HTTP status and zh/en message. */
export const amlErrors = defineErrors({
  ...pickInputErrors('idempotency_key_invalid', 'idempotency_key_reused'),
  ...pickInputErrors(
    'id_malformed',
    'currency_unknown',
    'amount_malformed',
    'amount_too_precise',
    'amount_too_large',
    'amount_zero',
    'amount_negative',
  ),
  list_file_unreadable: {
    status: 400,
    en: 'The file {file} cannot be read: {reason}.',
    zh: '无法读取文件 {file}：{reason}。',
  },
  list_csv_malformed: {
    status: 400,
    en: 'The CSV file {file} is malformed at line {line}: {reason}.',
    zh: 'CSV 文件 {file} 第 {line} 行格式错误：{reason}。',
  },
  list_column_missing: {
    status: 422,
    en: 'The CSV file {file} has no column {column}.',
    zh: 'CSV 文件 {file} 缺少列 {column}。',
  },
  list_json_malformed: {
    status: 400,
    en: 'Line {line} of {file} is not a FollowTheMoney entity: {reason}.',
    zh: '{file} 第 {line} 行不是有效的 FollowTheMoney 实体：{reason}。',
  },
  list_empty: { status: 422, en: 'The list {file} holds no names.', zh: '名单 {file} 中没有任何姓名。' },
  list_too_large: {
    status: 413,
    en: 'The list {file} has more than {max} entries.',
    zh: '名单 {file} 的条目超过 {max} 条。',
  },
  name_missing: {
    status: 422,
    en: 'Row {row} of {file} has no name.',
    zh: '{file} 第 {row} 行没有姓名。',
  },
  list_not_found: { status: 404, en: 'There is no list named {list}.', zh: '不存在名为 {list} 的名单。' },
  list_entry_not_found: {
    status: 404,
    en: 'The list {list} has no entry at position {position}.',
    zh: '名单 {list} 中没有位置 {position} 的条目。',
  },
  screen_batch_too_large: {
    status: 413,
    en: 'At most {max} names can be screened in one call.',
    zh: '单次最多筛查 {max} 个姓名。',
  },
  threshold_invalid: {
    status: 400,
    en: 'The threshold must be a number from 0 to 1.',
    zh: '阈值必须是 0 到 1 之间的数字。',
  },
  scenario_not_found: {
    status: 404,
    en: 'There is no scenario {scenario} (version {version}).',
    zh: '不存在监测场景 {scenario}（版本 {version}）。',
  },
  scenario_params_invalid: {
    status: 400,
    en: 'The parameters of scenario {scenario} are invalid: {reason}.',
    zh: '监测场景 {scenario} 的参数无效：{reason}。',
  },
  scenario_transition_invalid: {
    status: 409,
    en: 'Scenario {scenario} version {version} cannot go from {from} to {to}.',
    zh: '监测场景 {scenario} 版本 {version} 不能从 {from} 变为 {to}。',
  },
  scenario_rollback_unavailable: {
    status: 409,
    en: 'Scenario {scenario} has no earlier live version to roll back to.',
    zh: '监测场景 {scenario} 没有可回滚的先前生效版本。',
  },
  alert_not_found: { status: 404, en: 'There is no alert {alert}.', zh: '不存在预警 {alert}。' },
  transactions_file_unreadable: {
    status: 400,
    en: 'The transactions file {file} cannot be read: {reason}.',
    zh: '无法读取交易文件 {file}：{reason}。',
  },
  transactions_map_invalid: {
    status: 400,
    en: 'The column map is invalid: {reason}. Expected id=COL,from=COL,to=COL,amount=COL,time=COL.',
    zh: '列映射无效：{reason}。应为 id=列,from=列,to=列,amount=列,time=列。',
  },
  transactions_column_missing: {
    status: 422,
    en: 'The transactions file {file} has no column {column}.',
    zh: '交易文件 {file} 缺少列 {column}。',
  },
  transactions_row_invalid: {
    status: 422,
    en: 'Line {line} of {file} is invalid: {reason}.',
    zh: '{file} 第 {line} 行无效：{reason}。',
  },
  aml_case_not_found: { status: 404, en: 'There is no AML case {id}.', zh: '不存在反洗钱案件 {id}。' },
  aml_case_closed: {
    status: 409,
    en: 'The AML case {id} is already decided.',
    zh: '反洗钱案件 {id} 已作出决定。',
  },
  case_subject_conflict: {
    status: 409,
    en: 'A case for {kind} {subject} already exists with different details.',
    zh: '{kind} {subject} 的案件已存在，且内容不同。',
  },
  attachment_too_large: {
    status: 413,
    en: 'An attachment may hold at most {max} bytes; this one holds {size}.',
    zh: '附件最多 {max} 字节，该附件为 {size} 字节。',
  },
  attachment_type_refused: {
    status: 415,
    en: 'Attachments of type {type} are not accepted.',
    zh: '不接受类型为 {type} 的附件。',
  },
  attachment_not_found: {
    status: 404,
    en: 'The case {id} has no attachment {attachment}.',
    zh: '案件 {id} 没有附件 {attachment}。',
  },
  transaction_invalid: {
    status: 422,
    en: 'The transaction {id} is invalid: {reason}.',
    zh: '交易 {id} 无效：{reason}。',
  },
  transaction_conflict: {
    status: 409,
    en: 'The transaction {id} was already recorded with different details.',
    zh: '交易 {id} 已以不同的内容记录。',
  },
  threshold_missing: {
    status: 422,
    en: 'No reporting threshold is configured for {category} in {currency}.',
    zh: '未配置 {category} 类别 {currency} 币种的报告阈值。',
  },
  report_not_found: { status: 404, en: 'There is no AML report {id}.', zh: '不存在反洗钱报告 {id}。' },
  report_invalid: {
    status: 422,
    en: 'The report {id} fails validation with {count} errors.',
    zh: '报告 {id} 未通过校验，共 {count} 个错误。',
  },
  report_submitted: {
    status: 409,
    en: 'The report {id} was already submitted.',
    zh: '报告 {id} 已提交。',
  },
  case_not_suspicious: {
    status: 409,
    en: 'The case {id} is not decided suspicious, so it cannot be reported.',
    zh: '案件 {id} 未被判定为可疑，不能报告。',
  },
  report_date_invalid: {
    status: 400,
    en: 'The date {value} is not a calendar date (YYYY-MM-DD).',
    zh: '{value} 不是有效日期（YYYY-MM-DD）。',
  },
  kyc_profile_not_found: {
    status: 404,
    en: 'There is no KYC profile for customer {customer}.',
    zh: '客户 {customer} 没有尽职调查档案。',
  },
  kyc_profile_invalid: {
    status: 422,
    en: 'The KYC profile of customer {customer} is invalid: {reason}.',
    zh: '客户 {customer} 的尽职调查档案无效：{reason}。',
  },
  idempotency_request_in_progress: {
    status: 409,
    en: 'A request with this Idempotency-Key is still in progress.',
    zh: '使用该 Idempotency-Key 的请求仍在处理中。',
  },
});

export type AmlErrorCode = keyof typeof amlErrors;

/** An expected failure of the AML toolkit (bad file, missing column), with its catalog code. */
export class AmlError extends CatalogError<AmlErrorCode> {
  override readonly name = 'AmlError';
  constructor(code: AmlErrorCode, params: Record<string, unknown> = {}) {
    super(amlErrors, code, params);
  }
}
