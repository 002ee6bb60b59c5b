import type { Rng } from '@zhirong/kernel';
import { MlError } from './errors.ts';

/** Row indices of a split, each sorted ascending (the order of the source file). */
export interface Split {
  readonly train: Uint32Array;
  readonly test: Uint32Array;
}

function shuffle(values: Uint32Array, rng: Rng): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = values[i] as number;
    values[i] = values[j] as number;
    values[j] = t;
  }
}

function checkFraction(fraction: number): void {
  if (!(fraction > 0 && fraction < 1)) {
    throw new MlError('option_invalid', { option: 'test fraction', reason: 'it must lie strictly between 0 and 1' });
  }
}

/**
 * Stratified random split: each class contributes round(fraction × its size) rows to the test
 * side, so both sides keep the base rate. Deterministic for the rng's seed.
 */
export function stratifiedSplit(y: Uint8Array, testFraction: number, rng: Rng): Split {
  checkFraction(testFraction);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [0, 1]) {
    const members = Uint32Array.from(indicesOf(y, cls));
    shuffle(members, rng);
    const testCount = Math.round(members.length * testFraction);
    for (let i = 0; i < members.length; i++) (i < testCount ? test : train).push(members[i] as number);
  }
  return { train: Uint32Array.from(train).sort(), test: Uint32Array.from(test).sort() };
}

function indicesOf(y: Uint8Array, cls: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < y.length; i++) if (y[i] === cls) out.push(i);
  return out;
}

/**
 * Time-based split: the latest `testFraction` of rows (by `time`, ties kept together on the test
 * side) are the test set — the out-of-time validation credit models need. `time` holds numbers
 * (epoch, step, month index) or ISO 8601 strings; a missing or unreadable time is an error.
 */
export function timeSplit(time: readonly (number | string)[], testFraction: number): Split {
  checkFraction(testFraction);
  const keys = time.map((value, row) => {
    const key = typeof value === 'number' ? value : Date.parse(value);
    if (!Number.isFinite(key)) {
      throw new MlError('option_invalid', { option: 'time column', reason: `row ${row} holds no readable time` });
    }
    return key;
  });
  const order = Array.from(keys.keys()).sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b);
  const cut = Math.max(1, Math.min(order.length - 1, order.length - Math.round(order.length * testFraction)));
  const cutKey = keys[order[cut] as number] as number;
  const train: number[] = [];
  const test: number[] = [];
  for (let r = 0; r < keys.length; r++) ((keys[r] as number) >= cutKey ? test : train).push(r);
  return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
}

/**
 * k folds; with `stratified` (default) every fold keeps the base rate. Each row is in exactly one
 * test fold. Deterministic for the rng's seed.
 */
export function kFold(y: Uint8Array, k: number, rng: Rng, stratified = true): Split[] {
  if (!Number.isInteger(k) || k < 2 || k > y.length) {
    throw new MlError('option_invalid', { option: 'k', reason: `it must be a whole number from 2 to ${y.length}` });
  }
  const fold = new Uint8Array(y.length);
  const groups = stratified ? [indicesOf(y, 0), indicesOf(y, 1)] : [Array.from(y.keys())];
  let offset = 0;
  for (const group of groups) {
    const members = Uint32Array.from(group);
    shuffle(members, rng);
    for (let i = 0; i < members.length; i++) fold[members[i] as number] = (i + offset) % k;
    offset += members.length;
  }
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [];
    const test: number[] = [];
    for (let r = 0; r < y.length; r++) (fold[r] === f ? test : train).push(r);
    return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
  });
}
