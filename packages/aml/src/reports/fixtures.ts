// Hand-checked transactions for the reporting tests: Beijing business day 2026-06-01 (2026-05-31T16:00Z to 2026-06-01T16:00Z), totals at, under and over the art. 5 thresholds.
import type { ReportableTransaction } from './transaction.ts';

const at = (iso: string) => new Date(iso);
const base = { counterparty: {} } as const;

export const DAY = '2026-06-01';

export const FIXTURE: readonly ReportableTransaction[] = [
  // Customer A, personal. Cash received: 30,000.00 + 19,999.99 + 0.01 = 50,000.00 CNY, exactly the threshold.
  { ...base, id: 't1', customerId: 'A', customerType: 'personal', channel: 'cash', region: 'domestic', direction: 'in', amountMinor: 3_000_000n, currency: 'CNY', occurredAt: at('2026-06-01T01:00:00Z') },
  { ...base, id: 't2', customerId: 'A', customerType: 'personal', channel: 'cash', region: 'domestic', direction: 'in', amountMinor: 1_999_999n, currency: 'CNY', occurredAt: at('2026-06-01T09:00:00Z') },
  // 00:00 Beijing time on 1 June: the first instant of the day.
  { ...base, id: 't8', customerId: 'A', customerType: 'personal', channel: 'cash', region: 'domestic', direction: 'in', amountMinor: 1n, currency: 'CNY', occurredAt: at('2026-05-31T16:00:00Z') },
  // Cash paid out: 49,999.99, one cent under (receipts and payments are not added together).
  { ...base, id: 't3', customerId: 'A', customerType: 'personal', channel: 'cash', region: 'domestic', direction: 'out', amountMinor: 4_999_999n, currency: 'CNY', occurredAt: at('2026-06-01T03:00:00Z') },
  // Domestic transfers out: 300,000 + 200,000 = 500,000 CNY, at the threshold.
  { id: 't4', customerId: 'A', customerType: 'personal', channel: 'transfer', region: 'domestic', direction: 'out', amountMinor: 30_000_000n, currency: 'CNY', occurredAt: at('2026-06-01T04:00:00Z'), counterparty: { name: '李四', accountId: '6222020000000001', institution: 'ICBKCNBJ', country: 'CN' } },
  { id: 't5', customerId: 'A', customerType: 'personal', channel: 'transfer', region: 'domestic', direction: 'out', amountMinor: 20_000_000n, currency: 'CNY', occurredAt: at('2026-06-01T05:00:00Z'), counterparty: { name: 'Wang, "Five" & Co <x>' } },
  // Cross-border out: USD 9,999.99, under USD 10,000.
  { ...base, id: 't6', customerId: 'A', customerType: 'personal', channel: 'transfer', region: 'cross_border', direction: 'out', amountMinor: 999_999n, currency: 'USD', occurredAt: at('2026-06-01T06:00:00Z') },
  // 00:00 Beijing time on 2 June: the next day.
  { ...base, id: 't7', customerId: 'A', customerType: 'personal', channel: 'cash', region: 'domestic', direction: 'in', amountMinor: 5_000_000n, currency: 'CNY', occurredAt: at('2026-06-01T16:00:00Z') },
  // Customer B, corporate: CNY 1,999,999.99 in (under 2,000,000); USD 200,000 cross-border out (a corporate transfer, at the threshold).
  { ...base, id: 'b1', customerId: 'B', customerType: 'corporate', channel: 'transfer', region: 'domestic', direction: 'in', amountMinor: 199_999_999n, currency: 'CNY', occurredAt: at('2026-06-01T02:00:00Z') },
  { ...base, id: 'b2', customerId: 'B', customerType: 'corporate', channel: 'transfer', region: 'cross_border', direction: 'out', amountMinor: 20_000_000n, currency: 'USD', occurredAt: at('2026-06-01T02:30:00Z') },
  // Customer C: EUR cash, no threshold configured for EUR — aggregated, never reportable.
  { ...base, id: 'c1', customerId: 'C', customerType: 'personal', channel: 'cash', region: 'domestic', direction: 'in', amountMinor: 9_000_000n, currency: 'EUR', occurredAt: at('2026-06-01T02:00:00Z') },
];
