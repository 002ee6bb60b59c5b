// Proves the payment lifecycle table: every state is reachable from `created`, terminal states have no way out, and the documented paths (approve, review, decline, failure, capture, refund, reversal) are exactly the allowed ones.
import { describe, expect, it } from 'vitest';
import { canTransition, isTerminal, PAYMENT_STATES, type PaymentState, TRANSITIONS } from './payment.ts';

describe('payment transitions', () => {
  it('reaches every state from created', () => {
    const seen = new Set<PaymentState>(['created']);
    const queue: PaymentState[] = ['created'];
    while (queue.length) {
      for (const next of TRANSITIONS[queue.shift() as PaymentState]) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    expect([...seen].sort()).toEqual([...PAYMENT_STATES].sort());
  });

  it('lets nothing out of a terminal state and nothing back to created', () => {
    for (const state of ['declined', 'failed', 'reversed', 'refunded'] as const) expect(isTerminal(state)).toBe(true);
    for (const from of PAYMENT_STATES) expect(canTransition(from, 'created')).toBe(false);
    expect(canTransition('settled', 'authorized')).toBe(false);
    expect(canTransition('created', 'settled')).toBe(false);
  });

  it('allows the documented paths', () => {
    const paths: PaymentState[][] = [
      ['created', 'screened', 'authorized', 'settled', 'refunded'],
      ['created', 'screened', 'review', 'authorized', 'settled', 'reversed'],
      ['created', 'screened', 'review', 'declined'],
      ['created', 'declined'],
      ['created', 'screened', 'failed'],
      ['created', 'screened', 'authorized', 'reversed'],
    ];
    for (const path of paths) {
      for (let i = 1; i < path.length; i++) {
        expect(canTransition(path[i - 1] as PaymentState, path[i] as PaymentState), path.join(' → ')).toBe(true);
      }
    }
  });
});
