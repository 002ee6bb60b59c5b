// Fixture of ledger.crash.test.ts, not a test: writes batches of transfers until the process is killed.
//
//   node --import tsx crash-writer.fixture.ts <postgres-url | pglite-data-dir> <run> <batch-size> <debit-account> <credit-account>
//
// Every transfer of batch k carries `metadata: { batch: k }`, with k = run × 1,000,000 + 1, 2, 3, …
// Before each batch it prints `begin k`, after its commit `commit k`. On PostgreSQL its connections
// carry the application_name `zhirong-crash-writer`.
import { openDatabase } from '@zhirong/db';
import { type CurrencyCode, cryptoRng, IdGenerator, systemClock } from '@zhirong/kernel';
import { Outbox } from '@zhirong/platform';
import { LedgerService } from './ledger.service.ts';
import type { TransferRequest } from './transfer.ts';

const APPLICATION_NAME = 'zhirong-crash-writer';
// The test kills the writer within a few batches; the bound keeps a writer whose test is gone (a
// timed-out run) from filling the disk.
const BATCHES_MAX = 200;

// The parent holds our stdin open: when it dies without killing us, stdin closes and we stop.
process.stdin.on('close', () => process.exit(3));
process.stdin.resume();

async function main(): Promise<void> {
  const [target, run, size, debitAccountId, creditAccountId] = process.argv.slice(2);
  if (!target || !run || !size || !debitAccountId || !creditAccountId) {
    throw new Error('usage: <url|dataDir> <run> <batch-size> <debit-account> <credit-account>');
  }
  const batchSize = Number(size);
  const db = await openDatabase(
    target.startsWith('postgres')
      ? { url: target, applicationName: APPLICATION_NAME, poolSize: 2 }
      : { dataDir: target },
  );
  const ids = new IdGenerator(systemClock, cryptoRng);
  const ledger = new LedgerService({ db: db.kysely, clock: systemClock, ids, outbox: new Outbox(ids, systemClock) });
  for (let k = 1; k <= BATCHES_MAX; k++) {
    const batch = Number(run) * 1_000_000 + k;
    const requests: TransferRequest[] = Array.from({ length: batchSize }, (_, i) => ({
      kind: 'single',
      id: ids.uuid(),
      debitAccountId,
      creditAccountId,
      amountMinor: BigInt(1 + (i % 97)),
      currency: 'CNY' as CurrencyCode,
      metadata: { batch },
    }));
    process.stdout.write(`begin ${batch}\n`);
    const results = await ledger.createTransfers(requests);
    if (!results.every((r) => r.status === 'created')) throw new Error(`batch ${batch} was not written whole`);
    process.stdout.write(`commit ${batch}\n`);
  }
  await db.close();
}

await main();
