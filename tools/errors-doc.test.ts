// Proves docs/ERRORS.md lists exactly the codes of every error catalog, and every code has zh and en text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGS, ERRORS_DOC, renderErrorsDoc } from './errors-doc.ts';

describe('error catalog documentation', () => {
  it('docs/ERRORS.md is up to date (regenerate with `npx tsx tools/errors-doc.ts`)', () => {
    expect(readFileSync(ERRORS_DOC, 'utf8')).toBe(renderErrorsDoc());
  });

  it('every code has a status and a message in both languages', () => {
    for (const { catalog } of CATALOGS) {
      for (const [code, def] of Object.entries(catalog)) {
        expect(code).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(def.status).toBeGreaterThanOrEqual(400);
        expect(def.en.length, code).toBeGreaterThan(0);
        expect(def.zh.length, code).toBeGreaterThan(0);
        expect(def.zh, `${code} has Chinese text`).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });

  it('a code shared by two catalogs means the same thing in both', () => {
    const seen = new Map<string, { status: number; en: string }>();
    for (const { catalog } of CATALOGS) {
      for (const [code, def] of Object.entries(catalog)) {
        const earlier = seen.get(code);
        if (earlier) expect({ status: def.status }, code).toEqual({ status: earlier.status });
        seen.set(code, def);
      }
    }
  });
});
