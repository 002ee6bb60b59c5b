import { join } from 'node:path';
import { type Database, migrateSchema, openDatabase } from '@zhirong/db';
import { type Clock, cryptoRng, IdGenerator, type Rng, systemClock } from '@zhirong/kernel';
import type { Config } from './config.ts';
import { type EventBus, InProcessEventBus } from './event-bus.ts';
import type { Logger } from './logger.ts';
import type { ModuleContext, ModuleRegistry } from './module.ts';
import { Outbox, OutboxRelay, outboxMigrations } from './outbox.ts';

/** A running platform: the database, every module's service, and the event machinery. */
export interface Platform {
  readonly context: ModuleContext;
  readonly modules: ModuleRegistry;
  readonly relay: OutboxRelay;
  /** Services by module name. */
  service<S>(name: string): S;
  /** Starts the outbox relay and every module's background work (once; later calls do nothing). */
  start(): void;
  /** Stops background work and closes the database. */
  close(): Promise<void>;
}

export interface BootOptions {
  readonly config: Config;
  readonly modules: ModuleRegistry;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly rng?: Rng;
  readonly bus?: EventBus;
  /** An already open database (tests); otherwise opened from the config. */
  readonly db?: Database;
  /** Apply migrations on boot (default true). */
  readonly migrate?: boolean;
}

export function embeddedDataDir(config: Config): string {
  return join(config.dataDir, 'pgdata');
}

/** Opens the database once, migrates every module, and builds the services. */
export async function bootPlatform(options: BootOptions): Promise<Platform> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const rng = options.rng ?? cryptoRng;
  const db =
    options.db ??
    (await openDatabase({
      url: config.databaseUrl,
      dataDir: config.databaseUrl ? undefined : embeddedDataDir(config),
      poolSize: config.dbPoolSize,
    }));
  try {
    return await assemble(options, db, clock, rng);
  } catch (error) {
    // A database opened here is closed here: an open pool or PGlite would outlive the failed boot.
    if (!options.db) await db.close().catch(() => {});
    throw error;
  }
}

async function assemble(options: BootOptions, db: Database, clock: Clock, rng: Rng): Promise<Platform> {
  const { config, modules, logger } = options;
  if (options.migrate ?? true) {
    for (const m of [outboxMigrations, ...modules.list().map((mod) => mod.migrations)]) {
      const report = await migrateSchema(db.kysely, m);
      if (report.applied.length > 0) logger.info(report, 'migrations applied');
    }
  }
  const ids = new IdGenerator(clock, rng);
  const bus =
    options.bus ??
    new InProcessEventBus((error, event) => logger.error({ err: error, topic: event.topic }, 'event handler failed'));
  const relay = new OutboxRelay(db.kysely, bus, logger, config.outboxPollMs);
  const services = new Map<string, unknown>();
  const service = <S>(name: string): S => {
    if (!services.has(name)) throw new Error(`no module ${name} (modules are built in registration order)`);
    return services.get(name) as S;
  };
  const context: ModuleContext = {
    config,
    db,
    clock,
    rng,
    ids,
    logger,
    outbox: new Outbox(ids, clock),
    bus,
    eventsCommitted: () => relay.nudge(),
    services: { service },
  };
  for (const m of modules.list()) services.set(m.name, m.createService(context));
  const stops: { module: string; stop: () => Promise<void> }[] = [];
  let closing: Promise<void> | undefined;
  let started = false;
  return {
    context,
    modules,
    relay,
    service,
    start() {
      // Starting twice would run every sweeper and consumer twice.
      if (started) return;
      started = true;
      relay.start();
      for (const m of modules.list()) {
        const stop = m.start?.(services.get(m.name), context);
        if (stop) stops.push({ module: m.name, stop });
      }
    },
    close() {
      // One failing module must not keep the relay running or the database open.
      closing ??= (async () => {
        for (const { module, stop } of stops.reverse()) {
          try {
            await stop();
          } catch (error) {
            logger.error({ err: error, module }, 'module stop failed');
          }
        }
        await relay.stop();
        await db.close();
      })();
      return closing;
    },
  };
}
