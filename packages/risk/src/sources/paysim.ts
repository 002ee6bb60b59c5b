import { readFileSync } from 'node:fs';
import { findCurrency, parseAmount } from '@zhirong/kernel';
import type { RiskEvent } from '../event.ts';
import { type RowIssue, SourceError } from './errors.ts';
import type { LabelledRiskEvent } from './labelled.ts';

/**
 * Labelled risk events from a PaySim CSV (the sample in shared/data/paysim-sample). Every row is
 * a payment by `nameOrig` to `nameDest`; `step` (the hour of the simulated month) becomes the time.
 */
export const PAYSIM_COLUMNS = [
  'step',
  'type',
  'amount',
  'nameOrig',
  'oldbalanceOrg',
  'newbalanceOrig',
  'nameDest',
  'oldbalanceDest',
  'newbalanceDest',
  'isFraud',
  'isFlaggedFraud',
] as const;

export const PAYSIM_TYPES = ['CASH_IN', 'CASH_OUT', 'DEBIT', 'PAYMENT', 'TRANSFER'] as const;

export interface PaysimOptions {
  /**
   * PaySim's amounts are in an unnamed local currency with at most two decimals; they are parsed
   * exactly into the minor units of this currency. Default USD.
   */
  readonly currency?: string;
  /** Step 1 is the hour starting here (epoch ms). Default 2026-01-01T00:00:00Z. */
  readonly epochMs?: number;
  /** `throw` (default): any bad row fails the read, listing every bad row. `skip`: bad rows are left out and reported. */
  readonly onInvalidRow?: 'throw' | 'skip';
}

export interface PaysimRead {
  /** The rows as events, in time order (by step, then file order). */
  readonly events: LabelledRiskEvent[];
  /** Rows left out (only with `onInvalidRow: 'skip'`). */
  readonly rejected: readonly RowIssue[];
}

const STEP_MAX = 24 * 31 * 12;
const HOUR_MS = 3_600_000;
const NAME = /^[CM]\d{1,19}$/;

/** Reads a PaySim CSV file. */
export function paysimEvents(path: string, options: PaysimOptions = {}): PaysimRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SourceError('source_file_unreadable', { file: path, reason: (error as Error).message });
  }
  return parsePaysim(text, path, options);
}

/** Parses PaySim CSV text (`file` names it in errors). */
export function parsePaysim(text: string, file: string, options: PaysimOptions = {}): PaysimRead {
  const currency = options.currency ?? 'USD';
  if (findCurrency(currency) === undefined) {
    throw new SourceError('source_option_invalid', { option: 'currency', reason: `unknown currency ${currency}` });
  }
  const epochMs = options.epochMs ?? Date.UTC(2026, 0, 1);
  if (!Number.isSafeInteger(epochMs)) {
    throw new SourceError('source_option_invalid', { option: 'epochMs', reason: 'an integer (epoch ms)' });
  }
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').replace(/\r$/, '');
  if (header !== PAYSIM_COLUMNS.join(',')) {
    throw new SourceError('source_header_invalid', { file, expected: PAYSIM_COLUMNS.join(',') });
  }
  const rows: { step: number; line: number; event: LabelledRiskEvent }[] = [];
  const issues: RowIssue[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const parsed = parseRow((lines[i] as string).replace(/\r$/, ''), line, currency, epochMs);
    if ('reason' in parsed) issues.push(parsed);
    else rows.push({ step: parsed.step, line, event: parsed.event });
  }
  if (issues.length > 0 && options.onInvalidRow !== 'skip') {
    const first = issues[0] as RowIssue;
    throw new SourceError(
      'source_rows_invalid',
      { file, count: issues.length, first: `line ${first.line}: ${first.reason}` },
      issues,
    );
  }
  rows.sort((a, b) => a.step - b.step || a.line - b.line);
  return { events: rows.map((r) => r.event), rejected: issues };
}

function parseRow(
  text: string,
  line: number,
  currency: string,
  epochMs: number,
): RowIssue | { step: number; event: LabelledRiskEvent } {
  const issue = (reason: string): RowIssue => ({ line, reason });
  const cells = text.split(',');
  if (cells.length !== PAYSIM_COLUMNS.length) {
    return issue(`${cells.length} fields, expected ${PAYSIM_COLUMNS.length}`);
  }
  const [stepText, type, amountText, nameOrig, oldOrig, newOrig, nameDest, oldDest, newDest, isFraud, isFlagged] =
    cells as [string, string, string, string, string, string, string, string, string, string, string];
  if (!/^\d{1,6}$/.test(stepText) || Number(stepText) < 1 || Number(stepText) > STEP_MAX) {
    return issue(`step ${JSON.stringify(stepText)} is not an hour from 1 to ${STEP_MAX}`);
  }
  const step = Number(stepText);
  if (!(PAYSIM_TYPES as readonly string[]).includes(type)) return issue(`unknown type ${JSON.stringify(type)}`);
  const amount = parseAmount(amountText, currency, { allowZero: true });
  if (!amount.ok) return issue(`amount ${JSON.stringify(amountText)}: ${amount.code}`);
  if (!NAME.test(nameOrig)) return issue(`nameOrig ${JSON.stringify(nameOrig)} is not C… or M… digits`);
  if (!NAME.test(nameDest)) return issue(`nameDest ${JSON.stringify(nameDest)} is not C… or M… digits`);
  const balances: bigint[] = [];
  for (const [column, value] of [
    ['oldbalanceOrg', oldOrig],
    ['newbalanceOrig', newOrig],
    ['oldbalanceDest', oldDest],
    ['newbalanceDest', newDest],
  ] as const) {
    const parsed = parseAmount(value, currency, { allowZero: true });
    if (!parsed.ok) return issue(`${column} ${JSON.stringify(value)}: ${parsed.code}`);
    balances.push(parsed.value);
  }
  if (isFraud !== '0' && isFraud !== '1') return issue(`isFraud ${JSON.stringify(isFraud)} is not 0 or 1`);
  if (isFlagged !== '0' && isFlagged !== '1') return issue(`isFlaggedFraud ${JSON.stringify(isFlagged)} is not 0 or 1`);
  const [oldBalanceOrig, newBalanceOrig, oldBalanceDest, newBalanceDest] = balances as [bigint, bigint, bigint, bigint];
  const event: RiskEvent = {
    id: `paysim_${line}`,
    type: 'payment',
    subtype: type.toLowerCase(),
    atMs: epochMs + (step - 1) * HOUR_MS,
    customerId: nameOrig,
    accountId: nameOrig,
    payeeId: nameDest,
    ...(nameDest.startsWith('M') ? { merchantId: nameDest } : {}),
    amountMinor: amount.value,
    currency,
    balanceBeforeMinor: oldBalanceOrig,
    attributes: {
      step,
      // Minor units as numbers: feature inputs, never money that moves.
      newBalanceOrigMinor: Number(newBalanceOrig),
      oldBalanceDestMinor: Number(oldBalanceDest),
      newBalanceDestMinor: Number(newBalanceDest),
      flaggedFraud: isFlagged === '1',
    },
  };
  return { step, event: { event, fraud: isFraud === '1' ? 'paysim' : null, aml: null } };
}
