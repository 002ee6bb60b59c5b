import type { RiskEvent } from '../event.ts';
import { SourceError } from './errors.ts';

/** A risk event with its ground truth: the fraud pattern and AML typology it belongs to, or null. */
export interface LabelledRiskEvent {
  readonly event: RiskEvent;
  /** The simulator's FraudType (`account_takeover`, …), `paysim` for a PaySim fraud, or null. */
  readonly fraud: string | null;
  /** The simulator's AML typology (`fan_in`, …), or null. */
  readonly aml: string | null;
}

export interface TimeSplit<T> {
  /** Events before the cut, in time order. */
  readonly train: T[];
  /** Events at or after the cut, in time order. */
  readonly heldOut: T[];
  /** The first instant of the held-out part (the last event's time + 1 when it is empty). */
  readonly cutMs: number;
}

/**
 * Splits labelled events by time for training and a later held-out period: the first
 * `trainFraction` of the events (by time, ties kept together so no instant is on both sides)
 * train, the rest are held out. The input need not be sorted; it is not changed.
 */
export function splitByTime<T extends { readonly event: { readonly atMs: number } }>(
  events: readonly T[],
  trainFraction: number,
): TimeSplit<T> {
  if (!(typeof trainFraction === 'number' && trainFraction > 0 && trainFraction < 1)) {
    throw new SourceError('source_option_invalid', { option: 'trainFraction', reason: 'a number between 0 and 1' });
  }
  const sorted = events
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.event.atMs - b.item.event.atMs || a.index - b.index)
    .map((x) => x.item);
  if (sorted.length === 0) return { train: [], heldOut: [], cutMs: 0 };
  let cut = Math.min(sorted.length - 1, Math.floor(sorted.length * trainFraction));
  const cutMs = (sorted[cut] as T).event.atMs;
  // Keep one instant on one side: move the cut back to the first event at that instant.
  while (cut > 0 && (sorted[cut - 1] as T).event.atMs === cutMs) cut--;
  return { train: sorted.slice(0, cut), heldOut: sorted.slice(cut), cutMs };
}
