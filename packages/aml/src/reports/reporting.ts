// Configuration of PBoC reporting: thresholds, time zone, working-day calendar, deadlines and the institution, with a version that identifies it in every report.
import { createHash } from 'node:crypto';
import { canonicalJson } from '@zhirong/kernel';
import { DEFAULT_THRESHOLDS, type Thresholds, type WorkingCalendar } from './transaction.ts';

export interface ReportingConfig {
  readonly thresholds: Thresholds;
  /** Minutes east of UTC of the calendar days transactions are aggregated by (480: Beijing time). */
  readonly utcOffsetMinutes: number;
  readonly calendar: WorkingCalendar;
  /**
   * Art. 15: a large-value report within 5 working days of the transaction's day; art. 19: a
   * suspicious report no later than 5 working days after it was judged suspicious.
   */
  readonly largeValueWorkingDays: number;
  readonly suspiciousWorkingDays: number;
  /** How far before a suspicious case was opened its customer's transactions are listed, in days. */
  readonly suspiciousLookbackDays: number;
  readonly institution: { readonly code: string; readonly name: string };
}

export const DEFAULT_REPORTING: ReportingConfig = {
  thresholds: DEFAULT_THRESHOLDS,
  utcOffsetMinutes: 480,
  calendar: { holidays: new Set(), workingWeekendDays: new Set() },
  largeValueWorkingDays: 5,
  suspiciousWorkingDays: 5,
  suspiciousLookbackDays: 30,
  institution: { code: 'ZHIRONG-DEV', name: 'Zhirong development institution' },
};

/** A short digest of the configuration: reports carry it so that a report can be regenerated and compared. */
export function configVersion(config: ReportingConfig): string {
  const digest = createHash('sha256')
    .update(
      canonicalJson({
        thresholds: config.thresholds,
        utcOffsetMinutes: config.utcOffsetMinutes,
        holidays: [...config.calendar.holidays].sort(),
        workingWeekendDays: [...config.calendar.workingWeekendDays].sort(),
        largeValueWorkingDays: config.largeValueWorkingDays,
        suspiciousWorkingDays: config.suspiciousWorkingDays,
        suspiciousLookbackDays: config.suspiciousLookbackDays,
        institution: config.institution,
      }),
    )
    .digest('hex');
  return `pboc-v1-${digest.slice(0, 12)}`;
}
