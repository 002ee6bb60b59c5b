// Proves the name matcher: Chinese names in characters, traditional characters and pinyin in any order and spacing, Latin names with accents, honorifics, initials, transliteration variants and typos match; different names do not; dates of birth and nationality move the score.
import { describe, expect, it } from 'vitest';
import { editDistance, jaroWinkler } from './distance.ts';
import { compareBirthDates, scoreMatch } from './match.ts';
import { DEFAULT_THRESHOLD, subjectOf } from './screening.ts';

function score(a: string, b: string, dobA?: string, dobB?: string, natA?: string, natB?: string): number {
  return scoreMatch(
    subjectOf({ fullName: a, dateOfBirth: dobA, nationality: natA }),
    subjectOf({ fullName: b, dateOfBirth: dobB, nationality: natB }),
  ).score;
}

describe('editDistance and jaroWinkler', () => {
  it('counts insertions, deletions, substitutions and adjacent transpositions', () => {
    expect(editDistance('zhang', 'zhang')).toBe(0);
    expect(editDistance('zhang', 'zhagn')).toBe(1);
    expect(editDistance('zhang', 'zhng')).toBe(1);
    expect(editDistance('zhang', 'zhanng')).toBe(1);
    expect(editDistance('zhang', 'chang')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });
  it('gives Jaro–Winkler similarities in [0, 1]', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });
});

describe('Chinese names', () => {
  it.each([
    ['张伟', 'Zhang Wei'],
    ['张伟', 'ZHANG Wei'],
    ['张伟', 'zhangwei'],
    ['张伟', 'Wei Zhang'],
    ['张伟', '張偉'],
    ['張偉', 'WEI, Zhang'],
    ['欧阳娜娜', 'Ouyang Nana'],
    ['王子轩', 'Wang Zi-Xuan'],
    ['王子轩', 'Zixuan Wang'],
    ['张伟先生', 'Zhang Wei'],
    ['毛泽东', 'Mao Tse-tung'],
    ['吕布', 'Lü Bu'],
  ])('%s ≈ %s', (a, b) => {
    expect(score(a, b)).toBeGreaterThanOrEqual(0.95);
    expect(score(b, a)).toBeGreaterThanOrEqual(0.95);
  });
  it('matches an initial with a lower score', () => {
    const s = score('W. Zhang', '张伟');
    expect(s).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(s).toBeLessThan(0.95);
  });
  it.each([
    ['张伟', '王伟'],
    ['张伟', '张芳'],
    ['李娜', '李强'],
    ['张伟', 'Zhang Weiming'],
  ])('%s is not %s', (a, b) => {
    expect(score(a, b)).toBeLessThan(DEFAULT_THRESHOLD);
  });
});

describe('Latin names', () => {
  it.each([
    ['Vladimir Putin', 'PUTIN, Vladimir'],
    ['José Núñez', 'Jose Nunez'],
    ['Mohammed al-Rashid', 'Muhammad Rashid'],
    ['Mohamed Al Rashid', 'Mohammad el-Rashid'],
    ['Dr. Hans Müller', 'Hans Mueller'],
    ['Hans Müller', 'Hans Muller'],
    ['Sergei Ivanov', 'Sergey Ivanov'],
    ['Alexander Petrov', 'Aleksandr Petrov'],
    ['Catherine Ashton', 'Catherine Ashotn'],
    ['Catherine Ashton', 'Catherine Asshton'],
    ['Catherine Ashton', 'Catherine Ashten'],
    ['Osama bin Laden', 'Usama bin Ladin'],
    ['Ali Hassan Rashid', 'Ali Rashid Hassan'],
  ])('%s ≈ %s', (a, b) => {
    expect(score(a, b)).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });
  it.each([
    ['John Smith', 'Jane Smith'],
    ['John Smith', 'John Brown'],
    ['Golden Dragon Trading Ltd', 'Silver Dragon Trading Ltd'],
    ['Hans Becker', 'Hans Mummoun Becker Stein'],
    ['Maria Garcia', 'Mario Garcia Lopez'],
  ])('%s is not %s', (a, b) => {
    expect(score(a, b)).toBeLessThan(DEFAULT_THRESHOLD);
  });
  it('explains which tokens matched and how', () => {
    const e = scoreMatch(subjectOf({ fullName: 'Mohammed Rashidd' }), subjectOf({ fullName: 'Muhammad Rashid' }));
    expect(e.tokens.map((t) => t.kind).sort()).toEqual(['variant', 'variant']);
    const typo = scoreMatch(subjectOf({ fullName: 'Catherine Ashotn' }), subjectOf({ fullName: 'Catherine Ashton' }));
    expect(typo.tokens.find((t) => t.entry === 'ashton')).toMatchObject({ kind: 'typo', edits: 1 });
    expect(typo.method).toBe('tokens');
    const joined = scoreMatch(subjectOf({ fullName: 'zhangwei' }), subjectOf({ fullName: '张伟' }));
    expect(joined.method).toBe('joined');
  });
});

describe('qualifiers', () => {
  it('compares dates of birth', () => {
    const d = (year: number, month?: number, day?: number) => ({ year, month, day });
    expect(compareBirthDates(d(1980, 3, 7), d(1980, 3, 7))).toBe('exact');
    expect(compareBirthDates(d(1980), d(1980, 3, 7))).toBe('same_year');
    expect(compareBirthDates(d(1980, 3, 7), d(1980, 4, 7))).toBe('different_day');
    expect(compareBirthDates(d(1981, 3, 7), d(1980, 3, 7))).toBe('shifted_year');
    expect(compareBirthDates(d(1981, 5, 7), d(1980, 3, 7))).toBe('near_year');
    expect(compareBirthDates(d(1983, 3, 7), d(1980, 3, 7))).toBe('different');
    expect(compareBirthDates(undefined, d(1980))).toBe('missing');
    expect(compareBirthDates(d(1980), undefined)).toBe('missing_in_entry');
  });
  it('raises the score for the same date of birth and lowers it for another', () => {
    const base = score('Catherine Ashotn', 'Catherine Ashton');
    expect(score('Catherine Ashotn', 'Catherine Ashton', '1956-03-20', '1956-03-20')).toBeGreaterThan(base);
    expect(score('Catherine Ashton', 'Catherine Ashton', '1957-03-20', '1956-03-20')).toBeGreaterThanOrEqual(
      DEFAULT_THRESHOLD,
    );
    expect(score('Catherine Ashton', 'Catherine Ashton', '1960-03-20', '1956-03-20')).toBeLessThan(DEFAULT_THRESHOLD);
    expect(score('Catherine Ashton', 'Catherine Ashton', '1956-08-02', '1956-03-20')).toBeLessThan(DEFAULT_THRESHOLD);
  });
  it('raises the score for the same nationality and lowers it for another', () => {
    const base = score('Li Ning', 'Li Nign');
    expect(score('Li Ning', 'Li Nign', undefined, undefined, 'CN', 'cn')).toBeGreaterThan(base);
    expect(score('Li Ning', 'Li Nign', undefined, undefined, 'CN', 'US')).toBeLessThan(base);
  });
});
