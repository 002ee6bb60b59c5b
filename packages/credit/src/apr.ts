import { assert } from '@zhirong/kernel';
import { D, type Dec, type Schedule } from './schedule.ts';

/**
 * The annualised rate a borrower really pays: the IRR of the loan's cash flows, fees included
 * (PBoC announcement 2021 No. 3 asks lenders to disclose an annualised rate computed from the cash
 * flows; the IRR method is what the industry uses).
 *
 * Cash flows are per monthly period: at 0 the borrower receives principal − upfront fee; at period
 * k they pay installment k (principal + interest + periodic fee). The monthly IRR r solves
 * Σ CF_k / (1 + r)^k = 0 (Newton's method from the contract rate, bisection as the fallback, in
 * decimal.js to 1e-15).
 *
 * - `nominal` = 12 × r — the **disclosed APR** (年化利率, IRR × 12), the figure the 24 % cap is
 *   checked against;
 * - `effective` = (1 + r)^12 − 1 — shown beside it for comparison.
 */
export interface Apr {
  readonly monthlyIrr: Dec;
  readonly nominal: Dec;
  readonly effective: Dec;
}

export const APR_DECIMALS = 6;
export const APR_CAP_DEFAULT = '0.24';
const ITERATIONS_MAX = 200;
const TOLERANCE = new D('1e-15');

function npv(flows: readonly Dec[], r: Dec): { value: Dec; slope: Dec } {
  const base = r.plus(1);
  let value = new D(0);
  let slope = new D(0);
  let discount = new D(1);
  for (let k = 0; k < flows.length; k++) {
    const flow = flows[k] as Dec;
    value = value.plus(flow.mul(discount));
    // d/dr of CF·(1+r)^-k = −k·CF·(1+r)^-(k+1)
    slope = slope.minus(flow.mul(k).mul(discount).div(base));
    discount = discount.div(base);
  }
  return { value, slope };
}

/** The per-period IRR of cash flows that start with one inflow followed by outflows. */
export function irr(flows: readonly Dec[], guess: Dec): Dec {
  assert(flows.length >= 2, 'at least two cash flows');
  let r = guess;
  // NPV is in minor units: "zero" is a millionth of a minor unit per unit of the first flow's size.
  const zero = (flows[0] as Dec).abs().mul('1e-18').plus('1e-9');
  for (let i = 0; i < 50; i++) {
    const { value, slope } = npv(flows, r);
    if (value.abs().lt(zero)) return r;
    if (slope.isZero()) break;
    const next = r.minus(value.div(slope));
    if (!next.isFinite() || next.lte(-0.99) || next.gt(100)) break;
    if (next.minus(r).abs().lt(TOLERANCE)) return next;
    r = next;
  }
  // Bisection: NPV falls as r rises when the first flow is the only inflow.
  let low = new D('-0.99');
  let high = new D(100);
  for (let i = 0; i < ITERATIONS_MAX; i++) {
    const mid = low.plus(high).div(2);
    const { value } = npv(flows, mid);
    if (value.abs().lt(zero) || high.minus(low).lt(TOLERANCE)) return mid;
    if (value.gt(0)) low = mid;
    else high = mid;
  }
  return low.plus(high).div(2);
}

/** The APR of a schedule with an upfront fee deducted from the amount paid out. */
export function aprOf(schedule: Schedule, upfrontFeeMinor = 0n): Apr {
  assert(upfrontFeeMinor >= 0n && upfrontFeeMinor < schedule.principalMinor, 'the fee leaves something to pay out');
  const flows: Dec[] = [new D((schedule.principalMinor - upfrontFeeMinor).toString())];
  for (const i of schedule.installments) flows.push(new D((-i.totalMinor).toString()));
  const monthlyIrr = irr(flows, new D(schedule.annualRate).div(12));
  return {
    monthlyIrr,
    nominal: monthlyIrr.mul(12),
    effective: monthlyIrr.plus(1).pow(12).minus(1),
  };
}

/** A rate as a fixed decimal string of APR_DECIMALS digits ("0.120000"). */
export function rateText(rate: Dec): string {
  return rate.toDecimalPlaces(APR_DECIMALS, D.ROUND_HALF_UP).toFixed(APR_DECIMALS);
}

/** True when the disclosed APR (IRR × 12, rounded to 6 decimals) exceeds the cap. */
export function exceedsCap(apr: Apr, cap: Dec): boolean {
  return new D(rateText(apr.nominal)).gt(cap);
}
