import { assert } from './assert.ts';
import type { Clock } from './clock.ts';
import { err, ok, type Result } from './result.ts';
import type { Rng } from './rng.ts';

/**
 * Prefixed, sortable identifiers: `acc_01jd…` — a type prefix, an underscore and a UUIDv7 (RFC 9562)
 * in 26 lower-case Crockford base32 characters (the TypeID layout). The database stores the UUID;
 * the prefix lives only in the string form, so an id of the wrong kind is rejected at the edge.
 * Being time-ordered, new ids append to the right of B-tree indexes.
 */
export type PrefixedId<P extends string> = `${P}_${string}` & { readonly __idPrefix: P };

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const PREFIX = /^[a-z]{1,16}$/;

/** Generates UUIDv7 values that are strictly increasing within one generator, even in the same millisecond. */
export class IdGenerator {
  readonly #clock: Clock;
  readonly #rng: Rng;
  #lastMs = -1;
  #sequence = 0;

  constructor(clock: Clock, rng: Rng) {
    this.#clock = clock;
    this.#rng = rng;
  }

  /** A new UUIDv7 in canonical hyphenated form. */
  uuid(): string {
    let ms = this.#clock.nowMs();
    if (ms <= this.#lastMs) {
      // Same (or earlier) millisecond: keep order with a 12-bit counter in rand_a, then borrow the next ms.
      ms = this.#lastMs;
      this.#sequence += 1;
      if (this.#sequence > 0xfff) {
        ms += 1;
        this.#sequence = 0;
      }
    } else {
      this.#sequence = 0;
    }
    this.#lastMs = ms;
    const bytes = this.#rng.bytes(16);
    let time = BigInt(ms);
    for (let i = 5; i >= 0; i--) {
      bytes[i] = Number(time & 0xffn);
      time >>= 8n;
    }
    bytes[6] = 0x70 | ((this.#sequence >> 8) & 0x0f);
    bytes[7] = this.#sequence & 0xff;
    bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
    return bytesToUuid(bytes);
  }

  /** A new prefixed id, e.g. `next('acc')`. */
  next<P extends string>(prefix: P): PrefixedId<P> {
    return formatId(prefix, this.uuid());
  }
}

export function bytesToUuid(bytes: Uint8Array): string {
  assert(bytes.length === 16, 'a UUID has 16 bytes');
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Formats a UUID (canonical form) with a type prefix. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const DECODE_CODES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE_CODES[ALPHABET.charCodeAt(i)] = i;

/**
 * Formats a UUID (canonical form) with a type prefix. The 128 bits, led by two zero bits, are read
 * five at a time into 26 base32 characters. Plain number arithmetic: ids are encoded on hot paths.
 */
export function formatId<P extends string>(prefix: P, uuid: string): PrefixedId<P> {
  assert(PREFIX.test(prefix), `bad id prefix ${prefix}`);
  const lower = uuid.toLowerCase();
  assert(UUID.test(lower), `bad uuid ${uuid}`);
  const hex = lower.replaceAll('-', '');
  let out = '';
  let acc = 0;
  let accBits = 2; // the two leading zero bits of the 130-bit field
  for (let i = 0; i < 32; i += 2) {
    acc = (acc << 8) | Number.parseInt(hex.slice(i, i + 2), 16);
    accBits += 8;
    while (accBits >= 5) {
      accBits -= 5;
      out += ALPHABET[(acc >> accBits) & 31];
    }
    acc &= (1 << accBits) - 1;
  }
  return `${prefix}_${out}` as PrefixedId<P>;
}

/** Parses a prefixed id of the expected kind into its UUID; anything else is `id_malformed`. */
export function parseId<P extends string>(prefix: P, text: string): Result<string, 'id_malformed'> {
  if (typeof text !== 'string' || text.length !== prefix.length + 27) return err('id_malformed');
  if (!text.startsWith(prefix) || text.charCodeAt(prefix.length) !== 95 /* _ */) return err('id_malformed');
  const start = prefix.length + 1;
  const first = text.charCodeAt(start);
  if (first < 48 || first > 55) return err('id_malformed'); // '0'..'7': the value fits in 128 bits
  let acc = first - 48;
  let accBits = 3;
  let hex = '';
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (DECODE_CODES[code] ?? -1) : -1;
    if (value < 0) return err('id_malformed');
    acc = (acc << 5) | value;
    accBits += 5;
    if (accBits >= 8) {
      accBits -= 8;
      hex += HEX[(acc >> accBits) & 255];
      acc &= (1 << accBits) - 1;
    }
  }
  return ok(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
}

export function isId<P extends string>(prefix: P, text: string): text is PrefixedId<P> {
  return parseId(prefix, text).ok;
}

/** The millisecond timestamp inside a UUIDv7. */
export function uuidTimestampMs(uuid: string): number {
  return Number.parseInt(uuid.replaceAll('-', '').slice(0, 12), 16);
}
