export { ManualClock } from './clock.ts';
export { SeededRng } from './rng.ts';
