// Proves PBoC reporting on a real database: transactions recorded once (repeat ignored, changed repeat refused), the large-value report of a day with hand-checked entries and its working-day deadline, XML and CSV files that validate and read back to the same report, a submission recorded with its punctuality, a suspicious report only from a case decided suspicious, and an outbox event for every report and submission.
import { testBackends } from '@zhirong/db/testing';
import { formatId } from '@zhirong/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmlTestBed, openAmlTestBed } from '../testing.ts';
import { DAY, FIXTURE } from './fixtures.ts';
import { validateReportCsv, validateReportXml } from './report-format.ts';
import { DEFAULT_REPORTING } from './reporting.ts';

describe.each(testBackends())('AML reports on %s', (backend) => {
  let bed: AmlTestBed;
  beforeAll(async () => {
    bed = await openAmlTestBed(backend, {
      start: Date.UTC(2026, 5, 2, 1),
      reporting: {
        ...DEFAULT_REPORTING,
        calendar: { holidays: new Set(['2026-06-03']), workingWeekendDays: new Set() },
        institution: { code: 'C1234567890', name: '智融测试银行' },
      },
    });
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('records transactions once and refuses a changed repeat', async () => {
    expect(await bed.reports.recordTransactions(FIXTURE)).toEqual({ recorded: FIXTURE.length, duplicates: 0 });
    expect(await bed.reports.recordTransactions(FIXTURE.slice(0, 3))).toEqual({ recorded: 0, duplicates: 3 });
    const changed = { ...(FIXTURE[0] as (typeof FIXTURE)[number]), amountMinor: 3_000_001n };
    await expect(bed.reports.recordTransactions([changed])).rejects.toMatchObject({ code: 'transaction_conflict' });
    const negative = { ...changed, id: 'neg', amountMinor: -5n };
    await expect(bed.reports.recordTransactions([negative])).rejects.toMatchObject({ code: 'transaction_invalid' });
  });

  it('generates the large-value report of a day, validates and submits it', async () => {
    const { report, created } = await bed.reports.generateLargeValue(DAY, 'officer');
    expect(created).toBe(true);
    expect(report.body.entries.map((e) => [e.customerId, e.category, e.direction, e.currency, e.totalMinor])).toEqual([
      ['A', 'cash', 'in', 'CNY', '5000000'],
      ['A', 'personal_domestic_transfer', 'out', 'CNY', '50000000'],
      ['B', 'corporate_transfer', 'out', 'USD', '20000000'],
    ]);
    expect(report.body.entries[1]?.transactions.map((t) => t.counterpartyName)).toEqual([
      '李四',
      'Wang, "Five" & Co <x>',
    ]);
    // Monday 1 June + 5 working days with 3 June a holiday: Tuesday 9 June, end of day in Beijing.
    expect(report.dueAt.toISOString()).toBe('2026-06-09T16:00:00.000Z');
    expect(report.validationErrors).toEqual([]);
    expect(report.xml).toContain('<InstitutionName>智融测试银行</InstitutionName>');

    const again = await bed.reports.generateLargeValue(DAY, 'officer');
    expect(again).toMatchObject({ created: false, report: { id: report.id } });

    const xml = validateReportXml(report.xml);
    const csv = validateReportCsv(report.csv);
    expect(xml.errors).toEqual([]);
    expect(csv.errors).toEqual([]);
    expect(xml.body).toEqual(report.body);
    expect(csv.body).toEqual(report.body);
    expect(await bed.reports.validate(report.id)).toEqual({ xml: [], csv: [] });

    expect((await bed.reports.list({ overdue: true })).map((r) => r.id)).toEqual([]);
    bed.clock.advance(60_000);
    const submitted = await bed.reports.submit(report.id, { format: 'xml', reference: 'PBOC-2026-0001' }, 'officer');
    expect(submitted).toMatchObject({ status: 'submitted', submissionReference: 'PBOC-2026-0001' });
    await expect(bed.reports.submit(report.id, { format: 'csv', reference: 'again' }, 'officer')).rejects.toMatchObject(
      { code: 'report_submitted' },
    );
    expect((await bed.reports.list({ status: 'submitted' })).map((r) => r.id)).toEqual([report.id]);
  });

  it('reports a case decided suspicious, and only such a case', async () => {
    const [opened] = await bed.cases.openCases(
      [
        {
          subject: { kind: 'alert', id: 'alert-structuring-1' },
          customerId: 'A',
          summary: 'structuring under the cash threshold',
          evidence: { transactionIds: ['t4', 't5'] },
        },
      ],
      'monitoring',
    );
    const caseId = opened?.case.id as string;
    await expect(bed.reports.generateSuspicious(caseId, 'officer')).rejects.toMatchObject({
      code: 'case_not_suspicious',
    });
    // Decided Thursday 4 June 10:00 Beijing time: due 5 working days later, Thursday 11 June.
    bed.clock.set(Date.UTC(2026, 5, 4, 2));
    await bed.cases.decide(caseId, 'suspicious', '两笔转账金额刚好凑满 50 万元，资金来源不明。', 'mlro');
    const { report } = await bed.reports.generateSuspicious(caseId, 'officer');
    expect(report.kind).toBe('suspicious');
    expect(report.dueAt.toISOString()).toBe('2026-06-11T16:00:00.000Z');
    expect(report.body.suspicion).toMatchObject({ decidedBy: 'mlro', subjectKind: 'alert' });
    expect(report.body.entries[0]?.transactions.map((t) => t.id)).toEqual(['t4', 't5']);
    expect(report.validationErrors).toEqual([]);
    expect(validateReportCsv(report.csv).body).toEqual(report.body);
    const trail = await bed.cases.trail(caseId);
    expect(trail.at(-1)).toMatchObject({ action: 'reported', detail: { reportId: report.id } });

    // Past the deadline and not submitted: overdue.
    bed.clock.set(Date.UTC(2026, 5, 11, 16, 0, 1));
    expect((await bed.reports.list({ overdue: true })).map((r) => r.id)).toEqual([report.id]);
    const late = await bed.reports.submit(report.id, { format: 'csv', reference: 'late' }, 'officer');
    expect(late.status).toBe('submitted');

    const topics = await bed.outboxTopics();
    expect(topics.filter((t) => t === 'aml.report.generated')).toHaveLength(2);
    expect(topics.filter((t) => t === 'aml.report.submitted')).toHaveLength(2);
    expect(formatId('amr', report.id)).toBe(report.body.reportId);
  });
});
