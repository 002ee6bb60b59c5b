// Proves resident id numbers follow GB 11643: the published example checks, built ids round-trip with the right sex parity and check character, and any single-character change is caught.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinPinyin, MOBILE_PREFIXES, mobileNumber, personName } from './china.ts';
import { StreamFactory } from './random.ts';
import { makeResidentId, parseResidentId, residentIdCheckChar } from './resident-id.ts';

describe('resident id (GB 11643, ISO 7064 MOD 11-2)', () => {
  it('accepts the standard example and computes its X check character', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(parseResidentId('11010519491231002X')).toEqual({ regionCode: '110105', birthDate: '19491231', sex: 'F' });
    expect(parseResidentId('110105194912310021')).toBeUndefined();
    expect(parseResidentId('11010519490231002X')).toBeUndefined(); // 31 February
  });

  it('builds ids that parse back to their parts, with odd sequence for men and even for women', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('110105', '310115', '440305', '650102'),
        fc.date({ min: new Date('1930-01-01'), max: new Date('2008-12-31'), noInvalidDate: true }),
        fc.constantFrom<'M' | 'F'>('M', 'F'),
        fc.integer({ min: 0, max: 499 }),
        (regionCode, date, sex, sequence) => {
          const birthDate = date.toISOString().slice(0, 10).replaceAll('-', '');
          const id = makeResidentId({ regionCode, birthDate, sex }, sequence);
          expect(id).toMatch(/^\d{17}[\dX]$/);
          expect(parseResidentId(id)).toEqual({ regionCode, birthDate, sex });
          expect(Number(id[16]) % 2).toBe(sex === 'M' ? 1 : 0);
        },
      ),
    );
  });

  it('detects every single-character substitution', () => {
    const id = makeResidentId({ regionCode: '440305', birthDate: '19880314', sex: 'M' }, 123);
    for (let position = 0; position < 18; position++) {
      for (const replacement of '0123456789X') {
        if (replacement === id[position]) continue;
        const changed = id.slice(0, position) + replacement + id.slice(position + 1);
        expect(parseResidentId(changed), changed).toBeUndefined();
      }
    }
  });
});

describe('names and phones', () => {
  it('writes pinyin with the apostrophe before a, o or e', () => {
    expect(joinPinyin(['xi', 'an'])).toBe("Xi'an");
    expect(joinPinyin(['zi', 'xuan'])).toBe('Zixuan');
    expect(joinPinyin(['ou'])).toBe('Ou');
  });

  it('draws names in Chinese and pinyin, and 11-digit mobile numbers with a real prefix', () => {
    const random = new StreamFactory(3).stream(1);
    for (let i = 0; i < 500; i++) {
      const name = personName(random, i % 2 ? 'M' : 'F', 1990);
      expect(name.zh).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
      expect(name.en).toMatch(/^[A-Z][a-z']+ [A-Z][a-z]+$/);
      const phone = mobileNumber(random);
      expect(phone).toMatch(/^1\d{10}$/);
      expect(MOBILE_PREFIXES).toContain(phone.slice(0, 3));
    }
  });
});
