// Proves that ManualClock moves only when told to and never backwards, and that systemClock reports the real time.
import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from './clock.ts';

describe('ManualClock', () => {
  it('starts at 2026-01-01T00:00:00Z by default and stays frozen', () => {
    const clock = new ManualClock();
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(clock.nowMs()).toBe(clock.nowMs());
  });

  it('advances and sets forward, from a Date or a number', () => {
    const clock = new ManualClock(new Date('2030-05-06T07:08:09.010Z'));
    clock.advance(990);
    expect(clock.now().toISOString()).toBe('2030-05-06T07:08:10.000Z');
    clock.advance(0);
    clock.set(Date.UTC(2031, 0, 1));
    expect(clock.nowMs()).toBe(Date.UTC(2031, 0, 1));
    clock.set(new Date('2031-01-02T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2031-01-02T00:00:00.000Z');
  });

  it('refuses to go backwards', () => {
    const clock = new ManualClock(1000);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set(999)).toThrow(RangeError);
    expect(clock.nowMs()).toBe(1000);
  });

  it('hands out copies of its Date', () => {
    const clock = new ManualClock(1000);
    clock.now().setTime(0);
    expect(clock.nowMs()).toBe(1000);
  });
});

describe('systemClock', () => {
  it('reads the wall clock', () => {
    const before = Date.now();
    const ms = systemClock.nowMs();
    const after = Date.now();
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
    expect(systemClock.now().getTime()).toBeGreaterThanOrEqual(ms);
  });
});
