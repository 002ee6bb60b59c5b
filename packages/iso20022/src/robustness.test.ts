// Proves parseIso20022 never throws, whatever it is fed: random truncations, byte flips and element deletions of every fixture end in either a parsed message or a list of errors with paths, and the 10,000-transaction generator message parses correctly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIso20022 } from './index.ts';
import { FIXTURES, fixtureBytes, generatePain001 } from './testing.ts';

describe('parseIso20022 on damaged input', () => {
  it('always answers with a message or with located errors', () => {
    const fixtures = FIXTURES.map((name) => fixtureBytes(name));
    fc.assert(
      fc.property(
        fc.nat(fixtures.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, flips, cut) => {
          const original = fixtures[which] as Uint8Array;
          const bytes = original.slice(0, cut === undefined ? original.length : cut % (original.length + 1));
          for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
          const result = parseIso20022(bytes);
          if (!result.ok) {
            expect(result.errors.length).toBeGreaterThan(0);
            for (const error of result.errors) {
              expect(error.path.startsWith('/')).toBe(true);
              expect(error.message.length).toBeGreaterThan(0);
              expect(error.messageZh.length).toBeGreaterThan(0);
              // Every placeholder of the catalog message was filled in.
              expect(`${error.message} ${error.messageZh}`).not.toMatch(/\{\w+\}/);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('survives deleting any element of any fixture', () => {
    for (const name of FIXTURES) {
      const text = new TextDecoder().decode(fixtureBytes(name));
      let from = 0;
      let checked = 0;
      for (;;) {
        const open = text.indexOf('<', from);
        if (open < 0) break;
        from = open + 1;
        if (text[open + 1] === '/' || text[open + 1] === '?' || text[open + 1] === '!') continue;
        const nameEnd = text.slice(open + 1).search(/[\s>/]/);
        const tag = text.slice(open + 1, open + 1 + nameEnd);
        const close = text.indexOf(`</${tag}>`, open);
        if (close < 0) continue;
        const result = parseIso20022(text.slice(0, open) + text.slice(close + tag.length + 3));
        expect(typeof result.ok).toBe('boolean');
        checked++;
      }
      expect(checked).toBeGreaterThan(20);
    }
  });

  it('parses a generated 10,000-transaction pain.001 with exact totals', () => {
    const result = parseIso20022(generatePain001(10_000, 4));
    expect(result.ok ? [] : result.errors.slice(0, 3)).toEqual([]);
    expect(result.summary?.transactions).toBe(10_000);
    expect(result.summary?.currency).toBe('EUR');
  });
});
