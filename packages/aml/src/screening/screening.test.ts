// Proves screening end to end on a small list: the best entry is reported with its score and features, the threshold decides between a match and none, a whitelisted pair is skipped in favour of the next candidate, and CSV and FollowTheMoney lists load with aliases, dates of birth and nationality (bad files named in the error).
import { describe, expect, it } from 'vitest';
import { AmlError } from '../errors.ts';
import { readCsvNames, readFtmNames } from './lists.ts';
import { buildScreeningIndex, DEFAULT_THRESHOLD, screenSubject, subjectOf, Whitelist } from './screening.ts';

const LIST_CSV = [
  'full_name,date_of_birth,nationality,aliases',
  '张伟,1970-05-01,CN,Zhang Wei',
  'Vladimir Vladimirovich Putin,1952-10-07,RU,Wladimir Putin',
  'Golden Dragon Trading Ltd,,HK,',
  '"Rashid, Mohammed al",1965,SY,Abu Rashid;M. Rashid',
  '张伟,1985-11-23,CN,',
].join('\n');

describe('screening a list', () => {
  const list = readCsvNames(LIST_CSV, 'list.csv');
  const index = buildScreeningIndex(list);

  it('reads names, aliases, dates of birth and nationality from CSV', () => {
    expect(list).toHaveLength(5);
    expect(list[3]).toMatchObject({
      fullName: 'Rashid, Mohammed al',
      aliases: ['Abu Rashid', 'M. Rashid'],
      dateOfBirth: '1965',
      nationality: 'SY',
    });
  });

  it('picks the entry whose date of birth agrees', () => {
    const hit = screenSubject(index, subjectOf({ fullName: 'Wei ZHANG', dateOfBirth: '1985-11-23' }));
    expect(hit.entry).toBe(4);
    expect(hit.explanation?.birthDate).toBe('exact');
    const shifted = screenSubject(index, subjectOf({ fullName: '張偉', dateOfBirth: '1971-05-01' }));
    expect(shifted.entry).toBe(0);
    expect(shifted.explanation?.birthDate).toBe('shifted_year');
    const unrelated = screenSubject(index, subjectOf({ fullName: 'Zhang Wei', dateOfBirth: '1999-01-01' }));
    expect(unrelated.entry).toBeNull();
  });

  it('matches through aliases and transliteration variants', () => {
    const hit = screenSubject(index, subjectOf({ fullName: 'Muhammad Al-Rashid', nationality: 'sy' }));
    expect(hit.entry).toBe(3);
    expect(hit.explanation?.nationality).toBe('same');
    expect(screenSubject(index, subjectOf({ fullName: 'PUTIN Wladimir' })).entry).toBe(1);
    expect(screenSubject(index, subjectOf({ fullName: 'Golden Dragon Trading Limited' })).entry).toBe(2);
    expect(screenSubject(index, subjectOf({ fullName: 'Silver Dragon Trading Ltd' })).entry).toBeNull();
  });

  it('applies the threshold', () => {
    const subject = subjectOf({ fullName: 'Vladimir Putni' });
    const hit = screenSubject(index, subject, DEFAULT_THRESHOLD);
    expect(hit.entry).toBe(1);
    expect(hit.score).toBeLessThan(1);
    const strict = screenSubject(index, subject, Math.min(1, hit.score + 0.0001));
    expect(strict.entry).toBeNull();
    expect(strict.score).toBe(hit.score);
    expect(screenSubject(index, subject, 0).entry).toBe(1);
  });

  it('skips a whitelisted pair, and only that pair', () => {
    const subject = subjectOf({ fullName: 'Zhang Wei' });
    const before = screenSubject(index, subject);
    expect(before.entry).toBe(0);
    const whitelist = new Whitelist();
    whitelist.add(subject, 0);
    expect(screenSubject(index, subject, DEFAULT_THRESHOLD, whitelist).entry).toBe(4);
    whitelist.add(subject, 4);
    expect(screenSubject(index, subject, DEFAULT_THRESHOLD, whitelist).entry).toBeNull();
    // Another input with the same list entry is still screened.
    expect(
      screenSubject(index, subjectOf({ fullName: '张伟', dateOfBirth: '1970-05-01' }), DEFAULT_THRESHOLD, whitelist)
        .entry,
    ).toBe(0);
  });
});

describe('list files', () => {
  it('names the missing column and the malformed line', () => {
    expect(() => readCsvNames('name,dob\nZhang Wei,1970', 'x.csv')).toThrow(/no column full_name/);
    expect(() => readCsvNames('full_name,dob\nZhang Wei', 'x.csv')).toThrow(AmlError);
    expect(() => readCsvNames('full_name,dob\n" ",1970\n', 'x.csv')).toThrow(/Row 0 of x.csv has no name/);
  });

  it('reads FollowTheMoney entities and skips other schemata', () => {
    const lines = [
      JSON.stringify({
        id: 'Q7747',
        schema: 'Person',
        caption: 'Vladimir Putin',
        properties: {
          name: ['Vladimir Vladimirovich Putin'],
          alias: ['Владимир Путин', 'Putin'],
          birthDate: ['1952-10-07'],
          nationality: ['ru'],
        },
      }),
      JSON.stringify({ id: 's1', schema: 'Sanction', properties: { entity: ['Q7747'] } }),
      JSON.stringify({
        id: 'c1',
        schema: 'Company',
        properties: { name: ['Golden Dragon Trading Ltd'], country: ['hk'] },
      }),
      '',
    ].join('\n');
    const records = readFtmNames(lines, 'entities.ftm.json');
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      fullName: 'Vladimir Vladimirovich Putin',
      dateOfBirth: '1952-10-07',
      nationality: 'ru',
      sourceId: 'Q7747',
      schema: 'Person',
    });
    expect(records[0]?.aliases).toContain('Putin');
    const index = buildScreeningIndex(records);
    expect(
      screenSubject(index, subjectOf({ fullName: 'Putin, Vladimir', dateOfBirth: '1952', nationality: 'RU' })).entry,
    ).toBe(0);
    expect(() => readFtmNames('{"schema":"Person"\n', 'bad.json')).toThrow(/Line 1 of bad.json/);
    expect(() => readFtmNames('{"id":"x"}\n', 'bad.json')).toThrow(/no schema/);
  });
});
