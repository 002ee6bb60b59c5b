// Proves the simulator's random streams are reproducible, independent of creation order, and draw the distributions they claim (uniform, normal, log-normal median, Poisson mean).
import { describe, expect, it } from 'vitest';
import { StreamFactory, WeightedPicker } from './random.ts';

describe('random streams', () => {
  it('give the same sequence for the same seed and purpose, whatever else was drawn first', () => {
    const a = new StreamFactory(42);
    const b = new StreamFactory(42);
    b.stream(9, 9).u32();
    const first = Array.from(
      { length: 5 },
      (
        (s) => () =>
          s.u32()
      )(a.stream(4, 17, 3)),
    );
    const second = Array.from(
      { length: 5 },
      (
        (s) => () =>
          s.u32()
      )(b.stream(4, 17, 3)),
    );
    expect(second).toEqual(first);
    expect(new StreamFactory(43).stream(4, 17, 3).u32()).not.toBe(first[0]);
    expect(a.stream(4, 18, 3).u32()).not.toBe(first[0]);
    expect(a.stream(4, 17, 4).u32()).not.toBe(first[0]);
  });

  it('draws uniform, normal, log-normal and Poisson values with the right moments', () => {
    const random = new StreamFactory(7).stream(1);
    const n = 50_000;
    let sum = 0;
    let sumSquares = 0;
    let below = 0;
    let poisson = 0;
    let uniform = 0;
    for (let i = 0; i < n; i++) {
      const z = random.normal();
      sum += z;
      sumSquares += z * z;
      if (random.logNormal(300, 0.8) < 300) below++;
      poisson += random.poisson(3.5);
      const u = random.float();
      expect(u >= 0 && u < 1).toBe(true);
      uniform += u;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sumSquares / n - 1)).toBeLessThan(0.02);
    expect(Math.abs(below / n - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(poisson / n - 3.5)).toBeLessThan(0.03);
    expect(Math.abs(uniform / n - 0.5)).toBeLessThan(0.005);
  });

  it('picks by weight and rounds stochastically to the exact mean', () => {
    const random = new StreamFactory(1).stream(2);
    const picker = new WeightedPicker(['a', 'b', 'c'], [1, 0, 3]);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 40_000; i++) {
      const key = picker.pick(random);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(counts.b).toBe(0);
    expect(Math.abs((counts.c ?? 0) / ((counts.a ?? 0) + (counts.c ?? 0)) - 0.75)).toBeLessThan(0.02);
    let total = 0;
    for (let i = 0; i < 20_000; i++) total += random.roundStochastic(2.3);
    expect(Math.abs(total / 20_000 - 2.3)).toBeLessThan(0.02);
  });
});
