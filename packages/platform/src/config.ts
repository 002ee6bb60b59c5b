import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Platform configuration, read once at boot from the environment, validated as a whole (every bad
 * key reported in one error), frozen, and passed down. No module reads process.env itself.
 */
const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const intString = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

export const CONFIG_KEYS = {
  DATABASE_URL: 'PostgreSQL connection URL; unset → embedded PGlite in ZHIRONG_DATA_DIR',
  ZHIRONG_DATA_DIR: 'Directory for the embedded database and the bootstrap admin key',
  ZHIRONG_HOST: 'Interface the HTTP server binds to',
  ZHIRONG_PORT: 'HTTP port',
  ZHIRONG_LOG_LEVEL: 'fatal | error | warn | info | debug | trace | silent',
  ZHIRONG_DB_POOL_SIZE: 'PostgreSQL connections per process',
  ZHIRONG_BODY_LIMIT_BYTES: 'Largest accepted request body',
  ZHIRONG_RATE_LIMIT_PER_MINUTE: 'Requests per minute per API key (or per IP without one)',
  ZHIRONG_SHUTDOWN_TIMEOUT_MS: 'How long a graceful shutdown waits for in-flight work',
  ZHIRONG_TIMEZONE: 'The institution time zone for business dates (IANA name)',
  ZHIRONG_DEMO: 'Load demo data on start (true/false)',
  ZHIRONG_OUTBOX_POLL_MS: 'How often the outbox relay looks for unpublished events',
  ZHIRONG_WEBHOOKS_SECRET_KEY: 'Base64 of 32 bytes: AES-256-GCM key that encrypts webhook signing secrets at rest',
  ZHIRONG_WEBHOOKS_ALLOW_HTTP: 'Allow http:// webhook endpoints (development only; https otherwise)',
  ZHIRONG_WEBHOOKS_ALLOWED_HOSTS: 'Comma-separated host names, IPs or CIDRs webhooks may reach despite being private',
  ZHIRONG_WEBHOOKS_ATTEMPTS_MAX: 'Delivery attempts before a webhook delivery is marked dead',
  ZHIRONG_WEBHOOKS_TIMEOUT_MS: 'Timeout of one webhook delivery attempt (connect to last body byte)',
  ZHIRONG_CHAIN_HEAD_INTERVAL_MS: 'How often the evidence log signs a new tree head when it has grown',
  ZHIRONG_CHAIN_KEY_FILE: "The evidence log's Ed25519 signing key file (created on first use)",
  ZHIRONG_CHAIN_WITNESS_QUORUM: 'Witness cosignatures that make a tree head final (k of n)',
  ZHIRONG_SCF_SETTLE_INTERVAL_MS: 'How often matured receivables are settled automatically',
  ZHIRONG_RISK_REDIS_URL:
    "Redis for the risk engine's feature store, shared by several server processes (in memory when unset)",
  ZHIRONG_RISK_CASE_SLA_MINUTES: 'Minutes an analyst has to close a risk review case',
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  ZHIRONG_DATA_DIR: z.string().min(1).default('.zhirong'),
  ZHIRONG_HOST: z.string().min(1).default('127.0.0.1'),
  ZHIRONG_PORT: intString(0, 65535).default(8080),
  ZHIRONG_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ZHIRONG_DB_POOL_SIZE: intString(1, 200).default(16),
  ZHIRONG_BODY_LIMIT_BYTES: intString(1024, 64 * 1024 * 1024).default(8 * 1024 * 1024),
  ZHIRONG_RATE_LIMIT_PER_MINUTE: intString(1, 10_000_000).default(600_000),
  ZHIRONG_SHUTDOWN_TIMEOUT_MS: intString(0, 600_000).default(10_000),
  ZHIRONG_TIMEZONE: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Asia/Shanghai')
    .default('Asia/Shanghai'),
  ZHIRONG_DEMO: booleanString.default(false),
  ZHIRONG_OUTBOX_POLL_MS: intString(10, 60_000).default(250),
  ZHIRONG_WEBHOOKS_SECRET_KEY: z
    .string()
    .refine((v) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, {
      message: 'must be the base64 of exactly 32 random bytes (openssl rand -base64 32)',
    })
    .optional(),
  ZHIRONG_WEBHOOKS_ALLOW_HTTP: booleanString.default(false),
  ZHIRONG_WEBHOOKS_ALLOWED_HOSTS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== ''),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9.:\-[\]/]+$/, 'must list host names, IP addresses or CIDRs')).max(100))
    .default([]),
  ZHIRONG_WEBHOOKS_ATTEMPTS_MAX: intString(1, 100).default(12),
  ZHIRONG_WEBHOOKS_TIMEOUT_MS: intString(100, 120_000).default(10_000),
  ZHIRONG_CHAIN_HEAD_INTERVAL_MS: intString(50, 86_400_000).default(1000),
  ZHIRONG_CHAIN_KEY_FILE: z.string().min(1).optional(),
  ZHIRONG_CHAIN_WITNESS_QUORUM: intString(1, 100).default(1),
  ZHIRONG_SCF_SETTLE_INTERVAL_MS: intString(100, 86_400_000).default(60_000),
  ZHIRONG_RISK_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  ZHIRONG_RISK_CASE_SLA_MINUTES: intString(1, 43_200).default(240),
});

export interface Config {
  readonly databaseUrl: string | undefined;
  /** Absolute path. */
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly dbPoolSize: number;
  readonly bodyLimitBytes: number;
  readonly rateLimitPerMinute: number;
  readonly shutdownTimeoutMs: number;
  readonly timeZone: string;
  readonly demo: boolean;
  readonly outboxPollMs: number;
  /** Base64 AES-256 key for webhook signing secrets at rest; undefined → stored in plain text. */
  readonly webhooksSecretKey: string | undefined;
  readonly webhooksAllowHttp: boolean;
  /** Lower-case host names, IP addresses and CIDRs exempt from the private-address block. */
  readonly webhooksAllowedHosts: readonly string[];
  readonly webhooksAttemptsMax: number;
  readonly webhooksTimeoutMs: number;
  readonly chainHeadIntervalMs: number;
  /** Absolute path of the log's signing key; default `<dataDir>/chain-log.key`. */
  readonly chainKeyFile: string;
  readonly chainWitnessQuorum: number;
  readonly scfSettleIntervalMs: number;
  readonly riskRedisUrl: string | undefined;
  readonly riskCaseSlaMinutes: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly { key: string; message: string }[]) {
    super(`invalid configuration:\n${issues.map((i) => `  ${i.key}: ${i.message}`).join('\n')}`);
  }
}

/**
 * Builds the configuration from environment-style key/values. Unknown `ZHIRONG_*` keys are
 * reported too: a typo must not silently fall back to a default.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, cwd: string): Config {
  const picked: Record<string, string> = {};
  const issues: { key: string; message: string }[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (key in CONFIG_KEYS) picked[key] = value;
    else if (key.startsWith('ZHIRONG_') && !key.startsWith('ZHIRONG_TEST_')) {
      issues.push({ key, message: 'unknown setting' });
    }
  }
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ key: String(issue.path[0] ?? '?'), message: issue.message });
    }
  }
  if (issues.length > 0 || !parsed.success) throw new ConfigError(issues);
  const c = parsed.data;
  const dataDir = isAbsolute(c.ZHIRONG_DATA_DIR) ? c.ZHIRONG_DATA_DIR : resolve(cwd, c.ZHIRONG_DATA_DIR);
  const keyFile = c.ZHIRONG_CHAIN_KEY_FILE ?? join(dataDir, 'chain-log.key');
  return Object.freeze({
    databaseUrl: c.DATABASE_URL,
    dataDir,
    host: c.ZHIRONG_HOST,
    port: c.ZHIRONG_PORT,
    logLevel: c.ZHIRONG_LOG_LEVEL,
    dbPoolSize: c.ZHIRONG_DB_POOL_SIZE,
    bodyLimitBytes: c.ZHIRONG_BODY_LIMIT_BYTES,
    rateLimitPerMinute: c.ZHIRONG_RATE_LIMIT_PER_MINUTE,
    shutdownTimeoutMs: c.ZHIRONG_SHUTDOWN_TIMEOUT_MS,
    timeZone: c.ZHIRONG_TIMEZONE,
    demo: c.ZHIRONG_DEMO,
    outboxPollMs: c.ZHIRONG_OUTBOX_POLL_MS,
    webhooksSecretKey: c.ZHIRONG_WEBHOOKS_SECRET_KEY,
    webhooksAllowHttp: c.ZHIRONG_WEBHOOKS_ALLOW_HTTP,
    webhooksAllowedHosts: Object.freeze(c.ZHIRONG_WEBHOOKS_ALLOWED_HOSTS),
    webhooksAttemptsMax: c.ZHIRONG_WEBHOOKS_ATTEMPTS_MAX,
    webhooksTimeoutMs: c.ZHIRONG_WEBHOOKS_TIMEOUT_MS,
    chainHeadIntervalMs: c.ZHIRONG_CHAIN_HEAD_INTERVAL_MS,
    chainKeyFile: isAbsolute(keyFile) ? keyFile : resolve(cwd, keyFile),
    chainWitnessQuorum: c.ZHIRONG_CHAIN_WITNESS_QUORUM,
    scfSettleIntervalMs: c.ZHIRONG_SCF_SETTLE_INTERVAL_MS,
    riskRedisUrl: c.ZHIRONG_RISK_REDIS_URL,
    riskCaseSlaMinutes: c.ZHIRONG_RISK_CASE_SLA_MINUTES,
  });
}

/** The configuration with secrets masked, for logs and `zhirong config`. */
export function redactedConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    databaseUrl: config.databaseUrl ? redactUrl(config.databaseUrl) : undefined,
    riskRedisUrl: config.riskRedisUrl ? redactUrl(config.riskRedisUrl) : undefined,
    webhooksSecretKey: config.webhooksSecretKey ? '***' : undefined,
  };
}

/** Query parameters that carry secrets: node-postgres takes `?password=…` as the password. */
const SECRET_PARAMETER = /password|secret|token/i;

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const name of [...u.searchParams.keys()]) {
      if (SECRET_PARAMETER.test(name)) u.searchParams.set(name, '***');
    }
    return u.toString();
  } catch {
    return '***';
  }
}
