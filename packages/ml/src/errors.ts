import { CatalogError, defineErrors } from '@zhirong/kernel';

/**
 * Every ml error code: bad data files, bad labels, bad or tampered model artefacts. The toolkit
 * is a library (no HTTP routes of its own); the statuses are what a service that wraps it answers.
 */
export const mlErrors = defineErrors({
  csv_empty: { status: 400, en: 'The CSV file {file} has no header row.', zh: 'CSV 文件 {file} 没有表头行。' },
  csv_malformed: {
    status: 400,
    en: 'The CSV file {file} is malformed at line {line}: {reason}.',
    zh: 'CSV 文件 {file} 第 {line} 行格式错误：{reason}。',
  },
  csv_duplicate_column: {
    status: 400,
    en: 'The CSV file {file} has the column {column} more than once.',
    zh: 'CSV 文件 {file} 中的列 {column} 重复出现。',
  },
  column_missing: {
    status: 422,
    en: 'The data has no column {column}, which the model needs.',
    zh: '数据中缺少模型所需的列 {column}。',
  },
  label_missing: { status: 422, en: 'The data has no label column {column}.', zh: '数据中没有标签列 {column}。' },
  label_not_binary: {
    status: 422,
    en: 'The label column {column} must hold only 0 and 1; row {row} holds {value}.',
    zh: '标签列 {column} 只能包含 0 和 1；第 {row} 行的值为 {value}。',
  },
  label_one_class: {
    status: 422,
    en: 'The label column {column} needs both classes (0 and 1) to train or evaluate.',
    zh: '标签列 {column} 必须同时包含 0 和 1 两类才能训练或评估。',
  },
  too_few_rows: {
    status: 422,
    en: 'Training needs at least {minimum} rows; the data has {rows}.',
    zh: '训练至少需要 {minimum} 行数据；当前只有 {rows} 行。',
  },
  no_features: {
    status: 422,
    en: 'No usable feature column is left after removing the label and identifier columns.',
    zh: '去掉标签列和标识列后没有可用的特征列。',
  },
  row_out_of_range: {
    status: 400,
    en: 'Row {row} does not exist; the data has rows 0 to {last}.',
    zh: '第 {row} 行不存在；数据的行号范围为 0 到 {last}。',
  },
  option_invalid: { status: 400, en: 'Option {option} is invalid: {reason}.', zh: '选项 {option} 无效：{reason}。' },
  model_malformed: {
    status: 422,
    en: 'The model artefact is not valid: {reason}.',
    zh: '模型文件无效：{reason}。',
  },
  model_version_unsupported: {
    status: 422,
    en: 'The model artefact has schema version {version}; this build reads version {supported}.',
    zh: '模型文件的格式版本为 {version}；当前程序只能读取版本 {supported}。',
  },
  model_hash_mismatch: {
    status: 422,
    en: 'The model artefact was changed after it was written: its content hash does not match.',
    zh: '模型文件在写出后被修改过：内容哈希不匹配。',
  },
});

export type MlErrorCode = keyof typeof mlErrors;

/** An expected failure of the toolkit (bad input or a bad artefact), with a stable code and zh/en text. */
export class MlError extends CatalogError<MlErrorCode> {
  override readonly name = 'MlError';
  constructor(code: MlErrorCode, params: Record<string, unknown> = {}) {
    super(mlErrors, code, params);
  }
}
