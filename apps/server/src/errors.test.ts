// Proves the HTTP error catalog is well formed (snake_case codes, 4xx/5xx, both languages) and does not contradict the access catalog.
import { accessErrors } from '@zhirong/access';
import { describe, expect, it } from 'vitest';
import { httpErrorList, httpErrors } from './errors.ts';

describe('http error catalog', () => {
  it('lists every code once with a status and an English and a Chinese message', () => {
    const list = httpErrorList();
    expect(list.map((e) => e.code)).toEqual(Object.keys(httpErrors));
    for (const entry of list) {
      expect(entry.code).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      expect(entry.en.length).toBeGreaterThan(0);
      expect(entry.zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('shares no code with the access catalog', () => {
    const shared = Object.keys(httpErrors).filter((code) => code in accessErrors);
    expect(shared).toEqual([]);
  });
});
