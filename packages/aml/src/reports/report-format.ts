// The report file formats (XML and CSV, documented in docs/aml-reports.md), their writers, and the validator that lists every error of a report body or file.
import { childOf, childrenOf, readXml, textAt, type XmlElement } from '@zhirong/iso20022';
import { findCurrency } from '@zhirong/kernel';
import { MlError, parseCsv } from '@zhirong/ml';
import {
  businessDayOf,
  CHANNELS,
  CUSTOMER_TYPES,
  DIRECTIONS,
  isCalendarDate,
  LARGE_VALUE_CATEGORIES,
  REGIONS,
} from './transaction.ts';

export const REPORT_KINDS = ['large_value', 'suspicious'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_NAMESPACE = 'urn:zhirong:aml:report:1';
/** Longest free text (names, reasons) in a report field. */
export const REPORT_TEXT_MAX = 2000;

export interface ReportTransactionLine {
  readonly id: string;
  readonly occurredAt: string;
  readonly direction: string;
  readonly channel: string;
  readonly region: string;
  readonly amountMinor: string;
  readonly currency: string;
  readonly counterpartyName?: string;
  readonly counterpartyAccount?: string;
  readonly counterpartyInstitution?: string;
  readonly counterpartyCountry?: string;
}

export interface ReportEntry {
  readonly seq: number;
  readonly customerId: string;
  readonly customerType: string;
  /** Large-value only: the art. 5 category, the direction totalled, and the threshold met. */
  readonly category?: string;
  readonly direction?: string;
  readonly currency?: string;
  readonly totalMinor?: string;
  readonly thresholdMinor?: string;
  readonly transactions: readonly ReportTransactionLine[];
}

export interface Suspicion {
  readonly decidedAt: string;
  readonly decidedBy: string;
  readonly reason: string;
  readonly subjectKind: string;
  readonly subjectId: string;
}

/** A report as data: what the XML and CSV files are written from and read back into. */
export interface ReportBody {
  readonly reportId: string;
  readonly kind: string;
  readonly institutionCode: string;
  readonly institutionName: string;
  /** Minutes east of UTC of the reporting calendar (480 for Beijing time). */
  readonly utcOffsetMinutes: number;
  readonly businessDay?: string;
  readonly caseId?: string;
  readonly generatedAt: string;
  readonly dueAt: string;
  readonly configVersion: string;
  readonly suspicion?: Suspicion;
  readonly entries: readonly ReportEntry[];
}

export interface ReportError {
  /** Where: `/entries/0/transactions/2/amountMinor`, or `line 4` / `line 4 column amount_minor` of a CSV. */
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

// ---- XML ---------------------------------------------------------------------------------------

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function leaf(indent: string, name: string, value: string | number | undefined): string {
  return value === undefined ? '' : `${indent}<${name}>${escapeXml(String(value))}</${name}>\n`;
}

const TRANSACTION_XML: readonly [keyof ReportTransactionLine, string][] = [
  ['id', 'Id'],
  ['occurredAt', 'OccurredAt'],
  ['direction', 'Direction'],
  ['channel', 'Channel'],
  ['region', 'Region'],
  ['amountMinor', 'AmountMinor'],
  ['currency', 'Currency'],
  ['counterpartyName', 'CounterpartyName'],
  ['counterpartyAccount', 'CounterpartyAccount'],
  ['counterpartyInstitution', 'CounterpartyInstitution'],
  ['counterpartyCountry', 'CounterpartyCountry'],
];

/** The report as UTF-8 XML in the `urn:zhirong:aml:report:1` namespace. */
export function reportXml(body: ReportBody): string {
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n<AmlReport xmlns="${REPORT_NAMESPACE}">\n  <Header>\n`;
  out += leaf('    ', 'ReportId', body.reportId);
  out += leaf('    ', 'Kind', body.kind);
  out += leaf('    ', 'InstitutionCode', body.institutionCode);
  out += leaf('    ', 'InstitutionName', body.institutionName);
  out += leaf('    ', 'UtcOffsetMinutes', body.utcOffsetMinutes);
  out += leaf('    ', 'BusinessDay', body.businessDay);
  out += leaf('    ', 'CaseId', body.caseId);
  out += leaf('    ', 'GeneratedAt', body.generatedAt);
  out += leaf('    ', 'DueAt', body.dueAt);
  out += leaf('    ', 'ConfigVersion', body.configVersion);
  out += leaf('    ', 'EntryCount', body.entries.length);
  out += '  </Header>\n';
  if (body.suspicion) {
    const s = body.suspicion;
    out += '  <Suspicion>\n';
    out += leaf('    ', 'DecidedAt', s.decidedAt);
    out += leaf('    ', 'DecidedBy', s.decidedBy);
    out += leaf('    ', 'Reason', s.reason);
    out += leaf('    ', 'SubjectKind', s.subjectKind);
    out += leaf('    ', 'SubjectId', s.subjectId);
    out += '  </Suspicion>\n';
  }
  for (const e of body.entries) {
    out += `  <Entry seq="${e.seq}">\n`;
    out += leaf('    ', 'CustomerId', e.customerId);
    out += leaf('    ', 'CustomerType', e.customerType);
    out += leaf('    ', 'Category', e.category);
    out += leaf('    ', 'Direction', e.direction);
    out += leaf('    ', 'Currency', e.currency);
    out += leaf('    ', 'TotalMinor', e.totalMinor);
    out += leaf('    ', 'ThresholdMinor', e.thresholdMinor);
    out += leaf('    ', 'TransactionCount', e.transactions.length);
    for (const t of e.transactions) {
      out += '    <Transaction>\n';
      for (const [key, name] of TRANSACTION_XML) out += leaf('      ', name, t[key]);
      out += '    </Transaction>\n';
    }
    out += '  </Entry>\n';
  }
  return `${out}</AmlReport>\n`;
}

// ---- CSV ---------------------------------------------------------------------------------------

/** The CSV columns, in order: one row per transaction (an entry without transactions has one row with them empty). */
export const REPORT_CSV_COLUMNS = [
  'report_id',
  'kind',
  'institution_code',
  'institution_name',
  'utc_offset_minutes',
  'business_day',
  'case_id',
  'generated_at',
  'due_at',
  'config_version',
  'suspicion_decided_at',
  'suspicion_decided_by',
  'suspicion_reason',
  'suspicion_subject_kind',
  'suspicion_subject_id',
  'entry_seq',
  'customer_id',
  'customer_type',
  'category',
  'entry_direction',
  'entry_currency',
  'total_minor',
  'threshold_minor',
  'transaction_id',
  'occurred_at',
  'direction',
  'channel',
  'region',
  'amount_minor',
  'currency',
  'counterparty_name',
  'counterparty_account',
  'counterparty_institution',
  'counterparty_country',
] as const;

function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  // A leading = + - @ would be a formula in a spreadsheet: quote-prefix it is not done, the field is quoted and kept as is.
  return /[",\r\n]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The report as CSV (RFC 4180, UTF-8, CRLF line ends, a header row). */
export function reportCsv(body: ReportBody): string {
  const head = [
    body.reportId,
    body.kind,
    body.institutionCode,
    body.institutionName,
    body.utcOffsetMinutes,
    body.businessDay,
    body.caseId,
    body.generatedAt,
    body.dueAt,
    body.configVersion,
    body.suspicion?.decidedAt,
    body.suspicion?.decidedBy,
    body.suspicion?.reason,
    body.suspicion?.subjectKind,
    body.suspicion?.subjectId,
  ];
  const lines = [REPORT_CSV_COLUMNS.join(',')];
  // A report without entries (a day with nothing to report) is one row of report fields.
  if (body.entries.length === 0) {
    lines.push([...head, ...REPORT_CSV_COLUMNS.slice(head.length).map(() => undefined)].map(csvField).join(','));
  }
  for (const e of body.entries) {
    const entry = [
      e.seq,
      e.customerId,
      e.customerType,
      e.category,
      e.direction,
      e.currency,
      e.totalMinor,
      e.thresholdMinor,
    ];
    const rows: (ReportTransactionLine | undefined)[] = e.transactions.length === 0 ? [undefined] : [...e.transactions];
    for (const t of rows) {
      const tx = TRANSACTION_XML.map(([key]) => t?.[key]);
      lines.push([...head, ...entry, ...tx].map(csvField).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

// ---- validation --------------------------------------------------------------------------------

const INTEGER = /^[1-9][0-9]{0,18}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** Every error of a report body (not the first only), in document order. */
export function validateReport(body: ReportBody): ReportError[] {
  const errors: ReportError[] = [];
  const err = (path: string, code: string, message: string) => errors.push({ path, code, message });
  const text = (path: string, value: string | undefined, max = 200) => {
    if (value === undefined || value.trim().length === 0) err(path, 'required', 'is required');
    else if (value.length > max) err(path, 'too_long', `has more than ${max} characters`);
  };
  const instant = (path: string, value: string | undefined) => {
    if (value === undefined || value.length === 0) err(path, 'required', 'is required');
    else if (!INSTANT.test(value) || Number.isNaN(Date.parse(value)))
      err(path, 'instant_invalid', 'is not a UTC instant');
  };
  const oneOf = (path: string, value: string | undefined, allowed: readonly string[]) => {
    if (value === undefined || value.length === 0) err(path, 'required', 'is required');
    else if (!allowed.includes(value)) err(path, 'value_unknown', `must be one of ${allowed.join(', ')}`);
  };
  const amount = (path: string, value: string | undefined) => {
    if (value === undefined || value.length === 0) err(path, 'required', 'is required');
    else if (!INTEGER.test(value) || BigInt(value) > 2n ** 63n - 1n) {
      err(path, 'amount_invalid', 'must be a positive integer of minor units');
    }
  };
  const currency = (path: string, value: string | undefined) => {
    if (value === undefined || value.length === 0) err(path, 'required', 'is required');
    else if (findCurrency(value) === undefined) err(path, 'currency_unknown', `${value} is not an ISO 4217 currency`);
  };

  if (!/^amr_[0-9A-Za-z]{1,40}$/.test(body.reportId)) err('/reportId', 'id_invalid', 'must be an amr_ id');
  oneOf('/kind', body.kind, REPORT_KINDS);
  text('/institutionCode', body.institutionCode, 64);
  text('/institutionName', body.institutionName);
  if (!Number.isInteger(body.utcOffsetMinutes) || Math.abs(body.utcOffsetMinutes) > 840) {
    err('/utcOffsetMinutes', 'offset_invalid', 'must be an integer from -840 to 840');
  }
  instant('/generatedAt', body.generatedAt);
  instant('/dueAt', body.dueAt);
  text('/configVersion', body.configVersion, 64);
  const large = body.kind === 'large_value';
  if (large) {
    if (body.businessDay === undefined || !isCalendarDate(body.businessDay)) {
      err('/businessDay', 'date_invalid', 'must be a calendar date YYYY-MM-DD');
    }
    if (body.caseId !== undefined) err('/caseId', 'not_allowed', 'a large-value report names no case');
    if (body.suspicion !== undefined) err('/suspicion', 'not_allowed', 'a large-value report has no suspicion');
  } else if (body.kind === 'suspicious') {
    text('/caseId', body.caseId, 64);
    if (body.businessDay !== undefined) err('/businessDay', 'not_allowed', 'a suspicious report has no business day');
    if (body.suspicion === undefined) err('/suspicion', 'required', 'is required');
    else {
      instant('/suspicion/decidedAt', body.suspicion.decidedAt);
      text('/suspicion/decidedBy', body.suspicion.decidedBy);
      text('/suspicion/reason', body.suspicion.reason, REPORT_TEXT_MAX);
      oneOf('/suspicion/subjectKind', body.suspicion.subjectKind, ['alert', 'screening_hit']);
      text('/suspicion/subjectId', body.suspicion.subjectId);
    }
    if (body.entries.length !== 1) err('/entries', 'count_invalid', 'a suspicious report has exactly one entry');
  }
  const transactionIds = new Set<string>();
  body.entries.forEach((e, i) => {
    const at = `/entries/${i}`;
    if (e.seq !== i + 1) err(`${at}/seq`, 'seq_invalid', `must be ${i + 1}`);
    text(`${at}/customerId`, e.customerId);
    oneOf(`${at}/customerType`, e.customerType, CUSTOMER_TYPES);
    if (large) {
      oneOf(`${at}/category`, e.category, LARGE_VALUE_CATEGORIES);
      oneOf(`${at}/direction`, e.direction, DIRECTIONS);
      currency(`${at}/currency`, e.currency);
      amount(`${at}/totalMinor`, e.totalMinor);
      amount(`${at}/thresholdMinor`, e.thresholdMinor);
      if (e.transactions.length === 0)
        err(`${at}/transactions`, 'required', 'a large-value entry lists its transactions');
    }
    let sum = 0n;
    let sumValid = true;
    e.transactions.forEach((t, j) => {
      const tp = `${at}/transactions/${j}`;
      text(`${tp}/id`, t.id);
      if (transactionIds.has(t.id)) err(`${tp}/id`, 'duplicate', `transaction ${t.id} is listed twice`);
      transactionIds.add(t.id);
      instant(`${tp}/occurredAt`, t.occurredAt);
      oneOf(`${tp}/direction`, t.direction, DIRECTIONS);
      oneOf(`${tp}/channel`, t.channel, CHANNELS);
      oneOf(`${tp}/region`, t.region, REGIONS);
      amount(`${tp}/amountMinor`, t.amountMinor);
      currency(`${tp}/currency`, t.currency);
      if (t.counterpartyName !== undefined && t.counterpartyName.length > REPORT_TEXT_MAX) {
        err(`${tp}/counterpartyName`, 'too_long', `has more than ${REPORT_TEXT_MAX} characters`);
      }
      if (t.counterpartyCountry !== undefined && !/^[A-Z]{2}$/.test(t.counterpartyCountry)) {
        err(`${tp}/counterpartyCountry`, 'country_invalid', 'must be ISO 3166 alpha-2');
      }
      if (INTEGER.test(t.amountMinor)) sum += BigInt(t.amountMinor);
      else sumValid = false;
      if (large) {
        if (e.currency !== undefined && t.currency !== e.currency) {
          err(`${tp}/currency`, 'currency_mismatch', `must be the entry's currency ${e.currency}`);
        }
        if (e.direction !== undefined && t.direction !== e.direction) {
          err(`${tp}/direction`, 'direction_mismatch', `must be the entry's direction ${e.direction}`);
        }
        if (INSTANT.test(t.occurredAt) && body.businessDay !== undefined && Number.isInteger(body.utcOffsetMinutes)) {
          const day = businessDayOf(new Date(t.occurredAt), body.utcOffsetMinutes);
          if (day !== body.businessDay)
            err(`${tp}/occurredAt`, 'day_mismatch', `falls on ${day}, not ${body.businessDay}`);
        }
      }
    });
    if (large && sumValid && e.totalMinor !== undefined && INTEGER.test(e.totalMinor)) {
      if (BigInt(e.totalMinor) !== sum) {
        err(`${at}/totalMinor`, 'total_mismatch', `is ${e.totalMinor} but the transactions sum to ${sum}`);
      }
      if (
        e.thresholdMinor !== undefined &&
        INTEGER.test(e.thresholdMinor) &&
        BigInt(e.totalMinor) < BigInt(e.thresholdMinor)
      ) {
        err(`${at}/totalMinor`, 'below_threshold', `is below the threshold ${e.thresholdMinor}`);
      }
    }
  });
  return errors;
}

function optionalText(element: XmlElement | undefined, name: string): string | undefined {
  const value = textAt(element, name);
  return value === undefined || value.length === 0 ? undefined : value;
}

/** Reads an XML report file back into a body and lists every error (a malformed file gives one). */
export function validateReportXml(xml: string): { body?: ReportBody; errors: ReportError[] } {
  const read = readXml(xml);
  if (!read.ok)
    return { errors: [{ path: '/', code: read.problem.code, message: JSON.stringify(read.problem.params) }] };
  const root = read.root;
  const errors: ReportError[] = [];
  if (root.name !== 'AmlReport' || root.namespace !== REPORT_NAMESPACE) {
    errors.push({ path: '/', code: 'root_invalid', message: `the root must be AmlReport in ${REPORT_NAMESPACE}` });
    return { errors };
  }
  const header = childOf(root, 'Header');
  const suspicion = childOf(root, 'Suspicion');
  const entries = childrenOf(root, 'Entry');
  const declared = optionalText(header, 'EntryCount');
  if (declared !== String(entries.length)) {
    errors.push({
      path: '/Header/EntryCount',
      code: 'count_mismatch',
      message: `says ${declared}, the file has ${entries.length}`,
    });
  }
  const offset = optionalText(header, 'UtcOffsetMinutes');
  const body: ReportBody = {
    reportId: optionalText(header, 'ReportId') ?? '',
    kind: optionalText(header, 'Kind') ?? '',
    institutionCode: optionalText(header, 'InstitutionCode') ?? '',
    institutionName: optionalText(header, 'InstitutionName') ?? '',
    utcOffsetMinutes: offset !== undefined && /^-?\d+$/.test(offset) ? Number(offset) : Number.NaN,
    ...(optionalText(header, 'BusinessDay') !== undefined ? { businessDay: optionalText(header, 'BusinessDay') } : {}),
    ...(optionalText(header, 'CaseId') !== undefined ? { caseId: optionalText(header, 'CaseId') } : {}),
    generatedAt: optionalText(header, 'GeneratedAt') ?? '',
    dueAt: optionalText(header, 'DueAt') ?? '',
    configVersion: optionalText(header, 'ConfigVersion') ?? '',
    ...(suspicion
      ? {
          suspicion: {
            decidedAt: optionalText(suspicion, 'DecidedAt') ?? '',
            decidedBy: optionalText(suspicion, 'DecidedBy') ?? '',
            reason: optionalText(suspicion, 'Reason') ?? '',
            subjectKind: optionalText(suspicion, 'SubjectKind') ?? '',
            subjectId: optionalText(suspicion, 'SubjectId') ?? '',
          },
        }
      : {}),
    entries: entries.map((e, i) => {
      const transactions = childrenOf(e, 'Transaction');
      const count = optionalText(e, 'TransactionCount');
      if (count !== String(transactions.length)) {
        errors.push({
          path: `/entries/${i}/TransactionCount`,
          code: 'count_mismatch',
          message: `says ${count}, the entry has ${transactions.length}`,
        });
      }
      const seq = e.attributes.seq;
      return {
        seq: seq !== undefined && /^\d+$/.test(seq) ? Number(seq) : Number.NaN,
        customerId: optionalText(e, 'CustomerId') ?? '',
        customerType: optionalText(e, 'CustomerType') ?? '',
        ...pick(e, [
          ['category', 'Category'],
          ['direction', 'Direction'],
          ['currency', 'Currency'],
          ['totalMinor', 'TotalMinor'],
          ['thresholdMinor', 'ThresholdMinor'],
        ]),
        transactions: transactions.map(
          (t) =>
            ({
              id: '',
              occurredAt: '',
              direction: '',
              channel: '',
              region: '',
              amountMinor: '',
              currency: '',
              ...pick(
                t,
                TRANSACTION_XML.map(([key, name]) => [key, name]),
              ),
            }) as ReportTransactionLine,
        ),
      };
    }),
  };
  return { body, errors: [...errors, ...validateReport(body)] };
}

function pick(element: XmlElement, fields: readonly (readonly [string, string])[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, name] of fields) {
    const value = optionalText(element, name);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Reads a CSV report file back into a body and lists every error (a malformed file gives one). */
export function validateReportCsv(csv: string): { body?: ReportBody; errors: ReportError[] } {
  let table: { header: readonly string[]; rows: readonly (readonly string[])[] };
  try {
    table = parseCsv(csv, { file: 'report.csv' });
  } catch (error) {
    if (error instanceof MlError) return { errors: [{ path: '/', code: 'csv_malformed', message: error.message }] };
    throw error;
  }
  const errors: ReportError[] = [];
  const expected = REPORT_CSV_COLUMNS.join(',');
  if (table.header.join(',') !== expected) {
    errors.push({ path: 'line 1', code: 'header_invalid', message: `the header must be ${expected}` });
    return { errors };
  }
  if (table.rows.length === 0)
    return { errors: [{ path: 'line 2', code: 'required', message: 'the report has no rows' }] };
  const col = (row: readonly string[], name: (typeof REPORT_CSV_COLUMNS)[number]) =>
    row[REPORT_CSV_COLUMNS.indexOf(name)] ?? '';
  const opt = (v: string) => (v.length === 0 ? undefined : v);
  const first = table.rows[0] as readonly string[];
  const headColumns = REPORT_CSV_COLUMNS.slice(0, 15);
  const entries = new Map<
    string,
    { entry: Omit<ReportEntry, 'transactions'>; transactions: ReportTransactionLine[] }
  >();
  table.rows.forEach((row, i) => {
    for (const name of headColumns) {
      if (col(row, name) !== col(first, name)) {
        errors.push({
          path: `line ${i + 2} column ${name}`,
          code: 'header_field_mismatch',
          message: 'differs from line 2',
        });
      }
    }
    const seq = col(row, 'entry_seq');
    if (seq === '' && table.rows.length === 1) return;
    let group = entries.get(seq);
    if (group === undefined) {
      group = {
        entry: {
          seq: /^\d+$/.test(seq) ? Number(seq) : Number.NaN,
          customerId: col(row, 'customer_id'),
          customerType: col(row, 'customer_type'),
          ...defined({
            category: opt(col(row, 'category')),
            direction: opt(col(row, 'entry_direction')),
            currency: opt(col(row, 'entry_currency')),
            totalMinor: opt(col(row, 'total_minor')),
            thresholdMinor: opt(col(row, 'threshold_minor')),
          }),
        },
        transactions: [],
      };
      entries.set(seq, group);
    }
    if (col(row, 'transaction_id').length > 0) {
      group.transactions.push({
        id: col(row, 'transaction_id'),
        occurredAt: col(row, 'occurred_at'),
        direction: col(row, 'direction'),
        channel: col(row, 'channel'),
        region: col(row, 'region'),
        amountMinor: col(row, 'amount_minor'),
        currency: col(row, 'currency'),
        ...defined({
          counterpartyName: opt(col(row, 'counterparty_name')),
          counterpartyAccount: opt(col(row, 'counterparty_account')),
          counterpartyInstitution: opt(col(row, 'counterparty_institution')),
          counterpartyCountry: opt(col(row, 'counterparty_country')),
        }),
      });
    }
  });
  const offset = col(first, 'utc_offset_minutes');
  const hasSuspicion = col(first, 'suspicion_reason').length > 0 || col(first, 'suspicion_decided_at').length > 0;
  const body: ReportBody = {
    reportId: col(first, 'report_id'),
    kind: col(first, 'kind'),
    institutionCode: col(first, 'institution_code'),
    institutionName: col(first, 'institution_name'),
    utcOffsetMinutes: /^-?\d+$/.test(offset) ? Number(offset) : Number.NaN,
    ...defined({ businessDay: opt(col(first, 'business_day')), caseId: opt(col(first, 'case_id')) }),
    generatedAt: col(first, 'generated_at'),
    dueAt: col(first, 'due_at'),
    configVersion: col(first, 'config_version'),
    ...(hasSuspicion
      ? {
          suspicion: {
            decidedAt: col(first, 'suspicion_decided_at'),
            decidedBy: col(first, 'suspicion_decided_by'),
            reason: col(first, 'suspicion_reason'),
            subjectKind: col(first, 'suspicion_subject_kind'),
            subjectId: col(first, 'suspicion_subject_id'),
          },
        }
      : {}),
    entries: [...entries.values()].map((g) => ({ ...g.entry, transactions: g.transactions })),
  };
  return { body, errors: [...errors, ...validateReport(body)] };
}

function defined<T extends Record<string, string | undefined>>(fields: T): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
}
