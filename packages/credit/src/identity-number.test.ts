// Proves resident ID numbers (GB 11643) and unified social credit codes (GB 32100) are accepted only with a right check character, a real birth date and a region shape, on the standard's own examples and on thousands of generated ones.
import { makeResidentId } from '@zhirong/simulator';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageOn, creditCodeCheckCharacter, parseCreditCode, parseResidentId } from './identity-number.ts';

const TODAY = '2026-12-06';

describe('resident ID (GB 11643-1999)', () => {
  it('accepts the standard’s examples and extracts birth date and sex', () => {
    expect(parseResidentId('11010519491231002X', TODAY)).toEqual({
      ok: true,
      value: { number: '11010519491231002X', regionCode: '110105', birthDate: '1949-12-31', sex: 'F' },
    });
    const man = parseResidentId('440524188001010014', TODAY);
    expect(man.ok && man.value.sex).toBe('M');
    expect(parseResidentId('11010519491231002x', TODAY).ok).toBe(true);
  });

  it('names what is wrong', () => {
    expect(parseResidentId('1101051949123100', TODAY)).toEqual({ ok: false, code: 'id_number_format' });
    expect(parseResidentId('11010519491231002Y', TODAY)).toEqual({ ok: false, code: 'id_number_format' });
    expect(parseResidentId('11010519491231002', TODAY)).toEqual({ ok: false, code: 'id_number_format' });
    expect(parseResidentId('110105194912310021', TODAY)).toEqual({ ok: false, code: 'id_number_check_digit' });
    expect(parseResidentId('990105194912310021', TODAY)).toEqual({ ok: false, code: 'id_number_region' });
    expect(parseResidentId('110105194902300021', TODAY)).toEqual({ ok: false, code: 'id_number_birth_date' });
    expect(parseResidentId('110105202712310021', TODAY)).toEqual({ ok: false, code: 'id_number_birth_date' });
  });

  it('round-trips every generated id and rejects every single-digit change', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30_000 }),
        fc.constantFrom('110105', '310115', '440305', '510107'),
        fc.boolean(),
        fc.integer({ min: 0, max: 499 }),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        (dayOffset, region, male, sequence, position, delta) => {
          const birth = new Date(Date.UTC(1940, 0, 1) + dayOffset * 86_400_000).toISOString().slice(0, 10);
          const id = makeResidentId(
            { regionCode: region, birthDate: birth.replaceAll('-', ''), sex: male ? 'M' : 'F' },
            sequence,
          );
          const parsed = parseResidentId(id, TODAY);
          expect(parsed).toEqual({
            ok: true,
            value: { number: id, regionCode: region, birthDate: birth, sex: male ? 'M' : 'F' },
          });
          const digit = (id.charCodeAt(position) - 48 + delta) % 10;
          const changed = id.slice(0, position) + String(digit) + id.slice(position + 1);
          expect(parseResidentId(changed, TODAY).ok).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts age in whole years', () => {
    expect(ageOn('2008-12-06', TODAY)).toBe(18);
    expect(ageOn('2008-12-07', TODAY)).toBe(17);
    expect(ageOn('1961-01-01', TODAY)).toBe(65);
  });
});

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts published codes of real companies', () => {
    for (const code of ['9144030071526726XG', '91330100799655058B', '91110108551385082Q', '91310000132149237G'])
      expect(parseCreditCode(code)).toEqual({ ok: true, value: code });
  });

  it('rejects a wrong check character, a forbidden letter or a bad length', () => {
    expect(parseCreditCode('9144030071526726XH')).toEqual({ ok: false, code: 'credit_code_check_digit' });
    expect(parseCreditCode('9144030071526726IG')).toEqual({ ok: false, code: 'credit_code_format' });
    expect(parseCreditCode('9144030071526726X')).toEqual({ ok: false, code: 'credit_code_format' });
    expect(creditCodeCheckCharacter('91440300715267260')).toHaveLength(1);
  });
});
