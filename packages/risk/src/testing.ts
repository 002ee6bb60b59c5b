import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '@zhirong/db';
import { openTestDatabase } from '@zhirong/db/testing';
import type { Clock } from '@zhirong/kernel';
import { bootPlatform, createLogger, loadConfig, ModuleRegistry, type Platform } from '@zhirong/platform';
import { DecisionEngine } from './engine/engine.ts';
import type { RiskEvent } from './event.ts';
import { riskModule } from './module.ts';
import { createEngineParts } from './parts.ts';
import { RiskService } from './risk.service.ts';

/**
 * The risk module alone on a fresh test database, started (default ruleset live, state loaded) with
 * the outbox relay's timer stopped: tests call `platform.relay.drain()` to publish events.
 */
export async function bootRiskPlatform(
  backend: Backend,
  options: { clock?: Clock; env?: Record<string, string> } = {},
): Promise<{ platform: Platform; risk: RiskService }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zhirong-risk-'));
  const platform = await bootPlatform({
    config: loadConfig({ ZHIRONG_DATA_DIR: dataDir, ZHIRONG_OUTBOX_POLL_MS: '60000', ...(options.env ?? {}) }, dataDir),
    modules: new ModuleRegistry().register(riskModule),
    logger: createLogger({ level: 'silent' }),
    db: await openTestDatabase(backend),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  platform.start();
  await platform.relay.stop();
  const risk = platform.service<RiskService>('risk');
  // The start-up work (default ruleset, reload, rebuild) runs before the first decision.
  await risk.decideMany([]);
  return { platform, risk };
}

/** A second engine on the same database, as a restarted process would build it. */
export async function restartedRiskService(platform: Platform): Promise<RiskService> {
  const parts = createEngineParts();
  const risk = new RiskService({
    db: platform.context.db.kysely,
    clock: platform.context.clock,
    ids: platform.context.ids,
    outbox: platform.context.outbox,
    logger: platform.context.logger,
    eventsCommitted: () => {},
    engine: new DecisionEngine(parts.store, parts.graph, parts.describe),
    compile: parts.compile,
    catalog: parts.catalog,
    caseSlaMinutes: 240,
  });
  await risk.reload();
  await risk.rebuild();
  return risk;
}

/** A payment event with sensible defaults. */
export function paymentEvent(id: string, atMs: number, overrides: Partial<RiskEvent> = {}): RiskEvent {
  return {
    id,
    type: 'payment',
    subtype: 'p2p',
    atMs,
    customerId: 'cus_1',
    accountId: 'acc_1',
    deviceId: 'dev_1',
    ip: '10.0.0.1',
    payeeId: 'acc_2',
    amountMinor: 10_000n,
    currency: 'CNY',
    ...overrides,
  };
}
