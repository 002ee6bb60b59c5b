// Proves that canonicalJson is independent of key order, encodes bigint as a decimal string, nests arrays and objects, and otherwise agrees with JSON.parse.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './json.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,2]},"b":1}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it('sorts keys by UTF-16 code units, not by locale', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, é: 4, '10': 5, '9': 6 })).toBe('{"10":5,"9":6,"B":2,"a":3,"b":1,"é":4}');
    expect(canonicalJson({ '\u{1F600}': 1, '\uFFFF': 2 })).toBe('{"\u{1F600}":1,"\uFFFF":2}');
  });

  it('encodes bigint as a decimal string, beyond 2^53 and negative', () => {
    expect(canonicalJson(1n)).toBe('"1"');
    expect(canonicalJson({ amountMinor: 2n ** 63n - 1n })).toBe('{"amountMinor":"9223372036854775807"}');
    expect(canonicalJson([-5n, 0n])).toBe('["-5","0"]');
  });

  it('encodes nested arrays in order', () => {
    expect(canonicalJson([[1, [2, [3, []]]], [], [{}]])).toBe('[[1,[2,[3,[]]]],[],[{}]]');
    expect(canonicalJson([{ b: [{ d: 1, c: 2 }], a: null }])).toBe('[{"a":null,"b":[{"c":2,"d":1}]}]');
  });

  it('drops undefined members of objects and writes undefined array items as null, like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined, null])).toBe('[null,null]');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('writes dates as ISO strings and scalars as JSON does', () => {
    expect(canonicalJson(new Date(Date.UTC(2026, 0, 1)))).toBe('"2026-01-01T00:00:00.000Z"');
    expect(canonicalJson('a"b\n')).toBe('"a\\"b\\n"');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson(1.5e300)).toBe('1.5e+300');
  });

  it('refuses values JSON cannot carry exactly', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson(Symbol('s'))).toThrow(TypeError);
  });

  it('gives the same text for any insertion order of the same members', () => {
    const entries = fc.uniqueArray(fc.tuple(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })), {
      selector: ([key]) => key,
      maxLength: 10,
    });
    fc.assert(
      fc.property(entries, (pairs) => {
        const forward = Object.fromEntries(pairs);
        const backward = Object.fromEntries([...pairs].reverse());
        expect(canonicalJson(backward)).toBe(canonicalJson(forward));
        expect(canonicalJson({ outer: [forward] })).toBe(canonicalJson({ outer: [backward] }));
      }),
    );
  });

  it('parses back to the same JSON value, with keys in sorted order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        // Deep equality ignores key order; both sides pass through JSON so -0 and 0 compare alike.
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(text).not.toMatch(/^\s|\s$/);
      }),
    );
  });
});
