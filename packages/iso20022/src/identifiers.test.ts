// Proves IBAN (ISO 13616 mod 97 and the registry lengths) and BIC (ISO 9362) checks: known-good identifiers pass, every single-character substitution and every transposition of an IBAN is caught, and malformed BICs are named.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bicProblem, ibanCheckDigits, ibanProblem, validateBic, validateIban } from './identifiers.ts';

describe('IBAN', () => {
  it('accepts registry examples from many countries', () => {
    for (const iban of [
      'DE89370400440532013000',
      'GB29NWBK60161331926819',
      'FR1420041010050500013M02606',
      'NL91ABNA0417164300',
      'BE68539007547034',
      'CH9300762011623852957',
      'IT60X0542811101000000123456',
      'ES9121000418450200051332',
      'AT611904300234573201',
      'NO9386011117947',
      'SA0380000000608010167519',
      'MT84MALT011000012345MTLCAST001S',
    ])
      expect(validateIban(iban), iban).toBe(true);
  });

  it('names what is wrong', () => {
    expect(ibanProblem('DE89370400440532013001')).toBe('iban_check_digit');
    expect(ibanProblem('DE8937040044053201300')).toBe('iban_length');
    expect(ibanProblem('ZZ89370400440532013000')).toBe('iban_country_unknown');
    expect(ibanProblem('de89370400440532013000')).toBe('iban_format');
    expect(ibanProblem('DE89 3704 0044 0532 0130 00')).toBe('iban_format');
    expect(ibanProblem('')).toBe('iban_format');
    expect(ibanProblem('US')).toBe('iban_format');
  });

  const germanBban = fc.stringMatching(/^[0-9]{18}$/);

  it('builds valid IBANs from check digits, and catches any single substituted character', () => {
    fc.assert(
      fc.property(germanBban, fc.nat(17), fc.nat(9), (bban, position, digit) => {
        const iban = `DE${ibanCheckDigits('DE', bban)}${bban}`;
        expect(validateIban(iban)).toBe(true);
        const at = 4 + position;
        const replaced = String(digit);
        fc.pre(iban[at] !== replaced);
        const broken = `${iban.slice(0, at)}${replaced}${iban.slice(at + 1)}`;
        expect(ibanProblem(broken)).toBe('iban_check_digit');
      }),
    );
  });

  it('catches any transposition of two adjacent different characters', () => {
    fc.assert(
      fc.property(germanBban, fc.nat(16), (bban, position) => {
        const iban = `DE${ibanCheckDigits('DE', bban)}${bban}`;
        const at = 4 + position;
        fc.pre(iban[at] !== iban[at + 1]);
        const swapped = `${iban.slice(0, at)}${iban[at + 1]}${iban[at]}${iban.slice(at + 2)}`;
        expect(validateIban(swapped)).toBe(false);
      }),
    );
  });
});

describe('BIC', () => {
  it('accepts 8 and 11 character BICs, including ISO 9362:2014 digits in the party prefix', () => {
    for (const bic of ['DEUTDEFF', 'COBADEFFXXX', 'ICBKCNBJ300', 'UBSWCHZH80A', 'CHASUS33', '1234DEFF', 'BKCHCNBJ'])
      expect(validateBic(bic), bic).toBe(true);
  });

  it('names what is wrong', () => {
    expect(bicProblem('DEUTDEF')).toBe('bic_format');
    expect(bicProblem('DEUTDEFFXX')).toBe('bic_format');
    expect(bicProblem('deutdeff')).toBe('bic_format');
    expect(bicProblem('DEUT1EFF')).toBe('bic_format');
    expect(bicProblem('DEUTQQFF')).toBe('bic_country_unknown');
  });
});
