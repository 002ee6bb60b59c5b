import { migrateSchema } from '@zhirong/db';
import { CONFIG_KEYS, createLogger, outboxMigrations, redactedConfig } from '@zhirong/platform';
import { serve } from '@zhirong/server';
import type { Command } from 'commander';
import { configFromEnv, fail, printJson, withPlatform } from '../context.ts';
import { seedDemoData } from '../demo.ts';
import { platformModules } from '../modules.ts';
import { serveWitness } from './witness.ts';

export function registerPlatformCommands(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP API (and, with --demo or ZHIRONG_DEMO=true, seed demo data on an empty ledger)')
    .option('--demo', 'seed demo data on first start')
    .option('--port <port>', 'override ZHIRONG_PORT')
    .option('--host <host>', 'override ZHIRONG_HOST')
    .option('--role <role>', 'platform (default) or witness: co-sign the heads of another evidence log', 'platform')
    .option('--log-url <url>', 'witness: base URL of the log node to watch')
    .option('--log-public-key <hex>', "witness: the log's Ed25519 public key, pinned")
    .option('--log-api-key-file <file>', 'witness: file holding an API key of the log (chain:read, chain:witness)')
    .option('--poll-ms <ms>', 'witness: how often to fetch the latest head', '1000')
    .action(async (opts) => {
      if (opts.role === 'witness') return serveWitness(opts);
      if (opts.role !== 'platform') fail('--role must be platform or witness');
      const config = configFromEnv({
        ...(opts.port !== undefined ? { ZHIRONG_PORT: String(opts.port) } : {}),
        ...(opts.host !== undefined ? { ZHIRONG_HOST: String(opts.host) } : {}),
        ...(opts.demo ? { ZHIRONG_DEMO: 'true' } : {}),
      });
      const logger = createLogger({ level: config.logLevel });
      await serve(config, platformModules(), logger, {
        onReady: async (platform) => {
          if (!config.demo) return;
          const demo = await seedDemoData(platform);
          if (demo.seeded) logger.info({ accounts: demo.accounts.length }, 'demo data seeded (演示数据)');
        },
      });
    });

  program
    .command('migrate')
    .description('Apply every module migration to the configured database')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const config = configFromEnv();
      const reports = await withPlatform(
        config,
        async (platform) => {
          const db = platform.context.db.kysely;
          const out = [await migrateSchema(db, outboxMigrations)];
          for (const m of platformModules().list()) out.push(await migrateSchema(db, m.migrations));
          return out;
        },
        { migrate: false },
      );
      if (opts.json) printJson({ backend: config.databaseUrl ? 'postgres' : 'pglite', schemas: reports });
      else console.log(`migrated: ${reports.map((r) => r.schema).join(', ')}`);
    });

  program
    .command('config')
    .description('Print the effective configuration (secrets masked) and every setting it reads')
    .option('--json', 'print one JSON document')
    .action((opts) => {
      const config = redactedConfig(configFromEnv());
      if (opts.json) return printJson({ config, settings: CONFIG_KEYS });
      for (const [k, v] of Object.entries(config)) console.log(`${k.padEnd(20)} ${v === undefined ? '' : String(v)}`);
    });

  const outbox = program.command('outbox').description('Events the outbox relay could not deliver to a consumer');
  outbox
    .command('dead-letters')
    .description('List events a named consumer failed on at every attempt (oldest first)')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) fail('--limit must be an integer from 1 to 1000');
      const dead = await withPlatform(configFromEnv(), (platform) => platform.relay.deadLetters(limit));
      if (opts.json) return printJson({ deadLetters: dead });
      if (dead.length === 0) return console.log('no dead letters');
      for (const d of dead) {
        console.log(
          `${d.deadAt.toISOString()}  ${d.consumer}  ${d.topic}  ${d.eventId}  (${d.attempts}×) ${d.lastError}`,
        );
      }
    });
  outbox
    .command('redeliver')
    .description('Give dead letters (of one consumer, or all) a fresh set of delivery attempts')
    .option('--consumer <name>', 'only this consumer')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const count = await withPlatform(configFromEnv(), async (platform) => {
        // The consumers subscribe when the modules start; this process then relays with drain() alone.
        platform.start();
        await platform.relay.stop();
        const n = await platform.relay.redeliverDeadLetters(opts.consumer);
        await platform.relay.drain();
        return n;
      });
      if (opts.json) return printJson({ redelivered: count });
      console.log(`redelivered: ${count}`);
    });
}
