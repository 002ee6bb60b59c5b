import { CatalogError, defineErrors } from '@zhirong/kernel';

/** Every AML error code, with its HTTP status and zh/en message. */
export const amlErrors = defineErrors({
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
});

export type AmlErrorCode = keyof typeof amlErrors;

/** An expected failure of the AML toolkit (bad file, missing column), with its catalog code. */
export class AmlError extends CatalogError<AmlErrorCode> {
  override readonly name = 'AmlError';
  constructor(code: AmlErrorCode, params: Record<string, unknown> = {}) {
    super(amlErrors, code, params);
  }
}
