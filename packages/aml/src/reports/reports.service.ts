// PBoC reporting: records the transactions fed from outside AML, aggregates them per customer per day against the thresholds, generates large-value and suspicious reports (XML + CSV, validated), tracks their deadlines and records their submission.
import { createHash } from 'node:crypto';
import { canonicalJson, formatId } from '@zhirong/kernel';
import type { AmlDeps } from '../cases/case.ts';
import * as cases from '../cases/cases.repository.ts';
import type { AmlCaseService } from '../cases/cases.service.ts';
import { AmlError } from '../errors.ts';
import {
  type ReportBody,
  type ReportEntry,
  type ReportError,
  type ReportKind,
  type ReportTransactionLine,
  reportCsv,
  reportXml,
  validateReport,
  validateReportCsv,
  validateReportXml,
} from './report-format.ts';
import { configVersion, DEFAULT_REPORTING, type ReportingConfig } from './reporting.ts';
import type { ReportRecord } from './reports.repository.ts';
import * as repo from './reports.repository.ts';
import {
  addWorkingDays,
  aggregateDaily,
  businessDayOf,
  type DailyAggregate,
  endOfLocalDay,
  isCalendarDate,
  type ReportableTransaction,
  transactionProblem,
} from './transaction.ts';

export const REPORT_PREFIX = 'amr';
export const REPORT_GENERATED_TOPIC = 'aml.report.generated';
export const REPORT_SUBMITTED_TOPIC = 'aml.report.submitted';
/** Transactions recorded per call. */
export const RECORD_BATCH_MAX = 10_000;
/** Transactions listed in one suspicious report. */
const SUSPICIOUS_TRANSACTIONS_MAX = 10_000;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function transactionFingerprint(t: ReportableTransaction): string {
  return sha256(canonicalJson({ ...t, occurredAt: t.occurredAt.toISOString() }));
}

function line(t: ReportableTransaction): ReportTransactionLine {
  return {
    id: t.id,
    occurredAt: t.occurredAt.toISOString(),
    direction: t.direction,
    channel: t.channel,
    region: t.region,
    amountMinor: t.amountMinor.toString(),
    currency: t.currency,
    ...(t.counterparty.name !== undefined ? { counterpartyName: t.counterparty.name } : {}),
    ...(t.counterparty.accountId !== undefined ? { counterpartyAccount: t.counterparty.accountId } : {}),
    ...(t.counterparty.institution !== undefined ? { counterpartyInstitution: t.counterparty.institution } : {}),
    ...(t.counterparty.country !== undefined ? { counterpartyCountry: t.counterparty.country } : {}),
  };
}

export class AmlReportService {
  readonly #deps: AmlDeps;
  readonly #config: ReportingConfig;
  readonly #version: string;
  readonly #cases: AmlCaseService;

  constructor(deps: AmlDeps, caseService: AmlCaseService, config: ReportingConfig = DEFAULT_REPORTING) {
    this.#deps = deps;
    this.#config = config;
    this.#version = configVersion(config);
    this.#cases = caseService;
  }

  get config(): ReportingConfig {
    return this.#config;
  }

  get configVersion(): string {
    return this.#version;
  }

  /**
   * Records transactions for reporting. Each id is recorded once: the same id with the same content
   * again is a duplicate (ignored), with other content a conflict (the whole batch is refused).
   */
  async recordTransactions(
    transactions: readonly ReportableTransaction[],
  ): Promise<{ recorded: number; duplicates: number }> {
    if (transactions.length > RECORD_BATCH_MAX) throw new Error(`recordTransactions: at most ${RECORD_BATCH_MAX}`);
    const rows = transactions.map((t) => {
      const problem = transactionProblem(t);
      if (problem !== undefined) throw new AmlError('transaction_invalid', { id: t.id, reason: problem });
      return {
        t,
        businessDay: businessDayOf(t.occurredAt, this.#config.utcOffsetMinutes),
        fingerprint: transactionFingerprint(t),
      };
    });
    return this.#deps.db.transaction().execute(async (trx) => {
      const { inserted, fingerprints } = await repo.insertTransactions(trx, rows, this.#deps.clock.now());
      for (const r of rows) {
        if (fingerprints.get(r.t.id) !== r.fingerprint) throw new AmlError('transaction_conflict', { id: r.t.id });
      }
      return { recorded: inserted.size, duplicates: rows.length - inserted.size };
    });
  }

  /** Every aggregate of a business day, reportable or not (the working behind a large-value report). */
  async aggregates(businessDay: string): Promise<DailyAggregate[]> {
    if (!isCalendarDate(businessDay)) throw new AmlError('report_date_invalid', { value: businessDay });
    const transactions = await repo.transactionsOfDay(this.#deps.db, businessDay);
    return aggregateDaily(transactions, this.#config.thresholds, this.#config.utcOffsetMinutes);
  }

  /**
   * The large-value report of a business day: every customer total at or above its threshold, with
   * the transactions that make it up. Generated once per day; asking again returns the stored one.
   */
  async generateLargeValue(businessDay: string, by: string): Promise<{ report: ReportRecord; created: boolean }> {
    const aggregates = (await this.aggregates(businessDay)).filter((a) => a.reportable);
    const transactions = new Map(
      (
        await repo.transactionsByIds(
          this.#deps.db,
          aggregates.flatMap((a) => a.transactionIds),
        )
      ).map((t) => [t.id, t]),
    );
    const entries: ReportEntry[] = aggregates.map((a, i) => ({
      seq: i + 1,
      customerId: a.customerId,
      customerType: a.customerType,
      category: a.category,
      direction: a.direction,
      currency: a.currency,
      totalMinor: a.totalMinor.toString(),
      thresholdMinor: (a.thresholdMinor as bigint).toString(),
      transactions: a.transactionIds.map((id) => line(transactions.get(id) as ReportableTransaction)),
    }));
    const due = endOfLocalDay(
      addWorkingDays(businessDay, this.#config.largeValueWorkingDays, this.#config.calendar),
      this.#config.utcOffsetMinutes,
    );
    return this.#store('large_value', { businessDay }, entries, due, by);
  }

  /**
   * The suspicious-transaction report of a case decided `suspicious`: the customer, the analyst's
   * reasons, and the transactions named in the case's evidence (`transactionIds`) or else the
   * customer's recorded transactions from the lookback before the case opened until its decision.
   */
  async generateSuspicious(caseId: string, by: string): Promise<{ report: ReportRecord; created: boolean }> {
    const c = (await cases.caseById(this.#deps.db, caseId)) ?? this.#caseMissing(caseId);
    if (c.decision !== 'suspicious' || c.closedAt === null) throw new AmlError('case_not_suspicious', { id: caseId });
    const named = (c.evidence as { transactionIds?: unknown } | null)?.transactionIds;
    const transactions = Array.isArray(named)
      ? await repo.transactionsByIds(this.#deps.db, named.map(String).slice(0, SUSPICIOUS_TRANSACTIONS_MAX))
      : await repo.transactionsOfCustomer(
          this.#deps.db,
          c.customerId,
          new Date(c.openedAt.getTime() - this.#config.suspiciousLookbackDays * 86_400_000),
          c.closedAt,
          SUSPICIOUS_TRANSACTIONS_MAX,
        );
    const customerType = transactions[0]?.customerType ?? (await repo.customerTypeOf(this.#deps.db, c.customerId));
    if (customerType === undefined) throw new AmlError('kyc_profile_not_found', { customer: c.customerId });
    const entries: ReportEntry[] = [
      { seq: 1, customerId: c.customerId, customerType, transactions: transactions.map(line) },
    ];
    const judgedDay = businessDayOf(c.closedAt, this.#config.utcOffsetMinutes);
    const due = endOfLocalDay(
      addWorkingDays(judgedDay, this.#config.suspiciousWorkingDays, this.#config.calendar),
      this.#config.utcOffsetMinutes,
    );
    return this.#store(
      'suspicious',
      {
        caseId: c.id,
        suspicion: {
          decidedAt: c.closedAt.toISOString(),
          decidedBy: c.closedBy ?? '',
          reason: c.decisionReason ?? '',
          subjectKind: c.subject.kind,
          subjectId: c.subject.id,
        },
      },
      entries,
      due,
      by,
    );
  }

  #caseMissing(id: string): never {
    throw new AmlError('aml_case_not_found', { id });
  }

  async #store(
    kind: ReportKind,
    extra: Pick<ReportBody, 'businessDay' | 'caseId' | 'suspicion'>,
    entries: ReportEntry[],
    dueAt: Date,
    by: string,
  ): Promise<{ report: ReportRecord; created: boolean }> {
    const id = this.#deps.ids.uuid();
    const generatedAt = this.#deps.clock.now();
    const body: ReportBody = {
      reportId: formatId(REPORT_PREFIX, id),
      kind,
      institutionCode: this.#config.institution.code,
      institutionName: this.#config.institution.name,
      utcOffsetMinutes: this.#config.utcOffsetMinutes,
      ...extra,
      generatedAt: generatedAt.toISOString(),
      dueAt: dueAt.toISOString(),
      configVersion: this.#version,
      entries,
    };
    const xml = reportXml(body);
    const csv = reportCsv(body);
    const record: ReportRecord = {
      id,
      kind,
      businessDay: extra.businessDay ?? null,
      caseId: extra.caseId ?? null,
      status: 'generated',
      entryCount: entries.length,
      body,
      xml,
      csv,
      xmlSha256: sha256(xml),
      csvSha256: sha256(csv),
      validationErrors: validateReport(body),
      configVersion: this.#version,
      generatedAt,
      dueAt,
      submittedAt: null,
      submittedBy: null,
      submissionReference: null,
    };
    return this.#deps.db.transaction().execute(async (trx) => {
      const { stored, created } = await repo.insertReport(trx, record);
      if (created) {
        if (stored.caseId !== null) await this.#cases.recordReported(trx, stored.caseId, stored.id, by);
        await this.#deps.outbox.enqueue(trx, [
          {
            topic: REPORT_GENERATED_TOPIC,
            key: formatId(REPORT_PREFIX, stored.id),
            payload: {
              reportId: formatId(REPORT_PREFIX, stored.id),
              kind,
              businessDay: stored.businessDay,
              caseId: stored.caseId,
              entryCount: stored.entryCount,
              xmlSha256: stored.xmlSha256,
              csvSha256: stored.csvSha256,
              configVersion: stored.configVersion,
              dueAt: stored.dueAt.toISOString(),
              generatedBy: by,
            },
          },
        ]);
      }
      return { report: stored, created };
    });
  }

  async get(id: string): Promise<ReportRecord> {
    return (await repo.reportById(this.#deps.db, id)) ?? this.#reportMissing(id);
  }

  #reportMissing(id: string): never {
    throw new AmlError('report_not_found', { id: formatId(REPORT_PREFIX, id) });
  }

  list(filter: {
    kind?: ReportKind;
    status?: 'generated' | 'submitted';
    overdue?: boolean;
    limit?: number;
  }): Promise<ReportRecord[]> {
    return repo.listReports(this.#deps.db, {
      ...(filter.kind ? { kind: filter.kind } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.overdue ? { overdueAt: this.#deps.clock.now() } : {}),
      limit: Math.min(Math.max(filter.limit ?? 50, 1), 500),
    });
  }

  /** Validates the stored files as a regulator would read them: the XML and the CSV, every error of each. */
  async validate(id: string): Promise<{ xml: ReportError[]; csv: ReportError[] }> {
    const report = await this.get(id);
    return { xml: validateReportXml(report.xml).errors, csv: validateReportCsv(report.csv).errors };
  }

  /**
   * Records the submission of a report's file (validated first: a report with any error is refused
   * with the list), whether it was on time, and emits an event for the evidence log.
   */
  async submit(id: string, input: { format: 'xml' | 'csv'; reference: string }, by: string): Promise<ReportRecord> {
    const checked = await this.validate(id);
    const errors = input.format === 'xml' ? checked.xml : checked.csv;
    if (errors.length > 0) {
      throw new AmlError('report_invalid', { id: formatId(REPORT_PREFIX, id), count: errors.length, errors });
    }
    const at = this.#deps.clock.now();
    return this.#deps.db.transaction().execute(async (trx) => {
      const report = (await repo.reportById(trx, id, true)) ?? this.#reportMissing(id);
      if (report.status === 'submitted') throw new AmlError('report_submitted', { id: formatId(REPORT_PREFIX, id) });
      const sha = input.format === 'xml' ? report.xmlSha256 : report.csvSha256;
      const onTime = at.getTime() <= report.dueAt.getTime();
      await repo.recordSubmission(trx, {
        id: this.#deps.ids.uuid(),
        reportId: id,
        format: input.format,
        sha256: sha,
        reference: input.reference,
        by,
        at,
        onTime,
      });
      await this.#deps.outbox.enqueue(trx, [
        {
          topic: REPORT_SUBMITTED_TOPIC,
          key: formatId(REPORT_PREFIX, id),
          payload: {
            reportId: formatId(REPORT_PREFIX, id),
            kind: report.kind,
            format: input.format,
            sha256: sha,
            reference: input.reference,
            submittedBy: by,
            submittedAt: at.toISOString(),
            dueAt: report.dueAt.toISOString(),
            onTime,
          },
        },
      ]);
      return { ...report, status: 'submitted', submittedAt: at, submittedBy: by, submissionReference: input.reference };
    });
  }
}
