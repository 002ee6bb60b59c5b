import { closeSync, openSync, writeSync } from 'node:fs';
import { assert } from '@zhirong/kernel';

/**
 * A file written through a 4 MiB byte buffer, filled field by field: pre-encoded byte strings,
 * ASCII strings, integers, fen amounts and ISO timestamps are written as digits straight into the
 * buffer, so formatting a row allocates nothing. This is the simulator's hot path: a row of a
 * template string costs several times more (string building, flattening, encoding).
 */
const CAPACITY = 1 << 22;
const ROW_MAX = 4096;
const DAY_MS = 86_400_000;

export class AsciiWriter {
  readonly #fd: number;
  readonly #bytes = Buffer.allocUnsafe(CAPACITY);
  #used = 0;
  #dayMs = Number.NaN;
  readonly #datePrefix = new Uint8Array(11);

  constructor(path: string) {
    this.#fd = openSync(path, 'w');
  }

  /** Makes room for one row (at most 4 KiB). */
  reserve(): void {
    if (this.#used + ROW_MAX > CAPACITY) this.flush();
  }

  bytes(value: Uint8Array): void {
    const out = this.#bytes;
    let used = this.#used;
    for (let i = 0; i < value.length; i++) out[used++] = value[i] as number;
    this.#used = used;
  }

  /** An ASCII string (no check: callers pass ids, codes and numbers). */
  text(value: string): void {
    const out = this.#bytes;
    let used = this.#used;
    for (let i = 0; i < value.length; i++) out[used++] = value.charCodeAt(i);
    this.#used = used;
  }

  char(code: number): void {
    this.#bytes[this.#used++] = code;
  }

  /** A non-negative safe integer, left-padded with zeros to `width` digits. */
  int(value: number, width = 1): void {
    const out = this.#bytes;
    let digits = 1;
    for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
    if (digits < width) digits = width;
    let v = value;
    const end = this.#used + digits;
    for (let i = end - 1; i >= this.#used; i--) {
      const next = Math.floor(v / 10);
      out[i] = 48 + (v - next * 10);
      v = next;
    }
    this.#used = end;
  }

  /** Fen as a decimal amount with two digits: 12345n → "123.45". Exact (the integer part is written from a safe integer). */
  fen(minor: bigint): void {
    if (minor < 0n) {
      this.char(45);
      this.fen(-minor);
      return;
    }
    assert(minor <= 900_719_925_474_099_100n, 'amount beyond the exact range of the fast formatter');
    const value = Number(minor);
    const whole = Math.floor(value / 100);
    this.int(whole);
    this.char(46);
    this.int(value - whole * 100, 2);
  }

  /** An instant as ISO 8601 UTC with milliseconds: 2026-01-01T08:30:00.000Z. */
  iso(ms: number): void {
    const dayMs = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
    if (dayMs !== this.#dayMs) {
      this.#dayMs = dayMs;
      const prefix = new Date(dayMs).toISOString().slice(0, 11);
      for (let i = 0; i < 11; i++) this.#datePrefix[i] = prefix.charCodeAt(i);
    }
    this.bytes(this.#datePrefix);
    let rest = ms - dayMs;
    const millis = rest % 1000;
    rest = (rest - millis) / 1000;
    const seconds = rest % 60;
    rest = (rest - seconds) / 60;
    const minutes = rest % 60;
    this.int((rest - minutes) / 60, 2);
    this.char(58);
    this.int(minutes, 2);
    this.char(58);
    this.int(seconds, 2);
    this.char(46);
    this.int(millis, 3);
    this.char(90);
  }

  flush(): void {
    if (this.#used > 0) writeSync(this.#fd, this.#bytes, 0, this.#used);
    this.#used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}

/** ASCII bytes of a string (ids, codes), encoded once. */
export function encodeAscii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    assert(code < 128, `not ASCII: ${text}`);
    out[i] = code;
  }
  return out;
}
