/** Time is passed in, never read from globals, so every test can pin it. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
  now(): Date;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  now: () => new Date(Date.now()),
};

/** A clock that moves only when told to: for deterministic tests and simulations. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.#ms = typeof start === 'number' ? start : start.getTime();
  }
  nowMs(): number {
    return this.#ms;
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('a clock never goes backwards');
    this.#ms += ms;
  }
  set(at: Date | number): void {
    const ms = typeof at === 'number' ? at : at.getTime();
    if (ms < this.#ms) throw new RangeError('a clock never goes backwards');
    this.#ms = ms;
  }
}
