import type { Backend } from '@zhirong/db';
import { migrateSchema } from '@zhirong/db';
import { openTestDatabase } from '@zhirong/db/testing';
import { type Clock, cryptoRng, IdGenerator, SeededRng, systemClock } from '@zhirong/kernel';
import { createLogger } from '@zhirong/platform';
import { ChainService } from './chain.service.ts';
import { signingKeyFromSeed } from './keys.ts';
import { chainMigrations } from './migrations.ts';

/** A chain service on a fresh, migrated test database, with a deterministic log key from `seed`. */
export async function openTestChain(backend: Backend, options: { clock?: Clock; seed?: number; quorum?: number } = {}) {
  const db = await openTestDatabase(backend);
  await migrateSchema(db.kysely, chainMigrations);
  const clock = options.clock ?? systemClock;
  const ids = new IdGenerator(clock, cryptoRng);
  const key = signingKeyFromSeed(new SeededRng(options.seed ?? 1).bytes(32));
  const chain = new ChainService({
    db: db.kysely,
    clock,
    ids,
    logger: createLogger({ level: 'silent' }),
    key,
    witnessQuorum: options.quorum ?? 2,
  });
  return { db, chain, key, clock, ids };
}
