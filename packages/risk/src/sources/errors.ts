import { CatalogError, defineErrors } from '@zhirong/kernel';

/** Error codes of the labelled event sources (simulator runs and data files). */
export const sourceErrors = defineErrors({
  source_file_unreadable: {
    status: 400,
    en: 'The data file {file} cannot be read: {reason}.',
    zh: '无法读取数据文件 {file}：{reason}。',
  },
  source_header_invalid: {
    status: 400,
    en: 'The data file {file} does not start with the expected header: {expected}.',
    zh: '数据文件 {file} 的表头不符合要求，应为：{expected}。',
  },
  source_rows_invalid: {
    status: 400,
    en: 'The data file {file} has {count} invalid rows; first: {first}.',
    zh: '数据文件 {file} 有 {count} 行无效；第一处：{first}。',
  },
  source_option_invalid: {
    status: 400,
    en: 'Source option {option} is invalid: {reason}.',
    zh: '数据源选项 {option} 无效：{reason}。',
  },
});

export type SourceErrorCode = keyof typeof sourceErrors;

/** One rejected row of a data file: its line number (the header is line 1) and why. */
export interface RowIssue {
  readonly line: number;
  readonly reason: string;
}

/** An expected failure of a source, with a stable code, zh/en text and, for bad rows, every issue. */
export class SourceError extends CatalogError<SourceErrorCode> {
  override readonly name = 'SourceError';
  readonly issues: readonly RowIssue[];
  constructor(code: SourceErrorCode, params: Record<string, unknown> = {}, issues: readonly RowIssue[] = []) {
    super(sourceErrors, code, params);
    this.issues = issues;
  }
}
