// Proves bootPlatform migrates the outbox and every module, builds services, runs start hooks, publishes committed events when nudged, and closes everything — also past a failing module and after a failed boot.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type Backend, inTransaction } from '@zhirong/db';
import { openTestDatabase, postgresTestUrl, type TestDatabase, testBackends } from '@zhirong/db/testing';
import { defineErrors, IdGenerator, ManualClock, SeededRng } from '@zhirong/kernel';
import {
  bootPlatform,
  type DomainEvent,
  embeddedDataDir,
  loadConfig,
  type ModuleContext,
  ModuleRegistry,
  type Platform,
  type ZhirongModule,
} from '@zhirong/platform';
import { captureLogger, type LogRecord } from '@zhirong/platform/testing';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: migrations see the untyped database
type AnyDb = Kysely<any>;

/** The relay polls once a minute here: anything published sooner was nudged. */
const config = loadConfig(
  { ZHIRONG_OUTBOX_POLL_MS: '60000', ZHIRONG_LOG_LEVEL: 'silent' },
  '/tmp/zhirong-runtime-test',
);

interface WidgetService {
  create(id: number, name: string): Promise<void>;
  names(): Promise<string[]>;
}

interface Lifecycle {
  contexts: ModuleContext[];
  started: { service: unknown; context: ModuleContext }[];
  stopped: number;
}

const widgetErrors = defineErrors({
  widget_not_found: { status: 404, en: 'Widget {id} not found', zh: '找不到部件 {id}' },
});

/** A small module of the kind a domain package provides: a schema, a service that emits events, background work. */
function widgetsModule(lifecycle: Lifecycle, stop: () => Promise<void> = async () => {}): ZhirongModule<WidgetService> {
  return {
    name: 'widgets',
    migrations: {
      schema: 'widgets',
      migrations: {
        '0001_widgets': {
          async up(db: AnyDb) {
            await sql`create table widgets.widget (id int primary key, name text not null)`.execute(db);
          },
        },
      },
    },
    errors: widgetErrors,
    createService(context) {
      lifecycle.contexts.push(context);
      return {
        async create(id, name) {
          await inTransaction(context.db.kysely, async (trx) => {
            await sql`insert into widgets.widget (id, name) values (${id}, ${name})`.execute(trx);
            await context.outbox.enqueue(trx, [
              { topic: 'widgets.widget.created', key: `wid_${id}`, payload: { id, name } },
            ]);
          });
          context.eventsCommitted();
        },
        async names() {
          const { rows } = await sql<{ name: string }>`select name from widgets.widget order by id`.execute(
            context.db.kysely,
          );
          return rows.map((r) => r.name);
        },
      };
    },
    start(service, context) {
      lifecycle.started.push({ service, context });
      return async () => {
        lifecycle.stopped += 1;
        await stop();
      };
    },
  };
}

function lifecycle(): Lifecycle {
  return { contexts: [], started: [], stopped: 0 };
}

async function recordedMigrations(db: AnyDb, schema: string): Promise<string[]> {
  const { rows } = await sql<{
    name: string;
  }>`select name from ${sql.id(schema, 'kysely_migration')} order by name`.execute(db);
  return rows.map((r) => r.name);
}

async function eventually(records: LogRecord[], msg: string, timeoutMs = 5000): Promise<LogRecord> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const found = records.find((r) => r.msg === msg);
    if (found) return found;
    if (performance.now() > deadline) throw new Error(`no log record "${msg}" after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('embeddedDataDir', () => {
  it('keeps the embedded database under the data directory', () => {
    expect(embeddedDataDir(config)).toBe(join('/tmp/zhirong-runtime-test/.zhirong', 'pgdata'));
  });
});

describe.each(testBackends())('bootPlatform on %s', (backend: Backend) => {
  let db: TestDatabase;
  let platform: Platform;
  const life = lifecycle();
  const { logger, records } = captureLogger('info');
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const modules = new ModuleRegistry().register(widgetsModule(life));

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    platform = await bootPlatform({ config, modules, logger, db, clock, rng: new SeededRng(7) });
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('applies the outbox migrations and every module migration, and logs them', async () => {
    expect(await recordedMigrations(db.kysely, 'widgets')).toEqual(['0001_widgets']);
    expect(await recordedMigrations(db.kysely, 'platform')).toContain('0001_outbox');
    const applied = records.filter((r) => r.msg === 'migrations applied');
    expect(applied.map((r) => r.schema)).toEqual(['platform', 'widgets']);
  });

  it('builds each service once, from one shared context', () => {
    expect(life.contexts).toHaveLength(1);
    const context = life.contexts[0];
    expect(context).toBe(platform.context);
    expect(context?.config).toBe(config);
    expect(context?.db).toBe(db);
    expect(context?.clock).toBe(clock);
    expect(context?.logger).toBe(logger);
    expect(context?.ids).toBeInstanceOf(IdGenerator);
    expect(platform.modules).toBe(modules);
  });

  it('hands out services by module name', async () => {
    const widgets = platform.service<WidgetService>('widgets');
    expect(typeof widgets.create).toBe('function');
    expect(platform.service<WidgetService>('widgets')).toBe(widgets);
    expect(() => platform.service('gadgets')).toThrow('no module gadgets');
    expect(await widgets.names()).toEqual([]);
  });

  it('does not publish before start(), however often nudged', async () => {
    const seen: DomainEvent[] = [];
    const off = platform.context.bus.subscribe('widgets.>', (event) => void seen.push(event));
    try {
      await platform.service<WidgetService>('widgets').create(1, 'early');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual([]);
    } finally {
      off();
    }
  });

  it('start() runs each module start hook with its service and the context', () => {
    expect(life.started).toHaveLength(0);
    platform.start();
    expect(life.started).toHaveLength(1);
    expect(life.started[0]?.service).toBe(platform.service('widgets'));
    expect(life.started[0]?.context).toBe(platform.context);
    // A second start() must not run the module's background work twice.
    platform.start();
    expect(life.started).toHaveLength(1);
  });

  it('lets composition modules look up services through the context', () => {
    expect(platform.context.services.service<WidgetService>('widgets')).toBe(platform.service('widgets'));
    expect(() => platform.context.services.service('gadgets')).toThrow('no module gadgets');
  });

  it('publishes committed events once eventsCommitted() is called', async () => {
    const seen: DomainEvent[] = [];
    let arrived!: () => void;
    const both = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const off = platform.context.bus.subscribe('widgets.widget.created', (event) => {
      seen.push(event);
      if (seen.length === 2) arrived();
    });
    try {
      await platform.service<WidgetService>('widgets').create(2, 'second');
      await Promise.race([
        both,
        new Promise((_, reject) => setTimeout(() => reject(new Error('no publication within 5 s')), 5000)),
      ]);
      // The event held back before start() goes out first, then the new one.
      expect(seen.map((e) => e.key)).toEqual(['wid_1', 'wid_2']);
      expect(seen[1]?.payload).toEqual({ id: 2, name: 'second' });
      expect(seen[1]?.occurredAt.getTime()).toBe(clock.nowMs());
      expect(await platform.service<WidgetService>('widgets').names()).toEqual(['early', 'second']);
    } finally {
      off();
    }
  });

  it('logs a failing event handler through the default bus', async () => {
    const off = platform.context.bus.subscribe('widgets.>', () => {
      throw new Error('handler broke');
    });
    try {
      await platform.service<WidgetService>('widgets').create(3, 'third');
      const failure = await eventually(records, 'event handler failed');
      expect(failure).toMatchObject({ level: 50, topic: 'widgets.widget.created', err: { message: 'handler broke' } });
    } finally {
      off();
    }
  });

  it('close() stops the modules and closes the database, once', async () => {
    await platform.close();
    expect(life.stopped).toBe(1);
    await expect(sql`select 1`.execute(db.kysely)).rejects.toThrow();
    await platform.close();
    expect(life.stopped).toBe(1);
  });
});

describe.each(testBackends())('bootPlatform failures on %s', (backend: Backend) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase(backend);
  });
  afterAll(async () => {
    await db?.close().catch(() => {});
  });

  it('skips migrations when told to', async () => {
    const { logger } = captureLogger('info');
    await bootPlatform({
      config,
      modules: new ModuleRegistry().register(widgetsModule(lifecycle())),
      logger,
      db,
      migrate: false,
    });
    const { rows } = await sql<{ found: boolean }>`
      select exists (select 1 from information_schema.schemata where schema_name in ('platform', 'widgets')) as found
    `.execute(db.kysely);
    expect(rows[0]?.found).toBe(false);
  });

  it('fails to boot naming a failing migration, and leaves a database it was given open', async () => {
    const { logger } = captureLogger('info');
    const broken: ZhirongModule = {
      name: 'broken',
      migrations: {
        schema: 'broken',
        migrations: {
          '0001_broken': {
            async up() {
              throw new Error('cannot migrate');
            },
          },
        },
      },
      errors: {},
      createService: () => ({}),
    };
    await expect(bootPlatform({ config, modules: new ModuleRegistry().register(broken), logger, db })).rejects.toThrow(
      'broken/0001_broken',
    );
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db.kysely);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('close() carries on past a module whose stop fails, and still closes the database', async () => {
    const { logger, records } = captureLogger('info');
    const life = lifecycle();
    const platform = await bootPlatform({
      config,
      modules: new ModuleRegistry().register(
        widgetsModule(life, async () => {
          throw new Error('stop failed');
        }),
      ),
      logger,
      db,
    });
    platform.start();
    await platform.close();
    expect(life.stopped).toBe(1);
    expect(records.find((r) => r.msg === 'module stop failed')).toMatchObject({
      level: 50,
      module: 'widgets',
      err: { message: 'stop failed' },
    });
    await expect(sql`select 1`.execute(db.kysely)).rejects.toThrow();
  });
});

describe.runIf(postgresTestUrl())('bootPlatform opening its own PostgreSQL database', () => {
  // Skipped describe bodies still run: nothing here may need the URL to be set.
  const adminUrl = postgresTestUrl() ?? 'postgres://unset';
  const name = `zr_test_boot_${randomBytes(6).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;

  async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    await admin((c) => c.query(`create database ${name}`));
  });
  afterAll(async () => {
    await admin((c) => c.query(`drop database if exists ${name} with (force)`));
  });

  it('closes the database it opened when the boot fails', async () => {
    const { logger } = captureLogger('info');
    const broken: ZhirongModule = {
      name: 'broken',
      migrations: {
        schema: 'broken',
        migrations: {
          '0001_broken': {
            async up() {
              throw new Error('cannot migrate');
            },
          },
        },
      },
      errors: {},
      createService: () => ({}),
    };
    const ownConfig = loadConfig({ DATABASE_URL: url.toString(), ZHIRONG_DB_POOL_SIZE: '2' }, '/tmp');
    await expect(
      bootPlatform({ config: ownConfig, modules: new ModuleRegistry().register(broken), logger }),
    ).rejects.toThrow('broken/0001_broken');
    const open = await admin(async (c) => {
      const result = await c.query<{ n: string }>(
        'select count(*)::text as n from pg_stat_activity where datname = $1',
        [name],
      );
      return Number(result.rows[0]?.n);
    });
    expect(open).toBe(0);
  });

  it('boots, serves and closes on a database named by the config', async () => {
    const { logger } = captureLogger('info');
    const life = lifecycle();
    const ownConfig = loadConfig({ DATABASE_URL: url.toString(), ZHIRONG_DB_POOL_SIZE: '2' }, '/tmp');
    const platform = await bootPlatform({
      config: ownConfig,
      modules: new ModuleRegistry().register(widgetsModule(life)),
      logger,
    });
    expect(platform.context.db.backend).toBe('postgres');
    await platform.service<WidgetService>('widgets').create(1, 'one');
    expect(await platform.relay.drain()).toBe(1);
    await platform.close();
  });
});
