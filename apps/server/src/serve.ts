import { join } from 'node:path';
import { ACCESS_MODULE_NAME, type AccessService, ADMIN_KEY_FILE } from '@zhirong/access';
import type { Database } from '@zhirong/db';
import {
  ADMIN_PASSWORD_FILE,
  BOOTSTRAP_ADMIN_USERNAME,
  IDENTITY_MODULE_NAME,
  type IdentityService,
} from '@zhirong/identity';
import type { Clock, Rng } from '@zhirong/kernel';
import {
  bootPlatform,
  type Config,
  type Logger,
  type ModuleRegistry,
  type Platform,
  Shutdown,
} from '@zhirong/platform';
import { type AppOptions, createApp, type ZhirongApp } from './app.ts';

export interface ServeOptions {
  /** An already open database (tests); otherwise opened from the config. */
  readonly db?: Database;
  readonly clock?: Clock;
  readonly rng?: Rng;
  readonly app?: AppOptions;
  /** Shut down gracefully on SIGTERM/SIGINT and then exit. Default true; tests pass false. */
  readonly handleSignals?: boolean;
  /** Called after a signal-driven shutdown. Default `process.exit`. */
  readonly exit?: (code: number) => void;
  /** Runs after the platform has started and before the server listens (the CLI seeds demo data here). */
  readonly onReady?: (platform: Platform) => Promise<void>;
  /** Where the one-time bootstrap key banner goes. Default process.stdout (never the logger). */
  readonly stdout?: { write(text: string): unknown };
}

export interface ServerHandle {
  /** The bound address, e.g. `http://127.0.0.1:8080`. */
  readonly address: string;
  readonly app: ZhirongApp;
  readonly platform: Platform;
  /** Graceful shutdown: stop accepting, finish in-flight requests, stop background work, close the database. */
  close(): Promise<void>;
}

/**
 * Runs the server: boots the platform (migrations included), makes sure an admin key exists
 * (printing a newly created one once to stdout), builds the app, starts background work, listens
 * on `config.host:config.port`, and installs graceful shutdown.
 */
export async function serve(
  config: Config,
  modules: ModuleRegistry,
  logger: Logger,
  options: ServeOptions = {},
): Promise<ServerHandle> {
  const platform = await bootPlatform({
    config,
    modules,
    logger,
    ...(options.db ? { db: options.db } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.rng ? { rng: options.rng } : {}),
  });
  let app: ZhirongApp | undefined;
  try {
    const access = platform.service<AccessService>(ACCESS_MODULE_NAME);
    const adminKey = await access.ensureBootstrapAdminKey(config.dataDir);
    if (adminKey !== undefined) {
      (options.stdout ?? process.stdout).write(bootstrapBanner(adminKey, join(config.dataDir, ADMIN_KEY_FILE)));
    }
    if (modules.list().some((module) => module.name === IDENTITY_MODULE_NAME)) {
      const identity = platform.service<IdentityService>(IDENTITY_MODULE_NAME);
      const password = await identity.ensureBootstrapAdmin(config.dataDir);
      if (password !== undefined) {
        (options.stdout ?? process.stdout).write(
          consoleAdminBanner(BOOTSTRAP_ADMIN_USERNAME, password, join(config.dataDir, ADMIN_PASSWORD_FILE)),
        );
      }
    }
    app = await createApp(platform, options.app);
    platform.start();
    await options.onReady?.(platform);
    const address = await app.listen({ host: config.host, port: config.port });
    logger.info({ address }, 'zhirong server listening');

    const shutdown = new Shutdown(logger, config.shutdownTimeoutMs);
    // Steps run in reverse: first the HTTP server (stop accepting, finish in-flight requests), then the platform.
    shutdown.add('platform', () => platform.close());
    const listening = app;
    shutdown.add('http', () => listening.close());
    if (options.handleSignals ?? true) shutdown.installSignalHandlers(options.exit ?? ((code) => process.exit(code)));
    return { address, app: listening, platform, close: () => shutdown.run('close') };
  } catch (error) {
    await app?.close();
    await platform.close();
    throw error;
  }
}

export function bootstrapBanner(key: string, file: string): string {
  const rule = '='.repeat(78);
  return [
    rule,
    ' Zhirong created the first admin API key. It is shown this once.',
    ` It is also saved in ${file} (readable by this user only).`,
    '',
    `   ${key}`,
    '',
    ' Send it as "Authorization: Bearer <key>". Create narrower keys with POST /v1/access/keys',
    ' and keep this one offline.',
    rule,
    '',
  ].join('\n');
}

export function consoleAdminBanner(username: string, password: string, file: string): string {
  const rule = '='.repeat(78);
  return [
    rule,
    ' Zhirong created the first console user (admin). Its password is shown this once.',
    ` It is also saved in ${file} (readable by this user only).`,
    '',
    `   user name: ${username}`,
    `   password:  ${password}`,
    '',
    ' Sign in to the console at / and create staff users under Staff; change this',
    ' password (or disable the user once another admin exists).',
    rule,
    '',
  ].join('\n');
}
