import { closeSync, openSync, writeSync } from 'node:fs';
import { assert } from '@zhirong/kernel';

/**
 * A file written through a 4 MiB byte buffer. The hot path (the events table) fills the buffer
 * directly with the `put*` functions below — pre-encoded byte strings, ASCII strings, integers, fen
 * amounts and ISO timestamps written as digits — so formatting a row allocates nothing and calls
 * nothing but small functions V8 inlines. A row built as a template string costs several times
 * more (string building, flattening, encoding).
 */
export const BUFFER_BYTES = 1 << 22;
/** Room kept free for one row. */
export const ROW_BYTES_MAX = 4096;
const DAY_MS = 86_400_000;

export class AsciiWriter {
  readonly #fd: number;
  readonly buffer: Uint8Array = Buffer.allocUnsafe(BUFFER_BYTES);
  /** Bytes of `buffer` in use. */
  used = 0;

  constructor(path: string) {
    this.#fd = openSync(path, 'w');
  }

  flush(): void {
    if (this.used > 0) writeSync(this.#fd, this.buffer, 0, this.used);
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}

export function putBytes(out: Uint8Array, at: number, value: Uint8Array): number {
  let used = at;
  for (let i = 0; i < value.length; i++) out[used++] = value[i] as number;
  return used;
}

/** An ASCII string (callers pass ids, codes and addresses). */
export function putText(out: Uint8Array, at: number, value: string): number {
  let used = at;
  for (let i = 0; i < value.length; i++) out[used++] = value.charCodeAt(i);
  return used;
}

/**
 * A non-negative safe integer, left-padded with zeros to `width` digits. The digits are cut with
 * 32-bit integer arithmetic (eight at a time): `%` on a value beyond 2^31 would call the C library's
 * fmod for every digit.
 */
export function putInt(out: Uint8Array, at: number, value: number, width: number): number {
  if (value >= 100_000_000) {
    const high = Math.floor(value / 100_000_000);
    const used = putInt(out, at, high, width > 8 ? width - 8 : 0);
    return putSmall(out, used, value - high * 100_000_000, 8);
  }
  return putSmall(out, at, value, width);
}

/** A value below 10^8 (an int32). */
function putSmall(out: Uint8Array, at: number, value: number, width: number): number {
  let v = value | 0;
  let digits =
    v >= 10_000
      ? v >= 1_000_000
        ? v >= 10_000_000
          ? 8
          : 7
        : v >= 100_000
          ? 6
          : 5
      : v >= 100
        ? v >= 1000
          ? 4
          : 3
        : v >= 10
          ? 2
          : 1;
  if (digits < width) digits = width;
  const end = at + digits;
  for (let i = end - 1; i >= at; i--) {
    const quotient = (v / 10) | 0;
    out[i] = 48 + v - quotient * 10;
    v = quotient;
  }
  return end;
}

const FEN_FAST_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Fen as a decimal amount with two digits: 12345n → "123.45". Exact: below 2^53 the digits come
 * from a safe integer, above it from the bigint's own decimal string.
 */
export function putFen(out: Uint8Array, at: number, minor: bigint): number {
  let used = at;
  let magnitude = minor;
  if (minor < 0n) {
    out[used++] = 45; // -
    magnitude = -minor;
  }
  if (magnitude > FEN_FAST_MAX) {
    const digits = magnitude.toString();
    used = putText(out, used, digits.slice(0, -2));
    out[used++] = 46;
    return putText(out, used, digits.slice(-2));
  }
  const value = Number(magnitude);
  const whole = Math.floor(value / 100);
  used = putInt(out, used, whole, 1);
  out[used++] = 46; // .
  return putSmall(out, used, value - whole * 100, 2);
}

/** ISO 8601 UTC timestamps with milliseconds; the date part is encoded once per UTC day. */
export class IsoWriter {
  #dayMs = Number.NaN;
  readonly #prefix = new Uint8Array(11);

  put(out: Uint8Array, at: number, ms: number): number {
    const dayMs = Math.floor(ms / DAY_MS) * DAY_MS;
    if (dayMs !== this.#dayMs) {
      this.#dayMs = dayMs;
      const prefix = new Date(dayMs).toISOString().slice(0, 11);
      for (let i = 0; i < 11; i++) this.#prefix[i] = prefix.charCodeAt(i);
    }
    let used = putBytes(out, at, this.#prefix);
    const inDay = (ms - dayMs) | 0;
    const totalSeconds = (inDay / 1000) | 0;
    const totalMinutes = (totalSeconds / 60) | 0;
    const hours = (totalMinutes / 60) | 0;
    used = putSmall(out, used, hours, 2);
    out[used++] = 58; // :
    used = putSmall(out, used, totalMinutes - hours * 60, 2);
    out[used++] = 58;
    used = putSmall(out, used, totalSeconds - totalMinutes * 60, 2);
    out[used++] = 46; // .
    used = putSmall(out, used, inDay - totalSeconds * 1000, 3);
    out[used++] = 90; // Z
    return used;
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
