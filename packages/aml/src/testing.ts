// Test helpers of the AML package: a migrated database (outbox + aml schemas) with a manual clock and the AML services built on it.

import type { Backend } from '@zhirong/db';
import { migrateSchema } from '@zhirong/db';
import { openTestDatabase, type TestDatabase } from '@zhirong/db/testing';
import { IdGenerator, ManualClock, SeededRng } from '@zhirong/kernel';
import { Outbox, outboxMigrations } from '@zhirong/platform';
import { sql } from 'kysely';
import type { AmlDeps } from './cases/case.ts';
import { amlMigrations } from './migrations.ts';
import { AmlScreeningService } from './screening/screening.service.ts';
import { type AmlWorkbench, type AmlWorkbenchOptions, createAmlWorkbench } from './workbench.ts';

export interface AmlTestBed extends AmlWorkbench {
  readonly db: TestDatabase;
  readonly clock: ManualClock;
  readonly deps: AmlDeps;
  /** Topics of the outbox events written so far, in order. */
  outboxTopics(): Promise<string[]>;
  close(): Promise<void>;
}

export async function openAmlTestBed(
  backend: Backend,
  options: AmlWorkbenchOptions & { start?: number } = {},
): Promise<AmlTestBed> {
  const db = await openTestDatabase(backend);
  await migrateSchema(db.kysely, outboxMigrations);
  await migrateSchema(db.kysely, amlMigrations);
  const clock = new ManualClock(options.start ?? Date.UTC(2026, 5, 1, 2));
  const ids = new IdGenerator(clock, new SeededRng(7));
  const deps: AmlDeps = { db: db.kysely, clock, ids, outbox: new Outbox(ids, clock) };
  const workbench = createAmlWorkbench(deps, {
    ...options,
    screening: options.screening ?? new AmlScreeningService(deps),
  });
  return {
    ...workbench,
    db,
    clock,
    deps,
    async outboxTopics() {
      const result = await sql<{ topic: string }>`select topic from platform.outbox order by id`.execute(db.kysely);
      return result.rows.map((r) => r.topic);
    },
    close: () => db.close(),
  };
}
