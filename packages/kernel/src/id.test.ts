// Proves that generated ids are valid UUIDv7s that strictly increase (as UUIDs and as prefixed strings) even on a frozen clock, and that formatId/parseId round-trip and reject every malformed form.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssertionError } from './assert.ts';
import { type Clock, ManualClock } from './clock.ts';
import { bytesToUuid, formatId, IdGenerator, isId, parseId, uuidTimestampMs } from './id.ts';
import { ok } from './result.ts';
import { SeededRng } from './rng.ts';

const START_MS = Date.UTC(2026, 0, 1);
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SUFFIX = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;

function expectStrictlyIncreasing(values: readonly string[]): void {
  for (let i = 1; i < values.length; i++) {
    const previous = values[i - 1] ?? '';
    const current = values[i] ?? '';
    if (!(previous < current)) expect.fail(`not increasing at ${i}: ${previous} then ${current}`);
  }
}

/** Any 16 bytes as a canonical UUID, with the all-zero and all-one UUIDs common. */
const anyUuid = fc
  .oneof(
    { arbitrary: fc.constantFrom(new Uint8Array(16), new Uint8Array(16).fill(0xff)), weight: 1 },
    { arbitrary: fc.uint8Array({ minLength: 16, maxLength: 16 }), weight: 4 },
  )
  .map(bytesToUuid);
const anyPrefix = fc.oneof(fc.constantFrom('acc', 'trf', 'loan', 'a'), fc.stringMatching(/^[a-z]{1,16}$/));

describe('IdGenerator', () => {
  it('makes UUIDv7s with the RFC 9562 variant and the clock time', () => {
    const clock = new ManualClock(START_MS);
    const ids = new IdGenerator(clock, new SeededRng(1));
    for (let i = 0; i < 100; i++) {
      const uuid = ids.uuid();
      expect(uuid).toMatch(UUID_V7);
      expect(uuidTimestampMs(uuid)).toBe(clock.nowMs());
      clock.advance(i % 3);
    }
  });

  it('strictly increases for thousands of ids in one frozen millisecond, as UUIDs and as prefixed ids', () => {
    const clock = new ManualClock(START_MS);
    const ids = new IdGenerator(clock, new SeededRng(7));
    const uuids: string[] = [];
    const prefixed: string[] = [];
    // 10 000 > 4096: the 12-bit counter overflows twice and borrows the next milliseconds.
    for (let i = 0; i < 10_000; i++) {
      const uuid = ids.uuid();
      uuids.push(uuid);
      prefixed.push(formatId('trf', uuid));
    }
    expect(uuids.every((u) => UUID_V7.test(u))).toBe(true);
    expectStrictlyIncreasing(uuids);
    expectStrictlyIncreasing(prefixed);
    expect(new Set(uuids).size).toBe(uuids.length);
    expect(uuidTimestampMs(uuids[0] ?? '')).toBe(START_MS);
    expect(uuidTimestampMs(uuids.at(-1) ?? '')).toBe(START_MS + 2);
    // Once the clock catches up and passes the borrowed milliseconds, order still holds.
    clock.advance(1);
    const after = [ids.next('trf'), ids.next('trf')];
    clock.advance(10);
    after.push(ids.next('trf'));
    expectStrictlyIncreasing([...prefixed, ...after]);
    expect(uuidTimestampMs(parseIdOrThrow('trf', after[2] ?? ''))).toBe(START_MS + 11);
  });

  it('strictly increases under any schedule of clock steps, including a clock that goes backwards', () => {
    const step = fc.record({
      deltaMs: fc.oneof(fc.constantFrom(0, 0, 1, -1, -1000), fc.integer({ min: -5, max: 5 }), fc.nat({ max: 10_000 })),
      count: fc.oneof(fc.constantFrom(1, 4095, 4096, 4097), fc.integer({ min: 1, max: 50 })),
    });
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        (seed, steps) => {
          let nowMs = START_MS;
          const clock: Clock = { nowMs: () => nowMs, now: () => new Date(nowMs) };
          const ids = new IdGenerator(clock, new SeededRng(seed));
          const out: string[] = [];
          for (const { deltaMs, count } of steps) {
            nowMs += deltaMs;
            for (let i = 0; i < count; i++) out.push(ids.next('acc'));
          }
          expectStrictlyIncreasing(out);
          expectStrictlyIncreasing(out.map((id) => parseIdOrThrow('acc', id)));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('is deterministic for a given clock and seed', () => {
    const a = new IdGenerator(new ManualClock(START_MS), new SeededRng(42));
    const b = new IdGenerator(new ManualClock(START_MS), new SeededRng(42));
    const c = new IdGenerator(new ManualClock(START_MS), new SeededRng(43));
    const fromA = Array.from({ length: 20 }, () => a.next('acc'));
    expect(Array.from({ length: 20 }, () => b.next('acc'))).toEqual(fromA);
    expect(Array.from({ length: 20 }, () => c.next('acc'))).not.toEqual(fromA);
  });
});

describe('formatId and parseId', () => {
  it('matches the TypeID specification vectors', () => {
    expect(formatId('prefix', '01890a5d-ac96-774b-bcce-b302099a8057')).toBe('prefix_01h455vb4pex5vsknk084sn02q');
    expect(formatId('x', '00000000-0000-0000-0000-000000000000')).toBe('x_00000000000000000000000000');
    expect(formatId('x', '00000000-0000-0000-0000-000000000001')).toBe('x_00000000000000000000000001');
    expect(formatId('x', 'ffffffff-ffff-ffff-ffff-ffffffffffff')).toBe('x_7zzzzzzzzzzzzzzzzzzzzzzzzz');
    expect(parseId('prefix', 'prefix_01h455vb4pex5vsknk084sn02q')).toEqual(ok('01890a5d-ac96-774b-bcce-b302099a8057'));
  });

  it('round-trips any UUID under any prefix', () => {
    fc.assert(
      fc.property(anyPrefix, anyUuid, (prefix, uuid) => {
        const id = formatId(prefix, uuid);
        expect(id.startsWith(`${prefix}_`)).toBe(true);
        expect(id.slice(prefix.length + 1)).toMatch(SUFFIX);
        expect(parseId(prefix, id)).toEqual(ok(uuid));
        expect(isId(prefix, id)).toBe(true);
        expect(formatId(prefix, uuid.toUpperCase())).toBe(id);
      }),
      { numRuns: 500 },
    );
  });

  it('preserves UUID order in the string form', () => {
    fc.assert(
      fc.property(anyUuid, anyUuid, (a, b) => {
        const [x, y] = [formatId('acc', a), formatId('acc', b)];
        expect(Math.sign(x.localeCompare(y, 'en'))).toBe(Math.sign(a.localeCompare(b, 'en')));
        expect(x < y).toBe(a < b);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects every malformed id as id_malformed', () => {
    const good = 'acc_01h455vb4pex5vsknk084sn02q';
    expect(parseId('acc', good).ok).toBe(true);
    const bad = [
      ['wrong prefix', 'trf_01h455vb4pex5vsknk084sn02q'],
      ['prefix only in part', 'ac_01h455vb4pex5vsknk084sn02q'],
      ['missing underscore', 'acc01h455vb4pex5vsknk084sn02q'],
      ['other separator', 'acc-01h455vb4pex5vsknk084sn02q'],
      ['too short', 'acc_01h455vb4pex5vsknk084sn02'],
      ['too long', 'acc_01h455vb4pex5vsknk084sn02qq'],
      ['empty', ''],
      ['upper-case suffix', 'acc_01H455VB4PEX5VSKNK084SN02Q'],
      ['one upper-case char', 'acc_01h455vb4pex5vsknk084sn02Q'],
      ['upper-case prefix', 'ACC_01h455vb4pex5vsknk084sn02q'],
      ['letter i', 'acc_01h455vb4pex5vsknk084sn02i'],
      ['letter l', 'acc_01h455vb4pex5vsknk084sn02l'],
      ['letter o', 'acc_01h455vb4pex5vsknk084sn02o'],
      ['letter u', 'acc_01h455vb4pex5vsknk084sn02u'],
      ['punctuation', 'acc_01h455vb4pex5vsknk084sn0-q'],
      ['first char 8 overflows 128 bits', 'acc_81h455vb4pex5vsknk084sn02q'],
      ['first char z overflows 128 bits', 'acc_z1h455vb4pex5vsknk084sn02q'],
      ['bare uuid', '01890a5d-ac96-774b-bcce-b302099a8057'],
    ] as const;
    for (const [why, text] of bad) {
      expect(parseId('acc', text), why).toEqual({ ok: false, code: 'id_malformed' });
      expect(isId('acc', text), why).toBe(false);
    }
    expect(parseId('acc', 42 as unknown as string)).toEqual({ ok: false, code: 'id_malformed' });
  });

  it('rejects any single-character corruption outside the alphabet', () => {
    const good = formatId('loan', '01890a5d-ac96-774b-bcce-b302099a8057');
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: good.length - 1 }),
        fc.constantFrom(...'ilouILOUABZ-_ .!é0'.split('')),
        (position, ch) => {
          const corrupted = `${good.slice(0, position)}${ch}${good.slice(position + 1)}`;
          if (corrupted === good) return;
          const parsed = parseId('loan', corrupted);
          if (/[0-9a-hjkmnp-tv-z]/.test(ch) && !(position === 5 && ch > '7')) expect(parsed.ok).toBe(true);
          else expect(parsed).toEqual({ ok: false, code: 'id_malformed' });
        },
      ),
    );
  });

  it('treats a bad prefix or UUID given to formatId as a programmer error', () => {
    const uuid = '01890a5d-ac96-774b-bcce-b302099a8057';
    expect(() => formatId('Acc', uuid)).toThrow(AssertionError);
    expect(() => formatId('', uuid)).toThrow(AssertionError);
    expect(() => formatId('a_b', uuid)).toThrow(AssertionError);
    expect(() => formatId('abcdefghijklmnopq', uuid)).toThrow(AssertionError);
    expect(() => formatId('acc', uuid.replaceAll('-', ''))).toThrow(AssertionError);
    expect(() => formatId('acc', `${uuid}0`)).toThrow(AssertionError);
    expect(() => bytesToUuid(new Uint8Array(15))).toThrow(AssertionError);
  });
});

function parseIdOrThrow(prefix: string, text: string): string {
  const parsed = parseId(prefix, text);
  if (!parsed.ok) throw new Error(`not a ${prefix} id: ${text}`);
  return parsed.value;
}
