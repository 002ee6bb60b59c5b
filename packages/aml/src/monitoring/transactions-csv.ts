// Reads a transactions CSV for the batch detector through a column map (id, from, to, amount, time; optional currency, cash).
import { parseAmount } from '@zhirong/kernel';
import { MlError, parseCsv } from '@zhirong/ml';
import { AmlError } from '../errors.ts';
import type { MonitoredTransaction } from './monitor.ts';

export interface ColumnMap {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly amount: string;
  readonly time: string;
  /** Optional: an ISO 4217 code per row (default: the `currency` option, CNY). */
  readonly currency?: string;
  /** Optional: a column whose value `cash`, `cash_deposit`, `cash_withdrawal`, `true` or `1` marks a cash movement. */
  readonly cash?: string;
}

const REQUIRED = ['id', 'from', 'to', 'amount', 'time'] as const;
const OPTIONAL = ['currency', 'cash'] as const;

/** `id=event_id,from=from_account_id,…` → a column map; every required key once, no unknown key. */
export function parseColumnMap(text: string): ColumnMap {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const [key, column, ...rest] = part.split('=');
    if (key === undefined || column === undefined || rest.length > 0 || column.trim() === '') {
      throw new AmlError('transactions_map_invalid', { reason: `"${part}" is not KEY=COLUMN` });
    }
    const k = key.trim();
    if (!(REQUIRED as readonly string[]).includes(k) && !(OPTIONAL as readonly string[]).includes(k)) {
      throw new AmlError('transactions_map_invalid', { reason: `unknown key ${k}` });
    }
    if (out[k] !== undefined) throw new AmlError('transactions_map_invalid', { reason: `${k} given twice` });
    out[k] = column.trim();
  }
  for (const k of REQUIRED)
    if (out[k] === undefined) throw new AmlError('transactions_map_invalid', { reason: `${k} is missing` });
  return out as unknown as ColumnMap;
}

const NUMERIC_TIME = /^\d{9,13}$/;

/** An ISO 8601 instant (a date alone is midnight UTC) or Unix time in seconds (≤ 10 digits) or milliseconds. */
function parseTime(text: string): number | undefined {
  if (NUMERIC_TIME.test(text)) return text.length <= 10 ? Number(text) * 1000 : Number(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The rows of a transactions CSV as monitored transactions. Amounts are decimal strings in major
 * units (`1500.00`). A missing column or a bad row is an AmlError naming the column or the line.
 */
export function readTransactionsCsv(
  text: string,
  file: string,
  map: ColumnMap,
  options: { currency?: string } = {},
): MonitoredTransaction[] {
  let table: ReturnType<typeof parseCsv>;
  try {
    table = parseCsv(text, { file });
  } catch (error) {
    if (error instanceof MlError)
      throw new AmlError('transactions_row_invalid', { file, line: '?', reason: error.message });
    throw error;
  }
  const index = (column: string) => {
    const i = table.header.indexOf(column);
    if (i < 0) throw new AmlError('transactions_column_missing', { file, column });
    return i;
  };
  const [id, from, to, amount, time] = REQUIRED.map((k) => index(map[k]));
  const currencyAt = map.currency === undefined ? -1 : index(map.currency);
  const cashAt = map.cash === undefined ? -1 : index(map.cash);
  const defaultCurrency = options.currency ?? 'CNY';
  const out: MonitoredTransaction[] = [];
  const seen = new Set<string>();
  table.rows.forEach((row, r) => {
    const line = r + 2;
    const bad = (reason: string) => new AmlError('transactions_row_invalid', { file, line, reason });
    const txId = row[id as number] ?? '';
    const fromParty = row[from as number] ?? '';
    const toParty = row[to as number] ?? '';
    if (txId === '') throw bad(`empty ${map.id}`);
    if (seen.has(txId)) throw bad(`${map.id} ${txId} repeated`);
    seen.add(txId);
    const currency = currencyAt >= 0 ? (row[currencyAt] ?? '') : defaultCurrency;
    const amountText = row[amount as number] ?? '';
    // Rows that move no money between two parties (logins, declined attempts) are skipped, not errors.
    if (fromParty === '' || toParty === '' || amountText === '') return;
    const parsed = parseAmount(amountText, currency, { allowZero: true });
    if (!parsed.ok) throw bad(`${map.amount} "${amountText}": ${parsed.code}`);
    const atMs = parseTime(row[time as number] ?? '');
    if (atMs === undefined)
      throw bad(`${map.time} "${row[time as number] ?? ''}" is not an ISO 8601 time or Unix time`);
    const cashText = cashAt >= 0 ? (row[cashAt] ?? '').toLowerCase() : '';
    const cash = cashText === 'cash' || cashText.startsWith('cash_') || cashText === 'true' || cashText === '1';
    out.push({
      id: txId,
      from: fromParty,
      to: toParty,
      amountMinor: parsed.value,
      currency,
      atMs,
      ...(cash ? { cash } : {}),
    });
  });
  return out;
}
