import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainModule } from '@zhirong/chain';
import type { Backend } from '@zhirong/db';
import { openTestDatabase } from '@zhirong/db/testing';
import type { Clock } from '@zhirong/kernel';
import { ledgerModule } from '@zhirong/ledger';
import { bootPlatform, createLogger, loadConfig, ModuleRegistry, type Platform } from '@zhirong/platform';
import { evidenceModule } from './evidence/module.ts';
import { scfModule } from './scf/module.ts';

/**
 * A platform with the ledger, the evidence log, the receivables and the evidence flow on a fresh
 * test database, with its own data directory (and so its own log key). Started (subscriptions and
 * module timers run) with the relay's own timer stopped: tests call `platform.relay.drain()` to flush events.
 */
export async function bootFlowsPlatform(backend: Backend, options: { clock?: Clock } = {}): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zhirong-flows-'));
  const modules = new ModuleRegistry()
    .register(ledgerModule)
    .register(chainModule)
    .register(scfModule)
    .register(evidenceModule);
  const platform = await bootPlatform({
    config: loadConfig(
      {
        ZHIRONG_DATA_DIR: dataDir,
        ZHIRONG_OUTBOX_POLL_MS: '60000',
        ZHIRONG_CHAIN_HEAD_INTERVAL_MS: '3600000',
        ZHIRONG_CHAIN_WITNESS_QUORUM: '1',
      },
      dataDir,
    ),
    modules,
    logger: createLogger({ level: 'silent' }),
    db: await openTestDatabase(backend),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  platform.start();
  // Tests publish events with `relay.drain()` alone: a background pass could claim a batch and still
  // be appending it when a drain returns.
  await platform.relay.stop();
  return platform;
}
export { openPaymentsTestPlatform, type PaymentsTestPlatform } from './payments/testing.ts';
