import type { CreditDebit, StatementEntry } from './model.ts';

/**
 * Matching of a bank statement against the book (the ledger entries of the clearing account the
 * statement reports on). Pure: no I/O, deterministic for a given input order.
 *
 * `creditDebit` of a book entry is seen from the statement's side: CRDT means money came into the
 * account at the bank (the ledger debits its nostro/clearing asset account), DBIT means it left.
 */
export interface BookEntry {
  id: string;
  endToEndId?: string;
  amount: bigint;
  currency: string;
  creditDebit: CreditDebit;
  /** ISO date (YYYY-MM-DD); a date-time is cut to its date. */
  valueDate: string;
}

export interface ReconcileOptions {
  /** How many days the value dates may differ for the amount-and-date rule. Default 0 (same day). */
  dateToleranceDays?: number;
}

export type MatchRule = 'end_to_end_id' | 'amount_date';

export interface ReconcileResult {
  matched: { statement: StatementEntry; book: BookEntry; rule: MatchRule }[];
  unmatchedStatement: StatementEntry[];
  unmatchedBook: BookEntry[];
}

/** Days since 1970-01-01 of an ISO date or date-time (its first ten characters), or undefined. */
function dayNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.length < 10) return undefined;
  const [year, month, day] = [Number(value.slice(0, 4)), Number(value.slice(5, 7)), Number(value.slice(8, 10))];
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return undefined;
  return Math.floor(Date.UTC(year, month - 1, day) / 86_400_000);
}

function sameMoney(entry: StatementEntry, book: BookEntry): boolean {
  return entry.amount === book.amount && entry.currency === book.currency && entry.creditDebit === book.creditDebit;
}

/**
 * Two passes. First, a statement entry with an end-to-end id matches the book entry with the same
 * id, amount, currency and direction (rule `end_to_end_id`; the date may differ: the id is the
 * identity). Then, what is left matches on amount, currency and direction with value dates at most
 * `dateToleranceDays` apart (rule `amount_date`), closest date first, earliest entry first on ties.
 * A statement entry's value date is its ValDt, else its booking date. Every entry of either side
 * ends up exactly once: in `matched` or in its unmatched list.
 */
export function reconcile(
  statement: readonly StatementEntry[],
  book: readonly BookEntry[],
  options: ReconcileOptions = {},
): ReconcileResult {
  const tolerance = options.dateToleranceDays ?? 0;
  if (!Number.isInteger(tolerance) || tolerance < 0)
    throw new RangeError('dateToleranceDays must be a whole number ≥ 0');
  const bookUsed = new Array<boolean>(book.length).fill(false);
  const statementUsed = new Array<boolean>(statement.length).fill(false);
  const matched: ReconcileResult['matched'] = [];

  const byEndToEnd = new Map<string, number[]>();
  book.forEach((entry, i) => {
    if (entry.endToEndId === undefined) return;
    const list = byEndToEnd.get(entry.endToEndId) ?? [];
    list.push(i);
    byEndToEnd.set(entry.endToEndId, list);
  });
  statement.forEach((entry, s) => {
    if (entry.endToEndId === undefined) return;
    const candidate = byEndToEnd
      .get(entry.endToEndId)
      ?.find((b) => !bookUsed[b] && sameMoney(entry, book[b] as BookEntry));
    if (candidate === undefined) return;
    bookUsed[candidate] = true;
    statementUsed[s] = true;
    matched.push({ statement: entry, book: book[candidate] as BookEntry, rule: 'end_to_end_id' });
  });

  const byMoney = new Map<string, number[]>();
  book.forEach((entry, i) => {
    if (bookUsed[i]) return;
    const key = `${entry.currency}|${entry.creditDebit}|${entry.amount}`;
    const list = byMoney.get(key) ?? [];
    list.push(i);
    byMoney.set(key, list);
  });
  statement.forEach((entry, s) => {
    if (statementUsed[s]) return;
    const day = dayNumber(entry.valueDate ?? entry.bookingDate);
    if (day === undefined) return;
    let best: { index: number; distance: number } | undefined;
    for (const b of byMoney.get(`${entry.currency}|${entry.creditDebit}|${entry.amount}`) ?? []) {
      if (bookUsed[b]) continue;
      const other = dayNumber((book[b] as BookEntry).valueDate);
      if (other === undefined) continue;
      const distance = Math.abs(other - day);
      if (distance <= tolerance && (best === undefined || distance < best.distance)) best = { index: b, distance };
    }
    if (best === undefined) return;
    bookUsed[best.index] = true;
    statementUsed[s] = true;
    matched.push({ statement: entry, book: book[best.index] as BookEntry, rule: 'amount_date' });
  });

  return {
    matched,
    unmatchedStatement: statement.filter((_, s) => !statementUsed[s]),
    unmatchedBook: book.filter((_, b) => !bookUsed[b]),
  };
}
