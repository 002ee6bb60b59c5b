import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `zhirong` executable the CLI tests run (as a fresh process, the way a user does). */
export const ZHIRONG_BIN = fileURLToPath(new URL('../bin/zhirong.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A function that runs `zhirong <prefix…> <args…>` synchronously against `dataDir` (the embedded
 * database: DATABASE_URL is removed so a developer's setting never points a test at a real server),
 * with English messages and warnings only.
 */
export function cliRunner(
  dataDir: string | undefined,
  options: { timeoutMs?: number; prefix?: readonly string[] } = {},
): (...args: string[]) => CliRun {
  return (...args) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ZHIRONG_LOG_LEVEL: 'warn', LANG: 'C' };
    if (dataDir !== undefined) env.ZHIRONG_DATA_DIR = dataDir;
    delete env.DATABASE_URL;
    const run = spawnSync(process.execPath, [ZHIRONG_BIN, ...(options.prefix ?? []), ...args], {
      env,
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 60_000,
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  };
}
