// Proves the report validator lists every error, not the first: a tampered XML or CSV file gives one error per broken field (totals, currencies, days, counts, required fields), and a malformed file is refused with its reason.
import { describe, expect, it } from 'vitest';
import { DAY, FIXTURE } from './fixtures.ts';
import {
  type ReportBody,
  reportCsv,
  reportXml,
  validateReport,
  validateReportCsv,
  validateReportXml,
} from './report-format.ts';
import { aggregateDaily, DEFAULT_THRESHOLDS } from './transaction.ts';

function body(): ReportBody {
  const byId = new Map(FIXTURE.map((t) => [t.id, t]));
  const entries = aggregateDaily(FIXTURE, DEFAULT_THRESHOLDS, 480)
    .filter((a) => a.reportable && a.businessDay === DAY)
    .map((a, i) => ({
      seq: i + 1,
      customerId: a.customerId,
      customerType: a.customerType,
      category: a.category,
      direction: a.direction,
      currency: a.currency,
      totalMinor: a.totalMinor.toString(),
      thresholdMinor: String(a.thresholdMinor),
      transactions: a.transactionIds.map((id) => {
        const t = byId.get(id);
        if (!t) throw new Error(id);
        return {
          id,
          occurredAt: t.occurredAt.toISOString(),
          direction: t.direction,
          channel: t.channel,
          region: t.region,
          amountMinor: t.amountMinor.toString(),
          currency: t.currency,
        };
      }),
    }));
  return {
    reportId: 'amr_01jx0000000000000000000000',
    kind: 'large_value',
    institutionCode: 'C1',
    institutionName: 'Bank',
    utcOffsetMinutes: 480,
    businessDay: DAY,
    generatedAt: '2026-06-02T01:00:00.000Z',
    dueAt: '2026-06-08T16:00:00.000Z',
    configVersion: 'pboc-v1-test',
    entries,
  };
}

describe('report validation', () => {
  it('accepts a well-formed report in both formats', () => {
    const b = body();
    expect(validateReport(b)).toEqual([]);
    expect(validateReportXml(reportXml(b))).toEqual({ body: b, errors: [] });
    expect(validateReportCsv(reportCsv(b))).toEqual({ body: b, errors: [] });
  });

  it('writes and reads back a report without entries', () => {
    const empty = { ...body(), entries: [] };
    expect(validateReportCsv(reportCsv(empty))).toEqual({ body: empty, errors: [] });
    expect(validateReportXml(reportXml(empty))).toEqual({ body: empty, errors: [] });
  });

  it('lists every error of a tampered XML file', () => {
    const xml = reportXml(body())
      .replace('<TotalMinor>5000000</TotalMinor>', '<TotalMinor>5000001</TotalMinor>')
      .replace('<InstitutionName>Bank</InstitutionName>', '')
      .replace('<Currency>USD</Currency>', '<Currency>XXY</Currency>')
      .replace('<OccurredAt>2026-05-31T16:00:00.000Z</OccurredAt>', '<OccurredAt>2026-05-31T15:00:00.000Z</OccurredAt>')
      .replace('<EntryCount>3</EntryCount>', '<EntryCount>4</EntryCount>');
    const { errors } = validateReportXml(xml);
    expect(errors.map((e) => [e.path, e.code])).toEqual(
      expect.arrayContaining([
        ['/Header/EntryCount', 'count_mismatch'],
        ['/institutionName', 'required'],
        ['/entries/0/totalMinor', 'total_mismatch'],
        ['/entries/0/transactions/2/occurredAt', 'day_mismatch'],
        ['/entries/2/currency', 'currency_unknown'],
        ['/entries/2/transactions/0/currency', 'currency_mismatch'],
      ]),
    );
    expect(errors).toHaveLength(6);
  });

  it('lists every error of a tampered CSV file', () => {
    const lines = reportCsv(body()).split('\r\n');
    lines[1] = (lines[1] as string).replace(',3000000,CNY,', ',-3,CNY,');
    lines[4] = (lines[4] as string).replace(
      ',personal_domestic_transfer,out,',
      ',personal_domestic_transfer,sideways,',
    );
    const { errors } = validateReportCsv(lines.join('\r\n'));
    // The changed entry direction also leaves its two transactions disagreeing with it.
    expect(errors.map((e) => [e.path, e.code])).toEqual([
      ['/entries/0/transactions/0/amountMinor', 'amount_invalid'],
      ['/entries/1/direction', 'value_unknown'],
      ['/entries/1/transactions/0/direction', 'direction_mismatch'],
      ['/entries/1/transactions/1/direction', 'direction_mismatch'],
    ]);
  });

  it('refuses a malformed file with its reason', () => {
    expect(validateReportXml('<AmlReport><Header></AmlReport>').errors[0]?.code).toBe('xml_malformed');
    expect(validateReportXml('<Other/>').errors[0]?.code).toBe('root_invalid');
    expect(validateReportCsv('a,b\n1,2\n').errors[0]?.code).toBe('header_invalid');
    expect(validateReportCsv(`${reportCsv(body())}"unterminated\r\n`).errors[0]?.code).toBe('csv_malformed');
  });

  it('checks a suspicious report has its case, reasons, one entry and no business day', () => {
    const errors = validateReport({ ...body(), kind: 'suspicious' });
    expect(errors.map((e) => e.path)).toEqual(['/caseId', '/businessDay', '/suspicion', '/entries']);
  });
});
