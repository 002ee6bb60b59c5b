// Proves screening against stored lists on a real database: each load is a new dated version stored whole, screening uses the latest version and stores every result with its score and features, and a whitelisted pair is skipped — also after the list is loaded again.
import { migrateSchema } from '@zhirong/db';
import { openTestDatabase, type TestDatabase, testBackends } from '@zhirong/db/testing';
import { IdGenerator, ManualClock, SeededRng } from '@zhirong/kernel';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amlMigrations } from '../migrations.ts';
import { readCsvNames } from './lists.ts';
import { AmlScreeningService } from './screening.service.ts';

const V1 = readCsvNames(
  ['id,full_name,date_of_birth,nationality', 'p1,张伟,1970-05-01,CN', 'p2,Vladimir Putin,1952-10-07,RU'].join('\n'),
  'v1.csv',
);
const V2 = readCsvNames(
  [
    'id,full_name,date_of_birth,nationality',
    'p0,Golden Dragon Trading Ltd,,HK',
    'p1,张伟,1970-05-01,CN',
    'p2,Vladimir Putin,1952-10-07,RU',
  ].join('\n'),
  'v2.csv',
);

describe.each(testBackends())('AmlScreeningService on %s', (backend) => {
  let db: TestDatabase;
  let service: AmlScreeningService;
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    await migrateSchema(db.kysely, amlMigrations);
    service = new AmlScreeningService({ db: db.kysely, clock, ids: new IdGenerator(clock, new SeededRng(1)) });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('loads versions, screens against the latest, and honours the whitelist across versions', async () => {
    const v1 = await service.loadList({
      listName: 'un-sc',
      kind: 'sanctions',
      sourceFormat: 'csv',
      sourceName: 'v1.csv',
      records: V1,
    });
    expect(v1).toMatchObject({ version: 1, entryCount: 2 });
    expect(v1.loadedAt.toISOString()).toBe('2026-06-01T00:00:00.000Z');

    const first = await service.screen('un-sc', [
      { fullName: 'Zhang Wei', dateOfBirth: '1970-05-01' },
      { fullName: 'Jane Doe' },
    ]);
    expect(first.results.map((r) => r.match)).toEqual([0, null]);
    expect(first.results[0]?.explanation?.birthDate).toBe('exact');

    await service.whitelist('un-sc', { fullName: 'Zhang Wei', dateOfBirth: '1970-05-01' }, 0, {
      reviewer: 'analyst-1',
      reason: 'different person: passport checked',
    });
    const again = await service.screen('un-sc', [{ fullName: 'ZHANG Wei', dateOfBirth: '1970-05-01' }]);
    expect(again.results[0]?.match).toBeNull();

    clock.advance(86_400_000);
    const v2 = await service.loadList({
      listName: 'un-sc',
      kind: 'sanctions',
      sourceFormat: 'csv',
      sourceName: 'v2.csv',
      records: V2,
    });
    expect(v2).toMatchObject({ version: 2, entryCount: 3, listId: v1.listId });
    expect((await service.versions('un-sc')).map((v) => v.version)).toEqual([2, 1]);
    const later = await service.screen('un-sc', [
      { fullName: '張偉', dateOfBirth: '1970-05-01' },
      { fullName: 'Putin Vladimir' },
    ]);
    // The whitelisted pair (same input, entry p1) is skipped in the new version too; others match at their new positions.
    expect(later.results.map((r) => r.match)).toEqual([null, 2]);

    const stored = await sql<{ n: number; matched: number }>`
      select count(*)::int as n, count(entry_position)::int as matched from aml.screening_results`.execute(db.kysely);
    expect(stored.rows[0]).toEqual({ n: 5, matched: 2 });
  });

  it('refuses an unknown list and a bad threshold without writing', async () => {
    await expect(service.screen('nope', [{ fullName: 'x' }])).rejects.toMatchObject({ code: 'list_not_found' });
    await expect(service.screen('un-sc', [{ fullName: 'x' }], 2)).rejects.toMatchObject({ code: 'threshold_invalid' });
    const stored = await sql<{ n: number }>`select count(*)::int as n from aml.screening_results`.execute(db.kysely);
    expect(stored.rows[0]?.n).toBe(5);
  });
});
