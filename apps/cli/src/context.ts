import { bootPlatform, type Config, ConfigError, createLogger, loadConfig, type Platform } from '@zhirong/platform';
import { platformModules } from './modules.ts';

/** Output helpers: `--json` prints exactly one JSON document; otherwise a readable summary. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}

export function configFromEnv(overrides: Record<string, string | undefined> = {}): Config {
  try {
    return loadConfig({ ...process.env, ...overrides }, process.cwd());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

/** Opens the configured database with every module, runs `work`, and closes it. */
export async function withPlatform<T>(
  config: Config,
  work: (platform: Platform) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const logger = createLogger(
    { level: config.logLevel === 'info' ? 'warn' : config.logLevel },
    process.stderr as never,
  );
  const platform = await bootPlatform({ config, modules: platformModules(), logger, migrate: options.migrate ?? true });
  try {
    return await work(platform);
  } finally {
    await platform.close();
  }
}

export class UsageError extends Error {}

export function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}
