import type { Backend } from '@zhirong/db';
import { migrateSchema } from '@zhirong/db';
import { openTestDatabase } from '@zhirong/db/testing';
import { type Clock, cryptoRng, IdGenerator, systemClock } from '@zhirong/kernel';
import { Outbox, outboxMigrations } from '@zhirong/platform';
import { LedgerService } from './ledger.service.ts';
import { ledgerMigrations } from './migrations.ts';

/** A ledger service on a fresh, migrated test database. */
export async function openTestLedger(backend: Backend, options: { clock?: Clock; poolSize?: number } = {}) {
  const db = await openTestDatabase(backend, options.poolSize ? { poolSize: options.poolSize } : {});
  await migrateSchema(db.kysely, outboxMigrations);
  await migrateSchema(db.kysely, ledgerMigrations);
  const clock = options.clock ?? systemClock;
  const ids = new IdGenerator(clock, cryptoRng);
  const ledger = new LedgerService({ db: db.kysely, clock, ids, outbox: new Outbox(ids, clock) });
  return { db, ledger, ids, clock };
}
